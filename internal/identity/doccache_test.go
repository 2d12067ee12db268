package identity

import (
	"strconv"
	"testing"
)

func TestDocCacheBound(t *testing.T) {
	c := newDocCache(3)
	for i := range 5 {
		d := c.put("k"+strconv.Itoa(i), []byte("doc "+strconv.Itoa(i)))
		if d.etag != etagOf(d.body) {
			t.Errorf("etag %s", d.etag)
		}
		if i == 3 {
			c.get("k1") // used: k2 goes first, not k1
		}
	}
	if c.len() != 3 {
		t.Errorf("%d entries, bound 3", c.len())
	}
	for key, want := range map[string]bool{"k0": false, "k1": true, "k2": false, "k3": true, "k4": true} {
		if _, ok := c.get(key); ok != want {
			t.Errorf("%s cached: %v, want %v", key, ok, want)
		}
	}
}
