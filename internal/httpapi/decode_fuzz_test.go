package httpapi

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/rosettebadges/rosette/internal/badge"
)

// FuzzDecodeRequest: the request decoders never panic, reject what they cannot read with an
// invalid_request error, and what they accept round-trips.
func FuzzDecodeRequest(f *testing.F) {
	for _, s := range []string{
		`{"name":"A","description":"D","criteria_narrative":"c","image":"data:image/svg+xml,%3Csvg/%3E"}`,
		`{"credits":2.5,"tags":["a"],"expiry":{"kind":"fixed","date":"2027-01-01"}}`,
		`{"credits":"x"}`, `{"awards":[{"recipient":{"identity":"a@b.org"}}]}`, `{"name":null}`, `[]`, `{`, ``, `{"a":1}`,
		`{"recipient":{"identity":"a@b.org"},"issued_at":"2026-01-01T00:00:00Z","notify":false}`, `{"name":"\ud800"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var in badgeInput
		if err := decodeJSON(body, &in); err != nil {
			var re *requestError
			if !errors.As(err, &re) {
				t.Fatalf("decodeJSON error is not a request error: %v", err)
			}
		} else {
			again, err := json.Marshal(in)
			if err != nil {
				t.Fatal(err)
			}
			var back badgeInput
			if err := decodeJSON(again, &back); err != nil {
				t.Fatalf("re-decoding %s: %v", again, err)
			}
			if _, err := in.image(); err != nil && !errors.Is(err, badge.Invalid) {
				t.Fatalf("image error of the wrong kind: %v", err)
			}
		}
		var aw awardInput
		_ = decodeJSON(body, &aw)
		var batch awardBatchInput
		_ = decodeJSON(body, &batch)
		var is issuerInput
		cur := issuerInput{Name: "Acme", Website: "https://acme.example"}
		if err := mergePatch(cur, body, &is); err == nil {
			var p map[string]json.RawMessage
			json.Unmarshal(body, &p)
			if _, given := p["website"]; !given && is.Website != cur.Website {
				t.Fatalf("merge patch changed a member not given: %+v", is)
			}
		}
		_, _ = decodeDataURI("image", string(body))
	})
}
