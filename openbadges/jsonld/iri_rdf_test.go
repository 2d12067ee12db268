package jsonld

import (
	"context"
	"encoding/json"
	"testing"
)

// TestIRIForbiddenInNQuads checks that both paths report, in safe mode, an IRI that jsonld.js
// accepts (no whitespace) but that holds characters an N-Quads IRIREF may not: as a property,
// a subject, a type, an object and a datatype. The canonical N-Quads would not parse again.
func TestIRIForbiddenInNQuads(t *testing.T) {
	docs := []string{
		`{"A:<":0}`,
		`{"A:}":0}`,
		`{"@context":{"@vocab":"urn:v:"},"@id":"urn:s>x","p":1}`,
		`{"@context":{"@vocab":"urn:v:"},"@type":"urn:t{x}","p":1}`,
		`{"@context":{"@vocab":"urn:v:","o":{"@type":"@id"}},"o":"urn:o|x"}`,
		`{"@context":{"@vocab":"urn:v:"},"p":{"@value":"x","@type":"urn:d^x"}}`,
		`{"@context":{"@vocab":"urn:v:","p":{"@id":"urn:p\"x"}},"p":1}`,
	}
	ctx := context.Background()
	for _, p := range []*Processor{NewProcessor(), NewProcessor(WithGeneralPathOnly())} {
		for _, s := range docs {
			var doc any
			if err := json.Unmarshal([]byte(s), &doc); err != nil {
				t.Fatal(err)
			}
			problems, err := p.SafeModeProblems(ctx, doc)
			if err != nil {
				t.Fatalf("%s: %v", s, err)
			}
			if len(problems) == 0 {
				t.Errorf("%s (general path only: %v): no safe-mode problem", s, p.noFast)
			}
			if _, err := p.Canonicalize(ctx, doc); err == nil {
				t.Errorf("%s (general path only: %v): canonicalized", s, p.noFast)
			}
		}
	}
	// What N-Quads allows stays an IRI.
	for _, s := range []string{`{"@context":{"@vocab":"urn:v:"},"@id":"urn:s#a-b_c~d%20","p":1}`} {
		var doc any
		if err := json.Unmarshal([]byte(s), &doc); err != nil {
			t.Fatal(err)
		}
		if problems, err := NewProcessor().SafeModeProblems(ctx, doc); err != nil || len(problems) > 0 {
			t.Errorf("%s: %v %v", s, problems, err)
		}
	}
}
