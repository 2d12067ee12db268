package proof

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// jwtObject is a JSON object as an ordered list of members with their raw values, so that a
// credential can be read, extended and written back without reordering or re-encoding any
// value.
type jwtObject []jwtMember

type jwtMember struct {
	name  string
	value json.RawMessage
}

// parseJWTObject reads one JSON object, refusing duplicate member names and trailing data.
func parseJWTObject(b []byte) (jwtObject, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, errors.New("not a JSON object")
	}
	var o jwtObject
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		name := tok.(string)
		if seen[name] {
			return nil, fmt.Errorf("duplicate member %q", name)
		}
		seen[name] = true
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		o = append(o, jwtMember{name, v})
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("trailing data after the JSON object")
	}
	return o, nil
}

func (o jwtObject) get(name string) (json.RawMessage, bool) {
	for _, m := range o {
		if m.name == name {
			return m.value, true
		}
	}
	return nil, false
}

// str returns a member's string value ("" when absent or not a string).
func (o jwtObject) str(name string) string {
	v, ok := o.get(name)
	if !ok {
		return ""
	}
	var s string
	if json.Unmarshal(v, &s) != nil {
		return ""
	}
	return s
}

// set replaces a member's value or appends the member.
func (o jwtObject) set(name string, v json.RawMessage) jwtObject {
	for i := range o {
		if o[i].name == name {
			o[i].value = v
			return o
		}
	}
	return append(o, jwtMember{name, v})
}

func (o jwtObject) without(names ...string) jwtObject {
	var out jwtObject
outer:
	for _, m := range o {
		for _, n := range names {
			if m.name == n {
				continue outer
			}
		}
		out = append(out, m)
	}
	return out
}

// bytes writes the object compactly (values compacted, member order kept).
func (o jwtObject) bytes() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		n, _ := json.Marshal(m.name)
		b.Write(n)
		b.WriteByte(':')
		if err := json.Compact(&b, m.value); err != nil {
			return nil, err
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// jwtIDOf returns the id of a value that is a string or an object with a string "id".
func jwtIDOf(v json.RawMessage) string {
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s
	}
	var o struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(v, &o) == nil {
		return o.ID
	}
	return ""
}

// jwtFirstContext returns @context[0] (or @context when it is a single string).
func jwtFirstContext(o jwtObject) string {
	v, ok := o.get("@context")
	if !ok {
		return ""
	}
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s
	}
	var l []json.RawMessage
	if json.Unmarshal(v, &l) != nil || len(l) == 0 {
		return ""
	}
	_ = json.Unmarshal(l[0], &s)
	return s
}
