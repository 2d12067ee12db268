package jsonld

import "bytes"

// Group templates: groupLines sorts a group of lines once per sequence of distinct
// predicates (see groupLines).

// groupTemplate is how a group with distinct predicates sorted (see groupLines): its quads
// in quad order, and per sorted position the index of its quad among those.
type groupTemplate struct {
	quads []int32
	pos   []int32
}

// maxGroupTemplate bounds the size of the groups whose sort groupLines reuses.
const maxGroupTemplate = 16

// samePredicates reports whether quads a and b (of equal lengths) have the same predicates,
// in order.
func (c *canonicalizer) samePredicates(a, b []int32) bool {
	for j, i := range a {
		if !bytes.Equal(c.predicate(i), c.predicate(b[j])) {
			return false
		}
	}
	return true
}

// predicate returns quad i's predicate as serialized ('<' IRI '>').
func (c *canonicalizer) predicate(i int32) []byte {
	t := &c.ls.tmpl[i]
	return c.ls.buf[t.start+t.pred : t.start+t.obj-1]
}
