package jsonld

import (
	"fmt"
	"hash/maphash"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// rdfBuilder turns expanded JSON-LD into an RDF dataset (JSON-LD 1.1 "Deserialize JSON-LD to
// RDF" with jsonld.js's safe-mode events). The order of quads and the blank node labels do not
// matter: RDFC-1.0 relabels them and sorts.
type rdfBuilder struct {
	quads []Quad
	// lines, when set, receives the statements as line templates instead of quads (see
	// addpl), and kl keeps the identities of those with a node map identity.
	lines    *lineSet
	kl       *keyedLines
	keyed    []keyedQuad       // the quads with a node map identity, in order
	blank    map[string]string // input blank node label -> ours
	next     int
	problems []Problem
	table    []int32 // dataset's hash table, reused
}

// keyedQuad is the node map identity of quads[i] (see add); drop is set by dataset.
type keyedQuad struct {
	i    int32
	drop bool
	key  nodeKey
}

// add appends a statement. key is the object's identity under jsonld.js's node map equality
// (compareValues: same @value by ===, @type, @language, @index; or same @id); a later
// statement with the same subject, predicate, graph and key is dropped (by dataset(), or at
// once when writing lines). Values with different keys that give the same RDF literal (a
// value with and without @index, a plain string and the same typed xsd:string) are therefore
// kept twice, and rdf-canonize keeps both quads: so do we. Values with equal keys but
// different objects (one string with two @direction values, which compareValues does not
// look at) are one: the first is kept. The zero key (a statement always kept) is not stored.
func (b *rdfBuilder) add(s, p, o, g Term, key nodeKey) {
	b.addpl(&s, &p, "", &o, &g, &key)
}

// addpl is add with the terms and key given by pointer (key nil for the zero key), which
// spares copying them on the way, and the predicate also given serialized as pl ("<" p.Value
// ">", see predLine) when it holds no '>', else pl "": a line then copies it at once. With
// b.lines, every statement becomes a line at once, and one that repeats an earlier one's
// identity is taken back; without, it is written in place in b.quads.
func (b *rdfBuilder) addpl(s, p *Term, pl string, o, g *Term, key *nodeKey) {
	b.addplt(s, p, pl, o, "", false, g, key)
}

// addplt is addpl with the object's tail ot (see objectTail) when known, else "", and plain
// as for lineSet.addLine.
func (b *rdfBuilder) addplt(s, p *Term, pl string, o *Term, ot string, plain bool, g *Term, key *nodeKey) {
	keyed := key != nil && key.kind != 0
	if b.lines != nil {
		if !keyed {
			b.lines.addBuiltLine(s, p, pl, o, ot, plain, g)
			return
		}
		m := b.lines.mark()
		b.lines.addBuiltLine(s, p, pl, o, ot, plain, g)
		if b.kl.add(b.lines, s, p, g, key) {
			b.lines.dropLast(m)
		}
		return
	}
	n := len(b.quads)
	if keyed {
		b.keyed = append(b.keyed, keyedQuad{i: int32(n), key: *key})
	}
	if n == cap(b.quads) {
		b.quads = slices.Grow(b.quads, max(16, n))
	}
	b.quads = b.quads[:n+1]
	q := &b.quads[n]
	q.S = *s // one by one: a parallel assignment would copy them all to temporaries first
	q.P = *p
	q.O = *o
	q.G = *g
}

// dataset returns the quads without the node map duplicates (the first one is kept). It
// compacts b.quads in place: call it once, when the builder is done.
func (b *rdfBuilder) dataset() []Quad {
	if len(b.keyed) == 0 {
		return b.quads
	}
	// An open-addressing table of the kept keyed quads (their index in b.keyed, plus one), by
	// a cheap hash of what is compared; equality is checked exactly on a hit. Should probing
	// grow long (values made to collide), the table starts over with maphash.
	size := 16
	for size < 2*len(b.keyed) {
		size *= 2
	}
	if cap(b.table) < size {
		b.table = make([]int32, size)
	}
	table := b.table[:size]
	dropped, ok := b.markDuplicates(table, nil)
	if !ok {
		seed := maphash.MakeSeed()
		dropped, _ = b.markDuplicates(table, &seed)
	}
	if dropped == 0 {
		return b.quads
	}
	kept, next := 0, 0
	for i := range b.quads {
		if next < len(b.keyed) && int(b.keyed[next].i) == i {
			drop := b.keyed[next].drop
			next++
			if drop {
				continue
			}
		}
		if kept != i {
			b.quads[kept] = b.quads[i]
		}
		kept++
	}
	clear(b.quads[kept:])
	return b.quads[:kept]
}

// maxDupProbes bounds the probes of markDuplicates's cheap hash, per keyed quad on average.
const maxDupProbes = 8

// markDuplicates sets the drop flag of the keyed quads that repeat an earlier one and returns
// how many it set, using table (a power of two of slots) with dupHash by seed, or with
// cheapDupHash when seed is nil; it then gives up (false) when probing grows long.
func (b *rdfBuilder) markDuplicates(table []int32, seed *maphash.Seed) (int, bool) {
	clear(table)
	mask := uint64(len(table) - 1)
	dropped, probes, budget := 0, 0, maxDupProbes*len(b.keyed)
	for n := range b.keyed {
		e := &b.keyed[n]
		e.drop = false
		q := &b.quads[e.i]
		var h uint64
		if seed != nil {
			h = dupHash(*seed, q, &e.key)
		} else {
			h = cheapDupHash(q, &e.key)
		}
		for slot := h & mask; ; slot = (slot + 1) & mask {
			if probes++; seed == nil && probes > budget {
				return 0, false
			}
			j := table[slot]
			if j == 0 {
				table[slot] = int32(n + 1)
				break
			}
			if k := &b.keyed[j-1]; k.key == e.key {
				if o := &b.quads[k.i]; o.S == q.S && o.P == q.P && o.G == q.G {
					e.drop = true
					dropped++
					break
				}
			}
		}
	}
	return dropped, true
}

// dupHash hashes part of what dataset compares: subject, the key's value, and the lengths
// of the predicate and graph name.
func dupHash(seed maphash.Seed, q *Quad, k *nodeKey) uint64 {
	h := maphash.String(seed, q.S.Value)
	h = h*31 + maphash.String(seed, k.v)
	return h*31 + termsHashTail(&q.S, &q.P, &q.G, k)
}

// termsHashTail is what dupHash and cheapLineHash take of the kinds, the key's kind and the
// lengths of the predicate and graph name.
func termsHashTail(s, p, g *Term, k *nodeKey) uint64 {
	return uint64(k.kind) + uint64(s.Kind)<<8 + uint64(g.Kind)<<16 + uint64(len(p.Value))<<24 + uint64(len(g.Value))<<40
}

// cheapDupHash is dupHash with tableHash (lengths and first and last eight bytes) of the
// subject and value in place of their maphash: cheapLineHash of the quad.
func cheapDupHash(q *Quad, k *nodeKey) uint64 { return cheapLineHash(&q.S, &q.P, &q.G, k) }

// rdfTypeTerm, rdfFirstTerm and rdfRestTerm as predicates serialized (see addpl).
const (
	rdfTypeLine  = "<" + rdfType + ">"
	rdfFirstLine = "<" + rdfFirst + ">"
	rdfRestLine  = "<" + rdfRest + ">"
	rdfNilLine   = "<" + rdfNil + ">" // rdf:nil as an object's tail (see objectTail)
)

// predLine returns iri serialized as a predicate ("<" iri ">") for addpl, or "" when iri
// holds a '>'.
func predLine(iri string) string {
	if strings.IndexByte(iri, '>') >= 0 {
		return ""
	}
	return "<" + iri + ">"
}

func (b *rdfBuilder) fresh() Term {
	t := Term{Kind: TermBlank, Value: blankLabel(b.next)}
	b.next++
	return t
}

// blankLabels holds the labels of the first blank nodes ("b0", "b1", ...), so that numbering
// them allocates nothing. Immutable.
var blankLabels = func() (l [256]string) {
	for i := range l {
		l[i] = "b" + strconv.Itoa(i)
	}
	return l
}()

// blankLabel returns "b" followed by n in decimal.
func blankLabel(n int) string {
	if n < len(blankLabels) {
		return blankLabels[n]
	}
	return "b" + strconv.Itoa(n)
}

func (b *rdfBuilder) problem(code, term, msg string) {
	b.problems = append(b.problems, Problem{Code: code, Term: term, Message: msg})
}

// ref converts an expanded @id (or @type value) to a term.
func (b *rdfBuilder) ref(id string) Term {
	if isBlankID(id) {
		if b.blank == nil {
			b.blank = map[string]string{}
		}
		l, ok := b.blank[id]
		if !ok {
			l = blankLabel(b.next)
			b.next++
			b.blank[id] = l
		}
		return Term{Kind: TermBlank, Value: l}
	}
	return Term{Kind: TermIRI, Value: id}
}

// addTopLevel processes the expanded document (an array of node objects).
func (b *rdfBuilder) addTopLevel(expanded any) error {
	items, ok := expanded.([]any)
	if !ok {
		if expanded == nil {
			return nil
		}
		items = []any{expanded}
	}
	for _, it := range items {
		m, ok := it.(map[string]any)
		if !ok {
			b.problem(codeFreeFloating, fmt.Sprint(it), "free-floating scalar")
			continue
		}
		if _, err := b.node(m, Term{}); err != nil {
			return err
		}
	}
	return nil
}

// node emits the quads of a node object in graph g and returns its subject term.
func (b *rdfBuilder) node(m map[string]any, g Term) (Term, error) {
	var s Term
	if v, ok := m["@id"]; ok {
		id, ok := v.(string)
		if !ok {
			return Term{}, fmt.Errorf("%w: @id must be a string", ErrInvalidInput)
		}
		if !isRDFIRI(id) {
			b.problem(codeRelativeSubject, id, "relative or malformed @id")
			// jsonld.js drops every statement about a relative subject; keep going to report
			// more problems.
		}
		s = b.ref(id)
	} else {
		s = b.fresh()
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := m[k]
		switch k {
		case "@id", "@index", "@context":
			continue
		case "@type":
			for _, t := range asArray(v) {
				ts, ok := t.(string)
				if !ok {
					return Term{}, fmt.Errorf("%w: @type must be a string", ErrInvalidInput)
				}
				if !isRDFIRI(ts) {
					b.problem(codeRelativeType, ts, "relative @type")
					continue
				}
				b.add(s, Term{Kind: TermIRI, Value: rdfType}, b.ref(ts), g, typeKeyOf(ts))
			}
		case "@graph":
			for _, it := range asArray(v) {
				gm, ok := it.(map[string]any)
				if !ok {
					b.problem(codeFreeFloating, fmt.Sprint(it), "free-floating scalar in @graph")
					continue
				}
				if _, isVal := gm["@value"]; isVal {
					b.problem(codeFreeFloating, fmt.Sprint(gm["@value"]), "free-floating value in @graph")
					continue
				}
				if _, isList := gm["@list"]; isList {
					b.problem(codeFreeFloating, "@list", "free-floating list in @graph")
					continue
				}
				if _, err := b.node(gm, s); err != nil {
					return Term{}, err
				}
			}
		case "@included":
			for _, it := range asArray(v) {
				im, ok := it.(map[string]any)
				if !ok {
					return Term{}, fmt.Errorf("%w: @included values must be node objects", ErrInvalidInput)
				}
				if _, err := b.node(im, g); err != nil {
					return Term{}, err
				}
			}
		case "@reverse":
			rm, ok := v.(map[string]any)
			if !ok {
				return Term{}, fmt.Errorf("%w: @reverse must be an object", ErrInvalidInput)
			}
			rkeys := make([]string, 0, len(rm))
			for rk := range rm {
				rkeys = append(rkeys, rk)
			}
			sort.Strings(rkeys)
			for _, rk := range rkeys {
				p, ok := b.predicate(rk)
				for _, it := range asArray(rm[rk]) {
					im, isMap := it.(map[string]any)
					if !isMap {
						return Term{}, fmt.Errorf("%w: @reverse values must be node objects", ErrInvalidInput)
					}
					o, err := b.node(im, g)
					if err != nil {
						return Term{}, err
					}
					if ok {
						b.add(o, p, s, g, refKey(m))
					}
				}
			}
		default:
			if isKeyword(k) {
				continue
			}
			p, ok := b.predicate(k)
			for _, it := range asArray(v) {
				o, key, keep, err := b.object(it, g)
				if err != nil {
					return Term{}, err
				}
				if ok && keep {
					b.add(s, p, o, g, key)
				}
			}
		}
	}
	return s, nil
}

func (b *rdfBuilder) predicate(k string) (Term, bool) {
	if isBlankID(k) {
		b.problem(codeBlankPredicate, k, "blank node used as a property")
		return Term{}, false
	}
	if !isRDFIRI(k) {
		b.problem(codeRelativePredicate, k, "property did not expand to an absolute IRI")
		return Term{}, false
	}
	return Term{Kind: TermIRI, Value: k}, true
}

// refKey is the node map identity of a node object used as a value: its @id, or none.
func refKey(m map[string]any) nodeKey {
	if id, ok := m["@id"].(string); ok {
		return refKeyOf(id)
	}
	return nodeKey{}
}

// object converts a property value; keep is false when nothing should be emitted; key is its
// node map identity ("" = always added).
func (b *rdfBuilder) object(v any, g Term) (Term, nodeKey, bool, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return Term{}, nodeKey{}, false, fmt.Errorf("%w: expanded property value is not an object", ErrInvalidInput)
	}
	if val, ok := m["@value"]; ok {
		t, keep, err := b.literal(m, val)
		return t, valueKey(m, val), keep, err
	}
	if l, ok := m["@list"]; ok {
		t, keep, err := b.list(asArray(l), g)
		return t, nodeKey{}, keep, err
	}
	if id, ok := m["@id"].(string); ok && !isRDFIRI(id) {
		b.problem(codeRelativeObject, id, "relative or malformed @id")
	}
	s, err := b.node(m, g)
	return s, refKey(m), true, err
}

func (b *rdfBuilder) list(items []any, g Term) (Term, bool, error) {
	if len(items) == 0 {
		return Term{Kind: TermIRI, Value: rdfNil}, true, nil
	}
	head := b.fresh()
	cur := head
	for i, it := range items {
		o, _, keep, err := b.object(it, g)
		if err != nil {
			return Term{}, false, err
		}
		if keep {
			b.add(cur, Term{Kind: TermIRI, Value: rdfFirst}, o, g, nodeKey{})
		}
		var rest Term
		if i == len(items)-1 {
			rest = Term{Kind: TermIRI, Value: rdfNil}
		} else {
			rest = b.fresh()
		}
		b.add(cur, Term{Kind: TermIRI, Value: rdfRest}, rest, g, nodeKey{})
		cur = rest
	}
	return head, true, nil
}

func (b *rdfBuilder) literal(m map[string]any, val any) (Term, bool, error) {
	dt, _ := m["@type"].(string)
	if dt != "" && dt != "@json" && !isRDFIRI(dt) {
		b.problem(codeRelativeType, dt, "relative datatype @type")
	}
	lang, hasLang := m["@language"].(string)
	dir, hasDir := m["@direction"]
	if hasDir && dir != nil && dir != "ltr" && dir != "rtl" {
		// jsonld.js refuses it in expansion ("invalid base direction"); json-gold lets it
		// through, and it would make the i18n datatype IRI malformed.
		return Term{}, false, fmt.Errorf("%w: @direction must be \"ltr\" or \"rtl\", not %v", ErrInvalidInput, dir)
	}
	ds, _ := dir.(string)
	t, err := makeLiteral(val, dt, lang, hasLang, ds)
	return t, err == nil, err
}

func asArray(v any) []any {
	if a, ok := v.([]any); ok {
		return a
	}
	return []any{v}
}
