package jsonld

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/piprate/json-gold/ld"

	"github.com/rosettebadges/rosette/openbadges/internal/jsondec"
)

// benchDoc is the OB 3.0 spec vector's credential without its proof (a typical ~40-line
// AchievementCredential).
func benchDoc(b *testing.B) map[string]any {
	b.Helper()
	d, _ := splitProof(b, readJSON(b, "openbadges-specification", "ob_v3p0", "impl", "test-vectors", "obv3p0", "signed-credential.json"))
	return d
}

func BenchmarkCanonicalize(b *testing.B) {
	doc := benchDoc(b)
	p := NewProcessor()
	ctx := context.Background()
	if _, err := p.Canonicalize(ctx, doc); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := p.Canonicalize(ctx, doc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCanonicalizeGeneralPath(b *testing.B) {
	doc := benchDoc(b)
	p := NewProcessor(WithGeneralPathOnly())
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Canonicalize(ctx, doc); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCanonicalizeJSONGold is json-gold v0.9.1 alone (URDNA2015 N-Quads, offline loader),
// for the ratio.
func BenchmarkCanonicalizeJSONGold(b *testing.B) {
	doc := benchDoc(b)
	norm, err := normalizeInput(doc, 0)
	if err != nil {
		b.Fatal(err)
	}
	proc := ld.NewJsonLdProcessor()
	opts := ld.NewJsonLdOptions("")
	opts.ProcessingMode = ld.JsonLd_1_1
	opts.Algorithm = ld.AlgorithmURDNA2015
	opts.Format = "application/n-quads"
	opts.DocumentLoader = &goldLoader{ctx: context.Background(), l: NewLoader()}
	want, err := NewProcessor().Canonicalize(context.Background(), doc)
	if err != nil {
		b.Fatal(err)
	}
	got, err := proc.Normalize(norm, opts)
	if err != nil {
		b.Fatal(err)
	}
	if got.(string) != string(want) {
		b.Fatalf("json-gold output differs from ours")
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := proc.Normalize(norm, opts); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCanonicalizeDatasetLarge is RDFC-1.0 alone over the dataset of the benchmarks'
// large credential (openbadges/proof/testdata/large-credential.json: 356 quads, 52 blank
// nodes, 20 of them needing the N-degree hash), as CanonicalizeTo runs it.
func BenchmarkCanonicalizeDatasetLarge(b *testing.B) {
	_, doc := largeCredential(b)
	quads, problems, err := NewProcessor().ToRDF(context.Background(), doc)
	if err != nil || len(problems) > 0 {
		b.Fatal(err, problems)
	}
	ctx := context.Background()
	var scratch canonScratch
	b.ReportAllocs()
	for b.Loop() {
		if err := canonicalizeTo(ctx, quads, CanonOptions{}, true, &scratch, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkToRDFLarge measures what comes before RDFC-1.0 for the large credential of the
// proof package's benchmarks (its testdata): decoding its JSON into a jsondec.Tree, then
// JSON-LD to RDF on the fast path with the pooled buffers, written as line templates for
// RDFC-1.0 (see lineSet), as Canonicalize runs it.
func BenchmarkToRDFLarge(b *testing.B) {
	raw, _ := largeCredential(b)
	p := NewProcessor()
	ctx := context.Background()
	b.Run("decode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := jsondec.DecodeTree(raw); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("toRDF", func(b *testing.B) {
		t, err := jsondec.DecodeTree(raw)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			buf, _ := p.bufs.Get().(*quadBuf)
			if buf == nil {
				buf = &quadBuf{}
			}
			_, problems, lines, err := p.toRDFInto(ctx, t, buf, true)
			if err != nil || len(problems) > 0 || !lines || len(buf.lines.tmpl) == 0 {
				b.Fatal(err, problems)
			}
			p.release(buf)
		}
	})
}

// largeCredential reads the large credential of the proof package's benchmarks
// (openbadges/proof/testdata/large-credential.json) and returns its bytes and decoded JSON.
func largeCredential(tb testing.TB) ([]byte, any) {
	tb.Helper()
	raw, err := os.ReadFile(filepath.FromSlash("../proof/testdata/large-credential.json"))
	if err != nil {
		tb.Fatal(err)
	}
	var doc any
	if err := json.Unmarshal(raw, &doc); err != nil {
		tb.Fatal(err)
	}
	return raw, doc
}
