package obapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/rosettebadges/rosette/internal/obapi"
	"github.com/rosettebadges/rosette/internal/service"
	"github.com/rosettebadges/rosette/internal/store"
	"github.com/rosettebadges/rosette/internal/store/storetest"
	"golang.org/x/oauth2"
)

// authURL is an authorization request of a with the given extra parameters.
func authURL(base string, a *app, params url.Values) string {
	q := url.Values{"client_id": {a.clientID}, "redirect_uri": {a.redirect}, "response_type": {"code"}, "state": {"s1"},
		"scope": {service.ScopeOB3CredentialRead}}
	for k, v := range params {
		if v[0] == "" {
			q.Del(k)
			continue
		}
		q[k] = v
	}
	return base + obapi.AuthorizePath + "?" + q.Encode()
}

// tokenRequest posts a token request with Basic credentials id:secret and returns the
// status and the OAuth error code.
func tokenRequest(t *testing.T, base, id, secret string, form url.Values) (int, string) {
	t.Helper()
	req := newRequest(t, "POST", base+obapi.TokenPath, "application/x-www-form-urlencoded", form.Encode(), "")
	req.SetBasicAuth(url.QueryEscape(id), url.QueryEscape(secret))
	resp, body := do(t, req)
	if resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("token response Cache-Control = %q", resp.Header.Get("Cache-Control"))
	}
	var e struct {
		Error string `json:"error"`
	}
	json.Unmarshal(body, &e)
	return resp.StatusCode, e.Error
}

func TestOAuthRefusals(t *testing.T) {
	ob3 := loadOpenAPI(t, ob3Doc)
	storetest.Each(t, func(t *testing.T, newStore func(testing.TB) *store.Store) {
		h := newHost(t, newStore)
		base := h.ts.URL
		a := h.register(t, base+obapi.RegisterPath, "http://127.0.0.1:9/callback", service.ScopeOB3CredentialRead, service.ScopeOB3ProfileRead)
		b := newBrowser(t)
		b.signIn(base)
		verifier := oauth2.GenerateVerifier()
		challenge := oauth2.S256ChallengeFromVerifier(verifier)

		// Authorization requests refused with a redirect to the application (RFC 6749 4.1.2.1).
		for name, tt := range map[string]struct {
			params url.Values
			code   string
		}{
			"no PKCE":        {url.Values{}, "invalid_request"},
			"plain PKCE":     {url.Values{"code_challenge": {verifier}, "code_challenge_method": {"plain"}}, "invalid_request"},
			"short PKCE":     {url.Values{"code_challenge": {"abc"}, "code_challenge_method": {"S256"}}, "invalid_request"},
			"token response": {url.Values{"code_challenge": {challenge}, "code_challenge_method": {"S256"}, "response_type": {"token"}}, "unsupported_response_type"},
			"unknown scope":  {url.Values{"code_challenge": {challenge}, "code_challenge_method": {"S256"}, "scope": {service.ScopeOB3CredentialUpsert}}, "invalid_scope"},
		} {
			resp, _ := b.get(authURL(base, a, tt.params))
			loc, _ := url.Parse(resp.Header.Get("Location"))
			if resp.StatusCode != http.StatusSeeOther || loc == nil || loc.Path != "/callback" || loc.Query().Get("error") != tt.code || loc.Query().Get("state") != "s1" {
				t.Errorf("%s: %d Location %q, want error=%s", name, resp.StatusCode, resp.Header.Get("Location"), tt.code)
			}
		}
		// A wrong redirect URI or client is never redirected to: an error page.
		for name, params := range map[string]url.Values{
			"other redirect": {"redirect_uri": {"http://127.0.0.1:9/elsewhere"}, "code_challenge": {challenge}, "code_challenge_method": {"S256"}},
			"unknown client": {"client_id": {"rc_nobody"}, "code_challenge": {challenge}, "code_challenge_method": {"S256"}},
		} {
			resp, page := b.get(authURL(base, a, params))
			if resp.StatusCode < 400 || resp.Header.Get("Location") != "" || !strings.Contains(page, "not valid") {
				t.Errorf("%s: %d %q", name, resp.StatusCode, resp.Header.Get("Location"))
			}
		}
		// Deny: access_denied with the state.
		cb := b.consent(authURL(base, a, url.Values{"code_challenge": {challenge}, "code_challenge_method": {"S256"}}), "deny")
		if cb.Query().Get("error") != "access_denied" || cb.Query().Get("state") != "s1" || cb.Query().Get("code") != "" {
			t.Errorf("deny: %s", cb)
		}

		code := func() string {
			cb := b.consent(authURL(base, a, url.Values{"code_challenge": {challenge}, "code_challenge_method": {"S256"}}), "allow")
			return cb.Query().Get("code")
		}
		form := func(code string, kv ...string) url.Values {
			f := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {a.redirect}, "code_verifier": {verifier}}
			for i := 0; i < len(kv); i += 2 {
				if kv[i+1] == "" {
					f.Del(kv[i])
				} else {
					f.Set(kv[i], kv[i+1])
				}
			}
			return f
		}
		// Token requests refused (RFC 6749 5.2); each leaves the code usable.
		c1 := code()
		for name, tt := range map[string]struct {
			secret string
			form   url.Values
			status int
			code   string
		}{
			"wrong secret":   {"nope", form(c1), 401, "invalid_client"},
			"no verifier":    {a.secret, form(c1, "code_verifier", ""), 400, "invalid_request"},
			"wrong verifier": {a.secret, form(c1, "code_verifier", oauth2.GenerateVerifier()), 400, "invalid_grant"},
			"wrong redirect": {a.secret, form(c1, "redirect_uri", "http://127.0.0.1:9/other"), 400, "invalid_grant"},
			"unknown code":   {a.secret, form("rac_nothing"), 400, "invalid_grant"},
			"grant type":     {a.secret, form(c1, "grant_type", "client_credentials"), 400, "unsupported_grant_type"},
		} {
			if status, got := tokenRequest(t, base, a.clientID, tt.secret, tt.form); status != tt.status || got != tt.code {
				t.Errorf("%s: %d %q, want %d %q", name, status, got, tt.status, tt.code)
			}
		}
		// The code works once; used again it is refused and its tokens are revoked.
		tok, err := a.conf.Exchange(context.Background(), c1, oauth2.VerifierOption(verifier))
		if err != nil {
			t.Fatal(err)
		}
		creds := base + obapi.OB3Base + "/credentials"
		if resp, body := do(t, newRequest(t, "GET", creds, "", "", tok.AccessToken)); resp.StatusCode != 200 {
			t.Fatalf("getCredentials: %d %s", resp.StatusCode, body)
		}
		if status, got := tokenRequest(t, base, a.clientID, a.secret, form(c1)); status != 400 || got != "invalid_grant" {
			t.Errorf("reused code: %d %q", status, got)
		}
		if resp, _ := do(t, newRequest(t, "GET", creds, "", "", tok.AccessToken)); resp.StatusCode != 401 {
			t.Errorf("token of a reused code: %d", resp.StatusCode)
		}
		tok.Expiry = time.Now().Add(-time.Minute)
		_, err = a.conf.TokenSource(context.Background(), tok).Token()
		wantOAuthError(t, err, "invalid_grant")

		// A scope the token lacks: 403 with insufficient_scope.
		tok, err = a.conf.Exchange(context.Background(), code(), oauth2.VerifierOption(verifier))
		if err != nil {
			t.Fatal(err)
		}
		resp, body := do(t, newRequest(t, "POST", creds, "application/json", "{}", tok.AccessToken))
		if resp.StatusCode != 403 || !strings.Contains(resp.Header.Get("WWW-Authenticate"), "insufficient_scope") {
			t.Errorf("missing scope: %d %s", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
		}
		ob3.check(t, "Imsx_StatusInfo", body)
		// No token, a made-up one: 401.
		for _, tk := range []string{"", "rat_madeup"} {
			resp, body := do(t, newRequest(t, "GET", creds, "", "", tk))
			if resp.StatusCode != 401 || resp.Header.Get("WWW-Authenticate") == "" {
				t.Errorf("token %q: %d", tk, resp.StatusCode)
			}
			ob3.check(t, "Imsx_StatusInfo", body)
		}
		// An access token is good for an hour.
		h.clock.Advance(59 * time.Minute)
		if resp, _ := do(t, newRequest(t, "GET", creds, "", "", tok.AccessToken)); resp.StatusCode != 200 {
			t.Errorf("token at 59 minutes: %d", resp.StatusCode)
		}
		h.clock.Advance(2 * time.Minute)
		if resp, _ := do(t, newRequest(t, "GET", creds, "", "", tok.AccessToken)); resp.StatusCode != 401 {
			t.Errorf("expired token: %d", resp.StatusCode)
		}
		// A code is good for 10 minutes.
		c2 := code()
		h.clock.Advance(11 * time.Minute)
		if status, got := tokenRequest(t, base, a.clientID, a.secret, form(c2)); got != "invalid_grant" {
			t.Errorf("expired code: %d %q", status, got)
		}
		// Unknown method on an API path: 405 Imsx_StatusInfo.
		resp, body = do(t, newRequest(t, "DELETE", creds, "", "", tok.AccessToken))
		if resp.StatusCode != 405 {
			t.Errorf("DELETE: %d", resp.StatusCode)
		}
		ob3.check(t, "Imsx_StatusInfo", body)
	})
}

func TestRegistration(t *testing.T) {
	storetest.Each(t, func(t *testing.T, newStore func(testing.TB) *store.Store) {
		h := newHost(t, newStore)
		reg := regJSON(t, registration("https://app.example/callback", service.ScopeOB3CredentialRead))
		for name, tt := range map[string]struct {
			edit func(m map[string]any)
			code string
		}{
			"http redirect":     {func(m map[string]any) { m["redirect_uris"] = []string{"http://app.example/cb"} }, "invalid_redirect_uri"},
			"other host":        {func(m map[string]any) { m["redirect_uris"] = []string{"https://evil.example/cb"} }, "invalid_redirect_uri"},
			"fragment":          {func(m map[string]any) { m["redirect_uris"] = []string{"https://app.example/cb#x"} }, "invalid_redirect_uri"},
			"no redirect":       {func(m map[string]any) { delete(m, "redirect_uris") }, "invalid_redirect_uri"},
			"no client_name":    {func(m map[string]any) { delete(m, "client_name") }, "invalid_client_metadata"},
			"no software_id":    {func(m map[string]any) { delete(m, "software_id") }, "invalid_client_metadata"},
			"unknown scope":     {func(m map[string]any) { m["scope"] = "https://example.org/everything" }, "invalid_client_metadata"},
			"auth method":       {func(m map[string]any) { m["token_endpoint_auth_method"] = "none" }, "invalid_client_metadata"},
			"implicit grant":    {func(m map[string]any) { m["grant_types"] = []string{"implicit"} }, "invalid_client_metadata"},
			"logo elsewhere":    {func(m map[string]any) { m["logo_uri"] = "https://cdn.example/logo.png" }, "invalid_client_metadata"},
			"client_uri is ftp": {func(m map[string]any) { m["client_uri"] = "ftp://app.example" }, "invalid_client_metadata"},
		} {
			m := map[string]any{}
			json.Unmarshal(reg, &m)
			tt.edit(m)
			b, _ := json.Marshal(m)
			resp, body := do(t, newRequest(t, "POST", h.ts.URL+obapi.RegisterPath, "application/json", string(b), ""))
			var e struct{ Error string }
			json.Unmarshal(body, &e)
			if resp.StatusCode != 400 || e.Error != tt.code {
				t.Errorf("%s: %d %s, want %s", name, resp.StatusCode, body, tt.code)
			}
		}
		for _, bad := range []string{"", "[]", `{"client_name":1}`, "{} {}"} {
			resp, _ := do(t, newRequest(t, "POST", h.ts.URL+obapi.RegisterPath, "application/json", bad, ""))
			if resp.StatusCode != 400 {
				t.Errorf("body %q: %d", bad, resp.StatusCode)
			}
		}
		// Registration is bounded per address (5 an hour in this host).
		for i := range 6 {
			resp, body := do(t, newRequest(t, "POST", h.ts.URL+obapi.RegisterPath, "application/json", string(reg), ""))
			want := 201
			if i == 5 {
				want = 429
			}
			if resp.StatusCode != want {
				t.Errorf("registration %d: %d %s", i, resp.StatusCode, body)
			}
		}
		h.clock.Advance(61 * time.Minute)
		if resp, body := do(t, newRequest(t, "POST", h.ts.URL+obapi.RegisterPath, "application/json", string(reg), "")); resp.StatusCode != 201 {
			t.Errorf("registration an hour later: %d %s", resp.StatusCode, body)
		}
	})
}

func regJSON(t *testing.T, m map[string]any) []byte {
	t.Helper()
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
