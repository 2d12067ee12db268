package jsondec

// The text of the strings of a compact decoding (see DecodeTreeMembersReusing): copied from
// the input string by string, member names shared.

// plainNode is the node of the string data[start:end], which needs no unescaping.
func (d *treeDecoder) plainNode(start, end int) node {
	if d.compact {
		return d.copyText(start, end)
	}
	return node{kind: String, a: int32(start), n: int32(end)}
}

// copyText appends data[start:end] to the text of a compact decoding and returns its node.
// Strings are short: rather than call memmove for each, one of up to 32 bytes is copied as
// 32 bytes, past its end (the bytes there are overwritten by the next text, or lie past the
// text's length), when the input and the buffer have room for it.
func (d *treeDecoder) copyText(start, end int) node {
	a, l := len(d.buf), end-start
	if l <= 32 && start+32 <= len(d.b) && a+32 <= cap(d.buf) {
		dst, src := d.buf[a:a+32], d.b[start:start+32]
		*(*[16]byte)(dst) = *(*[16]byte)(src)
		*(*[16]byte)(dst[16:]) = *(*[16]byte)(src[16:])
		d.buf = d.buf[:a+l]
	} else {
		d.buf = append(d.buf, d.b[start:end]...)
	}
	return node{kind: String, a: int32(a), n: int32(a + l)}
}

// text is the text of the nodes that are not ext while decoding.
func (d *treeDecoder) text() []byte {
	if d.compact {
		return d.buf
	}
	return d.b
}

// nameBits sizes the table of member names of a compact decoding (1<<nameBits entries).
const nameBits = 8

// nameEntry is a member name copied to the text of a compact decoding: the eight bytes of
// the input from its first, its first bytes as parse orders names, and its offsets in the
// text. Documents repeat their names (each object of an array has the same ones): parse
// looks a name up in a table of the names seen (one per slot, the latest) before scanning
// it, and a name already in the text is shared.
//
// An entry's name is plain, of length l, and its w is the input's eight bytes from its
// first: a name shorter than eight bytes is the entry's when those eight bytes are the same
// (its closing quote among them); a longer one when its first and last eight bytes (or all
// of them) are the same and a quote follows. A zero w is no name (a control character) but
// an empty slot's.
type nameEntry struct {
	w, x uint64
	a, n int32
}

// nameSlot is the slot of the table of names for the eight bytes w of the input from a
// name's first.
func nameSlot(w uint64) uint64 { return (w * 0x9e3779b97f4a7c15) >> (64 - nameBits) }

// knownLong says, for an entry of eight bytes or more whose w is the input's eight bytes
// at s[i], whether the member name starting at s[i] is the entry's (see nameEntry).
func knownLong[T text](d *treeDecoder, s T, i int, e *nameEntry) bool {
	j := i + int(e.n-e.a)
	if j >= len(s) || s[j] != '"' {
		return false
	}
	if e.n-e.a <= 16 {
		return load64(d.buf[e.n-8:]) == load64(s[j-8:])
	}
	return string(d.buf[e.a:e.n]) == string(s[i:j])
}
