package verify

import (
	"context"
	"testing"

	"github.com/rosettebadges/rosette/openbadges/internal/fakeweb"
	"github.com/rosettebadges/rosette/openbadges/key"
	"github.com/rosettebadges/rosette/openbadges/proof"
)

func (is *testIssuer) privateKey(t *testing.T) *key.PrivateKey {
	t.Helper()
	k, err := key.NewPrivateKey(is.priv, "")
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestVCJWT(t *testing.T) {
	is, other := newTestIssuer(t, 1), newTestIssuer(t, 2)
	ctx := context.Background()
	sign := func(t *testing.T, cred map[string]any, k *key.PrivateKey, opts proof.JWTOptions) []byte {
		t.Helper()
		tok, err := proof.SignJWT(mustJSON(t, cred), k, opts)
		if err != nil {
			t.Fatal(err)
		}
		return []byte(tok)
	}
	tests := []struct {
		name  string
		input func(t *testing.T) []byte
		want  Verdict
	}{
		{"valid", func(t *testing.T) []byte {
			return sign(t, is.badge(), is.privateKey(t), proof.JWTOptions{KeyID: is.vm})
		}, Valid},
		{"VCDM 1.1 (vc claim)", func(t *testing.T) []byte {
			b := is.badge()
			b["@context"] = []any{ctxVC1, ctxOB303, ctxOBExt}
			b["issuanceDate"] = b["validFrom"]
			delete(b, "validFrom")
			return sign(t, b, is.privateKey(t), proof.JWTOptions{KeyID: is.vm})
		}, Valid},
		{"expired", func(t *testing.T) []byte {
			b := is.badge()
			b["validUntil"] = "2025-01-01T00:00:00Z"
			return sign(t, b, is.privateKey(t), proof.JWTOptions{KeyID: is.vm})
		}, Expired},
		{"signed by a key of someone else", func(t *testing.T) []byte {
			return sign(t, is.badge(), other.privateKey(t), proof.JWTOptions{KeyID: other.vm})
		}, Invalid},
		{"embedded jwk: the did:key issuer's own key", func(t *testing.T) []byte {
			return sign(t, is.badge(), is.privateKey(t), proof.JWTOptions{EmbedJWK: true})
		}, Valid},
		{"embedded jwk: not the did:key issuer's key", func(t *testing.T) []byte {
			return sign(t, is.badge(), other.privateKey(t), proof.JWTOptions{EmbedJWK: true})
		}, Invalid},
		{"embedded jwk: in the https issuer's JWK Set", func(t *testing.T) []byte {
			return sign(t, httpsIssuer(is.badge()), is.privateKey(t), proof.JWTOptions{EmbedJWK: true})
		}, Valid},
		{"embedded jwk: not in the https issuer's JWK Set", func(t *testing.T) []byte {
			return sign(t, httpsIssuer(is.badge()), other.privateKey(t), proof.JWTOptions{EmbedJWK: true})
		}, Invalid},
		{"embedded jwk: the https issuer publishes no JWK Set", func(t *testing.T) []byte {
			b := httpsIssuer(is.badge())
			b["issuer"].(map[string]any)["id"] = "https://nokeys.example/issuer"
			return sign(t, b, is.privateKey(t), proof.JWTOptions{EmbedJWK: true})
		}, Unverifiable},
		{"tampered payload", func(t *testing.T) []byte {
			tok := sign(t, is.badge(), is.privateKey(t), proof.JWTOptions{KeyID: is.vm})
			other := sign(t, other.badge(), other.privateKey(t), proof.JWTOptions{KeyID: other.vm})
			// the header and signature of one token around the payload of another
			a, b := splitJWS(tok), splitJWS(other)
			return []byte(a[0] + "." + b[1] + "." + a[2])
		}, Invalid},
	}
	w := fakeweb.New(t)
	jwk, err := key.PublicJWK(is.priv.Public(), "")
	if err != nil {
		t.Fatal(err)
	}
	w.Put("https://college.example/.well-known/jwks.json", mustJSON(t, map[string]any{"keys": []any{jwk}}))
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep := New(Options{Fetcher: w.Fetcher(), Now: fixedNow}).Verify(ctx, tc.input(t))
			if rep.Verdict != tc.want {
				t.Fatalf("verdict %s, want %s\n%s", rep.Verdict, tc.want, dump(t, rep))
			}
			if rep.Format != "jwt" || rep.Kind != "AchievementCredential" || rep.Display.Name != "Robotics" {
				t.Errorf("format %s kind %s name %q", rep.Format, rep.Kind, rep.Display.Name)
			}
		})
	}
}

// httpsIssuer makes the issuer of a test badge an https URL.
func httpsIssuer(b map[string]any) map[string]any {
	b["issuer"].(map[string]any)["id"] = "https://college.example/issuer"
	return b
}

func splitJWS(b []byte) [3]string {
	var out [3]string
	s := string(b)
	for i := 0; i < 2; i++ {
		j := indexByte(s, '.')
		out[i], s = s[:j], s[j+1:]
	}
	out[2] = s
	return out
}

func indexByte(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}

// TestOB2Signed signs an OB 2.0 assertion with RS256 in the test and serves its
// CryptographicKey, issuer and revocation list.
func TestOB2Signed(t *testing.T) {
	ctx := context.Background()
	k, err := key.Generate(key.RS256)
	if err != nil {
		t.Fatal(err)
	}
	pemKey, err := key.PublicKeyPEM(k.Public())
	if err != nil {
		t.Fatal(err)
	}
	intruder, err := key.Generate(key.RS256)
	if err != nil {
		t.Fatal(err)
	}
	const (
		keyURL   = "https://example.org/key.json"
		revURL   = "https://example.org/revocations.json"
		issuer   = "https://example.org/organization.json"
		assertID = "urn:uuid:2b1b38a0-45a6-4f1b-9d0f-2c5e6e1a8f00"
	)
	setup := func(t *testing.T, revoked string, keyOwner string) *fakeweb.Web {
		w, _ := ob2Web(t)
		is := component(t, "2_0_basic_issuer.json")
		is["publicKey"] = keyURL
		is["revocationList"] = revURL
		w.Put(issuer, mustJSON(t, is))
		w.Put(keyURL, mustJSON(t, map[string]any{"@context": "https://w3id.org/openbadges/v2", "type": "CryptographicKey",
			"id": keyURL, "owner": keyOwner, "publicKeyPem": pemKey}))
		w.Put(revURL, []byte(`{"@context":"https://w3id.org/openbadges/v2","type":"RevocationList","id":"`+revURL+`","revokedAssertions":[`+revoked+`]}`))
		return w
	}
	assertion := func(t *testing.T) map[string]any {
		a := component(t, "2_0_basic_assertion.json")
		a["id"] = assertID
		a["verification"] = map[string]any{"type": "SignedBadge", "creator": keyURL}
		return a
	}
	signed := func(t *testing.T, a map[string]any, k *key.PrivateKey) []byte {
		tok, err := proof.SignOB2(mustJSON(t, a), k)
		if err != nil {
			t.Fatal(err)
		}
		return []byte(tok)
	}
	tests := []struct {
		name      string
		revoked   string
		owner     string
		input     func(t *testing.T) []byte
		recipient string
		want      Verdict
		check     string
	}{
		{name: "valid", owner: issuer, want: Valid, check: "Key owner", recipient: "nobody@example.org",
			input: func(t *testing.T) []byte { return signed(t, assertion(t), k) }},
		{name: "no creator: issuer publicKey", owner: issuer, want: Valid, check: "Key owner",
			input: func(t *testing.T) []byte {
				a := assertion(t)
				a["verification"] = map[string]any{"type": "signed"}
				return signed(t, a, k)
			}},
		{name: "revoked by id", owner: issuer, revoked: `"` + assertID + `"`, want: Revoked, check: "Revocation",
			input: func(t *testing.T) []byte { return signed(t, assertion(t), k) }},
		{name: "revoked by object", owner: issuer, revoked: `{"id":"` + assertID + `","revocationReason":"cheating"}`, want: Revoked, check: "Revocation",
			input: func(t *testing.T) []byte { return signed(t, assertion(t), k) }},
		{name: "wrong key", owner: issuer, want: Invalid, check: "Signature",
			input: func(t *testing.T) []byte { return signed(t, assertion(t), intruder) }},
		{name: "key owned by someone else", owner: "https://evil.example.net/issuer", want: Invalid, check: "Key owner",
			input: func(t *testing.T) []byte { return signed(t, assertion(t), k) }},
		{name: "plain JSON of a signed badge", owner: issuer, want: Unverifiable, check: "Signature",
			input: func(t *testing.T) []byte { return mustJSON(t, assertion(t)) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := setup(t, tc.revoked, tc.owner)
			rep := New(Options{Fetcher: w.Fetcher(), Now: fixedNow, Recipient: tc.recipient}).Verify(ctx, tc.input(t))
			if rep.Verdict != tc.want {
				t.Fatalf("verdict %s, want %s\n%s", rep.Verdict, tc.want, dump(t, rep))
			}
			wantStatus := Pass
			if tc.want != Valid {
				wantStatus = Fail
			}
			if got := checkStatus(rep, tc.check); got != wantStatus {
				t.Errorf("check %s %s, want %s\n%s", tc.check, got, wantStatus, dump(t, rep))
			}
			if rep.Kind != "Assertion" || rep.Version != "2.0" || rep.Display.Name != "Awesome Robotics Badge" {
				t.Errorf("kind %s version %s display %+v", rep.Kind, rep.Version, rep.Display)
			}
		})
	}
}
