package proof

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// member is one top-level member of a JSON object: its key and the byte span of its value.
type member struct {
	key        string
	start, end int // value bytes are raw[start:end]
}

// topLevelMembers scans raw (which must be one JSON object) and returns its members in order,
// with the offset of the closing brace. Duplicate keys are refused: they would give a signed
// meaning that depends on which duplicate a reader keeps.
func topLevelMembers(raw []byte) (members []member, closing int, err error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	tok, err := dec.Token()
	if err != nil {
		return nil, 0, fmt.Errorf("not JSON: %w", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, 0, errors.New("not a JSON object")
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, 0, fmt.Errorf("not JSON: %w", err)
		}
		key, _ := tok.(string)
		if seen[key] {
			return nil, 0, fmt.Errorf("duplicate member %q", key)
		}
		seen[key] = true
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, 0, fmt.Errorf("not JSON: %w", err)
		}
		end := int(dec.InputOffset())
		members = append(members, member{key: key, start: end - len(v), end: end})
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, 0, fmt.Errorf("not JSON: %w", err)
	}
	closing = int(dec.InputOffset()) - 1
	if _, err := dec.Token(); err != io.EOF {
		return nil, 0, errors.New("trailing data after the JSON object")
	}
	return members, closing, nil
}

// decodeObject decodes raw as a JSON object in the form JSON-LD processors expect
// (float64 numbers, map[string]any objects).
func decodeObject(raw []byte) (map[string]any, error) {
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("not a JSON object: %w", err)
	}
	if m == nil {
		return nil, errors.New("not a JSON object")
	}
	return m, nil
}

// withProofs returns raw with its top-level "proof" member set to the JSON array of proofs
// given (existing proof values first, then add), leaving every other byte as it was.
func withProofs(raw []byte, existing []json.RawMessage, add json.RawMessage) ([]byte, error) {
	members, closing, err := topLevelMembers(raw)
	if err != nil {
		return nil, err
	}
	var arr bytes.Buffer
	arr.WriteByte('[')
	for _, p := range existing {
		arr.Write(p)
		arr.WriteByte(',')
	}
	arr.Write(add)
	arr.WriteByte(']')
	for _, m := range members {
		if m.key == "proof" {
			out := make([]byte, 0, len(raw)+arr.Len())
			out = append(out, raw[:m.start]...)
			out = append(out, arr.Bytes()...)
			return append(out, raw[m.end:]...), nil
		}
	}
	out := make([]byte, 0, len(raw)+arr.Len()+12)
	out = append(out, raw[:closing]...)
	// Trim trailing whitespace before the brace so the new member sits neatly.
	out = bytes.TrimRight(out, " \t\r\n")
	if len(members) > 0 {
		out = append(out, ',')
	}
	out = append(out, `"proof":`...)
	out = append(out, arr.Bytes()...)
	return append(out, raw[closing:]...), nil
}

// proofValues returns the proof member of a decoded document as a list: absent gives none,
// an object gives one, an array gives its items.
func proofValues(doc map[string]any) []any {
	switch p := doc["proof"].(type) {
	case nil:
		return nil
	case []any:
		return p
	default:
		return []any{p}
	}
}
