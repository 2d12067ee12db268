package obapi

import (
	"bytes"
	"encoding/json"
)

// proofAsArray returns the credential with a top-level "proof" object written as a one-item
// array, the form the OB 3.0 OpenAPI schema requires (the VC data model allows both; a
// proof set of one proof is the same proof, and every signature stays valid). Every other
// byte is kept. Input that is not a valid JSON object, or has no single proof object, is returned
// as it is.
func proofAsArray(doc []byte) []byte {
	if !json.Valid(doc) {
		return doc
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return doc
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return doc
		}
		keyEnd := int(dec.InputOffset())
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return doc
		}
		if key != "proof" || len(v) == 0 || v[0] != '{' {
			continue
		}
		end := int(dec.InputOffset())
		start := end - len(v)
		if start < keyEnd || !bytes.Equal(doc[start:end], v) {
			return doc
		}
		out := make([]byte, 0, len(doc)+2)
		out = append(out, doc[:start]...)
		out = append(out, '[')
		out = append(out, v...)
		out = append(out, ']')
		return append(out, doc[end:]...)
	}
	return doc
}
