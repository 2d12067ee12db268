package jsonld

import (
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

func FuzzAppendEscapedLiteral(f *testing.F) {
	f.Add("plain text with \"quotes\", a \\ and\na new line, \x7f and \x00")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(appendEscapedLiteral(nil, s)), escapeLiteralByByte(s); got != want {
			t.Fatalf("%q: got %q, want %q", s, got, want)
		}
	})
}
