package cli

import (
	"context"
	"encoding/json"
	"github.com/rosettebadges/rosette/internal/testenv"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rosettebadges/rosette/internal/store"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/oauth2"
)

// TestServeOBAPIWithAward: on a running `rosette serve`, an award of this installation in
// the earner's wallet is what another platform gets through the OB 3.0 API (the signed
// credential) and Badge Connect (the OB 2.0 assertion), after registering, the earner's
// sign-in and consent, and the token; both responses validate against the published
// OpenAPI documents.
func TestServeOBAPIWithAward(t *testing.T) {
	ob3Doc := testenv.FixturePath(t, "openbadges-specification/gh-pages-docs/docs/openapi/openapi.json")
	ob21Doc := testenv.FixturePath(t, "openbadges-specification/ob_v2p1/schema/openapi3/imsob_v2p1.json")
	srv, token, env := serveWithToken(t, "obapi", "issuers:write,badges:write,awards:write")
	api := func(method, path, body string) map[string]any {
		t.Helper()
		req, _ := http.NewRequest(method, srv.BaseURL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var m map[string]any
		json.NewDecoder(res.Body).Decode(&m)
		if res.StatusCode != 201 {
			t.Fatalf("%s %s: %d %v", method, path, res.StatusCode, m)
		}
		return m
	}
	iss := api("POST", "/api/v1/issuers", `{"name":"Acme Academy","website":"https://acme.example"}`)
	svg := `data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 10 10'%3E%3Ccircle cx='5' cy='5' r='4'/%3E%3C/svg%3E`
	bc := api("POST", "/api/v1/issuers/"+iss["id"].(string)+"/badges", `{"name":"Safe Lifting","description":"Lifts safely.","criteria_narrative":"Lift.","image":"`+svg+`"}`)
	aw := api("POST", "/api/v1/badges/"+bc["id"].(string)+"/awards", `{"recipient":{"identity":"root@x.org","name":"Root"},"notify":false}`)

	// The earner accepted the award into the wallet (the claim flow writes this row).
	ctx := context.Background()
	st, err := store.Open(ctx, "", env["ROSETTE_DATA_DIR"], nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Now().UTC()
	if err := st.Update(ctx, func(tx *store.Tx) error {
		u, err := tx.UserByEmailKey(ctx, "root@x.org")
		if err != nil {
			return err
		}
		return tx.InsertWalletItem(ctx, &store.WalletItem{ID: "wi_award", UserID: u.ID, Source: "award", AwardID: aw["id"].(string),
			State: "accepted", CredentialKey: "award|" + aw["id"].(string), IssuedAt: now, VerifyStatus: "verified", VerifyReport: "{}",
			Visibility: "private", CreatedAt: now, UpdatedAt: now})
	}); err != nil {
		t.Fatal(err)
	}

	// Another platform registers for both APIs' read scopes.
	reg := `{"client_name":"Portfolio App","client_uri":"http://127.0.0.1:9","logo_uri":"http://127.0.0.1:9/logo.png","tos_uri":"http://127.0.0.1:9/tos",` +
		`"policy_uri":"http://127.0.0.1:9/privacy","software_id":"portfolio","software_version":"1","redirect_uris":["http://127.0.0.1:9/callback"],` +
		`"scope":"https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.readonly https://purl.imsglobal.org/spec/ob/v2p1/scope/assertion.readonly"}`
	res, err := http.Post(srv.BaseURL+"/oauth/register", "application/json", strings.NewReader(reg))
	if err != nil {
		t.Fatal(err)
	}
	var client struct{ ClientID, ClientSecret string }
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	json.Unmarshal(b, &struct {
		ID     *string `json:"client_id"`
		Secret *string `json:"client_secret"`
	}{&client.ClientID, &client.ClientSecret})
	if res.StatusCode != 201 || client.ClientID == "" {
		t.Fatalf("register: %d %s", res.StatusCode, b)
	}
	conf := &oauth2.Config{ClientID: client.ClientID, ClientSecret: client.ClientSecret, RedirectURL: "http://127.0.0.1:9/callback",
		Scopes:   []string{"https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.readonly", "https://purl.imsglobal.org/spec/ob/v2p1/scope/assertion.readonly"},
		Endpoint: oauth2.Endpoint{AuthURL: srv.BaseURL + "/oauth/authorize", TokenURL: srv.BaseURL + "/oauth/token", AuthStyle: oauth2.AuthStyleInHeader}}

	// The earner signs in and allows it, in a browser (cookies; the callback is not followed).
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, _ []*http.Request) error {
		if req.URL.Path == "/callback" {
			return http.ErrUseLastResponse
		}
		return nil
	}}
	verifier := oauth2.GenerateVerifier()
	res, err = browser.Get(conf.AuthCodeURL("xyz", oauth2.S256ChallengeOption(verifier)))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	next := res.Request.URL.Query().Get("next")
	res, err = browser.PostForm(srv.BaseURL+"/login", url.Values{"email": {"root@x.org"}, "password": {"correct horse battery"}, "next": {next}})
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	form := url.Values{"decision": {"allow"}}
	for _, m := range regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`).FindAllStringSubmatch(string(page), -1) {
		form.Set(m[1], html.UnescapeString(m[2]))
	}
	res, err = browser.PostForm(srv.BaseURL+"/oauth/authorize", form)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	cb, _ := url.Parse(res.Header.Get("Location"))
	if res.StatusCode != http.StatusSeeOther || cb.Query().Get("state") != "xyz" {
		t.Fatalf("consent: %d %q (consent page %.300s)", res.StatusCode, res.Header.Get("Location"), page)
	}
	tok, err := conf.Exchange(ctx, cb.Query().Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatal(err)
	}

	get := func(path string) []byte {
		t.Helper()
		req, _ := http.NewRequest("GET", srv.BaseURL+path, nil)
		req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != 200 || res.Header.Get("X-Total-Count") != "1" {
			t.Fatalf("GET %s: %d %s", path, res.StatusCode, b)
		}
		return b
	}
	validate := func(doc, schema string, body []byte) {
		t.Helper()
		f, err := os.Open(doc)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		d, err := jsonschema.UnmarshalJSON(f)
		if err != nil {
			t.Fatal(err)
		}
		c := jsonschema.NewCompiler()
		c.AddResource("https://fixtures.invalid/openapi.json", d)
		sch, err := c.Compile("https://fixtures.invalid/openapi.json#/components/schemas/" + schema)
		if err != nil {
			t.Fatal(err)
		}
		v, _ := jsonschema.UnmarshalJSON(strings.NewReader(string(body)))
		if err := sch.Validate(v); err != nil {
			t.Errorf("not a valid %s: %#v\n%.500s", schema, err, body)
		}
	}
	creds := get("/ims/ob/v3p0/credentials")
	validate(ob3Doc, "GetOpenBadgeCredentialsResponse", creds)
	if !strings.Contains(string(creds), aw["id"].(string)) || !strings.Contains(string(creds), `"proof"`) {
		t.Errorf("getCredentials does not hold the signed award: %.300s", creds)
	}
	assertions := get("/ims/ob/v2p1/assertions")
	validate(ob21Doc, "AssertionsResponseDType", assertions)
	if !strings.Contains(string(assertions), `"Assertion"`) || !strings.Contains(string(assertions), aw["id"].(string)) {
		t.Errorf("getAssertions does not hold the award's assertion: %.300s", assertions)
	}
	if code := srv.Stop(t); code != ExitOK {
		t.Errorf("serve exit %d", code)
	}
}
