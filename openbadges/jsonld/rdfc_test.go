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

func TestCompareUTF16(t *testing.T) {
	cases := []struct {
		a, b string
		want int // sign
	}{
		{"a", "b", -1}, {"ab", "a", 1}, {"x", "x", 0},
		{"\U0001F600", "\uFFFD", -1}, // surrogate D83D < FFFD in UTF-16
		{"\uE000", "\U00010000", 1},
		{"\u00e9", "\U0001F600", -1},
		{"\U0001F600", "\U0001F601", -1},
		{"a\u00e9", "a\u00ea", -1},
	}
	sign := func(n int) int {
		switch {
		case n < 0:
			return -1
		case n > 0:
			return 1
		}
		return 0
	}
	for _, c := range cases {
		if got := sign(compareUTF16([]byte(c.a), []byte(c.b))); got != c.want {
			t.Errorf("compareUTF16(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}
