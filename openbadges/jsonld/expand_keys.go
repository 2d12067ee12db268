package jsonld

import (
	"slices"
	"strings"

	"github.com/rosettebadges/rosette/openbadges/internal/jsondec"
)

// expandedKey is what node keeps, on the f.exp stack, of a member besides its name and
// expansion: its value, and of the name expanded in the active context the index of its term definition in the
// context's tab.defs (-1 when it is not a term, or is mapped to null), whether the
// expansion is an absolute IRI, and whether the name is "@context". It holds no pointer
// (the stack is pooled: a pointer written there costs a write barrier while the collector
// marks); the expansion (a string) is kept on the goroutine stack, see node.
type expandedKey struct {
	v     jsondec.Ref // the member's value
	def   int32
	kw    uint8 // keywordCode of the expansion
	abs   bool
	isCtx bool
}

// Keyword codes (see keywordCode).
const (
	kwNone  uint8 = iota // not a keyword
	kwID                 // @id
	kwType               // @type
	kwOther              // another keyword
)

// keywordCode returns the keyword code of the expansion e.
func keywordCode(e string) uint8 {
	if len(e) == 0 || e[0] != '@' {
		return kwNone
	}
	switch e {
	case "@id":
		return kwID
	case "@type":
		return kwType
	}
	if isKeyword(e) {
		return kwOther
	}
	return kwNone
}

// expandName is expandIRIInContext(active, k, true, nil, nil, false) for a member name or a
// type, with a null mapping given as "", the index of k's term definition in active.tab.defs
// (-1 when none, or null), the keyword code of the expansion and whether it is an absolute
// IRI (from the definition: no scan).
func expandName(active *activeCtx, k string) (e string, def int32, kw uint8, abs bool) {
	if len(k) > 0 && k[0] == '@' {
		if isKeyword(k) {
			return k, -1, keywordCode(k), false
		}
		if looksLikeKeyword(k) {
			return "", -1, kwNone, false
		}
	}
	if i := active.termIndex(k); i >= 0 {
		d := active.tab.defs[i]
		if d.null {
			return "", -1, kwNone, false
		}
		return d.id, i, d.kw, d.abs
	}
	e, null, _ := expandNonTerm(active, k, true, nil, nil, false)
	if null {
		return "", -1, kwNone, false
	}
	return e, -1, keywordCode(e), isRDFIRI(e)
}

// defOf returns the term definition x refers to in active (the context x was expanded in),
// nil when none.
func (x *expandedKey) defOf(active *activeCtx) *termDef {
	if x.def < 0 {
		return nil
	}
	return active.tab.defs[x.def]
}

// contextMember returns the value of the member "@context" of the object m (its members are
// sorted by name, so it is among the first ones).
func (f *fastBuilder) contextMember(m jsondec.Ref) (jsondec.Ref, bool) {
	t := f.t
	for i := range t.Len(m) {
		k, v := t.Member(m, i)
		if k == "@context" {
			return v, true
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

// distinctProperties reports whether no two of the expanded keys es expand to the same IRI
// ("" is no IRI). It compares pairs, so beyond 32 keys it answers false (the caller then
// de-duplicates with its table), which keeps a document with thousands of keys in one object
// from costing millions of compares.
func distinctProperties(es []string) bool {
	if len(es) > 32 {
		return false
	}
	for i := range es {
		e := es[i]
		if e == "" {
			continue
		}
		for j := range i {
			if es[j] == e {
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
