package jsonld

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rosettebadges/rosette/openbadges/internal/fixture"
)

// checkLineOrder canonicalizes quads with lines ordered by subject and predicate ranks and
// with lines sorted whole, and requires the same output.
func checkLineOrder(t *testing.T, name string, quads []Quad, opts CanonOptions) {
	t.Helper()
	ctx := context.Background()
	got, err := CanonicalizeDataset(ctx, quads, opts)
	whole := opts
	whole.wholeLines = true
	want, werr := CanonicalizeDataset(ctx, quads, whole)
	if (err == nil) != (werr == nil) || string(got) != string(want) {
		t.Fatalf("%s: by ranks %v\n%s\nwhole lines %v\n%s", name, err, got, werr, want)
	}
	// Keeping duplicate quads, as for a dataset from the fast path.
	got, err = canonicalize(ctx, quads, opts, true, nil)
	want, werr = canonicalize(ctx, quads, whole, true, nil)
	if (err == nil) != (werr == nil) || string(got) != string(want) {
		t.Fatalf("%s, duplicates kept: by ranks %v\n%s\nwhole lines %v\n%s", name, err, got, werr, want)
	}
}

// TestLineOrderByRanks checks the ordering of lines by ranks (rdfc_order.go) against sorting
// whole lines, on the RDFC-1.0 suite, generated credentials, and IRIs that break the ranks'
// proviso (a space or a control character after a common prefix).
func TestLineOrderByRanks(t *testing.T) {
	dir := fixture.Path(t, "w3c-rdf-canon", "tests", "rdfc10")
	ins, err := filepath.Glob(filepath.Join(dir, "*-in.nq"))
	if err != nil || len(ins) < 60 {
		t.Fatalf("suite inputs: %d, %v", len(ins), err)
	}
	for _, in := range ins {
		b, err := os.ReadFile(in)
		if err != nil {
			t.Fatal(err)
		}
		quads, err := ParseNQuads(b)
		if err != nil {
			t.Fatal(err)
		}
		checkLineOrder(t, filepath.Base(in), quads, suiteOptions)
		checkLineOrder(t, filepath.Base(in)+" (code points)", quads, CanonOptions{CodePointOrder: true, MaxWorkFactor: -1})
	}

	p := NewProcessor()
	g := credGen{rand.New(rand.NewPCG(*corpusSeed, 3))}
	for i := range 1000 {
		quads, problems, err := p.ToRDF(context.Background(), g.credential(0))
		if err != nil || len(problems) > 0 {
			continue
		}
		checkLineOrder(t, "generated credential", quads, CanonOptions{})
		if i%100 == 0 {
			t.Logf("credential %d: %d quads", i, len(quads))
		}
	}

	iri := func(v string) Term { return Term{Kind: TermIRI, Value: v} }
	lit := func(v string) Term { return Term{Kind: TermLiteral, Value: v, Datatype: xsdString} }
	var quads []Quad
	for _, s := range []string{"http://a.example/x", "http://a.example/x y", "http://a.example/x\x01", "http://a.example/x!", "http://a.example/x>z", "http://a.example/xz", "http://a.example/x> y", "http://a.example/x>\x1f"} {
		for _, p := range []string{"http://p.example/p", "http://p.example/p q", "http://p.example/p\t", "http://p.example/pq"} {
			quads = append(quads, Quad{S: iri(s), P: iri(p), O: lit(strings.Repeat("o", len(s)%3))})
			quads = append(quads, Quad{S: Term{Kind: TermBlank, Value: "b" + s[len(s)-1:]}, P: iri(p), O: iri(s)})
		}
	}
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(quads), func(i, j int) { quads[i], quads[j] = quads[j], quads[i] })
	checkLineOrder(t, "IRIs breaking the proviso", quads, CanonOptions{})
	if c := newCanonicalizer(context.Background(), quads, CanonOptions{}, false, nil); c.grouped {
		t.Error("an IRI with a space after another IRI's serialization: lines ordered by ranks")
	}
	var keeping []Quad
	for _, q := range quads {
		if !strings.Contains(q.S.Value, "> ") && !strings.Contains(q.S.Value, ">\x1f") &&
			!strings.Contains(q.O.Value, "> ") && !strings.Contains(q.O.Value, ">\x1f") {
			keeping = append(keeping, q)
		}
	}
	checkLineOrder(t, "IRIs keeping the ranks' proviso", keeping, CanonOptions{})
	if c := newCanonicalizer(context.Background(), keeping, CanonOptions{}, false, nil); c.grouped {
		t.Error("an IRI object holding '>': lines grouped")
	}
	var grouping []Quad
	for _, q := range keeping {
		if !strings.Contains(q.O.Value, ">") {
			grouping = append(grouping, q)
		}
	}
	checkLineOrder(t, "IRIs keeping both provisos", grouping, CanonOptions{})
	if c := newCanonicalizer(context.Background(), grouping, CanonOptions{}, false, nil); !c.grouped {
		t.Error("IRIs keeping both provisos: lines sorted whole")
	}
}

// TestGroupedLinesRandom checks lines in subject groups against lines sorted whole on small
// random datasets full of ties: blank objects after one predicate, self loops, graph names
// that are IRIs (one a prefix of another) or blank nodes, literals that prefix others.
func TestGroupedLinesRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	iri := func(v string) Term { return Term{Kind: TermIRI, Value: v} }
	blank := func() Term { return Term{Kind: TermBlank, Value: "b" + strconv.Itoa(r.IntN(5))} }
	subjects := func() Term {
		if r.IntN(2) == 0 {
			return []Term{iri("urn:s"), iri("urn:s1"), iri("urn:t")}[r.IntN(3)]
		}
		return blank()
	}
	objects := func() Term {
		switch r.IntN(4) {
		case 0:
			return []Term{iri("urn:o"), iri("urn:o1"), iri("urn:s")}[r.IntN(3)]
		case 1:
			return []Term{
				{Kind: TermLiteral, Value: "x", Datatype: xsdString},
				{Kind: TermLiteral, Value: "x", Language: "en"},
				{Kind: TermLiteral, Value: "x", Datatype: "urn:t"},
				{Kind: TermLiteral, Value: "x y", Datatype: xsdString},
			}[r.IntN(4)]
		}
		return blank()
	}
	graphs := func() Term {
		switch r.IntN(4) {
		case 0:
			return []Term{iri("urn:g"), iri("urn:g1"), iri("urn:g!")}[r.IntN(3)]
		case 1:
			return blank()
		}
		return Term{}
	}
	grouped := 0
	for range 3000 {
		var quads []Quad
		withGraphs := r.IntN(2) == 0
		for range 1 + r.IntN(14) {
			q := Quad{S: subjects(), P: []Term{iri("urn:p"), iri("urn:p1"), iri("urn:p!")}[r.IntN(3)], O: objects()}
			if withGraphs {
				q.G = graphs()
			}
			quads = append(quads, q)
		}
		checkLineOrder(t, "random dataset", quads, CanonOptions{MaxWorkFactor: -1})
		if newCanonicalizer(context.Background(), quads, CanonOptions{}, false, nil).grouped {
			grouped++
		}
	}
	if grouped < 2500 {
		t.Errorf("only %d of 3000 random datasets grouped", grouped)
	}
}

// TestGroupedQuadsPrintingAlike checks that distinct quads that print as one line (a graph
// term of kind TermNone that still holds a value) are one line of a set's canonical form,
// grouped or sorted whole.
func TestGroupedQuadsPrintingAlike(t *testing.T) {
	iri := func(v string) Term { return Term{Kind: TermIRI, Value: v} }
	q := Quad{S: iri("urn:s"), P: iri("urn:p"), O: iri("urn:o")}
	odd := q
	odd.G.Value = "ignored"
	quads := []Quad{q, odd, {S: iri("urn:s"), P: iri("urn:p"), O: iri("urn:a")}}
	checkLineOrder(t, "quads printing alike", quads, CanonOptions{})
	got, err := CanonicalizeDataset(context.Background(), quads, CanonOptions{})
	if err != nil || strings.Count(string(got), "\n") != 2 {
		t.Fatalf("%v\n%s", err, got)
	}
}

func TestCanonicalOrder(t *testing.T) {
	for _, n := range []int{0, 1, 2, 3, 9, 10, 11, 12, 19, 20, 21, 55, 99, 100, 101, 109, 110, 111, 999, 1000, 1001, 1234, 10001} {
		ord := appendCanonicalOrder(nil, n)
		prev := ""
		byRank := make([]string, n)
		for i, r := range ord {
			byRank[r] = "c14n" + strconv.Itoa(i)
		}
		for _, l := range byRank {
			if l <= prev {
				t.Fatalf("n=%d: %q after %q", n, l, prev)
			}
			prev = l
		}
	}
}
