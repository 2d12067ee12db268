package jsonld

import (
	"bytes"
	"cmp"
	"slices"
	"strings"
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

// Subject groups. Where the ranks order lines, the lines of each subject are kept together
// and sorted once by their object rest: their bytes from the predicate to the end of the
// object, with a blank object's label empty (as in the templates). That sort is nearly all
// the byte comparing RDFC-1.0 needs. The first-degree hash of a blank node takes its own
// group in that order, and the output takes the groups in subject order; lines whose object
// rests are equal are ordered by tieOrder.
//
// Lines of one subject compare as their object rests do, followed by a space, then by what
// follows (the graph name), provided that no IRI object or graph name holds a '>' and no
// predicate does (groupLines checks it). Then a rest is never a proper prefix of another
// unless a literal without a language or datatype is followed by '@' or '^'; two rests first
// differ inside their predicates, at or inside their objects, or else only in a blank
// object's label; and an object rest is never followed by a byte other than ' '.

// lineGroups are the subject groups of a dataset: the quads of subject key k are
// quads[start[k]:start[k+1]], sorted by object rest. An IRI subject's key is its rank; a
// blank subject's is the number of IRI subjects plus its blank node id.
type lineGroups struct {
	start []int32
	quads []int32
	rank  []int32 // per quad: the rank of its object rest in its group (equal rests, equal ranks)
	key   []int32 // per quad: its subject key
	rest  []rest32 // per quad: its object rest in c.tmplBuf
}

// rest32 is a part of a buffer.
type rest32 struct{ start, end int32 }

// group returns the quads of subject key k, sorted by object rest.
func (g *lineGroups) group(k int32) []int32 { return g.quads[g.start[k]:g.start[k+1]] }

// groupLines builds c.groups (c.grouped is set) or leaves the lines to be sorted whole (see
// above, and the ranks' proviso).
func (c *canonicalizer) groupLines() {
	c.grouped = false
	if c.opts.wholeLines || (c.supplementary && !c.opts.CodePointOrder) {
		return
	}
	r := &c.iriRanks
	r.reset()
	g := &c.groups
	nq := len(c.quads)
	key := slices.Grow(g.key[:0], nq)[:nq]
	rests := slices.Grow(g.rest[:0], nq)[:nq]
	g.key, g.rest = key, rests
	for i := range c.quads {
		q := &c.quads[i]
		if strings.IndexByte(q.P.Value, '>') >= 0 ||
			(q.O.Kind == TermIRI && strings.IndexByte(q.O.Value, '>') >= 0) ||
			(q.G.Kind == TermIRI && strings.IndexByte(q.G.Value, '>') >= 0) {
			return
		}
		key[i] = -1
		if q.S.Kind == TermIRI {
			key[i] = r.id(q.S.Value)
		}
		t := &c.tmpl[i]
		rests[i] = rest32{t.start + t.pred, t.start + c.objectEnd(int32(i))}
	}
	r.rankIRIs()
	if !r.ok {
		return
	}
	niri := int32(len(r.spans))
	nkeys := int(niri) + len(c.labels)
	start := slices.Grow(g.start[:0], nkeys+1)[:nkeys+1]
	clear(start)
	for i, k := range key {
		if k >= 0 {
			k = r.rank[k]
		} else {
			k = niri + c.qb[i][0]
		}
		key[i] = k
		start[k+1]++
	}
	for k := range nkeys {
		start[k+1] += start[k]
	}
	quads := slices.Grow(g.quads[:0], nq)[:nq]
	next := slices.Grow(c.counts[:0], nkeys)[:nkeys] // the counts are no longer needed
	copy(next, start[:nkeys])
	for i, k := range key {
		quads[next[k]] = int32(i)
		next[k]++
	}
	c.counts = next
	g.start, g.quads = start, quads
	rank := slices.Grow(g.rank[:0], nq)[:nq]
	g.rank = rank
	for k := range int32(nkeys) {
		grp := g.group(k)
		if len(grp) > 1 {
			tb := c.tmplBuf
			slices.SortFunc(grp, func(a, b int32) int {
				ra, rb := rests[a], rests[b]
				return bytes.Compare(tb[ra.start:ra.end], tb[rb.start:rb.end])
			})
		}
		rk := int32(0)
		for j, i := range grp {
			if j > 0 && !bytes.Equal(c.objectRest(grp[j-1]), c.objectRest(i)) {
				rk = int32(j)
			}
			rank[i] = rk
		}
	}
	c.grouped = true
}

// objectEnd returns where quad i's object ends in its template, from the line's start.
func (c *canonicalizer) objectEnd(i int32) int32 {
	t := &c.tmpl[i]
	if c.qb[i][2] >= 0 {
		return t.at[t.n-1] - 3 // " _:" and the graph's hole
	}
	if c.quads[i].G.Kind == TermIRI {
		return t.end - t.start - int32(len(c.quads[i].G.Value)) - 6 // " <g> .\n"
	}
	return t.end - t.start - 3 // " .\n"
}

// objectRest returns quad i's template from its predicate to the end of its object.
func (c *canonicalizer) objectRest(i int32) []byte {
	r := c.groups.rest[i]
	return c.tmplBuf[r.start:r.end]
}

// tieOrder orders lines x and y of one group whose object rests are equal: their objects
// are both blank, or equal. rank(id) is the rank of blank node id's label among the labels
// of the moment.
func (c *canonicalizer) tieOrder(x, y int32, rank func(id int32) int32) int {
	if ox, oy := c.qb[x][1], c.qb[y][1]; ox >= 0 && oy >= 0 {
		if r := cmp.Compare(rank(ox), rank(oy)); r != 0 {
			return r
		}
	}
	// The graph names: none (" ."), an IRI ("<") or a blank node ("_").
	gx, gy := &c.quads[x].G, &c.quads[y].G
	kind := func(t *Term) int { return [...]int{TermNone: 0, TermIRI: 1, TermBlank: 2, TermLiteral: 3}[t.Kind] }
	if r := cmp.Compare(kind(gx), kind(gy)); r != 0 || gx.Kind == TermNone {
		return r
	}
	if gx.Kind == TermBlank {
		return cmp.Compare(rank(c.qb[x][2]), rank(c.qb[y][2]))
	}
	return compareIRISerializations(gx.Value, gy.Value)
}

// compareIRISerializations compares "<"+a+">" with "<"+b+">".
func compareIRISerializations(a, b string) int {
	n := min(len(a), len(b))
	if r := strings.Compare(a[:n], b[:n]); r != 0 {
		return r
	}
	switch {
	case len(a) == len(b):
		return 0
	case len(a) < len(b):
		return cmp.Compare('>', b[n])
	}
	return cmp.Compare(a[n], '>')
}

// appendRun appends the lines of grp (sorted by object rest) with labels, ordering lines of equal object rests by tieOrder with rank.
func (c *canonicalizer) appendRun(b []byte, grp []int32, labels *lineLabels, rank func(id int32) int32) []byte {
	g := &c.groups
	for j := 0; j < len(grp); {
		e := j + 1
		for e < len(grp) && g.rank[grp[e]] == g.rank[grp[j]] {
			e++
		}
		run := grp[j:e]
		if len(run) > 1 {
			run = append(c.runBuf[:0], run...)
			slices.SortFunc(run, func(x, y int32) int { return c.tieOrder(x, y, rank) })
			c.runBuf = run
		}
		for _, i := range run {
			b = c.appendLine(b, i, labels)
		}
		j = e
	}
	return b
}

// appendFirstDegreeLines appends the lines of blank node ref's first-degree hash in order,
// with labels (see firstDegreeLabels): those of other subjects (an IRI, or "_:z" after
// "_:a") sorted whole around ref's group.
func (c *canonicalizer) appendFirstDegreeLines(b []byte, ref int32, labels *lineLabels) []byte {
	rank := func(id int32) int32 { // "a" sorts before "z"
		if id == ref {
			return 0
		}
		return 1
	}
	// The lines of other subjects, sorted whole (usually the one that holds ref as object).
	others := c.runBuf[:0]
	for _, i := range c.bnodeQuads[ref] {
		if c.qb[i][0] != ref {
			others = append(others, i)
		}
	}
	c.runBuf = others
	var buf []byte
	var spans []span
	if len(others) > 0 {
		buf, spans = c.sortedLines(others, labels)
	}
	k := 0
	for ; k < len(spans) && buf[spans[k].start] == '<'; k++ {
		b = append(b, buf[spans[k].start:spans[k].end]...)
	}
	b = c.appendRun(b, c.groups.group(int32(len(c.iriRanks.spans))+ref), labels, rank)
	for ; k < len(spans); k++ {
		b = append(b, buf[spans[k].start:spans[k].end]...)
	}
	return b
}

// appendGroups appends every line with its canonical labels, in N-Quads order: the groups
// of IRI subjects by rank, then those of blank subjects by canonical label. ord is
// canonicalOrder.
func (c *canonicalizer) appendGroups(b []byte, ord []int32) []byte {
	niri := int32(len(c.iriRanks.spans))
	byLabel := slices.Grow(c.byLabel[:0], len(c.labels))[:len(c.labels)]
	for id := range int32(len(c.labels)) {
		byLabel[ord[c.canon.number(id)]] = id
	}
	c.byLabel = byLabel
	rank := func(id int32) int32 { return ord[c.canon.number(id)] }
	labels := c.canonicalLabels()
	for k := range niri {
		b = c.appendRun(b, c.groups.group(k), labels, rank)
	}
	for _, id := range byLabel {
		b = c.appendRun(b, c.groups.group(niri+id), labels, rank)
	}
	return b
}

// canonicalOrder returns, per canonical number 0..n-1, the rank of its label ("c14n" and the
// number in decimal) among the n labels: decimal strings in byte order are the preorder of
// their digit tree (0, 1, 10, 11, ..., 19, 2, 20, ...).
func canonicalOrder(n int) []int32 { return appendCanonicalOrder(nil, n) }

// canonicalOrder is canonicalOrder for the canonicalizer's blank nodes, in reused memory.
func (c *canonicalizer) canonicalOrder() []int32 {
	c.ord = appendCanonicalOrder(c.ord[:0], len(c.labels))
	return c.ord
}

// appendCanonicalOrder appends canonicalOrder(n) to ord.
func appendCanonicalOrder(ord []int32, n int) []int32 {
	base := len(ord)
	ord = slices.Grow(ord, n)[:base+n]
	r := int32(0)
	var visit func(x int)
	visit = func(x int) {
		ord[base+x] = r
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
