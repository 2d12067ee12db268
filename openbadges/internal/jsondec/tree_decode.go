package jsondec

import (
	"bytes"
	"errors"
	"math/bits"
	"unicode/utf8"
)

// DecodeTree decodes data (one JSON value with optional surrounding whitespace) into a Tree,
// accepting and refusing exactly what Decode does.
func DecodeTree(data []byte) (*Tree, error) {
	t, _, _, err := decodeTree(data, false, false, nil)
	return t, err
}

// DecodeTreeMembers is DecodeTree for a JSON object, also returning its members in
// document order (duplicates included) and the offset of its closing brace, as
// DecodeObjectMembers does.
func DecodeTreeMembers(data []byte) (*Tree, []Member, int, error) {
	return decodeTree(data, true, false, nil)
}

// DecodeTreeMembersReusing is DecodeTreeMembers decoding into the storage of old (when not
// nil): a Tree that is no longer used, nor any Tree its Without, Graft or WithStrings made,
// nor the members returned with it (the first few of those Trees live in its storage). The strings of old are not reused: values taken from it stay valid.
//
// The Tree's strings are copied, unescaped, into a buffer that old keeps, then into one
// string: the Tree keeps only the text of its strings alive, not all the input, and decoding
// allocates that string only (once the storage has grown to the documents' size).
func DecodeTreeMembersReusing(data []byte, old *Tree) (*Tree, []Member, int, error) {
	if old == nil {
		old = &Tree{}
	}
	return decodeTree(data, true, true, old)
}

// treeDecoder builds a Tree; stack holds the members (name, value) and elements of the
// containers being decoded, moved to the Tree's nodes, sorted, when each one closes.
type treeDecoder struct {
	decoder
	t     *Tree
	stack []node
	// compact says the strings are copied to buf (their nodes are offsets in buf, which
	// becomes the Tree's src) rather than substrings of a copy of the input, d.s.
	compact bool
	buf     []byte
	names   *[1 << nameBits]nameEntry // compact: names in buf, to share them (see nameEntry)
	keys    []node                    // the name nodes of d.members, in order
}

// decodeTree decodes data into a Tree. With compact, the strings are copied to a buffer (see
// DecodeTreeMembersReusing), which old keeps with its other storage; without, d.s is a copy of
// the whole input and the strings substrings of it, which costs less for a single decoding.
func decodeTree(data []byte, object, compact bool, old *Tree) (*Tree, []Member, int, error) {
	d := &treeDecoder{decoder: decoder{b: data}, compact: compact}
	if old == nil {
		old = &Tree{}
	}
	clear(old.strs)
	nodes := old.nodes[:0]
	if cap(nodes) == 0 {
		// A reused Tree grows to what its documents need instead.
		nodes = make([]node, 0, nodeEstimate(data))
	}
	*old = Tree{src: d.s, nodes: nodes, strs: old.strs[:0], nums: old.nums[:0], srcLen: len(data), store: old.store}
	d.t = old
	var list *[]Member // the top-level members, for an object
	if compact {
		st := old.store
		if st == nil {
			st = &treeStore{buf: make([]byte, 0, len(data)+64), stack: make([]node, 0, 64), names: new([1 << nameBits]nameEntry)}
			old.store = st
		} else {
			clear(st.members)
			clear(st.names[:])
			clear(st.derived[:st.nDerived])
			st.nDerived = 0
		}
		d.stack, d.buf, d.keys, d.names, list = st.stack[:0], st.buf[:0], st.keys[:0], st.names, &st.members
		*list = (*list)[:0]
		defer func() { st.stack, st.buf, st.keys = d.stack[:0], d.buf[:0], d.keys[:0] }()
	} else {
		d.s = string(data)
		old.src = d.s
		d.stack = make([]node, 0, 64)
		if object {
			list = new([]Member)
		}
	}
	d.space()
	if object {
		if d.i >= len(data) || data[d.i] != '{' {
			return nil, nil, 0, errors.New("not a JSON object")
		}
		d.members = list
	}
	var v node
	var err error
	if compact {
		v, err = parse(d, d.b)
	} else {
		v, err = parse(d, d.s) // the same offsets, scanned as a string: a little cheaper
	}
	if err != nil {
		return nil, nil, 0, err
	}
	if err := d.end(); err != nil {
		return nil, nil, 0, err
	}
	t := d.t
	if compact {
		t.src = string(d.buf)
	}
	t.nodes = append(t.nodes, v)
	t.root = Ref(len(t.nodes) - 1)
	if bytes.IndexByte(data, 0x7f) >= 0 {
		// The strings decoded without an escape are runs of input bytes with no control
		// character, quote or backslash: with a DEL in the input, any of them may hold one.
		for i := range t.nodes {
			if t.nodes[i].kind == String {
				t.nodes[i].esc = true
			}
		}
	}
	var members []Member
	if d.members != nil && len(*d.members) > 0 {
		members = *d.members
		for i := range members {
			members[i].Key = t.strOf(&d.keys[i])
		}
	}
	return t, members, d.closing, nil
}

// frame is a container being decoded: where its members or elements start on the stack,
// whether it is an object, and whether its member names so far may be out of order.
type frame struct {
	base     int
	prev     uint64 // an object's previous member name's first bytes (see parse)
	object   bool
	unsorted bool // an object's member names may not strictly increase
}

// parse decodes the value at d.i (after any whitespace) and leaves d.i just past it. It is
// one loop over the input, the containers being decoded kept in frames rather than in
// recursive calls: the offset stays in a register, and a value costs no call but for
// strings' scanning.
func parse[T text](d *treeDecoder, s T) (node, error) {
	i := d.i
	var fixed [16]frame
	frames := fixed[:0]
	stack := d.stack
	var v node
	key := false // a member name comes next
	start := 0   // where the value of the current top-level member starts
	for {
		if key {
			if i >= len(s) || s[i] != '"' {
				d.i = i
				return node{}, d.syntax("expected a member name")
			}
			f := &frames[len(frames)-1]
			known := false
			if d.compact && i+9 <= len(s) {
				w := load64(s[i+1:])
				e := &d.names[nameSlot(w)]
				l := int(e.n - e.a)
				// knownLong's usual case inline: a name of 8 to 16 bytes whose last eight
				// bytes are the entry's.
				if e.w == w && w != 0 && (l < 8 || l <= 16 && i+1+l < len(s) && s[i+1+l] == '"' &&
					load64(d.buf[e.n-8:]) == load64(s[i+1+l-8:]) || l > 16 && knownLong(d, s, i+1, e)) {
					j := i + 1 + l
					if e.x <= f.prev {
						f.unsorted = true
					}
					f.prev = e.x
					stack = append(stack, node{kind: String, a: e.a, n: e.n})
					i, known = j+1, true
				}
			}
			if !known {
				j, plain := scanPlain(s, i+1)
				var k node
				if plain {
					// Encoders often write members sorted by name: then the Tree need not sort
					// them. The first eight bytes of a plain name, big-endian, zero-padded past
					// it (a plain name holds no zero byte), above those of the previous name say
					// it comes after; anything else counts as out of order.
					if i+9 <= len(s) {
						x := bits.ReverseBytes64(load64(s[i+1:]))
						if l := j - i - 1; l < 8 {
							x &= ^uint64(0) << (8 * (8 - l))
						}
						if x <= f.prev {
							f.unsorted = true
						}
						f.prev = x
						if d.compact {
							k = d.copyText(i+1, j)
							w := load64(s[i+1:])
							d.names[nameSlot(w)] = nameEntry{w: w, x: x, a: k.a, n: k.n}
							i = j + 1
						} else {
							k, i = node{kind: String, a: int32(i + 1), n: int32(j)}, j+1
						}
					} else {
						f.unsorted = true
						k, i = d.plainNode(i+1, j), j+1
					}
				} else {
					f.unsorted = true
					d.i = i
					var err error
					if k, err = d.strRest(i+1, j); err != nil {
						return node{}, err
					}
					i = d.i
				}
				stack = append(stack, k)
			}
			if i >= len(s) || s[i] != ':' {
				i = skipSpace(s, i)
				if i >= len(s) || s[i] != ':' {
					d.i = i
					return node{}, d.syntax("expected ':' after a member name")
				}
			}
			i++
			// Usually one space, then the value.
			if i+1 < len(s) && s[i] == ' ' && s[i+1] > ' ' {
				i++
			} else {
				i = skipSpace(s, i)
			}
			if len(frames) == 1 {
				start = i
			}
			key = false
		}
		if i >= len(s) {
			d.i = i
			return node{}, d.syntax("unexpected end of JSON input")
		}
		switch c := s[i]; {
		case c == '"':
			j, plain := scanPlain(s, i+1)
			if plain {
				// copyText's usual case inline.
				if a, l := len(d.buf), j-i-1; d.compact && l <= 32 && i+33 <= len(d.b) && a+32 <= cap(d.buf) {
					dst, src := d.buf[a:a+32], d.b[i+1:i+33]
					*(*[16]byte)(dst) = *(*[16]byte)(src)
					*(*[16]byte)(dst[16:]) = *(*[16]byte)(src[16:])
					d.buf = d.buf[:a+l]
					v, i = node{kind: String, a: int32(a), n: int32(a + l)}, j+1
					break
				}
				v, i = d.plainNode(i+1, j), j+1
				break
			}
			d.i = i
			var err error
			if v, err = d.strRest(i+1, j); err != nil {
				return node{}, err
			}
			i = d.i
		case c == '{' || c == '[':
			if len(frames) >= maxDepth {
				d.i = i
				return node{}, d.syntax("exceeded max depth")
			}
			object := c == '{'
			if i++; i < len(s) && s[i] <= ' ' {
				i = skipSpace(s, i)
			}
			if i < len(s) && s[i] == c+2 { // '}' or ']'
				if object {
					if len(frames) == 0 {
						d.closing = i
					}
					v = d.t.addMembers(nil, nil, true)
				} else {
					v = d.t.addElements(nil, 0)
				}
				i++
				break
			}
			frames = append(frames, frame{base: len(stack), object: object})
			key = object
			continue
		case c == '-' || (c >= '0' && c <= '9'):
			d.i = i
			integer, err := d.scanNumber()
			if err != nil {
				return node{}, err
			}
			lit := d.b[i:d.i]
			i = d.i
			v = node{} // a number out of range: d.err is set, decoding goes on, then fails
			if f, ok := d.float(lit, integer); ok {
				d.t.nums = append(d.t.nums, f)
				v = node{kind: Number, a: int32(len(d.t.nums) - 1)}
			}
		case c == 't' || c == 'f' || c == 'n':
			word, kind := "null", Null
			if c == 't' {
				word, kind = "true", True
			} else if c == 'f' {
				word, kind = "false", False
			}
			d.i = i
			if err := d.literal(word); err != nil {
				return node{}, err
			}
			i, v = d.i, node{kind: kind}
		default:
			d.i = i
			return node{}, d.syntax("invalid character %q looking for beginning of value", c)
		}
		// v is whole and i just past it: add it to its container, then close each container
		// it ends.
		for {
			if len(frames) == 0 {
				d.i, d.stack = i, stack
				return v, nil
			}
			f := &frames[len(frames)-1]
			if len(frames) == 1 && f.object && d.members != nil {
				*d.members = append(*d.members, Member{Start: start, End: i}) // Key set at the end
				d.keys = append(d.keys, stack[len(stack)-1])
			}
			stack = append(stack, v)
			if i >= len(s) || s[i] <= ' ' {
				if i = skipSpace(s, i); i >= len(s) {
					d.i = i
					return node{}, d.syntax("unexpected end of JSON input")
				}
			}
			c := s[i]
			if c == ',' {
				// Usually pretty-printed JSON's newline and up to fifteen spaces, then a value.
				if i++; i+17 <= len(s) && s[i] == '\n' {
					k := i + 1
					x := load64(s[k:]) ^ (ones * ' ')
					if x == 0 {
						k += 8
						x = load64(s[k:]) ^ (ones * ' ')
					}
					if k += bits.TrailingZeros64(x) / 8; x != 0 && s[k] > ' ' {
						i = k
					} else {
						i = skipSpace(s, i)
					}
				} else if i < len(s) && s[i] <= ' ' {
					i = skipSpace(s, i)
				}
				key = f.object
				break
			}
			if f.object && c == '}' {
				if len(frames) == 1 {
					d.closing = i
				}
				v = d.t.addMembers(d.text(), stack[f.base:], !f.unsorted)
			} else if !f.object && c == ']' {
				v = d.t.addElements(stack, f.base)
			} else {
				d.i = i
				if f.object {
					return node{}, d.syntax("invalid character %q after object member", c)
				}
				return node{}, d.syntax("invalid character %q after array element", c)
			}
			stack = stack[:f.base]
			frames = frames[:len(frames)-1]
			i++
		}
	}
}

// strRest decodes the string starting at start (d.i at its opening quote) into a node when
// scanPlain found it not plain, its end or first special byte at j: a byte of 0x80 or
// above, or a special byte other than the quote.
func (d *treeDecoder) strRest(start, j int) (node, error) {
	s := d.b
	if j < len(s) && s[j] >= 0x80 {
		j = scanSpecial(s, j)
	}
	end := j
	if j < len(s) && s[j] == '"' {
		if utf8.Valid(s[start:j]) {
			d.i = j + 1
			return d.plainNode(start, j), nil
		}
	} else {
		var err error
		if end, err = d.specialEnd(start, j); err != nil {
			return node{}, err
		}
	}
	d.i = end + 1
	if d.compact {
		a := len(d.buf)
		d.buf = unquoteSlow(d.buf, s[start:end])
		return node{kind: String, esc: true, a: int32(a), n: int32(len(d.buf))}, nil
	}
	d.t.strs = append(d.t.strs, string(unquoteSlow(nil, s[start:end])))
	return node{kind: String, ext: true, esc: true, a: int32(len(d.t.strs) - 1)}, nil
}

// nodeEstimate is a capacity for the nodes of the JSON value data: its strings (half its
// quotes) and a quarter more for its other values, which documents have fewer of (the nodes
// grow past it when not). Counting one byte is vectorized: this costs far less than growing
// the nodes, or counting each byte that starts or separates values.
func nodeEstimate(data []byte) int {
	return bytes.Count(data, []byte{'"'})*5/8 + 16
}
