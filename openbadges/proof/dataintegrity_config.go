package proof

// The proof configuration of a new proof, and the JSON of its members.

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"

	"github.com/rosettebadges/rosette/openbadges/internal/jsondec"
)

// configurationTree returns the proof configuration of p for the document t, made by
// t.WithStrings: nil when p has a previousProof list, or a string that is not valid UTF-8
// (proofConfiguration's JSON would replace its invalid bytes).
func configurationTree(t *jsondec.Tree, p newProof) *jsondec.Tree {
	switch p.PreviousProof.(type) {
	case nil, string:
	default:
		return nil
	}
	var names, values [7]string
	n, valid := 0, true
	p.members(func(name, value string) {
		names[n], values[n] = name, value
		n++
		valid = valid && utf8.ValidString(value)
	})
	if !valid {
		return nil
	}
	return t.WithStrings("@context", names[:n], values[:n])
}

// proofConfiguration returns the proof configuration of p for the document doc, whose
// members members locates: {"@context":<doc's @context>,<p's members>}, as JSON.
func proofConfiguration(doc []byte, members []member, p newProof) []byte {
	var context []byte
	for _, m := range members {
		if m.Key == "@context" {
			context = doc[m.Start:m.End]
			break
		}
	}
	const head = `{"@context":`
	cfg := make([]byte, 0, len(head)+len(context)+2+p.membersLen())
	cfg = append(cfg, head...)
	cfg = append(cfg, context...)
	cfg = append(cfg, ',')
	cfg = p.appendMembers(cfg)
	return append(cfg, '}')
}

// decodeConfiguration decodes the proof configuration cfg (from proofConfiguration) into a
// Tree; give it back with releaseTree. Its members need no check for duplicates: "@context"
// and the proof's members, each written once.
func decodeConfiguration(c Canonicalizer, cfg []byte) (*jsondec.Tree, error) {
	decode := jsondec.DecodeTreeMembers
	if r, ok := c.(treeReuser); ok {
		decode = r.DecodeTreeMembers
	}
	t, _, _, err := decode(cfg)
	if err != nil {
		return nil, fmt.Errorf("%w: proof configuration: %v", ErrMalformed, err)
	}
	return t, nil
}

// members calls member with each string member of p, in the order json.Marshal(p) writes
// them (a previousProof list is not one: appendMembers and membersLen add it).
func (p newProof) members(member func(name, value string)) {
	member("type", p.Type)
	if p.ID != "" {
		member("id", p.ID)
	}
	member("cryptosuite", p.Cryptosuite)
	member("created", p.Created)
	member("verificationMethod", p.VerificationMethod)
	member("proofPurpose", p.ProofPurpose)
	if pp, ok := p.PreviousProof.(string); ok {
		member("previousProof", pp)
	}
}

// appendMembers appends the members of p, as json.Marshal(p) writes them, without braces.
func (p newProof) appendMembers(b []byte) []byte {
	first := true
	p.members(func(name, value string) {
		b = appendMember(b, name, value, !first)
		first = false
	})
	if pp, ok := p.PreviousProof.([]string); ok {
		b = append(b, `,"previousProof":[`...)
		for i, s := range pp {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, s)
		}
		b = append(b, ']')
	}
	return b
}

// membersLen is the length appendMembers writes when no string needs escaping (a capacity:
// escapes only make it grow).
func (p newProof) membersLen() int {
	n := 0
	p.members(func(name, value string) { n += len(`,"":""`) + len(name) + len(value) })
	if pp, ok := p.PreviousProof.([]string); ok {
		n += len(`,"previousProof":[]`)
		for _, s := range pp {
			n += len(s) + 3
		}
	}
	return n
}

func appendMember(b []byte, name, value string, comma bool) []byte {
	if comma {
		b = append(b, ',')
	}
	b = append(b, '"')
	b = append(b, name...)
	b = append(b, `":`...)
	return appendJSONString(b, value)
}

// appendJSONString appends s as json.Marshal writes it (HTML characters, U+2028 and U+2029
// escaped, invalid UTF-8 replaced), copying printable ASCII as is.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if !jsonPlain[s[i]] {
			q, _ := json.Marshal(s) // a string always marshals
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// jsonPlain tells the bytes json.Marshal copies as they are in a string: printable ASCII but
// '"', '\\', '<', '>' and '&'.
var jsonPlain = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()
