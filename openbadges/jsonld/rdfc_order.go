package jsonld

import (
	"bytes"
	"cmp"
	"math/bits"
	"slices"
)

// Ordering lines by subject ranks. Sorting N-Quads lines whole spends much of its time on
// lines about different subjects. Instead, every IRI used as a subject is ranked once by its
// serialization, a blank subject by its label, and lines are sorted by subject rank,
// comparing bytes only from the predicate on when the ranks are equal.
//
// That is the order of the lines' bytes because a line is S ' ' P ...: two lines first differ
// inside their subjects, or else from the predicate on, unless one subject's serialization is
// a proper prefix of the other's. The shorter line then has ' ' where the longer has the next
// byte of its subject, and sorts first, as the shorter subject does, provided that byte is
// above ' '. rankIRIs checks that proviso; where it fails (an IRI holding a space or a control
// character), lines are sorted whole. Blank subjects ("_:") sort after IRIs ('<').

// iriRanks ranks the IRIs that are subjects of a dataset.
type iriRanks struct {
	ids   map[string]int32
	buf   []byte // serializations
	spans []span
	rank  []int32
	order []int32
	ok    bool // the ranks order lines (see above)
}

// id returns the id of IRI v, serializing it the first time.
func (r *iriRanks) id(v string) int32 {
	if id, ok := r.ids[v]; ok {
		return id
	}
	id := int32(len(r.spans))
	start := len(r.buf)
	r.buf = append(r.buf, '<')
	r.buf = append(r.buf, v...)
	r.buf = append(r.buf, '>')
	r.spans = append(r.spans, span{start, len(r.buf)})
	r.ids[v] = id
	return id
}

func (r *iriRanks) serialization(id int32) []byte {
	return r.buf[r.spans[id].start:r.spans[id].end]
}

// rankIRIs ranks the IRIs (distinct, so are their serializations) in byte order and sets ok.
func (r *iriRanks) rankIRIs() {
	n := len(r.spans)
	order := slices.Grow(r.order[:0], n)
	for id := range n {
		order = append(order, int32(id))
	}
	slices.SortFunc(order, func(a, b int32) int { return bytes.Compare(r.serialization(a), r.serialization(b)) })
	rank := slices.Grow(r.rank[:0], n)[:n]
	r.ok = true
	for i, id := range order {
		rank[id] = int32(i)
		if i == 0 {
			continue
		}
		prev, cur := r.serialization(order[i-1]), r.serialization(id)
		if len(cur) > len(prev) && bytes.HasPrefix(cur, prev) && cur[len(prev)] <= ' ' {
			r.ok = false
		}
	}
	r.order, r.rank = order, rank
}

// reset empties r for another dataset, keeping its memory.
func (r *iriRanks) reset() {
	if r.ids == nil {
		r.ids = make(map[string]int32, 64)
	} else {
		clear(r.ids)
	}
	r.buf, r.spans, r.rank, r.order = r.buf[:0], r.spans[:0], r.rank[:0], r.order[:0]
}

// rankLines ranks the subjects of c.quads into c.sp, or leaves c.sp nil where ranks cannot
// order the lines (UTF-16 order with supplementary characters, or the proviso).
func (c *canonicalizer) rankLines() {
	c.sp = nil
	if c.opts.wholeLines || (c.supplementary && !c.opts.CodePointOrder) {
		return
	}
	r := &c.iriRanks
	r.reset()
	sp := slices.Grow(c.spBuf[:0], len(c.quads))[:len(c.quads)]
	c.spBuf = sp
	for i := range c.quads {
		sp[i] = -1
		if q := &c.quads[i]; q.S.Kind == TermIRI {
			sp[i] = r.id(q.S.Value)
		}
	}
	r.rankIRIs()
	if !r.ok {
		return
	}
	for i, s := range sp {
		if s >= 0 {
			sp[i] = r.rank[s]
		}
	}
	c.sp = sp
}

// keyedLine is a line of a buffer with its sort key (its subject's rank) and where its
// predicate starts.
type keyedLine struct {
	key              uint64
	start, pred, end int32
}

// lineKey is quad i's key; blankRank is the rank of its subject among blank labels when the
// subject is blank.
func (c *canonicalizer) lineKey(i int32, blankRank int32) uint64 {
	s := c.sp[i]
	if s < 0 {
		s = int32(len(c.iriRanks.spans)) + blankRank
	}
	return uint64(s)
}

// sortKeyed sorts lines of buf by key, then by their bytes from the predicate on. Where the key
// and the line's position fit in 64 bits, they are sorted as integers, and only runs of equal
// keys are compared as bytes.
func (c *canonicalizer) sortKeyed(buf []byte, lines []keyedLine) {
	byRest := func(a, b keyedLine) int { return bytes.Compare(buf[a.pred:a.end], buf[b.pred:b.end]) }
	if len(lines) < 2 {
		return
	}
	kb := bits.Len64(lines[0].key)
	for _, l := range lines[1:] {
		kb = max(kb, bits.Len64(l.key))
	}
	ib := bits.Len(uint(len(lines) - 1))
	if kb+ib > 64 || kb+ib == 0 {
		slices.SortFunc(lines, func(a, b keyedLine) int {
			if a.key != b.key {
				return cmp.Compare(a.key, b.key)
			}
			return byRest(a, b)
		})
		return
	}
	packed := slices.Grow(c.packed[:0], len(lines))
	for i, l := range lines {
		packed = append(packed, l.key<<ib|uint64(i))
	}
	slices.Sort(packed)
	sorted := slices.Grow(c.keyedScratch[:0], len(lines))
	for _, p := range packed {
		sorted = append(sorted, lines[p&(1<<ib-1)])
	}
	copy(lines, sorted)
	for i := 0; i < len(lines); {
		j := i + 1
		for j < len(lines) && lines[j].key == lines[i].key {
			j++
		}
		if j-i > 1 {
			slices.SortFunc(lines[i:j], byRest)
		}
		i = j
	}
	c.packed, c.keyedScratch = packed, sorted
}

// canonicalOrder returns, per canonical number 0..n-1, the rank of its label ("c14n" and the
// number in decimal) among the n labels: decimal strings in byte order are the preorder of
// their digit tree (0, 1, 10, 11, ..., 19, 2, 20, ...).
func canonicalOrder(n int) []int32 {
	ord := make([]int32, n)
	r := int32(0)
	var visit func(x int)
	visit = func(x int) {
		ord[x] = r
		r++
		for d := range 10 {
			if y := x*10 + d; x > 0 && y < n {
				visit(y)
			}
		}
	}
	for d := range min(n, 10) {
		visit(d)
	}
	return ord
}
