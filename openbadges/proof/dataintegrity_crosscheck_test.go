package proof

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rosettebadges/rosette/openbadges/internal/ldtest"
)

// The independent json-gold canonicalizer gives the same N-Quads as jsonld's Processor on
// every vector document (none holds control characters, where they would differ).
func TestCrossCheckJSONGold(t *testing.T) {
	ctx := context.Background()
	ours, gold := canon(t), ldtest.New(t)
	docs := map[string][]byte{
		"ob":    withoutProof(t, fixtureOBSigned(t)),
		"w3c":   w3cFile(t, "unsigned.json"),
		"chain": w3cFile(t, "proof-set-chain", "proofChainTempDoc2.json"),
		"ed":    w3cFile(t, "Ed25519Signature2020", "signedEdSig.json"),
	}
	for name, b := range docs {
		m, err := decodeObject(b)
		if err != nil {
			t.Fatal(err)
		}
		a, err := ours.Canonicalize(ctx, m)
		if err != nil {
			t.Fatalf("%s: jsonld: %v", name, err)
		}
		g, err := gold.Canonicalize(ctx, m)
		if err != nil {
			t.Fatalf("%s: json-gold: %v", name, err)
		}
		if diff := cmp.Diff(string(g), string(a)); diff != "" {
			t.Errorf("%s (-json-gold +jsonld):\n%s", name, diff)
		}
	}
}

// A Canonicalizer with only Canonicalize (json-gold here) gets the documents as maps, not
// Trees, and verifies what the Processor signed: the large credential and the spec vector.
func TestSignVerifyWithPlainCanonicalizer(t *testing.T) {
	ctx := context.Background()
	gold := ldtest.New(t)
	for name, doc := range map[string][]byte{"large": largeCredential(t), "ob": withoutProof(t, fixtureOBSigned(t))} {
		signed := signLarge(t, doc)
		res, err := VerifyDataIntegrity(ctx, gold, obResolver(t), signed, "")
		if err != nil || !res[0].Verified {
			t.Errorf("%s: signed by the Processor, not verified through json-gold: %v %+v", name, err, res)
		}
		again, err := SignDataIntegrity(ctx, gold, doc, seedHex(t, obSeed), benchProofOptions)
		if err != nil {
			t.Fatalf("%s: signing through json-gold: %v", name, err)
		}
		if string(again) != string(signed) {
			t.Errorf("%s: json-gold's signature differs from the Processor's", name)
		}
	}
}
