package proof

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

var memberCases = []string{
	`{}`, ` { "a" : 1 , "b":[1,{"c":"}"}], "d" : "x\"y" } `, `{"a":1,"a":2}`, `{"\u0061":1,"a":2}`,
	`{"proof":{"type":"x"},"@context":["u"]}`, `[1]`, `{"a":}`, `{"a":1}x`,
	manyMembers(40, false), manyMembers(40, true), // past the pairwise duplicate check
}

// manyMembers is an object with n distinct members, the last one repeated at the end when dup.
func manyMembers(n int, dup bool) string {
	s := "{"
	for i := range n {
		s += fmt.Sprintf("%q:%d,", fmt.Sprint("m", i), i)
	}
	if dup {
		s += fmt.Sprintf("%q:0,", fmt.Sprint("m", n-1))
	}
	return s[:len(s)-1] + "}"
}

// FuzzDecodeWithMembers checks the one-pass decoder against decodeObject and topLevelMembers.
func FuzzDecodeWithMembers(f *testing.F) {
	for _, c := range memberCases {
		f.Add([]byte(c))
	}
	reuser := canon(f) // decodes into reused Trees
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, members, closing, err := decodeWithMembers(nil, raw)
		if rm, rmembers, rclosing, rerr := decodeWithMembers(reuser, raw); (rerr == nil) != (err == nil) ||
			err == nil && (!cmp.Equal(rm.Value(rm.Root()), m.Value(m.Root())) || !cmp.Equal(rmembers, members) || rclosing != closing) {
			t.Fatalf("%q: decoding into a reused Tree differs", raw)
		} else if rerr == nil {
			releaseTree(reuser, rm)
		}
		wm, werr := decodeObject(raw)
		if werr != nil {
			if err == nil {
				t.Fatalf("%q: no error, decodeObject %v", raw, werr)
			}
			return
		}
		wmembers, wclosing, werr := topLevelMembers(raw)
		if (err == nil) != (werr == nil) {
			t.Fatalf("%q: error %v, topLevelMembers %v", raw, err, werr)
		}
		if err != nil {
			return
		}
		if !cmp.Equal(m.Value(m.Root()), any(wm)) {
			t.Fatalf("%q: decoded values differ", raw)
		}
		if !cmp.Equal(members, wmembers, cmpopts.EquateEmpty()) || closing != wclosing {
			t.Fatalf("%q: members %v %d, want %v %d", raw, members, closing, wmembers, wclosing)
		}
	})
}

func TestDecodeWithMembers(t *testing.T) {
	for _, tc := range []struct {
		raw  string
		fail bool
	}{
		{`{}`, false}, {` {"a" : 1, "b":[{"a":1,"a":2}]} `, false},
		{`{"a":1,"a":2}`, true}, {`{"\u0061":1,"a":2}`, true}, {`[1]`, true}, {`{"a":1}x`, true},
	} {
		_, _, _, err := decodeWithMembers(nil, []byte(tc.raw))
		if (err != nil) != tc.fail {
			t.Errorf("%s: error %v, want failure %v", tc.raw, err, tc.fail)
		}
	}
}
