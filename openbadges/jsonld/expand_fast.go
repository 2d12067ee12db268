package jsonld

import (
	"context"
	"sort"
	"strconv"
	"strings"
)

// fastBuilder is the fast path: JSON-LD expansion straight to RDF quads over compiled,
// cached contexts, following jsonld.js's expansion (revert of type-scoped contexts,
// property-scoped contexts, value expansion) and its safe-mode events. It supports the
// features credentials use; anything else returns errFallback and the general path runs.
type fastBuilder struct {
	rdfBuilder
	ctx  context.Context
	cc   *contextCompiler
	path []jseg // the JSON pointer of the value being expanded, see at
	// emit is a stack of expanded values: element and object push, and the property or list
	// that called them takes what lies above its mark and truncates back to it.
	emit []emitted
	strs []string // a stack of the keys of the node objects being expanded, see node
}

// emitted is one expanded value turned into an RDF object, with its node map identity.
type emitted struct {
	t   Term
	key nodeKey
}

func (f *fastBuilder) problemAt(path, code, term, msg string) {
	f.problems = append(f.problems, Problem{Path: path, Code: code, Term: term, Message: msg})
}

func (f *fastBuilder) document(doc any) error {
	m, ok := doc.(map[string]any)
	if !ok {
		return fallback("top level is not an object")
	}
	active := f.cc.root
	if c, ok := m["@context"]; ok {
		var err error
		if active, err = f.cc.derive(f.ctx, active, nil, 3, c); err != nil {
			return err
		}
	}
	for k := range m {
		if k == "@context" {
			continue
		}
		e, null, err := expandIRIInContext(active, k, true, nil, nil, false)
		if err != nil {
			return err
		}
		if !null && isKeyword(e) && e != "@id" && e != "@type" {
			return fallback("top-level %s", e)
		}
	}
	_, _, count, onlyID, err := f.node(f.cc.root, "", m, Term{}, 0)
	if err != nil {
		return err
	}
	if count == 0 {
		f.problemAt("", codeEmptyObject, "", "top-level object is empty after expansion")
	} else if onlyID {
		f.problemAt("", codeOnlyID, "", "top-level object has only an @id")
	}
	return nil
}

// jseg is one step of the JSON pointer of the value being expanded: a member key, or an
// array index (idx >= 0).
type jseg struct {
	key string
	idx int
}

// push appends a step to the current pointer and returns the length to truncate back to.
func (f *fastBuilder) push(key string, idx int) int {
	n := len(f.path)
	f.path = append(f.path, jseg{key, idx})
	return n
}

// at returns the JSON pointer of the value being expanded ("" at the top level). Built only
// when a problem is reported.
func (f *fastBuilder) at() string {
	p := ""
	for _, s := range f.path {
		if s.idx >= 0 {
			p += "/" + strconv.Itoa(s.idx)
		} else {
			p = ptr(p, s.key)
		}
	}
	return p
}

func ptr(path, key string) string {
	if strings.ContainsAny(key, "~/") {
		key = strings.ReplaceAll(strings.ReplaceAll(key, "~", "~0"), "/", "~1")
	}
	return path + "/" + key
}

// mapContext applies jsonld.js's context rules for a map element: revert a non-propagated
// (type-scoped) context, then the property-scoped context of prop, then an embedded @context.
// valueLike is set when the map is a value object under a type-scoped context.
func (f *fastBuilder) mapContext(active *activeCtx, prop string, m map[string]any) (*activeCtx, error) {
	var scopedDef *termDef
	if prop != "" {
		if d := active.terms[prop]; d != nil && d.hasScoped {
			scopedDef = d
		}
	}
	if active.previous != nil {
		mustRevert := true
		if len(m) <= 2 {
			if _, hasCtx := m["@context"]; !hasCtx {
				for k := range m {
					e, null, err := expandIRIInContext(active, k, true, nil, nil, false)
					if err != nil {
						return nil, err
					}
					if null {
						continue
					}
					if e == "@value" {
						mustRevert = false
						break
					}
					if e == "@id" && len(m) == 1 {
						mustRevert = false
						break
					}
				}
			}
		}
		if mustRevert {
			active = active.previous
		}
	}
	if scopedDef != nil {
		var err error
		if active, err = f.cc.derive(f.ctx, active, scopedDef, 1, scopedDef.scoped); err != nil {
			return nil, err
		}
	}
	if c, ok := m["@context"]; ok {
		var err error
		if active, err = f.cc.derive(f.ctx, active, nil, 3, c); err != nil {
			return nil, err
		}
	}
	return active, nil
}

// node processes a node object in graph g and returns its subject, the number of entries its
// expansion has, and whether its only entry is @id. active is the context passed down by the
// parent (with the parent's property-scoped context applied), prop the active property.
func (f *fastBuilder) node(active *activeCtx, prop string, m map[string]any, g Term, depth int) (Term, nodeKey, int, bool, error) {
	if depth > maxDepth {
		return Term{}, nodeKey{}, 0, false, fallback("too deep")
	}
	active, err := f.mapContext(active, prop, m)
	if err != nil {
		return Term{}, nodeKey{}, 0, false, err
	}
	// Type-scoped contexts, in key order, types sorted.
	typeScoped := active
	// keys and expanded live on the f.strs stack: written here, only read once the
	// recursion below starts (which may move f.strs but leaves this part alone).
	base, n := len(f.strs), len(m)
	for k := range m {
		f.strs = append(f.strs, k)
	}
	f.strs = append(f.strs, make([]string, n)...)
	keys, expanded := f.strs[base:base+n:base+n], f.strs[base+n:base+2*n:base+2*n]
	defer func() { f.strs = f.strs[:base] }()
	sort.Strings(keys)
	for i, k := range keys {
		if k == "@context" {
			continue
		}
		e, null, err := expandIRIInContext(active, k, true, nil, nil, false)
		if err != nil {
			return Term{}, nodeKey{}, 0, false, err
		}
		if null {
			e = ""
		}
		expanded[i] = e
		if e != "@type" {
			continue
		}
		var types []string
		switch v := m[k].(type) {
		case string:
			types = []string{v}
		case []any:
			for _, t := range v {
				s, ok := t.(string)
				if !ok {
					return Term{}, nodeKey{}, 0, false, fallback("non-string @type")
				}
				types = append(types, s)
			}
			sort.Strings(types)
		default:
			return Term{}, nodeKey{}, 0, false, fallback("invalid @type value")
		}
		for _, t := range types {
			if d := typeScoped.terms[t]; d != nil && d.hasScoped {
				if active, err = f.cc.derive(f.ctx, active, d, 2, d.scoped); err != nil {
					return Term{}, nodeKey{}, 0, false, err
				}
			}
		}
	}
	// Keys may expand differently under the type-scoped context.
	if active != typeScoped {
		for i, k := range keys {
			if k == "@context" {
				continue
			}
			e, null, err := expandIRIInContext(active, k, true, nil, nil, false)
			if err != nil {
				return Term{}, nodeKey{}, 0, false, err
			}
			if null {
				e = ""
			}
			expanded[i] = e
		}
	}
	// Subject.
	var s Term
	var idKey nodeKey
	hasID := false
	for i, k := range keys {
		if expanded[i] != "@id" {
			continue
		}
		if hasID {
			return Term{}, nodeKey{}, 0, false, fallback("colliding @id")
		}
		id, ok := m[k].(string)
		if !ok {
			return Term{}, nodeKey{}, 0, false, fallback("non-string @id")
		}
		e, null, err := expandIRIInContext(active, id, false, nil, nil, false)
		if err != nil {
			return Term{}, nodeKey{}, 0, false, err
		}
		if null {
			return Term{}, nodeKey{}, 0, false, fallback("keyword-like @id value")
		}
		if !isAbsoluteIRI(e) {
			f.problemAt(ptr(f.at(), k), codeRelativeID, id, "relative or malformed @id")
		}
		s = f.ref(e)
		idKey = refKeyOf(e)
		hasID = true
	}
	if !hasID {
		s = f.fresh()
	}
	count := 0
	if hasID {
		count = 1
	}
	for i, k := range keys {
		e := expanded[i]
		if k == "@context" || e == "@id" {
			continue
		}
		v := m[k]
		if e == "" || (!isKeyword(e) && !isAbsoluteIRI(e)) {
			f.problemAt(ptr(f.at(), k), codeInvalidProperty, k, "property did not expand to an absolute IRI (undefined term)")
			continue
		}
		if e == "@type" {
			if types := asArray(v); len(types) > 0 {
				count++ // jsonld.js adds no @type entry for an empty array
			}
			for _, t := range asArray(v) {
				ts, ok := t.(string)
				if !ok {
					return Term{}, nodeKey{}, 0, false, fallback("non-string @type")
				}
				te, null, err := expandIRIInContext(typeScoped, ts, true, nil, nil, false)
				if err != nil {
					return Term{}, nodeKey{}, 0, false, err
				}
				if null || !isAbsoluteIRI(te) {
					// jsonld.js: 'relative @type reference' in expansion, or (for "@json",
					// which expansion lets through) 'relative object reference' in toRDF.
					code := codeRelativeType
					if te == "@json" {
						code = codeRelativeObject
					}
					f.problemAt(ptr(f.at(), k), code, ts, "@type did not expand to an absolute IRI")
					continue
				}
				f.add(s, Term{Kind: TermIRI, Value: rdfType}, f.ref(te), g, refKeyOf(te))
			}
			continue
		}
		if isKeyword(e) {
			return Term{}, nodeKey{}, 0, false, fallback("keyword %s in node object", e)
		}
		mark := f.push(k, -1)
		n, err := f.property(active, k, e, v, s, g, depth)
		f.path = f.path[:mark]
		if err != nil {
			return Term{}, nodeKey{}, 0, false, err
		}
		if n {
			count++
		}
	}
	return s, idKey, count, hasID && count == 1, nil
}

// property expands the value of key (expanding to IRI p) and emits its statements about s.
// It reports whether the expanded node keeps the property.
func (f *fastBuilder) property(active *activeCtx, key, p string, v any, s, g Term, depth int) (bool, error) {
	def := active.terms[key]
	pred := Term{Kind: TermIRI, Value: p}
	if isBlankID(p) {
		f.problemAt(f.at(), codeBlankPredicate, key, "blank node used as a property")
	}
	termCtx := active
	if def != nil && def.hasScoped {
		var err error
		if termCtx, err = f.cc.derive(f.ctx, active, def, 1, def.scoped); err != nil {
			return false, err
		}
	}
	var container uint8
	if def != nil {
		container = def.container
	}
	if def != nil && def.typ == "@json" {
		// jsonld.js takes the whole value, null included, as one JSON literal.
		if container != 0 && container != ctSet {
			return false, fallback("@json with container")
		}
		lit, err := makeLiteral(v, "@json", "", false, "")
		if err != nil {
			return false, err
		}
		f.add(s, pred, lit, g, valueKeyOf(v, "@json", "", ""))
		return true, nil
	}
	if v == nil {
		return false, nil
	}
	if container&ctLanguage != 0 {
		if lm, ok := v.(map[string]any); ok {
			return f.languageMap(termCtx, key, def, lm, s, pred, g)
		}
	}
	if container&ctGraph != 0 {
		items := asArray(v)
		kept := 0
		for i, it := range items {
			im, ok := it.(map[string]any)
			if !ok {
				return false, fallback("non-object in @graph container")
			}
			if isValueOrList(termCtx, im) {
				return false, fallback("value in @graph container")
			}
			gname := f.fresh()
			mark := f.push("", i)
			_, _, count, onlyID, err := f.node(termCtx, key, im, gname, depth+1)
			f.path = f.path[:mark]
			if err != nil {
				return false, err
			}
			if count == 0 || onlyID {
				f.problemAt(ptr(f.at(), strconv.Itoa(i)), codeEmptyObject, key, "object in a @graph container is empty or has only @id")
				continue
			}
			kept++
			f.add(s, pred, gname, g, nodeKey{})
		}
		return kept > 0, nil
	}
	if container&ctList != 0 {
		if vm, ok := v.(map[string]any); ok && isList(termCtx, vm) {
			// an explicit list object: handled by element below
		} else {
			head, err := f.list(termCtx, key, asArray(v), g, depth)
			if err != nil {
				return false, err
			}
			f.add(s, pred, head, g, nodeKey{})
			return true, nil
		}
	}
	base := len(f.emit)
	if err := f.element(termCtx, key, v, g, depth); err != nil {
		return false, err
	}
	for _, o := range f.emit[base:] {
		f.add(s, pred, o.t, g, o.key)
	}
	f.emit = f.emit[:base]
	return true, nil
}
