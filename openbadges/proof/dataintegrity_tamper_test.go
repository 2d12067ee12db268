package proof

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/rosettebadges/rosette/openbadges/internal/fixture"
)

// leafPaths lists the path to every leaf (string, number, bool, null) of v.
func leafPaths(v any, path []any, out *[][]any) {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			leafPaths(e, append(append([]any{}, path...), k), out)
		}
	case []any:
		for i, e := range t {
			leafPaths(e, append(append([]any{}, path...), i), out)
		}
	default:
		*out = append(*out, path)
	}
}

// tamper changes the leaf at path.
func tamper(v any, path []any) {
	for _, step := range path[:len(path)-1] {
		switch s := step.(type) {
		case string:
			v = v.(map[string]any)[s]
		case int:
			v = v.([]any)[s]
		}
	}
	change := func(old any) any {
		switch o := old.(type) {
		case string:
			if o == "" {
				return "x"
			}
			b := []byte(o)
			b[len(b)-1] ^= 1 // a one-bit change of the last character
			return string(b)
		case float64:
			return o + 1
		case bool:
			return !o
		}
		return "x"
	}
	switch s := path[len(path)-1].(type) {
	case string:
		m := v.(map[string]any)
		m[s] = change(m[s])
	case int:
		a := v.([]any)
		a[s] = change(a[s])
	}
}

// Changing any leaf of a signed credential, including its proofs, makes verification fail:
// every proof of the document stops verifying. Documents: the OB 3.0 spec vector, a DCC
// OB 3.0 credential with an eddsa-rdfc-2022 and an Ed25519Signature2020 proof and an embedded
// endorsement, and the W3C proof chain (four proofs).
func TestTamperEveryLeaf(t *testing.T) {
	ctx := context.Background()
	c := canon(t)
	docs := []struct {
		name     string
		doc      []byte
		resolver MethodResolver
		issuer   string
	}{
		{"ob-vector", vectorFile(t, readVectors(t).OB.SignedCredential), obResolver(t), obIssuer},
		{"dcc-both-suites", fixture.Read(t, "digitalcredentials-vc-test-fixtures", "verifiableCredentials", "v2", "bothSignatureTypes", "didkey", "legacy-noStatus-notExpired-endorsement.json"), testResolver{}, ""},
		{"w3c-chain", w3cFile(t, "proof-set-chain", "signedProofChain2.json"), testResolver{}, ""},
	}
	for _, d := range docs {
		orig, err := decodeObject(d.doc)
		if err != nil {
			t.Fatal(err)
		}
		res, err := VerifyDataIntegrity(ctx, c, d.resolver, d.doc, d.issuer)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range res {
			if !r.Verified {
				t.Fatalf("%s: untampered proof %d does not verify: %v", d.name, r.Index, r.Err)
			}
		}
		var paths [][]any
		leafPaths(orig, nil, &paths)
		for _, p := range paths {
			t.Run(d.name+fmt.Sprint(p), func(t *testing.T) {
				m, _ := decodeObject(d.doc)
				tamper(m, p)
				b, err := json.Marshal(m)
				if err != nil {
					t.Fatal(err)
				}
				res, err := VerifyDataIntegrity(ctx, c, d.resolver, b, d.issuer)
				if err != nil {
					return // refused outright
				}
				for _, r := range res {
					if r.Verified && !proofUntouched(p, r.Index) {
						t.Errorf("proof %d still verifies", r.Index)
					}
				}
			})
		}
		t.Logf("%s: %d leaves tampered, %d proofs", d.name, len(paths), len(res))
	}
}

// proofUntouched reports whether the tampered path lies inside another proof than index i
// of a proof set without chaining: such a proof is not covered by proof i, by design (each
// proof of a set signs the document without proofs).
func proofUntouched(path []any, i int) bool {
	if len(path) < 2 || path[0] != "proof" {
		return false
	}
	j, ok := path[1].(int)
	return ok && j != i
}
