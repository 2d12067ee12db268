package ob2

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rosettebadges/rosette/openbadges/internal/fixture"
)

func component(t *testing.T, name string) []byte {
	t.Helper()
	return fixture.Read(t, "openbadges-validator-core", "test_components", name)
}

func TestParseAssertionVersions(t *testing.T) {
	for _, tc := range []struct {
		file, version, id, issuedOn, recipient, salt, matches string
		hashed                                                bool
		badgeRef                                              bool
	}{
		{"0_5_assertion.json", "0.5", "", "", "test@example.com", "", "test@example.com", false, false},
		{"0_5_1_assertion.json", "0.5", "", "2011-06-01T00:00:00Z", "sha256$85c4196c5516561cef673642157499b70066cb1070852b2a37fdbf3cc599b087", "sel gris", "test@example.com", true, false},
		{"1_0_basic_assertion.json", "1.0", "http://a.com/instance", "2015-04-30T00:00:00Z", "test@example.com", "", "test@example.com", false, true},
		{"1_1_basic_assertion.json", "1.1", "https://example.org/beths-robotics-badge.json", "2016-12-31T23:59:59Z", "sha256$ecf5409f3f4b91ab60cc5ef4c02aef7032354375e70cf4d8e43f6a1d29891942", "deadsea", "nobody@example.org", true, true},
		{"2_0_basic_assertion.json", "2.0", "https://example.org/beths-robotics-badge.json", "2016-12-31T23:59:59Z", "sha256$ecf5409f3f4b91ab60cc5ef4c02aef7032354375e70cf4d8e43f6a1d29891942", "deadsea", "nobody@example.org", true, true},
	} {
		t.Run(tc.file, func(t *testing.T) {
			in := component(t, tc.file)
			a, err := ParseAssertion(in)
			if err != nil {
				t.Fatal(err)
			}
			if a.Version != tc.version {
				t.Errorf("version %s, want %s", a.Version, tc.version)
			}
			if string(a.Raw) != strings.TrimSpace(string(in)) {
				t.Error("Raw changed")
			}
			if a.ID != tc.id || a.IssuedOn != tc.issuedOn {
				t.Errorf("id %q issuedOn %q", a.ID, a.IssuedOn)
			}
			if a.Recipient == nil || a.Recipient.Identity != tc.recipient || a.Recipient.Hashed != tc.hashed || a.Recipient.Salt != tc.salt {
				t.Errorf("recipient %+v", a.Recipient)
			} else if !a.Recipient.Matches(tc.matches) || a.Recipient.Matches("other@example.com") {
				t.Errorf("recipient does not match %s", tc.matches)
			}
			if a.Badge == nil || a.Badge.Ref != tc.badgeRef {
				t.Errorf("badge %+v", a.Badge)
			}
			if a.Verification == nil || a.Verification.Normalized() != "HostedBadge" {
				t.Errorf("verification %+v", a.Verification)
			}
			out, err := json.Marshal(a)
			if err != nil {
				t.Fatal(err)
			}
			var m map[string]any
			json.Unmarshal(out, &m)
			if m["@context"] != Context || m["type"] != "Assertion" {
				t.Errorf("upgraded form: %s", out)
			}
			if _, ok := m["verify"]; ok {
				t.Errorf("verify alias kept: %s", out)
			}
		})
	}
	a, _ := ParseAssertion(component(t, "0_5_assertion.json"))
	if a.Badge.Name != "Basic McBadge" || a.Badge.Issuer == nil || a.Badge.Issuer.URL != "http://oldstyle.com" || a.Badge.Issuer.Name != "Basic Issuer" {
		t.Errorf("0.5 badge %+v issuer %+v", a.Badge, a.Badge.Issuer)
	}
	if a.Badge.Criteria == nil || a.Badge.Criteria.ID != "http://oldsyle.com/criteria/1" || a.Badge.Image.ID != "http://oldstyle.com/images/1" {
		t.Errorf("0.5 badge links %+v", a.Badge)
	}
}

func TestValidate(t *testing.T) {
	a, err := ParseAssertion(component(t, "2_0_basic_assertion.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Validate(); err != nil {
		t.Error(err)
	}
	bc, err := ParseBadgeClass(component(t, "2_0_basic_badgeclass.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := bc.Validate(); err != nil {
		t.Error(err)
	}
	iss, err := ParseProfile(component(t, "2_0_basic_issuer.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := iss.Validate(); err != nil {
		t.Error(err)
	}
	bad, err := ParseAssertion([]byte(`{"@context":"https://w3id.org/openbadges/v2","type":"Assertion","id":"https://x/1",
	  "recipient":{"type":"phone","identity":"sha256$abc","hashed":true},"badge":"https://x/b","verify":{"type":"signed"},
	  "issuedOn":"2016-12-31T23:59:59","expires":"2016-01-01T00:00:00Z","image":"data:image/png;base64,AAAA"}`))
	if err != nil {
		t.Fatal(err)
	}
	var ve *ValidationError
	if err := bad.Validate(); !errors.As(err, &ve) {
		t.Fatalf("err %v", err)
	}
	var paths []string
	for _, p := range ve.Problems {
		paths = append(paths, p.Path)
	}
	if diff := cmp.Diff([]string{"recipient.type", "recipient.identity", "issuedOn", "image"}, paths); diff != "" {
		t.Errorf("paths (-want +got):\n%s\n%v", diff, ve)
	}
	if bad.Verification.Normalized() != "SignedBadge" {
		t.Errorf("verify alias: %+v", bad.Verification)
	}
}

func TestDateTimes(t *testing.T) {
	for s, ok := range map[string]bool{
		"2016-12-31T23:59:59Z": true, "2016-12-31T23:59:59+00:00": true, "2016-12-31T23:59:59+0100": true,
		"2016-12-31T23:59:59-05": true, "2016-12-31T23:59:59.123Z": true,
		"2016-12-31T23:59:59": false, "2016-12-31": false, "yesterday": false,
	} {
		if _, err := ParseDateTime(s); (err == nil) != ok {
			t.Errorf("ParseDateTime(%q) err=%v", s, err)
		}
	}
}

func TestNewAssertion(t *testing.T) {
	r, err := NewHashedIdentity("email", "a@example.com", "Kosher")
	if err != nil {
		t.Fatal(err)
	}
	if r.Identity != "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399" {
		t.Errorf("identity %s", r.Identity)
	}
	a, err := NewAssertion(AssertionParams{
		ID: "https://example.org/assertions/1", Recipient: r, BadgeClass: "https://example.org/badges/1",
		Verification: VerificationObject{Type: "HostedBadge"}, IssuedOn: time.Date(2024, 2, 3, 4, 5, 6, 0, time.UTC),
		Image: "https://example.org/assertions/1/image.png",
	})
	if err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(a)
	want := `{"@context":"https://w3id.org/openbadges/v2","type":"Assertion","id":"https://example.org/assertions/1","recipient":{"type":"email","identity":"sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399","hashed":true,"salt":"Kosher"},"badge":"https://example.org/badges/1","verification":{"type":"HostedBadge"},"issuedOn":"2024-02-03T04:05:06Z","image":"https://example.org/assertions/1/image.png"}`
	if diff := cmp.Diff(want, string(out)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if _, err := NewAssertion(AssertionParams{}); err == nil {
		t.Error("empty assertion accepted")
	}
}

func TestRevocationListAndKey(t *testing.T) {
	l, err := ParseRevocationList([]byte(`{"@context":"https://w3id.org/openbadges/v2","type":"RevocationList","id":"https://x/rl","issuer":"https://x/i",
	  "revokedAssertions":["https://x/a1",{"id":"https://x/a2","revocationReason":"cheated"},{"uid":"abc"},{"id":"https://x/a3","revoked":false}]}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		id, uid, reason string
		revoked         bool
	}{{"https://x/a1", "", "", true}, {"https://x/a2", "", "cheated", true}, {"", "abc", "", true}, {"https://x/a3", "", "", false}, {"https://x/a4", "", "", false}} {
		if r, reason := l.Revoked(tc.id, tc.uid); r != tc.revoked || reason != tc.reason {
			t.Errorf("Revoked(%q,%q) = %v %q", tc.id, tc.uid, r, reason)
		}
	}
	out, _ := json.Marshal(l)
	if !strings.Contains(string(out), `"revokedAssertions":["https://x/a1",{"id":"https://x/a2","revocationReason":"cheated"}`) {
		t.Errorf("round trip: %s", out)
	}
	k, err := ParseCryptographicKey([]byte(`{"@context":"https://w3id.org/openbadges/v2","type":"CryptographicKey","id":"https://x/k","owner":"https://x/i","publicKeyPem":"-----BEGIN PUBLIC KEY-----"}`))
	if err != nil || k.Owner != "https://x/i" || !k.Type.Has("CryptographicKey") {
		t.Errorf("%v %+v", err, k)
	}
	e, err := ParseEndorsement([]byte(`{"@context":"https://w3id.org/openbadges/v2","type":"Endorsement","id":"https://x/e","claim":{"id":"https://x/b","endorsementComment":"good"},"issuer":"https://y","issuedOn":"2020-01-01T00:00:00Z","verification":{"type":"hosted"}}`))
	if err != nil || e.Claim.EndorsementComment != "good" || e.Issuer.ID != "https://y" || len(e.Raw) == 0 {
		t.Errorf("%v %+v", err, e)
	}
}

func TestExtrasKept(t *testing.T) {
	in := `{"@context":"https://w3id.org/openbadges/v2","type":"BadgeClass","id":"https://x/b","name":"n","description":"d","image":{"id":"https://x/i.png","caption":"c"},"criteria":{"narrative":"do"},"issuer":"https://x/i","tags":"one","extensions:exampleExtension":{"type":["Extension","extensions:ExampleExtension"],"exampleProperty":"v"}}`
	b, err := ParseBadgeClass([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(b)
	var got, want map[string]any
	json.Unmarshal(out, &got)
	json.Unmarshal([]byte(in), &want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-in +out):\n%s", diff)
	}
}

func TestParseRejects(t *testing.T) {
	for _, in := range []string{``, `[]`, `{`, `{"recipient":3}`, `{"recipient":"x","badge":"y"}`, `{"@context":"https://w3id.org/openbadges/v2","badge":3}`} {
		if _, err := ParseAssertion([]byte(in)); err == nil {
			t.Errorf("ParseAssertion(%q) succeeded", in)
		}
	}
}

// FuzzParseCredential: no OB 2.0 parser panics on any input, and what parses marshals to
// valid JSON.
func FuzzParseCredential(f *testing.F) {
	f.Add([]byte(`{"recipient":"a@b","salt":"s","issued_on":"2011-06-01","badge":{"version":"0.5.0","issuer":{"origin":"http://x"}}}`))
	f.Add([]byte(`{"uid":"1","recipient":{"identity":"x","type":"email"},"badge":"http://a","issuedOn":1430352000,"verify":{"type":"hosted","url":"http://a/i"}}`))
	f.Add([]byte(`{"@context":"https://w3id.org/openbadges/v1","type":"Assertion","evidence":["a",{"id":"b"}]}`))
	f.Add([]byte(`{"@context":"https://w3id.org/openbadges/v2","revokedAssertions":["a",{"uid":"b"}],"claim":{}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		if a, err := ParseAssertion(b); err == nil {
			_ = a.Validate()
			if out, err := json.Marshal(a); err == nil && !json.Valid(out) {
				t.Fatalf("invalid JSON: %s", out)
			}
		}
		if c, err := ParseBadgeClass(b); err == nil {
			_ = c.Validate()
		}
		if p, err := ParseProfile(b); err == nil {
			_ = p.Validate()
		}
		if l, err := ParseRevocationList(b); err == nil {
			l.Revoked("a", "b")
		}
		_, _ = ParseEndorsement(b)
		_, _ = ParseCryptographicKey(b)
	})
}
