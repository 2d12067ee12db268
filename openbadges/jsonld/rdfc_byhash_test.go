package jsonld

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
)

// TestSortByFirstDegreeRandom compares sortByFirstDegree with sorting by the digests and
// labels directly, on hashes that share their first bytes or are equal, with ids in 16 bits
// and beyond.
func TestSortByFirstDegreeRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 32))
	for round := range 300 {
		n := 1 + r.IntN(60)
		if round%100 == 99 {
			n = 1<<16 + 1 + r.IntN(100) // the sort by function
		}
		c := &canonicalizer{ls: &lineSet{}}
		c.firstHash = make([]digest, n)
		c.firstDone = make([]bool, n)
		var pool []digest
		for id := range n {
			var d digest
			switch k := r.IntN(4); {
			case k == 0 && len(pool) > 0: // an earlier hash
				d = pool[r.IntN(len(pool))]
			case k == 1 && len(pool) > 0: // an earlier hash's first 6 or 7 bytes
				d = pool[r.IntN(len(pool))]
				for i := 6 + r.IntN(2); i < 32; i++ {
					d[i] = byte(r.IntN(256))
				}
			default:
				for i := range 32 {
					d[i] = byte(r.IntN(4))
				}
			}
			pool = append(pool, d)
			c.firstHash[id], c.firstDone[id] = d, true
			c.ls.labels = append(c.ls.labels, "b"+strconv.Itoa(r.IntN(3*n)))
		}
		want := make([]int32, n)
		for id := range want {
			want[id] = int32(id)
		}
		slices.SortStableFunc(want, func(a, b int32) int {
			if r := compareDigests(&c.firstHash[a], &c.firstHash[b]); r != 0 {
				return r
			}
			return c.compareLabels(a, b)
		})
		got := c.sortByFirstDegree(n)
		// Nodes with equal hashes and labels may come in either order: compare the keys.
		for j := range want {
			a, b := got[j], want[j]
			if c.firstHash[a] != c.firstHash[b] || c.ls.labels[a] != c.ls.labels[b] {
				t.Fatalf("round %d (n %d): position %d holds node %d, want %d", round, n, j, a, b)
			}
		}
	}
}
