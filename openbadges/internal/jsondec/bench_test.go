package jsondec

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkDecodeTree decodes the large credential of the proof package's benchmarks (its
// testdata) as a single decoding (DecodeTree: a copy of the input) and as the proof package
// decodes, reusing the storage of a Tree (DecodeTreeMembersReusing: a compact copy of the
// text of the strings).
func BenchmarkDecodeTree(b *testing.B) {
	raw, err := os.ReadFile(filepath.FromSlash("../../proof/testdata/large-credential.json"))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("single", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(raw)))
		for b.Loop() {
			if _, err := DecodeTree(raw); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("reusing", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(raw)))
		var old *Tree
		for b.Loop() {
			t, _, _, err := DecodeTreeMembersReusing(raw, old)
			if err != nil {
				b.Fatal(err)
			}
			t.Reset()
			old = t
		}
	})
}
