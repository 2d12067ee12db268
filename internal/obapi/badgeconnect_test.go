package obapi_test

import (
	"encoding/base64"
	"encoding/json"
	"github.com/rosettebadges/rosette/internal/testenv"
	"strings"
	"testing"

	"github.com/rosettebadges/rosette/internal/obapi"
	"github.com/rosettebadges/rosette/internal/service"
	"github.com/rosettebadges/rosette/internal/store"
	"github.com/rosettebadges/rosette/internal/store/storetest"
)

// TestBadgeConnect: an OB 2.x platform reads the manifest, registers at its
// registrationUrl, is allowed by the earner, then reads and writes assertions and the
// profile. Every response validates against the OB 2.1 OpenAPI.
func TestBadgeConnect(t *testing.T) {
	ob21 := loadOpenAPI(t, ob21Doc)
	storetest.Each(t, func(t *testing.T, newStore func(testing.TB) *store.Store) {
		h := newHost(t, newStore)
		h.seed(t)
		base := h.ts.URL

		resp, body := do(t, newRequest(t, "GET", base+"/.well-known/badgeconnect.json", "", "", ""))
		if resp.StatusCode != 200 {
			t.Fatalf("manifest: %d %s", resp.StatusCode, body)
		}
		ob21.check(t, "ManifestDType", body)
		var m struct {
			API []struct {
				APIBase, RegistrationURL, AuthorizationURL, TokenURL, TokenRevocationURL string
				ScopesOffered                                                            []string
			} `json:"badgeConnectAPI"`
		}
		json.Unmarshal(body, &m)
		if len(m.API) != 1 || m.API[0].APIBase != base+"/ims/ob/v2p1" || len(m.API[0].ScopesOffered) != 4 || m.API[0].TokenRevocationURL == "" {
			t.Fatalf("manifest: %s", body)
		}
		api := m.API[0]
		a := h.register(t, api.RegistrationURL, "http://127.0.0.1:9/callback", api.ScopesOffered...)
		a.conf.Endpoint.AuthURL, a.conf.Endpoint.TokenURL = api.AuthorizationURL, api.TokenURL
		tok := h.authorize(t, newBrowser(t), a)

		// GET /assertions: the imported OB 2.0 assertion only (OB 3.0 items are left out).
		assertions := api.APIBase + "/assertions"
		resp, body = do(t, newRequest(t, "GET", assertions, "", "", tok.AccessToken))
		if resp.StatusCode != 200 || resp.Header.Get("X-Total-Count") != "1" || resp.Header.Get("Link") == "" {
			t.Fatalf("getAssertions: %d %s %v", resp.StatusCode, body, resp.Header)
		}
		ob21.check(t, "AssertionsResponseDType", body)
		if !strings.Contains(string(body), "beths-robotics-badge") || strings.Contains(string(body), "OpenBadgeCredential") {
			t.Errorf("getAssertions: %s", body)
		}
		// POST /assertions: an assertion object, then a signed one.
		assertion := strings.Replace(string(testenv.ReadFixture(t, "openbadges-validator-core/test_components/2_0_basic_assertion.json")),
			"beths-robotics-badge.json", "other-badge.json", 1)
		for _, payload := range []string{`{"assertion":` + assertion + `}`,
			`{"signedAssertion":"` + base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"RS256"}`)) + "." +
				base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(assertion, "other-badge", "third-badge", 1))) + `.c2ln"}`} {
			resp, body = do(t, newRequest(t, "POST", assertions, "application/json", payload, tok.AccessToken))
			if resp.StatusCode != 200 {
				t.Fatalf("postAssertion: %d %s", resp.StatusCode, body)
			}
			ob21.check(t, "StatusResponseDType", body)
		}
		for _, bad := range []string{`{}`, `{"assertion":{"id":"x"}}`, `{"signedAssertion":"x.y"}`, `{"assertion":{},"signedAssertion":"a.b.c"}`} {
			resp, body = do(t, newRequest(t, "POST", assertions, "application/json", bad, tok.AccessToken))
			if resp.StatusCode != 400 {
				t.Errorf("postAssertion %s: %d", bad, resp.StatusCode)
			}
			ob21.check(t, "StatusResponseDType", body)
		}
		resp, body = do(t, newRequest(t, "GET", assertions+"?limit=2", "", "", tok.AccessToken))
		ob21.check(t, "AssertionsResponseDType", body)
		var page struct {
			Assertions       []json.RawMessage `json:"assertions"`
			SignedAssertions []string          `json:"signedAssertions"`
		}
		json.Unmarshal(body, &page)
		if resp.Header.Get("X-Total-Count") != "3" || len(page.Assertions)+len(page.SignedAssertions) != 2 || !strings.Contains(resp.Header.Get("Link"), `rel="next"`) {
			t.Errorf("after posting: %s %s", resp.Header.Get("X-Total-Count"), body)
		}

		// Profile.
		prof := api.APIBase + "/profile"
		resp, body = do(t, newRequest(t, "GET", prof, "", "", tok.AccessToken))
		if resp.StatusCode != 200 || !strings.Contains(string(body), "Ada Earner") {
			t.Fatalf("getProfile: %d %s", resp.StatusCode, body)
		}
		ob21.check(t, "ProfileResponseDType", body)
		resp, body = do(t, newRequest(t, "POST", prof, "application/json", `{"id":"x","type":"Profile","name":"Ada B.","url":"https://ada.example"}`, tok.AccessToken))
		if resp.StatusCode != 200 || !strings.Contains(string(body), "Ada B.") {
			t.Fatalf("postProfile: %d %s", resp.StatusCode, body)
		}
		ob21.check(t, "ProfileResponseDType", body)

		// The OB 3.0 token scopes do not open Badge Connect, and the reverse.
		a3 := h.register(t, base+obapi.RegisterPath, "http://127.0.0.1:9/callback", service.OB3Scopes...)
		tok3 := h.authorize(t, newBrowser(t), a3)
		resp, body = do(t, newRequest(t, "GET", assertions, "", "", tok3.AccessToken))
		if resp.StatusCode != 403 {
			t.Errorf("OB 3.0 token on Badge Connect: %d", resp.StatusCode)
		}
		ob21.check(t, "StatusResponseDType", body)
		if resp, _ := do(t, newRequest(t, "GET", base+obapi.OB3Base+"/credentials", "", "", tok.AccessToken)); resp.StatusCode != 403 {
			t.Errorf("Badge Connect token on OB 3.0: %d", resp.StatusCode)
		}
		resp, body = do(t, newRequest(t, "GET", assertions, "", "", ""))
		if resp.StatusCode != 401 {
			t.Errorf("no token: %d", resp.StatusCode)
		}
		ob21.check(t, "StatusResponseDType", body)
	})
}
