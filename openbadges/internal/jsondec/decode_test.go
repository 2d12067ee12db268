package jsondec

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"testing"
)

// reference decodes data as encoding/json does.
func reference(data []byte, numbers bool) (any, error) {
	if !numbers {
		var v any
		err := json.Unmarshal(data, &v)
		return v, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err == nil || dec.More() {
		return nil, &SyntaxError{Msg: "trailing data"}
	}
	// A Decoder accepts trailing values that Unmarshal refuses; require Unmarshal validity.
	if !json.Valid(data) {
		return nil, &SyntaxError{Msg: "invalid"}
	}
	return v, nil
}

func same(t *testing.T, data []byte, numbers bool) {
	t.Helper()
	want, werr := reference(data, numbers)
	got, gerr := decode(data, numbers)
	if (werr == nil) != (gerr == nil) {
		t.Fatalf("%q (numbers %v): encoding/json error %v, ours %v", data, numbers, werr, gerr)
	}
	if werr != nil {
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%q (numbers %v):\n got %#v\nwant %#v", data, numbers, got, want)
	}
	if f, ok := want.(float64); ok && math.Signbit(f) != math.Signbit(got.(float64)) {
		t.Fatalf("%q: sign of zero differs", data)
	}
}

var cases = []string{
	`{}`, `[]`, ` {"a" : [1, 2.5, -0, -0.0, 1e3, 1E-3, 123456789012345678901234567890, true, false, null]} `,
	`"plain"`, `"\u00e9\ud83d\ude00\ud800x\udc00\u0000\"\\\/\b\f\n\r\t"`, "\"caf\xc3\xa9\"", "\"bad \xff utf8\"",
	"\"\xed\xa0\x80\"", `"\ud800\ud800"`, `"\ud83d"`, `1e999`, `-1e999`, `{"a":1e400}`, `01`, `1.`, `.5`, `-`,
	`1e`, `1e+`, `[1,]`, `{"a":1,}`, `{"a" 1}`, `{a:1}`, `[1 2]`, `tru`, `nul`, `"\x"`, "\"a\tb\"", `"\u12"`,
	`{"a":1,"a":2}`, `[[[[[]]]]]`, `{"a":{"b":{"c":[{"d":"e"}]}}}`, `  `, ``, `"`, `"\`, `{"a":"\'"}`,
	`12345678901234567`, `-9007199254740993`, `0.1`, `-0`, `100000000000000`, `999999999999999`,
}

func TestDecodeLikeEncodingJSON(t *testing.T) {
	for _, c := range cases {
		same(t, []byte(c), false)
		same(t, []byte(c), true)
	}
}

func TestDecodeObject(t *testing.T) {
	if _, err := DecodeObject([]byte(`[1]`)); err == nil {
		t.Error("an array decoded as an object")
	}
	m, err := DecodeObject([]byte(`{"a":"b"}`))
	if err != nil || m["a"] != "b" {
		t.Errorf("got %v, %v", m, err)
	}
}

func FuzzDecode(f *testing.F) {
	for _, c := range cases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		same(t, data, false)
		same(t, data, true)
	})
}
