package jsonld

import (
	"bytes"
	"context"
	"math/rand/v2"
	"testing"
)

// TestLinesFromBuilder checks that a dataset written as lines by a builder (addBuilt)
// canonicalizes as its quads do, on the large credential and generated ones.
func TestLinesFromBuilder(t *testing.T) {
	ctx := context.Background()
	p := NewProcessor()
	check := func(name string, doc any) {
		t.Helper()
		quads, problems, err := p.ToRDF(ctx, doc)
		if err != nil || len(problems) > 0 {
			return
		}
		var want, got bytes.Buffer
		if err := canonicalizeTo(ctx, quads, CanonOptions{}, true, nil, &want); err != nil {
			t.Fatal(err)
		}
		var ls lineSet
		// Leave gaps in the numbering, as a builder does for nodes that make no statement.
		for i := range quads {
			q := quads[i]
			for _, t := range []*Term{&q.S, &q.O, &q.G} {
				if t.Kind == TermBlank {
					t.Value = blankLabel(3*builtNumber(t.Value) + 2)
				}
			}
			ls.addBuilt(&q.S, &q.P, &q.O, &q.G)
		}
		if err := canonicalizeLinesTo(ctx, &ls, CanonOptions{}, &canonScratch{}, &got); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Fatalf("%s: from lines\n%s\nfrom quads\n%s", name, got.Bytes(), want.Bytes())
		}
	}
	_, doc := largeCredential(t)
	check("large credential", doc)
	g := credGen{rand.New(rand.NewPCG(*corpusSeed, 9))}
	for range 500 {
		check("generated credential", g.credential(0))
	}
}
