package jsonld

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/rosettebadges/rosette/openbadges/internal/jsondec"
)

// checkPlainStrings decodes data as the proof package and the tests do, and checks that
// every string reported plain by StrPlain is one appendEscapedLiteral copies unchanged (the
// fast path writes such a string without scanning it). It returns how many strings were
// reported plain, and how many there were.
func checkPlainStrings(t *testing.T, name string, data []byte) (plain, all int) {
	t.Helper()
	trees := make([]*jsondec.Tree, 0, 2)
	if tr, err := jsondec.DecodeTree(data); err == nil {
		trees = append(trees, tr)
	}
	if tr, _, _, err := jsondec.DecodeTreeMembersReusing(data, nil); err == nil {
		trees = append(trees, tr)
	}
	for _, tr := range trees {
		var walk func(r jsondec.Ref)
		check := func(r jsondec.Ref) {
			s, ok := tr.StrPlain(r)
			all++
			if !ok {
				return
			}
			plain++
			if got := string(appendEscapedLiteral(nil, s)); got != s {
				t.Fatalf("%s: %q reported plain, escaped as %q", name, s, got)
			}
		}
		walk = func(r jsondec.Ref) {
			switch tr.Kind(r) {
			case jsondec.String:
				check(r)
			case jsondec.Array:
				for i := range tr.Len(r) {
					walk(tr.Elem(r, i))
				}
			case jsondec.Object:
				for i := range tr.Len(r) {
					_, v := tr.Member(r, i)
					check(v - 1) // the member's name node
					walk(v)
				}
			}
		}
		walk(tr.Root())
	}
	return plain, all
}

// TestStrPlainEscapes checks jsondec.Tree.StrPlain against appendEscapedLiteral on every
// string of the fixture credentials, of generated credentials, and of random strings
// (escapes, controls, DEL, non-ASCII, invalid UTF-8 included).
func TestStrPlainEscapes(t *testing.T) {
	var plain, all int
	count := func(p, a int) { plain, all = plain+p, all+a }
	for _, c := range fixtureCredentials(t) {
		data, err := json.Marshal(c.doc)
		if err != nil {
			t.Fatal(err)
		}
		count(checkPlainStrings(t, c.name, data))
	}
	g := credGen{rand.New(rand.NewPCG(5, 2))}
	for range 2000 {
		data, err := json.Marshal(g.credential(0))
		if err != nil {
			t.Fatal(err)
		}
		count(checkPlainStrings(t, "generated credential", data))
	}
	rng := rand.New(rand.NewPCG(7, 7))
	pieces := []string{"a", "é", "\u2028", "\n", "\t", "\b", "\f", "\r", "\"", "\\", "/", "\x00", "\x1f", "\x7f", "\xff", "\xc3",
		`\n`, `\u007f`, `\u0001`, `\ud800`, "0123456789abcdef", "~", "<>"}
	var b strings.Builder
	for range 20000 {
		b.Reset()
		for range rng.IntN(8) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		s := b.String()
		// As JSON with encoding/json's escapes, and with the raw bytes (no escape) where
		// JSON allows them: a DEL, non-ASCII and invalid UTF-8 stay raw.
		enc, _ := json.Marshal(map[string]string{s: s})
		count(checkPlainStrings(t, "random", enc))
		raw := `{"k":"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\t", `\t`, "\x00", `\u0000`, "\x1f", `\u001f`, "\b", `\b`, "\f", `\f`, "\r", `\r`).Replace(s) + `"}`
		count(checkPlainStrings(t, "random raw", []byte(raw)))
	}
	if plain == 0 || plain == all {
		t.Fatalf("%d of %d strings reported plain: the test covers one side only", plain, all)
	}
	t.Logf("%d of %d strings reported plain", plain, all)
}
