package cli

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
	"golang.org/x/oauth2"
)

// TestBrowserOAuthConsent: in Chromium, an application sends the earner to Rosette; they sign
// in, see the consent page (screenshot), allow, and the browser lands on the application's
// callback (the page's CSP lets the form answer go there); the application exchanges the code
// and reads the wallet; the earner then revokes it on the connected apps page.
func TestBrowserOAuthConsent(t *testing.T) {
	ctx := browser(t)
	srv, _, _ := serveWithToken(t, "unused", "issuers:read")
	step, text := browserSteps(t, ctx, srv)

	// The application: its callback page records what it receives.
	var mu sync.Mutex
	var got struct{ code, state, errCode string }
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/callback" { // the browser asks for /favicon.ico too
			http.NotFound(w, r)
			return
		}
		mu.Lock()
		got.code, got.state, got.errCode = r.URL.Query().Get("code"), r.URL.Query().Get("state"), r.URL.Query().Get("error")
		mu.Unlock()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, `<!doctype html><title>App</title><h1 id="app-done">Connected</h1>`)
	}))
	t.Cleanup(app.Close)
	scope := "https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.readonly https://purl.imsglobal.org/spec/ob/v3p0/scope/profile.readonly"
	reg := `{"client_name":"Portfolio App","client_uri":"` + app.URL + `","logo_uri":"` + app.URL + `/logo.png","tos_uri":"` + app.URL + `/tos",` +
		`"policy_uri":"` + app.URL + `/privacy","software_id":"portfolio","software_version":"1","redirect_uris":["` + app.URL + `/callback"],"scope":"` + scope + `"}`
	res, err := http.Post(srv.BaseURL+"/oauth/register", "application/json", strings.NewReader(reg))
	if err != nil {
		t.Fatal(err)
	}
	var client struct {
		ID     string `json:"client_id"`
		Secret string `json:"client_secret"`
	}
	json.NewDecoder(res.Body).Decode(&client)
	res.Body.Close()
	if res.StatusCode != 201 {
		t.Fatalf("register: %d", res.StatusCode)
	}
	conf := &oauth2.Config{ClientID: client.ID, ClientSecret: client.Secret, RedirectURL: app.URL + "/callback", Scopes: strings.Fields(scope),
		Endpoint: oauth2.Endpoint{AuthURL: srv.BaseURL + "/oauth/authorize", TokenURL: srv.BaseURL + "/oauth/token", AuthStyle: oauth2.AuthStyleInHeader}}
	verifier := oauth2.GenerateVerifier()

	step("authorize, sign in", chromedp.Navigate(conf.AuthCodeURL("st-42", oauth2.S256ChallengeOption(verifier))),
		chromedp.WaitVisible("#email"), chromedp.SendKeys("#email", "root@x.org"),
		chromedp.SendKeys("#password", "correct horse battery"), chromedp.Click(`button[type="submit"]`))
	if h := text("#consent-title"); h != "Connect Portfolio App to your wallet?" {
		t.Errorf("consent title %q", h)
	}
	page := text("main")
	for _, want := range []string{"See the badges in your wallet", "See your profile", app.URL + "/callback", app.URL + "/logo.png"} {
		if !strings.Contains(page, want) {
			t.Errorf("consent page lacks %q:\n%s", want, page)
		}
	}
	takeScreenshot(t, ctx, "oauth-consent.png")
	step("allow", chromedp.Click(`button[value="allow"]`))
	if h := text("#app-done"); h != "Connected" {
		t.Fatalf("callback page %q", h)
	}
	mu.Lock()
	code, state := got.code, got.state
	mu.Unlock()
	if code == "" || state != "st-42" {
		t.Fatalf("callback got code %q state %q (%s)", code, state, got.errCode)
	}
	tok, err := conf.Exchange(context.Background(), code, oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatal(err)
	}
	read := func() int {
		req, _ := http.NewRequest("GET", srv.BaseURL+"/ims/ob/v3p0/profile", nil)
		req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if st := read(); st != 200 {
		t.Fatalf("getProfile: %d", st)
	}

	// The connected apps page lists it; Revoke ends its access.
	step("apps page", chromedp.Navigate(srv.BaseURL+"/account/apps"), chromedp.WaitVisible("#apps-title"))
	if list := text("table"); !strings.Contains(list, "Portfolio App") || !strings.Contains(list, "See the badges in your wallet") {
		t.Errorf("apps page: %s", list)
	}
	takeScreenshot(t, ctx, "oauth-apps.png")
	step("revoke", chromedp.Click(`form[action$="/revoke"] button`))
	waitForJS(t, ctx, `document.body.innerText.includes("You have not connected any application.")`)
	if st := read(); st != 401 {
		t.Errorf("getProfile after revoking the app: %d", st)
	}
	if code := srv.Stop(t); code != ExitOK {
		t.Errorf("serve exit %d", code)
	}
}
