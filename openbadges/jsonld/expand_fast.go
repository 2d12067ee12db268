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
	ctx context.Context
	cc  *contextCompiler
}

// emitted is one expanded value turned into an RDF object, with its node map identity.
type emitted struct {
	t   Term
	key string
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
	_, _, count, onlyID, err := f.node(f.cc.root, "", m, Term{}, "", 0)
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
func (f *fastBuilder) node(active *activeCtx, prop string, m map[string]any, g Term, path string, depth int) (Term, string, int, bool, error) {
	if depth > maxDepth {
		return Term{}, "", 0, false, fallback("too deep")
	}
	active, err := f.mapContext(active, prop, m)
	if err != nil {
		return Term{}, "", 0, false, err
	}
	// Type-scoped contexts, in key order, types sorted.
	typeScoped := active
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	expanded := make([]string, len(keys))
	for i, k := range keys {
		if k == "@context" {
			continue
		}
		e, null, err := expandIRIInContext(active, k, true, nil, nil, false)
		if err != nil {
			return Term{}, "", 0, false, err
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
					return Term{}, "", 0, false, fallback("non-string @type")
				}
				types = append(types, s)
			}
			sort.Strings(types)
		default:
			return Term{}, "", 0, false, fallback("invalid @type value")
		}
		for _, t := range types {
			if d := typeScoped.terms[t]; d != nil && d.hasScoped {
				if active, err = f.cc.derive(f.ctx, active, d, 2, d.scoped); err != nil {
					return Term{}, "", 0, false, err
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
				return Term{}, "", 0, false, err
			}
			if null {
				e = ""
			}
			expanded[i] = e
		}
	}
	// Subject.
	var s Term
	var idKey string
	hasID := false
	for i, k := range keys {
		if expanded[i] != "@id" {
			continue
		}
		if hasID {
			return Term{}, "", 0, false, fallback("colliding @id")
		}
		id, ok := m[k].(string)
		if !ok {
			return Term{}, "", 0, false, fallback("non-string @id")
		}
		e, null, err := expandIRIInContext(active, id, false, nil, nil, false)
		if err != nil {
			return Term{}, "", 0, false, err
		}
		if null {
			return Term{}, "", 0, false, fallback("keyword-like @id value")
		}
		if !isAbsoluteIRI(e) {
			f.problemAt(ptr(path, k), codeRelativeID, id, "relative or malformed @id")
		}
		s = f.ref(e)
		idKey = "i" + e
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
			f.problemAt(ptr(path, k), codeInvalidProperty, k, "property did not expand to an absolute IRI (undefined term)")
			continue
		}
		if e == "@type" {
			if types := asArray(v); len(types) > 0 {
				count++ // jsonld.js adds no @type entry for an empty array
			}
			for _, t := range asArray(v) {
				ts, ok := t.(string)
				if !ok {
					return Term{}, "", 0, false, fallback("non-string @type")
				}
				te, null, err := expandIRIInContext(typeScoped, ts, true, nil, nil, false)
				if err != nil {
					return Term{}, "", 0, false, err
				}
				if null || !isAbsoluteIRI(te) {
					// jsonld.js: 'relative @type reference' in expansion, or (for "@json",
					// which expansion lets through) 'relative object reference' in toRDF.
					code := codeRelativeType
					if te == "@json" {
						code = codeRelativeObject
					}
					f.problemAt(ptr(path, k), code, ts, "@type did not expand to an absolute IRI")
					continue
				}
				f.add(s, Term{Kind: TermIRI, Value: rdfType}, f.ref(te), g, "i"+te)
			}
			continue
		}
		if isKeyword(e) {
			return Term{}, "", 0, false, fallback("keyword %s in node object", e)
		}
		n, err := f.property(active, k, e, v, s, g, ptr(path, k), depth)
		if err != nil {
			return Term{}, "", 0, false, err
		}
		if n {
			count++
		}
	}
	return s, idKey, count, hasID && count == 1, nil
}

// property expands the value of key (expanding to IRI p) and emits its statements about s.
// It reports whether the expanded node keeps the property.
func (f *fastBuilder) property(active *activeCtx, key, p string, v any, s, g Term, path string, depth int) (bool, error) {
	def := active.terms[key]
	pred := Term{Kind: TermIRI, Value: p}
	if isBlankID(p) {
		f.problemAt(path, codeBlankPredicate, key, "blank node used as a property")
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
			return f.languageMap(termCtx, key, def, lm, s, pred, g, path)
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
			_, _, count, onlyID, err := f.node(termCtx, key, im, gname, ptr(path, strconv.Itoa(i)), depth+1)
			if err != nil {
				return false, err
			}
			if count == 0 || onlyID {
				f.problemAt(ptr(path, strconv.Itoa(i)), codeEmptyObject, key, "object in a @graph container is empty or has only @id")
				continue
			}
			kept++
			f.add(s, pred, gname, g, "")
		}
		return kept > 0, nil
	}
	if container&ctList != 0 {
		if vm, ok := v.(map[string]any); ok && isList(termCtx, vm) {
			// an explicit list object: handled by element below
		} else {
			head, err := f.list(termCtx, key, asArray(v), g, path, depth)
			if err != nil {
				return false, err
			}
			f.add(s, pred, head, g, "")
			return true, nil
		}
	}
	var out []emitted
	out, err := f.element(termCtx, key, v, g, path, depth, out)
	if err != nil {
		return false, err
	}
	for _, o := range out {
		f.add(s, pred, o.t, g, o.key)
	}
	return true, nil
}

func isValueOrList(active *activeCtx, m map[string]any) bool {
	for k := range m {
		e, _, _ := expandIRIInContext(active, k, true, nil, nil, false)
		if e == "@value" || e == "@list" || e == "@set" || e == "@graph" {
			return true
		}
	}
	return false
}

func isList(active *activeCtx, m map[string]any) bool {
	for k := range m {
		if e, _, _ := expandIRIInContext(active, k, true, nil, nil, false); e == "@list" {
			return true
		}
	}
	return false
}

// list emits an RDF collection of items (each expanded with the active property key).
func (f *fastBuilder) list(active *activeCtx, key string, items []any, g Term, path string, depth int) (Term, error) {
	var vals []emitted
	for i, it := range items {
		if _, nested := it.([]any); nested {
			return Term{}, fallback("list of lists")
		}
		if it == nil {
			continue
		}
		var err error
		if vals, err = f.element(active, key, it, g, ptr(path, strconv.Itoa(i)), depth+1, vals); err != nil {
			return Term{}, err
		}
	}
	if len(vals) == 0 {
		return Term{Kind: TermIRI, Value: rdfNil}, nil
	}
	head := f.fresh()
	cur := head
	for i, v := range vals {
		f.add(cur, Term{Kind: TermIRI, Value: rdfFirst}, v.t, g, "")
		rest := Term{Kind: TermIRI, Value: rdfNil}
		if i < len(vals)-1 {
			rest = f.fresh()
		}
		f.add(cur, Term{Kind: TermIRI, Value: rdfRest}, rest, g, "")
		cur = rest
	}
	return head, nil
}

// element expands one property value (scalar, array or object) and appends its objects.
func (f *fastBuilder) element(active *activeCtx, key string, v any, g Term, path string, depth int, out []emitted) ([]emitted, error) {
	switch x := v.(type) {
	case nil:
		return out, nil
	case []any:
		for i, it := range x {
			if _, nested := it.([]any); nested {
				return nil, fallback("nested array")
			}
			var err error
			if out, err = f.element(active, key, it, g, ptr(path, strconv.Itoa(i)), depth+1, out); err != nil {
				return nil, err
			}
		}
		return out, nil
	case map[string]any:
		return f.object(active, key, x, g, path, depth, out)
	default:
		o, err := f.scalar(active, key, v, path)
		if err != nil {
			return nil, err
		}
		return append(out, o), nil
	}
}

// scalar is Value Expansion then conversion to an RDF term.
func (f *fastBuilder) scalar(active *activeCtx, key string, v any, path string) (emitted, error) {
	def := active.terms[key]
	s, isString := v.(string)
	if def != nil && isString && (def.typ == "@id" || def.typ == "@vocab") {
		e, null, err := expandIRIInContext(active, s, def.typ == "@vocab", nil, nil, false)
		if err != nil {
			return emitted{}, err
		}
		if null {
			return emitted{}, fallback("keyword-like IRI value")
		}
		if !isAbsoluteIRI(e) {
			f.problemAt(path, codeRelativeObject, s, "relative or malformed IRI")
		}
		return emitted{f.ref(e), "i" + e}, nil
	}
	var typ, lang, dir string
	hasLang := false
	if def != nil && def.typ != "" && def.typ != "@id" && def.typ != "@vocab" && def.typ != "@none" {
		typ = def.typ
	} else if isString {
		if def != nil && def.hasLang {
			lang, hasLang = def.lang, !def.langNull
		} else if active.lang != "" {
			lang, hasLang = active.lang, true
		}
		if def != nil && def.hasDir {
			dir = def.dir
		} else {
			dir = active.dir
		}
	}
	switch v.(type) {
	case string, bool, float64:
	default:
		if _, ok := v.(interface{ String() string }); !ok {
			return emitted{}, fallback("unsupported scalar")
		}
	}
	lit, err := makeLiteral(v, typ, lang, hasLang, dir)
	if err != nil {
		return emitted{}, err
	}
	return emitted{lit, valueKeyOf(v, typ, lang, "")}, nil
}

// object expands a map value: value object, list/set object or node object.
func (f *fastBuilder) object(active *activeCtx, key string, m map[string]any, g Term, path string, depth int, out []emitted) ([]emitted, error) {
	if depth > maxDepth {
		return nil, fallback("too deep")
	}
	var kind string
	for k := range m {
		e, _, err := expandIRIInContext(active, k, true, nil, nil, false)
		if err != nil {
			return nil, err
		}
		switch e {
		case "@value", "@list", "@set":
			kind = e
		case "@graph", "@reverse", "@included", "@nest", "@index":
			return nil, fallback("%s in property value", e)
		}
	}
	switch kind {
	case "":
		s, k, _, _, err := f.node(active, key, m, g, path, depth+1)
		if err != nil {
			return nil, err
		}
		return append(out, emitted{s, k}), nil
	case "@value":
		o, keep, err := f.valueObject(active, key, m, path)
		if err != nil || !keep {
			return out, err
		}
		return append(out, o), nil
	}
	// @list or @set object: only that key allowed.
	if len(m) != 1 {
		return nil, fallback("%s object with other keys", kind)
	}
	var items any
	for _, v := range m {
		items = v
	}
	active, err := f.mapContext(active, key, m)
	if err != nil {
		return nil, err
	}
	if kind == "@set" {
		return f.element(active, key, items, g, path, depth+1, out)
	}
	head, err := f.list(active, key, asArray(items), g, path, depth)
	if err != nil {
		return nil, err
	}
	return append(out, emitted{head, ""}), nil
}

// valueObject handles {"@value": ..., "@type"|"@language"|"@direction": ...}.
func (f *fastBuilder) valueObject(active *activeCtx, key string, m map[string]any, path string) (emitted, bool, error) {
	active, err := f.mapContext(active, key, m)
	if err != nil {
		return emitted{}, false, err
	}
	var val any
	var typ, lang, dir string
	hasVal, hasType, hasLang, hasDir := false, false, false, false
	for k, v := range m {
		e, _, err := expandIRIInContext(active, k, true, nil, nil, false)
		if err != nil {
			return emitted{}, false, err
		}
		switch e {
		case "@value":
			val, hasVal = v, true
		case "@type":
			s, ok := v.(string)
			if !ok {
				return emitted{}, false, fallback("value @type not a string")
			}
			te, null, err := expandIRIInContext(active, s, true, nil, nil, false)
			if err != nil {
				return emitted{}, false, err
			}
			if null {
				return emitted{}, false, fallback("value @type null")
			}
			if te != "@json" && !isAbsoluteIRI(te) {
				f.problemAt(ptr(path, k), codeRelativeType, s, "value @type did not expand to an absolute IRI")
			}
			typ, hasType = te, true
		case "@language":
			s, ok := v.(string)
			if !ok {
				return emitted{}, false, fallback("@language not a string")
			}
			if !isBCP47(s) {
				f.problemAt(ptr(path, k), codeInvalidLanguage, s, "@language is not a well-formed language tag")
			}
			lang, hasLang = strings.ToLower(s), true
		case "@direction":
			s, ok := v.(string)
			if !ok || (s != "ltr" && s != "rtl") {
				return emitted{}, false, fallback("invalid @direction")
			}
			dir, hasDir = s, true
		case "@context":
		default:
			return emitted{}, false, fallback("value object key %s", k)
		}
	}
	if !hasVal || (hasType && (hasLang || hasDir)) {
		return emitted{}, false, fallback("invalid value object")
	}
	if typ == "@json" {
		lit, err := makeLiteral(val, "@json", "", false, "")
		if err != nil {
			return emitted{}, false, err
		}
		return emitted{lit, valueKeyOf(val, "@json", "", "")}, true, nil
	}
	switch val.(type) {
	case nil:
		f.problemAt(path, codeNullValue, key, "@value is null")
		return emitted{}, false, nil
	case string:
	case bool, float64:
		if hasLang || hasDir {
			return emitted{}, false, fallback("language on non-string")
		}
	default:
		if _, ok := val.(interface{ String() string }); !ok {
			return emitted{}, false, fallback("non-scalar @value")
		}
		if hasLang || hasDir {
			return emitted{}, false, fallback("language on non-string")
		}
	}
	lit, err := makeLiteral(val, typ, lang, hasLang, dir)
	if err != nil {
		return emitted{}, false, err
	}
	return emitted{lit, valueKeyOf(val, typ, lang, "")}, true, nil
}

// languageMap expands a @language container map.
func (f *fastBuilder) languageMap(active *activeCtx, key string, def *termDef, lm map[string]any, s, pred, g Term, path string) (bool, error) {
	dir := active.dir
	if def != nil && def.hasDir {
		dir = def.dir
	}
	for lk, lv := range lm {
		le, _, err := expandIRIInContext(active, lk, true, nil, nil, false)
		if err != nil {
			return false, err
		}
		none := le == "@none"
		if !none && !isBCP47(lk) {
			f.problemAt(ptr(path, lk), codeInvalidLanguage, lk, "language map key is not a well-formed language tag")
		}
		for _, it := range asArray(lv) {
			if it == nil {
				continue
			}
			str, ok := it.(string)
			if !ok {
				return false, fallback("language map value not a string")
			}
			lang := ""
			if !none {
				lang = strings.ToLower(lk)
			}
			lit, err := makeLiteral(str, "", lang, !none, dir)
			if err != nil {
				return false, err
			}
			f.add(s, pred, lit, g, valueKeyOf(str, "", lang, ""))
		}
	}
	return true, nil
}

// isBCP47 is jsonld.js's /^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$/.
func isBCP47(s string) bool {
	for i, part := range strings.Split(s, "-") {
		if len(part) < 1 || len(part) > 8 {
			return false
		}
		for j := 0; j < len(part); j++ {
			c := part[j]
			alpha := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
			if !alpha && !(i > 0 && c >= '0' && c <= '9') {
				return false
			}
		}
	}
	return true
}
