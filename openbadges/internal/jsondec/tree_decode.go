package jsondec

import (
	"bytes"
	"errors"
	"unicode/utf8"
)

// DecodeTree decodes data (one JSON value with optional surrounding whitespace) into a Tree,
// accepting and refusing exactly what Decode does.
func DecodeTree(data []byte) (*Tree, error) {
	t, _, _, err := decodeTree(data, false, nil)
	return t, err
}

// DecodeTreeMembers is DecodeTree for a JSON object, also returning its members in
// document order (duplicates included) and the offset of its closing brace, as
// DecodeObjectMembers does.
func DecodeTreeMembers(data []byte) (*Tree, []Member, int, error) {
	return decodeTree(data, true, nil)
}

// DecodeTreeMembersReusing is DecodeTreeMembers decoding into the storage of old (when not
// nil): a Tree that is no longer used, nor any Tree Without made from it. The strings of old
// are not reused: values taken from it stay valid.
func DecodeTreeMembersReusing(data []byte, old *Tree) (*Tree, []Member, int, error) {
	return decodeTree(data, true, old)
}

// treeDecoder builds a Tree; stack holds the members (name, value) and elements of the
// containers being decoded, moved to the Tree's nodes, sorted, when each one closes.
type treeDecoder struct {
	decoder
	t     *Tree
	stack []node
}

func decodeTree(data []byte, object bool, old *Tree) (*Tree, []Member, int, error) {
	var members []Member
	d := &treeDecoder{decoder: decoder{s: string(data)}}
	if old == nil {
		old = &Tree{}
	}
	clear(old.strs)
	nodes, stack := old.nodes[:0], old.stack[:0]
	if cap(nodes) == 0 {
		// A reused Tree grows to what its documents need instead.
		nodes = make([]node, 0, nodeEstimate(data))
	}
	if stack == nil {
		stack = make([]node, 0, 64)
	}
	*old = Tree{src: d.s, nodes: nodes, strs: old.strs[:0], nums: old.nums[:0]}
	d.t, d.stack = old, stack
	defer func() { old.stack = d.stack[:0] }()
	d.space()
	if object {
		if d.i >= len(d.s) || d.s[d.i] != '{' {
			return nil, nil, 0, errors.New("not a JSON object")
		}
		d.members = &members
	}
	v, err := d.value()
	if err != nil {
		return nil, nil, 0, err
	}
	d.space()
	if d.i < len(d.s) {
		return nil, nil, 0, d.syntax("invalid character %q after top-level value", d.s[d.i])
	}
	if d.err != nil {
		return nil, nil, 0, d.err
	}
	d.t.nodes = append(d.t.nodes, v)
	d.t.root = Ref(len(d.t.nodes) - 1)
	return d.t, members, d.closing, nil
}

func (d *treeDecoder) value() (node, error) {
	if d.i >= len(d.s) {
		return node{}, d.syntax("unexpected end of JSON input")
	}
	switch c := d.s[d.i]; {
	case c == '{':
		return d.object()
	case c == '[':
		return d.array()
	case c == '"':
		return d.str()
	case c == '-' || (c >= '0' && c <= '9'):
		lit, integer, err := d.scanNumber()
		if err != nil {
			return node{}, err
		}
		f, ok := d.float(lit, integer)
		if !ok {
			return node{}, nil // d.err is set: decoding goes on, then fails
		}
		d.t.nums = append(d.t.nums, f)
		return node{kind: Number, a: int32(len(d.t.nums) - 1)}, nil
	case c == 't':
		return node{kind: True}, d.literal("true")
	case c == 'f':
		return node{kind: False}, d.literal("false")
	case c == 'n':
		return node{}, d.literal("null")
	default:
		return node{}, d.syntax("invalid character %q looking for beginning of value", c)
	}
}

// str decodes the string at d.i into a node.
func (d *treeDecoder) str() (node, error) {
	start := d.i + 1
	j, high := scanPlain(d.s, start)
	if j < len(d.s) && d.s[j] == '"' && !high {
		d.i = j + 1
		return node{kind: String, a: int32(start), n: int32(j)}, nil
	}
	return d.strRest(start, j, high)
}

// strRest is str for a string with a byte of 0x80 or above, or a special byte at j other
// than its closing quote.
func (d *treeDecoder) strRest(start, j int, high bool) (node, error) {
	if j < len(d.s) && d.s[j] == '"' && (!high || utf8.ValidString(d.s[start:j])) {
		d.i = j + 1
		return node{kind: String, a: int32(start), n: int32(j)}, nil
	}
	s, _, err := d.strPlain()
	if err != nil {
		return node{}, err
	}
	d.t.strs = append(d.t.strs, s)
	return node{kind: String, ext: true, a: int32(len(d.t.strs) - 1)}, nil
}

func (d *treeDecoder) object() (node, error) {
	if d.depth++; d.depth > maxDepth {
		return node{}, d.syntax("exceeded max depth")
	}
	d.i++ // {
	base := len(d.stack)
	d.space()
	if d.i < len(d.s) && d.s[d.i] == '}' {
		return d.closeObject(base), nil
	}
	for {
		if d.i >= len(d.s) || d.s[d.i] != '"' {
			return node{}, d.syntax("expected a member name")
		}
		k, err := d.str()
		if err != nil {
			return node{}, err
		}
		if d.i >= len(d.s) || d.s[d.i] != ':' {
			d.space()
			if d.i >= len(d.s) || d.s[d.i] != ':' {
				return node{}, d.syntax("expected ':' after a member name")
			}
		}
		d.i++
		// Usually one space, then the value.
		if d.i+1 < len(d.s) && d.s[d.i] == ' ' && d.s[d.i+1] > ' ' {
			d.i++
		} else {
			d.space()
		}
		start := d.i
		v, err := d.value()
		if err != nil {
			return node{}, err
		}
		d.stack = append(d.stack, k, v)
		if d.members != nil && d.depth == 1 {
			*d.members = append(*d.members, Member{Key: d.t.strOf(&k), Start: start, End: d.i})
		}
		if d.i >= len(d.s) || d.s[d.i] <= ' ' {
			d.space()
			if d.i >= len(d.s) {
				return node{}, d.syntax("unexpected end of JSON input")
			}
		}
		switch d.s[d.i] {
		case ',':
			d.i++
			d.space()
		case '}':
			return d.closeObject(base), nil
		default:
			return node{}, d.syntax("invalid character %q after object member", d.s[d.i])
		}
	}
}

// closeObject ends the object at d.i == '}' whose members are d.stack[base:].
func (d *treeDecoder) closeObject(base int) node {
	if d.depth == 1 {
		d.closing = d.i
	}
	d.i++
	d.depth--
	n := d.t.addMembers(d.stack[base:])
	d.stack = d.stack[:base]
	return n
}

func (d *treeDecoder) array() (node, error) {
	if d.depth++; d.depth > maxDepth {
		return node{}, d.syntax("exceeded max depth")
	}
	d.i++ // [
	base := len(d.stack)
	d.space()
	if d.i < len(d.s) && d.s[d.i] == ']' {
		d.i++
		d.depth--
		return d.t.addElements(d.stack, base), nil
	}
	for {
		v, err := d.value()
		if err != nil {
			return node{}, err
		}
		d.stack = append(d.stack, v)
		if d.i >= len(d.s) || d.s[d.i] <= ' ' {
			d.space()
			if d.i >= len(d.s) {
				return node{}, d.syntax("unexpected end of JSON input")
			}
		}
		switch d.s[d.i] {
		case ',':
			d.i++
			d.space()
		case ']':
			d.i++
			d.depth--
			n := d.t.addElements(d.stack, base)
			d.stack = d.stack[:base]
			return n, nil
		default:
			return node{}, d.syntax("invalid character %q after array element", d.s[d.i])
		}
	}
}

// nodeEstimate is a capacity for the nodes of the JSON value data: its strings (half its
// quotes) and a quarter more for its other values, which documents have fewer of (the nodes
// grow past it when not). Counting one byte is vectorized: this costs far less than growing
// the nodes, or counting each byte that starts or separates values.
func nodeEstimate(data []byte) int {
	return bytes.Count(data, []byte{'"'})*5/8 + 16
}
