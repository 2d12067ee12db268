package jsonld

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"testing"
)

// checkSortBytes sorts lines with sortBytes and compares with slices.SortFunc(bytes.Compare).
func checkSortBytes(t *testing.T, lines [][]byte) {
	t.Helper()
	var buf []byte
	var spans []span
	for _, l := range lines {
		spans = append(spans, span{len(buf), len(buf) + len(l)})
		buf = append(buf, l...)
	}
	want := slices.Clone(lines)
	slices.SortFunc(want, bytes.Compare)
	(&canonicalizer{}).sortBytes(buf, spans)
	for i, s := range spans {
		if !bytes.Equal(buf[s.start:s.end], want[i]) {
			t.Fatalf("line %d: got %q, want %q (input %q)", i, buf[s.start:s.end], want[i], lines)
		}
	}
}

func TestSortBytes(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	alphabet := []byte("ab<_: \x00\xff")
	for n := range 200 {
		lines := make([][]byte, n)
		for i := range lines {
			if i > 0 && r.IntN(4) == 0 {
				lines[i] = slices.Clone(lines[r.IntN(i)])
				continue
			}
			l := make([]byte, r.IntN(20))
			for j := range l {
				l[j] = alphabet[r.IntN(len(alphabet))]
			}
			lines[i] = l
		}
		checkSortBytes(t, lines)
	}
}

func FuzzSortBytes(f *testing.F) {
	f.Add([]byte("b\na\nab\n\nab\x00\nab\nabcdefghij\nabcdefghi"))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkSortBytes(t, bytes.Split(data, []byte{'\n'}))
	})
}

func TestHasSupplementary(t *testing.T) {
	for s, want := range map[string]bool{
		"": false, "plain ascii text, longer than eight": false, "caf\u00e9 \u20ac \uffff": false,
		"\U0001F600": true, "0123456789abcdef\U0001F600": true, "0123456\U0001F600": true,
		"\xf0": true, "\xef\xbf\xbf0123456789": false,
	} {
		if got := hasSupplementary([]byte(s)); got != want {
			t.Errorf("hasSupplementary(%q) = %v, want %v", s, got, want)
		}
	}
	// Every position in and around the 64-byte blocks, after ASCII and after other non-ASCII.
	for n := 1; n < 140; n++ {
		for i := range n {
			for _, fill := range []byte{'a', 0xC3, 0xEF} {
				b := bytes.Repeat([]byte{fill}, n)
				if got := hasSupplementary(b); got {
					t.Fatalf("%d bytes of %#x: supplementary", n, fill)
				}
				b[i] = 0xF0
				if !hasSupplementary(b) {
					t.Fatalf("0xF0 at %d of %d bytes of %#x: not found", i, n, fill)
				}
			}
		}
	}
}
