// Package jsonmodel holds the JSON mechanics shared by the ob2 and ob3 models: keeping the
// members a struct does not name (with their original bytes) and reading one-or-many values.
package jsonmodel

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// knownNames returns the JSON member names of the struct type t, including those of
// embedded structs.
func knownNames(t reflect.Type, into map[string]bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if f.Anonymous && tag == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			knownNames(ft, into)
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		into[name] = true
	}
}

// Fields is the set of JSON member names of a struct type (including those of embedded
// structs), computed once, for DecodeWithExtra. A Fields is immutable.
type Fields struct {
	names     map[string]bool
	numFields int
}

// FieldsOf returns the member names of the struct type T. Model packages keep one per type in
// a package variable (an immutable table built at init).
func FieldsOf[T any]() Fields {
	t := reflect.TypeFor[T]()
	f := Fields{names: map[string]bool{}, numFields: t.NumField()}
	knownNames(t, f.names)
	return f
}

// DecodeWithExtra decodes the object b into plain (a pointer to a struct without methods,
// whose member names are fields: plain's type is defined as the type fields was made from)
// and returns the members plain does not name, each with a copy of its bytes.
func DecodeWithExtra(b []byte, plain any, fields Fields, what string) (map[string]json.RawMessage, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '{' {
		return nil, fmt.Errorf("%s must be a JSON object", what)
	}
	if err := json.Unmarshal(b, plain); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	known := fields.names
	if t := reflect.TypeOf(plain).Elem(); known == nil || t.NumField() != fields.numFields {
		// Not the type fields describes: read the names from plain itself.
		known = map[string]bool{}
		knownNames(t, known)
	}
	// b is valid JSON (json.Unmarshal accepted it): split its members without decoding them.
	var extra map[string]json.RawMessage
	err := eachMember(b, func(name string, value []byte) {
		if known[name] {
			return
		}
		if extra == nil {
			extra = map[string]json.RawMessage{}
		}
		extra[name] = append(json.RawMessage(nil), value...)
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return extra, nil
}

// EncodeWithExtra marshals plain and appends the extra members (sorted by name) that plain
// does not already hold. Null extras are dropped (no nulls in the strict form).
func EncodeWithExtra(plain any, extra map[string]json.RawMessage) ([]byte, error) {
	b, err := json.Marshal(plain)
	if err != nil || len(extra) == 0 {
		return b, err
	}
	known := map[string]bool{}
	knownNames(reflect.TypeOf(plain), known)
	keys := make([]string, 0, len(extra))
	for k, v := range extra {
		if !known[k] && string(bytes.TrimSpace(v)) != "null" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var buf bytes.Buffer
	buf.Write(b[:len(b)-1])
	for i, k := range keys {
		if i > 0 || len(b) > 2 {
			buf.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		buf.Write(kb)
		buf.WriteByte(':')
		var c bytes.Buffer
		if err := json.Compact(&c, extra[k]); err != nil {
			return nil, fmt.Errorf("extra member %q: %w", k, err)
		}
		buf.Write(c.Bytes())
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// OneOrMany decodes b, a JSON value that may be a single item or an array of items.
func OneOrMany[T any](b []byte, what string) ([]T, error) {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '[' {
		var list []T
		if err := json.Unmarshal(b, &list); err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		return list, nil
	}
	if string(b) == "null" {
		return nil, nil
	}
	var one T
	if err := json.Unmarshal(b, &one); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return []T{one}, nil
}
