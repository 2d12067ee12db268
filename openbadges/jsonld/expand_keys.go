package jsonld

import (
	"slices"
	"strings"

	"github.com/rosettebadges/rosette/openbadges/internal/jsondec"
)

// expandedKey is a member name expanded in the active context: its IRI or keyword e ("" for
// a term mapped to null), its term definition (nil when it is not a term) and whether e is
// an absolute IRI.
type expandedKey struct {
	e   string
	def *termDef
	abs bool
	// k and v are the member (name and value) the key is of, see pushMembers.
	k string
	v jsondec.Ref
}

// expandKey is expandIRIInContext(active, k, true, nil, nil, false) for a member name, with
// a null mapping given as "", k's term definition in active and whether the expansion is an
// absolute IRI (from the definition: no scan).
func expandKey(active *activeCtx, k string) expandedKey {
	var x expandedKey
	x.expand(active, k)
	return x
}

// expand sets x.e, x.def and x.abs to the expansion of k in active (see expandKey), writing
// each once (x may be in pooled memory, where a pointer write costs a write barrier while
// the collector marks).
func (x *expandedKey) expand(active *activeCtx, k string) {
	if len(k) > 0 && k[0] == '@' {
		if isKeyword(k) {
			x.e, x.def, x.abs = k, nil, false
			return
		}
		if looksLikeKeyword(k) {
			x.e, x.def, x.abs = "", nil, false
			return
		}
	}
	if d, ok := active.term(k); ok {
		if d.null {
			x.e, x.def, x.abs = "", d, false
			return
		}
		x.e, x.def, x.abs = d.id, d, d.abs
		return
	}
	e, null, _ := expandNonTerm(active, k, true, nil, nil, false)
	if null {
		x.e, x.def, x.abs = "", nil, false
		return
	}
	x.e, x.def, x.abs = e, nil, isRDFIRI(e)
}

// pushMembers pushes the members of the object m on the f.exp stack (names and values; their
// other fields are stale until node expands them) and returns where they start.
func (f *fastBuilder) pushMembers(m jsondec.Ref) int {
	t := f.t
	base, n := len(f.exp), t.Len(m)
	f.exp = slices.Grow(f.exp, n)[:base+n]
	ms := f.exp[base : base+n : base+n]
	for i := range ms {
		// Only the name and value: node sets the rest (fewer pointer writes).
		x := &ms[i]
		x.k, x.v = t.Member(m, i)
	}
	return base
}

// contextMember returns the value of the member "@context" among the members ms (sorted by
// name, so it is among the first ones).
func contextMember(ms []expandedKey) (jsondec.Ref, bool) {
	for i := range ms {
		k := ms[i].k
		if k == "@context" {
			return ms[i].v, true
		}
		if len(k) > 0 && k[0] > '@' {
			break
		}
	}
	return 0, false
}

// termAlias is a term mapped to a keyword.
type termAlias struct{ term, keyword string }

// keywordAliases returns the terms of terms mapped to a keyword, sorted.
func keywordAliases(terms map[string]*termDef) []termAlias {
	var out []termAlias
	for k, d := range terms {
		if !d.null && isKeyword(d.id) {
			out = append(out, termAlias{k, d.id})
		}
	}
	slices.SortFunc(out, func(a, b termAlias) int { return strings.Compare(a.term, b.term) })
	return out
}

// keywordOf returns the keyword the member name k expands to in active, or "" when it does
// not expand to a keyword: expandIRIInContext(active, k, true, nil, nil, false) when that
// is a keyword, without its term lookup (a term expands to a keyword only as an alias).
func keywordOf(active *activeCtx, k string) string {
	if !mayBeKeyword(active, k) {
		return ""
	}
	return keywordOfAlias(active, k)
}

// mayBeKeyword is keywordOf's quick rejection: false when k does not expand to a keyword.
func mayBeKeyword(active *activeCtx, k string) bool {
	return len(k) > 0 && (k[0] == '@' || active.aliasMask&(1<<aliasBit(k)) != 0)
}

// aliasBit is the bit of activeCtx.aliasMask for the alias term k (not empty).
func aliasBit(k string) uint { return (uint(len(k))*7 + uint(k[0])) & 63 }

// keywordOfAlias is keywordOf past its quick rejection.
//
//go:noinline
func keywordOfAlias(active *activeCtx, k string) string {
	if len(k) > 0 && k[0] == '@' && isKeyword(k) {
		return k
	}
	for _, a := range active.aliases {
		if a.term == k {
			return a.keyword
		}
	}
	return ""
}

// distinctProperties reports whether no two keys expand to the same IRI. It compares pairs,
// so beyond 32 keys it answers false (the caller then de-duplicates with its table), which
// keeps a document with thousands of keys in one object from costing millions of compares.
func distinctProperties(keys []expandedKey) bool {
	if len(keys) > 32 {
		return false
	}
	for i := range keys {
		for j := range i {
			if keys[j].e == keys[i].e && keys[i].e != "" {
				return false
			}
		}
	}
	return true
}

// seenKey reports whether one of vals has the node map identity k (never when k is zero).
func seenKey(vals []emitted, k *nodeKey) bool {
	if k.kind == 0 {
		return false
	}
	for i := range vals {
		if vals[i].key == *k {
			return true
		}
	}
	return false
}
