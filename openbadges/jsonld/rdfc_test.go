package jsonld

import (
	"context"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rosettebadges/rosette/openbadges/internal/fixture"
)

// suiteOptions are the limits the RDFC-1.0 suite runs with: the poison graphs test044-046
// are "computable given defined limits" and test074 must be refused.
var suiteOptions = CanonOptions{MaxWorkFactor: 3, MaxPermutations: 1 << 14}

func TestRDFC10Suite(t *testing.T) {
	dir := fixture.Path(t, "w3c-rdf-canon", "tests")
	f, err := os.Open(filepath.Join(dir, "manifest.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	ran := 0
	for _, row := range rows[1:] {
		id, name, hashAlg, kind := row[0], row[1], row[5], row[6]
		t.Run(id, func(t *testing.T) {
			in, err := os.ReadFile(filepath.Join(dir, "rdfc10", id+"-in.nq"))
			if err != nil {
				t.Fatal(err)
			}
			opts := suiteOptions
			if hashAlg == "SHA384" {
				opts.Hash = SHA384
			}
			got, err := CanonicalizeNQuads(context.Background(), in, opts)
			if kind == "RDFC10NegativeEvalTest" {
				if !errors.Is(err, ErrPoisonGraph) {
					t.Fatalf("%s (%s): want ErrPoisonGraph, got err=%v", id, name, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("%s (%s): %v", id, name, err)
			}
			want, err := os.ReadFile(filepath.Join(dir, "rdfc10", id+"-rdfc10.nq"))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(want), string(got)); diff != "" {
				t.Errorf("%s (%s) mismatch (-want +got):\n%s", id, name, diff)
			}
		})
		ran++
	}
	if ran < 60 {
		t.Errorf("ran only %d suite cases", ran)
	}
}

// TestRDFC10DefaultLimits checks that the default limits (those of rdf-canonize) refuse the
// clique quickly too.
func TestRDFC10DefaultLimits(t *testing.T) {
	in := fixture.Read(t, "w3c-rdf-canon", "tests", "rdfc10", "test074-in.nq")
	if _, err := CanonicalizeNQuads(context.Background(), in, CanonOptions{}); !errors.Is(err, ErrPoisonGraph) {
		t.Fatalf("want ErrPoisonGraph, got %v", err)
	}
}
