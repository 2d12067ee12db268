package jsonld

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"slices"
	"strings"
)

// ErrPoisonGraph is returned (wrapped) when canonicalization would need more work than the
// configured limits allow: a "poison graph" of many indistinguishable blank nodes.
var ErrPoisonGraph = errors.New("jsonld: RDFC-1.0 work limit exceeded (poison graph)")

// HashAlgorithm selects the RDFC-1.0 hash function.
type HashAlgorithm int

// The hash functions RDFC-1.0 allows; SHA-256 is the default.
const (
	SHA256 HashAlgorithm = iota
	SHA384
)

// CanonOptions bound and configure RDFC-1.0.
type CanonOptions struct {
	// Hash is the hash function (default SHA-256).
	Hash HashAlgorithm
	// MaxWorkFactor bounds the number of Hash N-Degree Quads calls to
	// (number of non-unique blank nodes) ^ MaxWorkFactor, exactly as rdf-canonize does
	// (its default is 1). Zero means the default 1; negative means no such bound.
	MaxWorkFactor int
	// MaxPermutations bounds the total number of permutations explored (default 1<<16);
	// negative means unbounded.
	MaxPermutations int
	// CodePointOrder sorts N-Quads lines by code point, as RDFC-1.0 is written, instead of by
	// UTF-16 code unit as rdf-canonize (the JavaScript reference) does. See compareUTF16.
	CodePointOrder bool

	wholeLines bool // sort lines whole, never by subject groups (for tests: see groupLines)
}

const defaultMaxPermutations = 1 << 16

// CanonicalizeNQuads runs RDFC-1.0 on an N-Quads document and returns the canonical N-Quads.
func CanonicalizeNQuads(ctx context.Context, nquads []byte, opts CanonOptions) ([]byte, error) {
	quads, err := ParseNQuads(nquads)
	if err != nil {
		return nil, err
	}
	return CanonicalizeDataset(ctx, quads, opts)
}

// CanonicalizeDataset runs RDFC-1.0 on a dataset (duplicates are removed) and returns the
// canonical N-Quads: sorted lines, blank nodes relabelled _:c14nN.
func CanonicalizeDataset(ctx context.Context, quads []Quad, opts CanonOptions) ([]byte, error) {
	return canonicalize(ctx, quads, opts, false, nil)
}

// canonScratch is working memory a canonicalizer may reuse from an earlier one: a
// canonicalizer whose slices keep their capacity, and the output of canonicalizeTo.
type canonScratch struct {
	c   canonicalizer
	out []byte
}

// oversized reports whether the scratch holds buffers too large to pool.
func (s *canonScratch) oversized() bool {
	return cap(s.c.lineBuf) > maxPooledLines || cap(s.c.own.buf) > maxPooledLines || cap(s.c.sortedBuf) > maxPooledLines || cap(s.out) > maxPooledLines
}

// canonicalize runs RDFC-1.0; keepDuplicates keeps repeated quads as rdf-canonize does for a
// dataset that jsonld.js produced (see seenKey).
func canonicalize(ctx context.Context, quads []Quad, opts CanonOptions, keepDuplicates bool, scratch *canonScratch) ([]byte, error) {
	c := newCanonicalizer(ctx, quads, opts, keepDuplicates, scratch)
	defer c.done()
	if err := c.run(); err != nil {
		return nil, err
	}
	return c.output(), nil
}

// canonicalizeTo is canonicalize writing the canonical N-Quads to w instead of returning them.
func canonicalizeTo(ctx context.Context, quads []Quad, opts CanonOptions, keepDuplicates bool, scratch *canonScratch, w io.Writer) error {
	c := newCanonicalizer(ctx, quads, opts, keepDuplicates, scratch)
	defer c.done()
	return c.writeTo(w, scratch)
}

// canonicalizeLinesTo is canonicalizeTo for a dataset an RDF builder wrote as lines (see
// lineSet.addBuilt), its duplicate quads kept.
func canonicalizeLinesTo(ctx context.Context, ls *lineSet, opts CanonOptions, scratch *canonScratch, w io.Writer) error {
	c := scratchCanonicalizer(ctx, opts, true, scratch)
	c.prepare(ls)
	defer c.done()
	return c.writeTo(w, scratch)
}

// writeTo runs RDFC-1.0 and writes the canonical N-Quads to w.
func (c *canonicalizer) writeTo(w io.Writer, scratch *canonScratch) error {
	if err := c.run(); err != nil {
		return err
	}
	var out []byte
	if scratch != nil {
		out = scratch.out[:0]
		defer func() { scratch.out = out[:0] }()
	}
	// One Write of the whole output: hashes take large writes faster than many lines.
	out = c.appendSorted(out)
	_, err := w.Write(out)
	return err
}

// canonicalizer runs RDFC-1.0 over a dataset's line templates (see lineSet), its blank
// nodes numbered (ids, indexes into labels) when the lines are written, so that the algorithm works on slices instead of maps keyed by
// label; labels are only compared (their code point order fixes the order of the steps, as
// in the specification) and written. Its slices are reused by the next canonicalization when
// it lives in a canonScratch.
type canonicalizer struct {
	ctx        context.Context
	ls         *lineSet  // the dataset
	own        lineSet   // the dataset when made from quads
	bnodeQuads [][]int32 // per blank node id: the quads it appears in
	firstHash  []digest  // per blank node id: its first-degree hash, once firstDone
	firstDone  []bool
	canon      issuer
	opts       CanonOptions

	keepDuplicates bool
	remainingDeep  float64
	remainingPerms int
	buf            []byte
	lineBuf        []byte
	spans          []span
	keyed          []keyedSpan
	arena          int32Arena    // the temporary issuers of hashNDegree
	related        []relatedHash // hashNDegree's stack of related blank nodes
	bytesFree      [][]byte      // hashNDegree's free path buffers
	sortedBuf      []byte        // hashFirstDegree's sorted lines, of every node hashed
	fdSeen         firstDegreeSeen
	supplementary  bool    // some line holds a supplementary character (see sortSpans)
	subjRuns       []int32 // rankSubjects' scratch
	subjOrder      []int32
	subjRank       []int32
	groups         lineGroups                      // the subject groups, when grouped (see groupLines)
	groupTmpls     [maxGroupTemplate]groupTemplate // groupLines' sorts to reuse, by group size
	grouped        bool
	fdLabels       lineLabels // see firstDegreeLabels
	canonLabels    lineLabels // see canonicalLabels
	runBuf         []int32    // scratch of appendRun and appendFirstDegreeLines
	byLabel        []int32    // scratch of appendGroups
	ord            []int32    // canonicalOrder's result
	allQuads       []int32    // 0..len(quads)-1, for appendSorted
	blankIDs       blankIDs
	counts         []int32         // scratch of prepare and groupLines
	flat           []int32         // the quad lists of all blank nodes
	dedup          []Quad          // the quads without duplicates, when they are removed (see fromQuads)
	nonUnique      [][]int32       // run's blank nodes sharing a first-degree hash
	results        []nDegreeResult // run's scratch
	byHash         []int32         // run's scratch
	hashKeys       []uint64        // run's scratch
	memo           sumMemo         // see memoSum
}

// done drops the canonicalizer's references to the dataset's strings, so that a pooled one
// keeps no document alive.
func (c *canonicalizer) done() {
	c.own.reset()
	clear(c.dedup)
	clear(c.related[:cap(c.related)])
	c.ls, c.ctx = nil, nil
	c.arena = c.arena.reset()
}

func newCanonicalizer(ctx context.Context, quads []Quad, opts CanonOptions, keepDuplicates bool, scratch *canonScratch) *canonicalizer {
	c := scratchCanonicalizer(ctx, opts, keepDuplicates, scratch)
	c.prepare(c.fromQuads(quads))
	return c
}

// scratchCanonicalizer returns the canonicalizer of scratch (a new one if nil), set up for a
// canonicalization.
func scratchCanonicalizer(ctx context.Context, opts CanonOptions, keepDuplicates bool, scratch *canonScratch) *canonicalizer {
	var c *canonicalizer
	if scratch != nil {
		c = &scratch.c
	} else {
		c = &canonicalizer{}
	}
	c.ctx, c.opts, c.keepDuplicates = ctx, opts, keepDuplicates
	return c
}

// prepare readies c to canonicalize ls: the quads of each blank node, the subject groups,
// the issuers.
func (c *canonicalizer) prepare(ls *lineSet) {
	c.ls = ls
	n := len(ls.labels)
	// The quad lists of all blank nodes share one array: count each node's quads, turn the
	// counts into offsets, then place the quads (offsets, not slices, stored per quad: no
	// pointer stores).
	next := slices.Grow(c.counts[:0], n)[:n]
	clear(next)
	for i := range ls.qb {
		s, o, g := ls.qb[i][0], ls.qb[i][1], ls.qb[i][2]
		if s >= 0 {
			next[s]++
		}
		if o >= 0 && o != s {
			next[o]++
		}
		if g >= 0 && g != s && g != o {
			next[g]++
		}
	}
	total := int32(0)
	for id, k := range next {
		next[id] = total
		total += k
	}
	flat := slices.Grow(c.flat[:0], int(total))[:total]
	for i := range ls.qb {
		s, o, g := ls.qb[i][0], ls.qb[i][1], ls.qb[i][2]
		if s >= 0 {
			flat[next[s]] = int32(i)
			next[s]++
		}
		if o >= 0 && o != s {
			flat[next[o]] = int32(i)
			next[o]++
		}
		if g >= 0 && g != s && g != o {
			flat[next[g]] = int32(i)
			next[g]++
		}
	}
	// next[id] is now the end of id's quads, and the start of id+1's.
	c.bnodeQuads = slices.Grow(c.bnodeQuads[:0], n)[:n]
	start := int32(0)
	for id, end := range next {
		c.bnodeQuads[id] = flat[start:end:end]
		start = end
	}
	c.flat, c.counts = flat, next
	c.supplementary = hasSupplementary(ls.buf)
	c.groupLines()
	c.firstHash = slices.Grow(c.firstHash[:0], n)[:n]
	c.firstDone = slices.Grow(c.firstDone[:0], n)[:n]
	clear(c.firstDone)
	c.sortedBuf = c.sortedBuf[:0]
	c.fdSeen.reset(n)
	c.memo.reset()
	c.fdLabels.at = c.fdLabels.at[:0]
	c.canon = issuer{prefix: "c14n", issued: slices.Grow(c.canon.issued[:0], n)[:n], order: c.canon.order[:0]}
	for i := range c.canon.issued {
		c.canon.issued[i] = -1
	}
}

func (c *canonicalizer) run() error {
	n := len(c.ls.labels)
	switch n {
	case 0:
		return nil
	case 1:
		// Its first-degree hash is unique whatever it is: the node is c14n0.
		c.canon.number(0)
		return nil
	}
	// The blank nodes by first-degree hash, and by label where hashes are equal: the order in
	// which the specification visits them (hash to blank nodes, sorted by hash).
	byHash := c.sortByFirstDegree(n)
	nonUnique := c.nonUnique[:0]
	nonUniqueCount := 0
	for start := 0; start < n; {
		end := start + 1
		for end < n && c.firstHash[byHash[end]] == c.firstHash[byHash[start]] {
			end++
		}
		if end-start == 1 {
			c.canon.number(byHash[start])
		} else {
			l := c.arena.alloc(end - start)
			copy(l, byHash[start:end])
			nonUnique = append(nonUnique, l)
			nonUniqueCount += len(l)
		}
		start = end
	}
	switch f := c.opts.MaxWorkFactor; {
	case f < 0:
		c.remainingDeep = math.Inf(1)
	case f == 0:
		c.remainingDeep = float64(nonUniqueCount)
	default:
		c.remainingDeep = math.Pow(float64(nonUniqueCount), float64(f))
	}
	c.remainingPerms = c.opts.MaxPermutations
	if c.remainingPerms == 0 {
		c.remainingPerms = defaultMaxPermutations
	}
	c.nonUnique = nonUnique
	for _, list := range nonUnique {
		results := c.results[:0]
		for _, id := range list {
			if c.canon.has(id) {
				continue
			}
			tmp := c.newTempIssuer()
			tmp.number(id)
			h, is, err := c.hashNDegree(id, tmp)
			if err != nil {
				return err
			}
			results = append(results, nDegreeResult{h, is})
		}
		slices.SortStableFunc(results, func(a, b nDegreeResult) int { return compareDigests(&a.hash, &b.hash) })
		for _, r := range results {
			for _, old := range r.is.order {
				c.canon.number(old)
			}
		}
		clear(results)
		c.results = results[:0]
	}
	clear(nonUnique)
	return nil
}

// sortByFirstDegree returns the blank nodes 0..n-1 sorted by first-degree hash, then by
// label. Each is sorted as one integer: the first 6 bytes of its hash (big-endian) above its
// id (n is at most 1<<16, else it sorts the digests with a function); the few runs of equal
// first 6 bytes (equal hashes, mostly) are then sorted whole.
func (c *canonicalizer) sortByFirstDegree(n int) []int32 {
	byHash := slices.Grow(c.byHash[:0], n)[:n]
	full := func(a, b int32) int {
		if r := compareDigests(&c.firstHash[a], &c.firstHash[b]); r != 0 {
			return r
		}
		return c.compareLabels(a, b)
	}
	if n > 1<<16 {
		for id := range int32(n) {
			c.hashFirstDegree(id)
			byHash[id] = id
		}
		slices.SortFunc(byHash, full)
		c.byHash = byHash
		return byHash
	}
	const idBits = 16
	keys := slices.Grow(c.hashKeys[:0], n)[:n]
	for id := range int32(n) {
		h := c.hashFirstDegree(id)
		keys[id] = binary.BigEndian.Uint64(h[:8])&^(1<<idBits-1) | uint64(id)
	}
	slices.Sort(keys)
	for j, k := range keys {
		byHash[j] = int32(k & (1<<idBits - 1))
	}
	for start := 0; start < n; {
		end := start + 1
		for end < n && keys[end]>>idBits == keys[start]>>idBits {
			end++
		}
		if end-start > 1 {
			slices.SortFunc(byHash[start:end], full)
		}
		start = end
	}
	c.byHash, c.hashKeys = byHash, keys
	return byHash
}

// nDegreeResult is a Hash N-Degree Quads result: the hash and the issuer.
type nDegreeResult struct {
	hash digest
	is   issuer
}

// compareLabels orders blank node ids by their input labels.
func (c *canonicalizer) compareLabels(a, b int32) int {
	return strings.Compare(c.ls.labels[a], c.ls.labels[b])
}
