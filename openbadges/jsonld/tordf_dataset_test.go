package jsonld

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestDatasetDuplicates checks dataset's removal of node map duplicates against a plain
// pairwise one, with values that collide in the cheap hash (same length, same first and last
// eight bytes), so that the maphash table takes over, and without collisions; and the same
// with the statements written as lines (keyedLines).
func TestDatasetDuplicates(t *testing.T) {
	for _, tc := range []struct {
		name  string
		value func(i int) string
	}{
		{"distinct", func(i int) string { return fmt.Sprintf("value %d", i) }},
		{"colliding", func(i int) string { return fmt.Sprintf("aaaaaaaa%06dzzzzzzzz", i) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b rdfBuilder
			lb := rdfBuilder{lines: &lineSet{}, kl: &keyedLines{}} // the same, written as lines
			add := func(q Quad, key nodeKey) {
				b.add(q.S, q.P, q.O, q.G, key)
				lb.add(q.S, q.P, q.O, q.G, key)
			}
			s := Term{Kind: TermIRI, Value: "https://example.org/s"}
			p := Term{Kind: TermIRI, Value: "https://example.org/p"}
			var want []Quad
			for i := range 300 {
				v := tc.value(i % 200) // the last 100 repeat the first ones
				o := Term{Kind: TermLiteral, Value: v, Datatype: xsdString}
				if i < 200 {
					want = append(want, Quad{S: s, P: p, O: o})
				}
				add(Quad{S: s, P: p, O: o}, stringKeyOf(v, "", "", ""))
				if i%50 == 0 {
					// Not keyed: always kept.
					u := Quad{S: s, P: p, O: Term{Kind: TermBlank, Value: blankLabel(i)}}
					want = append(want, u)
					add(u, nodeKey{})
				}
			}
			if diff := cmp.Diff(want, b.dataset()); diff != "" {
				t.Errorf("dataset (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(quadLines(want), renderLines(lb.lines)); diff != "" {
				t.Errorf("lines (-want +got):\n%s", diff)
			}
		})
	}
}
