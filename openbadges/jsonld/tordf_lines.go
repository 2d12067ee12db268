package jsonld

import (
	"bytes"
	"hash/maphash"
)

// keyedLines finds the node map duplicates among the statements a builder writes as lines
// (see rdfBuilder.addpl): two statements are one when their subject, predicate, graph and key
// are equal. It keeps, for each kept statement with a key, its line and its key serialized,
// so it holds no pointer: storing it costs no write barrier and the collector does not scan
// it.
type keyedLines struct {
	entries []keyedLine
	keys    []byte  // the entries' keys (see appendKey)
	table   []int32 // open addressing: an entry's index plus one, 0 for an empty slot
	probes  int     // slots probed in vain since the last reset
	seeded  bool    // whether hashes are lineHash's with seed (else cheapLineHash's)
	seed    maphash.Seed
}

// keyedLine is a kept statement with a key: its line in the lineSet and its key in keys.
type keyedLine struct {
	line      int32
	key, kend int32
	h         uint64
}

// reset empties k for another dataset, keeping its memory.
func (k *keyedLines) reset() {
	k.entries, k.keys = k.entries[:0], k.keys[:0]
	clear(k.table)
	k.probes, k.seeded = 0, false
}

// minKeyedTable is the smallest table.
const minKeyedTable = 64

// add looks up the statement just written as the last line of l by addBuilt, with key
// (kind not 0): if an earlier one has its subject, predicate, graph and key, add returns
// true (the caller drops the line); else it records it and returns false.
func (k *keyedLines) add(l *lineSet, s, p, g *Term, key *nodeKey) bool {
	koff := int32(len(k.keys))
	k.appendKey(key)
	e := keyedLine{line: int32(len(l.tmpl) - 1), key: koff, kend: int32(len(k.keys))}
	if k.seeded {
		e.h = k.lineHash(l, &e)
	} else {
		e.h = cheapLineHash(s, p, g, key)
	}
	if 2*(len(k.entries)+1) > len(k.table) {
		k.rehash(max(minKeyedTable, 2*len(k.table)))
	}
	for {
		mask := uint64(len(k.table) - 1)
		for slot := e.h & mask; ; slot = (slot + 1) & mask {
			j := k.table[slot]
			if j == 0 {
				k.entries = append(k.entries, e)
				k.table[slot] = int32(len(k.entries))
				return false
			}
			if o := &k.entries[j-1]; o.h == e.h && k.equal(l, o, &e) {
				k.keys = k.keys[:koff]
				return true
			}
			if k.probes++; !k.seeded && k.probes > maxDupProbes*(len(k.entries)+1) {
				break
			}
		}
		// Probing grows long with the cheap hash (values made to collide): start over with
		// maphash.
		k.seeded, k.seed = true, maphash.MakeSeed()
		for i := range k.entries {
			k.entries[i].h = k.lineHash(l, &k.entries[i])
		}
		e.h = k.lineHash(l, &e)
		k.rehash(len(k.table))
	}
}

// rehash makes the table size slots (a power of two) and enters every entry.
func (k *keyedLines) rehash(size int) {
	if cap(k.table) >= size {
		k.table = k.table[:size]
		clear(k.table)
	} else {
		k.table = make([]int32, size)
	}
	mask := uint64(size - 1)
	for i := range k.entries {
		slot := k.entries[i].h & mask
		for k.table[slot] != 0 {
			slot = (slot + 1) & mask
		}
		k.table[slot] = int32(i + 1)
	}
}

// equal reports whether entries a and b are the same statement under node map equality:
// same key, and same subject, predicate and graph, which the bytes of their lines outside
// the object and the ids of the blank nodes in them tell exactly (a term of these places is
// an IRI, written as it is between '<' and '>', or a blank node, "_:" and a hole; the
// offsets of the predicate and object tell where the subject ends even when an IRI holds
// "> <"). The objects are not compared: equal keys may give different objects (a string
// with two @direction values, which compareValues ignores), and jsonld.js keeps the first.
func (k *keyedLines) equal(l *lineSet, a, b *keyedLine) bool {
	ta, tb := &l.tmpl[a.line], &l.tmpl[b.line]
	if ta.pred != tb.pred || ta.obj != tb.obj || ta.end-ta.start-ta.oend != tb.end-tb.start-tb.oend {
		return false
	}
	if qa, qb := &l.qb[a.line], &l.qb[b.line]; qa[0] != qb[0] || qa[2] != qb[2] {
		return false
	}
	la, lb := l.buf[ta.start:ta.end], l.buf[tb.start:tb.end]
	return bytes.Equal(k.keys[a.key:a.kend], k.keys[b.key:b.kend]) &&
		bytes.Equal(la[:ta.obj], lb[:tb.obj]) && bytes.Equal(la[ta.oend:], lb[tb.oend:])
}

// lineHash hashes with k.seed what equal compares.
func (k *keyedLines) lineHash(l *lineSet, e *keyedLine) uint64 {
	t := &l.tmpl[e.line]
	line := l.buf[t.start:t.end]
	q := &l.qb[e.line]
	h := maphash.Bytes(k.seed, line[:t.obj])
	h = h*31 + maphash.Bytes(k.seed, line[t.oend:])
	h = h*31 + maphash.Bytes(k.seed, k.keys[e.key:e.kend])
	return h*31 + uint64(uint32(q[0]))<<32 + uint64(uint32(q[2])) + uint64(t.pred)<<16
}

// cheapLineHash hashes part of what a node map duplicate shares with the statement (s, p,
// ?, g) with key: tableHash (lengths and first and last eight bytes) of the subject and the
// key's value, and termsHashTail.
func cheapLineHash(s, p, g *Term, key *nodeKey) uint64 {
	h := (uint64(tableHash(s.Value))<<32 | uint64(tableHash(key.v))) ^ termsHashTail(s, p, g, key)*0x9E3779B97F4A7C15
	h ^= h >> 32
	h *= 0xD6E8FEB86659FD93
	return h ^ h>>29
}

// appendKey appends key to k.keys serialized: its kind, then 0 and v when it has no typ,
// lang nor ix, else 1, the lengths of typ, lang and ix (four bytes each), typ, lang, ix and
// v. The slice header is stored back only when the array moved: storing a pointer into the
// heap costs a write barrier while the collector marks (and an append of a slice's elements
// to itself, unlike an append of single elements, stores the whole header every time).
func (k *keyedLines) appendKey(key *nodeKey) {
	b := k.keys
	if len(key.typ)+len(key.lang)+len(key.ix) == 0 {
		b = append(b, key.kind, 0)
	} else {
		b = append(b, key.kind, 1)
		for _, n := range [...]int{len(key.typ), len(key.lang), len(key.ix)} {
			b = append(b, byte(n), byte(n>>8), byte(n>>16), byte(n>>24))
		}
		b = append(b, key.typ...)
		b = append(b, key.lang...)
		b = append(b, key.ix...)
	}
	b = append(b, key.v...)
	if cap(b) != cap(k.keys) {
		k.keys = b
	} else {
		k.keys = k.keys[:len(b)]
	}
}
