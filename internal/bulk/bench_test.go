package bulk

import (
	"fmt"
	"strings"
	"testing"
)

// BenchmarkParse10k reads a 10,000-row file with every column filled.
func BenchmarkParse10k(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("email,name,narrative,evidence_url,evidence_name,issued,expires\r\n")
	for i := range 10000 {
		fmt.Fprintf(&sb, "user%d@example.org,User %d,\"Did well, and more.\",https://example.org/e/%d,Essay,2026-01-02,2028-01-02\r\n", i, i, i)
	}
	data := []byte(sb.String())
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		f, err := Parse(data, opts())
		if err != nil || f.Valid != 10000 {
			b.Fatal(err)
		}
	}
}
