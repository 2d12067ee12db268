package proof

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/mr-tron/base58"
	"github.com/rosettebadges/rosette/openbadges/internal/jsondec"
)

// member is one top-level member of a JSON object: its Key and the byte span of its value,
// raw[Start:End]. It is jsondec's, so that decodeWithMembers returns jsondec's slice.
type member = jsondec.Member

// topLevelMembers scans raw, which MUST be one valid JSON object (callers decode it with
// decodeObject first), and returns its members in order with the offset of the closing brace.
// Duplicate keys are refused: they would give a signed meaning that depends on which
// duplicate a reader keeps.
func topLevelMembers(raw []byte) (members []member, closing int, err error) {
	i := skipSpace(raw, 0)
	if i >= len(raw) || raw[i] != '{' {
		return nil, 0, errors.New("not a JSON object")
	}
	var seen map[string]bool // used past 16 members; fewer are compared in a loop
	i++
	for {
		i = skipSpace(raw, i)
		if raw[i] == '}' {
			closing = i
			break
		}
		if raw[i] == ',' {
			i = skipSpace(raw, i+1)
		}
		kEnd := stringEnd(raw, i)
		key, err := unquote(raw[i:kEnd])
		if err != nil {
			return nil, 0, err
		}
		if len(members) < 16 {
			for _, m := range members {
				if m.Key == key {
					return nil, 0, fmt.Errorf("duplicate member %q", key)
				}
			}
		} else {
			if seen == nil {
				seen = make(map[string]bool, 2*len(members))
				for _, m := range members {
					seen[m.Key] = true
				}
			}
			if seen[key] {
				return nil, 0, fmt.Errorf("duplicate member %q", key)
			}
			seen[key] = true
		}
		i = skipSpace(raw, kEnd)
		i = skipSpace(raw, i+1) // the colon
		vEnd := valueEnd(raw, i)
		members = append(members, member{Key: key, Start: i, End: vEnd})
		i = vEnd
	}
	return members, closing, nil
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

// unquote decodes a JSON string as encoding/json does (escapes, and invalid UTF-8 replaced),
// with a fast path for plain ASCII.
func unquote(b []byte) (string, error) {
	plain := true
	for _, c := range b {
		if c == '\\' || c >= 0x80 {
			plain = false
			break
		}
	}
	if plain {
		return string(b[1 : len(b)-1]), nil
	}
	var s string
	err := json.Unmarshal(b, &s)
	return s, err
}

// treeReuser is a Canonicalizer that decodes documents into Trees whose storage it reuses
// (*jsonld.Processor does).
type treeReuser interface {
	DecodeTreeMembers(data []byte) (*jsondec.Tree, []jsondec.Member, int, error)
	ReleaseTree(t *jsondec.Tree)
}

// decodeWithMembers is decodeObject and topLevelMembers in one pass over raw: the object
// decoded into a Tree (by c when it is a treeReuser; then give the Tree back with
// releaseTree), its members in order and the offset of its closing brace. Duplicate member
// names are refused, as topLevelMembers refuses them.
func decodeWithMembers(c Canonicalizer, raw []byte) (*jsondec.Tree, []member, int, error) {
	decode := jsondec.DecodeTreeMembers
	r, reuse := c.(treeReuser)
	if reuse {
		decode = r.DecodeTreeMembers
	}
	t, ms, closing, err := decode(raw)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("not a JSON object: %w", err)
	}
	if t.Len(t.Root()) == len(ms) {
		// The Tree keeps one member per name: as many as in the document, none repeats.
		return t, ms, closing, nil
	}
	seen := make(map[string]bool, len(ms))
	for _, x := range ms {
		if seen[x.Key] {
			releaseTree(c, t)
			return nil, nil, 0, fmt.Errorf("duplicate member %q", x.Key)
		}
		seen[x.Key] = true
	}
	releaseTree(c, t) // not reached: the Tree drops repeated names only
	return nil, nil, 0, errors.New("duplicate member")
}

// releaseTree gives t, from decodeWithMembers(c, ...), back to c when c reuses Trees: t,
// every Tree its Without made and the members returned with it must no longer be used.
func releaseTree(c Canonicalizer, t *jsondec.Tree) {
	if r, ok := c.(treeReuser); ok {
		r.ReleaseTree(t)
	}
}

// withProofs appends to dst raw (whose members and closing brace topLevelMembers found) with
// its top-level "proof" member set to the JSON array of the existing proofs (their values,
// in order) and a new one: {<p's members>,"proofValue":"z<sig in base58btc>"}. Every other
// byte is kept. When dst has no room, the result is allocated once, at its size (unless p
// has strings to escape).
func withProofs(dst, raw []byte, members []member, closing int, existing []json.RawMessage, p newProof, sig []byte) []byte {
	start, end := -1, closing // the bytes raw[start:end] are replaced
	value := base58.Encode(sig)
	for _, m := range members {
		if m.Key == "proof" {
			start, end = m.Start, m.End
			break
		}
	}
	head := raw[:end]
	if start >= 0 {
		head = raw[:start]
	} else {
		// Trim trailing whitespace before the brace so the new member sits neatly.
		head = bytes.TrimRight(head, " \t\r\n")
	}
	n := len(raw) + len(`,"proof":[{,"proofValue":"z"}]`) + p.membersLen() + len(value)
	for _, e := range existing {
		n += len(e) + 1
	}
	out := dst
	if cap(out)-len(out) < n {
		out = make([]byte, len(dst), len(dst)+n)
		copy(out, dst)
	}
	out = append(out, head...)
	if start < 0 {
		if len(members) > 0 {
			out = append(out, ',')
		}
		out = append(out, `"proof":`...)
	}
	out = append(out, '[')
	for _, e := range existing {
		out = append(out, e...)
		out = append(out, ',')
	}
	out = append(out, '{')
	out = p.appendMembers(out)
	out = append(out, `,"proofValue":"z`...)
	out = append(out, value...)
	out = append(out, `"}]`...)
	return append(out, raw[end:]...)
}

// treeProofValues returns the proof member of the document t as a list in the generic
// form: absent gives none, an object gives one, an array gives its items.
func treeProofValues(t *jsondec.Tree) []any {
	r, ok := t.Get(t.Root(), "proof")
	if !ok {
		return nil
	}
	return proofMemberList(t.Value(r))
}

// treeProofs returns the items treeProofValues(t) returns as nodes: n of them, the i-th
// being proofItem(r, i, array).
func treeProofs(t *jsondec.Tree) (r jsondec.Ref, n int, array bool) {
	r, ok := t.Get(t.Root(), "proof")
	if !ok {
		return 0, 0, false
	}
	switch t.Kind(r) {
	case jsondec.Null:
		return r, 0, false
	case jsondec.Array:
		return r, t.Len(r), true
	default:
		return r, 1, false
	}
}

// proofItem returns the i-th proof of those treeProofs returns.
func proofItem(t *jsondec.Tree, r jsondec.Ref, i int, array bool) jsondec.Ref {
	if array {
		return t.Elem(r, i)
	}
	return r
}

// proofMemberList is the list a proof member value stands for.
func proofMemberList(p any) []any {
	switch p := p.(type) {
	case nil:
		return nil
	case []any:
		return p
	default:
		return []any{p}
	}
}

// treeMember returns the top-level member name of t in the generic form (nil when absent).
func treeMember(t *jsondec.Tree, name string) (any, bool) {
	r, ok := t.Get(t.Root(), name)
	if !ok {
		return nil, false
	}
	return t.Value(r), true
}
