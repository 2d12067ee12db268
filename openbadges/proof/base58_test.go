package proof

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/mr-tron/base58"
)

// TestSignatureBase58Random compares appendSignatureBase58 and decodeSignatureBase58 with
// github.com/mr-tron/base58 on random signatures (many with leading zero bytes, some all
// zero) and random texts (valid digits, invalid bytes, leading '1's, lengths around a
// signature's).
func TestSignatureBase58Random(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 20000 {
		n := 64
		if i%4 == 0 {
			n = rng.IntN(65)
		}
		sig := make([]byte, n)
		for j := range sig {
			sig[j] = byte(rng.Uint32())
		}
		if z := rng.IntN(8); z > 0 {
			clear(sig[:min(len(sig), rng.IntN(z*10))])
		}
		want := base58.Encode(sig)
		got := appendSignatureBase58([]byte("z"), sig)
		if string(got) != "z"+want {
			t.Fatalf("appendSignatureBase58(%x) = %s, want z%s", sig, got[1:], want)
		}
		if n == 64 {
			checkDecode(t, want)
		}
	}
	const digits = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
	for i := range 50000 {
		n := 80 + rng.IntN(12)
		if i%5 == 0 {
			n = rng.IntN(100)
		}
		var b strings.Builder
		ones := 0
		if i%3 == 0 {
			ones = rng.IntN(70)
		}
		for j := range n {
			switch {
			case j < ones:
				b.WriteByte('1')
			case rng.IntN(400) == 0:
				b.WriteByte(byte(rng.Uint32()))
			default:
				b.WriteByte(digits[rng.IntN(58)])
			}
		}
		checkDecode(t, b.String())
	}
	for _, s := range []string{"", "1", strings.Repeat("1", 63), strings.Repeat("1", 64), strings.Repeat("1", 65),
		strings.Repeat("z", 88), strings.Repeat("z", 87), strings.Repeat("z", 89), "1" + strings.Repeat("z", 87)} {
		checkDecode(t, s)
	}
}

func checkDecode(t *testing.T, s string) {
	t.Helper()
	want, err := base58.Decode(s)
	wantOK := err == nil && len(want) == 64
	got, ok := decodeSignatureBase58(s)
	if ok != wantOK || ok && !bytes.Equal(got[:], want) {
		t.Fatalf("decodeSignatureBase58(%q) = %x, %v; want %x (err %v)", s, got, ok, want, err)
	}
}

func BenchmarkSignatureBase58(b *testing.B) {
	sig := bytes.Repeat([]byte{0x9d, 0x31, 0xe4}, 22)[:64]
	text := base58.Encode(sig)
	var buf [b58MaxLen]byte
	b.Run("encode", func(b *testing.B) {
		for b.Loop() {
			appendSignatureBase58(buf[:0], sig)
		}
	})
	b.Run("decode", func(b *testing.B) {
		for b.Loop() {
			decodeSignatureBase58(text)
		}
	})
}

// FuzzSignatureBase58 compares decodeSignatureBase58 (which reads proofValues, outside bytes)
// with github.com/mr-tron/base58, and appendSignatureBase58 on what decodes.
func FuzzSignatureBase58(f *testing.F) {
	f.Add("")
	f.Add(strings.Repeat("1", 64))
	f.Add(base58.Encode(bytes.Repeat([]byte{0xff}, 64)))
	f.Add(base58.Encode(append(make([]byte, 5), bytes.Repeat([]byte{7}, 59)...)))
	f.Fuzz(func(t *testing.T, s string) {
		checkDecode(t, s)
		if sig, ok := decodeSignatureBase58(s); ok {
			if got := appendSignatureBase58(nil, sig[:]); string(got) != base58.Encode(sig[:]) {
				t.Fatalf("appendSignatureBase58(%x) = %s", sig, got)
			}
		}
	})
}
