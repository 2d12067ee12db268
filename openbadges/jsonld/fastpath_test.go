package jsonld

import (
	"context"
	"errors"
	"testing"
)

// TestFastPathCoverage reports which fixture documents the fast path hands to the general
// path, and requires the published credential vectors to take the fast path.
func TestFastPathCoverage(t *testing.T) {
	p := NewProcessor()
	cases := append(fixtureCredentials(t), edgeCases(t)...)
	fell := 0
	for _, c := range cases {
		_, _, err := p.fastToRDF(context.Background(), c.doc)
		if errors.Is(err, errFallback) {
			fell++
			t.Logf("%s: general path: %v", c.name, err)
		}
	}
	t.Logf("%d of %d documents take the general path", fell, len(cases))
	for _, vc := range vectorCases() {
		if vc.needs != "" {
			continue
		}
		if _, _, err := p.fastToRDF(context.Background(), vc.doc(t)); err != nil {
			t.Errorf("%s: fast path: %v", vc.name, err)
		}
	}
}
