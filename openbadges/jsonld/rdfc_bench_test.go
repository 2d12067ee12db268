package jsonld

import (
	"context"
	"crypto/sha256"
	"io"
	"testing"
)

// BenchmarkCanonicalizeLinesLarge is the canonicalizer alone on the large credential's
// lines, as the fast path builds them: to io.Discard (the bookkeeping and the first-degree
// and N-degree hashes) and to SHA-256 (as a proof hashes the output).
func BenchmarkCanonicalizeLinesLarge(b *testing.B) {
	_, doc := largeCredential(b)
	quads, problems, err := NewProcessor().ToRDF(context.Background(), doc)
	if err != nil || len(problems) > 0 {
		b.Fatal(err, problems)
	}
	var ls lineSet
	for i := range quads {
		q := quads[i]
		ls.addBuilt(&q.S, &q.P, &q.O, &q.G)
	}
	ctx := context.Background()
	for _, bc := range []struct {
		name string
		w    io.Writer
	}{{"discard", io.Discard}, {"sha256", sha256.New()}} {
		b.Run(bc.name, func(b *testing.B) {
			var scratch canonScratch
			b.ReportAllocs()
			for b.Loop() {
				if err := canonicalizeLinesTo(ctx, &ls, CanonOptions{}, &scratch, bc.w); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
