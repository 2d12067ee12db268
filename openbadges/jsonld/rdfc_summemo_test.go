package jsonld

import (
	"math/rand/v2"
	"testing"
)

// TestMemoSumRandom compares memoSum with sum on random inputs that repeat, share long
// prefixes and suffixes (alike fingerprints), and outgrow the memo, with both hash functions.
func TestMemoSumRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for _, h := range []HashAlgorithm{SHA256, SHA384} {
		c := &canonicalizer{opts: CanonOptions{Hash: h}}
		for round := range 20 {
			c.memo.reset()
			var seen [][]byte
			for range 400 {
				var in []byte
				switch k := r.IntN(4); {
				case k == 0 && len(seen) > 0: // an earlier input again
					in = append(in, seen[r.IntN(len(seen))]...)
				case k == 1 && len(seen) > 0: // an earlier input with one byte changed
					in = append(in, seen[r.IntN(len(seen))]...)
					if len(in) > 0 {
						in[r.IntN(len(in))] ^= byte(1 + r.IntN(255))
					}
				default:
					n := []int{0, 1, 15, 16, 17, 64, 100, 1023, 1024, 1025, 3000}[r.IntN(11)]
					if r.IntN(2) == 0 {
						n = r.IntN(200)
					}
					in = make([]byte, n)
					for i := range in {
						in[i] = "ab_:<>"[r.IntN(6)]
					}
				}
				seen = append(seen, in)
				if got, want := c.memoSum(in), c.sum(in); got != want {
					t.Fatalf("hash %d round %d: memoSum(%q) = %x, sum %x", h, round, in, got, want)
				}
			}
			if c.memo.n > memoSlots/2 || len(c.memo.buf) > maxMemoBytes {
				t.Fatalf("memo outgrew its bounds: %d slots, %d bytes", c.memo.n, len(c.memo.buf))
			}
		}
	}
}
