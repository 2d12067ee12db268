package jsonld

import (
	"strings"
	"testing"
)

// TestTermTable checks that every term of a table is found, by the index of its definition,
// and that names that are not terms (same length, same first or last bytes) are not.
func TestTermTable(t *testing.T) {
	terms := map[string]*termDef{}
	var names []string
	for n := 1; n <= 40; n++ {
		for _, c := range "abyz" {
			name := strings.Repeat(string(c), n/2) + "x" + strings.Repeat(string(c), n-n/2-1)
			names = append(names, name)
			terms[name] = &termDef{id: "urn:" + name}
		}
	}
	tab := buildTermTable(terms)
	if tab.slots == nil {
		t.Fatal("no open-addressing table")
	}
	c := &activeCtx{terms: terms, tab: tab}
	for _, name := range names {
		i := c.termIndex(name)
		if i < 0 || c.tab.defs[i] != terms[name] {
			t.Errorf("termIndex(%q) = %d, not its definition", name, i)
		}
		for _, miss := range []string{name + "q", "q" + name[1:], name[:len(name)-1] + "q", strings.ToUpper(name)} {
			if _, ok := terms[miss]; ok {
				continue
			}
			if i := c.termIndex(miss); i >= 0 {
				t.Errorf("termIndex(%q) = %d, want -1", miss, i)
			}
		}
	}
	if i := (&activeCtx{terms: map[string]*termDef{}}).termIndex("a"); i >= 0 {
		t.Errorf("empty context: termIndex = %d", i)
	}
	// Without open addressing (as for a context made to collide): the map.
	c.tab.slots = nil
	c.tab.byName = map[string]int32{}
	for i, d := range c.tab.defs {
		c.tab.byName[strings.TrimPrefix(d.id, "urn:")] = int32(i)
	}
	for _, name := range names {
		if d, ok := c.term(name); !ok || d != terms[name] {
			t.Errorf("map: term(%q) not its definition", name)
		}
	}
}
