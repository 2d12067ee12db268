package jsonld

import (
	"encoding/json"
	"strings"
)

func isKeyword(s string) bool {
	switch s {
	case "@base", "@container", "@context", "@default", "@direction", "@embed", "@explicit",
		"@graph", "@id", "@included", "@index", "@json", "@language", "@list", "@nest", "@none",
		"@omitDefault", "@prefix", "@preserve", "@protected", "@requireAll", "@reverse", "@set",
		"@type", "@value", "@version", "@vocab", "@propagate", "@import":
		return true
	}
	return false
}

// looksLikeKeyword is /^@[a-zA-Z]+$/.
func looksLikeKeyword(s string) bool {
	if len(s) < 2 || s[0] != '@' {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

func isGenDelim(c byte) bool {
	switch c {
	case ':', '/', '?', '#', '[', ']', '@':
		return true
	}
	return false
}

// createTerm is Create Term Definition (JSON-LD 1.1 §4.2) for supported features.
func createTerm(active *activeCtx, local map[string]any, term string, defined map[string]bool, protectedDefault, override bool) error {
	if done, ok := defined[term]; ok {
		if done {
			return nil
		}
		return fallback("cyclic IRI mapping")
	}
	defined[term] = false
	value := local[term]
	if term == "" {
		return fallback("empty term")
	}
	if term == "@type" {
		vm, ok := value.(map[string]any)
		if !ok {
			return fallback("keyword redefinition")
		}
		for k, v := range vm {
			if k == "@container" && v == "@set" || k == "@protected" {
				continue
			}
			return fallback("keyword redefinition")
		}
		// Only @container @set / @protected: @type stays a keyword.
		defined[term] = true
		return nil
	}
	if isKeyword(term) || looksLikeKeyword(term) {
		return fallback("keyword-like term")
	}
	prev := active.terms[term]
	delete(active.terms, term)
	def := &termDef{}
	simple := false
	var vm map[string]any
	switch v := value.(type) {
	case nil:
		vm = map[string]any{"@id": nil}
	case string:
		vm = map[string]any{"@id": v}
		simple = true
	case map[string]any:
		vm = v
	default:
		return fallback("invalid term definition")
	}
	for k := range vm {
		switch k {
		case "@id", "@type", "@container", "@context", "@language", "@direction", "@protected", "@prefix":
		default:
			return fallback("term definition key %s", k)
		}
	}
	if p, ok := vm["@protected"]; ok {
		b, ok := p.(bool)
		if !ok {
			return fallback("@protected")
		}
		def.protected = b
	} else {
		def.protected = protectedDefault
	}
	if idv, ok := vm["@id"]; ok && idv != term {
		switch s := idv.(type) {
		case nil:
			def.null = true
		case string:
			if !isKeyword(s) && looksLikeKeyword(s) {
				return fallback("keyword-like @id")
			}
			e, null, err := expandIRIInContext(active, s, true, local, defined, override)
			if err != nil {
				return err
			}
			if null {
				return fallback("null @id expansion")
			}
			if !isKeyword(e) && !isAbsoluteIRI(e) {
				return fallback("invalid IRI mapping")
			}
			if e == "@context" {
				return fallback("@context alias")
			}
			def.id = e
			if termNeedsIRICheck(term) {
				// The term itself must expand to the same IRI.
				defined[term] = true
				te, tnull, err := expandIRIInContext(active, term, true, local, defined, override)
				if err != nil {
					return err
				}
				if tnull || te != e {
					return fallback("term/IRI mismatch")
				}
			}
			if simple && strings.IndexByte(term, ':') <= 0 && len(e) > 0 && isGenDelim(e[len(e)-1]) {
				def.prefix = true
			}
		default:
			return fallback("invalid @id")
		}
	} else if i := strings.IndexByte(term, ':'); i > 0 {
		prefix, suffix := term[:i], term[i+1:]
		if _, ok := local[prefix]; ok {
			if err := createTerm(active, local, prefix, defined, protectedDefault, override); err != nil {
				return err
			}
		}
		if pd, ok := active.terms[prefix]; ok {
			if pd.null {
				return fallback("null prefix")
			}
			def.id = pd.id + suffix
		} else {
			def.id = term
		}
	} else if strings.Contains(term, "/") {
		return fallback("relative IRI term")
	} else if active.hasVocab {
		def.id = active.vocab + term
	} else {
		return fallback("term without IRI mapping")
	}
	defined[term] = true

	if t, ok := vm["@type"]; ok {
		s, ok := t.(string)
		if !ok {
			return fallback("invalid @type mapping")
		}
		e, null, err := expandIRIInContext(active, s, true, local, defined, override)
		if err != nil {
			return err
		}
		if null {
			return fallback("invalid type mapping")
		}
		switch e {
		case "@id", "@vocab", "@json", "@none":
		default:
			if !isAbsoluteIRI(e) || isBlankID(e) {
				return fallback("invalid type mapping %q", e)
			}
		}
		def.typ = e
	}
	if c, ok := vm["@container"]; ok {
		for _, x := range asArray(c) {
			switch x {
			case "@set":
				def.container |= ctSet
			case "@list":
				def.container |= ctList
			case "@graph":
				def.container |= ctGraph
			case "@language":
				def.container |= ctLanguage
			default:
				return fallback("container %v", x)
			}
		}
		if def.container&ctList != 0 && def.container != ctList {
			return fallback("combined @list container")
		}
	}
	if sc, ok := vm["@context"]; ok {
		def.scoped, def.hasScoped = sc, true
	}
	if l, ok := vm["@language"]; ok {
		def.hasLang = true
		switch s := l.(type) {
		case nil:
			def.langNull = true
		case string:
			def.lang = strings.ToLower(s)
		default:
			return fallback("invalid @language mapping")
		}
	}
	if d, ok := vm["@direction"]; ok {
		def.hasDir = true
		switch s := d.(type) {
		case nil:
			def.dirNull = true
		case string:
			if s != "ltr" && s != "rtl" {
				return fallback("invalid @direction mapping")
			}
			def.dir = s
		default:
			return fallback("invalid @direction mapping")
		}
	}
	if p, ok := vm["@prefix"]; ok {
		b, ok := p.(bool)
		if !ok || strings.ContainsAny(term, ":/") {
			return fallback("invalid @prefix")
		}
		def.prefix = b
	}
	if prev != nil && prev.protected && !override {
		def.protected = true
		if !def.equal(prev) {
			return fallback("protected term redefinition of %q", term)
		}
	}
	def.abs = isRDFIRI(def.id)
	def.kw = keywordCode(def.id)
	def.pred = Term{Kind: TermIRI, Value: def.id}
	def.predLine = predLine(def.id)
	def.str = stringFast(def)
	def.typTail = typeTail(def.typ)
	active.terms[term] = def
	return nil
}

// typeTail returns termDef.typTail for the type mapping typ.
func typeTail(typ string) string {
	if typ == "" {
		return literalTail(xsdString)
	}
	if isKeyword(typ) {
		return ""
	}
	return literalTail(typ)
}

// expandIRIInContext is IRI Expansion during context processing (local/defined given) or
// during expansion (local nil). null reports a term mapped to null.
func expandIRIInContext(active *activeCtx, value string, vocab bool, local map[string]any, defined map[string]bool, override bool) (string, bool, error) {
	if isKeyword(value) {
		return value, false, nil
	}
	if looksLikeKeyword(value) {
		return "", true, nil
	}
	if local != nil {
		if _, ok := local[value]; ok && !defined[value] {
			if err := createTerm(active, local, value, defined, false, override); err != nil {
				return "", false, err
			}
		}
	}
	if vocab {
		if d, ok := active.terms[value]; ok {
			if d.null {
				return "", true, nil
			}
			return d.id, false, nil
		}
	}
	return expandNonTerm(active, value, vocab, local, defined, override)
}

// expandNonTerm is the rest of expandIRIInContext for a value that is neither a keyword nor
// keyword-like nor (when vocab) a term of active.
func expandNonTerm(active *activeCtx, value string, vocab bool, local map[string]any, defined map[string]bool, override bool) (string, bool, error) {
	if i := strings.IndexByte(value, ':'); i > 0 {
		prefix, suffix := value[:i], value[i+1:]
		if prefix == "_" || strings.HasPrefix(suffix, "//") {
			return value, false, nil
		}
		if local != nil {
			if _, ok := local[prefix]; ok && !defined[prefix] {
				if err := createTerm(active, local, prefix, defined, false, override); err != nil {
					return "", false, err
				}
			}
		}
		if d, ok := active.terms[prefix]; ok && !d.null && d.prefix {
			return d.id + suffix, false, nil
		}
		if isAbsoluteIRI(value) {
			return value, false, nil
		}
	}
	if vocab && active.hasVocab {
		return active.vocab + value, false, nil
	}
	// Document-relative with a null base: jsonld.js leaves the value as it is.
	return value, false, nil
}

// jsonEqual compares decoded JSON values (float64 or json.Number numbers).
func jsonEqual(a, b any) bool {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !jsonEqual(v, w) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !jsonEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	case json.Number, float64:
		fx, err1 := toFloat(x)
		fy, err2 := toFloat(b)
		return err1 == nil && err2 == nil && fx == fy
	default:
		return a == b
	}
}

// termNeedsIRICheck is jsonld.js's term.match(/(?::[^:])|\//): a term that looks like an IRI
// must expand to its own @id.
func termNeedsIRICheck(term string) bool {
	for i := 0; i < len(term); i++ {
		if term[i] == '/' || term[i] == ':' && i+1 < len(term) && term[i+1] != ':' {
			return true
		}
	}
	return false
}
