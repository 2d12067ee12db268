package jsonld

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestTermTails checks the tails a compiled context keeps for addLine against objectTail, on
// every term of every embedded context document and of the contexts their scoped contexts
// derive (one level): a term's predLine as the tail of its IRI as an object (see types), its
// typTail as the tail of the literal a string value makes with its type mapping.
func TestTermTails(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("contexts", "index.json"))
	if err != nil {
		t.Fatal(err)
	}
	var index map[string]string
	if err := json.Unmarshal(raw, &index); err != nil {
		t.Fatal(err)
	}
	urls := make([]string, 0, len(index))
	for u := range index {
		urls = append(urls, u)
	}
	slices.Sort(urls)
	ctx := context.Background()
	p := NewProcessor()
	checked := 0
	check := func(url string, a *activeCtx) {
		for name, d := range a.terms {
			if d.null {
				continue
			}
			checked++
			if !isKeyword(d.id) && !isBlankID(d.id) {
				if want := objectTail(&Term{Kind: TermIRI, Value: d.id}); d.predLine != want {
					t.Errorf("%s %s: predLine %q, objectTail %q", url, name, d.predLine, want)
				}
			}
			want := ""
			switch {
			case d.typ == "":
				want = objectTail(&Term{Kind: TermLiteral, Value: "x", Datatype: xsdString})
			case !isKeyword(d.typ):
				want = objectTail(&Term{Kind: TermLiteral, Value: "x", Datatype: d.typ})
			}
			if d.typTail != want {
				t.Errorf("%s %s: typTail %q, want %q", url, name, d.typTail, want)
			}
		}
	}
	for _, u := range urls {
		a, err := p.cc.process(ctx, p.cc.root, u, false, true, 0)
		if err != nil {
			continue // a context the fast path does not compile
		}
		check(u, a)
		for name, d := range a.terms {
			if !d.hasScoped {
				continue
			}
			if s, err := p.cc.derive(ctx, a, d, 1, d.scoped); err == nil {
				check(u+" @context of "+name, s)
			}
		}
	}
	if checked < 500 {
		t.Errorf("only %d term definitions checked", checked)
	}
}

// TestAddLineTailRandom writes random statements as lines with and without their object's
// tail (objectTail, as callers keep them ahead) and requires the same lineSet: objects of
// every kind, IRIs holding '>', literals needing escapes, with a language, with datatypes
// holding '>', blank and IRI graphs.
func TestAddLineTailRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(*corpusSeed, 21))
	pick := func(s ...string) string { return s[r.IntN(len(s))] }
	iri := func() string {
		return pick("https://ex.org/a", "https://ex.org/b", "https://ex.org/a> <https://ex.org/b", "urn:x", rdfNil)
	}
	term := func() Term {
		switch r.IntN(3) {
		case 0:
			return Term{Kind: TermIRI, Value: iri()}
		case 1:
			return Term{Kind: TermBlank, Value: blankLabel(r.IntN(30))}
		}
		o := Term{Kind: TermLiteral, Value: pick("", "x", "plain text of some length, more than sixteen bytes", "a \"quoted\"\n\\ one\x7f", "\x00")}
		switch r.IntN(4) {
		case 0:
			o.Datatype, o.Language = rdfLangString, pick("en", "en-us", "e n")
		case 1:
			o.Datatype = pick(xsdString, "http://www.w3.org/2001/XMLSchema#"+"string")
		default:
			o.Datatype = pick("http://www.w3.org/2001/XMLSchema#dateTime", xsdInteger, "https://ex.org/d>t", rdfJSON)
		}
		return o
	}
	for round := range 300 {
		var with, without lineSet
		for range 1 + r.IntN(40) {
			s, p, o, g := term(), Term{Kind: TermIRI, Value: iri()}, term(), Term{}
			if s.Kind == TermLiteral {
				s = Term{Kind: TermBlank, Value: blankLabel(r.IntN(30))}
			}
			switch r.IntN(3) {
			case 0:
				g = Term{Kind: TermIRI, Value: iri()}
			case 1:
				g = Term{Kind: TermBlank, Value: blankLabel(r.IntN(30))}
			}
			pl := ""
			if r.IntN(2) == 0 {
				pl = predLine(p.Value)
			}
			ot := objectTail(&o)
			if o.Kind == TermBlank {
				ot = ""
			}
			with.addBuiltLine(&s, &p, pl, &o, ot, false, &g)
			without.addBuiltLine(&s, &p, pl, &o, "", false, &g)
		}
		if diff := cmp.Diff(without, with, cmp.AllowUnexported(lineSet{}, lineTemplate{})); diff != "" {
			t.Fatalf("round %d: lines (-without tails +with):\n%s", round, diff)
		}
	}
}

// objectTail returns what a line writes of the object o after its lexical form when that
// needs no check (see lineSet.ungroupable), else "": for an IRI "<" o.Value ">", for a literal
// without a language the closing quote and the datatype, `"` for xsd:string and `"^^<`
// datatype ">" for another. Callers keep such tails ahead (see termDef.typTail) and pass them
// to addLine with o: objectTail is the reference the tests hold them to.
func objectTail(o *Term) string {
	switch o.Kind {
	case TermIRI:
		if strings.IndexByte(o.Value, '>') < 0 {
			return "<" + o.Value + ">"
		}
	case TermLiteral:
		if o.Language != "" {
			return ""
		}
		return literalTail(o.Datatype)
	}
	return ""
}

// addBuilt (for tests) appends quad (s, p, o, g) as an RDF builder of this package made it: its blank
// nodes are labelled "b" and a number (see blankLabel), and are numbered (ids) in the order
// they first appear.
func (l *lineSet) addBuilt(s, p, o, g *Term) { l.addBuiltLine(s, p, "", o, "", false, g) }
