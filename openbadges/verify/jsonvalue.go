package verify

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// object is a decoded JSON object; numbers stay json.Number so nothing is lost.
type object = map[string]any

// decodeObject parses one JSON object, refusing trailing data.
func decodeObject(b []byte) (object, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("not JSON: %v", err)
	}
	if _, err := dec.Token(); err == nil {
		return nil, errors.New("not JSON: data after the end of the document")
	}
	o, ok := v.(map[string]any)
	if !ok {
		return nil, errors.New("JSON is not an object")
	}
	return o, nil
}

// list returns v as a list: a single value becomes a one-element list, nil an empty one.
func list(v any) []any {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		return x
	}
	return []any{v}
}

// str returns o[k] when it is a string.
func str(o object, k string) string {
	if o == nil {
		return ""
	}
	s, _ := o[k].(string)
	return s
}

// obj returns o[k] when it is an object.
func obj(o object, k string) object {
	if o == nil {
		return nil
	}
	m, _ := o[k].(map[string]any)
	return m
}

// idOf returns a string value itself or the "id" of an object value.
func idOf(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case map[string]any:
		s, _ := x["id"].(string)
		return s
	}
	return ""
}

// types returns the values of "type" (or "@type") as strings.
func types(o object) []string {
	var out []string
	t := o["type"]
	if t == nil {
		t = o["@type"]
	}
	for _, v := range list(t) {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func hasType(o object, names ...string) bool {
	for _, t := range types(o) {
		for _, n := range names {
			if t == n {
				return true
			}
		}
	}
	return false
}

// strings of a value that may be a string or a list of strings.
func stringList(v any) []string {
	var out []string
	for _, x := range list(v) {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// parseDateTime parses an ISO 8601 / RFC 3339 date-time that carries a time zone. It also
// accepts the offset forms the OB 2.0 validator accepts (+hhmm, +hh).
func parseDateTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02T15:04:05.999999999-0700", "2006-01-02T15:04:05.999999999-07"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	if _, err := time.Parse("2006-01-02T15:04:05.999999999", s); err == nil {
		return time.Time{}, fmt.Errorf("date-time %q has no time zone", s)
	}
	return time.Time{}, fmt.Errorf("%q is not a date-time", s)
}

// parseLooseDate parses the date forms of OB 0.5/1.0 (a date-time, a date, or a Unix
// timestamp), for display and date checks of old badges.
func parseLooseDate(v any) (time.Time, bool) {
	switch x := v.(type) {
	case string:
		if t, err := parseDateTime(x); err == nil {
			return t, true
		}
		if t, err := time.Parse("2006-01-02", x); err == nil {
			return t, true
		}
		var n json.Number = json.Number(x)
		if i, err := n.Int64(); err == nil {
			return time.Unix(i, 0).UTC(), true
		}
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return time.Unix(i, 0).UTC(), true
		}
	}
	return time.Time{}, false
}

// dateText renders a date value as written.
func dateText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		if t, ok := parseLooseDate(x); ok {
			return t.Format(time.RFC3339)
		}
		return x.String()
	}
	return ""
}
