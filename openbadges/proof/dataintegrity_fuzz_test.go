package proof

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/rosettebadges/rosette/openbadges/internal/fixture"
)

// jsonCanon is a fast stand-in canonicalizer for fuzzing the parsing around canonicalization.
type jsonCanon struct{}

func (jsonCanon) Canonicalize(_ context.Context, doc any) ([]byte, error) { return json.Marshal(doc) }

func fixtureOBSigned(tb testing.TB) []byte {
	tb.Helper()
	return fixture.Read(tb, "openbadges-specification", "ob_v3p0", "impl", "test-vectors", "obv3p0", "signed-credential.json")
}

// FuzzVerifyDataIntegrity: reading any bytes as a signed document never panics, and signing
// any object keeps valid JSON.
func FuzzVerifyDataIntegrity(f *testing.F) {
	f.Add([]byte(`{"@context":"x","proof":{"type":"DataIntegrityProof","cryptosuite":"eddsa-rdfc-2022","proofPurpose":"assertionMethod","verificationMethod":"did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi","proofValue":"z5x9aCBYovW3CQCbKdNyhEm7ffYSw1YpEdPywQJoNbzDD2gkzQDKJ1sYKJaWvqZtkMtSbz35HcbgXVEDYHxCzgkCr","previousProof":["a"]}}`))
	f.Add([]byte(`{"@context":[],"proof":[{"type":"Ed25519Signature2020"},3,null]}`))
	f.Add([]byte(` { "@context" : 1 } `))
	f.Add([]byte(`{}`))
	priv := seedHex(f, obSeed)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, doc []byte) {
		res, err := VerifyDataIntegrity(ctx, jsonCanon{}, testResolver{}, doc, "did:key:x")
		if err == nil && len(res) == 0 {
			t.Fatal("no error and no results")
		}
		out, err := SignDataIntegrity(ctx, jsonCanon{}, doc, priv, ProofOptions{VerificationMethod: "did:key:z", Created: time.Unix(0, 0)})
		if err == nil && !json.Valid(out) {
			t.Fatalf("signing produced invalid JSON:\n%s", out)
		}
	})
}

// FuzzTopLevelMembers: the hand-written member scanner agrees with encoding/json on every
// valid object: same keys in order, and each value span decodes to the same value.
func FuzzTopLevelMembers(f *testing.F) {
	f.Add([]byte(`{"a":1,"b":[1,{"c":"}"}],"d\"e":"x\\"}`))
	f.Add([]byte(` { } `))
	f.Add([]byte(`{"a" : true , "b":null,"c":-1.5e3}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var m map[string]json.RawMessage
		if json.Unmarshal(b, &m) != nil || m == nil {
			return
		}
		members, closing, err := topLevelMembers(b)
		if err != nil {
			return // duplicates
		}
		if b[closing] != '}' || len(members) != len(m) {
			t.Fatalf("closing %d, %d members, want %d", closing, len(members), len(m))
		}
		for _, mb := range members {
			var got, want any
			if json.Unmarshal(b[mb.Start:mb.End], &got) != nil {
				t.Fatalf("member %q: span %q is not a value", mb.Key, b[mb.Start:mb.End])
			}
			json.Unmarshal(m[mb.Key], &want)
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("member %q: %v, want %v", mb.Key, got, want)
			}
		}
	})
}
