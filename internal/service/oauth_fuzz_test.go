package service

import (
	"encoding/base64"
	"errors"
	"github.com/rosettebadges/rosette/internal/badge"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// FuzzParseClientRegistration: any body gives a registration that keeps every rule, or an
// *OAuthError with an RFC 7591 code; never a panic.
func FuzzParseClientRegistration(f *testing.F) {
	f.Add([]byte(`{"client_name":"A","client_uri":"https://a.example","logo_uri":"https://a.example/l.png","tos_uri":"https://a.example/t",` +
		`"policy_uri":"https://a.example/p","software_id":"s","software_version":"1","redirect_uris":["https://a.example/cb"],` +
		`"scope":"https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.readonly offline_access"}`))
	f.Add([]byte(`{"redirect_uris":["http://127.0.0.1:8/cb"],"client_uri":"http://127.0.0.1"}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`[`))
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, loopback := range []bool{false, true} {
			reg, err := ParseClientRegistration(body, loopback)
			if err != nil {
				var oe *OAuthError
				if !errors.As(err, &oe) || (oe.Code != "invalid_client_metadata" && oe.Code != "invalid_redirect_uri") {
					t.Fatalf("error %v is not an RFC 7591 error", err)
				}
				continue
			}
			client, err := url.Parse(reg.ClientURI)
			if err != nil {
				t.Fatalf("client_uri %q accepted", reg.ClientURI)
			}
			if len(reg.RedirectURIs) == 0 {
				t.Fatal("no redirect URI accepted")
			}
			for _, r := range reg.RedirectURIs {
				u, err := url.Parse(r)
				if err != nil || !strings.EqualFold(u.Hostname(), client.Hostname()) || (u.Scheme != "https" && !(loopback && u.Scheme == "http")) {
					t.Fatalf("redirect URI %q accepted for client %q", r, reg.ClientURI)
				}
			}
			for _, s := range strings.Fields(reg.Scope) {
				if !knownScope(s) {
					t.Fatalf("scope %q accepted", s)
				}
			}
			if reg.TokenEndpointAuthMethod != "client_secret_basic" || slices.Contains(reg.GrantTypes, "implicit") {
				t.Fatalf("registration %+v accepted", reg)
			}
		}
	})
}

// FuzzParseTokenRequest: any Authorization header and body give a request with a client id,
// or an *OAuthError; never a panic.
func FuzzParseTokenRequest(f *testing.F) {
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("rc_a:s%3Acret"))
	f.Add(basic, "application/x-www-form-urlencoded", []byte("grant_type=authorization_code&code=x&code_verifier=y&redirect_uri=https%3A%2F%2Fa.example%2Fcb"))
	f.Add(basic, "application/x-www-form-urlencoded; charset=utf-8", []byte("grant_type=refresh_token&refresh_token=r&scope=a+b"))
	f.Add("Basic !!!", "text/plain", []byte("%zz"))
	f.Add("", "application/x-www-form-urlencoded", []byte("client_secret=x&grant_type=a&grant_type=b"))
	f.Fuzz(func(t *testing.T, auth, contentType string, body []byte) {
		req, err := ParseTokenRequest(auth, contentType, body)
		if err != nil {
			var oe *OAuthError
			if !errors.As(err, &oe) || (oe.Code != "invalid_request" && oe.Code != "invalid_client") {
				t.Fatalf("error %v is not an RFC 6749 5.2 error", err)
			}
			return
		}
		if req.ClientID == "" {
			t.Fatal("a request without a client id was accepted")
		}
		if id, _, _, err := ParseClientForm(auth, contentType, body); err != nil || id != req.ClientID {
			t.Fatalf("ParseClientForm disagrees: %q %v", id, err)
		}
	})
}

func TestParseTokenRequestBasicEncoding(t *testing.T) {
	// RFC 6749 2.3.1: the id and secret are form-encoded before Basic.
	auth := "Basic " + base64.StdEncoding.EncodeToString([]byte("rc_a:s%3Acret%2B"))
	req, err := ParseTokenRequest(auth, "application/x-www-form-urlencoded", []byte("grant_type=authorization_code&code=c"))
	if err != nil || req.ClientID != "rc_a" || req.ClientSecret != "s:cret+" || req.Code != "c" {
		t.Fatalf("ParseTokenRequest = %+v, %v", req, err)
	}
}

// FuzzAPICredential: what an application sends to the wallet APIs (a credential, an
// assertion or a compact JWS) passes the API's shape checks or is refused as Invalid; never a panic.
func FuzzAPICredential(f *testing.F) {
	f.Add([]byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"id":"urn:x","type":["VerifiableCredential","OpenBadgeCredential"],"issuer":{"id":"https://i.example"},"validFrom":"2024-01-01T00:00:00Z","credentialSubject":{"type":["AchievementSubject"],"achievement":{"id":"urn:a","type":["Achievement"],"name":"n","criteria":{"narrative":"x"}}}}`))
	f.Add([]byte(`{"@context":"https://w3id.org/openbadges/v2","type":"Assertion","id":"https://a.example/1","issuedOn":"2016-12-31T23:59:59Z"}`))
	f.Add([]byte(`eyJhbGciOiJFZERTQSJ9.e30.c2ln`))
	f.Fuzz(func(t *testing.T, b []byte) {
		check := func(err error) {
			if err != nil && !errors.Is(err, badge.Invalid) {
				t.Fatalf("error %v is not Invalid", err)
			}
		}
		check(checkOB3(b))
		check(checkOB2(b))
		if p, err := jwsPayload(string(b)); err == nil {
			check(checkOB3(p))
		}
	})
}
