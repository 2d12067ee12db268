package verify

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/rosettebadges/rosette/openbadges/did"
	"github.com/rosettebadges/rosette/openbadges/internal/fakeweb"
	"github.com/rosettebadges/rosette/openbadges/jsonld"
	"github.com/rosettebadges/rosette/openbadges/proof"
)

// testIssuer signs credentials with a did:key Ed25519 key.
type testIssuer struct {
	did, vm string
	priv    ed25519.PrivateKey
}

func newTestIssuer(t *testing.T, seed byte) *testIssuer {
	t.Helper()
	s := make([]byte, ed25519.SeedSize)
	for i := range s {
		s[i] = seed
	}
	priv := ed25519.NewKeyFromSeed(s)
	d, vm, err := did.KeyDID(priv.Public())
	if err != nil {
		t.Fatal(err)
	}
	return &testIssuer{did: d, vm: vm, priv: priv}
}

var testCanon = jsonld.NewProcessor(jsonld.WithLoader(jsonld.NewLoader()))

func (is *testIssuer) sign(t *testing.T, cred map[string]any) []byte {
	t.Helper()
	b, err := proof.SignDataIntegrity(context.Background(), testCanon, mustJSON(t, cred), is.priv,
		proof.ProofOptions{VerificationMethod: is.vm, Created: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (is *testIssuer) signMap(t *testing.T, cred map[string]any) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(is.sign(t, cred), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func hashIdentity(id, salt string) string {
	s := sha256.Sum256([]byte(id + salt))
	return "sha256$" + hex.EncodeToString(s[:])
}

// badge returns an unsigned OB 3.0 credential issued by is.
func (is *testIssuer) badge() map[string]any {
	return map[string]any{
		"@context": []any{ctxVC2, ctxOB303, ctxOBExt},
		"id":       "urn:uuid:4a1a8bbc-6d2f-4c5e-9d2e-0b7d1c3e9f10",
		"type":     []any{"VerifiableCredential", "OpenBadgeCredential"},
		"name":     "Robotics credential",
		"issuer": map[string]any{"id": is.did, "type": []any{"Profile"}, "name": "Example College",
			"url": "https://college.example"},
		"validFrom": "2024-01-01T00:00:00Z",
		"credentialSubject": map[string]any{
			"type": []any{"AchievementSubject"},
			"identifier": []any{map[string]any{"type": "IdentityObject", "identityType": "emailAddress",
				"hashed": true, "salt": "Kosher", "identityHash": hashIdentity("a@example.com", "Kosher")}},
			"achievement": map[string]any{
				"id": "https://college.example/achievements/robotics", "type": []any{"Achievement"},
				"name": "Robotics", "description": "Builds robots.",
				"criteria": map[string]any{"narrative": "Build a robot."},
				"image":    map[string]any{"id": "https://college.example/robotics.png", "type": "Image"},
				"tag":      []any{"robots", "engineering"},
				"alignment": []any{map[string]any{"type": []any{"Alignment"}, "targetName": "Mechatronics",
					"targetUrl": "https://framework.example/mechatronics"}},
			},
		},
	}
}

func (is *testIssuer) endorsement(subject string) map[string]any {
	return map[string]any{
		"@context":  []any{ctxVC2, ctxOB303},
		"id":        "urn:uuid:7d0c1f84-1c4b-4b55-8d3f-2b1f3f3f8a11",
		"type":      []any{"VerifiableCredential", "EndorsementCredential"},
		"name":      "Endorsement of Robotics",
		"issuer":    map[string]any{"id": is.did, "type": []any{"Profile"}, "name": "Robot Guild"},
		"validFrom": "2024-01-01T00:00:00Z",
		"credentialSubject": map[string]any{"id": subject, "type": []any{"EndorsementSubject"},
			"endorsementComment": "A fine program."},
	}
}

func TestOB3(t *testing.T) {
	ctx := context.Background()
	is := newTestIssuer(t, 1)
	other := newTestIssuer(t, 2)
	tests := []struct {
		name          string
		input         func(t *testing.T, w *fakeweb.Web) []byte
		recipient     string
		recipientType string
		want          Verdict
		check         string // a check whose status is asserted
		status        Status
	}{
		{name: "valid", want: Valid, check: "Signature", status: Pass,
			input: func(t *testing.T, w *fakeweb.Web) []byte { return is.sign(t, is.badge()) }},
		{name: "tampered", want: Invalid, check: "Signature", status: Fail,
			input: func(t *testing.T, w *fakeweb.Web) []byte {
				m := is.signMap(t, is.badge())
				m["name"] = "Something else"
				return mustJSON(t, m)
			}},
		{name: "signed by another key", want: Invalid, check: "Signature", status: Fail,
			input: func(t *testing.T, w *fakeweb.Web) []byte { return other.sign(t, is.badge()) }},
		{name: "no proof", want: Unverifiable, check: "Signature", status: Fail,
			input: func(t *testing.T, w *fakeweb.Web) []byte { return mustJSON(t, is.badge()) }},
		{name: "undefined term added", want: Invalid, check: "JSON-LD", status: Fail,
			input: func(t *testing.T, w *fakeweb.Web) []byte {
				m := is.signMap(t, is.badge())
				m["favouriteColour"] = "blue"
				return mustJSON(t, m)
			}},
		{name: "expired", want: Expired, check: "Dates", status: Fail,
			input: func(t *testing.T, w *fakeweb.Web) []byte {
				b := is.badge()
				b["validUntil"] = "2025-01-01T00:00:00Z"
				return is.sign(t, b)
			}},
		{name: "not yet valid", want: NotYetValid, check: "Dates", status: Fail,
			input: func(t *testing.T, w *fakeweb.Web) []byte {
				b := is.badge()
				b["validFrom"] = "2030-01-01T00:00:00Z"
				return is.sign(t, b)
			}},
		{name: "expires before valid", want: Invalid, check: "Dates", status: Fail,
			input: func(t *testing.T, w *fakeweb.Web) []byte {
				b := is.badge()
				b["validUntil"] = "2023-01-01T00:00:00Z"
				return is.sign(t, b)
			}},
		{name: "recipient matches hashed identifier", recipient: "a@example.com", want: Valid, check: "Recipient", status: Pass,
			input: func(t *testing.T, w *fakeweb.Web) []byte { return is.sign(t, is.badge()) }},
		{name: "recipient type must match", recipient: "a@example.com", recipientType: "studentId", want: Invalid, check: "Recipient", status: Fail,
			input: func(t *testing.T, w *fakeweb.Web) []byte { return is.sign(t, is.badge()) }},
		{name: "recipient type matches", recipient: "a@example.com", recipientType: "emailAddress", want: Valid, check: "Recipient", status: Pass,
			input: func(t *testing.T, w *fakeweb.Web) []byte { return is.sign(t, is.badge()) }},
		{name: "recipient differs", recipient: "b@example.com", want: Invalid, check: "Recipient", status: Fail,
			input: func(t *testing.T, w *fakeweb.Web) []byte { return is.sign(t, is.badge()) }},
		{name: "recipient matches subject id", recipient: "did:example:learner", want: Valid, check: "Recipient", status: Pass,
			input: func(t *testing.T, w *fakeweb.Web) []byte {
				b := is.badge()
				b["credentialSubject"].(map[string]any)["id"] = "did:example:learner"
				return is.sign(t, b)
			}},
		{name: "from its URL", want: Valid, check: "Signature", status: Pass,
			input: func(t *testing.T, w *fakeweb.Web) []byte {
				w.Put("https://college.example/credentials/1", is.sign(t, is.badge()))
				return []byte("https://college.example/credentials/1")
			}},
		{name: "older OB context warns", want: Valid, check: "Contexts", status: Warn,
			input: func(t *testing.T, w *fakeweb.Web) []byte {
				b := is.badge()
				b["@context"] = []any{ctxVC2, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json", ctxOBExt}
				return is.sign(t, b)
			}},
		{name: "context order", want: Invalid, check: "Contexts", status: Fail,
			input: func(t *testing.T, w *fakeweb.Web) []byte {
				b := is.badge()
				b["@context"] = []any{ctxOB303, ctxVC2, ctxOBExt}
				return is.sign(t, b)
			}},
		{name: "bare issuer warns", want: Valid, check: "Issuer", status: Warn,
			input: func(t *testing.T, w *fakeweb.Web) []byte {
				b := is.badge()
				b["issuer"] = is.did
				return is.sign(t, b)
			}},
		{name: "issuer not a profile", want: Invalid, check: "Issuer", status: Fail,
			input: func(t *testing.T, w *fakeweb.Web) []byte {
				b := is.badge()
				b["issuer"].(map[string]any)["type"] = []any{"Achievement"}
				return mustJSON(t, b) // unsigned: the issuer check fails first in the report
			}},
		{name: "revocation list: revoked", want: Revoked, check: "Status", status: Fail,
			input: func(t *testing.T, w *fakeweb.Web) []byte {
				b := is.badge()
				b["credentialStatus"] = map[string]any{"id": "https://college.example/revocations", "type": typeRevList}
				w.Put("https://college.example/revocations", []byte(`{"id":"https://college.example/revocations","revokedCredential":[{"id":"urn:uuid:4a1a8bbc-6d2f-4c5e-9d2e-0b7d1c3e9f10","revocationReason":"mistake"}]}`))
				return is.sign(t, b)
			}},
		{name: "revocation list: revoked false", want: Valid, check: "Status", status: Pass,
			input: func(t *testing.T, w *fakeweb.Web) []byte {
				b := is.badge()
				b["credentialStatus"] = map[string]any{"id": "https://college.example/revocations", "type": typeRevList}
				w.Put("https://college.example/revocations", []byte(`{"revokedCredential":[{"id":"urn:uuid:4a1a8bbc-6d2f-4c5e-9d2e-0b7d1c3e9f10","revoked":false},{"id":"urn:uuid:other"}]}`))
				return is.sign(t, b)
			}},
		{name: "revocation list unreachable", want: Unverifiable, check: "Status", status: Fail,
			input: func(t *testing.T, w *fakeweb.Web) []byte {
				b := is.badge()
				b["credentialStatus"] = map[string]any{"id": "https://college.example/revocations", "type": typeRevList}
				return is.sign(t, b)
			}},
		{name: "revoked and expired: revoked wins", want: Revoked, check: "Dates", status: Fail,
			input: func(t *testing.T, w *fakeweb.Web) []byte {
				b := is.badge()
				b["validUntil"] = "2025-01-01T00:00:00Z"
				b["credentialStatus"] = map[string]any{"id": "https://college.example/revocations", "type": typeRevList}
				w.Put("https://college.example/revocations", []byte(`{"revokedCredential":["x",{"id":"urn:uuid:4a1a8bbc-6d2f-4c5e-9d2e-0b7d1c3e9f10"}]}`))
				return is.sign(t, b)
			}},
		{name: "tampered and revoked: invalid wins", want: Invalid, check: "Status", status: Fail,
			input: func(t *testing.T, w *fakeweb.Web) []byte {
				b := is.badge()
				b["credentialStatus"] = map[string]any{"id": "https://college.example/revocations", "type": typeRevList}
				w.Put("https://college.example/revocations", []byte(`{"revokedCredential":[{"id":"urn:uuid:4a1a8bbc-6d2f-4c5e-9d2e-0b7d1c3e9f10"}]}`))
				m := is.signMap(t, b)
				m["name"] = "changed"
				return mustJSON(t, m)
			}},
		{name: "endorsement verified", want: Valid, check: "Endorsements", status: Pass,
			input: func(t *testing.T, w *fakeweb.Web) []byte {
				b := is.badge()
				a := b["credentialSubject"].(map[string]any)["achievement"].(map[string]any)
				a["endorsement"] = []any{other.signMap(t, other.endorsement("https://college.example/achievements/robotics"))}
				return is.sign(t, b)
			}},
		{name: "bad endorsement only warns", want: Valid, check: "Endorsements", status: Warn,
			input: func(t *testing.T, w *fakeweb.Web) []byte {
				b := is.badge()
				e := other.signMap(t, other.endorsement("https://college.example/achievements/robotics"))
				e["name"] = "forged"
				b["endorsement"] = []any{e}
				return is.sign(t, b)
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := fakeweb.New(t)
			in := tc.input(t, w)
			rep := New(Options{Fetcher: w.Fetcher(), Now: fixedNow, Recipient: tc.recipient, RecipientType: tc.recipientType}).Verify(ctx, in)
			if rep.Verdict != tc.want {
				t.Fatalf("verdict %s, want %s\n%s", rep.Verdict, tc.want, dump(t, rep))
			}
			if got := checkStatus(rep, tc.check); got != tc.status {
				t.Errorf("check %s: %s, want %s\n%s", tc.check, got, tc.status, dump(t, rep))
			}
			if rep.Kind != "AchievementCredential" || rep.Version != "3.0" || (rep.VCDM != "2.0" && tc.name != "context order") {
				t.Errorf("kind %s version %s vcdm %s", rep.Kind, rep.Version, rep.VCDM)
			}
		})
	}
}

func TestOB3Display(t *testing.T) {
	is, other := newTestIssuer(t, 1), newTestIssuer(t, 2)
	b := is.badge()
	b["evidence"] = []any{map[string]any{"id": "https://college.example/robot.mp4", "type": []any{"Evidence"}, "name": "The robot"}}
	b["validUntil"] = "2030-01-01T00:00:00Z"
	b["credentialSubject"].(map[string]any)["achievement"].(map[string]any)["endorsement"] =
		[]any{other.signMap(t, other.endorsement("https://college.example/achievements/robotics"))}
	rep := New(Options{Now: fixedNow}).Verify(context.Background(), is.sign(t, b))
	if !rep.Valid {
		t.Fatalf("verdict %s\n%s", rep.Verdict, dump(t, rep))
	}
	d := rep.Display
	want := Display{Name: "Robotics", Description: "Builds robots.", Image: "https://college.example/robotics.png",
		Criteria: "Build a robot.", IssuerName: "Example College", IssuerURL: "https://college.example", IssuerID: is.did,
		Recipient: hiddenRecipient("emailAddress"), RecipientHashed: true, Issued: "2024-01-01T00:00:00Z", Expires: "2030-01-01T00:00:00Z",
		Tags: []string{"robots", "engineering"}, Skills: []string{"Mechatronics"},
		Alignments: []Alignment{{Name: "Mechatronics", URL: "https://framework.example/mechatronics"}},
		Evidence:   []Evidence{{ID: "https://college.example/robot.mp4", Name: "The robot"}},
		Endorsers:  []string{"Robot Guild"}}
	gb, _ := json.Marshal(d)
	wb, _ := json.Marshal(want)
	if string(gb) != string(wb) {
		t.Errorf("display\n got %s\nwant %s", gb, wb)
	}
	if len(rep.Endorsements) != 1 || rep.Endorsements[0].Kind != "EndorsementCredential" || !rep.Endorsements[0].Valid {
		t.Errorf("endorsements %+v", rep.Endorsements)
	}
	if !strings.Contains(string(rep.Credential), "Robotics credential") {
		t.Errorf("credential not kept")
	}
}
