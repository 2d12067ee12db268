package jsonld

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"math"
	"slices"
	"sort"
	"strconv"
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

// canonScratch is working memory a canonicalizer may reuse from an earlier one: the N-Quads
// lines it sorts (before the output is copied out) and their spans.
type canonScratch struct {
	lines []byte
	spans []span
}

// canonicalize runs RDFC-1.0; keepDuplicates keeps repeated quads as rdf-canonize does for a
// dataset that jsonld.js produced (see seenKey).
func canonicalize(ctx context.Context, quads []Quad, opts CanonOptions, keepDuplicates bool, scratch *canonScratch) ([]byte, error) {
	c := newCanonicalizer(ctx, quads, opts, keepDuplicates)
	if scratch != nil {
		c.lineBuf, c.spans = scratch.lines[:0], scratch.spans[:0]
		defer func() { scratch.lines, scratch.spans = c.lineBuf[:0], c.spans[:0] }()
	}
	if err := c.run(); err != nil {
		return nil, err
	}
	return c.output(), nil
}

type issuer struct {
	prefix string
	issued map[string]string
	order  []string
}

func newIssuer(prefix string) *issuer {
	return &issuer{prefix: prefix, issued: map[string]string{}}
}

func (is *issuer) id(old string) string {
	if v, ok := is.issued[old]; ok {
		return v
	}
	v := is.prefix + strconv.Itoa(len(is.order))
	is.issued[old] = v
	is.order = append(is.order, old)
	return v
}

func (is *issuer) clone() *issuer {
	n := &issuer{prefix: is.prefix, issued: make(map[string]string, len(is.issued)), order: slices.Clone(is.order)}
	for k, v := range is.issued {
		n.issued[k] = v
	}
	return n
}

type canonicalizer struct {
	ctx        context.Context
	quads      []Quad
	bnodeQuads map[string][]int
	firstHash  map[string]string
	canon      *issuer
	newHash    func() hash.Hash
	opts       CanonOptions

	keepDuplicates bool
	remainingDeep  float64
	remainingPerms int
	buf            []byte
	lineBuf        []byte
	spans          []span
	h              hash.Hash
}

func newCanonicalizer(ctx context.Context, quads []Quad, opts CanonOptions, keepDuplicates bool) *canonicalizer {
	c := &canonicalizer{ctx: ctx, opts: opts, bnodeQuads: map[string][]int{}, firstHash: map[string]string{}, canon: newIssuer("c14n")}
	if opts.Hash == SHA384 {
		c.newHash = sha512.New384
	} else {
		c.newHash = sha256.New
	}
	if keepDuplicates {
		c.quads = quads
		c.keepDuplicates = true
	} else {
		// Remove duplicate quads (a dataset is a set).
		seen := make(map[Quad]struct{}, len(quads))
		c.quads = make([]Quad, 0, len(quads))
		for _, q := range quads {
			if _, ok := seen[q]; ok {
				continue
			}
			seen[q] = struct{}{}
			c.quads = append(c.quads, q)
		}
	}
	for i := range c.quads {
		q := &c.quads[i]
		for _, t := range [...]*Term{&q.S, &q.O, &q.G} {
			if t.Kind == TermBlank {
				l := c.bnodeQuads[t.Value]
				if len(l) == 0 || l[len(l)-1] != i {
					c.bnodeQuads[t.Value] = append(l, i)
				}
			}
		}
	}
	return c
}

func (c *canonicalizer) run() error {
	if len(c.bnodeQuads) == 0 {
		return nil
	}
	labels := make([]string, 0, len(c.bnodeQuads))
	for l := range c.bnodeQuads {
		labels = append(labels, l)
	}
	sort.Strings(labels)
	hashToNodes := map[string][]string{}
	for _, l := range labels {
		h := c.hashFirstDegree(l)
		hashToNodes[h] = append(hashToNodes[h], l)
	}
	hashes := make([]string, 0, len(hashToNodes))
	for h := range hashToNodes {
		hashes = append(hashes, h)
	}
	sort.Strings(hashes)
	var nonUnique [][]string
	nonUniqueCount := 0
	for _, h := range hashes {
		l := hashToNodes[h]
		if len(l) > 1 {
			nonUnique = append(nonUnique, l)
			nonUniqueCount += len(l)
			continue
		}
		c.canon.id(l[0])
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
	for _, list := range nonUnique {
		type result struct {
			hash string
			is   *issuer
		}
		var results []result
		for _, n := range list {
			if _, ok := c.canon.issued[n]; ok {
				continue
			}
			tmp := newIssuer("b")
			tmp.id(n)
			h, is, err := c.hashNDegree(n, tmp)
			if err != nil {
				return err
			}
			results = append(results, result{h, is})
		}
		sort.SliceStable(results, func(i, j int) bool { return results[i].hash < results[j].hash })
		for _, r := range results {
			for _, old := range r.is.order {
				c.canon.id(old)
			}
		}
	}
	return nil
}

func (c *canonicalizer) sum(data []byte) string {
	h := c.hasher()
	h.Write(data)
	return c.hexSum(h)
}

// hashFirstDegree is RDFC-1.0 §4.6. The lines are written into one reused buffer and sorted
// by span.
func (c *canonicalizer) hashFirstDegree(ref string) string {
	if h, ok := c.firstHash[ref]; ok {
		return h
	}
	idx := c.bnodeQuads[ref]
	buf := c.lineBuf[:0]
	spans := c.spans[:0]
	for _, i := range idx {
		q := c.quads[i]
		for _, t := range [...]*Term{&q.S, &q.O, &q.G} {
			if t.Kind == TermBlank {
				if t.Value == ref {
					t.Value = "a"
				} else {
					t.Value = "z"
				}
			}
		}
		start := len(buf)
		buf = appendQuad(buf, &q)
		spans = append(spans, span{start, len(buf)})
	}
	c.sortSpans(buf, spans)
	h := c.hasher()
	for _, sp := range spans {
		h.Write(buf[sp.start:sp.end])
	}
	s := c.hexSum(h)
	c.lineBuf, c.spans = buf, spans
	c.firstHash[ref] = s
	return s
}

// span is one line of a buffer of N-Quads lines.
type span struct{ start, end int }

// sortSpans sorts the lines of buf. When buf holds no supplementary character (no byte
// >= 0xF0), UTF-16 code unit order is byte order and bytes.Compare does.
func (c *canonicalizer) sortSpans(buf []byte, spans []span) {
	if c.opts.CodePointOrder || !hasSupplementary(buf) {
		slices.SortFunc(spans, func(a, b span) int { return bytes.Compare(buf[a.start:a.end], buf[b.start:b.end]) })
		return
	}
	slices.SortFunc(spans, func(a, b span) int { return compareUTF16(buf[a.start:a.end], buf[b.start:b.end]) })
}

func hasSupplementary(b []byte) bool {
	for _, c := range b {
		if c >= 0xF0 {
			return true
		}
	}
	return false
}

// hasher returns the canonicalizer's reset hash.
func (c *canonicalizer) hasher() hash.Hash {
	if c.h == nil {
		c.h = c.newHash()
	}
	c.h.Reset()
	return c.h
}

// hexSum returns the hex digest of h.
func (c *canonicalizer) hexSum(h hash.Hash) string {
	var sum [64]byte
	var out [128]byte
	d := h.Sum(sum[:0])
	n := hex.Encode(out[:], d)
	return string(out[:n])
}

// hashRelated is RDFC-1.0 §4.7.
func (c *canonicalizer) hashRelated(related string, q *Quad, is *issuer, position byte) string {
	var id string
	if v, ok := c.canon.issued[related]; ok {
		id = "_:" + v
	} else if v, ok := is.issued[related]; ok {
		id = "_:" + v
	} else {
		id = c.hashFirstDegree(related)
	}
	b := c.buf[:0]
	b = append(b, position)
	if position != 'g' {
		b = append(b, '<')
		b = append(b, q.P.Value...)
		b = append(b, '>')
	}
	b = append(b, id...)
	c.buf = b
	return c.sum(b)
}

// hashNDegree is RDFC-1.0 §4.8, with rdf-canonize's bound on deep iterations and a bound on
// permutations.
func (c *canonicalizer) hashNDegree(id string, is *issuer) (string, *issuer, error) {
	if err := c.ctx.Err(); err != nil {
		return "", nil, err
	}
	if c.remainingDeep < 1 {
		return "", nil, fmt.Errorf("%w: maximum Hash N-Degree Quads iterations exceeded", ErrPoisonGraph)
	}
	c.remainingDeep--
	hashToRelated := map[string][]string{}
	for _, i := range c.bnodeQuads[id] {
		q := &c.quads[i]
		for _, p := range [...]struct {
			t   *Term
			pos byte
		}{{&q.S, 's'}, {&q.O, 'o'}, {&q.G, 'g'}} {
			if p.t.Kind == TermBlank && p.t.Value != id {
				h := c.hashRelated(p.t.Value, q, is, p.pos)
				hashToRelated[h] = append(hashToRelated[h], p.t.Value)
			}
		}
	}
	hashes := make([]string, 0, len(hashToRelated))
	for h := range hashToRelated {
		hashes = append(hashes, h)
	}
	sort.Strings(hashes)
	md := c.newHash()
	for _, h := range hashes {
		md.Write([]byte(h))
		var chosenPath string
		var chosenIssuer *issuer
		perm := slices.Clone(hashToRelated[h])
		sort.Strings(perm)
		for ok := true; ok; ok = nextPermutation(perm) {
			if c.remainingPerms >= 0 {
				if c.remainingPerms == 0 {
					return "", nil, fmt.Errorf("%w: maximum permutations exceeded", ErrPoisonGraph)
				}
				c.remainingPerms--
			}
			isCopy := is.clone()
			path := make([]byte, 0, 64)
			var recursion []string
			skip := false
			for _, rel := range perm {
				if v, ok := c.canon.issued[rel]; ok {
					path = append(path, "_:"...)
					path = append(path, v...)
				} else {
					if _, ok := isCopy.issued[rel]; !ok {
						recursion = append(recursion, rel)
					}
					path = append(path, "_:"...)
					path = append(path, isCopy.id(rel)...)
				}
				if chosenIssuer != nil && len(path) >= len(chosenPath) && string(path) > chosenPath {
					skip = true
					break
				}
			}
			if skip {
				continue
			}
			for _, rel := range recursion {
				rh, ris, err := c.hashNDegree(rel, isCopy)
				if err != nil {
					return "", nil, err
				}
				path = append(path, "_:"...)
				path = append(path, isCopy.id(rel)...)
				path = append(path, '<')
				path = append(path, rh...)
				path = append(path, '>')
				isCopy = ris
				if chosenIssuer != nil && len(path) >= len(chosenPath) && string(path) > chosenPath {
					skip = true
					break
				}
			}
			if skip {
				continue
			}
			if chosenIssuer == nil || string(path) < chosenPath {
				chosenPath = string(path)
				chosenIssuer = isCopy
			}
		}
		md.Write([]byte(chosenPath))
		is = chosenIssuer
	}
	return hex.EncodeToString(md.Sum(nil)), is, nil
}

// nextPermutation rearranges s into the next lexicographic permutation, reporting false after
// the last one. Starting from sorted order it visits every permutation once.
func nextPermutation(s []string) bool {
	i := len(s) - 2
	for i >= 0 && s[i] >= s[i+1] {
		i--
	}
	if i < 0 {
		return false
	}
	j := len(s) - 1
	for s[j] <= s[i] {
		j--
	}
	s[i], s[j] = s[j], s[i]
	slices.Reverse(s[i+1:])
	return true
}

// output relabels the blank nodes canonically and writes sorted N-Quads (de-duplicated unless
// keepDuplicates). Lines are written into one buffer and sorted by offset.
func (c *canonicalizer) output() []byte {
	size := 0
	for i := range c.quads {
		q := &c.quads[i]
		size += len(q.S.Value) + len(q.P.Value) + len(q.O.Value) + len(q.O.Datatype) + len(q.O.Language) + len(q.G.Value) + 24
	}
	buf := slices.Grow(c.lineBuf[:0], size)
	spans := slices.Grow(c.spans[:0], len(c.quads))
	for i := range c.quads {
		q := c.quads[i]
		for _, t := range [...]*Term{&q.S, &q.O, &q.G} {
			if t.Kind == TermBlank {
				t.Value = c.canon.id(t.Value)
			}
		}
		start := len(buf)
		buf = appendQuad(buf, &q)
		spans = append(spans, span{start, len(buf)})
	}
	c.sortSpans(buf, spans)
	out := make([]byte, 0, len(buf))
	var prev []byte
	for _, sp := range spans {
		l := buf[sp.start:sp.end]
		if !c.keepDuplicates && prev != nil && bytes.Equal(prev, l) {
			continue
		}
		out = append(out, l...)
		prev = l
	}
	c.lineBuf, c.spans = buf, spans
	return out
}
