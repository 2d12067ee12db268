package jsonld

import "slices"

// termTable indexes a finished context's terms by open addressing with a cheap hash of a
// name's length and first and last bytes (see nameWords): for the short member names of credentials a
// lookup costs a fraction of a map lookup. Open addressing is used only when every term lies
// within maxProbe slots of its home slot, so a lookup never probes more than maxProbe slots
// (a context crafted for collisions gets a map instead).
//
// A lookup gives the index of the term's definition in defs: the fast path keeps that index,
// not a pointer, in its pooled stacks (see expandedKey).
type termTable struct {
	slots  []termSlot // a power of two of them; def 0 = empty
	mask   uint32
	defs   []*termDef       // the definitions, indexed by slots and byName
	byName map[string]int32 // when slots is nil
}

// termSlot is one term of a termTable: its name, with the words nameWords reads from it
// (which are the whole name when it has at most 16 bytes), and its hash.
type termSlot struct {
	a, b uint64
	n    uint32 // len(name)
	hash uint32
	def  int32 // index in defs plus one
	name string
}

const maxProbe = 8

// nameWords returns the words tableHash mixes: the first and last eight bytes of s, or the
// first and last four, or its first, middle and last bytes. For a name of at most 16 bytes
// they determine it (with its length): a lookup then compares words, not strings.
func nameWords(s string) (a, b uint64) {
	n := len(s)
	switch {
	case n >= 8:
		return load64(s), load64(s[n-8:])
	case n >= 4:
		return uint64(load32(s)), uint64(load32(s[n-4:]))
	case n > 0:
		return uint64(s[0])<<16 | uint64(s[n>>1])<<8 | uint64(s[n-1]), 0
	}
	return 0, 0
}

// mixWords is the hash of a name of length n and words a, b (see nameWords).
func mixWords(a, b uint64, n int) uint32 {
	h := a*0x9E3779B97F4A7C15 ^ (b+uint64(n))*0xC2B2AE3D27D4EB4F
	return uint32(h>>32) ^ uint32(h)
}

// tableHash hashes a member name for termTable.
func tableHash(s string) uint32 {
	a, b := nameWords(s)
	return mixWords(a, b, len(s))
}

// load32 returns the first 4 bytes of s as a little-endian uint32 (one load).
func load32(s string) uint32 {
	_ = s[3]
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
}

// buildTermTable returns the table of terms.
func buildTermTable(terms map[string]*termDef) termTable {
	size := 16
	for size < 2*len(terms) {
		size *= 2
	}
	// In name order, so that a context's table (and the cost of its lookups) is the same
	// every time.
	names := make([]string, 0, len(terms))
	for name := range terms {
		names = append(names, name)
	}
	slices.Sort(names)
	t := termTable{slots: make([]termSlot, size), mask: uint32(size - 1), defs: make([]*termDef, 0, len(terms))}
	for _, name := range names {
		d := terms[name]
		t.defs = append(t.defs, d)
		wa, wb := nameWords(name)
		h := mixWords(wa, wb, len(name))
		placed := false
		for i := uint32(0); i < maxProbe; i++ {
			s := &t.slots[(h+i)&t.mask]
			if s.def == 0 {
				*s = termSlot{a: wa, b: wb, n: uint32(len(name)), hash: h, def: int32(len(t.defs)), name: name}
				placed = true
				break
			}
		}
		if !placed {
			t.slots, t.mask = nil, 0
			break
		}
	}
	if t.slots == nil {
		t.defs = t.defs[:0]
		t.byName = make(map[string]int32, len(terms))
		for _, name := range names {
			t.byName[name] = int32(len(t.defs))
			t.defs = append(t.defs, terms[name])
		}
	}
	return t
}

// termIndex returns the index in c.tab.defs of the definition of the term k in c, or -1 when
// k is not a term of c. Only for finished contexts (and the empty root context).
func (c *activeCtx) termIndex(k string) int32 {
	slots := c.tab.slots
	if slots == nil {
		if i, ok := c.tab.byName[k]; ok {
			return i
		}
		return -1
	}
	// nameWords and mixWords, inlined.
	n := len(k)
	var wa, wb uint64
	switch {
	case n >= 8:
		wa, wb = load64(k), load64(k[n-8:])
	case n >= 4:
		wa, wb = uint64(load32(k)), uint64(load32(k[n-4:]))
	case n > 0:
		wa = uint64(k[0])<<16 | uint64(k[n>>1])<<8 | uint64(k[n-1])
	}
	h := wa*0x9E3779B97F4A7C15 ^ (wb+uint64(n))*0xC2B2AE3D27D4EB4F
	at := uint32(h>>32) ^ uint32(h)
	mask := c.tab.mask
	for range maxProbe {
		s := &slots[at&mask]
		if s.a == wa && s.b == wb && s.n == uint32(n) && (n <= 16 || s.name == k) {
			return s.def - 1
		}
		if s.def == 0 {
			return -1
		}
		at++
	}
	return -1
}

// term returns the definition of the term k in c (the map lookup c.terms[k]). Only for
// finished contexts (and the empty root context).
func (c *activeCtx) term(k string) (*termDef, bool) {
	if i := c.termIndex(k); i >= 0 {
		return c.tab.defs[i], true
	}
	return nil, false
}
