package cli

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// isOB2Reference is isOB2 without the plain-value shortcut: the @context value is always
// decoded and re-encoded.
func isOB2Reference(doc []byte) bool {
	var context any
	rest := bytes.TrimLeft(doc, " \t\r\n")
	if len(rest) == 0 || rest[0] != '{' {
		return false
	}
	rest = bytes.TrimLeft(rest[1:], " \t\r\n")
	if after, ok := bytes.CutPrefix(rest, []byte(`"@context"`)); ok {
		if after = bytes.TrimLeft(after, " \t\r\n"); len(after) == 0 || after[0] != ':' {
			return false
		}
		if json.NewDecoder(bytes.NewReader(after[1:])).Decode(&context) != nil {
			return false
		}
	} else {
		var probe struct {
			Context any `json:"@context"`
		}
		if json.Unmarshal(doc, &probe) != nil {
			return false
		}
		context = probe.Context
	}
	s, _ := json.Marshal(context)
	return context == nil || strings.Contains(string(s), "w3id.org/openbadges/") || strings.Contains(string(s), "openbadgespec.org")
}

var isOB2Cases = []string{
	`{"@context":"https://w3id.org/openbadges/v2","type":"Assertion"}`,
	`{"@context":["https://www.w3.org/ns/credentials/v2","https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]}`,
	`{ "@context" : null }`, `{"@context":null}`, `{"@context":1}`, `{"@context":{"a":"https:\/\/w3id.org\/openbadges\/v2"}}`,
	`{"@context":["x", {"y": "https://openbadgespec.org/v1/context.json"}], "id": 1}`,
	`{"@context":"https://w3id.org/openbadges/v2`, `{"@context":[1,2}`, `{"id":"x"}`, `{}`, `[]`, ``,
	`{"@context":"caf\u00e9 w3id.org/openbadges/"}`, `{"@context":["a"]]`,
}

func TestIsOB2Shortcut(t *testing.T) {
	for _, c := range isOB2Cases {
		if got, want := isOB2([]byte(c)), isOB2Reference([]byte(c)); got != want {
			t.Errorf("isOB2(%s) = %v, want %v", c, got, want)
		}
	}
}

func FuzzIsOB2(f *testing.F) {
	for _, c := range isOB2Cases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		if got, want := isOB2(doc), isOB2Reference(doc); got != want {
			t.Errorf("isOB2(%q) = %v, want %v", doc, got, want)
		}
	})
}
