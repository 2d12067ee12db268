package jsondec

// WithStrings returns a Tree whose top-level value is an object of the member take of t's
// top-level object and the members names[i] whose values are the strings values[i]: an
// object made without writing and decoding JSON (a proof configuration, say). It returns
// nil when t's top-level value is not an object with a member take, names and values differ
// in length, or a name repeats (take included). The two share their nodes and strings, as
// with Without.
func (t *Tree) WithStrings(take string, names, values []string) *Tree {
	if t.nodes[t.root].kind != Object || len(names) != len(values) {
		return nil
	}
	tv, ok := t.Get(t.root, take)
	if !ok {
		return nil
	}
	// The order of the members by name: take is -1, names[i] is i (insertion sort, stable).
	var fixed [16]int
	order := fixed[:0]
	if len(names)+1 > len(fixed) {
		order = make([]int, 0, len(names)+1)
	}
	name := func(k int) string {
		if k < 0 {
			return take
		}
		return names[k]
	}
	for k := -1; k < len(names); k++ {
		order = append(order, k)
		for j := len(order) - 1; j > 0 && name(order[j]) < name(order[j-1]); j-- {
			order[j], order[j-1] = order[j-1], order[j]
		}
	}
	for j := 1; j < len(order); j++ {
		if name(order[j]) == name(order[j-1]) {
			return nil
		}
	}
	first := int32(len(t.nodes))
	for _, k := range order {
		if k < 0 {
			t.nodes = append(t.nodes, t.nodes[tv-1], t.nodes[tv])
			continue
		}
		t.nodes = append(t.nodes, t.addStr(names[k]), t.addStr(values[k]))
	}
	t.nodes = append(t.nodes, node{kind: Object, a: first, n: int32(len(order))})
	nodes := t.nodes[:len(t.nodes):len(t.nodes)]
	return t.derive(Tree{src: t.src, nodes: nodes, strs: t.strs, nums: t.nums, root: Ref(len(nodes) - 1)})
}
