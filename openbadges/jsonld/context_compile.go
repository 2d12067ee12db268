package jsonld

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
)

// errFallback makes the fast path hand a document to the general path: it met a JSON-LD
// feature or an error case it does not implement. Never returned to callers.
var errFallback = errors.New("jsonld: fast path cannot handle this document")

func fallback(format string, a ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errFallback}, a...)...)
}

// container flags.
const (
	ctSet uint8 = 1 << iota
	ctList
	ctGraph
	ctLanguage
)

// termDef is a compiled term definition (JSON-LD 1.1 §4.2). Immutable once built.
type termDef struct {
	id        string // IRI, blank node id or keyword; "" with null=true for a null mapping
	null      bool
	typ       string // "", "@id", "@vocab", "@json", "@none" or a datatype IRI
	container uint8
	lang      string
	hasLang   bool // lang set (langNull means explicitly null)
	langNull  bool
	dir       string
	hasDir    bool
	dirNull   bool
	scoped    any // raw scoped context, nil when none
	hasScoped bool
	protected bool
	prefix    bool
}

func (a *termDef) equal(b *termDef) bool {
	return a.id == b.id && a.null == b.null && a.typ == b.typ && a.container == b.container &&
		a.lang == b.lang && a.hasLang == b.hasLang && a.langNull == b.langNull &&
		a.dir == b.dir && a.hasDir == b.hasDir && a.dirNull == b.dirNull &&
		a.hasScoped == b.hasScoped && jsonEqual(a.scoped, b.scoped) &&
		a.protected == b.protected && a.prefix == b.prefix
}

// activeCtx is a compiled active context. Immutable once built, except for its derived-context
// cache, which only memoizes pure functions of it.
type activeCtx struct {
	terms    map[string]*termDef
	vocab    string
	hasVocab bool
	lang     string
	dir      string
	previous *activeCtx // set when built by a non-propagated (type-scoped) context

	mu      sync.Mutex
	derived map[any]*activeCtx
}

const maxDerived = 256

func (c *activeCtx) clone() *activeCtx {
	n := &activeCtx{terms: make(map[string]*termDef, len(c.terms)), vocab: c.vocab, hasVocab: c.hasVocab, lang: c.lang, dir: c.dir, previous: c.previous}
	for k, v := range c.terms {
		n.terms[k] = v
	}
	return n
}

// derivedKey identifies a context derived from a parent by a scoped or embedded context.
type derivedKey struct {
	def  *termDef
	mode uint8 // 1 property-scoped, 2 type-scoped
	raw  string
}

// contextCompiler compiles contexts for one Processor; it caches remote documents' parsed
// @context values by URL.
type contextCompiler struct {
	loader Loader
	root   *activeCtx // the empty context; documents' contexts are cached on it
	mu     sync.Mutex
	remote map[string]any
}

func newContextCompiler(l Loader) *contextCompiler {
	return &contextCompiler{loader: l, root: &activeCtx{terms: map[string]*termDef{}}, remote: map[string]any{}}
}

// contextKey is a cache key for a context value: the URL list joined, or its JSON.
func contextKey(local any) (string, bool) {
	switch v := local.(type) {
	case string:
		return "s" + v, true
	case []any:
		var b strings.Builder
		b.WriteByte('a')
		for _, e := range v {
			s, ok := e.(string)
			if !ok {
				raw, err := json.Marshal(local)
				if err != nil {
					return "", false
				}
				return "j" + string(raw), true
			}
			b.WriteString(s)
			b.WriteByte('\n')
		}
		return b.String(), true
	}
	raw, err := json.Marshal(local)
	if err != nil {
		return "", false
	}
	return "j" + string(raw), true
}

// derive applies a scoped (mode 1 property, 2 type) or embedded (mode 3) context to parent,
// memoized on parent.
func (cc *contextCompiler) derive(ctx context.Context, parent *activeCtx, def *termDef, mode uint8, local any) (*activeCtx, error) {
	k := derivedKey{def: def, mode: mode}
	if mode == 3 {
		key, ok := contextKey(local)
		if !ok {
			return nil, fallback("context not serializable")
		}
		k.raw = key
	}
	parent.mu.Lock()
	c, hit := parent.derived[k]
	parent.mu.Unlock()
	if hit {
		return c, nil
	}
	var err error
	switch mode {
	case 1:
		c, err = cc.process(ctx, parent, local, true, true, 0)
	case 2:
		c, err = cc.process(ctx, parent, local, false, false, 0)
	default:
		c, err = cc.process(ctx, parent, local, false, true, 0)
	}
	if err != nil {
		return nil, err
	}
	// Embedded contexts are cached only when they are lists of URLs: inline context objects
	// come from the document and must not fill the cache.
	if mode != 3 || k.raw[0] != 'j' {
		parent.mu.Lock()
		if parent.derived == nil {
			parent.derived = map[any]*activeCtx{}
		}
		if len(parent.derived) < maxDerived {
			parent.derived[k] = c
		}
		parent.mu.Unlock()
	}
	return c, nil
}

func (cc *contextCompiler) load(ctx context.Context, url string) (any, error) {
	cc.mu.Lock()
	v, ok := cc.remote[url]
	cc.mu.Unlock()
	if ok {
		return v, nil
	}
	doc, err := cc.loader.LoadDocument(ctx, url)
	if err != nil {
		return nil, err
	}
	m, ok := doc.(map[string]any)
	if !ok {
		return nil, fallback("remote context %s is not an object", url)
	}
	c, ok := m["@context"]
	if !ok {
		return nil, fallback("remote document %s has no @context", url)
	}
	cc.mu.Lock()
	if len(cc.remote) < 1024 {
		cc.remote[url] = c
	}
	cc.mu.Unlock()
	return c, nil
}

// process is the Context Processing algorithm (JSON-LD 1.1 §4.1) for the features the fast
// path supports; anything else falls back.
func (cc *contextCompiler) process(ctx context.Context, active *activeCtx, local any, override, propagate bool, depth int) (*activeCtx, error) {
	if depth > 16 {
		return nil, fallback("context nesting too deep")
	}
	result := active.clone()
	if m, ok := local.(map[string]any); ok {
		if p, ok := m["@propagate"]; ok {
			b, ok := p.(bool)
			if !ok {
				return nil, fallback("@propagate not boolean")
			}
			propagate = b
		}
	}
	if !propagate && result.previous == nil {
		result.previous = active
	}
	for _, item := range asArray(local) {
		switch v := item.(type) {
		case nil:
			if !override {
				for _, d := range result.terms {
					if d.protected {
						return nil, fallback("invalid context nullification")
					}
				}
			}
			prev := result.previous
			result = &activeCtx{terms: map[string]*termDef{}}
			if !propagate {
				result.previous = prev
			}
		case string:
			remote, err := cc.load(ctx, v)
			if err != nil {
				return nil, err
			}
			r, err := cc.process(ctx, result, remote, override, true, depth+1)
			if err != nil {
				return nil, err
			}
			r.previous = result.previous
			result = r
		case map[string]any:
			if err := cc.processObject(result, v, override); err != nil {
				return nil, err
			}
		default:
			return nil, fallback("invalid local context")
		}
	}
	return result, nil
}

func (cc *contextCompiler) processObject(result *activeCtx, m map[string]any, override bool) error {
	for k, v := range m {
		switch k {
		case "@version":
			if f, ok := v.(float64); !ok || f != 1.1 {
				if n, ok := v.(json.Number); !ok || n != "1.1" {
					return fallback("@version")
				}
			}
		case "@import", "@base":
			return fallback("%s in context", k)
		case "@vocab":
			switch s := v.(type) {
			case nil:
				result.vocab, result.hasVocab = "", false
			case string:
				e, null, err := expandIRIInContext(result, s, true, nil, nil, override)
				if err != nil {
					return err
				}
				if null || (!isAbsoluteIRI(e) && e != "") {
					return fallback("relative @vocab")
				}
				if e == "" {
					return fallback("empty @vocab")
				}
				result.vocab, result.hasVocab = e, true
			default:
				return fallback("invalid @vocab")
			}
		case "@language":
			switch s := v.(type) {
			case nil:
				result.lang = ""
			case string:
				result.lang = strings.ToLower(s)
			default:
				return fallback("invalid @language")
			}
		case "@direction":
			switch s := v.(type) {
			case nil:
				result.dir = ""
			case string:
				if s != "ltr" && s != "rtl" {
					return fallback("invalid @direction")
				}
				result.dir = s
			default:
				return fallback("invalid @direction")
			}
		}
	}
	defined := map[string]bool{}
	protectedDefault := false
	if p, ok := m["@protected"]; ok {
		b, ok := p.(bool)
		if !ok {
			return fallback("@protected not boolean")
		}
		protectedDefault = b
	}
	for k := range m {
		switch k {
		case "@version", "@import", "@base", "@vocab", "@language", "@direction", "@propagate", "@protected":
			continue
		}
		if err := createTerm(result, m, k, defined, protectedDefault, override); err != nil {
			return err
		}
	}
	return nil
}

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
	active.terms[term] = def
	return nil
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
