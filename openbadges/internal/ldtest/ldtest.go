// Package ldtest gives tests of the openbadges packages an independent JSON-LD
// canonicalizer: github.com/piprate/json-gold (URDNA2015, which equals RDFC-1.0 except for
// control-character escaping) over the context documents in ../shared/fixtures/npm-contexts,
// read in place. It has no safe mode, so it is a cross-check and a stand-in, never what
// Rosette signs with.
package ldtest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/piprate/json-gold/ld"

	"github.com/rosettebadges/rosette/openbadges/internal/fixture"
)

// ExamplesV2 is the W3C examples context the eddsa vectors use.
const ExamplesV2 = "https://www.w3.org/ns/credentials/examples/v2"

// Canonicalizer canonicalizes JSON-LD with json-gold and an offline loader.
type Canonicalizer struct {
	docs map[string]any
}

// New loads every context listed in fixtures/npm-contexts/index.json (skipping the test when
// the fixtures are absent) plus the W3C examples context.
func New(t testing.TB) *Canonicalizer {
	t.Helper()
	dir := fixture.Path(t, "npm-contexts")
	var index map[string]string
	if err := json.Unmarshal(fixture.Read(t, "npm-contexts", "index.json"), &index); err != nil {
		t.Fatal(err)
	}
	c := &Canonicalizer{docs: map[string]any{}}
	for url, file := range index {
		b, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		var v any
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		c.docs[url] = v
	}
	c.docs[ExamplesV2] = map[string]any{"@context": map[string]any{"@vocab": "https://www.w3.org/ns/credentials/examples#"}}
	return c
}

// LoadDocument implements ld.DocumentLoader from memory only.
func (c *Canonicalizer) LoadDocument(u string) (*ld.RemoteDocument, error) {
	d, ok := c.docs[u]
	if !ok {
		return nil, fmt.Errorf("ldtest: context %s not available offline", u)
	}
	return &ld.RemoteDocument{DocumentURL: u, Document: d}, nil
}

// Canonicalize returns the canonical N-Quads of doc.
func (c *Canonicalizer) Canonicalize(ctx context.Context, doc any) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	opts := ld.NewJsonLdOptions("")
	opts.ProcessingMode = ld.JsonLd_1_1
	opts.Format = "application/n-quads"
	opts.Algorithm = ld.AlgorithmURDNA2015
	opts.DocumentLoader = c
	out, err := ld.NewJsonLdProcessor().Normalize(doc, opts)
	if err != nil {
		return nil, err
	}
	s, ok := out.(string)
	if !ok {
		return nil, fmt.Errorf("ldtest: unexpected output %T", out)
	}
	return []byte(s), nil
}
