package jsonld

import (
	"encoding/json"
	"strings"

	"github.com/rosettebadges/rosette/openbadges/internal/jsondec"
)

// isValueOrList reports whether the object m has a key expanding to @value, @list, @set or
// @graph.
func (f *fastBuilder) isValueOrList(active *activeCtx, m jsondec.Ref) bool {
	for i := range f.t.Len(m) {
		k, _ := f.t.Member(m, i)
		if e := keywordOf(active, k); e == "@value" || e == "@list" || e == "@set" || e == "@graph" {
			return true
		}
	}
	return false
}

// isList reports whether the object m has a key expanding to @list.
func (f *fastBuilder) isList(active *activeCtx, m jsondec.Ref) bool {
	for i := range f.t.Len(m) {
		k, _ := f.t.Member(m, i)
		if keywordOf(active, k) == "@list" {
			return true
		}
	}
	return false
}

// list emits an RDF collection of the n items from first (each expanded with the active
// property key, def its definition in active).
func (f *fastBuilder) list(active *activeCtx, key string, def *termDef, first jsondec.Ref, n int, g *Term, depth int) (Term, error) {
	base := len(f.emit)
	defer func() { f.emit = f.emit[:base] }()
	for i := range n {
		it := first + jsondec.Ref(i)
		switch f.t.Kind(it) {
		case jsondec.Array:
			return Term{}, fallback("list of lists")
		case jsondec.Null:
			continue
		}
		var err error
		mark := f.pushIndex(i)
		err = f.element(active, key, def, it, g, depth+1)
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
	for i := range vals {
		f.addpl(&cur, &rdfFirstTerm, rdfFirstLine, &vals[i].t, g, nil)
		rest, restTail := Term{Kind: TermIRI, Value: rdfNil}, rdfNilLine
		if i < len(vals)-1 {
			rest, restTail = f.fresh(), ""
		}
		f.addplt(&cur, &rdfRestTerm, rdfRestLine, &rest, restTail, false, g, nil)
		cur = rest
	}
	return head, nil
}

// element expands one property value (scalar, array or object) of key (def its definition
// in active) and appends its objects to f.emit.
func (f *fastBuilder) element(active *activeCtx, key string, def *termDef, v jsondec.Ref, g *Term, depth int) error {
	switch f.t.Kind(v) {
	case jsondec.Null:
		return nil
	case jsondec.Array:
		for i := range f.t.Len(v) {
			it := f.t.Elem(v, i)
			if f.t.Kind(it) == jsondec.Array {
				return fallback("nested array")
			}
			mark := f.pushIndex(i)
			err := f.element(active, key, def, it, g, depth+1)
			f.path = f.path[:mark]
			if err != nil {
				return err
			}
		}
		return nil
	case jsondec.Object:
		return f.object(active, key, def, v, g, depth)
	default:
		f.emit = append(f.emit, emitted{})
		return f.scalar(active, key, def, v, &f.emit[len(f.emit)-1], true)
	}
}

// stringDatatype returns the datatype of the literal a string value of a term of definition
// def (nil when none) in active makes, and the @type of its expanded value ("" for
// xsd:string), when it is a plain string or has a datatype whose value is the string itself
// (not xsd:double); false otherwise (language, direction, IRI, @json, xsd:double).
func stringDatatype(active *activeCtx, def *termDef) (dt, typ string, ok bool) {
	if def != nil && def.typ != "" {
		switch def.typ {
		case "@id", "@vocab", "@none", "@json", xsdDouble:
			return "", "", false
		}
		return def.typ, def.typ, true
	}
	if plainString(active, def) {
		return xsdString, "", true
	}
	return "", "", false
}

// What a string value of a term makes, when its definition alone tells (termDef.str).
const (
	strSlow  uint8 = iota // see property
	strTyped              // a literal of datatype typ, the string itself
	strPlain              // an xsd:string literal, when the active context has no default language or direction
)

// stringFast returns termDef.str for the complete definition d: whether a string value of the
// term, with no scoped context, no container changing it and not a blank node predicate, makes
// a literal property's fast path can write (stringDatatype's answer for d, without the
// active context's language and direction for strPlain).
func stringFast(d *termDef) uint8 {
	if d.null || !d.abs || d.hasScoped || d.container&^ctSet != 0 || isBlankID(d.id) || isKeyword(d.id) {
		return strSlow
	}
	switch d.typ {
	case "":
		if !d.hasLang && !d.hasDir {
			return strPlain
		}
		return strSlow
	case "@id", "@vocab", "@none", "@json", xsdDouble:
		return strSlow
	}
	return strTyped
}

// plainString reports whether a string value of a term of definition def (nil when none) in
// active is a plain xsd:string literal (no type, language or direction).
func plainString(active *activeCtx, def *termDef) bool {
	return (def == nil || def.typ == "" && !def.hasLang && !def.hasDir) && active.lang == "" && active.dir == ""
}

// scalar is Value Expansion then conversion to an RDF term: it sets o.t, and o.key when
// wantKey (leaving it as it is otherwise).
func (f *fastBuilder) scalar(active *activeCtx, key string, def *termDef, v jsondec.Ref, o *emitted, wantKey bool) error {
	t := f.t
	kind := t.Kind(v)
	if kind == jsondec.String && plainString(active, def) {
		// A plain string: xsd:string.
		s := t.Str(v)
		o.t = Term{Kind: TermLiteral, Value: s, Datatype: xsdString}
		if wantKey {
			o.key = nodeKey{kind: 's', v: s}
		}
		return nil
	}
	isString := kind == jsondec.String
	var s string
	if isString {
		s = t.Str(v)
	}
	if def != nil && isString && (def.typ == "@id" || def.typ == "@vocab") {
		e, null, err := expandIRIInContext(active, s, def.typ == "@vocab", nil, nil, false)
		if err != nil {
			return err
		}
		if null {
			return fallback("keyword-like IRI value")
		}
		if !isRDFIRI(e) {
			f.problemAt(f.at(), codeRelativeObject, s, "relative or malformed IRI")
		}
		o.t = f.ref(e)
		if wantKey {
			o.key = refKeyOf(e)
		}
		return nil
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
	return f.literal(v, typ, lang, hasLang, dir, o, wantKey)
}

// literal is makeLiteral, and valueKeyOf when wantKey, for the scalar v (typ not "@json"),
// into o (see scalar).
func (f *fastBuilder) literal(v jsondec.Ref, typ, lang string, hasLang bool, dir string, o *emitted, wantKey bool) error {
	switch f.t.Kind(v) {
	case jsondec.String:
		s := f.t.Str(v)
		o.t = stringLiteral(s, typ, lang, hasLang, dir)
		if wantKey {
			o.key = stringKeyOf(s, typ, lang, "")
		}
		return nil
	case jsondec.True, jsondec.False:
		b := f.t.Kind(v) == jsondec.True
		o.t = boolLiteral(b, typ)
		if wantKey {
			o.key = boolKeyOf(b, typ, lang, "")
		}
		return nil
	case jsondec.Number:
		num, lit, isLit := f.t.Num(v)
		if isLit {
			var err error
			if num, err = toFloat(json.Number(lit)); err != nil {
				return err
			}
		}
		o.t = numberLiteral(num, typ)
		if wantKey {
			o.key = numberKeyOf(num, typ, lang, "")
		}
		return nil
	}
	return fallback("unsupported scalar")
}

// object expands a map value (value object, list/set object or node object) and appends its
// objects to f.emit. node tells which it is (see valueKind).
func (f *fastBuilder) object(active *activeCtx, key string, def *termDef, m jsondec.Ref, g *Term, depth int) error {
	if depth > maxDepth {
		return fallback("too deep")
	}
	var o emitted
	_, _, err := f.node(active, key, def, m, g, depth+1, true, &o)
	var kind string
	switch err {
	case nil:
		f.emit = append(f.emit, o)
		return nil
	case errValueObject:
		o, keep, err := f.valueObject(active, key, def, m)
		if err != nil || !keep {
			return err
		}
		f.emit = append(f.emit, o)
		return nil
	case errListObject:
		kind = "@list"
	case errSetObject:
		kind = "@set"
	default:
		return err
	}
	t := f.t
	n := t.Len(m)
	// @list or @set object: only that key allowed.
	if n != 1 {
		return fallback("%s object with other keys", kind)
	}
	_, items := t.Member(m, 0)
	active, err = f.mapContext(active, key, def, m)
	if err != nil {
		return err
	}
	def, _ = active.term(key)
	if kind == "@set" {
		return f.element(active, key, def, items, g, depth+1)
	}
	first, n := f.span(items)
	head, err := f.list(active, key, def, first, n, g, depth)
	if err != nil {
		return err
	}
	f.emit = append(f.emit, emitted{head, nodeKey{}})
	return nil
}

// valueObject handles the value object m: {"@value": ..., "@type"|"@language"|"@direction": ...}.
func (f *fastBuilder) valueObject(active *activeCtx, key string, def *termDef, m jsondec.Ref) (emitted, bool, error) {
	active, err := f.mapContext(active, key, def, m)
	if err != nil {
		return emitted{}, false, err
	}
	t := f.t
	var val jsondec.Ref
	var typ, lang, dir string
	hasVal, hasType, hasLang, hasDir := false, false, false, false
	for i := range t.Len(m) {
		k, v := t.Member(m, i)
		switch keywordOf(active, k) {
		case "@value":
			val, hasVal = v, true
		case "@type":
			if t.Kind(v) != jsondec.String {
				return emitted{}, false, fallback("value @type not a string")
			}
			s := t.Str(v)
			te, null, err := expandIRIInContext(active, s, true, nil, nil, false)
			if err != nil {
				return emitted{}, false, err
			}
			if null {
				return emitted{}, false, fallback("value @type null")
			}
			if te != "@json" && !isRDFIRI(te) {
				f.problemAt(ptr(f.at(), k), codeRelativeType, s, "value @type did not expand to an absolute IRI")
			}
			typ, hasType = te, true
		case "@language":
			if t.Kind(v) != jsondec.String {
				return emitted{}, false, fallback("@language not a string")
			}
			s := t.Str(v)
			if !isBCP47(s) {
				f.problemAt(ptr(f.at(), k), codeInvalidLanguage, s, "@language is not a well-formed language tag")
			}
			lang, hasLang = strings.ToLower(s), true
		case "@direction":
			if t.Kind(v) != jsondec.String {
				return emitted{}, false, fallback("invalid @direction")
			}
			s := t.Str(v)
			if s != "ltr" && s != "rtl" {
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
		jv := t.Value(val)
		lit, err := makeLiteral(jv, "@json", "", false, "")
		if err != nil {
			return emitted{}, false, err
		}
		return emitted{lit, valueKeyOf(jv, "@json", "", "")}, true, nil
	}
	switch t.Kind(val) {
	case jsondec.Null:
		f.problemAt(f.at(), codeNullValue, key, "@value is null")
		return emitted{}, false, nil
	case jsondec.String:
	case jsondec.True, jsondec.False, jsondec.Number:
		if hasLang || hasDir {
			return emitted{}, false, fallback("language on non-string")
		}
	default:
		return emitted{}, false, fallback("non-scalar @value")
	}
	var o emitted
	if err := f.literal(val, typ, lang, hasLang, dir, &o, true); err != nil {
		return emitted{}, false, err
	}
	return o, true, nil
}

// languageMap expands a @language container map.
func (f *fastBuilder) languageMap(active *activeCtx, key string, def *termDef, lm jsondec.Ref, s, pred, g Term) (bool, error) {
	dir := active.dir
	if def != nil && def.hasDir {
		dir = def.dir
	}
	t := f.t
	for i := range t.Len(lm) {
		lk, lv := t.Member(lm, i)
		none := keywordOf(active, lk) == "@none"
		if !none && !isBCP47(lk) {
			f.problemAt(ptr(f.at(), lk), codeInvalidLanguage, lk, "language map key is not a well-formed language tag")
		}
		first, n := f.span(lv)
		for j := range n {
			it := first + jsondec.Ref(j)
			if t.Kind(it) == jsondec.Null {
				continue
			}
			if t.Kind(it) != jsondec.String {
				return false, fallback("language map value not a string")
			}
			str := t.Str(it)
			lang := ""
			if !none {
				lang = strings.ToLower(lk)
			}
			f.add(s, pred, stringLiteral(str, "", lang, !none, dir), g, stringKeyOf(str, "", lang, ""))
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
