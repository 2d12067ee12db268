package jsonmodel

import (
	"encoding/json"
	"errors"
)

// eachMember calls fn with the name (decoded as encoding/json decodes map keys) and the value
// bytes of each member of the object b, in order. b MUST be one valid JSON object without
// surrounding whitespace: eachMember only splits it.
func eachMember(b []byte, fn func(name string, value []byte)) error {
	if len(b) < 2 || b[0] != '{' {
		return errors.New("not a JSON object")
	}
	i := skipSpace(b, 1)
	for i < len(b) && b[i] != '}' {
		if b[i] == ',' {
			i = skipSpace(b, i+1)
		}
		kEnd := stringEnd(b, i)
		name, err := memberName(b[i:kEnd])
		if err != nil {
			return err
		}
		i = skipSpace(b, kEnd)
		i = skipSpace(b, i+1) // the colon
		vEnd := valueEnd(b, i)
		fn(name, b[i:vEnd])
		i = skipSpace(b, vEnd)
	}
	return nil
}

// memberName decodes a quoted member name; plain ASCII without escapes is copied as is.
func memberName(q []byte) (string, error) {
	for _, c := range q {
		if c == '\\' || c >= 0x80 {
			var s string
			err := json.Unmarshal(q, &s)
			return s, err
		}
	}
	return string(q[1 : len(q)-1]), nil
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// stringEnd returns the offset just past the JSON string starting at b[i] == '"'.
func stringEnd(b []byte, i int) int {
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(b)
}

// valueEnd returns the offset just past the JSON value starting at b[i].
func valueEnd(b []byte, i int) int {
	depth := 0
	for ; i < len(b); i++ {
		switch b[i] {
		case '"':
			i = stringEnd(b, i) - 1
			if depth == 0 {
				return i + 1
			}
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return i
			}
			depth--
			if depth == 0 {
				return i + 1
			}
		case ',', ' ', '\t', '\n', '\r':
			if depth == 0 {
				return i
			}
		}
	}
	return i
}
