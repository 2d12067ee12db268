package jsonld

import (
	"slices"
	"strings"
)

// Line templates. Every quad is serialized once, with a hole after each "_:" where a blank
// node's label goes; the lines of the first-degree hashes and of the output are then copied
// from their templates with the labels of the moment ("a" and "z", or the canonical ones),
// instead of serializing and escaping the terms again each time. The canonicalizer reads
// nothing else of a quad: a dataset reaches it as a lineSet, made from quads (fromQuads) or
// written directly by the fast path (lineSet.addBuilt).

// lineTemplate is a quad's line in a lineSet's buf, with up to three holes. Offsets are from
// the line's start, holes empty: the line is S ' ' P ' ' O [' ' G] " .\n".
type lineTemplate struct {
	start, end int32
	pred       int32    // offset of the predicate
	obj        int32    // offset of the object
	oend       int32    // end of the object
	n          int8     // number of holes
	at         [3]int32 // offset of each hole
	id         [3]int32 // blank node id of each hole
}

// lineSet is a dataset as the canonicalizer reads it.
type lineSet struct {
	buf    []byte
	tmpl   []lineTemplate // per quad
	qb     [][3]int32     // per quad: the blank node ids of S, O and G (-1: not blank)
	labels []string       // blank node id -> its label in the input (only compared)
	// ungroupable is set when a quad breaks the provisos of subject groups (see groupLines):
	// a '>' inside its predicate, graph name, object IRI or literal datatype, or a byte at or
	// below ' ' in a literal's language tag.
	ungroupable bool
	// built maps the number of a builder's blank node label (see addBuilt) to its id plus
	// one (0: not seen yet).
	built []int32
}

// reset empties l for another dataset, keeping its memory.
func (l *lineSet) reset() {
	clear(l.labels)
	clear(l.built)
	l.buf, l.tmpl, l.qb, l.labels, l.built = l.buf[:0], l.tmpl[:0], l.qb[:0], l.labels[:0], l.built[:0]
	l.ungroupable = false
}

// add appends the line of quad (s, p, o, g); blank(v) returns the blank node id of the blank
// node labelled v. g.Kind is TermNone for the default graph.
func (l *lineSet) add(s, p, o, g *Term, blank func(v string) int32) {
	l.addLine(s, p, "", o, "", false, g, blank)
}

// blankID returns the id of the blank node labelled v: blank(v), or with blank nil the id of
// a builder's blank node (see addBuilt). (blank takes the label, not the term: a term
// passed to a function value would escape, and every caller's terms with it.)
func (l *lineSet) blankID(v string, blank func(v string) int32) int32 {
	if blank != nil {
		return blank(v)
	}
	return l.builtID(v)
}

// addLine is add, or addBuilt with blank nil, with pl the predicate already serialized ("<"
// p.Value ">") when it is known to hold no '>', else "", and ot the object's tail when known
// (see objectTail), else "". plain (with ot) says o is a literal whose value
// appendEscapedLiteral copies unchanged (see jsondec.Tree.StrPlain): it is copied unscanned.
func (l *lineSet) addLine(s, p *Term, pl string, o *Term, ot string, plain bool, g *Term, blank func(v string) int32) {
	// The template is made on the stack and appended whole, and the slice headers are
	// stored back only when an append moved the array: storing a pointer into the heap costs
	// a write barrier while the collector marks (an append to the slice itself stores only
	// its length).
	var t lineTemplate
	ids := [3]int32{-1, -1, -1}
	b := l.buf
	start := len(b)
	t.start = int32(start)
	if s.Kind == TermBlank {
		if blank == nil {
			ids[0] = l.builtID(s.Value)
		} else {
			ids[0] = blank(s.Value)
		}
		b = append(b, '_', ':', ' ')
		t.at[0], t.id[0], t.n = int32(len(b)-1-start), ids[0], 1
	} else {
		b = appendTermOf(b, s)
		b = append(b, ' ')
	}
	t.pred = int32(len(b) - start)
	if pl != "" {
		b = append(b, pl...)
	} else {
		b = appendIRI(b, p.Value)
		if strings.IndexByte(p.Value, '>') >= 0 {
			l.ungroupable = true
		}
	}
	b = append(b, ' ')
	t.obj = int32(len(b) - start)
	switch {
	case o.Kind == TermBlank:
		if blank == nil {
			ids[1] = l.builtID(o.Value)
		} else {
			ids[1] = blank(o.Value)
		}
		b = append(b, '_', ':')
		t.at[t.n], t.id[t.n] = int32(len(b)-start), ids[1]
		t.n++
	case ot != "":
		// An IRI or a literal without a language whose tail is known: nothing to check.
		if o.Kind == TermLiteral {
			b = append(b, '"')
			if v := o.Value; plain || nextEscape(v, 0) == len(v) {
				b = append(b, v...) // the usual literal: nothing to escape
			} else {
				b = appendEscapedLiteral(b, v)
			}
		}
		if len(ot) == 1 {
			b = append(b, ot[0]) // the closing quote of an xsd:string: no copy call
		} else {
			b = append(b, ot...)
		}
	default:
		b = appendTermOf(b, o)
		if objectUngroupable(o) {
			l.ungroupable = true
		}
	}
	t.oend = int32(len(b) - start)
	switch g.Kind {
	case TermNone:
	case TermBlank:
		ids[2] = l.blankID(g.Value, blank)
		b = append(b, ' ', '_', ':')
		t.at[t.n], t.id[t.n] = int32(len(b)-start), ids[2]
		t.n++
	default:
		b = append(b, ' ')
		b = appendTermOf(b, g)
		if g.Kind == TermIRI && strings.IndexByte(g.Value, '>') >= 0 {
			l.ungroupable = true
		}
	}
	b = append(b, ' ', '.', '\n')
	t.end = int32(len(b))
	if cap(b) != cap(l.buf) {
		l.buf = b
	} else {
		l.buf = l.buf[:len(b)]
	}
	l.tmpl = append(l.tmpl, t)
	l.qb = append(l.qb, ids)
}

// objectUngroupable reports whether the object o (not blank) breaks the provisos of subject
// groups (see lineSet.ungroupable).
func objectUngroupable(o *Term) bool {
	switch o.Kind {
	case TermIRI:
		return strings.IndexByte(o.Value, '>') >= 0
	case TermLiteral:
		// A literal with a language tag is written without its datatype (see appendTermOf).
		// xsd:string, the usual datatype, is compared first (the same string: no byte is
		// read).
		if o.Language != "" {
			return !plainLanguage(o.Language)
		}
		dt := o.Datatype
		return dt != xsdString && strings.IndexByte(dt, '>') >= 0
	}
	return false
}

// literalTail returns objectTail of a literal of datatype dt without a language.
func literalTail(dt string) string {
	if dt == xsdString {
		return `"`
	}
	if dt == "" || strings.IndexByte(dt, '>') >= 0 {
		return ""
	}
	return `"^^<` + dt + ">"
}

// plainLanguage reports whether a language tag holds no byte at or below ' '.
func plainLanguage(tag string) bool {
	for i := range len(tag) {
		if tag[i] <= ' ' {
			return false
		}
	}
	return true
}

// addBuiltLine is addBuilt with pl, ot and plain as for addLine.
func (l *lineSet) addBuiltLine(s, p *Term, pl string, o *Term, ot string, plain bool, g *Term) {
	l.addLine(s, p, pl, o, ot, plain, g, nil)
}

// builtID returns the id of a builder's blank node labelled v, numbering it if it is new.
// The labels of one or two digits are read here, the others by builtNumber.
func (l *lineSet) builtID(v string) int32 {
	var n int
	switch {
	case len(v) == 2 && v[0] == 'b' && v[1]-'0' <= 9:
		n = int(v[1] - '0')
	case len(v) == 3 && v[0] == 'b' && v[1]-'1' <= 8 && v[2]-'0' <= 9:
		n = int(v[1]-'0')*10 + int(v[2]-'0')
	default:
		n = builtNumber(v)
	}
	if n < len(l.built) {
		if id := l.built[n]; id != 0 {
			return id - 1
		}
	}
	return l.newBuiltID(n, v)
}

// newBuiltID numbers the new blank node with label v, number n.
func (l *lineSet) newBuiltID(n int, v string) int32 {
	// built holds zeros beyond its length (reset and dropLast clear what they cut).
	if n < cap(l.built) {
		if n >= len(l.built) {
			l.built = l.built[:n+1]
		}
	} else {
		l.built = append(l.built[:cap(l.built)], make([]int32, n+1-cap(l.built))...)
	}
	id := int32(len(l.labels))
	l.labels = append(l.labels, v)
	l.built[n] = id + 1
	return id
}

// builtNumber returns the number of a builder's blank node label (see blankLabel and
// builderLabelNumber); it panics on any other label.
func builtNumber(v string) int {
	n, ok := builderLabelNumber(v)
	if !ok {
		panic("jsonld: blank node label " + v + " not made by a builder")
	}
	return n
}

// lineMark is the length of a lineSet, to drop what was appended after it (see dropLast).
type lineMark struct {
	buf, lines, labels int32
	ungroupable        bool
}

func (l *lineSet) mark() lineMark {
	return lineMark{int32(len(l.buf)), int32(len(l.tmpl)), int32(len(l.labels)), l.ungroupable}
}

// dropLast removes the lines written by addBuilt since m, and the blank nodes they numbered.
func (l *lineSet) dropLast(m lineMark) {
	for _, v := range l.labels[m.labels:] {
		l.built[builtNumber(v)] = 0
	}
	clear(l.labels[m.labels:])
	l.buf, l.tmpl, l.qb, l.labels = l.buf[:m.buf], l.tmpl[:m.lines], l.qb[:m.lines], l.labels[:m.labels]
	l.ungroupable = m.ungroupable
}

// line returns quad i's template.
func (l *lineSet) line(i int32) []byte {
	t := &l.tmpl[i]
	return l.buf[t.start:t.end]
}

// graph returns quad i's graph name as serialized ('<' IRI '>', or "_:" and an empty hole),
// empty for the default graph.
func (l *lineSet) graph(i int32) []byte {
	t := &l.tmpl[i]
	if t.start+t.oend+3 == t.end {
		return nil
	}
	return l.buf[t.start+t.oend+1 : t.end-3]
}

// fromQuads makes c's own lineSet from quads (removing duplicates unless c.keepDuplicates),
// numbering blank nodes by label.
func (c *canonicalizer) fromQuads(quads []Quad) *lineSet {
	if !c.keepDuplicates {
		// Remove duplicate quads (a dataset is a set).
		seen := make(map[Quad]struct{}, len(quads))
		c.dedup = c.dedup[:0]
		for _, q := range quads {
			if _, ok := seen[q]; ok {
				continue
			}
			seen[q] = struct{}{}
			c.dedup = append(c.dedup, q)
		}
		quads = c.dedup
	}
	l := &c.own
	l.reset()
	l.tmpl = slices.Grow(l.tmpl, len(quads))
	l.qb = slices.Grow(l.qb, len(quads))
	c.blankIDs.reset()
	blank := func(v string) int32 {
		id, fresh := c.blankIDs.id(v, int32(len(l.labels)))
		if fresh {
			l.labels = append(l.labels, v)
		}
		return id
	}
	for i := range quads {
		q := &quads[i]
		l.add(&q.S, &q.P, &q.O, &q.G, blank)
	}
	return l
}
