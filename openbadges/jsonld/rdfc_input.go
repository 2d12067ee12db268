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
}

// reset empties l for another dataset, keeping its memory.
func (l *lineSet) reset() {
	clear(l.labels)
	l.buf, l.tmpl, l.qb, l.labels = l.buf[:0], l.tmpl[:0], l.qb[:0], l.labels[:0]
	l.ungroupable = false
}

// add appends the line of quad (s, p, o, g); blank(t) returns the blank node id of t, which
// must be blank. g.Kind is TermNone for the default graph.
func (l *lineSet) add(s, p, o, g *Term, blank func(t *Term) int32) {
	ids := [3]int32{-1, -1, -1}
	for j, t := range [...]*Term{s, o, g} {
		if t.Kind == TermBlank {
			ids[j] = blank(t)
		}
	}
	l.addLine(s, p, o, g, ids)
}

// addLine is add with the blank node ids of s, o and g given (-1 where not blank).
func (l *lineSet) addLine(s, p, o, g *Term, ids [3]int32) {
	b := l.buf
	start := len(b)
	t := lineTemplate{start: int32(start)}
	// hole appends "_:" and records a hole for blank node id.
	hole := func(b []byte, id int32) []byte {
		b = append(b, '_', ':')
		t.at[t.n] = int32(len(b) - start)
		t.id[t.n] = id
		t.n++
		return b
	}
	if ids[0] >= 0 {
		b = hole(b, ids[0])
	} else {
		b = appendTermOf(b, s)
	}
	b = append(b, ' ')
	t.pred = int32(len(b) - start)
	b = appendIRI(b, p.Value)
	b = append(b, ' ')
	t.obj = int32(len(b) - start)
	if ids[1] >= 0 {
		b = hole(b, ids[1])
	} else {
		b = appendTermOf(b, o)
	}
	t.oend = int32(len(b) - start)
	switch {
	case ids[2] >= 0:
		b = append(b, ' ')
		b = hole(b, ids[2])
	case g.Kind != TermNone:
		b = append(b, ' ')
		b = appendTermOf(b, g)
	}
	b = append(b, ' ', '.', '\n')
	t.end = int32(len(b))
	if strings.IndexByte(p.Value, '>') >= 0 || (g.Kind == TermIRI && strings.IndexByte(g.Value, '>') >= 0) ||
		(o.Kind == TermIRI && strings.IndexByte(o.Value, '>') >= 0) ||
		(o.Kind == TermLiteral && (strings.IndexByte(o.Datatype, '>') >= 0 || !plainLanguage(o.Language))) {
		l.ungroupable = true
	}
	l.buf, l.tmpl, l.qb = b, append(l.tmpl, t), append(l.qb, ids)
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

// addBuilt appends quad (s, p, o, g) as an RDF builder of this package made it: its blank
// nodes are labelled "b" and a number (see blankLabel), which is their id until finishBuilt
// numbers the blank nodes that appear.
func (l *lineSet) addBuilt(s, p, o, g *Term) {
	ids := [3]int32{-1, -1, -1}
	if s.Kind == TermBlank {
		ids[0] = builtBlankID(s)
	}
	if o.Kind == TermBlank {
		ids[1] = builtBlankID(o)
	}
	if g.Kind == TermBlank {
		ids[2] = builtBlankID(g)
	}
	l.addLine(s, p, o, g, ids)
}

// builtBlankID returns the number of a builder's blank node label (see blankLabel).
func builtBlankID(t *Term) int32 {
	n, ok := builderLabelNumber(t.Value)
	if !ok {
		panic("jsonld: blank node label " + t.Value + " not made by a builder")
	}
	return int32(n)
}

// finishBuilt numbers the blank nodes of lines written by addBuilt that appear in some line,
// in the order of their numbers, and records their labels. used is scratch memory, returned
// for reuse.
func (l *lineSet) finishBuilt(used []int32) []int32 {
	used = used[:0]
	for i := range l.qb {
		for _, id := range l.qb[i] {
			if id < 0 {
				continue
			}
			if int(id) >= len(used) {
				used = append(used, make([]int32, int(id)+1-len(used))...)
			}
			used[id] = 1
		}
	}
	l.labels = l.labels[:0]
	for n, u := range used {
		if u != 0 {
			used[n] = int32(len(l.labels))
			l.labels = append(l.labels, blankLabel(n))
		}
	}
	for i := range l.qb {
		q := &l.qb[i]
		for j, id := range q {
			if id >= 0 {
				q[j] = used[id]
			}
		}
		t := &l.tmpl[i]
		for h := range t.n {
			t.id[h] = used[t.id[h]]
		}
	}
	return used
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
	blank := func(t *Term) int32 {
		id, fresh := c.blankIDs.id(t.Value, int32(len(l.labels)))
		if fresh {
			l.labels = append(l.labels, t.Value)
		}
		return id
	}
	for i := range quads {
		q := &quads[i]
		l.add(&q.S, &q.P, &q.O, &q.G, blank)
	}
	return l
}
