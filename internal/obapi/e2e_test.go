package obapi_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/rosettebadges/rosette/internal/testenv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/rosettebadges/rosette/internal/obapi"
	"github.com/rosettebadges/rosette/internal/service"
	"github.com/rosettebadges/rosette/internal/store"
	"github.com/rosettebadges/rosette/internal/store/storetest"
	"golang.org/x/oauth2"
)

// seed puts credentials in the earner's wallet as if imported: two OB 3.0 JSON credentials
// (DCC fixtures) and one VC-JWT made of the OB 3.0 test vector's payload. The JWT's
// signature part is not a real signature: the API lists stored bytes and does not verify
// them (the wallet's checker does), and the schema only checks the compact form.
func (h *host) seed(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	vector := testenv.ReadFixture(t, "openbadges-specification/ob_v3p0/impl/test-vectors/obv3p0/signed-credential.json")
	jwt := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"EdDSA","typ":"vc+jwt"}`)) + "." +
		base64.RawURLEncoding.EncodeToString(vector) + "." + base64.RawURLEncoding.EncodeToString([]byte("not-a-real-signature"))
	items := []*store.WalletItem{
		{ID: "w1", Format: service.FormatOB3JSON, CredentialKey: "k1", IssuedAt: start.AddDate(-1, 0, 0),
			Credential: testenv.ReadFixture(t, "digitalcredentials-vc-test-fixtures/verifiableCredentials/v2/dataIntegrityProof/didKey/legacyRegistry-noStatus-noExpiry-basicOBv3.json")},
		{ID: "w2", Format: service.FormatOB3JSON, CredentialKey: "k2", IssuedAt: start.AddDate(-16, 0, 0),
			Credential: testenv.ReadFixture(t, "digitalcredentials-vc-test-fixtures/verifiableCredentials/v2/dataIntegrityProof/didKey/legacyRegistry-noStatus-noExpiry-achievementTypeExample.json")},
		{ID: "w3", Format: service.FormatOB3JWT, CredentialKey: "k3", IssuedAt: start.AddDate(-16, 0, 0), Credential: []byte(jwt)},
		{ID: "w4", Format: service.FormatOB2JSON, CredentialKey: "k4", IssuedAt: start.AddDate(-9, 0, 0),
			Credential: testenv.ReadFixture(t, "openbadges-validator-core/test_components/2_0_basic_assertion.json")},
	}
	if err := h.st.Update(ctx, func(tx *store.Tx) error {
		for i, w := range items {
			w.UserID, w.Source, w.State, w.VerifyStatus, w.VerifyReport, w.Visibility = h.earner.ID, "import", "accepted", "unchecked", "{}", "private"
			w.CreatedAt, w.UpdatedAt = start.Add(time.Duration(i)*time.Second), start
			if err := tx.InsertWalletItem(ctx, w); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

// authorize runs the whole authorization of a as the earner in browser b and returns the
// token.
func (h *host) authorize(t *testing.T, b *browser, a *app) *oauth2.Token {
	t.Helper()
	verifier, state := oauth2.GenerateVerifier(), "st-"+newVerifier()[:8]
	cb := b.consent(a.conf.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier)), "allow")
	if cb.Query().Get("state") != state || cb.Query().Get("code") == "" {
		t.Fatalf("callback %s", cb)
	}
	tok, err := a.conf.Exchange(context.Background(), cb.Query().Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("token: %v", err)
	}
	return tok
}

func TestOB3EndToEnd(t *testing.T) {
	ob3 := loadOpenAPI(t, ob3Doc)
	storetest.Each(t, func(t *testing.T, newStore func(testing.TB) *store.Store) {
		h := newHost(t, newStore)
		h.seed(t)
		base := h.ts.URL

		// Discovery: unprotected, a Service Description Document naming the endpoints.
		resp, body := do(t, newRequest(t, "GET", base+obapi.OB3Base+"/discovery", "", "", ""))
		if resp.StatusCode != 200 {
			t.Fatalf("discovery: %d %s", resp.StatusCode, body)
		}
		ob3.check(t, "ServiceDescriptionDocument", body)
		var sdd struct {
			Info       map[string]any `json:"info"`
			Components struct {
				SecuritySchemes struct {
					OAuth2ACG struct {
						Type            string `json:"type"`
						RegistrationURL string `json:"x-imssf-registrationUrl"`
						Flows           struct {
							AuthorizationCode struct {
								AuthorizationURL, TokenURL, RefreshURL string
								Scopes                                 map[string]string
							} `json:"authorizationCode"`
						} `json:"flows"`
					}
				} `json:"securitySchemes"`
			} `json:"components"`
		}
		if err := json.Unmarshal(body, &sdd); err != nil {
			t.Fatal(err)
		}
		acg := sdd.Components.SecuritySchemes.OAuth2ACG
		if acg.Type != "oauth2" || acg.RegistrationURL != base+"/oauth/register" || acg.Flows.AuthorizationCode.TokenURL != base+"/oauth/token" ||
			acg.Flows.AuthorizationCode.AuthorizationURL != base+"/oauth/authorize" || len(acg.Flows.AuthorizationCode.Scopes) < 4 ||
			sdd.Info["title"] == nil || sdd.Info["termsOfService"] == nil || sdd.Info["x-imssf-privacyPolicyUrl"] == nil {
			t.Fatalf("discovery document: %s", body)
		}

		// Registration from the discovery document, then the earner signs in and allows.
		a := h.register(t, acg.RegistrationURL, "http://127.0.0.1:9/callback", service.OB3Scopes...)
		b := newBrowser(t)
		tok := h.authorize(t, b, a)
		if tok.TokenType != "Bearer" || tok.RefreshToken == "" || tok.Extra("scope") != strings.Join(service.OB3Scopes, " ") ||
			tok.Extra("expires_in") != float64(3600) {
			t.Fatalf("token: %+v scope=%v expires_in=%v", tok, tok.Extra("scope"), tok.Extra("expires_in"))
		}

		// getCredentials, paged: 3 OB 3.0 credentials (the OB 2.0 one is left out).
		creds := base + obapi.OB3Base + "/credentials"
		resp, body = do(t, newRequest(t, "GET", creds+"?limit=2", "", "", tok.AccessToken))
		if resp.StatusCode != 200 {
			t.Fatalf("getCredentials: %d %s", resp.StatusCode, body)
		}
		ob3.check(t, "GetOpenBadgeCredentialsResponse", body)
		if got := resp.Header.Get("X-Total-Count"); got != "3" {
			t.Errorf("X-Total-Count = %q", got)
		}
		wantLink := fmt.Sprintf(`<%[1]s?limit=2&offset=2>; rel="next", <%[1]s?limit=2&offset=2>; rel="last", <%[1]s?limit=2&offset=0>; rel="first"`, creds)
		if got := resp.Header.Get("Link"); got != wantLink {
			t.Errorf("Link =\n%s\nwant\n%s", got, wantLink)
		}
		var page struct {
			Credential       []json.RawMessage `json:"credential"`
			CompactJwsString []string          `json:"compactJwsString"`
		}
		json.Unmarshal(body, &page)
		if len(page.Credential) != 2 || len(page.CompactJwsString) != 0 {
			t.Errorf("first page: %d credentials, %d JWS", len(page.Credential), len(page.CompactJwsString))
		}
		resp, body = do(t, newRequest(t, "GET", creds+"?limit=2&offset=2", "", "", tok.AccessToken))
		ob3.check(t, "GetOpenBadgeCredentialsResponse", body)
		wantLink = fmt.Sprintf(`<%[1]s?limit=2&offset=2>; rel="last", <%[1]s?limit=2&offset=0>; rel="first", <%[1]s?limit=2&offset=0>; rel="prev"`, creds)
		if got := resp.Header.Get("Link"); got != wantLink {
			t.Errorf("second page Link =\n%s\nwant\n%s", got, wantLink)
		}
		page.Credential, page.CompactJwsString = nil, nil
		json.Unmarshal(body, &page)
		if len(page.Credential) != 0 || len(page.CompactJwsString) != 1 {
			t.Errorf("second page: %d credentials, %d JWS", len(page.Credential), len(page.CompactJwsString))
		}
		// since: only credentials issued after it.
		resp, body = do(t, newRequest(t, "GET", creds+"?since=2020-01-01T00:00:00Z", "", "", tok.AccessToken))
		if resp.Header.Get("X-Total-Count") != "1" {
			t.Errorf("since: X-Total-Count = %q %s", resp.Header.Get("X-Total-Count"), body)
		}
		resp, body = do(t, newRequest(t, "GET", creds+"?limit=0", "", "", tok.AccessToken))
		if resp.StatusCode != 400 {
			t.Errorf("limit=0: %d", resp.StatusCode)
		}
		ob3.check(t, "Imsx_StatusInfo", body)

		// upsertCredential: 201, then 200 for the same credential (equality rule), echoed.
		vector := testenv.ReadFixture(t, "openbadges-specification/ob_v3p0/impl/test-vectors/obv3p0/signed-credential.json")
		for _, want := range []int{201, 200} {
			resp, body = do(t, newRequest(t, "POST", creds, "application/json", string(vector), tok.AccessToken))
			if resp.StatusCode != want {
				t.Fatalf("upsert: %d (want %d) %s", resp.StatusCode, want, body)
			}
			// The echo is the credential sent, with its proof written as a proof set of
			// one (the OpenAPI schema's strict form).
			var sent, echoed map[string]any
			json.Unmarshal(vector, &sent)
			sent["proof"] = []any{sent["proof"]}
			if err := json.Unmarshal(body, &echoed); err != nil || resp.Header.Get("Content-Type") != "application/json" {
				t.Fatalf("upsert echo: %v %s", err, body)
			}
			if diff := cmp.Diff(sent, echoed); diff != "" {
				t.Errorf("upsert does not echo the credential (-sent +echoed):\n%s", diff)
			}
			ob3.check(t, "AchievementCredential", body)
		}
		// A compact JWS (text/plain) is echoed as text.
		other := strings.Replace(string(vector), "http://example.com/credentials/3527", "urn:uuid:5b0f4c2e-1d39-4b0e-9d6e-1c7e3a1b2c3d", 1)
		jws := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"EdDSA"}`)) + "." + base64.RawURLEncoding.EncodeToString([]byte(other)) + ".c2ln"
		resp, body = do(t, newRequest(t, "POST", creds, "text/plain", jws, tok.AccessToken))
		if resp.StatusCode != 201 || string(body) != jws || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
			t.Errorf("upsert JWS: %d %s", resp.StatusCode, body)
		}
		// Bad input: 400 Imsx_StatusInfo, nothing stored.
		for _, bad := range []struct{ ct, body string }{
			{"application/json", `{"type":["VerifiableCredential"]}`}, {"application/json", `[1]`}, {"text/plain", "a.b"}, {"application/xml", "<x/>"},
		} {
			resp, body = do(t, newRequest(t, "POST", creds, bad.ct, bad.body, tok.AccessToken))
			if resp.StatusCode != 400 {
				t.Errorf("upsert %s %q: %d", bad.ct, bad.body, resp.StatusCode)
			}
			ob3.check(t, "Imsx_StatusInfo", body)
		}
		// The wallet added them as source "api", each verified on the way in.
		var items []*store.WalletItem
		h.st.View(context.Background(), func(tx *store.Tx) error {
			var err error
			items, err = tx.WalletItemsByUser(context.Background(), h.earner.ID, "", 100, 0)
			return err
		})
		apiItems := 0
		for _, it := range items {
			if it.Source == "api" {
				apiItems++
				if it.VerifyStatus == "unchecked" || it.VerifyReport == "{}" {
					t.Errorf("api item %s was not verified: %s", it.ID, it.VerifyStatus)
				}
			}
		}
		if apiItems != 2 {
			t.Errorf("%d items from the API, want 2", apiItems)
		}
		resp, body = do(t, newRequest(t, "GET", creds, "", "", tok.AccessToken))
		ob3.check(t, "GetOpenBadgeCredentialsResponse", body)
		if resp.Header.Get("X-Total-Count") != "5" || !strings.Contains(string(body), "Teamwork Badge") {
			t.Errorf("after upsert: X-Total-Count %s", resp.Header.Get("X-Total-Count"))
		}

		// getProfile / putProfile.
		prof := base + obapi.OB3Base + "/profile"
		resp, body = do(t, newRequest(t, "GET", prof, "", "", tok.AccessToken))
		if resp.StatusCode != 200 || !strings.Contains(string(body), `"name":"Ada Earner"`) || !strings.Contains(string(body), `"email":"earner@example.org"`) {
			t.Fatalf("getProfile: %d %s", resp.StatusCode, body)
		}
		ob3.check(t, "Profile", body)
		put := `{"@context":["https://www.w3.org/ns/credentials/v2","https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],"id":"urn:x","type":["Profile"],` +
			`"name":"Ada L.","email":"someone-else@example.org","url":"https://ada.example","description":"Engineer","image":{"id":"https://ada.example/me.png","type":"Image"}}`
		resp, body = do(t, newRequest(t, "PUT", prof, "application/json", put, tok.AccessToken))
		if resp.StatusCode != 200 {
			t.Fatalf("putProfile: %d %s", resp.StatusCode, body)
		}
		ob3.check(t, "Profile", body)
		var p map[string]any
		json.Unmarshal(body, &p)
		if p["name"] != "Ada L." || p["email"] != "earner@example.org" || p["url"] != "https://ada.example" || p["description"] != "Engineer" {
			t.Errorf("putProfile kept %s (an unverified email must be ignored)", body)
		}
		resp, body = do(t, newRequest(t, "PUT", prof, "application/json", `{"id":"urn:x","type":["Profile"],"url":"javascript:alert(1)"}`, tok.AccessToken))
		if resp.StatusCode != 400 {
			t.Errorf("putProfile bad url: %d %s", resp.StatusCode, body)
		}
		ob3.check(t, "Imsx_StatusInfo", body)

		// Refresh: a new pair; the old refresh token no longer works.
		old := *tok
		old.Expiry = time.Now().Add(-time.Minute) // make x/oauth2 refresh now
		fresh, err := a.conf.TokenSource(context.Background(), &old).Token()
		if err != nil {
			t.Fatalf("refresh: %v", err)
		}
		if fresh.AccessToken == tok.AccessToken || fresh.RefreshToken == tok.RefreshToken {
			t.Fatal("refresh did not rotate the tokens")
		}
		resp, _ = do(t, newRequest(t, "GET", prof, "", "", fresh.AccessToken))
		if resp.StatusCode != 200 {
			t.Errorf("refreshed token: %d", resp.StatusCode)
		}
		// Revocation (RFC 7009) of the new access token: 401 after.
		rr := newRequest(t, "POST", base+obapi.RevokePath, "application/x-www-form-urlencoded", "token="+fresh.AccessToken+"&token_type_hint=access_token", "")
		rr.SetBasicAuth(a.clientID, a.secret)
		if resp, body := do(t, rr); resp.StatusCode != 200 {
			t.Fatalf("revoke: %d %s", resp.StatusCode, body)
		}
		resp, body = do(t, newRequest(t, "GET", prof, "", "", fresh.AccessToken))
		if resp.StatusCode != 401 || !strings.Contains(resp.Header.Get("WWW-Authenticate"), "invalid_token") {
			t.Errorf("revoked token: %d %s", resp.StatusCode, body)
		}
		ob3.check(t, "Imsx_StatusInfo", body)
		// The rotated refresh token presented again is refused, and ends the chain.
		_, err = a.conf.TokenSource(context.Background(), &old).Token()
		wantOAuthError(t, err, "invalid_grant")
		stale := *fresh
		stale.Expiry = time.Now().Add(-time.Minute)
		_, err = a.conf.TokenSource(context.Background(), &stale).Token()
		wantOAuthError(t, err, "invalid_grant")

		// The connected apps page lists the app; Revoke ends every token of the grant.
		tok2 := h.authorize(t, b, a)
		resp, appsPage := b.get(base + "/account/apps")
		if resp.StatusCode != 200 || !strings.Contains(appsPage, "Portfolio App") || !strings.Contains(appsPage, "See the badges in your wallet") {
			t.Fatalf("apps page: %d %s", resp.StatusCode, appsPage)
		}
		apps, err := h.oauth.Apps(context.Background(), h.earner)
		if err != nil || len(apps) != 1 {
			t.Fatalf("apps: %v %v", apps, err)
		}
		resp, _ = b.post(fmt.Sprintf("%s/account/apps/%d/revoke", base, apps[0].GrantID), nil)
		if resp.StatusCode != 200 || resp.Request.URL.Path != "/account/apps" {
			t.Errorf("revoke app: %d %s", resp.StatusCode, resp.Request.URL)
		}
		resp, _ = do(t, newRequest(t, "GET", creds, "", "", tok2.AccessToken))
		if resp.StatusCode != 401 {
			t.Errorf("token after the app was revoked: %d", resp.StatusCode)
		}
		tok2.Expiry = time.Now().Add(-time.Minute)
		_, err = a.conf.TokenSource(context.Background(), tok2).Token()
		wantOAuthError(t, err, "invalid_grant")
	})
}

func wantOAuthError(t *testing.T, err error, code string) {
	t.Helper()
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.ErrorCode != code {
		t.Errorf("error = %v, want OAuth error %s", err, code)
	}
}
