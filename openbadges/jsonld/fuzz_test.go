package jsonld

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/rosettebadges/rosette/openbadges/internal/jsondec"
)

// FuzzCanonicalize feeds arbitrary JSON to the Processor (fast path, and the general path
// alone): neither may panic or run unbounded, and canonical output must re-canonicalize to
// itself. The two paths are not required to agree here: on odd JSON-LD, json-gold's expansion
// (the general path) differs from jsonld.js, which the fast path follows (see
// TestJSONGoldDivergences); TestDifferentialFastGeneral requires agreement on credentials.
func FuzzCanonicalize(f *testing.F) {
	seeds := []string{
		`{"@context":["https://www.w3.org/ns/credentials/v2","https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],"id":"urn:uuid:1","type":["VerifiableCredential","OpenBadgeCredential"],"name":"x","credentialSubject":{"type":["AchievementSubject"],"achievement":{"id":"urn:a","type":["Achievement"],"name":"n"}}}`,
		`{"@context":{"@vocab":"https://ex.org/","j":{"@type":"@json"},"l":{"@container":"@list"}},"j":[1,{"a":2}],"l":[1,"x",{"p":1}],"p":{"@value":"x","@direction":"rtl","@language":"ar"}}`,
		`{"@context":{"p":"https://ex.org/p"},"@id":"_:b0","p":[{"@id":"_:b1","p":{"@id":"_:b0"}},{"@id":"_:b2","p":{"@id":"_:b1"}}]}`,
		`{"@context":"https://www.w3.org/2018/credentials/v1","type":"VerifiableCredential","proof":{"type":"X"}}`,
		`[]`, `null`, `"x"`, `{"@graph":[{"@id":"https://ex.org/a","https://ex.org/p":1}]}`,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	fast, general := NewProcessor(), NewProcessor(WithGeneralPathOnly())
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<14 {
			return
		}
		d := json.NewDecoder(bytes.NewReader(data))
		d.UseNumber()
		var doc any
		if d.Decode(&doc) != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		a, errA := fast.Canonicalize(ctx, doc)
		b, errB := general.Canonicalize(ctx, doc)
		if ctx.Err() != nil {
			t.Fatalf("canonicalization did not finish in bounded time")
		}
		for _, out := range [][]byte{a, b} {
			if out == nil {
				continue
			}
			again, err := CanonicalizeNQuads(ctx, out, CanonOptions{MaxWorkFactor: -1})
			if err != nil {
				t.Fatalf("output does not re-parse: %v\n%s", err, out)
			}
			if !bytes.Equal(dedupLines(out), again) {
				t.Fatalf("output is not canonical:\n%s\n---\n%s", out, again)
			}
		}
		_, _ = errA, errB
		// The same JSON decoded into a jsondec.Tree (as the proof package hands documents)
		// gives exactly what the generic form gives.
		if tree, err := jsondec.DecodeTree(data); err == nil {
			m, err := jsondec.Decode(data)
			if err != nil {
				t.Fatalf("DecodeTree accepted what Decode refuses: %v", err)
			}
			ta, errT := fast.Canonicalize(ctx, tree)
			ma, errM := fast.Canonicalize(ctx, m)
			if !bytes.Equal(ta, ma) || errKind(errT) != errKind(errM) {
				t.Fatalf("Tree and generic form differ:\n%s %v\n---\n%s %v", ta, errT, ma, errM)
			}
		}
	})
}

// errKind classifies a Canonicalize error (the messages of the general path's errors depend
// on map order).
func errKind(err error) string {
	var se *SafeModeError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &se):
		return "safe mode"
	case errors.Is(err, ErrContextNotFound):
		return "context not found"
	}
	return "error"
}

// FuzzParseNQuads: the parser and canonicalizer never panic and never run unbounded; output
// re-parses to itself.
func FuzzParseNQuads(f *testing.F) {
	for _, s := range []string{
		"<urn:a> <urn:p> \"x\\u0007\\n\"@en .\n_:b0 <urn:p> _:b1 <urn:g> .\n",
		"_:a <urn:p> _:b .\n_:b <urn:p> _:a .\n",
		"<urn:a> <urn:p> \"1\"^^<http://www.w3.org/2001/XMLSchema#integer> . # c\n",
		"# only a comment\n", "<a> <b> <c>", "_:x <urn:p> \"\\U0001F600\" .",
		"<urn:a> <urn:p> _:x .\n<urn:a> <urn:p q> _:y .\n<urn:a> <urn:p> <urn:a\\u0020> .\n_:y <urn:p\\u0009> _:x .\n",
		"<urn:s> <urn:p> _:a _:g .\n<urn:s> <urn:p> _:b <urn:g> .\n<urn:s> <urn:p> _:a <urn:g!> .\n_:a <urn:p> _:a .\n_:a <urn:p> _:b _:a .\n_:b <urn:p> \"x\"@en _:g .\n",
		"<urn:s> <urn:p\\u003E> <urn:o> .\n<urn:s> <urn:p> <urn:o\\u003Ez> .\n_:a <urn:p> <urn:o> .\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<14 {
			return
		}
		out, err := CanonicalizeNQuads(context.Background(), data, CanonOptions{})
		if err != nil {
			return
		}
		again, err := CanonicalizeNQuads(context.Background(), out, CanonOptions{})
		if err != nil {
			t.Fatalf("canonical output does not re-parse: %v\n%s", err, out)
		}
		if !bytes.Equal(out, again) {
			t.Fatalf("canonicalization is not idempotent:\n%s\n---\n%s", out, again)
		}
		whole, err := CanonicalizeNQuads(context.Background(), data, CanonOptions{wholeLines: true})
		if err != nil || !bytes.Equal(out, whole) {
			t.Fatalf("lines ordered by ranks:\n%s\n---\nsorted whole (%v):\n%s", out, err, whole)
		}
	})
}

// dedupLines removes repeated lines of sorted N-Quads (our JSON-LD output keeps duplicates
// as rdf-canonize does; N-Quads input is a set).
func dedupLines(b []byte) []byte {
	var out []byte
	var prev []byte
	for _, l := range bytes.SplitAfter(b, []byte("\n")) {
		if len(l) == 0 || bytes.Equal(l, prev) {
			continue
		}
		out = append(out, l...)
		prev = l
	}
	return out
}
