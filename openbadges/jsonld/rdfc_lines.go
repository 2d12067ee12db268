package jsonld

import (
	"bytes"
	"encoding/binary"
	"slices"
)

// lineLabels are the labels of the blank nodes in the lines being written: blank node id's
// is buf[at[id]:at[id]+n[id]], and when no label is longer than 8 bytes (long is false) also
// word[id], its bytes little-endian and zero-padded, for appendLines to store at once.
type lineLabels struct {
	buf  []byte
	at   []int32
	n    []int8
	word []uint64
	long bool // some label is longer than 8 bytes: word is not set
	max  int  // the length of the longest label
}

// label returns blank node id's label.
func (l *lineLabels) label(id int32) []byte {
	a := l.at[id]
	return l.buf[a : a+int32(l.n[id])]
}

// firstDegreeLabels returns the labels of ref's first-degree hash: "a" for ref, "z" for the
// others; the caller calls unref(ref) when done, as c.fdLabels keeps between calls.
func (c *canonicalizer) firstDegreeLabels(ref int32) *lineLabels {
	l := &c.fdLabels
	if n := len(c.ls.labels); len(l.at) != n {
		l.buf = append(l.buf[:0], 'a', 'z')
		l.at = slices.Grow(l.at[:0], n)[:n]
		l.n = slices.Grow(l.n[:0], n)[:n]
		l.word = slices.Grow(l.word[:0], n)[:n]
		for id := range l.at {
			l.at[id], l.n[id], l.word[id] = 1, 1, 'z'
		}
		l.long, l.max = false, 1
	}
	l.at[ref], l.word[ref] = 0, 'a'
	return l
}

// unref makes first-degree labels ref's "z" again (see firstDegreeLabels).
func (l *lineLabels) unref(ref int32) {
	l.at[ref], l.word[ref] = 1, 'z'
}

// canonicalLabels returns the canonical labels of every blank node (issuing them if needed).
func (c *canonicalizer) canonicalLabels() *lineLabels {
	l := &c.canonLabels
	n := len(c.ls.labels)
	l.buf = l.buf[:0]
	l.at = slices.Grow(l.at[:0], n)[:n]
	l.n = slices.Grow(l.n[:0], n)[:n]
	l.word = slices.Grow(l.word[:0], n)[:n]
	l.max = 0
	for id := range int32(n) {
		start := len(l.buf)
		l.buf = c.canon.appendLabel(l.buf, c.canon.number(id))
		k := len(l.buf) - start
		l.at[id], l.n[id] = int32(start), int8(k)
		l.max = max(l.max, k)
		if k <= 8 {
			var w [8]byte
			copy(w[:], l.buf[start:])
			l.word[id] = binary.LittleEndian.Uint64(w[:])
		}
	}
	l.long = l.max > 8
	return l
}

// appendLine appends quad i's line with its blank nodes' labels from l.
func (c *canonicalizer) appendLine(b []byte, i int32, l *lineLabels) []byte {
	return c.appendLines(b, []int32{i}, l)
}

// appendLines appends the lines of quads with their blank nodes' labels from l. It copies each stretch of c.ls.buf between labels in one copy (lines adjacent in
// c.ls.buf and in quads are one stretch) and stores each label as one 8-byte word.
func (c *canonicalizer) appendLines(b []byte, quads []int32, l *lineLabels) []byte {
	if l.long {
		return c.appendLinesPlain(b, quads, l)
	}
	buf, tmpl := c.ls.buf, c.ls.tmpl
	o := len(b)
	dst := b[:cap(b)]
	word, room := l.word, 3*l.max+8 // a label's word may overrun its length by up to 7 bytes
	ps, pe := int32(0), int32(0)    // the stretch of buf not copied yet
	for _, i := range quads {
		t := &tmpl[i]
		if need := int(pe-ps+t.end-t.start) + room; len(dst)-o < need {
			b = slices.Grow(b[:o], need)
			dst = b[:cap(b)]
		}
		if t.start != pe {
			o += copy(dst[o:], buf[ps:pe])
			ps = t.start
		}
		for h := range t.n {
			at := t.start + t.at[h]
			o += copy(dst[o:], buf[ps:at])
			id := t.id[h]
			binary.LittleEndian.PutUint64(dst[o:o+8], word[id])
			o += int(l.n[id])
			ps = at
		}
		pe = t.end
	}
	o += copy(dst[o:], buf[ps:pe])
	return b[:o]
}

// appendLinesPlain is appendLines segment by segment, for labels of any length.
func (c *canonicalizer) appendLinesPlain(b []byte, quads []int32, l *lineLabels) []byte {
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
