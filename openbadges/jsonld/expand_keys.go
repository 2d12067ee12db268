package jsonld

import (
	"slices"
	"strings"
)

// expandedKey is a member name expanded in the active context: its IRI or keyword e ("" for
// a term mapped to null), its term definition (nil when it is not a term) and whether e is
// an absolute IRI.
type expandedKey struct {
	e   string
	def *termDef
	abs bool
}

// expandKey is expandIRIInContext(active, k, true, nil, nil, false) for a member name, with
// a null mapping given as "", k's term definition in active and whether the expansion is an
// absolute IRI (from the definition: no scan).
func expandKey(active *activeCtx, k string) expandedKey {
	if isKeyword(k) {
		return expandedKey{e: k}
	}
	if looksLikeKeyword(k) {
		return expandedKey{}
	}
	if d, ok := active.terms[k]; ok {
		if d.null {
			return expandedKey{def: d}
		}
		return expandedKey{e: d.id, def: d, abs: d.abs}
	}
	e, null, _ := expandNonTerm(active, k, true, nil, nil, false)
	if null {
		return expandedKey{}
	}
	return expandedKey{e: e, abs: isAbsoluteIRI(e)}
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
	if len(k) > 0 && k[0] == '@' && isKeyword(k) {
		return k
	}
	if active.aliasLens&(1<<(len(k)&63)) == 0 {
		return ""
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
