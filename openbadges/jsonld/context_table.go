package jsonld

// termTable indexes a finished context's terms by open addressing with a cheap hash of a
// name's length and first and last eight bytes: for the short member names of credentials a
// lookup costs a fraction of a map lookup. A table is kept only when every term lies within
// maxProbe slots of its home slot, so a lookup never probes more than maxProbe slots (a
// context crafted for collisions gets no table, and the map serves it).
type termTable struct {
	slots []termSlot // a power of two of them; def nil = empty
	mask  uint32
}

type termSlot struct {
	name string
	def  *termDef
	hash uint32
}

const maxProbe = 8

// tableHash hashes a member name for termTable.
func tableHash(s string) uint32 {
	n := len(s)
	var a, b uint64
	if n >= 8 {
		a, b = load64(s), load64(s[n-8:])
	} else {
		for i := 0; i < n; i++ {
			a = a<<8 | uint64(s[i])
		}
	}
	h := a*0x9E3779B97F4A7C15 ^ (b+uint64(n))*0xC2B2AE3D27D4EB4F
	return uint32(h>>32) ^ uint32(h)
}

// buildTermTable returns the table of terms (the zero table when one would not bound probes).
func buildTermTable(terms map[string]*termDef) termTable {
	size := 16
	for size < 2*len(terms) {
		size *= 2
	}
	t := termTable{slots: make([]termSlot, size), mask: uint32(size - 1)}
	for name, d := range terms {
		h := tableHash(name)
		placed := false
		for i := uint32(0); i < maxProbe; i++ {
			s := &t.slots[(h+i)&t.mask]
			if s.def == nil {
				s.name, s.def, s.hash = name, d, h
				placed = true
				break
			}
		}
		if !placed {
			return termTable{}
		}
	}
	return t
}

// term returns the definition of the term k in c (the map lookup c.terms[k], through the
// table when c has one). Only for finished contexts.
func (c *activeCtx) term(k string) (*termDef, bool) {
	if c.tab.slots == nil {
		d, ok := c.terms[k]
		return d, ok
	}
	h := tableHash(k)
	for i := uint32(0); i < maxProbe; i++ {
		s := &c.tab.slots[(h+i)&c.tab.mask]
		if s.def == nil {
			return nil, false
		}
		if s.hash == h && s.name == k {
			return s.def, true
		}
	}
	return nil, false
}
