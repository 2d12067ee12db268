package proof

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/google/go-cmp/cmp"

	"github.com/rosettebadges/rosette/openbadges/did"
	"github.com/rosettebadges/rosette/openbadges/fetch"
	"github.com/rosettebadges/rosette/openbadges/key"
)

const jwtTestIssuerURL = "https://issuer.example/issuers/1"

// jwtTestCredential is a minimal OB 3.0 credential issued by issuer.
func jwtTestCredential(issuer string) []byte {
	return []byte(`{
  "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
  "id": "urn:uuid:91537dba-56cb-11ec-bf63-0242ac130002",
  "type": ["VerifiableCredential", "OpenBadgeCredential"],
  "issuer": {"id": "` + issuer + `", "type": ["Profile"], "name": "Example"},
  "validFrom": "2010-01-01T00:00:00Z",
  "validUntil": "2030-01-01T00:00:00.500Z",
  "name": "Teamwork",
  "credentialSubject": {"id": "did:example:ebfeb1f712ebc6f1c276e12ec21", "type": ["AchievementSubject"],
    "achievement": {"id": "https://example.com/achievements/1", "type": ["Achievement"], "name": "T", "description": "d", "criteria": {"narrative": "n"}}}
}`)
}

// jwtTestKeys returns, per algorithm, a signing key, its kid and a resolver that knows it.
// Ed25519 and ES256 use did:key; RS256 uses an https controller document.
func jwtTestKeys(t testing.TB) map[key.Algorithm]struct {
	k      *key.PrivateKey
	kid    string
	issuer string
} {
	t.Helper()
	out := map[key.Algorithm]struct {
		k      *key.PrivateKey
		kid    string
		issuer string
	}{}
	for _, alg := range key.Algorithms() {
		k, err := key.Generate(alg)
		if err != nil {
			t.Fatal(err)
		}
		if alg == key.RS256 {
			out[alg] = struct {
				k      *key.PrivateKey
				kid    string
				issuer string
			}{k, jwtTestIssuerURL + "#key-1", jwtTestIssuerURL}
			continue
		}
		d, vm, err := did.KeyDID(k.Public())
		if err != nil {
			t.Fatal(err)
		}
		out[alg] = struct {
			k      *key.PrivateKey
			kid    string
			issuer string
		}{k, vm, d}
	}
	return out
}

func jwtTestResolver(t testing.TB, rsaKey *key.PrivateKey) *did.Resolver {
	t.Helper()
	vm, err := did.NewMethod(jwtTestIssuerURL+"#key-1", jwtTestIssuerURL, rsaKey.Public())
	if err != nil {
		t.Fatal(err)
	}
	doc, err := json.Marshal(did.NewWebDocument(jwtTestIssuerURL, vm))
	if err != nil {
		t.Fatal(err)
	}
	return &did.Resolver{Fetcher: fetch.Static{jwtTestIssuerURL: {Body: doc, ContentType: "application/json"}}}
}

func TestJWTRoundTrip(t *testing.T) {
	keys := jwtTestKeys(t)
	r := jwtTestResolver(t, keys[key.RS256].k)
	ctx := context.Background()
	for _, alg := range key.Algorithms() {
		tk := keys[alg]
		t.Run(string(alg), func(t *testing.T) {
			cred := jwtTestCredential(tk.issuer)
			jwt, err := SignJWT(cred, tk.k, JWTOptions{KeyID: tk.kid})
			if err != nil {
				t.Fatal(err)
			}
			hdr, payload := jwtTestDecode(t, jwt)
			if want := `{"alg":"` + alg.JWSAlg() + `","typ":"JWT","kid":"` + tk.kid + `"}`; hdr != want {
				t.Fatalf("header = %s, want %s", hdr, want)
			}
			if !strings.HasSuffix(payload, `"name":"Teamwork","credentialSubject":{"id":"did:example:ebfeb1f712ebc6f1c276e12ec21","type":["AchievementSubject"],"achievement":{"id":"https://example.com/achievements/1","type":["Achievement"],"name":"T","description":"d","criteria":{"narrative":"n"}}},"iss":"`+tk.issuer+`","jti":"urn:uuid:91537dba-56cb-11ec-bf63-0242ac130002","sub":"did:example:ebfeb1f712ebc6f1c276e12ec21","nbf":1262304000,"exp":1893456000}`) {
				t.Fatalf("payload = %s", payload)
			}
			res, err := VerifyJWT(ctx, jwt, r)
			if err != nil {
				t.Fatal(err)
			}
			if !res.KeyBound || res.VCDM11 || len(res.Warnings) != 0 || res.Method.Controller != tk.issuer {
				t.Fatalf("result = %+v", res)
			}
			want := jwtTestCompact(t, cred)
			if diff := cmp.Diff(want, string(res.Credential)); diff != "" {
				t.Fatalf("credential (-want +got):\n%s", diff)
			}
			wantClaims := JWTClaims{Iss: tk.issuer, Sub: "did:example:ebfeb1f712ebc6f1c276e12ec21", Jti: "urn:uuid:91537dba-56cb-11ec-bf63-0242ac130002",
				Nbf: time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC), Exp: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}
			if diff := cmp.Diff(wantClaims, res.Claims); diff != "" {
				t.Fatalf("claims (-want +got):\n%s", diff)
			}

			// The same with an embedded JWK only: valid, but the key is not bound to the issuer.
			jwt2, err := SignJWT(cred, tk.k, JWTOptions{EmbedJWK: true, OmitTyp: true})
			if err != nil {
				t.Fatal(err)
			}
			res2, err := VerifyJWT(ctx, jwt2, nil)
			if err != nil {
				t.Fatal(err)
			}
			if res2.KeyBound || len(res2.Warnings) != 1 || res2.Header.Typ != "" {
				t.Fatalf("jwk-only result = %+v", res2)
			}
			// kid and jwk together must agree.
			jwt3, err := SignJWT(cred, tk.k, JWTOptions{KeyID: tk.kid, EmbedJWK: true})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := VerifyJWT(ctx, jwt3, r); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// A VC-JWT made by go-jose's own signer (an independent JWS implementation) verifies, and
// ours verifies with go-jose directly.
func TestJWTInteropGoJose(t *testing.T) {
	keys := jwtTestKeys(t)
	r := jwtTestResolver(t, keys[key.RS256].k)
	for _, alg := range key.Algorithms() {
		tk := keys[alg]
		payload := strings.TrimSuffix(jwtTestCompact(t, jwtTestCredential(tk.issuer)), "}") +
			`,"iss":"` + tk.issuer + `","jti":"urn:uuid:91537dba-56cb-11ec-bf63-0242ac130002","nbf":1262304000,"exp":1893456000,"sub":"did:example:ebfeb1f712ebc6f1c276e12ec21"}`
		signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.SignatureAlgorithm(alg.JWSAlg()), Key: tk.k.Signer},
			(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", tk.kid))
		if err != nil {
			t.Fatal(err)
		}
		obj, err := signer.Sign([]byte(payload))
		if err != nil {
			t.Fatal(err)
		}
		compact, _ := obj.CompactSerialize()
		if _, err := VerifyJWT(context.Background(), compact, r); err != nil {
			t.Errorf("%s: go-jose JWT: %v", alg, err)
		}
		ours, err := SignJWT(jwtTestCredential(tk.issuer), tk.k, JWTOptions{KeyID: tk.kid})
		if err != nil {
			t.Fatal(err)
		}
		parsed, err := jose.ParseSignedCompact(ours, jwsAlgorithms)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := parsed.Verify(tk.k.Public()); err != nil {
			t.Errorf("%s: go-jose rejects our JWT: %v", alg, err)
		}
	}
}

func TestJWTVCDM11(t *testing.T) {
	k, _ := key.Generate(key.Ed25519)
	d, vm, _ := did.KeyDID(k.Public())
	cred := []byte(`{"@context":["https://www.w3.org/2018/credentials/v1","https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],"id":"urn:uuid:1","type":["VerifiableCredential","OpenBadgeCredential"],"issuer":"` + d + `","issuanceDate":"2020-05-01T10:00:00.123Z","credentialSubject":{"id":"did:example:s","type":"AchievementSubject"}}`)
	jwt, err := SignJWT(cred, k, JWTOptions{KeyID: vm})
	if err != nil {
		t.Fatal(err)
	}
	_, payload := jwtTestDecode(t, jwt)
	if want := `{"vc":` + string(cred) + `,"iss":"` + d + `","jti":"urn:uuid:1","sub":"did:example:s","nbf":1588327200}`; payload != want {
		t.Fatalf("payload = %s\nwant      %s", payload, want)
	}
	res, err := VerifyJWT(context.Background(), jwt, &did.Resolver{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.VCDM11 || string(res.Credential) != string(cred) {
		t.Fatalf("VCDM11=%v credential %s", res.VCDM11, res.Credential)
	}

	// VC-DATA-MODEL 1.1 §6.3.1: values left out of vc come from the claims.
	sparse := `{"vc":{"@context":["https://www.w3.org/2018/credentials/v1"],"type":["VerifiableCredential"],"credentialSubject":{"type":"AchievementSubject"}},"iss":"` + d + `","jti":"urn:uuid:2","sub":"did:example:s","nbf":1588327200,"exp":1893456000}`
	jwt = jwtTestSign(t, k, `{"alg":"EdDSA","kid":"`+vm+`"}`, sparse)
	res, err = VerifyJWT(context.Background(), jwt, &did.Resolver{})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"@context":["https://www.w3.org/2018/credentials/v1"],"type":["VerifiableCredential"],"credentialSubject":{"type":"AchievementSubject","id":"did:example:s"},"id":"urn:uuid:2","issuer":"` + d + `","issuanceDate":"2020-05-01T10:00:00Z","expirationDate":"2030-01-01T00:00:00Z"}`; string(res.Credential) != want {
		t.Fatalf("filled credential = %s\nwant                %s", res.Credential, want)
	}
}

func TestJWTRejects(t *testing.T) {
	k, _ := key.Generate(key.Ed25519)
	d, vm, _ := did.KeyDID(k.Public())
	other, _ := key.Generate(key.Ed25519)
	od, ovm, _ := did.KeyDID(other.Public())
	rk, _ := key.Generate(key.RS256)
	privJWK, _ := k.MarshalJWK()
	pubJWK, _ := key.PublicJWK(other.Public(), "")
	pubJWKb, _ := json.Marshal(pubJWK)
	ownJWK, _ := key.PublicJWK(k.Public(), "")
	ownJWKb, _ := json.Marshal(ownJWK)
	good := strings.TrimSuffix(jwtTestCompact(t, jwtTestCredential(d)), "}")
	claims := func(extra string) string {
		return good + `,"iss":"` + d + `","jti":"urn:uuid:91537dba-56cb-11ec-bf63-0242ac130002","sub":"did:example:ebfeb1f712ebc6f1c276e12ec21"` + extra + `}`
	}
	okClaims := claims(`,"nbf":1262304000,"exp":1893456000`)
	hdr := `{"alg":"EdDSA","kid":"` + vm + `"}`
	tests := []struct {
		name string
		jwt  string
		want error
	}{
		{"control", jwtTestSign(t, k, hdr, okClaims), nil},
		{"extra header", jwtTestSign(t, k, `{"alg":"EdDSA","kid":"`+vm+`","x5u":"https://e/x"}`, okClaims), ErrJWSHeader},
		{"crit header", jwtTestSign(t, k, `{"alg":"EdDSA","kid":"`+vm+`","crit":["exp"]}`, okClaims), ErrJWSHeader},
		{"typ vc+jwt", jwtTestSign(t, k, `{"alg":"EdDSA","kid":"`+vm+`","typ":"vc+jwt"}`, okClaims), ErrJWSHeader},
		{"alg none", jwtTestUnsigned(`{"alg":"none","kid":"`+vm+`"}`, okClaims) + "c2ln", ErrJWSHeader},
		{"alg HS256", jwtTestUnsigned(`{"alg":"HS256","kid":"`+vm+`"}`, okClaims) + "c2ln", ErrJWSHeader},
		{"alg does not fit key", jwtTestSign(t, k, `{"alg":"RS256","kid":"`+vm+`"}`, okClaims), ErrJWSKey},
		{"duplicate header member", jwtTestSign(t, k, `{"alg":"EdDSA","kid":"`+vm+`","kid":"`+ovm+`"}`, okClaims), ErrJWSMalformed},
		{"no key", jwtTestSign(t, k, `{"alg":"EdDSA"}`, okClaims), ErrJWSKey},
		{"kid label beside jwk", jwtTestSign(t, k, `{"alg":"EdDSA","kid":"key-1","jwk":`+string(ownJWKb)+`}`, okClaims), nil},
		{"kid label without jwk", jwtTestSign(t, k, `{"alg":"EdDSA","kid":"key-1"}`, okClaims), ErrJWSKey},
		{"private jwk", jwtTestSign(t, k, `{"alg":"EdDSA","jwk":`+string(privJWK)+`}`, okClaims), ErrJWSKey},
		{"jwk differs from kid", jwtTestSign(t, k, `{"alg":"EdDSA","kid":"`+vm+`","jwk":`+string(pubJWKb)+`}`, okClaims), ErrJWSKey},
		{"signed by another key", jwtTestSign(t, other, hdr, okClaims), ErrJWSSignature},
		{"controller is not the issuer", jwtTestSign(t, other, `{"alg":"EdDSA","kid":"`+ovm+`"}`, okClaims), ErrJWSController},
		{"iss mismatch", jwtTestSign(t, k, hdr, strings.Replace(okClaims, `"iss":"`+d, `"iss":"`+od, 1)), ErrJWTClaims},
		{"jti mismatch", jwtTestSign(t, k, hdr, strings.Replace(okClaims, `"jti":"urn:uuid:9`, `"jti":"urn:uuid:8`, 1)), ErrJWTClaims},
		{"no jti", jwtTestSign(t, k, hdr, strings.Replace(okClaims, `"jti":"urn:uuid:91537dba-56cb-11ec-bf63-0242ac130002",`, ``, 1)), ErrJWTClaims},
		{"sub mismatch", jwtTestSign(t, k, hdr, strings.Replace(okClaims, `"sub":"did:example:e`, `"sub":"did:example:f`, 1)), ErrJWTClaims},
		{"nbf mismatch", jwtTestSign(t, k, hdr, claims(`,"nbf":1262304001,"exp":1893456000`)), ErrJWTClaims},
		{"nbf missing", jwtTestSign(t, k, hdr, claims(`,"exp":1893456000`)), ErrJWTClaims},
		{"nbf string", jwtTestSign(t, k, hdr, claims(`,"nbf":"1262304000","exp":1893456000`)), ErrJWTClaims},
		{"exp missing", jwtTestSign(t, k, hdr, claims(`,"nbf":1262304000`)), ErrJWTClaims},
		{"exp mismatch", jwtTestSign(t, k, hdr, claims(`,"nbf":1262304000,"exp":1893456001`)), ErrJWTClaims},
		{"duplicate claim", jwtTestSign(t, k, hdr, claims(`,"nbf":1262304000,"exp":1893456000,"iss":"`+d+`"`)), ErrJWSMalformed},
		{"vc claim and @context", jwtTestSign(t, k, hdr, claims(`,"nbf":1262304000,"exp":1893456000,"vc":{}`)), ErrJWSMalformed},
		{"v1 context at top level", jwtTestSign(t, k, hdr, strings.Replace(okClaims, ContextVCv2, ContextVCv1, 1)), ErrJWSMalformed},
		{"v2 credential in vc", jwtTestSign(t, k, hdr, `{"vc":`+jwtTestCompact(t, jwtTestCredential(d))+`,"iss":"`+d+`","jti":"urn:uuid:91537dba-56cb-11ec-bf63-0242ac130002","nbf":1262304000,"exp":1893456000}`), ErrJWSMalformed},
		{"payload not JSON", jwtTestSign(t, k, hdr, `not json`), ErrJWSMalformed},
		{"two parts", "a.b", ErrJWSMalformed},
		{"padded base64", jwtTestSign(t, k, hdr, okClaims) + "=", ErrJWSMalformed},
		{"RSA key for EdDSA header", jwtTestSign(t, rk, `{"alg":"EdDSA","kid":"`+vm+`"}`, okClaims), ErrJWSSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := VerifyJWT(context.Background(), tt.jwt, &did.Resolver{})
			if tt.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("VerifyJWT = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestSignJWTRefusals(t *testing.T) {
	k, _ := key.Generate(key.ES256)
	cred := jwtTestCredential("https://issuer.example/1")
	for name, tt := range map[string]struct {
		cred []byte
		opts JWTOptions
	}{
		"no key location": {cred, JWTOptions{}},
		"no id":           {[]byte(strings.Replace(string(cred), `"id": "urn:uuid`, `"x": "urn:uuid`, 1)), JWTOptions{EmbedJWK: true}},
		"no validFrom":    {[]byte(strings.Replace(string(cred), `"validFrom"`, `"x"`, 1)), JWTOptions{EmbedJWK: true}},
		"bad validFrom":   {[]byte(strings.Replace(string(cred), `2010-01-01T00:00:00Z`, `2010-01-01`, 1)), JWTOptions{EmbedJWK: true}},
		"unknown context": {[]byte(strings.Replace(string(cred), ContextVCv2, "https://example.com/ctx", 1)), JWTOptions{EmbedJWK: true}},
		"has iss member":  {[]byte(strings.Replace(string(cred), `"name": "Teamwork"`, `"iss": "x"`, 1)), JWTOptions{EmbedJWK: true}},
		"not an object":   {[]byte(`[]`), JWTOptions{EmbedJWK: true}},
	} {
		if _, err := SignJWT(tt.cred, k, tt.opts); err == nil {
			t.Errorf("%s: SignJWT succeeded", name)
		}
	}
}

func jwtTestCompact(t testing.TB, b []byte) string {
	t.Helper()
	o, err := parseJWTObject(b)
	if err != nil {
		t.Fatal(err)
	}
	c, err := o.bytes()
	if err != nil {
		t.Fatal(err)
	}
	return string(c)
}

func jwtTestDecode(t *testing.T, jwt string) (header, payload string) {
	t.Helper()
	p, err := parseCompactJWS(jwt)
	if err != nil {
		t.Fatal(err)
	}
	h, _ := jwtB64.DecodeString(strings.Split(jwt, ".")[0])
	return string(h), string(p.payload)
}

func jwtTestSign(t testing.TB, k *key.PrivateKey, header, payload string) string {
	t.Helper()
	s, err := signCompactJWS(k, []byte(header), []byte(payload))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func jwtTestUnsigned(header, payload string) string {
	return jwtB64.EncodeToString([]byte(header)) + "." + jwtB64.EncodeToString([]byte(payload)) + "."
}
