package jsonld

import (
	"bytes"
	"slices"
)

// lineLabels are the labels of the blank nodes in the lines being written: blank node id's
// is buf[at[id]:at[id]+n[id]].
type lineLabels struct {
	buf []byte
	at  []int32
	n   []int8
}

// label returns blank node id's label.
func (l *lineLabels) label(id int32) []byte {
	a := l.at[id]
	return l.buf[a : a+int32(l.n[id])]
}

// firstDegreeLabels returns the labels of ref's first-degree hash: "a" for ref, "z" for the
// others; the caller sets at[ref] back to 1 ("z") when done, as c.fdLabels keeps between calls.
func (c *canonicalizer) firstDegreeLabels(ref int32) *lineLabels {
	l := &c.fdLabels
	if len(l.at) != len(c.ls.labels) {
		l.buf = append(l.buf[:0], 'a', 'z')
		l.at = slices.Grow(l.at[:0], len(c.ls.labels))[:len(c.ls.labels)]
		l.n = slices.Grow(l.n[:0], len(c.ls.labels))[:len(c.ls.labels)]
		for id := range l.at {
			l.at[id], l.n[id] = 1, 1
		}
	}
	l.at[ref] = 0
	return l
}

// canonicalLabels returns the canonical labels of every blank node (issuing them if needed).
func (c *canonicalizer) canonicalLabels() *lineLabels {
	l := &c.canonLabels
	n := len(c.ls.labels)
	l.buf = l.buf[:0]
	l.at = slices.Grow(l.at[:0], n)[:n]
	l.n = slices.Grow(l.n[:0], n)[:n]
	for id := range int32(n) {
		start := len(l.buf)
		l.buf = c.canon.appendLabel(l.buf, c.canon.number(id))
		l.at[id], l.n[id] = int32(start), int8(len(l.buf)-start)
	}
	return l
}

// appendLine appends quad i's line with its blank nodes' labels from l.
func (c *canonicalizer) appendLine(b []byte, i int32, l *lineLabels) []byte {
	return c.appendLines(b, []int32{i}, l)
}

// appendLines appends the lines of quads with their blank nodes' labels from l.
func (c *canonicalizer) appendLines(b []byte, quads []int32, l *lineLabels) []byte {
	buf := c.ls.buf
	for _, i := range quads {
		t := &c.ls.tmpl[i]
		line := buf[t.start:t.end]
		if t.n == 0 {
			b = append(b, line...)
			continue
		}
		prev := int32(0)
		for h := range t.n {
			b = append(b, line[prev:t.at[h]]...)
			b = append(b, l.label(t.id[h])...)
			prev = t.at[h]
		}
		b = append(b, line[prev:]...)
	}
	return b
}

// output relabels the blank nodes canonically and returns the sorted N-Quads.
func (c *canonicalizer) output() []byte {
	return c.appendSorted(make([]byte, 0, len(c.ls.buf)+8*len(c.ls.tmpl)))
}

// appendSorted relabels the blank nodes canonically and appends the sorted N-Quads
// (de-duplicated unless keepDuplicates) to out.
func (c *canonicalizer) appendSorted(out []byte) []byte {
	ord := c.canonicalOrder()
	if c.grouped {
		return c.appendGroups(out, ord)
	}
	all := c.allQuads[:0]
	for i := range c.ls.tmpl {
		all = append(all, int32(i))
	}
	c.allQuads = all
	buf, spans := c.sortedLines(all, c.canonicalLabels())
	var prev []byte
	for _, sp := range spans {
		l := buf[sp.start:sp.end]
		if !c.keepDuplicates && prev != nil && bytes.Equal(prev, l) {
			continue
		}
		out = append(out, l...)
		prev = l
	}
	return out
}

// sortedLines writes the lines of quads (indexes into c.ls.tmpl) into c.lineBuf, with labels, and returns the buffer and the lines' spans sorted whole, in N-Quads
// order (for datasets that cannot be grouped: see groupLines).
func (c *canonicalizer) sortedLines(quads []int32, labels *lineLabels) ([]byte, []span) {
	buf, spans := c.lineBuf[:0], c.spans[:0]
	for _, i := range quads {
		start := len(buf)
		buf = c.appendLine(buf, i, labels)
		spans = append(spans, span{start, len(buf)})
	}
	c.sortSpans(buf, spans)
	c.lineBuf, c.spans = buf, spans
	return buf, spans
}
