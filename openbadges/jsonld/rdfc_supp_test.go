package jsonld

import (
	"math/rand/v2"
	"testing"
)

// TestHasSupplementaryRandom compares hasSupplementary with a byte-by-byte scan on random
// bytes, mostly ASCII, with bytes just below and from 0xF0.
func TestHasSupplementaryRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(41, 42))
	for range 20000 {
		b := make([]byte, r.IntN(200))
		for i := range b {
			switch r.IntN(40) {
			case 0:
				b[i] = 0xF0 + byte(r.IntN(16))
			case 1, 2, 3:
				b[i] = 0x80 + byte(r.IntN(0x70)) // 0x80..0xEF
			default:
				b[i] = byte(r.IntN(0x80))
			}
		}
		if got, want := hasSupplementary(b), bytesFrom(b, 0xF0); got != want {
			t.Fatalf("hasSupplementary(%x) = %v, want %v", b, got, want)
		}
	}
}
