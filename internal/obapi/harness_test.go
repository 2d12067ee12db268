package obapi_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"github.com/rosettebadges/rosette/internal/testenv"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/links"
	"github.com/rosettebadges/rosette/internal/obapi"
	"github.com/rosettebadges/rosette/internal/server"
	"github.com/rosettebadges/rosette/internal/service"
	"github.com/rosettebadges/rosette/internal/store"
	"github.com/rosettebadges/rosette/internal/web"
	"github.com/rosettebadges/rosette/openbadges/fetch"
	"github.com/rosettebadges/rosette/openbadges/verify"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/oauth2"
)

// start is the fake clock's time: now, since the browser's cookie jar drops cookies that
// expired by the real clock.
var start = time.Now().UTC().Truncate(time.Second)

// openAPI validates response bodies against a published OpenAPI document, read in place.
type openAPI struct {
	url string
	c   *jsonschema.Compiler
	mu  sync.Mutex
	sch map[string]*jsonschema.Schema
}

var (
	ob3Doc  = "openbadges-specification/gh-pages-docs/docs/openapi/openapi.json"
	ob21Doc = "openbadges-specification/ob_v2p1/schema/openapi3/imsob_v2p1.json"
)

func loadOpenAPI(t testing.TB, rel string) *openAPI {
	t.Helper()
	f, err := os.Open(testenv.FixturePath(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	u := "https://fixtures.invalid/" + rel
	c := jsonschema.NewCompiler()
	if err := c.AddResource(u, doc); err != nil {
		t.Fatal(err)
	}
	return &openAPI{url: u, c: c, sch: map[string]*jsonschema.Schema{}}
}

// check validates body against #/components/schemas/<name>.
func (o *openAPI) check(t testing.TB, name string, body []byte) {
	t.Helper()
	o.mu.Lock()
	s, ok := o.sch[name]
	if !ok {
		var err error
		s, err = o.c.Compile(o.url + "#/components/schemas/" + name)
		if err != nil {
			o.mu.Unlock()
			t.Fatalf("compile %s: %v", name, err)
		}
		o.sch[name] = s
	}
	o.mu.Unlock()
	v, err := jsonschema.UnmarshalJSON(strings.NewReader(string(body)))
	if err != nil {
		t.Fatalf("%s: response is not JSON: %v\n%s", name, err, body)
	}
	if err := s.Validate(v); err != nil {
		t.Errorf("response is not a valid %s: %#v\n%.300s", name, err, body)
	}
}

// host is a Rosette serving the real routes (the web site with the consent and apps pages,
// the OAuth endpoints and both APIs) on an httptest server.
type host struct {
	ts       *httptest.Server
	st       *store.Store
	clock    *badge.FakeClock
	accounts *service.Accounts
	oauth    *service.OAuth
	wallet   *service.WalletAPI
	earner   *badge.User
}

const earnerPassword = "correct horse battery"

// noAwards: these tests hold no award of this installation.
type noAwards struct{}

func (noAwards) Credential(context.Context, string) ([]byte, error) {
	return nil, badge.Errorf(badge.NotFound, "none")
}
func (noAwards) Public(context.Context, string) (*service.PublicAward, error) {
	return nil, badge.Errorf(badge.NotFound, "none")
}
func (noAwards) Assertion(*service.PublicAward) ([]byte, error) {
	return nil, badge.Errorf(badge.NotFound, "none")
}

func newHost(t *testing.T, newStore func(testing.TB) *store.Store) *host {
	t.Helper()
	st := newStore(t)
	clock := badge.NewFakeClock(start)
	var h http.Handler
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(ts.Close)
	base := ts.URL
	accounts := service.NewAccounts(st, clock, nil, service.AccountsOptions{Hasher: service.NewPasswordHasher(service.PasswordParams{MemoryKiB: 64, Time: 1, Threads: 1}, 4)})
	oauth := service.NewOAuth(st, clock, nil, service.OAuthOptions{AllowLoopbackHTTP: true, RegistrationsPerHour: 5})
	// The wallet verifies what applications add; offline here (every fetch is a 404), so
	// the fixtures' signatures that need their issuer's documents are kept as unverified.
	verifier := verify.New(verify.Options{Fetcher: fetch.Static{}, Now: clock.Now})
	wallet := service.NewWalletAPI(st, noAwards{}, service.NewWallet(service.WalletOptions{Store: st, Verifier: verifier, Clock: clock}), clock, nil, base)
	site, err := web.New(web.Options{Accounts: accounts, URLs: links.URLs{Base: base}, Clock: clock, OAuth: oauth})
	if err != nil {
		t.Fatal(err)
	}
	srv := server.New(server.Options{Errors: site})
	site.Register(srv)
	api, err := obapi.New(obapi.Options{OAuth: oauth, Wallet: wallet, Base: base, AllowLoopbackHTTP: true})
	if err != nil {
		t.Fatal(err)
	}
	api.Register(srv)
	h = srv
	u, err := accounts.CreateUser(context.Background(), "earner@example.org", "Ada Earner", earnerPassword, false)
	if err != nil {
		t.Fatal(err)
	}
	return &host{ts: ts, st: st, clock: clock, accounts: accounts, oauth: oauth, wallet: wallet, earner: u}
}

// app is a client application: its registration and an x/oauth2 configuration.
type app struct {
	clientID, secret string
	redirect         string
	conf             *oauth2.Config
}

func registration(redirect string, scopes ...string) map[string]any {
	u, _ := url.Parse(redirect)
	origin := u.Scheme + "://" + u.Host
	return map[string]any{
		"client_name": "Portfolio App", "client_uri": origin, "logo_uri": origin + "/logo.png",
		"tos_uri": origin + "/tos", "policy_uri": origin + "/privacy", "software_id": "portfolio-app",
		"software_version": "1.0", "redirect_uris": []string{redirect}, "scope": strings.Join(scopes, " "),
		"token_endpoint_auth_method": "client_secret_basic", "grant_types": []string{"authorization_code", "refresh_token"},
		"response_types": []string{"code"}, "contacts": []string{"dev@portfolio.example"},
	}
}

// do sends a request and returns the response and its body.
func do(t testing.TB, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	validateResponse(t, req, resp, b)
	return resp, b
}

// The published OpenAPI documents, loaded once for every response of the APIs.
var (
	ob3Once, ob21Once sync.Once
	ob3API, ob21API   *openAPI
)

var compactJWS = regexp.MustCompile(`^[a-zA-Z0-9_-]+\.[a-zA-Z0-9_-]*\.[a-zA-Z0-9_-]+$`)

// validateResponse checks every response of the OB 3.0 API and Badge Connect against the
// schema its OpenAPI document gives for the operation and status.
func validateResponse(t testing.TB, req *http.Request, resp *http.Response, body []byte) {
	t.Helper()
	success := resp.StatusCode >= 200 && resp.StatusCode < 300
	p := req.URL.Path
	switch {
	case strings.HasPrefix(p, obapi.OB3Base+"/"):
		ob3Once.Do(func() { ob3API = loadOpenAPI(t, ob3Doc) })
		if !success {
			ob3API.check(t, "Imsx_StatusInfo", body)
			return
		}
		switch req.Method + " " + strings.TrimPrefix(p, obapi.OB3Base) {
		case "GET /discovery":
			ob3API.check(t, "ServiceDescriptionDocument", body)
		case "GET /credentials":
			ob3API.check(t, "GetOpenBadgeCredentialsResponse", body)
		case "POST /credentials":
			if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
				if !compactJWS.Match(body) {
					t.Errorf("upsert answer is not a compact JWS: %q", body)
				}
			} else {
				ob3API.check(t, "AchievementCredential", body)
			}
		case "GET /profile", "PUT /profile":
			ob3API.check(t, "Profile", body)
		default:
			t.Errorf("%s %s answered %d: no such operation", req.Method, p, resp.StatusCode)
		}
	case strings.HasPrefix(p, obapi.OB21Base+"/"), p == obapi.ManifestPath:
		ob21Once.Do(func() { ob21API = loadOpenAPI(t, ob21Doc) })
		switch op := req.Method + " " + strings.TrimPrefix(p, obapi.OB21Base); {
		case p == obapi.ManifestPath:
			ob21API.check(t, "ManifestDType", body)
		case !success || op == "POST /assertions":
			ob21API.check(t, "StatusResponseDType", body)
		case op == "GET /assertions":
			ob21API.check(t, "AssertionsResponseDType", body)
		case op == "GET /profile", op == "POST /profile":
			ob21API.check(t, "ProfileResponseDType", body)
		default:
			t.Errorf("%s %s answered %d: no such operation", req.Method, p, resp.StatusCode)
		}
	}
}

func newRequest(t testing.TB, method, u, contentType string, body string, token string) *http.Request {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, u, r)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return req
}

// register registers an application at registrationURL and returns it.
func (h *host) register(t testing.TB, registrationURL, redirect string, scopes ...string) *app {
	t.Helper()
	b, _ := json.Marshal(registration(redirect, scopes...))
	resp, body := do(t, newRequest(t, "POST", registrationURL, "application/json", string(b), ""))
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("registration: %d %s", resp.StatusCode, body)
	}
	var out struct {
		ClientID              string   `json:"client_id"`
		ClientSecret          string   `json:"client_secret"`
		ClientIDIssuedAt      int64    `json:"client_id_issued_at"`
		ClientSecretExpiresAt *int64   `json:"client_secret_expires_at"`
		RedirectURIs          []string `json:"redirect_uris"`
		Scope                 string   `json:"scope"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatal(err)
	}
	if out.ClientID == "" || out.ClientSecret == "" || out.ClientIDIssuedAt != start.Unix() || out.ClientSecretExpiresAt == nil || *out.ClientSecretExpiresAt != 0 {
		t.Fatalf("registration response: %s", body)
	}
	if resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("registration Cache-Control = %q", resp.Header.Get("Cache-Control"))
	}
	return &app{clientID: out.ClientID, secret: out.ClientSecret, redirect: redirect, conf: &oauth2.Config{
		ClientID: out.ClientID, ClientSecret: out.ClientSecret, RedirectURL: redirect, Scopes: scopes,
		Endpoint: oauth2.Endpoint{AuthURL: h.ts.URL + obapi.AuthorizePath, TokenURL: h.ts.URL + obapi.TokenPath, AuthStyle: oauth2.AuthStyleInHeader},
	}}
}

// browser is the earner's browser: cookies, and it stops at the application's callback.
type browser struct {
	t      testing.TB
	client *http.Client
}

func newBrowser(t testing.TB) *browser {
	jar, _ := cookiejar.New(nil)
	b := &browser{t: t, client: &http.Client{Jar: jar}}
	b.client.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if req.URL.Path == "/callback" {
			return http.ErrUseLastResponse
		}
		return nil
	}
	return b
}

func (b *browser) get(u string) (*http.Response, string) {
	b.t.Helper()
	resp, err := b.client.Get(u)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

func (b *browser) post(u string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	resp, err := b.client.PostForm(u, form)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

var hiddenInput = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)

// formFields returns the hidden inputs of a page, as a browser would post them.
func formFields(page string) url.Values {
	f := url.Values{}
	for _, m := range hiddenInput.FindAllStringSubmatch(page, -1) {
		f.Set(html.UnescapeString(m[1]), html.UnescapeString(m[2]))
	}
	return f
}

func (b *browser) signIn(base string) {
	b.t.Helper()
	resp, body := b.post(base+"/login", url.Values{"email": {"earner@example.org"}, "password": {earnerPassword}, "next": {"/"}})
	if resp.StatusCode != http.StatusOK {
		b.t.Fatalf("sign in: %d %s", resp.StatusCode, body)
	}
}

// consent follows an authorization URL as the earner: sign-in if asked, then the consent
// page, then Allow (or Deny); it returns the callback URL the application receives.
func (b *browser) consent(authURL string, decision string) *url.URL {
	b.t.Helper()
	resp, page := b.get(authURL)
	if resp.StatusCode == http.StatusOK && strings.Contains(page, `action="/login"`) {
		// The sign-in page, with next= the authorization request.
		next := resp.Request.URL.Query().Get("next")
		if !strings.HasPrefix(next, obapi.AuthorizePath+"?") {
			b.t.Fatalf("sign-in page next = %q", next)
		}
		base := resp.Request.URL.Scheme + "://" + resp.Request.URL.Host
		resp, page = b.post(base+"/login", url.Values{"email": {"earner@example.org"}, "password": {earnerPassword}, "next": {next}})
	}
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "Connect Portfolio App") {
		b.t.Fatalf("consent page: %d %s", resp.StatusCode, page)
	}
	// The consent form may be answered with a redirect to the application, and only there.
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "form-action 'self' http://127.0.0.1:9;") ||
		!strings.Contains(csp, "frame-ancestors 'none'") {
		b.t.Errorf("consent page CSP: %q", csp)
	}
	form := formFields(page)
	form.Set("decision", decision)
	u := resp.Request.URL
	resp, page = b.post(u.Scheme+"://"+u.Host+obapi.AuthorizePath, form)
	if resp.StatusCode != http.StatusSeeOther {
		b.t.Fatalf("consent answer: %d %s", resp.StatusCode, page)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		b.t.Fatal(err)
	}
	return loc
}

func newVerifier() string {
	var b [32]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}
