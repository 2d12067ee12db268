package jsondec

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"sort"
	"testing"
)

// sameTree checks DecodeTree and DecodeTreeMembers against encoding/json (through Value) and
// against DecodeObjectMembers, and the Tree's accessors against the decoded value.
func sameTree(t *testing.T, data []byte) {
	t.Helper()
	want, werr := reference(data, false)
	tr, err := DecodeTree(data)
	if (werr == nil) != (err == nil) {
		t.Fatalf("%q: encoding/json error %v, DecodeTree %v", data, werr, err)
	}
	if werr == nil {
		got := tr.Value(tr.Root())
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%q:\n got %#v\nwant %#v", data, got, want)
		}
		if f, ok := want.(float64); ok && math.Signbit(f) != math.Signbit(got.(float64)) {
			t.Fatalf("%q: sign of zero differs", data)
		}
		checkAccessors(t, tr, tr.Root(), want)
		checkStrPlain(t, data, tr, true)
		// FromValue of the generic form gives the same Tree values.
		ft, err := FromValue(want)
		if err != nil {
			t.Fatalf("%q: FromValue: %v", data, err)
		}
		if got := ft.Value(ft.Root()); !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: FromValue gave %#v", data, got)
		}
		if len(ft.nodes) != cap(ft.nodes) || len(ft.strs) != cap(ft.strs) || len(ft.nums) != cap(ft.nums) {
			t.Fatalf("%q: FromValue sized %d/%d nodes, %d/%d strings, %d/%d numbers", data,
				len(ft.nodes), cap(ft.nodes), len(ft.strs), cap(ft.strs), len(ft.nums), cap(ft.nums))
		}
		checkAccessors(t, ft, ft.Root(), want)
		checkStrPlain(t, data, ft, false)
	}
	m, members, closing, merr := DecodeObjectMembers(data)
	tm, tmembers, tclosing, terr := DecodeTreeMembers(data)
	if (merr == nil) != (terr == nil) {
		t.Fatalf("%q: DecodeObjectMembers error %v, DecodeTreeMembers %v", data, merr, terr)
	}
	if merr != nil {
		return
	}
	if !reflect.DeepEqual(tm.Value(tm.Root()), any(m)) || !reflect.DeepEqual(members, tmembers) || closing != tclosing {
		t.Fatalf("%q: DecodeTreeMembers %v %d, want %v %d", data, tmembers, tclosing, members, closing)
	}
	checkObjectTree(t, data, tm, m)
	checkStrPlain(t, data, tm, true)
	// Decoding into the storage of another Tree (decoded with or without reusing storage,
	// reset or not) gives the same, and leaves the values taken from that Tree as they were.
	const oldDoc = `{"x":[1,"\u00e9",{"y":null,"z":"\n"}],"w":2.5,"v":"caf\u00e9 au lait, s'il vous pla\u00eet"}`
	oldWant := map[string]any{"x": []any{1.0, "\u00e9", map[string]any{"y": nil, "z": "\n"}}, "w": 2.5, "v": "caf\u00e9 au lait, s'il vous pla\u00eet"}
	for i, reuse := range []bool{false, true, true, false} {
		var old *Tree
		if reuse {
			old, _, _, err = DecodeTreeMembersReusing([]byte(oldDoc), nil)
		} else {
			old, _, _, err = DecodeTreeMembers([]byte(oldDoc))
		}
		if err != nil {
			t.Fatal(err)
		}
		oldValue := old.Value(old.Root())
		if i >= 2 {
			old.Reset()
		}
		rm, rmembers, rclosing, err := DecodeTreeMembersReusing(data, old)
		if err != nil || !reflect.DeepEqual(rm.Value(rm.Root()), any(m)) || !reflect.DeepEqual(members, rmembers) || closing != rclosing {
			t.Fatalf("%q: DecodeTreeMembersReusing gave %v %v %d, %v", data, rm, rmembers, rclosing, err)
		}
		checkStrPlain(t, data, rm, true)
		if !reflect.DeepEqual(oldValue, any(oldWant)) {
			t.Fatalf("values of the reused Tree changed: %v", oldValue)
		}
		if rm.SourceLen() != len(data) {
			t.Fatalf("%q: SourceLen %d", data, rm.SourceLen())
		}
		checkObjectTree(t, data, rm, m)
	}
}

// checkObjectTree checks the Tree tm of the object m: its accessors, Without and Graft.
func checkObjectTree(t *testing.T, data []byte, tm *Tree, m map[string]any) {
	t.Helper()
	checkAccessors(t, tm, tm.Root(), m)
	for mb := range m {
		w := tm.Without(mb)
		wm := w.Value(w.Root()).(map[string]any)
		if _, ok := wm[mb]; ok || len(wm) != len(m)-1 {
			t.Fatalf("%q: Without(%q) gave %v", data, mb, wm)
		}
		if !reflect.DeepEqual(tm.Value(tm.Root()), any(m)) {
			t.Fatalf("%q: Without changed the tree", data)
		}
	}
	checkGraft(t, data, tm, m)
}

// checkGraft compares Graft, for each object-valued top-level member and each top-level name
// to take, with the same object built as a map.
func checkGraft(t *testing.T, data []byte, tm *Tree, m map[string]any) {
	t.Helper()
	for name, v := range m {
		obj, ok := v.(map[string]any)
		if !ok {
			if g := tm.Graft(tm.Root(), "", "nope"); g != nil {
				t.Fatalf("%q: Graft without the taken member gave %v", data, g.Value(g.Root()))
			}
			continue
		}
		ref, _ := tm.Get(tm.Root(), name)
		drops := []string{"", "nope"}
		for k := range obj {
			drops = append(drops, k)
		}
		for take := range m {
			for _, drop := range drops {
				want := make(map[string]any, len(obj)+1)
				for k, x := range obj {
					if k != drop {
						want[k] = x
					}
				}
				want[take] = m[take]
				g := tm.Graft(ref, drop, take)
				if g == nil {
					t.Fatalf("%q: Graft(%q, %q, %q) gave nil", data, name, drop, take)
				}
				if got := g.Value(g.Root()); !reflect.DeepEqual(got, any(want)) {
					t.Fatalf("%q: Graft(%q, %q, %q) gave %v, want %v", data, name, drop, take, got, want)
				}
				checkAccessors(t, g, g.Root(), want)
			}
		}
	}
	if !reflect.DeepEqual(tm.Value(tm.Root()), any(m)) {
		t.Fatalf("%q: Graft changed the tree", data)
	}
}

// checkAccessors walks r with Kind, Str, Num, Len, Elem, Member and Get and compares with v.
func checkAccessors(t *testing.T, tr *Tree, r Ref, v any) {
	t.Helper()
	switch x := v.(type) {
	case nil:
		if tr.Kind(r) != Null {
			t.Fatalf("kind %d, want null", tr.Kind(r))
		}
	case bool:
		if (x && tr.Kind(r) != True) || (!x && tr.Kind(r) != False) {
			t.Fatalf("kind %d, want %v", tr.Kind(r), x)
		}
	case float64:
		if f, _, lit := tr.Num(r); tr.Kind(r) != Number || lit || math.Float64bits(f) != math.Float64bits(x) {
			t.Fatalf("number %v, want %v", f, x)
		}
	case json.Number:
		if _, s, lit := tr.Num(r); tr.Kind(r) != Number || !lit || s != string(x) {
			t.Fatalf("literal %q, want %q", s, x)
		}
	case string:
		if tr.Kind(r) != String || tr.Str(r) != x {
			t.Fatalf("string %q, want %q", tr.Str(r), x)
		}
	case []any:
		if tr.Kind(r) != Array || tr.Len(r) != len(x) {
			t.Fatalf("array of %d, want %d", tr.Len(r), len(x))
		}
		for i, e := range x {
			checkAccessors(t, tr, tr.Elem(r, i), e)
		}
	case map[string]any:
		if tr.Kind(r) != Object || tr.Len(r) != len(x) {
			t.Fatalf("object of %d, want %d", tr.Len(r), len(x))
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for i, k := range keys {
			name, mv := tr.Member(r, i)
			if name != k {
				t.Fatalf("member %d is %q, want %q", i, name, k)
			}
			if g, ok := tr.Get(r, k); !ok || g != mv {
				t.Fatalf("Get(%q) = %d %v, want %d", k, g, ok, mv)
			}
			checkAccessors(t, tr, mv, x[k])
		}
		if _, ok := tr.Get(r, "\xffnot a member"); ok {
			t.Fatalf("Get found a missing member")
		}
	}
}

var treeCases = append([]string{
	`{"b":1,"a":2,"c":{"z":[],"y":{}},"a":3}`, `{"\u0061":1,"a":2,"b\u00e9":3,"b":4}`,
	`{"k0":0,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9,"k10":10,"k11":11,"k12":12,"k13":13,"k14":14,"k15":15,"k16":16,"k17":17,"k1":"dup"}`,
	`[{"proof":1,"a":2}]`, `{"proof":{"type":"x"},"@context":["u"],"z":-0}`,
	`{"z\u00e9":"\ud83d\ude00","y":"caf\u00e9","z\u00e9":"b\u00e9b\u00e9","x":"\"\\","\u00e9":{"b":"\/","a":"\u00e9t\u00e9 longer than eight bytes"}}`,
	"{\"caf\xc3\xa9\":\"\xff\",\"b\":\"\xc3\xa9t\xc3\xa9\",\"a\":[\"x\\ty\"]}",
	// Indentation: up to and past sixteen spaces, tabs, carriage returns.
	"{\"a\": [1,\n  2,\n                3,\n                 4,\n\t5,\n \t6,\n        \r 7, \n8,\n\n9],\n        \"b\": {\"c\": 1,\n                    \"d\": 2}}",
	// Repeated names of 2, 8, 10 and 19 bytes, and others sharing their first bytes.
	`[{"abcdefgh":1,"abcdefghij":2,"abcdefghijklmnopqrs":3,"ab":4},{"abcdefgh":5,"abcdefghik":6,"abcdefghijklmnopqrt":7,"ab" :8,"abcdefghijklmnopqrs":9,"abcdefgh\u0069":0,"abcdefghij":1,"ab":[{"ab":{"abcdefgh":2}}]}]`,
}, cases...)

func TestDecodeTreeLikeEncodingJSON(t *testing.T) {
	for _, c := range treeCases {
		sameTree(t, []byte(c))
	}
}

func TestFromValueRefusesCycles(t *testing.T) {
	m := map[string]any{}
	m["a"], m["b"], m["c"] = m, []any{m, m}, m
	if _, err := FromValue(m); err == nil {
		t.Error("FromValue of a cyclic map succeeded")
	}
}

func TestFromValueRefusesOtherTypes(t *testing.T) {
	for _, v := range []any{[]string{"a"}, map[string]string{}, map[string]any{"a": []any{1}}, struct{}{}} {
		if _, err := FromValue(v); err == nil {
			t.Errorf("FromValue(%#v) succeeded", v)
		}
	}
}

func FuzzDecodeTree(f *testing.F) {
	for _, c := range treeCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sameTree(t, data)
	})
}

// TestWithStrings compares WithStrings with the object built as a map, on the top-level
// members of random documents and random string members (repeated names included).
func TestWithStrings(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	docs := []string{`{"@context":["a","b"],"x":{"y":1}}`, `{"b":"c","@context":{"z":[1,null]}}`, `{"@context":"u"}`,
		`{"a":1,"b":[1,2,{"c":"d"}],"d":"é\n"}`}
	pool := []string{"type", "id", "created", "cryptosuite", "proofPurpose", "verificationMethod", "a", "b", "@context", "", "zz", "é"}
	for _, doc := range docs {
		for _, reuse := range []bool{false, true} {
			var tr *Tree
			var err error
			if reuse {
				tr, _, _, err = DecodeTreeMembersReusing([]byte(doc), nil)
			} else {
				tr, err = DecodeTree([]byte(doc))
			}
			if err != nil {
				t.Fatal(err)
			}
			m := tr.Value(tr.Root()).(map[string]any)
			for range 300 {
				n := rng.IntN(20)
				names, values := make([]string, n), make([]string, n)
				for i := range names {
					names[i] = pool[rng.IntN(len(pool))]
					values[i] = pool[rng.IntN(len(pool))] + "v"
				}
				take := pool[rng.IntN(len(pool))]
				want := map[string]any{}
				ok := true
				if v, has := m[take]; has {
					want[take] = v
				} else {
					ok = false
				}
				for i, k := range names {
					if _, dup := want[k]; dup {
						ok = false
					}
					want[k] = values[i]
				}
				g := tr.WithStrings(take, names, values)
				if !ok {
					if g != nil {
						t.Fatalf("%s: WithStrings(%q, %q, %q) = %v, want nil", doc, take, names, values, g.Value(g.Root()))
					}
					continue
				}
				if g == nil {
					t.Fatalf("%s: WithStrings(%q, %q, %q) = nil", doc, take, names, values)
				}
				if got := g.Value(g.Root()); !reflect.DeepEqual(got, any(want)) {
					t.Fatalf("%s: WithStrings(%q, %q, %q) = %v, want %v", doc, take, names, values, got, want)
				}
				checkAccessors(t, g, g.Root(), want)
				if !reflect.DeepEqual(tr.Value(tr.Root()), any(m)) {
					t.Fatalf("%s: WithStrings changed the tree", doc)
				}
			}
		}
	}
	if g := mustTree(t, `[1]`).WithStrings("a", nil, nil); g != nil {
		t.Fatal("WithStrings of an array")
	}
	if g := mustTree(t, `{"a":1}`).WithStrings("a", []string{"b"}, nil); g != nil {
		t.Fatal("WithStrings with fewer values than names")
	}
}

func mustTree(t *testing.T, doc string) *Tree {
	t.Helper()
	tr, err := DecodeTree([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// TestDerivedTrees checks that the Trees Without, Graft and WithStrings make from a Tree
// with storage (more than it keeps) all stay as made until that Tree is reused.
func TestDerivedTrees(t *testing.T) {
	doc := []byte(`{"@context":"c","a":{"x":1,"y":"z"},"b":[true],"proof":{"p":"q"}}`)
	var old *Tree
	for range 3 {
		tr, _, _, err := DecodeTreeMembersReusing(doc, old)
		if err != nil {
			t.Fatal(err)
		}
		a, _ := tr.Get(tr.Root(), "a")
		var made []*Tree
		var want []any
		for i := range 7 {
			switch i % 3 {
			case 0:
				made = append(made, tr.Without("b"))
				want = append(want, map[string]any{"@context": "c", "a": map[string]any{"x": 1.0, "y": "z"}, "proof": map[string]any{"p": "q"}})
			case 1:
				made = append(made, tr.Graft(a, "x", "@context"))
				want = append(want, map[string]any{"@context": "c", "y": "z"})
			case 2:
				made = append(made, tr.WithStrings("@context", []string{"k"}, []string{"v"}))
				want = append(want, map[string]any{"@context": "c", "k": "v"})
			}
		}
		for i, m := range made {
			if got := m.Value(m.Root()); !reflect.DeepEqual(got, want[i]) {
				t.Fatalf("derived Tree %d = %v, want %v", i, got, want[i])
			}
		}
		tr.Reset()
		old = tr
	}
}

// TestWithStringsShared checks that Trees made from one another with WithStrings, Without
// and Graft keep their own strings when each adds some (the strings of a Tree may have room
// to append to).
func TestWithStringsShared(t *testing.T) {
	for _, reuse := range []bool{false, true} {
		doc := []byte(`{"@context":"c\n","a":{"b":"d"}}`) // an escaped string: one in strs
		var tr *Tree
		var err error
		if reuse {
			tr, _, _, err = DecodeTreeMembersReusing(doc, nil)
		} else {
			tr, err = DecodeTree(doc)
		}
		if err != nil {
			t.Fatal(err)
		}
		w0 := tr.WithStrings("@context", []string{"x", "w"}, []string{"0", "0"})
		g1 := tr.Without("a")
		w1 := g1.WithStrings("@context", []string{"x"}, []string{"1"})
		a, _ := tr.Get(tr.Root(), "a")
		g2 := tr.Graft(a, "", "@context")
		w2 := g2.WithStrings("@context", []string{"y"}, []string{"2"})
		w3 := tr.WithStrings("@context", []string{"z"}, []string{"3"})
		for i, w := range []*Tree{w0, w1, w2, w3} {
			want := map[string]any{"@context": "c\n", []string{"x", "x", "y", "z"}[i]: string(rune('0' + i))}
			if i == 0 {
				want["w"] = "0"
			}
			if got := w.Value(w.Root()); !reflect.DeepEqual(got, any(want)) {
				t.Fatalf("reuse %v: Tree %d = %v, want %v", reuse, i, got, want)
			}
		}
	}
}
