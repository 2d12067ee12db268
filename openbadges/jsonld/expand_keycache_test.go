package jsonld

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestKeyCacheRandom checks node's keyCache against expandName on random sequences of
// objects: member names drawn from the terms of the credential contexts and of contexts they
// derive, keywords, aliases, compact and absolute IRIs, undefined and keyword-like names;
// objects repeating the last one's shape, changing one name, or another shape; the context
// changing now and then, and more members than the cache keeps.
func TestKeyCacheRandom(t *testing.T) {
	ctx := context.Background()
	p := NewProcessor()
	var actives []*activeCtx
	for _, u := range []string{"https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json", "https://www.w3.org/2018/credentials/v1"} {
		a, err := p.cc.process(ctx, p.cc.root, u, false, true, 0)
		if err != nil {
			t.Fatal(err)
		}
		actives = append(actives, a)
		for _, d := range a.terms {
			if d.hasScoped && len(actives) < 12 {
				if s, err := p.cc.derive(ctx, a, d, 2, d.scoped); err == nil {
					actives = append(actives, s)
				}
			}
		}
	}
	var names []string
	for _, a := range actives {
		for name := range a.terms {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	names = slices.Compact(names)
	names = append(names, "@id", "@type", "@context", "@value", "@foo", "id", "type", "schema:name",
		"https://ex.org/p", "_:b0", "undefinedTerm", "", "a:b", "x")
	r := rand.New(rand.NewPCG(*corpusSeed, 31))
	var c keyCache
	active := actives[0]
	var shape []string
	for round := range 20000 {
		if r.IntN(10) == 0 {
			active = actives[r.IntN(len(actives))]
		}
		switch r.IntN(3) {
		case 0:
			shape = make([]string, r.IntN(keyCacheSize+6))
			for i := range shape {
				shape[i] = names[r.IntN(len(names))]
			}
		case 1:
			if len(shape) > 0 {
				shape[r.IntN(len(shape))] = names[r.IntN(len(names))]
			}
		}
		c.use(active)
		for i, k := range shape {
			e, def, kw, abs := c.lookup(active, i, k)
			we, wdef, wkw, wabs := expandName(active, k)
			if e != we || def != wdef || kw != wkw || abs != wabs {
				t.Fatalf("round %d, member %d %q: cache (%q %d %d %v), expandName (%q %d %d %v)", round, i, k, e, def, kw, abs, we, wdef, wkw, wabs)
			}
		}
	}
}

// lookup is what node does with c for the i-th member name k of an object (inline there: as
// a method it is not inlined, and costs a call per member).
func (c *keyCache) lookup(active *activeCtx, i int, k string) (e string, def int32, kw uint8, abs bool) {
	if c.has(i, k) {
		return c.es[i], c.defs[i], c.kws[i], c.abs[i]
	}
	return c.expand(active, i, k)
}
