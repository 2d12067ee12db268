package jsonld

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/rosettebadges/rosette/openbadges/internal/jsondec"
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
	abs       bool  // id is an IRI an RDF term may hold (isRDFIRI), set when the definition is complete
	kw        uint8 // keywordCode(id), set when the definition is complete
	// pred is id as a predicate and str what a string value of the term makes (see
	// stringFast), set when the definition is complete: property's fast path.
	pred     Term
	predLine string // pred serialized (see rdfBuilder.addpl)
	str      uint8
	// typTail is the tail (see objectTail) of a literal of the string a string value makes
	// with this definition's typ and no language (xsd:string when typ is ""), "" when typ is a
	// keyword or holds a '>'; set when the definition is complete.
	typTail string
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
	// aliases lists the terms mapped to a keyword (such as "id" to "@id"), for keywordOf.
	aliases []termAlias
	// aliasMask has bit aliasBit(term) set for each alias term: keywordOf's quick rejection.
	aliasMask uint64
	// tab indexes terms once the context is finished (see term).
	tab termTable

	mu       sync.Mutex
	derived  map[derivedKey]*activeCtx // scoped contexts
	embedded map[string]*activeCtx     // embedded contexts, by contextKey
}

const maxDerived = 256

func (c *activeCtx) clone() *activeCtx {
	n := &activeCtx{terms: make(map[string]*termDef, len(c.terms)), vocab: c.vocab, hasVocab: c.hasVocab, lang: c.lang, dir: c.dir, previous: c.previous}
	for k, v := range c.terms {
		n.terms[k] = v
	}
	return n
}

// derivedKey identifies a context derived from a parent by a scoped context.
type derivedKey struct {
	def  *termDef
	mode uint8 // 1 property-scoped, 2 type-scoped
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

// appendContextKey appends the cache key of a context value to dst: "s" and the URL, "a" and
// the URLs of a list each followed by a newline, or "j" and the value's JSON.
func appendContextKey(dst []byte, local any) ([]byte, bool) {
	switch v := local.(type) {
	case string:
		return append(append(dst, 's'), v...), true
	case []any:
		start := len(dst)
		dst = append(dst, 'a')
		for _, e := range v {
			s, ok := e.(string)
			if !ok {
				return appendJSONKey(dst[:start], local)
			}
			dst = append(append(dst, s...), '\n')
		}
		return dst, true
	}
	return appendJSONKey(dst, local)
}

func appendJSONKey(dst []byte, local any) ([]byte, bool) {
	raw, err := json.Marshal(local)
	if err != nil {
		return dst, false
	}
	return append(append(dst, 'j'), raw...), true
}

// deriveEmbedded is derive for the embedded context c of the document t: a context given as
// URLs is looked up by a key built from t on the stack; only a miss (or a context object)
// converts c to the generic form.
func (cc *contextCompiler) deriveEmbedded(ctx context.Context, parent *activeCtx, t *jsondec.Tree, c jsondec.Ref) (*activeCtx, error) {
	var kb [256]byte
	if key, ok := appendTreeContextKey(kb[:0], t, c); ok {
		parent.mu.Lock()
		a, hit := parent.embedded[string(key)]
		parent.mu.Unlock()
		if hit {
			return a, nil
		}
	}
	return cc.derive(ctx, parent, nil, 3, t.Value(c))
}

// appendTreeContextKey is appendContextKey for a context of URLs in a Tree (false for any
// other context).
func appendTreeContextKey(dst []byte, t *jsondec.Tree, c jsondec.Ref) ([]byte, bool) {
	switch t.Kind(c) {
	case jsondec.String:
		return append(append(dst, 's'), t.Str(c)...), true
	case jsondec.Array:
		dst = append(dst, 'a')
		for i := range t.Len(c) {
			e := t.Elem(c, i)
			if t.Kind(e) != jsondec.String {
				return dst, false
			}
			dst = append(append(dst, t.Str(e)...), '\n')
		}
		return dst, true
	}
	return dst, false
}

// derive applies a scoped (mode 1 property, 2 type) or embedded (mode 3) context to parent,
// memoized on parent.
func (cc *contextCompiler) derive(ctx context.Context, parent *activeCtx, def *termDef, mode uint8, local any) (*activeCtx, error) {
	k := derivedKey{def: def, mode: mode}
	var key []byte // mode 3: the embedded context's key, built on the stack when short
	var c *activeCtx
	var hit bool
	if mode == 3 {
		var kb [256]byte
		var ok bool
		if key, ok = appendContextKey(kb[:0], local); !ok {
			return nil, fallback("context not serializable")
		}
		parent.mu.Lock()
		c, hit = parent.embedded[string(key)]
		parent.mu.Unlock()
	} else {
		parent.mu.Lock()
		c, hit = parent.derived[k]
		parent.mu.Unlock()
	}
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
	switch {
	case mode != 3:
		parent.mu.Lock()
		if parent.derived == nil {
			parent.derived = map[derivedKey]*activeCtx{}
		}
		if len(parent.derived) < maxDerived {
			parent.derived[k] = c
		}
		parent.mu.Unlock()
	case key[0] != 'j':
		parent.mu.Lock()
		if parent.embedded == nil {
			parent.embedded = map[string]*activeCtx{}
		}
		if len(parent.embedded) < maxDerived {
			parent.embedded[string(key)] = c
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
	result.aliases = keywordAliases(result.terms)
	result.tab = buildTermTable(result.terms)
	result.aliasMask = 0
	for _, a := range result.aliases {
		result.aliasMask |= 1 << aliasBit(a.term)
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
