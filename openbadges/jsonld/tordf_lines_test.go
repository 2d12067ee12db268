package jsonld

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rosettebadges/rosette/openbadges/internal/jsondec"
)

// duplicateCases are documents full of jsonld.js node map duplicates and near-duplicates:
// repeated values in arrays, the same node embedded twice, @index, numbers that are one
// JavaScript number or not, @json, language tags that differ in case, typed and plain
// strings, @direction (which compareValues ignores), @type given twice or also as rdf:type,
// graphs, lists (never duplicates).
func duplicateCases(t *testing.T) []refCase {
	t.Helper()
	docs := duplicateDocs()
	var cases []refCase
	for _, name := range slices.Sorted(maps.Keys(docs)) {
		cases = append(cases, refCase{name, decode(t, docs[name])})
	}
	return cases
}

func duplicateDocs() map[string]string {
	ctx := `{"@vocab":"https://ex.org/v#","j":{"@id":"https://ex.org/v#j","@type":"@json"},"l":{"@id":"https://ex.org/v#l","@container":"@list"},"d":{"@id":"https://ex.org/v#d","@type":"http://www.w3.org/2001/XMLSchema#double"},"r":{"@id":"https://ex.org/v#r","@type":"@id"},"g":{"@id":"https://ex.org/v#g","@container":"@graph"},"x":"http://www.w3.org/2001/XMLSchema#"}`
	docs := map[string]string{
		"array-values":   `{"@context":` + ctx + `,"@id":"https://ex.org/s","p":["a","a","b","a",true,true,false,"true"]}`,
		"numbers":        `{"@context":` + ctx + `,"@id":"https://ex.org/s","p":[0,-0,0.0,1,1.0,1e0,1e-7,1E-7,0.0000001,5e-324,5e-324,1e21,1e21,"1"],"d":[1,1.0,"1",2.5,2.50]}`,
		"index":          `{"@context":` + ctx + `,"@id":"https://ex.org/s","p":["x",{"@value":"x","@index":"i"},{"@value":"x","@index":"i"},{"@value":"x","@index":"k"},{"@value":1,"@index":"i"},1]}`,
		"typed-plain":    `{"@context":` + ctx + `,"@id":"https://ex.org/s","p":["x",{"@value":"x","@type":"x:string"},{"@value":"x","@type":"x:string"},{"@value":"x","@type":"x:token"}]}`,
		"languages":      `{"@context":` + ctx + `,"@id":"https://ex.org/s","p":[{"@value":"x","@language":"en"},{"@value":"x","@language":"EN"},{"@value":"x","@language":"en-GB"},{"@value":"x","@language":"en-gb"},"x"]}`,
		"language-ctx":   `{"@context":[` + ctx + `,{"@language":"fr"}],"@id":"https://ex.org/s","p":["x","x",{"@value":"x","@language":"FR"}]}`,
		"direction":      `{"@context":` + ctx + `,"@id":"https://ex.org/s","p":[{"@value":"abc","@direction":"rtl"},{"@value":"abc","@direction":"ltr"},{"@value":"abc","@language":"ar","@direction":"rtl"},{"@value":"abc","@language":"ar"}]}`,
		"json":           `{"@context":` + ctx + `,"@id":"https://ex.org/s","j":[{"a":1},{"a":1},[1],[1],"s","s",true,true,1,1.0,null]}`,
		"json-values":    `{"@context":` + ctx + `,"@id":"https://ex.org/s","p":[{"@value":true,"@type":"@json"},{"@value":true,"@type":"@json"},{"@value":{"a":1},"@type":"@json"},{"@value":{"a":1},"@type":"@json"}]}`,
		"embedded-twice": `{"@context":` + ctx + `,"@id":"https://ex.org/s","p":[{"@id":"https://ex.org/o","q":"1"},{"@id":"https://ex.org/o","q":["1","2"]},{"@id":"https://ex.org/o"}],"r":["https://ex.org/o","https://ex.org/o","_:b"],"t":{"@id":"https://ex.org/o","q":"1"}}`,
		"blank-ids":      `{"@context":` + ctx + `,"@id":"_:a","p":[{"@id":"_:b","q":"1"},{"@id":"_:b","q":"1"},{"@id":"_:a"},{"@id":"_:a"}],"q":[{"q":"1"},{"q":"1"}]}`,
		"types":          `{"@context":` + ctx + `,"@id":"https://ex.org/s","@type":["https://ex.org/T","https://ex.org/T","https://ex.org/U"],"http://www.w3.org/1999/02/22-rdf-syntax-ns#type":[{"@id":"https://ex.org/T"},{"@id":"https://ex.org/T"}]}`,
		"blank-subject":  `{"@context":` + ctx + `,"@id":"https://ex.org/s","p":{"q":["x","x",{"@value":"x","@language":"en"},{"@value":"x","@language":"en"},{"@id":"https://ex.org/o"},{"@id":"https://ex.org/o"}],"@type":["https://ex.org/T","https://ex.org/T"]}}`,
		"aliases":        `{"@context":[` + ctx + `,{"q2":"https://ex.org/v#q"}],"@id":"https://ex.org/s","q":["x","y"],"q2":["x","y","z"],"https://ex.org/v#q":["z","x"]}`,
		"graph":          `{"@context":` + ctx + `,"@id":"https://ex.org/s","g":[{"@id":"https://ex.org/o","q":["1","1"]},{"@id":"https://ex.org/o","q":"1"}],"@graph":[{"@id":"https://ex.org/o","q":["1","1"]},{"@id":"https://ex.org/o","q":"1"}]}`,
		"lists":          `{"@context":` + ctx + `,"@id":"https://ex.org/s","l":["a","a",{"@id":"https://ex.org/o"},{"@id":"https://ex.org/o"}],"p":[{"@list":["a"]},{"@list":["a"]}]}`,
		"included":       `{"@context":` + ctx + `,"@id":"https://ex.org/s","p":"x","@included":[{"@id":"https://ex.org/s","p":["x","y"]}]}`,
		"reverse":        `{"@context":` + ctx + `,"@id":"https://ex.org/s","@reverse":{"p":[{"@id":"https://ex.org/o"},{"@id":"https://ex.org/o"}]}}`,
	}
	return docs
}

// renderLines returns the lines of l with the labels of their blank nodes in the holes.
func renderLines(l *lineSet) []string {
	out := make([]string, len(l.tmpl))
	for i := range l.tmpl {
		t := &l.tmpl[i]
		line := l.line(int32(i))
		var b []byte
		prev := int32(0)
		for h := range t.n {
			b = append(b, line[prev:t.at[h]]...)
			b = append(b, l.labels[t.id[h]]...)
			prev = t.at[h]
		}
		out[i] = string(append(b, line[prev:]...))
	}
	slices.Sort(out)
	return out
}

// quadLines returns the lines of quads made by a builder, as renderLines does.
func quadLines(quads []Quad) []string {
	var l lineSet
	for i := range quads {
		q := &quads[i]
		l.addBuilt(&q.S, &q.P, &q.O, &q.G)
	}
	return renderLines(&l)
}

// TestLinesDuplicatesAsDataset checks that the fast path writing lines removes the node map
// duplicates that dataset() removes from its quads (the same builder, so the same labels),
// on documents made of such duplicates, the edge cases, the fixtures and generated
// credentials.
func TestLinesDuplicatesAsDataset(t *testing.T) {
	ctx := context.Background()
	p := NewProcessor()
	buf := &quadBuf{}
	dropped := 0
	check := func(name string, doc any, mustBeFast bool) {
		t.Helper()
		tree, err := jsondec.FromValue(doc)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		qbuf := &quadBuf{}
		quads, problems, err := p.fastToRDFInto(ctx, tree, qbuf, false)
		if err != nil && !mustBeFast {
			return
		}
		if err != nil {
			t.Fatalf("%s: fast path: %v", name, err)
		}
		dropped += len(qbuf.quads) - len(quads)
		want := quadLines(quads)
		_, lproblems, err := p.fastToRDFInto(ctx, tree, buf, true)
		if err != nil {
			t.Fatalf("%s: fast path to lines: %v", name, err)
		}
		if diff := cmp.Diff(want, renderLines(&buf.lines)); diff != "" {
			t.Errorf("%s: lines (-dataset +lines):\n%s", name, diff)
		}
		if diff := cmp.Diff(problems, lproblems); diff != "" {
			t.Errorf("%s: problems (-quads +lines):\n%s", name, diff)
		}
		// Every blank node numbered appears in a line.
		seen := make([]bool, len(buf.lines.labels))
		for _, ids := range buf.lines.qb {
			for _, id := range ids {
				if id >= 0 {
					seen[id] = true
				}
			}
		}
		if i := slices.Index(seen, false); i >= 0 {
			t.Errorf("%s: blank node %s numbered but in no line", name, buf.lines.labels[i])
		}
		p.release(buf)
	}
	for _, c := range duplicateCases(t) {
		// The fast path leaves @index in values, and @graph, @included and @reverse, to
		// the general path (dataset() only).
		_, general := map[string]bool{"index": true, "graph": true, "included": true, "reverse": true}[c.name]
		check(c.name, c.doc, !general)
	}
	if dropped == 0 {
		t.Fatal("no duplicate dropped: the cases do not test anything")
	}
	for _, c := range append(edgeCases(t), fixtureCredentials(t)...) {
		check(c.name, c.doc, false)
	}
	g := credGen{rand.New(rand.NewPCG(*corpusSeed, 11))}
	for i := range 300 {
		check(fmt.Sprintf("generated %d", i), g.credential(0), false)
	}
}

// TestDuplicateCasesAgainstJavaScriptReference requires jsonld.js's answers on
// duplicateCases.
func TestDuplicateCasesAgainstJavaScriptReference(t *testing.T) {
	compareWithJS(t, NewProcessor(), duplicateCases(t))
}

// TestKeyedLinesDropLast checks that a keyed statement dropped as a duplicate takes back
// the blank node it numbered, that statements whose subject and predicate print alike
// together are told apart, and that colliding keys make keyedLines take maphash.
func TestKeyedLinesDropLast(t *testing.T) {
	var l lineSet
	var kl keyedLines
	b := rdfBuilder{lines: &l, kl: &kl}
	s := b.fresh()
	p := Term{Kind: TermIRI, Value: "https://example.org/p"}
	b.add(s, p, b.fresh(), Term{}, stringKeyOf("x", "", "", ""))
	b.add(s, p, b.fresh(), Term{}, stringKeyOf("x", "", "", "")) // a duplicate by its key
	if len(l.tmpl) != 1 || len(l.labels) != 2 {
		t.Fatalf("%d lines, %d blank nodes, want 1 and 2", len(l.tmpl), len(l.labels))
	}
	o := b.fresh()
	b.add(s, p, o, Term{}, nodeKey{})
	if got := l.qb[1][1]; got != 2 {
		t.Errorf("next blank node numbered %d, want 2", got)
	}
	// Subject and predicate that print alike: not duplicates.
	b.add(Term{Kind: TermIRI, Value: "https://ex.org/a> <https://ex.org/b"}, Term{Kind: TermIRI, Value: "https://ex.org/p"}, o, Term{}, stringKeyOf("x", "", "", ""))
	b.add(Term{Kind: TermIRI, Value: "https://ex.org/a"}, Term{Kind: TermIRI, Value: "https://ex.org/b> <https://ex.org/p"}, o, Term{}, stringKeyOf("x", "", "", ""))
	if len(l.tmpl) != 4 {
		t.Fatalf("%d lines, want 4", len(l.tmpl))
	}
	for i := range 400 {
		v := fmt.Sprintf("aaaaaaaa%06dzzzzzzzz", i%300)
		b.add(s, p, Term{Kind: TermLiteral, Value: v, Datatype: xsdString}, Term{}, stringKeyOf(v, "", "", ""))
	}
	if len(l.tmpl) != 4+300 || !kl.seeded {
		t.Errorf("%d lines (want 304), seeded %v (want true)", len(l.tmpl), kl.seeded)
	}
}

// TestKeyedLinesRandom writes random statements, with keys and terms from small sets (blank
// and IRI subjects and graphs, the default graph, keys of every kind with and without typ,
// lang and ix, objects that differ under equal keys), with dataset() and as lines, and
// requires the same statements kept.
func TestKeyedLinesRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(*corpusSeed, 12))
	pick := func(s ...string) string { return s[r.IntN(len(s))] }
	term := func(graph bool) Term {
		switch r.IntN(3) {
		case 0:
			if graph {
				return Term{}
			}
			fallthrough
		case 1:
			return Term{Kind: TermIRI, Value: pick("https://ex.org/a", "https://ex.org/b", "https://ex.org/a> <https://ex.org/b")}
		}
		return Term{Kind: TermBlank, Value: blankLabel(r.IntN(4) * 7)}
	}
	for round := range 200 {
		var b rdfBuilder
		lb := rdfBuilder{lines: &lineSet{}, kl: &keyedLines{}}
		for range 1 + r.IntN(80) {
			s, g := term(false), term(true)
			p := Term{Kind: TermIRI, Value: pick("https://ex.org/p", "https://ex.org/q", "https://ex.org/b> <https://ex.org/p")}
			var key nodeKey
			if r.IntN(5) > 0 {
				key = nodeKey{kind: pick("i", "t", "s", "b", "n")[0], v: pick("x", "y", "https://ex.org/a")}
				if key.kind != 'i' && key.kind != 't' {
					key.typ, key.lang, key.ix = pick("", "", "t"), pick("", "", "en"), pick("", "", "i", "x")
				}
			}
			o := Term{Kind: TermLiteral, Value: key.v + pick("", "", "2"), Datatype: xsdString}
			if r.IntN(4) == 0 {
				o = term(false)
			}
			b.add(s, p, o, g, key)
			lb.add(s, p, o, g, key)
		}
		if diff := cmp.Diff(quadLines(b.dataset()), renderLines(lb.lines)); diff != "" {
			t.Fatalf("round %d: lines (-dataset +lines):\n%s", round, diff)
		}
	}
}

// FuzzLinesAsDataset: on any JSON the fast path takes, writing lines keeps exactly the
// statements that dataset() keeps of its quads.
func FuzzLinesAsDataset(f *testing.F) {
	for _, s := range duplicateDocs() {
		f.Add([]byte(s))
	}
	p := NewProcessor()
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<14 {
			return
		}
		tree, err := jsondec.DecodeTree(data)
		if err != nil {
			return
		}
		qbuf, lbuf := &quadBuf{}, &quadBuf{}
		quads, problems, err := p.fastToRDFInto(ctx, tree, qbuf, false)
		_, lproblems, lerr := p.fastToRDFInto(ctx, tree, lbuf, true)
		if (err == nil) != (lerr == nil) {
			t.Fatalf("quads: %v, lines: %v", err, lerr)
		}
		if err != nil {
			return
		}
		if diff := cmp.Diff(quadLines(quads), renderLines(&lbuf.lines)); diff != "" {
			t.Fatalf("lines (-dataset +lines):\n%s", diff)
		}
		if diff := cmp.Diff(problems, lproblems); diff != "" {
			t.Fatalf("problems (-quads +lines):\n%s", diff)
		}
	})
}

// TestPredLine checks the predicates serialized ahead for addpl: "<" iri ">", or "" (written
// and checked at each statement) when the IRI holds a '>'.
func TestPredLine(t *testing.T) {
	for _, tc := range []struct{ iri, want string }{
		{"https://ex.org/p", "<https://ex.org/p>"},
		{rdfType, rdfTypeLine},
		{rdfFirst, rdfFirstLine},
		{rdfRest, rdfRestLine},
		{"https://ex.org/a> <https://ex.org/b", ""},
	} {
		if got := predLine(tc.iri); got != tc.want {
			t.Errorf("predLine(%q) = %q, want %q", tc.iri, got, tc.want)
		}
	}
}
