package jsondec

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
)

// Kind is the kind of a value of a Tree.
type Kind uint8

// The kinds of JSON values.
const (
	Null Kind = iota
	False
	True
	Number
	String
	Array
	Object
)

// Ref is a value of a Tree (an index into its nodes).
type Ref int32

// node is one value of a Tree, in 12 bytes. It holds no pointer, so a Tree's nodes cost the
// garbage collector nothing to scan.
type node struct {
	kind Kind
	ext  bool // String: the value is strs[a]; Number: strs[n] is its json.Number literal
	// esc (String) says the value may hold a byte N-Quads escapes (below 0x20, '"', '\\',
	// 0x7f): it was unescaped, or not decoded, or its input holds a 0x7f. Unset, the value is
	// a run of input bytes with none of them (see StrPlain).
	esc  bool
	a, n int32 // String: src[a:n] (unless ext); Number: nums[a]; Array: elements nodes[a:a+n]; Object: members nodes[a:a+2n]
}

// Tree is a JSON value decoded into a flat form: the members of each object sorted by name
// (duplicates removed, the last kept, as encoding/json keeps it), its values in one slice of
// pointer-free nodes, its strings substrings of one string (a copy of the input, or of the
// text of its strings: see DecodeTreeMembersReusing). It gives the same
// values as Decode (Value converts) at a fraction of the allocations, and lets a reader walk
// objects in key order without sorting or hashing.
//
// A Tree is immutable once decoded, except that Without adds nodes: it is safe for
// concurrent readers, not for Without concurrent with anything else.
type Tree struct {
	src   string
	nodes []node
	strs  []string // unescaped strings, and every string of a Tree made by FromValue
	nums  []float64
	root  Ref
	// srcLen is the length of the input t was decoded from.
	srcLen int
	// store is the decoder's storage, kept for DecodeTreeMembersReusing (not shared by the
	// Trees Without, Graft and WithStrings make, which are small; the first of those live
	// in it).
	store *treeStore
}

// treeStore is the storage of a compact decoding that its Tree keeps for the next one.
type treeStore struct {
	stack   []node
	buf     []byte                    // the text of the strings, before it is copied to src
	members []Member                  // the members returned with the Tree
	keys    []node                    // the name nodes of members
	names   *[1 << nameBits]nameEntry // see nameEntry (apart: the GC need not scan it)
	// derived holds the first Trees Without, Graft and WithStrings make from the Tree (see
	// derive); nDerived of them are in use.
	derived  [4]Tree
	nDerived int
}

// derive returns v as a Tree made from t: in t's storage while it has room (such a Tree
// lives as long as t, as the nodes it shares with t do), else newly allocated.
func (t *Tree) derive(v Tree) *Tree {
	v.strs = v.strs[:len(v.strs):len(v.strs)] // WithStrings on v appends to a copy
	if st := t.store; st != nil && st.nDerived < len(st.derived) {
		d := &st.derived[st.nDerived]
		st.nDerived++
		*d = v
		return d
	}
	d := new(Tree)
	*d = v
	return d
}

// SourceLen returns the length of the input t was decoded from.
func (t *Tree) SourceLen() int { return t.srcLen }

// Reset drops t's references to its input and strings, keeping its storage for
// DecodeTreeMembersReusing; t is then empty, not to be read.
func (t *Tree) Reset() {
	clear(t.strs)
	if st := t.store; st != nil {
		clear(st.members)
		clear(st.derived[:st.nDerived])
		st.nDerived = 0
	}
	*t = Tree{nodes: t.nodes[:0], strs: t.strs[:0], nums: t.nums[:0], store: t.store}
}

// Root returns the top-level value.
func (t *Tree) Root() Ref { return t.root }

// Kind returns the kind of r.
func (t *Tree) Kind(r Ref) Kind { return t.nodes[r].kind }

// Str returns the value of the string r.
func (t *Tree) Str(r Ref) string {
	n := &t.nodes[r]
	if n.ext {
		return t.strs[n.a]
	}
	return t.src[n.a:n.n]
}

// StrPlain returns the value of the string r, and whether it surely holds no byte below
// 0x20, no '"', no '\\' and no 0x7f: a literal N-Quads writes unchanged. A string decoded
// without an escape from an input holding no 0x7f is plain; one that had an escape, or that
// a Tree made by FromValue or WithStrings holds, is reported not plain (whatever it holds).
func (t *Tree) StrPlain(r Ref) (string, bool) {
	n := &t.nodes[r]
	return t.strOf(n), !n.esc
}

// Num returns the value of the number r, and its literal when the Tree was made by FromValue
// from a json.Number (num is then strconv.ParseFloat's result, error or not).
func (t *Tree) Num(r Ref) (num float64, literal string, isLiteral bool) {
	n := &t.nodes[r]
	if n.ext {
		return t.nums[n.a], t.strs[n.n], true
	}
	return t.nums[n.a], "", false
}

// Len returns the number of elements of the array r or members of the object r.
func (t *Tree) Len(r Ref) int { return int(t.nodes[r].n) }

// Elem returns the i-th element of the array r.
func (t *Tree) Elem(r Ref, i int) Ref { return Ref(t.nodes[r].a) + Ref(i) }

// Member returns the name and value of the i-th member (in name order) of the object r.
func (t *Tree) Member(r Ref, i int) (string, Ref) {
	k := Ref(t.nodes[r].a) + 2*Ref(i)
	return t.Str(k), k + 1
}

// Get returns the value of the member name of the object r.
func (t *Tree) Get(r Ref, name string) (Ref, bool) {
	first, n := Ref(t.nodes[r].a), int(t.nodes[r].n)
	i := sort.Search(n, func(i int) bool { return t.Str(first+2*Ref(i)) >= name })
	if i < n && t.Str(first+2*Ref(i)) == name {
		return first + 2*Ref(i) + 1, true
	}
	return 0, false
}

// Value returns r in the generic form Decode gives (map[string]any, []any, string, float64,
// bool, nil; json.Number for the literals of a Tree made by FromValue).
func (t *Tree) Value(r Ref) any {
	n := &t.nodes[r]
	switch n.kind {
	case False:
		return false
	case True:
		return true
	case Number:
		if n.ext {
			return json.Number(t.strs[n.n])
		}
		return t.nums[n.a]
	case String:
		return t.Str(r)
	case Array:
		a := make([]any, n.n)
		for i := range a {
			a[i] = t.Value(Ref(n.a) + Ref(i))
		}
		return a
	case Object:
		m := make(map[string]any, n.n)
		for i := range int(n.n) {
			k, v := t.Member(r, i)
			m[k] = t.Value(v)
		}
		return m
	}
	return nil
}

// Without returns a Tree whose top-level value is the top-level object of t without its
// member name (t itself when that is not an object, or has no such member). The two share
// their nodes.
func (t *Tree) Without(name string) *Tree {
	if t.nodes[t.root].kind != Object {
		return t
	}
	if _, ok := t.Get(t.root, name); !ok {
		return t
	}
	root := t.nodes[t.root]
	first := int32(len(t.nodes))
	for i := range int(root.n) {
		k := int(root.a) + 2*i
		if t.Str(Ref(k)) != name {
			t.nodes = append(t.nodes, t.nodes[k], t.nodes[k+1])
		}
	}
	t.nodes = append(t.nodes, node{kind: Object, a: first, n: root.n - 1})
	nodes := t.nodes[:len(t.nodes):len(t.nodes)]
	return t.derive(Tree{src: t.src, nodes: nodes, strs: t.strs, nums: t.nums, root: Ref(len(nodes) - 1)})
}

// Graft returns a Tree whose top-level value is the object obj of t without its members
// drop and take, plus the member take of t's top-level object (so that one replaces obj's
// own). It returns nil when t's top-level value is not an object with a member take, or obj
// is not an object. The two share their nodes, as with Without; drop may equal take.
func (t *Tree) Graft(obj Ref, drop, take string) *Tree {
	if t.nodes[t.root].kind != Object || t.nodes[obj].kind != Object {
		return nil
	}
	tv, ok := t.Get(t.root, take)
	if !ok {
		return nil
	}
	tk := tv - 1 // the member's name node
	o := t.nodes[obj]
	first := int32(len(t.nodes))
	placed := false
	for i := range int(o.n) {
		k := int(o.a) + 2*i
		name := t.Str(Ref(k))
		if !placed && name > take {
			t.nodes = append(t.nodes, t.nodes[tk], t.nodes[tv])
			placed = true
		}
		if name != drop && name != take {
			t.nodes = append(t.nodes, t.nodes[k], t.nodes[k+1])
		}
	}
	if !placed {
		t.nodes = append(t.nodes, t.nodes[tk], t.nodes[tv])
	}
	t.nodes = append(t.nodes, node{kind: Object, a: first, n: (int32(len(t.nodes)) - first) / 2})
	nodes := t.nodes[:len(t.nodes):len(t.nodes)]
	return t.derive(Tree{src: t.src, nodes: nodes, strs: t.strs, nums: t.nums, root: Ref(len(nodes) - 1)})
}

func (t *Tree) strOf(n *node) string {
	if n.ext {
		return t.strs[n.a]
	}
	return t.src[n.a:n.n]
}

// addElements appends stack[base:] to the nodes as an array's elements.
func (t *Tree) addElements(stack []node, base int) node {
	first := int32(len(t.nodes))
	t.nodes = append(t.nodes, stack[base:]...)
	return node{kind: Array, a: first, n: int32(len(stack) - base)}
}

// addMembers sorts pairs (name, value, name, value...) by name, keeps the last of equal
// names, and appends them to the nodes as an object's members. sorted says the names
// already strictly increase (then there is nothing to sort or drop). The names that are not
// ext are text[a:n] (the nodes are being decoded: t.src is not made yet).
func (t *Tree) addMembers(text []byte, pairs []node, sorted bool) node {
	first := int32(len(t.nodes))
	if sorted {
		t.nodes = append(t.nodes, pairs...)
		return node{kind: Object, a: first, n: int32(len(pairs) / 2)}
	}
	ps := memberPairs{t, text, pairs}
	if len(pairs) <= 32 {
		// Insertion sort: stable, and objects are small.
		for i := 2; i < len(pairs); i += 2 {
			for j := i; j > 0 && ps.less(&pairs[j], &pairs[j-2]); j -= 2 {
				ps.Swap(j/2, j/2-1)
			}
		}
	} else {
		sort.Stable(ps)
	}
	for i := 0; i < len(pairs); i += 2 {
		if i+2 < len(pairs) && !ps.less(&pairs[i], &pairs[i+2]) {
			continue // a later duplicate wins (sorted: not less is equal)
		}
		t.nodes = append(t.nodes, pairs[i], pairs[i+1])
	}
	return node{kind: Object, a: first, n: (int32(len(t.nodes)) - first) / 2}
}

// memberPairs sorts (name, value) node pairs by name.
type memberPairs struct {
	t     *Tree
	text  []byte // the text of the names that are not ext
	pairs []node
}

// less compares the names x and y (the string conversions of text in comparisons copy
// nothing).
func (p memberPairs) less(x, y *node) bool {
	switch {
	case !x.ext && !y.ext:
		return string(p.text[x.a:x.n]) < string(p.text[y.a:y.n])
	case x.ext && y.ext:
		return p.t.strs[x.a] < p.t.strs[y.a]
	case x.ext:
		return p.t.strs[x.a] < string(p.text[y.a:y.n])
	}
	return string(p.text[x.a:x.n]) < p.t.strs[y.a]
}

func (p memberPairs) Len() int           { return len(p.pairs) / 2 }
func (p memberPairs) Less(i, j int) bool { return p.less(&p.pairs[2*i], &p.pairs[2*j]) }
func (p memberPairs) Swap(i, j int) {
	p.pairs[2*i], p.pairs[2*j] = p.pairs[2*j], p.pairs[2*i]
	p.pairs[2*i+1], p.pairs[2*j+1] = p.pairs[2*j+1], p.pairs[2*i+1]
}

// FromValue makes a Tree of a value in the generic form (map[string]any, []any, string,
// float64, json.Number, bool, nil). Any other Go value, or nesting deeper than Decode
// accepts, is an error.
func FromValue(v any) (*Tree, error) {
	nodes, strs, nums := countValue(v, 0)
	if nodes < 0 {
		return nil, errors.New("nested too deep")
	}
	t := &Tree{nodes: make([]node, 0, nodes), strs: make([]string, 0, strs), nums: make([]float64, 0, nums)}
	stack := make([]node, 0, 32)
	n, err := t.from(v, &stack, 0)
	if err != nil {
		return nil, err
	}
	t.nodes = append(t.nodes, n)
	t.root = Ref(len(t.nodes) - 1)
	return t, nil
}

// countValue returns the numbers of nodes, strings and numbers FromValue(v) stores; nodes is
// -1 past maxDepth (a cyclic value, say).
func countValue(v any, depth int) (nodes, strs, nums int) {
	if depth > maxDepth {
		return -1, 0, 0
	}
	switch x := v.(type) {
	case string:
		return 1, 1, 0
	case float64:
		return 1, 0, 1
	case json.Number:
		return 1, 1, 1
	case []any:
		nodes = 1
		for _, e := range x {
			n, s, f := countValue(e, depth+1)
			if n < 0 {
				return -1, 0, 0
			}
			nodes, strs, nums = nodes+n, strs+s, nums+f
		}
	case map[string]any:
		nodes, strs = 1, len(x)
		for _, e := range x {
			n, s, f := countValue(e, depth+1)
			if n < 0 {
				return -1, 0, 0
			}
			nodes, strs, nums = nodes+n+1, strs+s, nums+f
		}
	default:
		return 1, 0, 0
	}
	return nodes, strs, nums
}

func (t *Tree) addStr(s string) node {
	t.strs = append(t.strs, s)
	return node{kind: String, ext: true, esc: true, a: int32(len(t.strs) - 1)}
}

func (t *Tree) from(v any, stack *[]node, depth int) (node, error) {
	if depth > maxDepth {
		return node{}, errors.New("nested too deep")
	}
	switch x := v.(type) {
	case nil:
		return node{}, nil
	case bool:
		if x {
			return node{kind: True}, nil
		}
		return node{kind: False}, nil
	case float64:
		t.nums = append(t.nums, x)
		return node{kind: Number, a: int32(len(t.nums) - 1)}, nil
	case json.Number:
		f, _ := strconv.ParseFloat(string(x), 64)
		t.nums = append(t.nums, f)
		t.strs = append(t.strs, string(x))
		return node{kind: Number, ext: true, a: int32(len(t.nums) - 1), n: int32(len(t.strs) - 1)}, nil
	case string:
		return t.addStr(x), nil
	case []any:
		base := len(*stack)
		for _, e := range x {
			n, err := t.from(e, stack, depth+1)
			if err != nil {
				return node{}, err
			}
			*stack = append(*stack, n)
		}
		n := t.addElements(*stack, base)
		*stack = (*stack)[:base]
		return n, nil
	case map[string]any:
		base := len(*stack)
		for k, e := range x {
			n, err := t.from(e, stack, depth+1)
			if err != nil {
				return node{}, err
			}
			*stack = append(*stack, t.addStr(k), n)
		}
		n := t.addMembers(nil, (*stack)[base:], false)
		*stack = (*stack)[:base]
		return n, nil
	}
	return node{}, fmt.Errorf("unsupported Go type %T", v)
}
