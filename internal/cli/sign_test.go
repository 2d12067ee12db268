package cli

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rosettebadges/rosette/openbadges/did"
	"github.com/rosettebadges/rosette/openbadges/jsonld"
	"github.com/rosettebadges/rosette/openbadges/key"
	"github.com/rosettebadges/rosette/openbadges/ob2"
	"github.com/rosettebadges/rosette/openbadges/ob3"
	"github.com/rosettebadges/rosette/openbadges/proof"
)

// The OB 3.0 spec vector's published key.
const vectorSeed = "6241a409e6707bb640a0140a8a32bc3d193c33a661747284d6adfa4ed4180be4"

func keyFile(t testing.TB, signer any) (string, *key.PrivateKey) {
	t.Helper()
	var k *key.PrivateKey
	var err error
	switch s := signer.(type) {
	case ed25519.PrivateKey:
		k, err = key.NewPrivateKey(s, "")
	case key.Algorithm:
		k, err = key.Generate(s)
	}
	if err != nil {
		t.Fatal(err)
	}
	b, err := k.MarshalJWK()
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "key.jwk")
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p, k
}

func vectorKey(*testing.T) ed25519.PrivateKey {
	seed, _ := hex.DecodeString(vectorSeed)
	return ed25519.NewKeyFromSeed(seed)
}

func credential(t *testing.T, issuer string) []byte {
	t.Helper()
	c, err := ob3.NewCredential(ob3.CredentialParams{
		ID:        "urn:uuid:2f1e8a52-3b0c-4b8e-9c5e-6b3d0f0b7a10",
		Issuer:    ob3.Profile{ID: issuer, Name: "Example Issuer"},
		ValidFrom: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC),
		Name:      "Teamwork",
		Subject: ob3.AchievementSubject{ID: "did:example:learner", Achievement: &ob3.Achievement{
			ID: "https://example.org/achievements/teamwork", Name: "Teamwork", Description: "Works in teams.",
			Criteria: &ob3.Criteria{Narrative: "Peer nominated."}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func runIn(t *testing.T, stdin []byte, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(context.Background(), Env{Args: args, Stdout: &out, Stderr: &errb, Stdin: bytes.NewReader(stdin)})
	return code, out.String(), errb.String()
}

func TestSignDataIntegrityDIDKey(t *testing.T) {
	priv := vectorKey(t)
	kf, k := keyFile(t, priv)
	issuer, _, err := did.KeyDID(k.Public())
	if err != nil {
		t.Fatal(err)
	}
	cred := credential(t, issuer)
	cred = append(cred, '\n', '\n') // trailing white space in the input
	code, out, stderr := runIn(t, cred, "sign", "--key", kf, "--created", "2025-01-02T03:04:05Z", "-")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.HasSuffix(out, "}\n") || strings.HasSuffix(out, "\n\n") {
		t.Errorf("output should end with one newline: %q", out[len(out)-5:])
	}
	c := jsonld.NewProcessor(jsonld.WithLoader(jsonld.NewLoader()))
	res, err := proof.VerifyDataIntegrity(context.Background(), c, &did.Resolver{}, []byte(out), issuer)
	if err != nil || len(res) != 1 || !res[0].Verified {
		t.Fatalf("verify: %v %+v\n%s", err, res, out)
	}
	if res[0].Created != "2025-01-02T03:04:05Z" || !strings.HasPrefix(res[0].VerificationMethod, issuer+"#") {
		t.Errorf("proof %+v", res[0])
	}
	v, _ := ob3.NewSchemaValidator()
	if err := v.ValidateCredential([]byte(out)); err != nil {
		t.Errorf("signed output fails the schema: %v", err)
	}
	// Signing the signed output again adds a second proof (a proof set); both verify.
	code, out2, stderr := runIn(t, []byte(out), "sign", "--key", kf, "--created", "2025-01-03T00:00:00Z")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	res, err = proof.VerifyDataIntegrity(context.Background(), c, &did.Resolver{}, []byte(out2), issuer)
	if err != nil || len(res) != 2 || !res[0].Verified || !res[1].Verified {
		t.Fatalf("proof set: %v %+v", err, res)
	}
}

func TestSignJWT(t *testing.T) {
	for _, alg := range []key.Algorithm{key.Ed25519, key.RS256} {
		t.Run(string(alg), func(t *testing.T) {
			kf, k := keyFile(t, alg)
			issuer := "https://example.org/issuers/1"
			var resolver proof.KeyResolver = nil
			if alg == key.Ed25519 {
				issuer, _, _ = did.KeyDID(k.Public())
				resolver = &did.Resolver{}
			}
			in := filepath.Join(t.TempDir(), "cred.json")
			os.WriteFile(in, credential(t, issuer), 0o600)
			code, out, stderr := runIn(t, nil, "sign", "--key", kf, "--method", "jwt", in)
			if code != ExitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			res, err := proof.VerifyJWT(context.Background(), strings.TrimSpace(out), resolver)
			if err != nil {
				t.Fatalf("verify: %v", err)
			}
			if res.Claims.Iss != issuer || res.Claims.Jti != "urn:uuid:2f1e8a52-3b0c-4b8e-9c5e-6b3d0f0b7a10" {
				t.Errorf("claims %+v", res.Claims)
			}
		})
	}
}

func TestSignOB2(t *testing.T) {
	kf, _ := keyFile(t, key.RS256)
	r, _ := ob2.NewHashedIdentity("email", "a@example.com", "salt")
	a, err := ob2.NewAssertion(ob2.AssertionParams{ID: "urn:uuid:1", Recipient: r, BadgeClass: "https://example.org/b",
		Verification: ob2.VerificationObject{Type: "SignedBadge", Creator: "https://example.org/key"}, IssuedOn: time.Unix(1700000000, 0)})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(a)
	code, out, stderr := runIn(t, b, "sign", "--key", kf, "--method", "jwt")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	parts := strings.Split(strings.TrimSpace(out), ".")
	if len(parts) != 3 {
		t.Fatalf("not a compact JWS: %s", out)
	}
	if code, _, stderr := runIn(t, b, "sign", "--key", kf); code != ExitUsage || !strings.Contains(stderr, "--method jwt") {
		t.Errorf("di on OB 2.0: %d %s", code, stderr)
	}
}

func TestSignRefusals(t *testing.T) {
	kf, k := keyFile(t, vectorKey(t))
	issuer, _, _ := did.KeyDID(k.Public())
	other, _ := key.Generate(key.Ed25519)
	otherDID, _, _ := did.KeyDID(other.Public())
	rsaFile, _ := keyFile(t, key.RS256)
	good := credential(t, issuer)
	var m map[string]any
	json.Unmarshal(good, &m)
	delete(m, "validFrom")
	invalid, _ := json.Marshal(m)
	m["validFrom"] = "2025-01-02T03:04:05Z"
	m["undefinedTerm"] = "x"
	unsafe, _ := json.Marshal(m)
	for _, tc := range []struct {
		name  string
		stdin []byte
		args  []string
		code  int
		msg   string
	}{
		{"help", nil, []string{"-h"}, ExitOK, "Usage: rosette sign"},
		{"no key", good, nil, ExitUsage, "--key is required"},
		{"bad method", good, []string{"--key", kf, "--method", "x"}, ExitUsage, "--method"},
		{"missing key file", good, []string{"--key", "/nonexistent"}, ExitUsage, "reading the key"},
		{"bad created", good, []string{"--key", kf, "--created", "yesterday"}, ExitUsage, "--created"},
		{"not JSON", []byte("nope"), []string{"--key", kf}, ExitUsage, "ob3"},
		{"invalid credential", invalid, []string{"--key", kf}, ExitFailure, "validFrom"},
		{"issuer is another did:key", credential(t, otherDID), []string{"--key", kf}, ExitFailure, "but the key is"},
		{"https issuer without method", credential(t, "https://example.org/i"), []string{"--key", kf}, ExitUsage, "--verification-method is required"},
		{"RSA key for di", credential(t, "https://example.org/i"), []string{"--key", rsaFile, "--verification-method", "https://example.org/i#k"}, ExitUsage, "Ed25519"},
		{"safe mode", unsafe, []string{"--key", kf}, ExitFailure, "safe mode violation"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, stderr := runIn(t, tc.stdin, append([]string{"sign"}, tc.args...)...)
			if code != tc.code || !strings.Contains(stderr+out, tc.msg) {
				t.Errorf("exit %d (want %d), stderr %q", code, tc.code, stderr)
			}
		})
	}
}

// With the spec vector's key, options and credential (rebuilt here), the CLI writes the
// published proofValue.
func TestSignReproducesSpecVector(t *testing.T) {
	kf, _ := keyFile(t, vectorKey(t))
	unsigned := `{"@context":["https://www.w3.org/ns/credentials/v2","https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
"id":"http://example.com/credentials/3527","type":["VerifiableCredential","OpenBadgeCredential"],
"issuer":{"id":"https://example.edu/issuers/565049","type":["Profile"],"url":"https://www.imsglobal.org","name":"Example Corp"},
"validFrom":"2010-01-01T00:00:00Z","name":"Teamwork Badge",
"credentialSubject":{"id":"did:example:ebfeb1f712ebc6f1c276e12ec21","type":["AchievementSubject"],
"achievement":{"id":"https://example.com/achievements/21st-century-skills/teamwork","type":["Achievement"],
"criteria":{"narrative":"Team members are nominated for this badge by their peers and recognized upon review by Example Corp management."},
"description":"This badge recognizes the development of the capacity to collaborate within a group environment.","name":"Teamwork"}}}`
	code, out, stderr := runIn(t, []byte(unsigned), "sign", "--key", kf, "--created", "2010-01-01T19:23:24Z",
		"--verification-method", "https://example.edu/issuers/565049#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if want := "z5x9aCBYovW3CQCbKdNyhEm7ffYSw1YpEdPywQJoNbzDD2gkzQDKJ1sYKJaWvqZtkMtSbz35HcbgXVEDYHxCzgkCr"; !strings.Contains(out, want) {
		t.Errorf("proofValue is not the published %s:\n%s", want, out)
	}
}
