package jsonld

import (
	"bytes"
	"cmp"
	"slices"
)

// Ordering lines by subject ranks. Sorting N-Quads lines whole spends much of its time on
// lines about different subjects. Instead, every IRI used as a subject is ranked once by its
// serialization, a blank subject by its label, and lines are ordered by subject rank,
// comparing bytes only from the predicate on when the ranks are equal.
//
// That is the order of the lines' bytes because a line is S ' ' P ...: two lines first differ
// inside their subjects, or else from the predicate on, unless one subject's serialization is
// a proper prefix of the other's. The shorter line then has ' ' where the longer has the next
// byte of its subject, and sorts first, as the shorter subject does, provided that byte is
// above ' '. rankSubjects checks that proviso; where it fails (an IRI holding a space or a control
// character), lines are sorted whole. Blank subjects ("_:") sort after IRIs ('<').

// rankSubjects ranks the IRI subjects of c.ls by serialization: it sets key (per quad: the
// run of its IRI subject, -1 for a blank subject) and c.subjRank (per run: its subject's
// rank), and returns how many distinct IRI subjects there are, or false where the ranks
// cannot order lines (see above). Consecutive quads mostly share their subject: only the
// first of each run is sorted.
func (c *canonicalizer) rankSubjects(key []int32) (int32, bool) {
	runs := c.subjRuns[:0] // the first quad of each run of one IRI subject
	subject := func(i int32) []byte {
		t := &c.ls.tmpl[i]
		return c.ls.buf[t.start : t.start+t.pred-1]
	}
	var last []byte // the subject of the last run
	for i := range int32(len(key)) {
		key[i] = -1
		if c.ls.qb[i][0] >= 0 {
			continue
		}
		s := subject(i)
		if n := len(runs); n > 0 && bytes.Equal(s, last) {
			key[i] = int32(n - 1)
			continue
		}
		runs = append(runs, i)
		key[i] = int32(len(runs) - 1)
		last = s
	}
	order := slices.Grow(c.subjOrder[:0], len(runs))
	for r := range int32(len(runs)) {
		order = append(order, r)
	}
	slices.SortFunc(order, func(a, b int32) int { return bytes.Compare(subject(runs[a]), subject(runs[b])) })
	rank := slices.Grow(c.subjRank[:0], len(runs))[:len(runs)]
	c.subjRuns, c.subjOrder, c.subjRank = runs, order, rank
	n := int32(-1)
	for j, r := range order {
		cur := subject(runs[r])
		if j > 0 {
			prev := subject(runs[order[j-1]])
			if len(cur) > len(prev) && bytes.HasPrefix(cur, prev) && cur[len(prev)] <= ' ' {
				return 0, false
			}
			if bytes.Equal(prev, cur) {
				rank[r] = n
				continue
			}
		}
		n++
		rank[r] = n
	}
	return n + 1, true
}

// Subject groups. Where the ranks order lines, the lines of each subject are kept together
// and sorted once by their object rest: their bytes from the predicate to the end of the
// object, with a blank object's label empty (as in the templates). That sort is nearly all
// the byte comparing RDFC-1.0 needs. The first-degree hash of a blank node takes its own
// group in that order, and the output takes the groups in subject order; lines whose object
// rests are equal are ordered by tieOrder.
//
// Lines of one subject compare as their object rests do, followed by a space, then by what
// follows (the graph name), provided that no predicate, IRI object, literal datatype or graph
// name holds a '>' and no language tag a byte at or below ' ' (lineSet.addLine notes it). Then a rest is never a proper prefix of another
// unless a literal without a language or datatype is followed by '@' or '^'; two rests first
// differ inside their predicates, at or inside their objects, or else only in a blank
// object's label; and an object rest is never followed by a byte other than ' '.
//
// So the rests of a group whose predicates are distinct compare as their predicates do:
// groups of the same size with the same predicates in quad order (nodes of one shape, as
// the alignments or achievements of a credential) sort alike, and groupLines sorts only the
// first of them (see groupTemplate).

// lineGroups are the subject groups of a dataset: the quads of subject key k are
// quads[start[k]:start[k+1]], sorted by object rest. An IRI subject's key is its rank; a
// blank subject's is the number of IRI subjects plus its blank node id.
type lineGroups struct {
	niri  int32 // the number of IRI subjects
	start []int32
	quads []int32
	rank  []int32 // per quad: the rank of its object rest in its group: the index of the first equal one
	key   []int32 // per quad: its subject key
}

// group returns the quads of subject key k, sorted by object rest.
func (g *lineGroups) group(k int32) []int32 { return g.quads[g.start[k]:g.start[k+1]] }

// groupLines builds c.groups (c.grouped is set) or leaves the lines to be sorted whole (see
// above, and the ranks' proviso).
func (c *canonicalizer) groupLines() {
	c.grouped = false
	if c.opts.wholeLines || (c.supplementary && !c.opts.CodePointOrder) {
		return
	}
	g := &c.groups
	ls := c.ls
	nq := len(ls.tmpl)
	key := slices.Grow(g.key[:0], nq)[:nq]
	g.key = key
	if ls.ungroupable {
		return
	}
	niri, ok := c.rankSubjects(key)
	if !ok {
		return
	}
	g.niri = niri
	nkeys := int(niri) + len(c.ls.labels)
	start := slices.Grow(g.start[:0], nkeys+1)[:nkeys+1]
	clear(start)
	subjRank := c.subjRank
	for i, k := range key {
		if k < 0 {
			k = niri + c.ls.qb[i][0]
		} else {
			k = subjRank[k]
		}
		key[i] = k
		start[k+1]++
	}
	for k := range nkeys {
		start[k+1] += start[k]
	}
	quads := slices.Grow(g.quads[:0], nq)[:nq]
	next := slices.Grow(c.counts[:0], nkeys)[:nkeys] // prepare is done with it
	copy(next, start[:nkeys])
	for i, k := range key {
		quads[next[k]] = int32(i)
		next[k]++
	}
	c.counts = next
	g.start, g.quads = start, quads
	rank := slices.Grow(g.rank[:0], nq)[:nq]
	g.rank = rank
	tmpls := &c.groupTmpls
	for n := range tmpls {
		tmpls[n].quads = tmpls[n].quads[:0]
	}
	for k := range int32(nkeys) {
		grp := g.group(k)
		switch len(grp) {
		case 0:
			continue
		case 1:
			rank[grp[0]] = 0
			continue
		case 2:
			r := bytes.Compare(c.objectRest(grp[0]), c.objectRest(grp[1]))
			if r > 0 {
				grp[0], grp[1] = grp[1], grp[0]
			}
			rank[grp[0]], rank[grp[1]] = 0, 1
			if r == 0 {
				rank[grp[1]] = 0
			}
			continue
		}
		// A group whose predicates are those of an earlier group, in the same order, all
		// distinct, sorts as that group did: its objects never decide.
		var tm *groupTemplate
		if len(grp) < len(tmpls) {
			tm = &tmpls[len(grp)]
			if len(tm.quads) == len(grp) && c.samePredicates(grp, tm.quads) {
				in := append(c.runBuf[:0], grp...)
				for j, p := range tm.pos {
					grp[j] = in[p]
					rank[grp[j]] = int32(j)
				}
				c.runBuf = in
				continue
			}
		}
		in := append(c.runBuf[:0], grp...) // in quad order
		c.runBuf = in
		buf, tmpl := c.ls.buf, c.ls.tmpl
		slices.SortFunc(grp, func(a, b int32) int {
			x, y := &tmpl[a], &tmpl[b]
			return bytes.Compare(buf[x.start+x.pred:x.start+x.oend], buf[y.start+y.pred:y.start+y.oend])
		})
		rk := int32(0)
		distinct := true
		for j, i := range grp {
			if j > 0 && !bytes.Equal(c.objectRest(grp[j-1]), c.objectRest(i)) {
				rk = int32(j)
			}
			rank[i] = rk
			if j > 0 && distinct && bytes.Equal(c.predicate(grp[j-1]), c.predicate(i)) {
				distinct = false
			}
		}
		if tm != nil && distinct {
			// The group's template: its quads in quad order (ascending, as groups are
			// filled), and where each sorted line comes from.
			tm.quads = append(tm.quads[:0], in...)
			tm.pos = tm.pos[:0]
			for _, i := range grp {
				p, _ := slices.BinarySearch(in, i)
				tm.pos = append(tm.pos, int32(p))
			}
		}
	}
	c.grouped = true
}

// objectRest returns quad i's template from its predicate to the end of its object.
func (c *canonicalizer) objectRest(i int32) []byte {
	t := &c.ls.tmpl[i]
	return c.ls.buf[t.start+t.pred : t.start+t.oend]
}

// tieOrder orders lines x and y of one group whose object rests are equal: their objects
// are both blank, or equal. rank(id) is the rank of blank node id's label among the labels
// of the moment.
func (c *canonicalizer) tieOrder(x, y int32, rank func(id int32) int32) int {
	if ox, oy := c.ls.qb[x][1], c.ls.qb[y][1]; ox >= 0 && oy >= 0 {
		if r := cmp.Compare(rank(ox), rank(oy)); r != 0 {
			return r
		}
	}
	// The graph names: none (" ."), an IRI ("<") or a blank node ("_", its hole empty).
	gx, gy := c.ls.graph(x), c.ls.graph(y)
	switch {
	case len(gx) == 0 || len(gy) == 0:
		return cmp.Compare(len(gx), len(gy))
	case gx[0] != gy[0]:
		return cmp.Compare(gx[0], gy[0])
	case gx[0] == '_':
		return cmp.Compare(rank(c.ls.qb[x][2]), rank(c.ls.qb[y][2]))
	}
	return bytes.Compare(gx, gy) // no '>' inside: neither is a prefix of the other
}

// appendRun appends the lines of grp (sorted by object rest) with labels, ordering lines of
// equal object rests by tieOrder with rank.
func (c *canonicalizer) appendRun(b []byte, grp []int32, labels *lineLabels, rank func(id int32) int32) []byte {
	rk := c.groups.rank
	from := 0 // the lines from grp[from] on are not appended yet
	for j := 0; j+1 < len(grp); j++ {
		// A line's rank is the index in grp of the first line of its run of equal rests.
		if rk[grp[j+1]] != int32(j) {
			continue
		}
		b = c.appendLines(b, grp[from:j], labels)
		e := j + 2
		for e < len(grp) && rk[grp[e]] == int32(j) {
			e++
		}
		run := append(c.runBuf[:0], grp[j:e]...)
		slices.SortFunc(run, func(x, y int32) int { return c.tieOrder(x, y, rank) })
		c.runBuf = run
		b = c.appendLines(b, run, labels)
		from, j = e, e-1
	}
	return c.appendLines(b, grp[from:], labels)
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
	// The lines of other subjects, sorted whole (usually the one that holds ref as object);
	// sortedLines copies them, so appendRun may take runBuf back.
	others := c.runBuf[:0]
	for _, i := range c.bnodeQuads[ref] {
		if c.ls.qb[i][0] != ref {
			others = append(others, i)
		}
	}
	c.runBuf = others
	if len(others) == 1 { // nothing to sort
		i := others[0]
		iri := c.ls.buf[c.ls.tmpl[i].start] == '<'
		if iri {
			b = c.appendLine(b, i, labels)
		}
		b = c.appendRun(b, c.groups.group(c.groups.niri+ref), labels, rank)
		if !iri {
			b = c.appendLine(b, i, labels)
		}
		return b
	}
	var buf []byte
	var spans []span
	if len(others) > 0 {
		buf, spans = c.sortedLines(others, labels)
	}
	k := 0
	for ; k < len(spans) && buf[spans[k].start] == '<'; k++ {
		b = append(b, buf[spans[k].start:spans[k].end]...)
	}
	b = c.appendRun(b, c.groups.group(c.groups.niri+ref), labels, rank)
	for ; k < len(spans); k++ {
		b = append(b, buf[spans[k].start:spans[k].end]...)
	}
	return b
}

// appendGroups appends every line with its canonical labels, in N-Quads order (de-duplicated
// unless keepDuplicates): the groups of IRI subjects by rank, then those of blank subjects
// by canonical label. ord is canonicalOrder.
func (c *canonicalizer) appendGroups(b []byte, ord []int32) []byte {
	from, niri := len(b), c.groups.niri
	byLabel := slices.Grow(c.byLabel[:0], len(c.ls.labels))[:len(c.ls.labels)]
	for id := range int32(len(c.ls.labels)) {
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
	if !c.keepDuplicates {
		b = dropRepeatedLines(b, from) // quads that differ but print alike
	}
	return b
}

// dropRepeatedLines removes from b[from:] every line equal to the line before it.
func dropRepeatedLines(b []byte, from int) []byte {
	out, prev := from, -1
	for i := from; i < len(b); {
		e := i + bytes.IndexByte(b[i:], '\n') + 1
		if prev < 0 || !bytes.Equal(b[prev:out], b[i:e]) {
			prev = out
			out += copy(b[out:], b[i:e])
		}
		i = e
	}
	return b[:out]
}

// canonicalOrder is appendCanonicalOrder for the canonicalizer's blank nodes, in reused
// memory.
func (c *canonicalizer) canonicalOrder() []int32 {
	c.ord = appendCanonicalOrder(c.ord[:0], len(c.ls.labels))
	return c.ord
}

// appendCanonicalOrder appends, per canonical number 0..n-1, the rank of its label ("c14n" and
// the number in decimal) among the n labels: decimal strings in byte order are the preorder of
// their digit tree (0, 1, 10, 11, ..., 19, 2, 20, ...).
func appendCanonicalOrder(ord []int32, n int) []int32 {
	base := len(ord)
	ord = slices.Grow(ord, n)[:base+n]
	// Walk the tree in preorder: the children of x > 0 are x*10 .. x*10+9 (those below n),
	// the roots 0 .. 9; after a node without children come its next sibling, or its
	// parent's, and so on.
	x := 0
	for r := range int32(n) {
		ord[base+x] = r
		if x > 0 && x*10 < n {
			x *= 10
			continue
		}
		for x > 0 && (x%10 == 9 || x+1 >= n) {
			x /= 10
		}
		x++
	}
	return ord
}
