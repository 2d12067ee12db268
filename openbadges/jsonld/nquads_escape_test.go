package jsonld

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// escapeLiteralByByte is appendEscapedLiteral written one byte at a time, the reference for
// its eight-bytes-at-a-time scan.
func escapeLiteralByByte(s string) string {
	var b []byte
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\b':
			b = append(b, `\b`...)
		case '\t':
			b = append(b, `\t`...)
		case '\n':
			b = append(b, `\n`...)
		case '\f':
			b = append(b, `\f`...)
		case '\r':
			b = append(b, `\r`...)
		case '"':
			b = append(b, `\"`...)
		case '\\':
			b = append(b, `\\`...)
		default:
			if c < 0x20 || c == 0x7f {
				b = append(b, '\\', 'u', '0', '0', hexUpper[c>>4], hexUpper[c&15])
			} else {
				b = append(b, c)
			}
		}
	}
	return string(b)
}

func TestAppendEscapedLiteral(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	// Bytes near every boundary the scan tests, and plain ones.
	alphabet := []byte{0, 1, '\b', '\t', '\n', 0x1f, ' ', '!', '"', '#', '[', '\\', ']', 0x7e, 0x7f, 0x80, 0x81, 0x9f, 0xa0, 0xff, 'a', 'z'}
	for n := range 4000 {
		s := make([]byte, n%40)
		for i := range s {
			if r.IntN(3) == 0 {
				s[i] = alphabet[r.IntN(len(alphabet))]
			} else {
				s[i] = byte(r.IntN(256))
			}
		}
		if got, want := string(appendEscapedLiteral([]byte("x"), string(s))), "x"+escapeLiteralByByte(string(s)); got != want {
			t.Fatalf("%q: got %q, want %q", s, got, want)
		}
	}
}

// TestAppendEscapedLiteralSparse checks the word scans (sixteen, eight and fewer bytes) on
// mostly plain strings of every length up to 80 with zero, one or two bytes to escape at
// random places, and on each of these at every offset nextEscape may start from.
func TestAppendEscapedLiteralSparse(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	special := []byte{0, '\b', '\t', '\n', 0x1f, '"', '\\', 0x7f}
	for n := range 6000 {
		s := make([]byte, n%81)
		for i := range s {
			s[i] = byte(' ' + r.IntN(0x7f-' '))
			if s[i] == '"' || s[i] == '\\' {
				s[i] = 'a'
			}
			if r.IntN(8) == 0 {
				s[i] = byte(0x80 + r.IntN(0x80))
			}
		}
		for range n % 3 {
			if len(s) > 0 {
				s[r.IntN(len(s))] = special[r.IntN(len(special))]
			}
		}
		if got, want := string(appendEscapedLiteral([]byte("x"), string(s))), "x"+escapeLiteralByByte(string(s)); got != want {
			t.Fatalf("%q: got %q, want %q", s, got, want)
		}
		for from := range len(s) + 1 {
			want := len(s)
			for i := from; i < len(s); i++ {
				if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c == 0x7f {
					want = i
					break
				}
			}
			if got := nextEscape(string(s), from); got > want || got < from || got < want && !flaggable(s[got]) {
				t.Fatalf("nextEscape(%q, %d) = %d, want %d", s, from, got, want)
			}
		}
	}
}

// flaggable reports whether escapeMask may flag c wrongly (see escapeMask): any byte below
// 0x80 may follow a borrow, bytes from 0x80 on never are.
func flaggable(c byte) bool { return c < 0x80 }

func FuzzAppendEscapedLiteral(f *testing.F) {
	f.Add("plain text with \"quotes\", a \\ and\na new line, \x7f and \x00")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(appendEscapedLiteral(nil, s)), escapeLiteralByByte(s); got != want {
			t.Fatalf("%q: got %q, want %q", s, got, want)
		}
	})
}

// TestEscapeMask checks that the lowest byte escapeMask flags is the lowest byte that needs
// escaping (wrong flags above it, or above a byte 0xff, only cost a look), on words of bytes
// near every boundary of its tests.
func TestEscapeMask(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	alphabet := []byte{0, 1, '\b', 0x1f, ' ', '!', '"', '#', '[', '\\', ']', 0x7e, 0x7f, 0x80, 0x81, 0xa1, 0xdc, 0xfe, 0xff, 'a'}
	needs := func(c byte) bool { return c < 0x20 || c == '"' || c == '\\' || c == 0x7f }
	for range 200000 {
		var w [8]byte
		x := uint64(0)
		for i := range w {
			w[i] = alphabet[r.IntN(len(alphabet))]
			x |= uint64(w[i]) << (8 * i)
		}
		want := 8
		for i, c := range w {
			if needs(c) {
				want = i
				break
			}
		}
		m := escapeMask(x)
		got := 8
		for i := range 8 {
			if m>>(8*i+7)&1 != 0 {
				got = i
				break
			}
		}
		if got > want || (got < want && !(got > 0 && bytes.IndexByte(w[:got], 0xff) >= 0)) || m&^0x8080808080808080 != 0 {
			t.Fatalf("% x: mask %#x, lowest flag at %d, want %d", w, m, got, want)
		}
	}
}
