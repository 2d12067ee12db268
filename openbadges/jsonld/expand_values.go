package jsonld

import (
	"strings"
)

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
func (f *fastBuilder) list(active *activeCtx, key string, items []any, g Term, depth int) (Term, error) {
	base := len(f.emit)
	defer func() { f.emit = f.emit[:base] }()
	for i, it := range items {
		if _, nested := it.([]any); nested {
			return Term{}, fallback("list of lists")
		}
		if it == nil {
			continue
		}
		var err error
		mark := f.push("", i)
		err = f.element(active, key, it, g, depth+1)
		f.path = f.path[:mark]
		if err != nil {
			return Term{}, err
		}
	}
	vals := f.emit[base:]
	if len(vals) == 0 {
		return Term{Kind: TermIRI, Value: rdfNil}, nil
	}
	head := f.fresh()
	cur := head
	for i, v := range vals {
		f.add(cur, Term{Kind: TermIRI, Value: rdfFirst}, v.t, g, nodeKey{})
		rest := Term{Kind: TermIRI, Value: rdfNil}
		if i < len(vals)-1 {
			rest = f.fresh()
		}
		f.add(cur, Term{Kind: TermIRI, Value: rdfRest}, rest, g, nodeKey{})
		cur = rest
	}
	return head, nil
}

// element expands one property value (scalar, array or object) and appends its objects to
// f.emit.
func (f *fastBuilder) element(active *activeCtx, key string, v any, g Term, depth int) error {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		for i, it := range x {
			if _, nested := it.([]any); nested {
				return fallback("nested array")
			}
			mark := f.push("", i)
			err := f.element(active, key, it, g, depth+1)
			f.path = f.path[:mark]
			if err != nil {
				return err
			}
		}
		return nil
	case map[string]any:
		return f.object(active, key, x, g, depth)
	default:
		o, err := f.scalar(active, key, v)
		if err != nil {
			return err
		}
		f.emit = append(f.emit, o)
		return nil
	}
}

// scalar is Value Expansion then conversion to an RDF term.
func (f *fastBuilder) scalar(active *activeCtx, key string, v any) (emitted, error) {
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
			f.problemAt(f.at(), codeRelativeObject, s, "relative or malformed IRI")
		}
		return emitted{f.ref(e), refKeyOf(e)}, nil
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

// object expands a map value (value object, list/set object or node object) and appends its
// objects to f.emit.
func (f *fastBuilder) object(active *activeCtx, key string, m map[string]any, g Term, depth int) error {
	if depth > maxDepth {
		return fallback("too deep")
	}
	var kind string
	for k := range m {
		e, _, err := expandIRIInContext(active, k, true, nil, nil, false)
		if err != nil {
			return err
		}
		switch e {
		case "@value", "@list", "@set":
			kind = e
		case "@graph", "@reverse", "@included", "@nest", "@index":
			return fallback("%s in property value", e)
		}
	}
	switch kind {
	case "":
		s, k, _, _, err := f.node(active, key, m, g, depth+1)
		if err != nil {
			return err
		}
		f.emit = append(f.emit, emitted{s, k})
		return nil
	case "@value":
		o, keep, err := f.valueObject(active, key, m)
		if err != nil || !keep {
			return err
		}
		f.emit = append(f.emit, o)
		return nil
	}
	// @list or @set object: only that key allowed.
	if len(m) != 1 {
		return fallback("%s object with other keys", kind)
	}
	var items any
	for _, v := range m {
		items = v
	}
	active, err := f.mapContext(active, key, m)
	if err != nil {
		return err
	}
	if kind == "@set" {
		return f.element(active, key, items, g, depth+1)
	}
	head, err := f.list(active, key, asArray(items), g, depth)
	if err != nil {
		return err
	}
	f.emit = append(f.emit, emitted{head, nodeKey{}})
	return nil
}

// valueObject handles {"@value": ..., "@type"|"@language"|"@direction": ...}.
func (f *fastBuilder) valueObject(active *activeCtx, key string, m map[string]any) (emitted, bool, error) {
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
				f.problemAt(ptr(f.at(), k), codeRelativeType, s, "value @type did not expand to an absolute IRI")
			}
			typ, hasType = te, true
		case "@language":
			s, ok := v.(string)
			if !ok {
				return emitted{}, false, fallback("@language not a string")
			}
			if !isBCP47(s) {
				f.problemAt(ptr(f.at(), k), codeInvalidLanguage, s, "@language is not a well-formed language tag")
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
		f.problemAt(f.at(), codeNullValue, key, "@value is null")
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
func (f *fastBuilder) languageMap(active *activeCtx, key string, def *termDef, lm map[string]any, s, pred, g Term) (bool, error) {
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
			f.problemAt(ptr(f.at(), lk), codeInvalidLanguage, lk, "language map key is not a well-formed language tag")
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
