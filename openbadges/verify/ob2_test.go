package verify

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/rosettebadges/rosette/openbadges/internal/fakeweb"
	"github.com/rosettebadges/rosette/openbadges/internal/fixture"
)

var fixedNow = func() time.Time { return time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC) }

func component(t *testing.T, name string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(fixture.Read(t, "openbadges-validator-core", "test_components", name), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// ob2Web serves the OB 2.0 basic assertion, badge class and issuer of the validator's test
// components at their https://example.org/ addresses.
func ob2Web(t *testing.T) (*fakeweb.Web, map[string]any) {
	w := fakeweb.New(t)
	a := component(t, "2_0_basic_assertion.json")
	w.Put("https://example.org/beths-robotics-badge.json", mustJSON(t, a))
	w.Put("https://example.org/robotics-badge.json", mustJSON(t, component(t, "2_0_basic_badgeclass.json")))
	w.Put("https://example.org/organization.json", mustJSON(t, component(t, "2_0_basic_issuer.json")))
	return w, a
}

func checkStatus(rep *Report, name string) Status {
	var s Status
	for _, c := range rep.Checks {
		if c.Name == name {
			if s == "" || c.Status == Fail {
				s = c.Status
			}
		}
	}
	return s
}

func dump(t *testing.T, rep *Report) string {
	t.Helper()
	b, _ := json.MarshalIndent(rep.Checks, "", " ")
	return string(b)
}

func TestOB2Hosted(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name      string
		setup     func(t *testing.T, w *fakeweb.Web, a map[string]any) []byte // returns the input
		recipient string
		want      Verdict
		failed    string // a check that must fail
	}{
		{name: "valid from JSON", setup: func(t *testing.T, w *fakeweb.Web, a map[string]any) []byte { return mustJSON(t, a) }, want: Valid},
		{name: "valid from URL", setup: func(t *testing.T, w *fakeweb.Web, a map[string]any) []byte {
			return []byte("https://example.org/beths-robotics-badge.json")
		}, want: Valid},
		{name: "array context", setup: func(t *testing.T, w *fakeweb.Web, a map[string]any) []byte {
			a["@context"] = []any{"https://w3id.org/openbadges/v2", map[string]any{"extra": "https://example.org/extra#"}}
			w.Put("https://example.org/beths-robotics-badge.json", mustJSON(t, a))
			return mustJSON(t, a)
		}, want: Valid},
		{name: "recipient matches hash", recipient: "nobody@example.org", setup: func(t *testing.T, w *fakeweb.Web, a map[string]any) []byte { return mustJSON(t, a) }, want: Valid},
		{name: "recipient does not match", recipient: "somebody@example.org", failed: "Recipient", setup: func(t *testing.T, w *fakeweb.Web, a map[string]any) []byte { return mustJSON(t, a) }, want: Invalid},
		{name: "410 Gone", failed: "Revocation", setup: func(t *testing.T, w *fakeweb.Web, a map[string]any) []byte {
			w.PutStatus("https://example.org/beths-robotics-badge.json", 410, []byte(`{}`))
			return mustJSON(t, a)
		}, want: Revoked},
		{name: "revoked true", failed: "Revocation", setup: func(t *testing.T, w *fakeweb.Web, a map[string]any) []byte {
			a["revoked"] = true
			a["revocationReason"] = "awarded by mistake"
			w.Put("https://example.org/beths-robotics-badge.json", mustJSON(t, a))
			return mustJSON(t, a)
		}, want: Revoked},
		{name: "local copy is only trusted for its URL", setup: func(t *testing.T, w *fakeweb.Web, a map[string]any) []byte {
			a["expires"] = "2020-01-01T00:00:00Z" // the hosted one does not expire
			return mustJSON(t, a)
		}, want: Valid},
		{name: "out of scope", failed: "Issuer's site", setup: func(t *testing.T, w *fakeweb.Web, a map[string]any) []byte {
			a["id"] = "https://evil.example.net/beths-robotics-badge.json"
			w.Put(a["id"].(string), mustJSON(t, a))
			return mustJSON(t, a)
		}, want: Invalid},
		{name: "allowedOrigins admits another host", setup: func(t *testing.T, w *fakeweb.Web, a map[string]any) []byte {
			a["id"] = "https://badges.example.net/beths-robotics-badge.json"
			w.Put(a["id"].(string), mustJSON(t, a))
			is := component(t, "2_0_basic_issuer.json")
			is["verification"] = map[string]any{"allowedOrigins": "badges.example.net"}
			w.Put("https://example.org/organization.json", mustJSON(t, is))
			return mustJSON(t, a)
		}, want: Valid},
		{name: "startsWith refuses", failed: "Issuer's site", setup: func(t *testing.T, w *fakeweb.Web, a map[string]any) []byte {
			is := component(t, "2_0_basic_issuer.json")
			is["verification"] = map[string]any{"startsWith": []any{"https://example.org/badges/"}}
			w.Put("https://example.org/organization.json", mustJSON(t, is))
			return mustJSON(t, a)
		}, want: Invalid},
		{name: "declared id differs: refetched", setup: func(t *testing.T, w *fakeweb.Web, a map[string]any) []byte {
			w.Put("https://example.org/old-address.json", mustJSON(t, a))
			return []byte("https://example.org/old-address.json")
		}, want: Valid},
		{name: "assertion image data URI", failed: "Badge data", setup: func(t *testing.T, w *fakeweb.Web, a map[string]any) []byte {
			a["image"] = "data:image/png;base64,iVBORw0KGgo="
			w.Put("https://example.org/beths-robotics-badge.json", mustJSON(t, a))
			return mustJSON(t, a)
		}, want: Invalid},
		{name: "criteria without id or narrative", failed: "Badge data", setup: func(t *testing.T, w *fakeweb.Web, a map[string]any) []byte {
			bc := component(t, "2_0_basic_badgeclass.json")
			bc["criteria"] = map[string]any{"type": "Criteria"}
			w.Put("https://example.org/robotics-badge.json", mustJSON(t, bc))
			return mustJSON(t, a)
		}, want: Invalid},
		{name: "badge class image data URI that is not PNG or SVG", failed: "Badge data", setup: func(t *testing.T, w *fakeweb.Web, a map[string]any) []byte {
			bc := component(t, "2_0_basic_badgeclass.json")
			bc["image"] = "data:image/gif;base64,R0lGODlhAQABAAAAACw="
			w.Put("https://example.org/robotics-badge.json", mustJSON(t, bc))
			return mustJSON(t, a)
		}, want: Invalid},
		{name: "badge class image PNG data URI is fine", setup: func(t *testing.T, w *fakeweb.Web, a map[string]any) []byte {
			bc := component(t, "2_0_basic_badgeclass.json")
			bc["image"] = "data:image/png;base64,iVBORw0KGgo="
			w.Put("https://example.org/robotics-badge.json", mustJSON(t, bc))
			return mustJSON(t, a)
		}, want: Valid},
		{name: "endorsed badge class", setup: func(t *testing.T, w *fakeweb.Web, a map[string]any) []byte {
			bc := component(t, "2_0_basic_badgeclass.json")
			bc["endorsement"] = []any{"https://guild.example/endorsements/1.json", map[string]any{"id": "https://guild.example/endorsements/2.json"}}
			w.Put("https://example.org/robotics-badge.json", mustJSON(t, bc))
			w.Put("https://guild.example/profile.json", []byte(`{"@context":"https://w3id.org/openbadges/v2","type":"Profile","id":"https://guild.example/profile.json","name":"Robot Guild","url":"https://guild.example"}`))
			w.Put("https://guild.example/endorsements/1.json", []byte(`{"@context":"https://w3id.org/openbadges/v2","type":"Endorsement","id":"https://guild.example/endorsements/1.json","issuer":"https://guild.example/profile.json","issuedOn":"2020-01-01T00:00:00Z","claim":{"id":"https://example.org/robotics-badge.json","endorsementComment":"Rigorous."},"verification":{"type":"hosted"}}`))
			w.PutStatus("https://guild.example/endorsements/2.json", 410, nil)
			return mustJSON(t, a)
		}, want: Valid, failed: ""},
		{name: "extension follows its schema", setup: func(t *testing.T, w *fakeweb.Web, a map[string]any) []byte {
			applyLink(t, w, true, map[string]any{"url": "https://example.org/apply"})
			return mustJSON(t, a)
		}, want: Valid},
		{name: "extension breaks its schema", failed: "Extensions", setup: func(t *testing.T, w *fakeweb.Web, a map[string]any) []byte {
			applyLink(t, w, true, map[string]any{"link": "https://example.org/apply"})
			return mustJSON(t, a)
		}, want: Invalid},
		{name: "extension context unreachable", setup: func(t *testing.T, w *fakeweb.Web, a map[string]any) []byte {
			applyLink(t, w, false, map[string]any{"link": "https://example.org/apply"})
			return mustJSON(t, a)
		}, want: Valid},
		{name: "expired", failed: "Dates", setup: func(t *testing.T, w *fakeweb.Web, a map[string]any) []byte {
			a["expires"] = "2020-01-01T00:00:00Z"
			w.Put("https://example.org/beths-robotics-badge.json", mustJSON(t, a))
			return mustJSON(t, a)
		}, want: Expired},
		{name: "issued in the future", failed: "Dates", setup: func(t *testing.T, w *fakeweb.Web, a map[string]any) []byte {
			a["issuedOn"] = "2030-01-01T00:00:00+01:00"
			w.Put("https://example.org/beths-robotics-badge.json", mustJSON(t, a))
			return mustJSON(t, a)
		}, want: NotYetValid},
		{name: "date without time zone", failed: "Dates", setup: func(t *testing.T, w *fakeweb.Web, a map[string]any) []byte {
			a["issuedOn"] = "2016-12-31T23:59:59"
			w.Put("https://example.org/beths-robotics-badge.json", mustJSON(t, a))
			return mustJSON(t, a)
		}, want: Invalid},
		{name: "issuer without email", failed: "Badge data", setup: func(t *testing.T, w *fakeweb.Web, a map[string]any) []byte {
			is := component(t, "2_0_basic_issuer.json")
			delete(is, "email")
			w.Put("https://example.org/organization.json", mustJSON(t, is))
			return mustJSON(t, a)
		}, want: Invalid},
		{name: "badge class unreachable", failed: "Badge class", setup: func(t *testing.T, w *fakeweb.Web, a map[string]any) []byte {
			w.PutStatus("https://example.org/robotics-badge.json", 500, nil)
			return mustJSON(t, a)
		}, want: Unverifiable},
		{name: "hashed flag disagrees", failed: "Badge data", setup: func(t *testing.T, w *fakeweb.Web, a map[string]any) []byte {
			a["recipient"].(map[string]any)["hashed"] = false
			w.Put("https://example.org/beths-robotics-badge.json", mustJSON(t, a))
			return mustJSON(t, a)
		}, want: Invalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w, a := ob2Web(t)
			in := tc.setup(t, w, a)
			v := New(Options{Fetcher: w.Fetcher(), Now: fixedNow, Recipient: tc.recipient})
			rep := v.Verify(ctx, in)
			if rep.Verdict != tc.want {
				t.Fatalf("verdict %s, want %s\n%s", rep.Verdict, tc.want, dump(t, rep))
			}
			if tc.failed != "" && checkStatus(rep, tc.failed) != Fail {
				t.Errorf("check %q did not fail\n%s", tc.failed, dump(t, rep))
			}
			switch tc.name {
			case "extension follows its schema":
				if checkStatus(rep, "Extensions") != Pass {
					t.Errorf("extensions not passed\n%s", dump(t, rep))
				}
			case "extension context unreachable":
				if checkStatus(rep, "Extensions") != Warn {
					t.Errorf("extensions not warned\n%s", dump(t, rep))
				}
			}
			if tc.name == "endorsed badge class" {
				if len(rep.Endorsements) != 2 || !rep.Endorsements[0].Valid || rep.Endorsements[1].Verdict != Revoked ||
					checkStatus(rep, "Endorsements") != Warn || len(rep.Display.Endorsers) != 1 || rep.Display.Endorsers[0] != "Robot Guild" {
					t.Errorf("endorsements: %s\n%+v", dump(t, rep), rep.Display.Endorsers)
				}
			}
			if rep.Kind != "Assertion" || rep.Version != "2.0" {
				t.Errorf("kind %s version %s", rep.Kind, rep.Version)
			}
			if rep.Verdict != Revoked && rep.Verdict != Unverifiable && rep.Display.Name != "Awesome Robotics Badge" {
				t.Errorf("display name %q", rep.Display.Name)
			}
		})
	}
}

func TestOB2OldVersions(t *testing.T) {
	ctx := context.Background()
	w := fakeweb.New(t)
	w.Put("http://a.com/instance", fixture.Read(t, "openbadges-validator-core", "test_components", "1_0_basic_assertion.json"))
	w.Put("http://a.com/badgeclass", fixture.Read(t, "openbadges-validator-core", "test_components", "1_0_basic_badgeclass.json"))
	w.Put("http://a.com/issuer", fixture.Read(t, "openbadges-validator-core", "test_components", "1_0_basic_issuer.json"))
	w.Put("https://example.org/beths-robotics-badge.json", fixture.Read(t, "openbadges-validator-core", "test_components", "1_1_basic_assertion.json"))
	w.Put("https://example.org/robotics-badge.json", fixture.Read(t, "openbadges-validator-core", "test_components", "1_1_basic_badgeclass.json"))
	w.Put("https://example.org/organization.json", fixture.Read(t, "openbadges-validator-core", "test_components", "1_1_basic_issuer.json"))
	tests := []struct {
		file, version string
		want          Verdict
		name, issuer  string
		recipient     string
	}{
		{"0_5_assertion.json", "0.5", Unverifiable, "Basic McBadge", "Basic Issuer", "test@example.com"},
		{"0_5_1_assertion.json", "0.5", Unverifiable, "Basic McBadge", "Basic Issuer", hiddenRecipient("email")},
		{"1_0_basic_assertion.json", "1.0", Valid, "Basic Badge", "Basic Issuer", "test@example.com"},
		{"1_1_basic_assertion.json", "1.1", Valid, "", "", hiddenRecipient("email")},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			v := New(Options{Fetcher: w.Fetcher(), Now: fixedNow})
			rep := v.Verify(ctx, fixture.Read(t, "openbadges-validator-core", "test_components", tc.file))
			if rep.Verdict != tc.want || rep.Version != tc.version || rep.Kind != "Assertion" {
				t.Fatalf("verdict %s version %s kind %s, want %s %s\n%s", rep.Verdict, rep.Version, rep.Kind, tc.want, tc.version, dump(t, rep))
			}
			if tc.name != "" && (rep.Display.Name != tc.name || rep.Display.IssuerName != tc.issuer) {
				t.Errorf("display %+v", rep.Display)
			}
			if rep.Display.Recipient != tc.recipient {
				t.Errorf("recipient %q, want %q", rep.Display.Recipient, tc.recipient)
			}
		})
	}
}

func TestGarbage(t *testing.T) {
	v := New(Options{Now: fixedNow})
	for _, in := range []string{"", "   ", "hello world", "{", "[1,2]", `{"a":1}`, "\x89PNG\r\n\x1a\nrubbish", "<svg></svg>", "a.b", "%%%.%%%.%%%"} {
		rep := v.Verify(context.Background(), []byte(in))
		if rep.InputError == "" || rep.Valid || rep.Verdict != Invalid {
			t.Errorf("%q: input error %q verdict %s", in, rep.InputError, rep.Verdict)
		}
		if !strings.HasPrefix(rep.Checks[0].Message, "This is not a badge") {
			t.Errorf("%q: message %q", in, rep.Checks[0].Message)
		}
	}
}

func TestNoNetwork(t *testing.T) {
	// Without a Fetcher nothing is fetched and a hosted badge is unverifiable.
	rep := New(Options{Now: fixedNow}).Verify(context.Background(), fixture.Read(t, "openbadges-validator-core", "test_components", "2_0_basic_assertion.json"))
	if rep.Verdict != Unverifiable {
		t.Fatalf("verdict %s\n%s", rep.Verdict, dump(t, rep))
	}
}

func TestCancelled(t *testing.T) {
	w, a := ob2Web(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rep := New(Options{Fetcher: w.Fetcher(), Now: fixedNow}).Verify(ctx, mustJSON(t, a))
	if rep.Verdict != Unverifiable {
		t.Fatalf("verdict %s\n%s", rep.Verdict, dump(t, rep))
	}
	if n := w.Count("https://example.org/beths-robotics-badge.json"); n != 0 {
		t.Errorf("fetched %d times after cancellation", n)
	}
}

// applyLink puts an ApplyLink extension node (OB 2.0 extensions fixture) in the badge class;
// serve publishes its context and schema at their openbadgespec.org addresses.
func applyLink(t *testing.T, w *fakeweb.Web, serve bool, props map[string]any) {
	t.Helper()
	const base = "https://openbadgespec.org/extensions/applyLinkExtension/"
	if serve {
		w.Put(base+"context.json", fixture.Read(t, "openbadges-specification", "ob_v2p0", "extensions", "applyLinkExtension", "context.json"))
		w.Put(base+"schema.json", fixture.Read(t, "openbadges-specification", "ob_v2p0", "extensions", "applyLinkExtension", "schema.json"))
	}
	ext := map[string]any{"@context": base + "context.json", "type": []any{"Extension", "extensions:ApplyLink"}}
	for k, v := range props {
		ext[k] = v
	}
	bc := component(t, "2_0_basic_badgeclass.json")
	bc["extensions:ApplyLink"] = ext
	w.Put("https://example.org/robotics-badge.json", mustJSON(t, bc))
}
