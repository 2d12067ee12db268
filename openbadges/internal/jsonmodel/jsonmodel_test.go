package jsonmodel

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type inner struct {
	Z string `json:"z"`
}

type sample struct {
	inner
	A string `json:"a,omitempty"`
	B []int  `json:"b"`
	C any    `json:"-"`
	D string
}

// oldExtra is the reference: every member (encoding/json map decoding) whose name sample's
// fields do not hold.
func oldExtra(b []byte) (map[string]json.RawMessage, error) {
	var all map[string]json.RawMessage
	if err := json.Unmarshal(b, &all); err != nil {
		return nil, err
	}
	known := map[string]bool{"z": true, "a": true, "b": true, "D": true}
	var extra map[string]json.RawMessage
	for k, v := range all {
		if !known[k] {
			if extra == nil {
				extra = map[string]json.RawMessage{}
			}
			extra[k] = v
		}
	}
	return extra, nil
}

var sampleFields = FieldsOf[sample]()

func checkExtra(t *testing.T, b []byte) {
	t.Helper()
	var s sample
	got, err := DecodeWithExtra(b, &s, sampleFields, "sample")
	var ref sample
	refErr := json.Unmarshal(bytes.TrimSpace(b), &ref)
	if len(bytes.TrimSpace(b)) == 0 || bytes.TrimSpace(b)[0] != '{' {
		refErr = json.Unmarshal([]byte("x"), &ref) // any error: not an object
	}
	if (err == nil) != (refErr == nil) {
		t.Fatalf("%q: error %v, encoding/json %v", b, err, refErr)
	}
	if err != nil {
		return
	}
	want, err := oldExtra(bytes.TrimSpace(b))
	if err != nil {
		t.Fatalf("%q: reference: %v", b, err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%q: extra (-want +got):\n%s", b, diff)
	}
}

var extraCases = []string{
	`{}`, ` {"a":"x", "q" : [1, {"r": "}"}], "z":"y", "D":"d", "b":[1,2], "e":null} `,
	`{"\u0071":1,"a\"b":{"c":[]},"caf\u00e9":"\\"","q":1,"q":2}`, `{"C":true,"c":false}`,
	`[]`, `"x"`, `{"a":1}`, `{`, `{"x":1}x`,
}

func TestDecodeWithExtra(t *testing.T) {
	for _, c := range extraCases {
		checkExtra(t, []byte(c))
	}
}

func FuzzDecodeWithExtra(f *testing.F) {
	for _, c := range extraCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, b []byte) { checkExtra(t, b) })
}
