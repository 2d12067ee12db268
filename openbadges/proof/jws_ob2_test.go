package proof

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"testing"

	"github.com/rosettebadges/rosette/openbadges/did"
	"github.com/rosettebadges/rosette/openbadges/fetch"
	"github.com/rosettebadges/rosette/openbadges/internal/fixture"
	"github.com/rosettebadges/rosette/openbadges/key"
)

const ob2TestKeyURL = "https://issuer.example/keys/1"

func ob2TestAssertion(creator string) []byte {
	ver := `{"type": "SignedBadge"}`
	if creator != "" {
		ver = `{"type": "SignedBadge", "creator": "` + creator + `"}`
	}
	return []byte(`{
  "@context": "https://w3id.org/openbadges/v2",
  "type": "Assertion",
  "id": "urn:uuid:a953d2c5-6d64-4cc7-b4d3-e1b5bd8b6a6c",
  "recipient": {"type": "email", "hashed": true, "salt": "deadsea", "identity": "sha256$ecf5409f3f4b91ab60cc5ef4c02aef7032354375e70cf4d8e43f6a1d29891942"},
  "issuedOn": "2016-12-31T23:59:59+00:00",
  "badge": "https://issuer.example/badges/1",
  "verification": ` + ver + `
}`)
}

// The Mozilla bakery's RSA test key signs; its CryptographicKey is served as publicKeyPem.
func ob2TestKey(t testing.TB) (*key.PrivateKey, *did.Resolver) {
	t.Helper()
	block, _ := pem.Decode(fixture.Read(t, "mozilla-openbadges-bakery/test/rsa-private.pem"))
	priv, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	k, err := key.NewPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := json.Marshal(map[string]any{
		"@context": "https://w3id.org/openbadges/v2", "type": "CryptographicKey", "id": ob2TestKeyURL,
		"owner": "https://issuer.example/issuer", "publicKeyPem": string(fixture.Read(t, "mozilla-openbadges-bakery/test/rsa-public.pem")),
	})
	return k, &did.Resolver{Fetcher: fetch.Static{ob2TestKeyURL: {Body: doc}}}
}

func TestOB2SignVerify(t *testing.T) {
	k, r := ob2TestKey(t)
	ctx := context.Background()
	a := ob2TestAssertion(ob2TestKeyURL)
	jws, err := SignOB2(a, k)
	if err != nil {
		t.Fatal(err)
	}
	h, payload := jwtTestDecode(t, jws)
	if h != `{"alg":"RS256"}` || payload != string(a) {
		t.Fatalf("header %s, payload %s", h, payload)
	}
	res, err := VerifyOB2(ctx, jws, r)
	if err != nil {
		t.Fatal(err)
	}
	if string(res.Assertion) != string(a) || res.Method.ID != ob2TestKeyURL || res.Method.Controller != "https://issuer.example/issuer" || res.Method.Type != did.TypeCryptographicKey {
		t.Fatalf("result = %+v", res.Method)
	}

	// Without creator, the issuer's publicKey list is used.
	noCreator, err := SignOB2(ob2TestAssertion(""), k)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := VerifyOB2(ctx, noCreator, r); !errors.Is(err, ErrJWSKey) {
		t.Fatalf("no creator, no keys: %v", err)
	}
	if _, err := VerifyOB2(ctx, noCreator, r, "https://issuer.example/keys/unknown", ob2TestKeyURL); err != nil {
		t.Fatal(err)
	}

	// Another key, a tampered payload, and a creator that does not resolve all fail.
	other, _ := key.Generate(key.RS256)
	bad, _ := SignOB2(a, other)
	if _, err := VerifyOB2(ctx, bad, r); !errors.Is(err, ErrJWSSignature) {
		t.Fatalf("other key: %v", err)
	}
	tampered := jwtTestSign(t, k, `{"alg":"RS256"}`, string(ob2TestAssertion("https://issuer.example/keys/2")))
	if _, err := VerifyOB2(ctx, tampered, r); !errors.Is(err, ErrJWSKey) {
		t.Fatalf("unknown creator: %v", err)
	}
	if _, err := VerifyOB2(ctx, jwtTestSign(t, k, `{"alg":"RS256","x5c":["AA"]}`, string(a)), r); !errors.Is(err, ErrJWSHeader) {
		t.Fatalf("x5c header: %v", err)
	}
	if _, err := SignOB2([]byte(`"not an object"`), k); err == nil {
		t.Fatal("SignOB2 signed a non-object")
	}
}

func FuzzVerifyJWT(f *testing.F) {
	k, _ := key.Generate(key.Ed25519)
	d, vm, _ := did.KeyDID(k.Public())
	for _, opts := range []JWTOptions{{KeyID: vm}, {EmbedJWK: true}} {
		s, err := SignJWT(jwtTestCredential(d), k, opts)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(s)
	}
	f.Add("eyJhbGciOiJub25lIn0.e30.")
	f.Add("a.b.c")
	r := &did.Resolver{}
	f.Fuzz(func(t *testing.T, s string) {
		res, err := VerifyJWT(context.Background(), s, r)
		if err != nil {
			return
		}
		if res.Method == nil || res.Claims.Iss == "" || !json.Valid(res.Credential) {
			t.Fatalf("accepted %q with result %+v", s, res)
		}
		_, _ = VerifyOB2(context.Background(), s, r, vm)
	})
}
