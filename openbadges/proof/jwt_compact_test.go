package proof

import (
	"bytes"
	"encoding/json"
	"testing"
)

var compactSeeds = []string{
	`{}`, `[]`, `"a b"`, `1.5e3`, `true`, `null`,
	"{ \"a\" : [ 1 , 2 ,\n\t{\"b\" : \"x \\\" y\" } ] ,\r\n \"c\":\"\\\\\" }",
	`  "\u00e9 \ud83d\ude00 "  `,
	`{"name": "Teamwork Badge", "list": [ "a" , "b\\" ]}`,
}

// appendCompact must equal json.Compact on every valid JSON value.
func TestAppendCompact(t *testing.T) {
	for _, s := range compactSeeds {
		checkCompact(t, []byte(s))
	}
}

func FuzzAppendCompact(f *testing.F) {
	for _, s := range compactSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if json.Valid(b) {
			checkCompact(t, b)
		}
	})
}

func checkCompact(t *testing.T, b []byte) {
	t.Helper()
	var want bytes.Buffer
	if err := json.Compact(&want, b); err != nil {
		t.Fatalf("%q: %v", b, err)
	}
	if got := appendCompact(nil, b); !bytes.Equal(got, want.Bytes()) {
		t.Errorf("appendCompact(%q) = %q, json.Compact %q", b, got, want.Bytes())
	}
}

// A name plainName accepts is one json.Marshal writes as itself in quotes (the others go
// through json.Marshal).
func TestPlainName(t *testing.T) {
	for _, name := range []string{"", "iss", "@context", "credentialSubject", "a b", "x<y", "a&b", "q\"", "back\\", "tab\t", "é", "\x7f", "~!#$%^*()"} {
		want, _ := json.Marshal(name)
		if plainName(name) && string(want) != `"`+name+`"` {
			t.Errorf("plainName(%q) = %t, json.Marshal gives %s", name, plainName(name), want)
		}
	}
}
