package jsonld

import "testing"

func TestBuilderLabelNumber(t *testing.T) {
	for _, c := range []struct {
		label string
		n     int
		ok    bool
	}{
		{"b0", 0, true}, {"b7", 7, true}, {"b12", 12, true}, {"b2147483647", 2147483647, true},
		{"b", 0, false}, {"", 0, false}, {"b00", 0, false}, {"b01", 0, false}, {"c1", 0, false},
		{"b/", 0, false}, {"b:", 0, false}, {"b1/", 0, false}, {"b1:", 0, false}, {"b-1", 0, false},
		{"b2147483648", 0, false}, {"b99999999999", 0, false}, {"b1\x00", 0, false}, {"b\xff", 0, false},
	} {
		n, ok := builderLabelNumber(c.label)
		if ok != c.ok || (ok && n != c.n) {
			t.Errorf("builderLabelNumber(%q) = %d, %v; want %d, %v", c.label, n, ok, c.n, c.ok)
		}
	}
}
