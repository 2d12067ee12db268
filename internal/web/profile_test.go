package web

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/links"
	"github.com/rosettebadges/rosette/internal/server"
	"github.com/rosettebadges/rosette/internal/service"
	"github.com/rosettebadges/rosette/internal/store"
	"github.com/rosettebadges/rosette/internal/store/storetest"
)

// profileSite is the profile pages on the real profiles service (SQLite), with users ada
// and bob (earners) and admin, each with a signed-in client, and "anon" signed out.
type profileSite struct {
	ts      *httptest.Server
	st      *store.Store
	users   map[string]*badge.User
	clients map[string]*http.Client
}

func newProfileSite(t *testing.T) *profileSite {
	t.Helper()
	ctx := context.Background()
	st := storetest.NewSQLite(t)
	at := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	ps := &profileSite{st: st, users: map[string]*badge.User{}, clients: map[string]*http.Client{}}
	acc := &tokenAccounts{users: map[string]*badge.User{}}
	for _, n := range []string{"ada", "bob", "admin"} {
		u := &store.User{Email: n + "@x.org", EmailKey: n + "@x.org", Name: "User " + n, PasswordHash: "x", IsAdmin: n == "admin", CreatedAt: at, UpdatedAt: at}
		if err := st.Update(ctx, func(tx *store.Tx) error { return tx.InsertUser(ctx, u) }); err != nil {
			t.Fatal(err)
		}
		ps.users[n] = &badge.User{ID: u.ID, Email: u.Email, Name: u.Name, IsAdmin: u.IsAdmin}
		acc.users["token-"+n] = ps.users[n]
	}
	s, err := New(Options{Accounts: acc, URLs: links.URLs{Base: testBase}, Profiles: service.NewProfiles(st, badge.NewFakeClock(at))})
	if err != nil {
		t.Fatal(err)
	}
	srv := server.New(server.Options{Errors: s})
	s.Register(srv)
	ps.ts = httptest.NewServer(srv)
	t.Cleanup(ps.ts.Close)
	base, _ := url.Parse(ps.ts.URL)
	for _, n := range []string{"ada", "bob", "admin", "anon"} {
		jar, _ := cookiejar.New(nil)
		if n != "anon" {
			jar.SetCookies(base, []*http.Cookie{{Name: SessionCookie, Value: "token-" + n}})
		}
		ps.clients[n] = &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	return ps
}

func (ps *profileSite) get(t *testing.T, who, path string) response {
	t.Helper()
	return get(t, ps.clients[who], ps.ts.URL+path)
}

func (ps *profileSite) post(t *testing.T, who, path string, form url.Values) response {
	t.Helper()
	return post(t, ps.clients[who], ps.ts.URL+path, form)
}

// item puts an imported badge in the user's wallet.
func (ps *profileSite) item(t *testing.T, who, id, name, visibility string, cred string) {
	t.Helper()
	at := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	w := &store.WalletItem{ID: id, UserID: ps.users[who].ID, Source: "import", State: "accepted", Format: "ob3-json",
		Credential: []byte(cred), CredentialKey: "k-" + id, Name: name, IssuerName: "Harbour School", ImageURL: "https://harbour.example/" + id + ".png",
		VerifyStatus: "verified", VerifyReport: "{}", CheckedAt: at, Visibility: visibility, CreatedAt: at, UpdatedAt: at}
	if err := ps.st.Update(context.Background(), func(tx *store.Tx) error { return tx.InsertWalletItem(context.Background(), w) }); err != nil {
		t.Fatal(err)
	}
}

var collectionIDRE = regexp.MustCompile(`id="collection-([a-z0-9]+)"`)

func TestProfilePages(t *testing.T) {
	ps := newProfileSite(t)
	ps.item(t, "ada", "knots", "Knots", service.Private, `{"credentialSubject":{"achievement":{"tag":["Sailing"],"alignment":[{"targetName":"Rope work","targetUrl":"https://esco.example/rope","targetFramework":"ESCO"}]}}}`)
	ps.item(t, "ada", "secret", "Secret badge", service.Private, `{"credentialSubject":{"achievement":{"tag":["Hidden skill"]}}}`)

	// Signed-out visitors are sent to sign in; a POST gets a 401.
	if r := ps.get(t, "anon", "/account/profile"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/login") {
		t.Errorf("anonymous profile form: %d %s", r.status, r.location)
	}
	wantStatus(t, "anonymous collection create", ps.post(t, "anon", "/wallet/collections", url.Values{"name": {"X"}}), http.StatusUnauthorized)

	r := ps.get(t, "ada", "/account/profile")
	wantStatus(t, "profile form", r, http.StatusOK)
	mustContain(t, r, `name="handle"`, `name="safeguarding"`, `name="discoverable"`)
	// Bad input: the form again with the errors, nothing saved.
	r = ps.post(t, "ada", "/account/profile", url.Values{"handle": {"admin"}, "public": {"on"}, "website": {"ftp://x"}})
	wantStatus(t, "bad profile", r, http.StatusUnprocessableEntity)
	mustContain(t, r, "This address is reserved", "Give a web address", `value="admin"`)
	wantStatus(t, "unsaved profile", ps.get(t, "anon", "/u/admin"), http.StatusNotFound)

	profile := url.Values{"handle": {"ada-l"}, "display_name": {"Ada Lovelace"}, "headline": {"Sailor & engineer"},
		"bio": {"I sail **boats**.\n\n<script>alert(1)</script>"}, "website": {"https://ada.example"}, "public": {"on"}}
	r = ps.post(t, "ada", "/account/profile", profile)
	if r.status != http.StatusSeeOther || r.location != "/account/profile" {
		t.Fatalf("save profile: %d %s %s", r.status, r.location, r.body)
	}
	mustContain(t, ps.get(t, "ada", "/account/profile"), "Your profile is saved.", `href="/u/ada-l"`, `href="/account/profile/preview"`)
	// Handles are unique.
	r = ps.post(t, "bob", "/account/profile", url.Values{"handle": {"ada-l"}})
	wantStatus(t, "taken handle", r, http.StatusConflict)
	mustContain(t, r, "Another earner has this address")

	// Collections: create, add both badges, make one badge public.
	r = ps.post(t, "ada", "/wallet/collections", url.Values{"name": {""}})
	wantStatus(t, "nameless collection", r, http.StatusUnprocessableEntity)
	mustContain(t, r, "Give the collection a name.")
	for _, name := range []string{"Sailing", "Drafts"} {
		vis := service.Public
		if name == "Drafts" {
			vis = service.Private
		}
		if r := ps.post(t, "ada", "/wallet/collections", url.Values{"name": {name}, "description": {"On the water"}, "visibility": {vis}}); r.status != http.StatusSeeOther {
			t.Fatalf("create collection: %d %s", r.status, r.body)
		}
	}
	page := ps.get(t, "ada", "/wallet/collections")
	ids := collectionIDRE.FindAllStringSubmatch(page.body, -1)
	if len(ids) != 2 {
		t.Fatalf("collections page shows %d collections", len(ids))
	}
	sailing, drafts := ids[0][1], ids[1][1]
	for _, it := range []string{"knots", "secret"} {
		if r := ps.post(t, "ada", "/wallet/collections/"+sailing+"/items", url.Values{"item": {it}}); r.status != http.StatusSeeOther {
			t.Fatalf("add %s: %d %s", it, r.status, r.body)
		}
	}
	wantStatus(t, "add twice", ps.post(t, "ada", "/wallet/collections/"+sailing+"/items", url.Values{"item": {"knots"}}), http.StatusConflict)
	wantStatus(t, "bob edits ada's collection", ps.post(t, "bob", "/wallet/collections/"+sailing+"/delete", nil), http.StatusNotFound)
	wantStatus(t, "bob shows ada's badge", ps.post(t, "bob", "/wallet/visibility/knots", url.Values{"visibility": {"public"}}), http.StatusNotFound)
	if r := ps.post(t, "ada", "/wallet/visibility/knots", url.Values{"visibility": {"public"}}); r.status != http.StatusSeeOther {
		t.Fatalf("visibility: %d %s", r.status, r.body)
	}
	if r := ps.post(t, "ada", "/wallet/collections/"+drafts+"/move", url.Values{"dir": {"up"}}); r.status != http.StatusSeeOther {
		t.Fatalf("move: %d", r.status)
	}
	page = ps.get(t, "ada", "/wallet/collections")
	if ids := collectionIDRE.FindAllStringSubmatch(page.body, -1); len(ids) != 2 || ids[0][1] != drafts {
		t.Errorf("after moving Drafts up: %v", ids)
	}
	mustContain(t, page, "Make private<span class=\"visually-hidden\"> Knots", "Make public<span class=\"visually-hidden\"> Secret badge")

	// The public page, signed out: public things only, noindex, Open Graph, safe bio.
	pub := ps.get(t, "anon", "/u/ada-l")
	wantStatus(t, "public profile", pub, http.StatusOK)
	mustContain(t, pub, "Ada Lovelace", "Sailor &amp; engineer", "<strong>boats</strong>", "&lt;script&gt;", `<meta name="robots" content="noindex">`,
		`<meta property="og:title" content="Ada Lovelace">`, `<meta property="og:url" content="`+testBase+`/u/ada-l">`,
		`href="/u/ada-l/badges/knots"`, "Sailing", "Rope work", "https://esco.example/rope", `src="https://harbour.example/knots.png"`)
	for _, hidden := range []string{"Secret badge", "Hidden skill", "Drafts", "<script>alert"} {
		if strings.Contains(pub.body, hidden) {
			t.Errorf("public profile shows %q", hidden)
		}
	}
	resp, err := http.Get(ps.ts.URL + "/u/ada-l")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("X-Robots-Tag"); got != "noindex" {
		t.Errorf("X-Robots-Tag = %q", got)
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "img-src 'self' data: https:") {
		t.Errorf("CSP = %q", csp)
	}
	b := ps.get(t, "anon", "/u/ada-l/badges/knots")
	wantStatus(t, "public imported badge", b, http.StatusOK)
	mustContain(t, b, "Knots", "Harbour School", "Verified", `href="/u/ada-l"`)
	wantStatus(t, "private badge page", ps.get(t, "anon", "/u/ada-l/badges/secret"), http.StatusNotFound)
	wantStatus(t, "unknown handle", ps.get(t, "anon", "/u/nobody"), http.StatusNotFound)

	// Discoverable: no noindex.
	profile.Set("discoverable", "on")
	ps.post(t, "ada", "/account/profile", profile)
	if r := ps.get(t, "anon", "/u/ada-l"); strings.Contains(r.body, "noindex") {
		t.Error("discoverable profile says noindex")
	}

	// Skills page: every badge, private ones included.
	sk := ps.get(t, "ada", "/wallet/skills")
	wantStatus(t, "skills", sk, http.StatusOK)
	mustContain(t, sk, "Sailing", "Rope work", "ESCO", "Hidden skill")

	// Safeguarding: the account's setting, then the site's.
	profile.Set("safeguarding", "on")
	ps.post(t, "ada", "/account/profile", profile)
	wantStatus(t, "account safeguarding", ps.get(t, "anon", "/u/ada-l"), http.StatusNotFound)
	wantStatus(t, "account safeguarding badge", ps.get(t, "anon", "/u/ada-l/badges/knots"), http.StatusNotFound)
	pv := ps.get(t, "ada", "/account/profile/preview")
	wantStatus(t, "preview while safeguarded", pv, http.StatusOK)
	mustContain(t, pv, "This is a preview", "for now they get", "Ada Lovelace", `href="/u/ada-l/badges/knots"`, `content="noindex"`)
	wantStatus(t, "preview without a handle", ps.get(t, "bob", "/account/profile/preview"), http.StatusNotFound)
	profile.Del("safeguarding")
	ps.post(t, "ada", "/account/profile", profile)
	wantStatus(t, "safeguarding off", ps.get(t, "anon", "/u/ada-l"), http.StatusOK)

	wantStatus(t, "settings as earner", ps.get(t, "ada", "/admin/settings"), http.StatusForbidden)
	wantStatus(t, "settings post as earner", ps.post(t, "ada", "/admin/settings", url.Values{"safeguarding": {"on"}}), http.StatusForbidden)
	wantStatus(t, "settings as admin", ps.get(t, "admin", "/admin/settings"), http.StatusOK)
	if r := ps.post(t, "admin", "/admin/settings", url.Values{"safeguarding": {"on"}}); r.status != http.StatusSeeOther {
		t.Fatalf("site safeguarding: %d %s", r.status, r.body)
	}
	mustContain(t, ps.get(t, "admin", "/admin/settings"), "checked")
	wantStatus(t, "site safeguarding", ps.get(t, "anon", "/u/ada-l"), http.StatusNotFound)
	mustContain(t, ps.get(t, "ada", "/account/profile"), "The site's safeguarding mode is on")
	ps.post(t, "admin", "/admin/settings", url.Values{})
	wantStatus(t, "site safeguarding off", ps.get(t, "anon", "/u/ada-l"), http.StatusOK)

	// Delete a collection: its badges stay.
	if r := ps.post(t, "ada", "/wallet/collections/"+sailing+"/delete", nil); r.status != http.StatusSeeOther {
		t.Fatalf("delete: %d", r.status)
	}
	mustContain(t, ps.get(t, "ada", "/wallet/collections"), "Knots")

	// The dashboard links the pages (site settings for administrators only).
	mustContain(t, ps.get(t, "admin", "/"), `href="/account/profile"`, `href="/admin/settings"`)
	if r := ps.get(t, "ada", "/"); !strings.Contains(r.body, `href="/wallet/collections"`) || strings.Contains(r.body, `href="/admin/settings"`) {
		t.Error("earner dashboard links")
	}

	// No inline script or style anywhere.
	for _, p := range []struct{ who, path string }{{"ada", "/account/profile"}, {"ada", "/account/profile/preview"}, {"ada", "/wallet/collections"}, {"ada", "/wallet/skills"},
		{"anon", "/u/ada-l"}, {"anon", "/u/ada-l/badges/knots"}, {"admin", "/admin/settings"}} {
		r := ps.get(t, p.who, p.path)
		if m := inlineStyle.FindString(r.body); m != "" {
			t.Errorf("%s has inline code %q", p.path, m)
		}
		for _, tag := range scriptTag.FindAllString(r.body, -1) {
			if !strings.Contains(tag, " src=") {
				t.Errorf("%s has an inline script %q", p.path, tag)
			}
		}
	}
}
