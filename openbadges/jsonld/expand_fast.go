package jsonld

import (
	"context"
	"errors"
	"slices"
	"sort"

	"github.com/rosettebadges/rosette/openbadges/internal/jsondec"
)

// fastBuilder is the fast path: JSON-LD expansion straight to RDF quads over compiled,
// cached contexts, following jsonld.js's expansion (revert of type-scoped contexts,
// property-scoped contexts, value expansion) and its safe-mode events. It supports the
// features credentials use; anything else returns errFallback and the general path runs.
type fastBuilder struct {
	rdfBuilder
	ctx  context.Context
	cc   *contextCompiler
	t    *jsondec.Tree // the document
	path []jseg        // the JSON pointer of the value being expanded, see at
	// emit is a stack of expanded values: element and object push, and the property or list
	// that called them takes what lies above its mark and truncates back to it.
	emit []emitted
	exp  []expandedKey // a stack of the expanded keys of the node objects being expanded, see node
	strs []string      // a stack of the types of a node object, sorted, see node
	keys keyCache      // the expansions of the member names of the last objects, see node
}

// keyCacheSize is the number of member places a keyCache keeps.
const keyCacheSize = 16

// keyCache keeps expandName's answers for the member names of the last node objects expanded
// in context ctx, by place (the i-th member in name order): names[i] expands to es[i], defs[i],
// kws[i], abs[i] for i < n. Siblings of one shape (the alignments or results of a
// credential) then cost a string comparison per member instead of a look-up. Any pair kept is
// right for ctx, whatever object it came from.
type keyCache struct {
	ctx   *activeCtx
	n     int
	names [keyCacheSize]string
	es    [keyCacheSize]string
	defs  [keyCacheSize]int32
	kws   [keyCacheSize]uint8
	abs   [keyCacheSize]bool
}

// use makes c keep the answers of the context active (dropping those of another one).
func (c *keyCache) use(active *activeCtx) {
	if c.ctx != active {
		c.ctx, c.n = active, 0
	}
}

// has reports whether c keeps the answer for the i-th member name k of an object (then in
// es[i], defs[i], kws[i] and abs[i]).
func (c *keyCache) has(i int, k string) bool {
	return i < keyCacheSize && i < c.n && c.names[i] == k
}

// expand is expandName(active, k) for the i-th member name k of an object, kept for the next
// ones (active being c.ctx).
func (c *keyCache) expand(active *activeCtx, i int, k string) (e string, def int32, kw uint8, abs bool) {
	e, def, kw, abs = expandName(active, k)
	if i < keyCacheSize {
		c.names[i], c.es[i], c.defs[i], c.kws[i], c.abs[i] = k, e, def, kw, abs
		c.n = max(c.n, i+1)
	}
	return e, def, kw, abs
}

// span returns the values v stands for: the elements of an array (consecutive Refs), or v.
func (f *fastBuilder) span(v jsondec.Ref) (jsondec.Ref, int) {
	if f.t.Kind(v) == jsondec.Array {
		return f.t.Elem(v, 0), f.t.Len(v)
	}
	return v, 1
}

// emitted is one expanded value turned into an RDF object, with its node map identity.
type emitted struct {
	t   Term
	key nodeKey
}

func (f *fastBuilder) problemAt(path, code, term, msg string) {
	f.problems = append(f.problems, Problem{Path: path, Code: code, Term: term, Message: msg})
}

func (f *fastBuilder) document() error {
	m := f.t.Root()
	if f.t.Kind(m) != jsondec.Object {
		return fallback("top level is not an object")
	}
	active := f.cc.root
	if c, ok := f.t.Get(m, "@context"); ok {
		var err error
		if active, err = f.cc.deriveEmbedded(f.ctx, active, f.t, c); err != nil {
			return err
		}
	}
	for i := range f.t.Len(m) {
		k, _ := f.t.Member(m, i)
		if k == "@context" {
			continue
		}
		if e := keywordOf(active, k); e != "" && e != "@id" && e != "@type" {
			return fallback("top-level %s", e)
		}
	}
	var top emitted
	count, onlyID, err := f.node(f.cc.root, "", nil, m, &Term{}, 0, false, &top)
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

// mapContext applies jsonld.js's context rules for a map element: revert a non-propagated
// (type-scoped) context, then the property-scoped context of prop, then an embedded @context.
// valueLike is set when the map is a value object under a type-scoped context.
// propDef is prop's term definition in active (nil when none); m is the map.
func (f *fastBuilder) mapContext(active *activeCtx, prop string, propDef *termDef, m jsondec.Ref) (*activeCtx, error) {
	var scopedDef *termDef
	if prop != "" && propDef != nil && propDef.hasScoped {
		scopedDef = propDef
	}
	if active.previous != nil {
		mustRevert := true
		if n := f.t.Len(m); n <= 2 {
			if _, hasCtx := f.contextMember(m); !hasCtx {
				for i := range n {
					k, _ := f.t.Member(m, i)
					e := keywordOf(active, k)
					if e == "@value" {
						mustRevert = false
						break
					}
					if e == "@id" && n == 1 {
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
	if c, ok := f.contextMember(m); ok {
		var err error
		if active, err = f.cc.deriveEmbedded(f.ctx, active, f.t, c); err != nil {
			return nil, err
		}
	}
	return active, nil
}

// Returned by node for a property value that is not a node object (see object).
var (
	errValueObject = errors.New("jsonld: value object")
	errListObject  = errors.New("jsonld: list object")
	errSetObject   = errors.New("jsonld: set object")
)

// valueKind returns nil when an object of member names ks, a property value in active, is a
// node object, errValueObject, errListObject or errSetObject when it is a value, list or set
// object (the last of these keys tells), or the fallback for a keyword the fast path does not
// support in a property value.
func valueKind(active *activeCtx, ks []string) error {
	var kind error
	for _, k := range ks {
		if !mayBeKeyword(active, k) {
			continue
		}
		switch e := keywordOfAlias(active, k); e {
		case "@value":
			kind = errValueObject
		case "@list":
			kind = errListObject
		case "@set":
			kind = errSetObject
		case "@graph", "@reverse", "@included", "@nest", "@index":
			return fallback("%s in property value", e)
		}
	}
	return kind
}

// maxStackKeys is the number of members of an object whose names and expansions node keeps
// in arrays on the goroutine stack (more are kept on the f.strs stack).
const maxStackKeys = 16

// node processes a node object in graph g, sets out to its subject and node map identity,
// and returns the number of entries its expansion has, and whether its only entry is @id.
// active is the context passed down by the parent (with the parent's property-scoped context
// applied), prop the active property and propDef its definition in active.
// With value (m is a property value, see object), node first looks for the keywords of a
// value, list or set object, and returns errValueObject, errListObject or errSetObject for
// such an object (having done nothing).
func (f *fastBuilder) node(active *activeCtx, prop string, propDef *termDef, m jsondec.Ref, g *Term, depth int, value bool, out *emitted) (int, bool, error) {
	if depth > maxDepth {
		return 0, false, fallback("too deep")
	}
	t := f.t
	n := t.Len(m)
	// The members' names, and later their expansions (IRIs), are kept on the goroutine
	// stack, the rest on the f.exp stack (pointer-free), all only read once the recursion
	// below starts (which may move f.exp and f.strs but leaves this part alone).
	var ksBuf, esBuf [maxStackKeys]string
	var ks, es []string
	sbase := len(f.strs)
	if n <= maxStackKeys {
		ks, es = ksBuf[:n], esBuf[:n]
	} else {
		// On the f.strs stack (pooled: stale strings are overwritten, with write barriers).
		if cap(f.strs)-sbase < 2*n {
			f.strs = slices.Grow(f.strs, 2*n)
		}
		f.strs = f.strs[:sbase+2*n]
		ks, es = f.strs[sbase:sbase+n:sbase+n], f.strs[sbase+n:sbase+2*n:sbase+2*n]
		clear(es)
	}
	base := len(f.exp)
	if cap(f.exp)-base < n {
		f.exp = slices.Grow(f.exp, n)
	}
	f.exp = f.exp[:base+n] // (no pointer written: only the length changes)
	expanded := f.exp[base : base+n : base+n]
	for i := range expanded {
		ks[i], expanded[i].v = t.Member(m, i)
	}
	if value {
		if err := valueKind(active, ks); err != nil {
			f.exp, f.strs = f.exp[:base], f.strs[:sbase]
			return 0, false, err
		}
	}
	active, err := f.mapContext(active, prop, propDef, m)
	if err != nil {
		return 0, false, err
	}
	// Type-scoped contexts, in key order, types sorted.
	typeScoped := active
	for i, k := range ks {
		if !mayBeKeyword(active, k) || k == "@context" || keywordOfAlias(active, k) != "@type" {
			continue
		}
		v := expanded[i].v
		// The types, sorted, on the f.strs stack.
		tbase := len(f.strs)
		switch t.Kind(v) {
		case jsondec.String:
			f.strs = append(f.strs, t.Str(v))
		case jsondec.Array:
			for j := range t.Len(v) {
				e := t.Elem(v, j)
				if t.Kind(e) != jsondec.String {
					return 0, false, fallback("non-string @type")
				}
				f.strs = append(f.strs, t.Str(e))
			}
			sort.Strings(f.strs[tbase:])
		default:
			return 0, false, fallback("invalid @type value")
		}
		for _, ty := range f.strs[tbase:] {
			if d, _ := typeScoped.term(ty); d != nil && d.hasScoped {
				if active, err = f.cc.derive(f.ctx, active, d, 2, d.scoped); err != nil {
					return 0, false, err
				}
			}
		}
		f.strs = f.strs[:tbase]
	}
	// The keys, expanded in the type-scoped context: those of the objects of one shape (the
	// elements of an array) at the same places are looked up once (see keyCache).
	idAt, ids := 0, 0
	c := &f.keys
	c.use(active)
	for i, k := range ks {
		x := &expanded[i]
		if k == "@context" {
			x.def, x.kw, x.abs, x.isCtx = -1, kwNone, false, true
			continue
		}
		var e string
		var def int32
		var kw uint8
		var abs bool
		if c.has(i, k) {
			e, def, kw, abs = c.es[i], c.defs[i], c.kws[i], c.abs[i]
		} else {
			e, def, kw, abs = c.expand(active, i, k)
		}
		es[i] = e
		x.def, x.kw, x.abs, x.isCtx = def, kw, abs, false
		if kw == kwID {
			idAt = i
			ids++
		}
	}
	// Subject.
	s, idKey := &out.t, &out.key
	hasID := ids > 0
	if ids > 1 {
		return 0, false, fallback("colliding @id")
	}
	if hasID {
		v := expanded[idAt].v
		if t.Kind(v) != jsondec.String {
			return 0, false, fallback("non-string @id")
		}
		id := t.Str(v)
		e, null, err := expandIRIInContext(active, id, false, nil, nil, false)
		if err != nil {
			return 0, false, err
		}
		if null {
			return 0, false, fallback("keyword-like @id value")
		}
		if !isRDFIRI(e) {
			f.problemAt(ptr(f.at(), ks[idAt]), codeRelativeID, id, "relative or malformed @id")
		}
		*s = f.ref(e)
		*idKey = refKeyOf(e)
	} else {
		*s = f.fresh()
		*idKey = nodeKey{}
	}
	count := 0
	if hasID {
		count = 1
	}
	// A fresh subject's statements are all made here: when no two keys expand to the same
	// property, the duplicates of a property are found among its own values (see property).
	local := !hasID && distinctProperties(es)
	for i := range n {
		x := &expanded[i]
		if x.isCtx || x.kw == kwID {
			continue
		}
		e := es[i]
		if e == "" || (!x.abs && x.kw == kwNone) {
			k := ks[i]
			f.problemAt(ptr(f.at(), k), codeInvalidProperty, k, "property did not expand to an absolute IRI (undefined term)")
			continue
		}
		if x.kw == kwType {
			if err := f.types(typeScoped, ks[i], x.v, s, g, local, &count); err != nil {
				return 0, false, err
			}
			continue
		}
		if x.kw != kwNone {
			return 0, false, fallback("keyword %s in node object", e)
		}
		mark := f.pushMember(m, i)
		n, err := f.property(active, ks[i], x.defOf(active), e, x.v, s, g, local, depth)
		f.path = f.path[:mark]
		if err != nil {
			return 0, false, err
		}
		if n {
			count++
		}
	}
	// (an error leaves the stacks as they are: the builder is then dropped)
	f.exp, f.strs = f.exp[:base], f.strs[:sbase]
	return count, hasID && count == 1, nil
}
