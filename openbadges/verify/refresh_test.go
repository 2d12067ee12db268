package verify

import (
	"context"
	"testing"

	"github.com/rosettebadges/rosette/openbadges/internal/fakeweb"
	"github.com/rosettebadges/rosette/openbadges/proof"
)

func TestRefresh(t *testing.T) {
	is := newTestIssuer(t, 1)
	const refreshURL = "https://college.example/refresh/4a1a8bbc"
	original := func() map[string]any {
		b := is.badge()
		b["validUntil"] = "2025-01-01T00:00:00Z" // expired: the refresh brings a current one
		b["refreshService"] = map[string]any{"id": refreshURL, "type": typeRefresh}
		return b
	}
	renewed := func() map[string]any {
		b := original()
		b["validUntil"] = "2030-01-01T00:00:00Z"
		b["name"] = "Robotics credential (renewed)"
		return b
	}
	tests := []struct {
		name      string
		serve     func(t *testing.T, w *fakeweb.Web)
		want      Verdict
		refresh   Status
		credTitle string
	}{
		{"refreshed", func(t *testing.T, w *fakeweb.Web) { w.Put(refreshURL, is.sign(t, renewed())) }, Valid, Pass, "Robotics credential (renewed)"},
		{"refresh unreachable keeps the original", func(t *testing.T, w *fakeweb.Web) {}, Expired, Warn, "Robotics credential"},
		{"tampered refresh keeps the original", func(t *testing.T, w *fakeweb.Web) {
			m := is.signMap(t, renewed())
			m["name"] = "forged"
			w.Put(refreshURL, mustJSON(t, m))
		}, Expired, Warn, "Robotics credential"},
		{"refresh not JSON keeps the original", func(t *testing.T, w *fakeweb.Web) { w.Put(refreshURL, []byte("<html>")) }, Expired, Warn, "Robotics credential"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := fakeweb.New(t)
			tc.serve(t, w)
			rep := New(Options{Fetcher: w.Fetcher(), Now: fixedNow}).Verify(context.Background(), is.sign(t, original()))
			if rep.Verdict != tc.want {
				t.Fatalf("verdict %s, want %s\n%s", rep.Verdict, tc.want, dump(t, rep))
			}
			if got := checkStatus(rep, "Refresh"); got != tc.refresh {
				t.Errorf("refresh check %s, want %s\n%s", got, tc.refresh, dump(t, rep))
			}
			if n := w.Count(refreshURL); n != 1 {
				t.Errorf("refresh fetched %d times, want once", n)
			}
			cred, err := decodeObject(rep.Credential)
			if err != nil || str(cred, "name") != tc.credTitle {
				t.Errorf("credential name %q, want %q", str(cred, "name"), tc.credTitle)
			}
		})
	}
}

func TestEndorsementJWT(t *testing.T) {
	is, other := newTestIssuer(t, 1), newTestIssuer(t, 2)
	tok, err := proof.SignJWT(mustJSON(t, other.endorsement("https://college.example/achievements/robotics")), other.privateKey(t), proof.JWTOptions{KeyID: other.vm})
	if err != nil {
		t.Fatal(err)
	}
	b := is.badge()
	b["credentialSubject"].(map[string]any)["achievement"].(map[string]any)["endorsementJwt"] = []any{tok}
	// The OB 3.0.3 context copy embedded by openbadges/jsonld does not define endorsementJwt
	// (only the 1EdTech validator's copy does, OPEN-BADGES.md P1): safe mode refuses it.
	if rep := New(Options{Now: fixedNow}).Verify(context.Background(), mustJSON(t, b)); checkStatus(rep, "JSON-LD") != Fail {
		t.Fatalf("JSON-LD check did not fail\n%s", dump(t, rep))
	}
	// With the term defined inline, the token is an endorsement like any other.
	b["@context"] = append(b["@context"].([]any), map[string]any{"endorsementJwt": map[string]any{
		"@id": "https://purl.imsglobal.org/spec/vc/ob/vocab.html#endorsementJwt", "@type": "@json"}})
	in := is.sign(t, b)
	rep := New(Options{Now: fixedNow}).Verify(context.Background(), in)
	if !rep.Valid || len(rep.Endorsements) != 1 || !rep.Endorsements[0].Valid || rep.Endorsements[0].Format != "jwt" {
		t.Fatalf("verdict %s, endorsements %d\n%s", rep.Verdict, len(rep.Endorsements), dump(t, rep))
	}
}
