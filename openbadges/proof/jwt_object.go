package proof

import (
	"bytes"
	"encoding/json"
	"errors"
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
// The bytes are validated once (json.Valid), then split into members by the scanner that
// SignDataIntegrity uses (topLevelMembers), without decoding the values.
func parseJWTObject(b []byte) (jwtObject, error) {
	if !json.Valid(b) {
		var v any
		if err := json.Unmarshal(b, &v); err != nil {
			return nil, err
		}
		return nil, errors.New("invalid JSON")
	}
	members, _, err := topLevelMembers(b)
	if err != nil {
		return nil, err
	}
	o := make(jwtObject, len(members))
	for i, m := range members {
		o[i] = jwtMember{m.Key, json.RawMessage(b[m.Start:m.End])}
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
	s, _ := unquoteJSONString(v)
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

// bytes writes the object compactly (values compacted, member order kept). Every value is
// valid JSON: read by parseJWTObject or written by encoding/json.
func (o jwtObject) bytes() ([]byte, error) {
	size := 2
	for _, m := range o {
		size += len(m.name) + len(m.value) + 4
	}
	var b bytes.Buffer
	b.Grow(size)
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		if plainName(m.name) {
			b.WriteByte('"')
			b.WriteString(m.name)
			b.WriteByte('"')
		} else {
			n, _ := json.Marshal(m.name)
			b.Write(n)
		}
		b.WriteByte(':')
		b.Write(appendCompact(b.AvailableBuffer(), m.value))
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// jwtIDOf returns the id of a value that is a string or an object with a string "id".
// v must be valid JSON (a value of an object parseJWTObject or encoding/json has read): an
// object is split by the member scanner instead of being decoded whole.
func jwtIDOf(v json.RawMessage) string {
	if len(v) > 0 && v[0] == '{' {
		if members, _, err := topLevelMembers(v); err == nil {
			for _, m := range members {
				if m.Key == "id" {
					id, _ := unquoteJSONString(v[m.Start:m.End])
					return id
				}
			}
			return ""
		}
		// Duplicate members: fall through to encoding/json, which keeps the last.
	}
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
	// v is valid JSON (parseJWTObject validated it): a string, or an array whose first
	// element is read with the member scanner's value end.
	if len(v) > 0 && v[0] == '[' {
		i := skipSpace(v, 1)
		if i >= len(v) || v[i] != '"' {
			return ""
		}
		v = v[i:stringEnd(v, i)]
	}
	s, _ := unquoteJSONString(v)
	return s
}

// unquoteJSONString decodes b if it is a JSON string ("", false otherwise).
func unquoteJSONString(b []byte) (string, bool) {
	if len(b) < 2 || b[0] != '"' {
		return "", false
	}
	s, err := unquote(b)
	return s, err == nil
}

// appendCompact appends the valid JSON value v without the whitespace outside strings, as
// json.Compact does, in one pass without validating again.
//
// Runs of bytes are copied at once: a string up to its closing quote (found with
// bytes.IndexByte), the text between two white space bytes outside strings.
func appendCompact(dst, v []byte) []byte {
	start := 0 // v[start:i] is pending, to be copied as is
	for i := 0; i < len(v); i++ {
		switch v[i] {
		case '"':
			// Skip the string: find a quote not escaped by an odd number of backslashes.
			j := i + 1
			for {
				k := bytes.IndexByte(v[j:], '"')
				if k < 0 {
					j = len(v)
					break
				}
				j += k
				n := 0
				for b := j - 1; b > i && v[b] == '\\'; b-- {
					n++
				}
				if n%2 == 0 {
					break
				}
				j++
			}
			i = j // the closing quote (the loop's i++ steps past it)
		case ' ', '\t', '\n', '\r':
			dst = append(dst, v[start:i]...)
			start = i + 1
		}
	}
	return append(dst, v[start:]...)
}

// plainName reports whether json.Marshal writes name as itself in quotes: printable ASCII
// without the characters it escapes (quote, backslash, and <, >, & for HTML safety).
func plainName(name string) bool {
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}

// jsonString returns s as a JSON string, as json.Marshal writes it.
func jsonString(s string) json.RawMessage {
	if plainName(s) {
		b := make([]byte, 0, len(s)+2)
		b = append(b, '"')
		b = append(b, s...)
		return append(b, '"')
	}
	b, _ := json.Marshal(s)
	return b
}
