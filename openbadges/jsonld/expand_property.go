package jsonld

// A node object's @type members and properties, for the fast path (see fastBuilder.node).

import (
	"slices"
	"strconv"

	"github.com/rosettebadges/rosette/openbadges/internal/jsondec"
)

// types emits the rdf:type statements of subject s in graph g for the member k (a key
// expanding to @type) of value v of a node object, the types expanded in typeScoped, and
// counts the entry in *count. local is node's: a fresh subject's duplicate types are dropped here, the
// others by dataset.
func (f *fastBuilder) types(typeScoped *activeCtx, k string, v jsondec.Ref, s, g *Term, local bool, count *int) error {
	t := f.t
	first, nt := f.span(v)
	if nt > 0 {
		*count++ // jsonld.js adds no @type entry for an empty array
	}
	// The types already made are on the f.strs stack.
	tb := len(f.strs)
	for j := range nt {
		ty := first + jsondec.Ref(j)
		if t.Kind(ty) != jsondec.String {
			return fallback("non-string @type")
		}
		ts := t.Str(ty)
		te, di, _, abs := expandName(typeScoped, ts)
		if !abs {
			// jsonld.js: 'relative @type reference' in expansion, or (for "@json",
			// which expansion lets through) 'relative object reference' in toRDF.
			code := codeRelativeType
			if te == "@json" {
				code = codeRelativeObject
			}
			f.problemAt(ptr(f.at(), k), code, ts, "@type did not expand to an absolute IRI")
			continue
		}
		var key *nodeKey
		if !local {
			key = &nodeKey{kind: 't', v: te} // typeKeyOf(te)
		} else if !slices.Contains(f.strs[tb:], te) {
			f.strs = append(f.strs, te)
		} else {
			continue
		}
		o := f.ref(te)
		ot := ""
		if di >= 0 && o.Kind == TermIRI {
			ot = typeScoped.tab.defs[di].predLine // "<" te ">" (a term's IRI) or ""
		}
		f.addplt(s, &rdfTypeTerm, rdfTypeLine, &o, ot, false, g, key)
	}
	f.strs = f.strs[:tb]
	return nil
}

// property expands the value of key (def its definition in active, expanding to IRI p) and
// emits its statements about s. It reports whether the expanded node keeps the property.
// local says that no other statement has subject s and predicate p: node map duplicates are
// then dropped here, among the values, instead of by dataset.
func (f *fastBuilder) property(active *activeCtx, key string, def *termDef, p string, v jsondec.Ref, s, g *Term, local bool, depth int) (bool, error) {
	if def != nil && def.str != strSlow && f.t.Kind(v) == jsondec.String &&
		(def.str == strTyped || active.lang == "" && active.dir == "") {
		// A string the definition tells the literal of (see stringFast): as the string case
		// below, with p = def.id.
		str, plain := f.t.StrPlain(v)
		o := Term{Kind: TermLiteral, Value: str, Datatype: xsdString}
		var key *nodeKey
		if def.str == strTyped {
			o.Datatype = def.typ
		}
		if !local {
			key = &nodeKey{kind: 's', v: str, typ: def.typ} // stringKeyOf(str, typ, "", "")
		}
		f.addplt(s, &def.pred, def.predLine, &o, def.typTail, plain, g, key)
		return true, nil
	}
	pred := Term{Kind: TermIRI, Value: p}
	var pl string // pred serialized, when known
	if def != nil && def.id == p {
		pl = def.predLine
	}
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
	// The values are expanded in termCtx, with key's definition there.
	vdef := def
	if termCtx != active {
		vdef, _ = termCtx.term(key)
	}
	if def != nil && def.typ == "@json" {
		// jsonld.js takes the whole value, null included, as one JSON literal.
		if container != 0 && container != ctSet {
			return false, fallback("@json with container")
		}
		jv := f.t.Value(v)
		lit, err := makeLiteral(jv, "@json", "", false, "")
		if err != nil {
			return false, err
		}
		f.add(*s, pred, lit, *g, valueKeyOf(jv, "@json", "", ""))
		return true, nil
	}
	kind := f.t.Kind(v)
	if kind == jsondec.Null {
		return false, nil
	}
	if container&ctLanguage != 0 && kind == jsondec.Object {
		return f.languageMap(termCtx, key, def, v, *s, pred, *g)
	}
	if container&ctGraph != 0 {
		first, ni := f.span(v)
		kept := 0
		// (declared out of the loop: the address of a variable of the loop passed down the
		// recursion would move it to the heap)
		var gname Term
		var sub emitted
		for i := range ni {
			im := first + jsondec.Ref(i)
			if f.t.Kind(im) != jsondec.Object {
				return false, fallback("non-object in @graph container")
			}
			if f.isValueOrList(termCtx, im) {
				return false, fallback("value in @graph container")
			}
			gname = f.fresh()
			mark := f.pushIndex(i)
			count, onlyID, err := f.node(termCtx, key, vdef, im, &gname, depth+1, false, &sub)
			f.path = f.path[:mark]
			if err != nil {
				return false, err
			}
			if count == 0 || onlyID {
				f.problemAt(ptr(f.at(), strconv.Itoa(i)), codeEmptyObject, key, "object in a @graph container is empty or has only @id")
				continue
			}
			kept++
			f.add(*s, pred, gname, *g, nodeKey{})
		}
		return kept > 0, nil
	}
	if container&ctList != 0 {
		if kind == jsondec.Object && f.isList(termCtx, v) {
			// an explicit list object: handled by element below
		} else {
			first, ni := f.span(v)
			head, err := f.list(termCtx, key, vdef, first, ni, g, depth)
			if err != nil {
				return false, err
			}
			f.add(*s, pred, head, *g, nodeKey{})
			return true, nil
		}
	}
	if kind == jsondec.String {
		if dt, typ, ok := stringDatatype(termCtx, vdef); ok {
			// One string of a plain or typed literal: its statement, written in place.
			str, plain := f.t.StrPlain(v)
			var key *nodeKey
			if !local {
				key = &nodeKey{kind: 's', v: str, typ: typ} // stringKeyOf(str, typ, "", "")
			}
			o := Term{Kind: TermLiteral, Value: str, Datatype: dt}
			ot := ""
			if vdef != nil && vdef.typ == typ {
				ot = vdef.typTail
			} else if typ == "" {
				ot = literalTail(xsdString)
			}
			f.addplt(s, &pred, pl, &o, ot, plain, g, key)
			return true, nil
		}
	}
	if kind != jsondec.Array && kind != jsondec.Object {
		// One scalar: its statement, without the f.emit stack.
		var o emitted
		if err := f.scalar(termCtx, key, vdef, v, &o, !local); err != nil {
			return false, err
		}
		f.addpl(s, &pred, pl, &o.t, g, &o.key)
		return true, nil
	}
	base := len(f.emit)
	if err := f.element(termCtx, key, vdef, v, g, depth); err != nil {
		return false, err
	}
	vals := f.emit[base:]
	for i := range vals {
		o := &vals[i]
		if !local {
			f.addpl(s, &pred, pl, &o.t, g, &o.key)
		} else if !seenKey(vals[:i], &o.key) {
			f.addpl(s, &pred, pl, &o.t, g, nil)
		}
	}
	f.emit = f.emit[:base]
	return true, nil
}
