package jsonld

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/binary"
	"slices"
	"strconv"
)

// issuer is an RDFC-1.0 identifier issuer over blank node ids: the number issued to each id
// (its label is prefix and that number) and the ids in issue order.
type issuer struct {
	prefix string
	issued []int32 // per blank node id: its number, or -1
	order  []int32
}

func (is *issuer) has(id int32) bool { return is.issued[id] >= 0 }

// number returns the number issued to id, issuing the next one if it has none.
func (is *issuer) number(id int32) int32 {
	if v := is.issued[id]; v >= 0 {
		return v
	}
	v := int32(len(is.order))
	is.issued[id] = v
	is.order = append(is.order, id)
	return v
}

// appendLabel appends the label of number n.
func (is *issuer) appendLabel(b []byte, n int32) []byte {
	b = append(b, is.prefix...)
	return strconv.AppendInt(b, int64(n), 10)
}

// digest is a hash value of RDFC-1.0: SHA-256's 32 bytes (then zero-padded) or SHA-384's 48.
// Digests compare in the order of their hexadecimal forms, which the specification sorts.
type digest [sha512.Size384]byte

func compareDigests(a, b *digest) int { return bytes.Compare(a[:], b[:]) }

// sum returns the digest of data with the canonicalizer's hash function, in one call
// (cheaper for the short inputs of RDFC-1.0 than a hash.Hash's Reset, Write and Sum).
func (c *canonicalizer) sum(data []byte) (d digest) {
	if c.opts.Hash == SHA384 {
		return sha512.Sum384(data)
	}
	h := sha256.Sum256(data)
	copy(d[:], h[:])
	return d
}

// appendHex appends d in lower-case hexadecimal, as the specification writes hashes: four
// bytes' digits at a time, in one 8-byte store.
func (c *canonicalizer) appendHex(b []byte, d *digest) []byte {
	n := sha256.Size
	if c.opts.Hash == SHA384 {
		n = sha512.Size384
	}
	b = slices.Grow(b, 2*n)
	h := b[len(b) : len(b)+2*n]
	if n == sha256.Size {
		hex32((*[64]byte)(h), (*[32]byte)(d[:32]))
	} else {
		for i := 0; i+4 <= n; i += 4 {
			binary.LittleEndian.PutUint64(h[2*i:], hex4((*[4]byte)(d[i:])))
		}
	}
	return b[:len(b)+2*n]
}

// hex32 writes the digits of the 32 bytes of d to h.
func hex32(h *[64]byte, d *[32]byte) {
	le := binary.LittleEndian
	le.PutUint64(h[0:], hex4((*[4]byte)(d[0:])))
	le.PutUint64(h[8:], hex4((*[4]byte)(d[4:])))
	le.PutUint64(h[16:], hex4((*[4]byte)(d[8:])))
	le.PutUint64(h[24:], hex4((*[4]byte)(d[12:])))
	le.PutUint64(h[32:], hex4((*[4]byte)(d[16:])))
	le.PutUint64(h[40:], hex4((*[4]byte)(d[20:])))
	le.PutUint64(h[48:], hex4((*[4]byte)(d[24:])))
	le.PutUint64(h[56:], hex4((*[4]byte)(d[28:])))
}

// hex4 returns the 8 digits of x, the first in the low byte.
func hex4(x *[4]byte) uint64 {
	return uint64(hexPairs[x[0]]) | uint64(hexPairs[x[1]])<<16 | uint64(hexPairs[x[2]])<<32 | uint64(hexPairs[x[3]])<<48
}

// hexPairs holds each byte's two lower-case hexadecimal digits, the first in the low byte.
// Immutable.
var hexPairs = func() (t [256]uint16) {
	const digits = "0123456789abcdef"
	for i := range t {
		t[i] = uint16(digits[i>>4]) | uint16(digits[i&15])<<8
	}
	return t
}()

// hashFirstDegree is RDFC-1.0 §4.6.
func (c *canonicalizer) hashFirstDegree(ref int32) *digest {
	if c.firstDone[ref] {
		return &c.firstHash[ref]
	}
	// The sorted lines, one after the other, hashed in one call. They stay in sortedBuf, so
	// that a blank node whose lines are those of an earlier one takes its hash unhashed.
	sorted := c.sortedBuf
	start := len(sorted)
	labels := c.firstDegreeLabels(ref)
	if c.grouped {
		sorted = c.appendFirstDegreeLines(sorted, ref, labels)
	} else {
		buf, spans := c.sortedLines(c.bnodeQuads[ref], labels)
		for _, sp := range spans {
			sorted = append(sorted, buf[sp.start:sp.end]...)
		}
	}
	labels.unref(ref)
	c.sortedBuf = sorted
	if same := c.sameFirstDegree(ref, start); same >= 0 {
		c.firstHash[ref] = c.firstHash[same]
	} else {
		c.firstHash[ref] = c.sum(sorted[start:])
	}
	c.firstDone[ref] = true
	return &c.firstHash[ref]
}

// firstDegreeSeen finds blank nodes whose first-degree lines are byte for byte those of an
// earlier one (list nodes of one shape, the nodes of repeated structures): a hash table of
// the nodes hashed so far, keyed by a fingerprint of their lines in sortedBuf.
type firstDegreeSeen struct {
	slots []seenSlot // open addressing, a power of two long; id -1: empty
	shift uint       // 64 - log2(len(slots))
	lines []span     // per blank node id: its lines in sortedBuf, once hashed
}

// seenSlot is a hashed blank node with the fingerprint of its lines.
type seenSlot struct {
	key uint64
	id  int32
}

// maxSeenProbes bounds the slots looked at per blank node, so that many nodes with alike
// fingerprints cost a few comparisons each, not one per earlier node.
const maxSeenProbes = 4

// reset readies s for n blank nodes.
func (s *firstDegreeSeen) reset(n int) {
	bits := uint(4)
	for 1<<bits < 2*n {
		bits++
	}
	s.slots = slices.Grow(s.slots[:0], 1<<bits)[:1<<bits]
	for i := range s.slots {
		s.slots[i] = seenSlot{id: -1}
	}
	s.shift = 64 - bits
	s.lines = slices.Grow(s.lines[:0], n)[:n]
}

// sameFirstDegree returns an earlier blank node whose first-degree lines are ref's (those of
// sortedBuf from start on), or -1 after noting ref's.
func (c *canonicalizer) sameFirstDegree(ref int32, start int) int32 {
	s := &c.fdSeen
	lines := c.sortedBuf[start:]
	s.lines[ref] = span{start, len(c.sortedBuf)}
	key := linesFingerprint(lines)
	mask := len(s.slots) - 1
	for p, h := 0, int(key>>s.shift); p < maxSeenProbes; p, h = p+1, (h+1)&mask {
		sl := &s.slots[h]
		if sl.id < 0 {
			*sl = seenSlot{key, ref}
			return -1
		}
		if sl.key == key {
			sp := s.lines[sl.id]
			if bytes.Equal(c.sortedBuf[sp.start:sp.end], lines) {
				return sl.id
			}
		}
	}
	return -1
}

// linesFingerprint mixes the length of b and 16 of its bytes.
func linesFingerprint(b []byte) uint64 {
	k := uint64(len(b))
	if len(b) >= 16 {
		le := binary.LittleEndian
		k ^= le.Uint64(b[len(b)/2:])*0x9E3779B97F4A7C15 ^ le.Uint64(b[len(b)-16:])*0xC2B2AE3D27D4EB4F
	}
	return (k ^ k>>29) * 0xBF58476D1CE4E5B9
}

// span is one line of a buffer of N-Quads lines.
type span struct{ start, end int }

// sortSpans sorts the lines of buf. When the dataset holds no supplementary character (no
// byte >= 0xF0 in its lines' templates; labels are ASCII), UTF-16 code unit order is byte
// order: see sortBytes.
func (c *canonicalizer) sortSpans(buf []byte, spans []span) {
	if c.opts.CodePointOrder || !c.supplementary {
		c.sortBytes(buf, spans)
		return
	}
	slices.SortFunc(spans, func(a, b span) int { return compareUTF16(buf[a.start:a.end], buf[b.start:b.end]) })
}

// keyedSpan is a line with its first 8 bytes as a big-endian integer (zero-padded).
type keyedSpan struct {
	key        uint64
	start, end int
}

// sortBytes sorts the lines of buf in byte order. Comparing the 8-byte keys first settles
// most comparisons without reading the lines; equal keys fall back to the bytes. Padding a
// short line with zero bytes keeps the order: it then sorts before every line it is a
// prefix of, as bytes.Compare puts it, and lines with equal keys are compared whole.
func (c *canonicalizer) sortBytes(buf []byte, spans []span) {
	if len(spans) < 32 {
		slices.SortFunc(spans, func(a, b span) int { return bytes.Compare(buf[a.start:a.end], buf[b.start:b.end]) })
		return
	}
	ks := slices.Grow(c.keyed[:0], len(spans))
	for _, sp := range spans {
		var k [8]byte
		copy(k[:], buf[sp.start:sp.end])
		ks = append(ks, keyedSpan{binary.BigEndian.Uint64(k[:]), sp.start, sp.end})
	}
	slices.SortFunc(ks, func(a, b keyedSpan) int {
		if a.key != b.key {
			return cmp.Compare(a.key, b.key)
		}
		return bytes.Compare(buf[a.start:a.end], buf[b.start:b.end])
	})
	for i, k := range ks {
		spans[i] = span{k.start, k.end}
	}
	c.keyed = ks
}

// hasSupplementary reports whether b holds a byte >= 0xF0 (the first byte of a supplementary
// character in UTF-8), testing 64 bytes at a time for the ASCII-only runs.
func hasSupplementary(b []byte) bool {
	const high = 0x8080808080808080
	le := binary.LittleEndian
	for len(b) >= 64 {
		w := (*[64]byte)(b)
		if (le.Uint64(w[:])|le.Uint64(w[8:])|le.Uint64(w[16:])|le.Uint64(w[24:])|
			le.Uint64(w[32:])|le.Uint64(w[40:])|le.Uint64(w[48:])|le.Uint64(w[56:]))&high != 0 && bytesFrom(w[:], 0xF0) {
			return true
		}
		b = b[64:]
	}
	return bytesFrom(b, 0xF0)
}

// bytesFrom reports whether b holds a byte >= min.
func bytesFrom(b []byte, min byte) bool {
	for _, c := range b {
		if c >= min {
			return true
		}
	}
	return false
}

// hashRelated is RDFC-1.0 §4.7.
func (c *canonicalizer) hashRelated(related, quad int32, is *issuer, position byte) digest {
	b := c.buf[:0]
	b = append(b, position)
	if position != 'g' {
		t := &c.ls.tmpl[quad]
		b = append(b, c.ls.line(quad)[t.pred:t.obj-1]...) // '<' predicate '>'
	}
	if v := c.canon.issued[related]; v >= 0 {
		b = append(b, "_:"...)
		b = c.canon.appendLabel(b, v)
	} else if v := is.issued[related]; v >= 0 {
		b = append(b, "_:"...)
		b = is.appendLabel(b, v)
	} else {
		b = c.appendHex(b, c.hashFirstDegree(related))
	}
	c.buf = b
	return c.memoSum(b)
}

// nextPermutation rearranges s (blank node ids, ordered by label) into the next
// lexicographic permutation, reporting false after the last one. Starting from sorted order
// it visits every permutation once.
func (c *canonicalizer) nextPermutation(s []int32) bool {
	i := len(s) - 2
	for i >= 0 && c.compareLabels(s[i], s[i+1]) >= 0 {
		i--
	}
	if i < 0 {
		return false
	}
	j := len(s) - 1
	for c.compareLabels(s[j], s[i]) <= 0 {
		j--
	}
	s[i], s[j] = s[j], s[i]
	slices.Reverse(s[i+1:])
	return true
}
