package proof

import (
	"context"
	"testing"
	"time"
)

// The typical credential is the OB 3.0 spec vector. Run with -cpu 1.
func BenchmarkSignDataIntegrity(b *testing.B) {
	ctx := context.Background()
	c := canon(b)
	doc := withoutProof(b, fixtureOBSigned(b))
	priv := seedHex(b, obSeed)
	opts := ProofOptions{VerificationMethod: obMethod, Created: time.Date(2010, 1, 1, 19, 23, 24, 0, time.UTC)}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := SignDataIntegrity(ctx, c, doc, priv, opts); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyDataIntegrity(b *testing.B) {
	ctx := context.Background()
	c := canon(b)
	doc := fixtureOBSigned(b)
	r := obResolver(b)
	b.ReportAllocs()
	for b.Loop() {
		res, err := VerifyDataIntegrity(ctx, c, r, doc, obIssuer)
		if err != nil || !res[0].Verified {
			b.Fatal(err, res)
		}
	}
}
