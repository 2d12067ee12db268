package proof

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/mr-tron/base58"
)

// TestBase58 compares appendBase58 and appendBase58Decoded with github.com/mr-tron/base58 on
// edge cases and random inputs of every length up to 100 bytes.
func TestBase58(t *testing.T) {
	inputs := [][]byte{nil, {0}, {0, 0}, {1}, {0, 1}, {57}, {58}, {0xff}, {0, 0, 0xff, 0xff, 0xff, 0xff},
		bytes.Repeat([]byte{0xff}, 64), bytes.Repeat([]byte{0}, 64), append(make([]byte, 63), 1)}
	r := rand.New(rand.NewPCG(1, 2))
	for n := range 101 {
		for range 20 {
			b := make([]byte, n)
			for i := range b {
				b[i] = byte(r.UintN(256))
			}
			if n > 2 && r.UintN(4) == 0 {
				b[0], b[1] = 0, 0
			}
			inputs = append(inputs, b)
		}
	}
	for _, in := range inputs {
		want := base58.Encode(in)
		got := string(appendBase58([]byte("x"), in))
		if got != "x"+want {
			t.Fatalf("appendBase58(%x) = %q, want x%q", in, got, want)
		}
		if len(want) > base58Len(len(in)) {
			t.Fatalf("base58Len(%d) = %d < %d", len(in), base58Len(len(in)), len(want))
		}
		checkDecode(t, want)
	}
	for _, s := range []string{"", "1", "111", "0", "I", "l", "O", "1z", "z1", "2", "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", "\xff", "abc\x80"} {
		checkDecode(t, s)
	}
}

func checkDecode(t *testing.T, s string) {
	t.Helper()
	want, err := base58.Decode(s)
	got, ok := appendBase58Decoded([]byte("x"), s)
	if ok != (err == nil) || ok && !bytes.Equal(got, append([]byte("x"), want...)) {
		t.Fatalf("appendBase58Decoded(%q) = %x, %v; want %x, %v", s, got, ok, want, err)
	}
}

// FuzzBase58 checks appendBase58Decoded (a parser of proof values) and appendBase58 against
// github.com/mr-tron/base58.
func FuzzBase58(f *testing.F) {
	for _, s := range []string{"", "1", "11z", "z5x9aCBYovW3CQCbKdNyhEm7ffYSw1YpEdPywQJoNbzDD2gkzQDKJ1sYKJaWvqZtkMtSbz35HcbgXVEDYHxCzgkCr", "0OIl", "\x00\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkDecode(t, s)
		if got, want := string(appendBase58(nil, []byte(s))), base58.Encode([]byte(s)); got != want {
			t.Fatalf("appendBase58(%q) = %q, want %q", s, got, want)
		}
	})
}
