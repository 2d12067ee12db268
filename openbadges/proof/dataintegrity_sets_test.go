package proof

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rosettebadges/rosette/openbadges/did"
	"github.com/rosettebadges/rosette/openbadges/jsonld"
)

type keyPairs map[string]struct {
	PublicKeyMultibase  string
	PrivateKeyMultibase string
}

func proofList(t *testing.T, b []byte) []map[string]any {
	t.Helper()
	m, err := decodeObject(b)
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	for _, p := range proofValues(m) {
		out = append(out, p.(map[string]any))
	}
	return out
}

func TestW3CProofSetsAndChains(t *testing.T) {
	ctx := context.Background()
	c := canon(t)
	for _, name := range []string{"signedProofSet1.json", "signedProofSet2.json", "signedProofChain1.json", "signedProofChain2.json"} {
		t.Run(name, func(t *testing.T) {
			b := w3cFile(t, "proof-set-chain", name)
			res, err := VerifyDataIntegrity(ctx, c, testResolver{}, b, "")
			if err != nil {
				t.Fatal(err)
			}
			if len(res) != len(proofList(t, b)) {
				t.Fatalf("%d results for %d proofs", len(res), len(proofList(t, b)))
			}
			for _, r := range res {
				if !r.Verified {
					t.Errorf("proof %d (%s): %v", r.Index, r.ID, r.Err)
				}
			}
		})
	}
}

// Re-creating the W3C proof set and chain from the unsigned document with the published keys
// reproduces every published proofValue.
func TestW3CProofSetAndChainSigning(t *testing.T) {
	ctx := context.Background()
	c := canon(t)
	var keys keyPairs
	if err := json.Unmarshal(w3cFile(t, "proof-set-chain", "multiKeyPairs.json"), &keys); err != nil {
		t.Fatal(err)
	}
	doc := w3cFile(t, "proof-set-chain", "unsigned.json")
	want := proofList(t, w3cFile(t, "proof-set-chain", "signedProofChain2.json"))
	for i, p := range want {
		vm := p["verificationMethod"].(string)
		var priv []byte
		for _, kp := range keys {
			if strings.Contains(vm, kp.PublicKeyMultibase) {
				priv = secretFromMultibase(t, kp.PrivateKeyMultibase)
			}
		}
		created, _ := time.Parse(time.RFC3339, p["created"].(string))
		id, _ := p["id"].(string)
		prev, _ := stringList(p["previousProof"])
		var err error
		doc, err = SignDataIntegrity(ctx, c, doc, priv, ProofOptions{VerificationMethod: vm, Created: created, ID: id, PreviousProof: prev})
		if err != nil {
			t.Fatalf("proof %d: %v", i, err)
		}
		got := proofList(t, doc)
		if len(got) != i+1 || got[i]["proofValue"] != p["proofValue"] {
			t.Fatalf("proof %d: proofValue %v, want %v", i, got[i]["proofValue"], p["proofValue"])
		}
	}
	res, err := VerifyDataIntegrity(ctx, c, testResolver{}, doc, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if !r.Verified {
			t.Errorf("proof %d: %v", r.Index, r.Err)
		}
	}
}

func TestSignKeepsOtherBytes(t *testing.T) {
	ctx := context.Background()
	c := canon(t)
	priv := seedHex(t, obSeed)
	doc := w3cFile(t, "unsigned.json")
	out, err := SignDataIntegrity(ctx, c, doc, priv, ProofOptions{VerificationMethod: "did:key:" + multikeyOf(priv.Public().(ed25519.PublicKey)), Created: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	body := strings.TrimRight(string(doc), " \t\r\n")
	body = strings.TrimRight(strings.TrimSuffix(body, "}"), " \t\r\n")
	if !strings.HasPrefix(string(out), body+`,"proof":[{"type":"DataIntegrityProof","cryptosuite":"eddsa-rdfc-2022","created":"2024-01-02T03:04:05Z"`) {
		t.Errorf("the document's bytes were not kept, or the proof is not appended as an array:\n%s", out)
	}
	if !json.Valid(out) {
		t.Fatalf("invalid JSON:\n%s", out)
	}
}

func TestVerifyFailures(t *testing.T) {
	ctx := context.Background()
	c := canon(t)
	signed := vectorFile(t, readVectors(t).OB.SignedCredential)
	edit := func(f func(p map[string]any)) []byte {
		m, _ := decodeObject(signed)
		p := m["proof"].(map[string]any)
		f(p)
		b, _ := json.Marshal(m)
		return b
	}
	otherKey := seedHex(t, strings.Repeat("11", 32))
	for _, tc := range []struct {
		name     string
		doc      []byte
		resolver MethodResolver
		issuer   string
		want     error
	}{
		{"unsupported cryptosuite", edit(func(p map[string]any) { p["cryptosuite"] = "ecdsa-rdfc-2019" }), nil, obIssuer, ErrUnsupportedSuite},
		{"unsupported type", edit(func(p map[string]any) { p["type"] = "RsaSignature2018" }), nil, obIssuer, ErrUnsupportedSuite},
		{"legacy type without its context", edit(func(p map[string]any) { p["type"] = TypeEd25519Signature2020 }), nil, obIssuer, ErrMalformed},
		{"purpose", edit(func(p map[string]any) { p["proofPurpose"] = "authentication" }), nil, obIssuer, ErrProofPurpose},
		{"created", edit(func(p map[string]any) { p["created"] = "2010-01-01 19:23:24" }), nil, obIssuer, ErrMalformed},
		{"proofValue not multibase", edit(func(p map[string]any) { p["proofValue"] = "u" + p["proofValue"].(string)[1:] }), nil, obIssuer, ErrMalformed},
		{"proofValue short", edit(func(p map[string]any) { p["proofValue"] = "z3yMApqCuCjXDWPrbjfR5mjCPTHqFG8Pux1TxQrEM35jj" }), nil, obIssuer, ErrMalformed},
		{"no method", edit(func(p map[string]any) { delete(p, "verificationMethod") }), nil, obIssuer, ErrMalformed},
		{"unresolvable method", signed, testResolver{}, obIssuer, ErrKey},
		{"wrong key", signed, testResolver{fixed: map[string]*did.VerificationMethod{obMethod: {ID: obMethod, Controller: obIssuer, PublicKey: otherKey.Public()}}}, obIssuer, ErrSignature},
		{"not ed25519", signed, testResolver{fixed: map[string]*did.VerificationMethod{obMethod: {ID: obMethod, Controller: obIssuer, PublicKey: "x"}}}, obIssuer, ErrKey},
		{"controller", signed, nil, "https://example.edu/issuers/other", ErrController},
		{"missing previous proof", edit(func(p map[string]any) { p["previousProof"] = "urn:uuid:nope" }), nil, obIssuer, ErrPreviousProof},
		{"previousProof not strings", edit(func(p map[string]any) { p["previousProof"] = []any{1.0} }), nil, obIssuer, ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.resolver
			if r == nil {
				r = obResolver(t)
			}
			res, err := VerifyDataIntegrity(ctx, c, r, tc.doc, tc.issuer)
			if err != nil {
				t.Fatal(err)
			}
			if res[0].Verified || !errors.Is(res[0].Err, tc.want) {
				t.Errorf("got verified=%v err=%v, want %v", res[0].Verified, res[0].Err, tc.want)
			}
		})
	}
	for _, tc := range []struct {
		name string
		doc  string
		want error
	}{
		{"not JSON", `{"a":`, ErrMalformed},
		{"array", `[]`, ErrMalformed},
		{"no proof", `{"@context":["https://www.w3.org/ns/credentials/v2"]}`, ErrNoProof},
		{"duplicate member", `{"proof":{},"proof":{}}`, ErrMalformed},
		{"proof not object", `{"proof":"x"}`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := VerifyDataIntegrity(ctx, c, obResolver(t), []byte(tc.doc), "")
			if tc.want == nil {
				if err != nil || len(res) != 1 || !errors.Is(res[0].Err, ErrMalformed) {
					t.Errorf("got %+v, %v", res, err)
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Errorf("err %v, want %v", err, tc.want)
			}
		})
	}
}

func TestSignRefusals(t *testing.T) {
	ctx := context.Background()
	c := canon(t)
	priv := seedHex(t, obSeed)
	now := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	unsigned := w3cFile(t, "unsigned.json")
	for _, tc := range []struct {
		name string
		doc  []byte
		key  []byte
		opts ProofOptions
		want error
	}{
		{"no method", unsigned, priv, ProofOptions{Created: now}, ErrInvalidOptions},
		{"no created", unsigned, priv, ProofOptions{VerificationMethod: obMethod}, ErrInvalidOptions},
		{"short key", unsigned, priv[:32], ProofOptions{VerificationMethod: obMethod, Created: now}, ErrInvalidOptions},
		{"not an object", []byte(`[1]`), priv, ProofOptions{VerificationMethod: obMethod, Created: now}, ErrMalformed},
		{"no context", []byte(`{"id":"urn:x"}`), priv, ProofOptions{VerificationMethod: obMethod, Created: now}, ErrMalformed},
		{"bad proof member", []byte(`{"@context":"https://www.w3.org/ns/credentials/v2","proof":3}`), priv, ProofOptions{VerificationMethod: obMethod, Created: now}, ErrMalformed},
		{"unknown previous", unsigned, priv, ProofOptions{VerificationMethod: obMethod, Created: now, PreviousProof: []string{"urn:x"}}, ErrPreviousProof},
		{"canonicalizer refuses", unsigned, priv, ProofOptions{VerificationMethod: obMethod, Created: now}, ErrCanonicalization},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var cz Canonicalizer = c
			if tc.name == "canonicalizer refuses" {
				cz = refusing{}
			}
			_, err := SignDataIntegrity(ctx, cz, tc.doc, tc.key, tc.opts)
			if !errors.Is(err, tc.want) {
				t.Errorf("err %v, want %v", err, tc.want)
			}
		})
	}
	// Safe mode: a term the contexts do not define would not be signed, so signing refuses.
	undefined := []byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"id":"urn:uuid:1","type":["VerifiableCredential"],"issuer":"did:example:1","credentialSubject":{"id":"did:example:2"},"undefinedTerm":"x"}`)
	if _, err := SignDataIntegrity(ctx, c, undefined, priv, ProofOptions{VerificationMethod: obMethod, Created: now}); !errors.Is(err, ErrCanonicalization) || !errors.Is(err, jsonld.ErrSafeMode) {
		t.Errorf("undefined term: %v", err)
	}
	// A proof id already used is refused.
	doc, err := SignDataIntegrity(ctx, c, unsigned, priv, ProofOptions{VerificationMethod: obMethod, Created: now, ID: "urn:p1"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := SignDataIntegrity(ctx, c, doc, priv, ProofOptions{VerificationMethod: obMethod, Created: now, ID: "urn:p1"}); !errors.Is(err, ErrDuplicateProofIDs) {
		t.Errorf("duplicate id: %v", err)
	}
}

// refusing stands for a canonicalizer in safe mode refusing a document.
type refusing struct{}

func (refusing) Canonicalize(context.Context, any) ([]byte, error) {
	return nil, fmt.Errorf("safe mode: term %q does not expand", "undefinedTerm")
}

// TestAppendSignDataIntegrity checks that AppendSignDataIntegrity appends what
// SignDataIntegrity returns, to a buffer with room or without, and leaves dst as it was on
// an error.
func TestAppendSignDataIntegrity(t *testing.T) {
	ctx := context.Background()
	priv := seedHex(t, obSeed)
	doc := largeCredential(t)
	want, err := SignDataIntegrity(ctx, canon(t), doc, priv, benchProofOptions)
	if err != nil {
		t.Fatal(err)
	}
	roomy := make([]byte, 0, 3*len(want))
	for _, dst := range [][]byte{nil, []byte("prefix\n"), roomy, append(roomy, "line\n"...)} {
		prefix := string(dst)
		got, err := AppendSignDataIntegrity(ctx, dst, canon(t), doc, priv, benchProofOptions)
		if err != nil || string(got) != prefix+string(want) {
			t.Fatalf("AppendSignDataIntegrity(%q) = %.40q..., %v", prefix, got, err)
		}
	}
	dst := []byte("kept")
	got, err := AppendSignDataIntegrity(ctx, dst, canon(t), []byte(`{"no":"context"}`), priv, benchProofOptions)
	if err == nil || string(got) != "kept" {
		t.Fatalf("AppendSignDataIntegrity of a document without @context = %q, %v", got, err)
	}
}
