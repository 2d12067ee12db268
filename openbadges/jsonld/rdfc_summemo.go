package jsonld

import "bytes"

// Hash memo. Hash N-Degree Quads hashes the same short inputs many times: the relation of a
// blank node to the same related node (its first-degree hash or a label) from every call that
// reaches it, and the same related hashes and paths from nodes of one shape. memoSum hashes
// each distinct input once per canonicalization; the bytes hashed stay those of the
// specification.

// sumMemo is a bounded hash table of inputs hashed so far with their digests, keyed by a
// fingerprint of the input (see linesFingerprint).
type sumMemo struct {
	slots []memoSlot // open addressing, memoSlots long; end 0: empty
	buf   []byte     // the inputs, one after the other
	n     int        // the number of slots used
}

// memoSlot is an input (buf[start:end]) with its fingerprint and digest.
type memoSlot struct {
	key        uint64
	start, end int32
	d          digest
}

const (
	memoSlots     = 256     // a power of two; at most half of them are filled
	memoSlotShift = 64 - 8  // log2(memoSlots) high bits of the fingerprint pick the first slot
	maxMemoInput  = 1 << 10 // longer inputs are hashed without the memo
	maxMemoBytes  = 1 << 16 // the memo keeps at most this many bytes of inputs
)

// reset empties m for another canonicalization, keeping its memory.
func (m *sumMemo) reset() {
	if m.n > 0 {
		clear(m.slots)
		m.n = 0
	}
	m.buf = m.buf[:0]
}

// memoSum is c.sum(data), taken from c.memo when data was hashed before.
func (c *canonicalizer) memoSum(data []byte) digest {
	m := &c.memo
	if len(data) == 0 || len(data) > maxMemoInput {
		return c.sum(data)
	}
	if m.slots == nil {
		m.slots = make([]memoSlot, memoSlots)
	}
	key := linesFingerprint(data)
	for p, h := 0, int(key>>memoSlotShift); p < maxSeenProbes; p, h = p+1, (h+1)&(memoSlots-1) {
		sl := &m.slots[h]
		if sl.end == 0 {
			d := c.sum(data)
			if m.n < memoSlots/2 && len(m.buf)+len(data) <= maxMemoBytes {
				start := len(m.buf)
				m.buf = append(m.buf, data...)
				*sl = memoSlot{key, int32(start), int32(len(m.buf)), d}
				m.n++
			}
			return d
		}
		if sl.key == key && bytes.Equal(m.buf[sl.start:sl.end], data) {
			return sl.d
		}
	}
	return c.sum(data)
}
