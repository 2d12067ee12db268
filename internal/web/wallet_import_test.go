package web

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/png"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/server"
	"github.com/rosettebadges/rosette/internal/service"
	"github.com/rosettebadges/rosette/internal/store"
	"github.com/rosettebadges/rosette/internal/store/storetest"
	"github.com/rosettebadges/rosette/openbadges/bake"
	"github.com/rosettebadges/rosette/openbadges/fetch"
	"github.com/rosettebadges/rosette/openbadges/verify"
)

type walletSite struct {
	ts      *httptest.Server
	clients map[string]*http.Client
	wallet  *service.Wallet
	users   map[string]*badge.User
}

// newWalletSite starts the pages with the real wallet service on SQLite; the verifier may
// fetch from loopback (the "other platform" of the tests).
func newWalletSite(t *testing.T) *walletSite {
	t.Helper()
	ctx := context.Background()
	st := storetest.NewSQLite(t)
	at := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	clock := badge.NewFakeClock(at)
	acc := &tokenAccounts{users: map[string]*badge.User{}}
	ws := &walletSite{clients: map[string]*http.Client{}, users: map[string]*badge.User{}}
	for _, n := range []string{"ann", "bob"} {
		u := &store.User{Email: n + "@x.org", EmailKey: n + "@x.org", Name: "User " + n, PasswordHash: "x", CreatedAt: at, UpdatedAt: at}
		if err := st.Update(ctx, func(tx *store.Tx) error { return tx.InsertUser(ctx, u) }); err != nil {
			t.Fatal(err)
		}
		ws.users[n] = &badge.User{ID: u.ID, Email: u.Email, Name: u.Name}
		acc.users["token-"+n] = ws.users[n]
	}
	v := verify.New(verify.Options{Fetcher: fetch.NewClient(fetch.Options{AllowPrivate: true})})
	ws.wallet = service.NewWallet(service.WalletOptions{Store: st, Verifier: v, Clock: clock})
	s, err := New(Options{Accounts: acc, WalletItems: ws.wallet, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	srv := server.New(server.Options{Errors: s})
	s.Register(srv)
	ws.ts = httptest.NewServer(srv)
	t.Cleanup(ws.ts.Close)
	base, _ := url.Parse(ws.ts.URL)
	for _, who := range []string{"", "ann", "bob"} {
		jar, _ := cookiejar.New(nil)
		if who != "" {
			jar.SetCookies(base, []*http.Cookie{{Name: SessionCookie, Value: "token-" + who}})
		}
		ws.clients[who] = &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	return ws
}

func (ws *walletSite) postImport(t *testing.T, who string, fields map[string]string, name string, file []byte) response {
	t.Helper()
	body, ct := multipartBody(t, fields, name, file)
	req, err := http.NewRequest(http.MethodPost, ws.ts.URL+"/wallet/import", body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", ct)
	resp, err := ws.clients[who].Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return read(t, resp)
}

var itemPath = regexp.MustCompile(`^/wallet/items/([a-z0-9]+)$`)

// TestWalletImportPages: the import form in its three ways, the item page with its image,
// report and download, "Check again", removal, and nobody else seeing any of it.
func TestWalletImportPages(t *testing.T) {
	ws := newWalletSite(t)
	ann, bob := ws.clients["ann"], ws.clients["bob"]
	other := ob2Server(t)

	if r := get(t, ws.clients[""], ws.ts.URL+"/wallet/import"); r.status != http.StatusSeeOther {
		t.Errorf("signed out: %d", r.status)
	}
	r := get(t, ann, ws.ts.URL+"/wallet/import")
	wantStatus(t, "form", r, http.StatusOK)
	mustContain(t, r, `<h1 id="import-title">Add a badge to your wallet</h1>`, `enctype="multipart/form-data"`, `name="file"`, `name="text"`, `name="url"`)
	noInline(t, "/wallet/import", r.body)

	// Refused: nothing given, garbage, a URL that is not a badge. The form says why.
	for name, tc := range map[string]struct {
		fields map[string]string
		status int
		want   string
	}{
		"empty":   {map[string]string{"text": " "}, http.StatusUnprocessableEntity, "Nothing to import"},
		"garbage": {map[string]string{"text": "hello there"}, http.StatusUnprocessableEntity, "This is not a badge that can be read"},
		"missing": {map[string]string{"url": other.URL + "/nothing.json"}, http.StatusServiceUnavailable, "could not be downloaded"},
		"scheme":  {map[string]string{"url": "ftp://example.org/a"}, http.StatusUnprocessableEntity, "starting with https://"},
	} {
		r := ws.postImport(t, "ann", tc.fields, "", nil)
		if r.status != tc.status || !strings.Contains(r.body, tc.want) {
			t.Errorf("%s: %d, want %d with %q\n%s", name, r.status, tc.status, tc.want, r.body)
		}
	}
	if _, total, _ := ws.wallet.Items(context.Background(), ws.users["ann"], 10, 0); total != 0 {
		t.Fatalf("refused imports stored %d items", total)
	}

	// A baked PNG from the other platform (a hosted OB 2.0 assertion).
	var img bytes.Buffer
	png.Encode(&img, image.NewRGBA(image.Rect(0, 0, 4, 4)))
	baked, err := bake.Bake(img.Bytes(), bake.OB2, []byte(other.URL+"/assertion.json"))
	if err != nil {
		t.Fatal(err)
	}
	r = ws.postImport(t, "ann", nil, "badge.png", baked)
	m := itemPath.FindStringSubmatch(r.location)
	if r.status != http.StatusSeeOther || m == nil {
		t.Fatalf("import: %d to %q\n%s", r.status, r.location, r.body)
	}
	id := m[1]
	r = get(t, ann, ws.ts.URL+r.location)
	wantStatus(t, "item", r, http.StatusOK)
	mustContain(t, r, "Verified: the badge is genuine", `<h1 id="item-title">Awesome Robotics Badge</h1>`, "Example Issuer",
		`src="/wallet/items/`+id+`/image"`, `action="/wallet/items/`+id+`/check"`, `action="/wallet/items/`+id+`/remove"`,
		`href="/wallet/items/`+id+`/credential"`, `class="verdict-heading">Verified</p>`, "Hosted badge")
	noInline(t, "item page", r.body)

	resp, err := ann.Get(ws.ts.URL + "/wallet/items/" + id + "/image")
	if err != nil {
		t.Fatal(err)
	}
	body := read(t, resp)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" || body.body != string(baked) {
		t.Errorf("image: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	resp, err = ann.Get(ws.ts.URL + "/wallet/items/" + id + "/credential")
	if err != nil {
		t.Fatal(err)
	}
	body = read(t, resp)
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") || !strings.Contains(body.body, `"Assertion"`) {
		t.Errorf("credential: %d %q %s", resp.StatusCode, resp.Header.Get("Content-Disposition"), body.body)
	}

	// A pasted VC-JWT and an SVG: the SVG is served with the strict image policy.
	r = ws.postImport(t, "ann", map[string]string{"text": vcJWT(t)}, "", nil)
	if r.status != http.StatusSeeOther {
		t.Fatalf("JWT import: %d\n%s", r.status, r.body)
	}
	jwtPage := get(t, ann, ws.ts.URL+r.location)
	mustContain(t, jwtPage, "Verified: the badge is genuine", "Teamwork", ".jwt")
	svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>`)
	bakedSVG, err := bake.Bake(svg, bake.OB3, dccFixture(t, validOB3))
	if err != nil {
		t.Fatal(err)
	}
	r = ws.postImport(t, "ann", nil, "badge.svg", bakedSVG)
	svgID := itemPath.FindStringSubmatch(r.location)
	if svgID == nil {
		t.Fatalf("SVG import: %d %q", r.status, r.location)
	}
	resp, err = ann.Get(ws.ts.URL + "/wallet/items/" + svgID[1] + "/image")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("Content-Type") != "image/svg+xml" || resp.Header.Get("Content-Security-Policy") != SVGContentSecurityPolicy {
		t.Errorf("SVG image: %q, CSP %q", resp.Header.Get("Content-Type"), resp.Header.Get("Content-Security-Policy"))
	}

	// The same assertion by URL is the same item, its uploaded image kept.
	r = ws.postImport(t, "ann", map[string]string{"url": other.URL + "/assertion.json"}, "", nil)
	if r.status != http.StatusSeeOther || r.location != "/wallet/items/"+id {
		t.Errorf("the same assertion by URL: %d to %q, want the same item", r.status, r.location)
	}
	mustContain(t, get(t, ann, ws.ts.URL+r.location), `src="/wallet/items/`+id+`/image"`)
	// A badge whose image is elsewhere is shown only with the verification page's policy.
	// (Adding the image breaks the signature: the badge is kept, with the failure said.)
	var cred map[string]any
	json.Unmarshal(dccFixture(t, validOB3), &cred)
	cred["credentialSubject"].(map[string]any)["achievement"].(map[string]any)["image"] = map[string]any{"id": "https://images.example/teamwork.png", "type": "Image"}
	cred["id"] = "urn:uuid:5b1c2d3e-0000-4000-8000-000000000001" // another credential
	changed, _ := json.Marshal(cred)
	r = ws.postImport(t, "ann", map[string]string{"text": string(changed)}, "", nil)
	if r.status != http.StatusSeeOther {
		t.Fatalf("changed credential: %d\n%s", r.status, r.body)
	}
	resp, err = ann.Get(ws.ts.URL + r.location)
	if err != nil {
		t.Fatal(err)
	}
	page := read(t, resp)
	if got := resp.Header.Get("Content-Security-Policy"); got != verifyCSP {
		t.Errorf("item with a remote image: CSP %q", got)
	}
	mustContain(t, page, "did not pass verification", `src="https://images.example/teamwork.png"`, `<p class="award-status-heading">Not valid</p>`)
	resp, err = ann.Get(ws.ts.URL + "/wallet/items/" + id)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("Content-Security-Policy"); got != server.ContentSecurityPolicy {
		t.Errorf("item with its own image: CSP %q", got)
	}

	// Somebody else sees none of it.
	for _, p := range []string{"", "/image", "/credential"} {
		if r := get(t, bob, ws.ts.URL+"/wallet/items/"+id+p); r.status != http.StatusNotFound {
			t.Errorf("bob GET %s: %d", p, r.status)
		}
	}
	for _, p := range []string{"/check", "/remove"} {
		if r := post(t, bob, ws.ts.URL+"/wallet/items/"+id+p, url.Values{}); r.status != http.StatusNotFound {
			t.Errorf("bob POST %s: %d", p, r.status)
		}
	}

	// Check again, after the issuer revoked it: the flash and the page say so.
	other.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "gone", http.StatusGone)
	})
	r = post(t, ann, ws.ts.URL+"/wallet/items/"+id+"/check", url.Values{})
	if r.status != http.StatusSeeOther || r.location != "/wallet/items/"+id {
		t.Fatalf("check: %d %q", r.status, r.location)
	}
	mustContain(t, get(t, ann, ws.ts.URL+r.location), "its issuer has revoked it", `<p class="award-status-heading">Revoked</p>`)

	r = post(t, ann, ws.ts.URL+"/wallet/items/"+id+"/remove", url.Values{})
	if r.status != http.StatusSeeOther || r.location != "/wallet" {
		t.Errorf("remove: %d %q", r.status, r.location)
	}
	if r := get(t, ann, ws.ts.URL+"/wallet/items/"+id); r.status != http.StatusNotFound {
		t.Errorf("removed item: %d", r.status)
	}
}

// noInline fails when a page has inline script or style (the strict CSP).
func noInline(t *testing.T, name, body string) {
	t.Helper()
	if m := inlineStyle.FindString(body); m != "" {
		t.Errorf("%s has inline code %q", name, m)
	}
	for _, tag := range scriptTag.FindAllString(body, -1) {
		if !strings.Contains(tag, " src=") {
			t.Errorf("%s has an inline script %q", name, tag)
		}
	}
}
