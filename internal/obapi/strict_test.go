package obapi

import (
	"encoding/json"
	"testing"
)

func TestProofAsArray(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{`{"id":"x","proof":{"type":"P"},"z":1}`, `{"id":"x","proof":[{"type":"P"}],"z":1}`},
		{"{\n  \"proof\" :  {\"a\":{\"proof\":{}}}\n}", "{\n  \"proof\" :  [{\"a\":{\"proof\":{}}}]\n}"},
		{`{"proof":[{"type":"P"}]}`, `{"proof":[{"type":"P"}]}`},
		{`{"a":{"proof":{}}}`, `{"a":{"proof":{}}}`},
		{`[{"proof":{}}]`, `[{"proof":{}}]`},
		{`{"proof":`, `{"proof":`},
		{``, ``},
	} {
		if got := string(proofAsArray([]byte(tt.in))); got != tt.want {
			t.Errorf("proofAsArray(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzProofAsArray: the result is the input, or valid JSON whose only change is the proof
// wrapped in an array.
func FuzzProofAsArray(f *testing.F) {
	f.Add([]byte(`{"id":"x","proof":{"type":"P"},"z":1}`))
	f.Add([]byte(`{"proof":[1]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		out := proofAsArray(b)
		if string(out) == string(b) {
			return
		}
		var in, got map[string]any
		if json.Unmarshal(b, &in) != nil {
			t.Fatalf("changed input that is not a JSON object: %q -> %q", b, out)
		}
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("output is not JSON: %q -> %q", b, out)
		}
		arr, ok := got["proof"].([]any)
		if !ok || len(arr) != 1 {
			t.Fatalf("proof not wrapped: %q", out)
		}
	})
}
