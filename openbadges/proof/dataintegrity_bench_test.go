package proof

import (
	"bytes"
	"context"
	"encoding/json"
	"sync"
	"testing"

	"github.com/piprate/json-gold/ld"

	"github.com/rosettebadges/rosette/openbadges/jsonld"
)

// The Data Integrity benchmarks sign and verify two OB 3.0 credentials with eddsa-rdfc-2022:
// "typical" is the OB 3.0 spec vector (about 40 lines), "large" is testdata/large-credential.json
// (20 alignments, results, evidence, an embedded signed endorsement; see largecred_test.go).
// Each runs with three canonicalizers, so that one run gives the ratios of docs/PERFORMANCE.md:
//
//   - BenchmarkSignDataIntegrity, BenchmarkVerifyDataIntegrity: Rosette's jsonld.Processor
//     (compiled-context fast path, safe mode), what the product uses;
//   - ...GeneralPath: the same Processor with jsonld.WithGeneralPathOnly (expansion by
//     json-gold, then our toRDF and RDFC-1.0, safe mode);
//   - ...JSONGold: json-gold v0.9.1 alone (Normalize, URDNA2015 N-Quads) over the same
//     embedded contexts, parsed once; no safe mode.
//
// Run with -cpu 1 -benchmem (scripts/bench.sh). Each reports creds/s = b.N / elapsed wall
// time and creds/cpu-s = b.N / process CPU time of the loop: on a shared machine the wall
// figure is what this run got, the CPU figure is what one core of its own gives.

type benchCred struct {
	name     string
	unsigned []byte
	signed   []byte
}

func benchCreds(b *testing.B) []benchCred {
	b.Helper()
	large := largeCredential(b)
	return []benchCred{
		{"typical", withoutProof(b, fixtureOBSigned(b)), fixtureOBSigned(b)},
		{"large", large, signLarge(b, large)},
	}
}

// reportCredsPerSecond reports the rates of a loop that started when cpu0 = processCPU().
func reportCredsPerSecond(b *testing.B, cpu0 int64) {
	if s := b.Elapsed().Seconds(); s > 0 {
		b.ReportMetric(float64(b.N)/s, "creds/s")
	}
	if cpu0 > 0 {
		if ns := processCPU() - cpu0; ns > 0 {
			b.ReportMetric(float64(b.N)/(float64(ns)/1e9), "creds/cpu-s")
		}
	}
}

func benchSign(b *testing.B, c Canonicalizer) {
	ctx := context.Background()
	priv := seedHex(b, obSeed)
	for _, bc := range benchCreds(b) {
		b.Run(bc.name, func(b *testing.B) {
			// Every canonicalizer must produce the bytes Rosette produces.
			want, err := SignDataIntegrity(ctx, canon(b), bc.unsigned, priv, benchProofOptions)
			if err != nil {
				b.Fatal(err)
			}
			got, err := SignDataIntegrity(ctx, c, bc.unsigned, priv, benchProofOptions)
			if err != nil || !bytes.Equal(got, want) {
				b.Fatalf("signature differs from Rosette's (err %v)", err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			cpu0 := processCPU()
			for b.Loop() {
				if _, err := SignDataIntegrity(ctx, c, bc.unsigned, priv, benchProofOptions); err != nil {
					b.Fatal(err)
				}
			}
			reportCredsPerSecond(b, cpu0)
		})
	}
}

func benchVerify(b *testing.B, c Canonicalizer) {
	ctx := context.Background()
	r := obResolver(b)
	for _, bc := range benchCreds(b) {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			cpu0 := processCPU()
			for b.Loop() {
				res, err := VerifyDataIntegrity(ctx, c, r, bc.signed, obIssuer)
				if err != nil || !res[0].Verified {
					b.Fatal(err, res)
				}
			}
			reportCredsPerSecond(b, cpu0)
		})
	}
}

func BenchmarkSignDataIntegrity(b *testing.B)   { benchSign(b, canon(b)) }
func BenchmarkVerifyDataIntegrity(b *testing.B) { benchVerify(b, canon(b)) }

func BenchmarkSignDataIntegrityGeneralPath(b *testing.B) {
	benchSign(b, jsonld.NewProcessor(jsonld.WithGeneralPathOnly()))
}

func BenchmarkVerifyDataIntegrityGeneralPath(b *testing.B) {
	benchVerify(b, jsonld.NewProcessor(jsonld.WithGeneralPathOnly()))
}

func BenchmarkSignDataIntegrityJSONGold(b *testing.B)   { benchSign(b, newGoldCanon()) }
func BenchmarkVerifyDataIntegrityJSONGold(b *testing.B) { benchVerify(b, newGoldCanon()) }

// goldCanon canonicalizes with json-gold alone, as a Go program using that library would:
// ld.JsonLdProcessor.Normalize (URDNA2015, which equals RDFC-1.0 here) with an offline loader
// over Rosette's embedded contexts, each parsed once.
type goldCanon struct {
	proc   *ld.JsonLdProcessor
	loader *goldContexts
}

func newGoldCanon() goldCanon {
	return goldCanon{proc: ld.NewJsonLdProcessor(), loader: &goldContexts{l: jsonld.NewLoader(), docs: map[string]any{}}}
}

func (g goldCanon) Canonicalize(ctx context.Context, doc any) ([]byte, error) {
	opts := ld.NewJsonLdOptions("")
	opts.ProcessingMode = ld.JsonLd_1_1
	opts.Algorithm = ld.AlgorithmURDNA2015
	opts.Format = "application/n-quads"
	opts.DocumentLoader = g.loader
	out, err := g.proc.Normalize(doc, opts)
	if err != nil {
		return nil, err
	}
	return []byte(out.(string)), nil
}

type goldContexts struct {
	l    *jsonld.EmbeddedLoader
	mu   sync.Mutex
	docs map[string]any
}

func (g *goldContexts) LoadDocument(u string) (*ld.RemoteDocument, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	doc, ok := g.docs[u]
	if !ok {
		b, err := g.l.LoadDocumentBytes(context.Background(), u)
		if err != nil {
			return nil, ld.NewJsonLdError(ld.LoadingDocumentFailed, err)
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			return nil, ld.NewJsonLdError(ld.LoadingDocumentFailed, err)
		}
		g.docs[u] = doc
	}
	return &ld.RemoteDocument{DocumentURL: u, Document: doc}, nil
}
