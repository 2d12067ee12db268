package jsondec

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
)

// escapeFree reports whether s holds no byte N-Quads escapes: below 0x20, '"', '\\', 0x7f.
func escapeFree(s string) bool {
	for i := range len(s) {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c == 0x7f {
			return false
		}
	}
	return true
}

// checkStrPlain checks StrPlain on every string node of tr (decoded from data): the same
// value as Str, reported plain only when escape-free; with decoded, a string is reported
// plain exactly when its JSON text in data (found among data's strings) had no escape and
// data holds no 0x7f.
func checkStrPlain(t *testing.T, data []byte, tr *Tree, decoded bool) {
	t.Helper()
	del := bytes.IndexByte(data, 0x7f) >= 0
	for i := range tr.nodes {
		if tr.nodes[i].kind != String {
			continue
		}
		r := Ref(i)
		s, plain := tr.StrPlain(r)
		if s != tr.Str(r) {
			t.Fatalf("%q: StrPlain(%d) = %q, Str %q", data, r, s, tr.Str(r))
		}
		if plain && !escapeFree(s) {
			t.Fatalf("%q: StrPlain(%d) reports %q plain", data, r, s)
		}
		if !decoded {
			if plain {
				t.Fatalf("%q: StrPlain(%d) reports a string of FromValue plain", data, r)
			}
			continue
		}
		if del && plain {
			t.Fatalf("%q: StrPlain(%d) reports %q plain, the input holding a DEL", data, r, s)
		}
		// A string with no escape in the input, unquoted, would have been decoded as is and
		// so is escape-free unless the input has a DEL: reported plain. (An unescaped string
		// equal to a raw string of the input may be either: only the converse is checked.)
		if !del && !plain && escapeFree(s) && bytes.Contains(data, []byte(`"`+s+`"`)) &&
			!bytes.Contains(data, []byte(`\`)) && utf8ValidString(s) {
			t.Fatalf("%q: StrPlain(%d) reports %q not plain", data, r, s)
		}
	}
}

func utf8ValidString(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }

// TestStrPlainRandom decodes random documents of strings (escapes, controls, DEL, non-ASCII,
// invalid UTF-8 included) and checks StrPlain on each (see checkStrPlain).
func TestStrPlainRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	pieces := []string{"a", "bc", "https://example.org/x", " ", "é", "\u2028", `\n`, `\t`, `\"`, `\\`, `\/`, `\u0000`, `\u001f`, `\u007f`,
		"\x7f", "\xff", "\xc3", "\xe2\x82", `\ud800`, `\ud83d\ude00`, "0123456789abcdef", "~", "}"}
	var b strings.Builder
	str := func() {
		b.WriteByte('"')
		for range rng.IntN(6) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		b.WriteByte('"')
	}
	for range 20000 {
		b.Reset()
		b.WriteByte('{')
		n := rng.IntN(5)
		for i := range n {
			if i > 0 {
				b.WriteByte(',')
			}
			str()
			b.WriteByte(':')
			if rng.IntN(3) == 0 {
				b.WriteByte('[')
				str()
				b.WriteByte(',')
				str()
				b.WriteByte(']')
			} else {
				str()
			}
		}
		b.WriteByte('}')
		sameTree(t, []byte(b.String()))
	}
}
