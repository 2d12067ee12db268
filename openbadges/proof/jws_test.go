package proof

import (
	"github.com/rosettebadges/rosette/openbadges/key"
	"strings"
	"testing"
)

func TestParseCompactJWS(t *testing.T) {
	ok := jwtB64.EncodeToString([]byte(`{"alg":"RS256"}`)) + "." + jwtB64.EncodeToString([]byte(`{"a":1}`)) + ".c2ln"
	p, err := parseCompactJWS(" " + ok + "\n")
	if err != nil || p.header.Alg != "RS256" || string(p.payload) != `{"a":1}` {
		t.Fatalf("parse = %+v, %v", p, err)
	}
	for name, s := range map[string]string{
		"four parts":   ok + ".x",
		"empty sig":    strings.TrimSuffix(ok, "c2ln"),
		"bad base64":   "e30!.e30.c2ln",
		"header array": jwtB64.EncodeToString([]byte(`[]`)) + ".e30.c2ln",
		"alg missing":  jwtB64.EncodeToString([]byte(`{}`)) + ".e30.c2ln",
		"alg PS256":    jwtB64.EncodeToString([]byte(`{"alg":"PS256"}`)) + ".e30.c2ln",
		"b64 false":    jwtB64.EncodeToString([]byte(`{"alg":"RS256","b64":false}`)) + ".e30.c2ln",
		"dup alg":      jwtB64.EncodeToString([]byte(`{"alg":"none","alg":"RS256"}`)) + ".e30.c2ln",
	} {
		if _, err := parseCompactJWS(s); err == nil {
			t.Errorf("%s: parsed", name)
		}
	}
}

func FuzzParseCompactJWS(f *testing.F) {
	f.Add(jwtB64.EncodeToString([]byte(`{"alg":"RS256","kid":"did:key:z6Mk#z6Mk"}`)) + "." + jwtB64.EncodeToString([]byte(`{"a":1}`)) + ".c2ln")
	f.Add("a.b.c")
	f.Fuzz(func(t *testing.T, s string) {
		p, err := parseCompactJWS(s)
		if err != nil {
			return
		}
		switch p.header.Alg {
		case "RS256", "ES256", "EdDSA":
		default:
			t.Fatalf("accepted alg %q", p.header.Alg)
		}
		if _, ok := p.raw["alg"]; !ok {
			t.Fatal("no alg member")
		}
	})
}

// RFC 8037 appendix A.4: the Ed25519 JWS of "Example of Ed25519 signing" with the RFC 8032
// test key. Ed25519 is deterministic, so signing must give the published bytes.
func TestRFC8037JWS(t *testing.T) {
	k, err := key.ParsePrivateJWK([]byte(`{"kty":"OKP","crv":"Ed25519","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}`))
	if err != nil {
		t.Fatal(err)
	}
	const want = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc.hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"
	got, err := signCompactJWS(k, []byte(`{"alg":"EdDSA"}`), []byte("Example of Ed25519 signing"))
	if err != nil || got != want {
		t.Fatalf("signCompactJWS = %s, %v\nwant %s", got, err, want)
	}
	p, err := parseCompactJWS(want)
	if err != nil {
		t.Fatal(err)
	}
	if err := verifyJWSSignature(p, k.Public()); err != nil {
		t.Fatal(err)
	}
}

// RFC 7515 appendix A.3: an ES256 JWS verifies with the published P-256 key (ECDSA signatures
// are randomized, so only verification is golden).
func TestRFC7515ES256(t *testing.T) {
	pub, err := key.ParsePublicJWK([]byte(`{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}`))
	if err != nil {
		t.Fatal(err)
	}
	const jws = "eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q"
	p, err := parseCompactJWS(jws)
	if err != nil {
		t.Fatal(err)
	}
	if err := verifyJWSSignature(p, pub); err != nil {
		t.Fatal(err)
	}
	// One flipped bit in the signature fails.
	bad := jws[:len(jws)-2] + "Q" + jws[len(jws)-1:]
	if bad == jws {
		bad = jws[:len(jws)-2] + "R" + jws[len(jws)-1:]
	}
	p, _ = parseCompactJWS(bad)
	if p == nil || verifyJWSSignature(p, pub) == nil {
		t.Fatal("tampered signature verified")
	}
}
