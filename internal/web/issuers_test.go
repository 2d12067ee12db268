package web

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/identity"
	"github.com/rosettebadges/rosette/internal/jobs"
	"github.com/rosettebadges/rosette/internal/keys"
	"github.com/rosettebadges/rosette/internal/links"
	"github.com/rosettebadges/rosette/internal/mail"
	"github.com/rosettebadges/rosette/internal/server"
	"github.com/rosettebadges/rosette/internal/service"
	"github.com/rosettebadges/rosette/internal/store"
	"github.com/rosettebadges/rosette/internal/store/storetest"
	"github.com/rosettebadges/rosette/openbadges/jsonld"
)

// tokenAccounts signs people in by session token only: the cookie "token-NAME" is user NAME.
// The issuer pages are tested against the real issuers service on SQLite, so that the
// permission outcomes are the service's own.
type tokenAccounts struct {
	memAccounts
	users map[string]*badge.User // by token
}

func (a *tokenAccounts) SessionUser(_ context.Context, token string) (*badge.User, error) {
	if u, ok := a.users[token]; ok {
		c := *u
		return &c, nil
	}
	return nil, badge.Errorf(badge.Unauthorized, "Not signed in.")
}

type issuerSite struct {
	ts      *httptest.Server
	st      *store.Store
	svc     *service.Issuers
	bcs     *service.BadgeClasses
	awards  *service.Awards
	shares  *service.Shares
	users   map[string]*badge.User
	issuer  *badge.Issuer
	clients map[string]*http.Client
}

// testBase is the public base URL of the test sites (the absolute URLs in documents and tags).
const testBase = "https://badges.example"

var staffRoles = map[string]badge.Role{"owner": badge.RoleOwner, "editor": badge.RoleEditor, "awarder": badge.RoleAwarder, "viewer": badge.RoleViewer}

// newIssuerSite makes users admin, owner, editor, awarder, viewer, stranger and extra, the
// issuer "Acme" with the four roles as staff, and one signed-in client per user.
func newIssuerSite(t *testing.T) *issuerSite {
	t.Helper()
	ctx := context.Background()
	st := storetest.NewSQLite(t)
	master, err := keys.ParseMasterKey(keys.NewMasterKey())
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	km := keys.NewManager(st, master)
	clock := badge.NewFakeClock(at)
	svc := service.NewIssuers(st, km, clock, nil)
	is := &issuerSite{svc: svc, st: st, users: map[string]*badge.User{}, clients: map[string]*http.Client{}}
	acc := &tokenAccounts{users: map[string]*badge.User{}}
	for _, n := range []string{"admin", "owner", "editor", "awarder", "viewer", "stranger", "extra"} {
		u := &store.User{Email: n + "@x.org", EmailKey: n + "@x.org", Name: "User " + n, PasswordHash: "x", IsAdmin: n == "admin", CreatedAt: at, UpdatedAt: at}
		if err := st.Update(ctx, func(tx *store.Tx) error { return tx.InsertUser(ctx, u) }); err != nil {
			t.Fatal(err)
		}
		is.users[n] = &badge.User{ID: u.ID, Email: u.Email, Name: u.Name, IsAdmin: u.IsAdmin}
		acc.users["token-"+n] = is.users[n]
	}
	if is.issuer, err = svc.Create(ctx, is.users["admin"], badge.IssuerFields{Name: "Acme"}, is.users["owner"].ID); err != nil {
		t.Fatal(err)
	}
	for n, r := range staffRoles {
		if r == badge.RoleOwner {
			continue
		}
		if _, err := svc.AddMember(ctx, is.users["owner"], is.issuer.ID, n+"@x.org", r); err != nil {
			t.Fatal(err)
		}
	}
	is.bcs = service.NewBadgeClasses(st, clock, nil)
	urls := links.URLs{Base: testBase}
	is.awards = service.NewAwards(service.AwardsOptions{Store: st, Keys: km, URLs: urls,
		Clock: clock, Canonicalizer: jsonld.NewProcessor(jsonld.WithLoader(jsonld.NewLoader()))})
	outbox := &mail.Outbox{Store: st, Queue: jobs.New(st, nil, clock, jobs.Options{}), Clock: clock}
	is.shares = service.NewShares(service.SharesOptions{Store: st, Awards: is.awards, URLs: urls, Clock: clock})
	s, err := New(Options{Accounts: acc, Issuers: svc, Awards: is.awards, BadgeClasses: is.bcs, URLs: urls,
		Notifications: service.NewNotifications(st, outbox, clock, nil), Shares: is.shares})
	if err != nil {
		t.Fatal(err)
	}
	srv := server.New(server.Options{Errors: s, MaxBodyBytes: 10 << 20})
	s.Register(srv)
	(&identity.Handler{Issuers: svc, URLs: urls, HTML: s.PublicIssuer()}).Register(srv)
	is.ts = httptest.NewServer(srv)
	t.Cleanup(is.ts.Close)
	base, _ := url.Parse(is.ts.URL)
	for n := range is.users {
		jar, _ := cookiejar.New(nil)
		jar.SetCookies(base, []*http.Cookie{{Name: SessionCookie, Value: "token-" + n}})
		is.clients[n] = &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	return is
}

func (is *issuerSite) get(t *testing.T, who, path string) response {
	t.Helper()
	return get(t, is.clients[who], is.ts.URL+path)
}

func (is *issuerSite) post(t *testing.T, who, path string, form url.Values) response {
	t.Helper()
	return post(t, is.clients[who], is.ts.URL+path, form)
}

func wantStatus(t *testing.T, what string, r response, want int) {
	t.Helper()
	if r.status != want {
		t.Errorf("%s: status %d, want %d", what, r.status, want)
	}
}

// TestIssuerPagePermissions walks each person through every issuer page and action and
// checks the outcome: allowed, 403 page, or (for the stranger) nothing of the issuer shown.
func TestIssuerPagePermissions(t *testing.T) {
	is := newIssuerSite(t)
	id := is.issuer.ID
	const ok, see, forbidden = http.StatusOK, http.StatusSeeOther, http.StatusForbidden
	type want struct{ list, detail, edit, update, staff, addStaff, setRole, rotate, newForm, create int }
	all := want{ok, ok, ok, see, ok, see, see, see, ok, see}
	for who, w := range map[string]want{
		"admin":    all,
		"owner":    {ok, ok, ok, see, ok, see, see, see, forbidden, forbidden},
		"editor":   {ok, ok, ok, see, ok, forbidden, forbidden, forbidden, forbidden, forbidden},
		"awarder":  {ok, ok, forbidden, forbidden, ok, forbidden, forbidden, forbidden, forbidden, forbidden},
		"viewer":   {ok, ok, forbidden, forbidden, ok, forbidden, forbidden, forbidden, forbidden, forbidden},
		"stranger": {ok, forbidden, forbidden, forbidden, forbidden, forbidden, forbidden, forbidden, forbidden, forbidden},
	} {
		t.Run(who, func(t *testing.T) {
			r := is.get(t, who, "/admin/issuers")
			wantStatus(t, "list", r, w.list)
			if listed := strings.Contains(r.body, `href="/admin/issuers/`+id+`"`); listed != (who != "stranger") {
				t.Errorf("list shows Acme: %v", listed)
			}
			if role, ok := staffRoles[who]; ok {
				mustContain(t, r, `<span class="tag">`+string(role)+`</span>`)
			}
			if hasNew := strings.Contains(r.body, `href="/admin/issuers/new"`); hasNew != (who == "admin") {
				t.Errorf("list offers New issuer: %v", hasNew)
			}

			r = is.get(t, who, "/admin/issuers/"+id)
			wantStatus(t, "detail", r, w.detail)
			if w.detail == ok {
				mustContain(t, r, "<h1>Acme</h1>", `href="/issuers/`+id+`/did.json"`, `href="/issuers/`+id+`/jwks.json"`)
				if shown := strings.Contains(r.body, "Rotate keys"); shown != (w.rotate == see) {
					t.Errorf("detail shows Rotate keys: %v", shown)
				}
				if shown := strings.Contains(r.body, "Edit profile"); shown != (w.edit == ok) {
					t.Errorf("detail shows Edit profile: %v", shown)
				}
			} else {
				mustContain(t, r, "Not allowed")
			}

			wantStatus(t, "edit form", is.get(t, who, "/admin/issuers/"+id+"/edit"), w.edit)
			wantStatus(t, "update", is.post(t, who, "/admin/issuers/"+id, url.Values{"name": {"Acme"}, "description": {"Edited by " + who}}), w.update)
			// Bad fields from someone who may not act get the 403 page, not the form.
			badUpdate := w.update
			if badUpdate == see {
				badUpdate = http.StatusUnprocessableEntity
			}
			wantStatus(t, "bad update", is.post(t, who, "/admin/issuers/"+id, url.Values{"name": {""}}), badUpdate)
			badAdd := w.addStaff
			if badAdd == see {
				badAdd = http.StatusUnprocessableEntity
			}
			wantStatus(t, "bad add", is.post(t, who, "/admin/issuers/"+id+"/staff", url.Values{"email": {"extra@x.org"}, "role": {"chief"}}), badAdd)
			badCreate := w.create
			if badCreate == see {
				badCreate = http.StatusUnprocessableEntity
			}
			wantStatus(t, "bad create", is.post(t, who, "/admin/issuers", url.Values{"name": {""}}), badCreate)

			r = is.get(t, who, "/admin/issuers/"+id+"/staff")
			wantStatus(t, "staff", r, w.staff)
			if w.staff == ok {
				if shown := strings.Contains(r.body, "Add a staff member"); shown != (w.addStaff == see) {
					t.Errorf("staff page offers the add form: %v", shown)
				}
			}
			// Everyone allowed adds "extra" and takes them away again, so each case starts alike.
			wantStatus(t, "add staff", is.post(t, who, "/admin/issuers/"+id+"/staff", url.Values{"email": {"extra@x.org"}, "role": {"viewer"}}), w.addStaff)
			extra := "/admin/issuers/" + id + "/staff/" + itoa(is.users["extra"].ID)
			if w.addStaff == see {
				wantStatus(t, "set role", is.post(t, who, extra+"/role", url.Values{"role": {"awarder"}}), w.setRole)
				wantStatus(t, "remove", is.post(t, who, extra+"/remove", nil), see)
			} else {
				// Acting on a member as someone who may not: the viewer is staff.
				viewer := "/admin/issuers/" + id + "/staff/" + itoa(is.users["viewer"].ID)
				wantStatus(t, "set role", is.post(t, who, viewer+"/role", url.Values{"role": {"owner"}}), w.setRole)
				wantStatus(t, "remove", is.post(t, who, viewer+"/remove", nil), forbidden)
			}
			wantStatus(t, "rotate", is.post(t, who, "/admin/issuers/"+id+"/keys/rotate", nil), w.rotate)
			wantStatus(t, "new form", is.get(t, who, "/admin/issuers/new"), w.newForm)
			wantStatus(t, "create", is.post(t, who, "/admin/issuers", url.Values{"name": {"New by " + who}}), w.create)
		})
	}
	// Nothing the forbidden attempts tried happened.
	ms, err := is.svc.Members(context.Background(), is.users["admin"], id)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 4 {
		t.Errorf("staff after the walk: %d members, want 4", len(ms))
	}
	list, err := is.svc.ListForUser(context.Background(), is.users["admin"])
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 { // Acme and the admin's own
		t.Errorf("issuers after the walk: %d, want 2", len(list))
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestIssuerCreateAndEditForms(t *testing.T) {
	is := newIssuerSite(t)

	r := is.get(t, "admin", "/admin/issuers/new")
	mustContain(t, r, `<label for="name">Name</label>`, `name="linkedin_org"`, `aria-current="page">Issuers</a>`)

	// Bad fields: every problem at its field, tied to its input, and what was typed is kept.
	r = is.post(t, "admin", "/admin/issuers", url.Values{"name": {" "}, "website": {"example.org"},
		"email": {"not an address"}, "logo": {"ftp://x/logo.png"}, "linkedin_org": {"acme"}, "description": {"Keeps <this>"}})
	wantStatus(t, "bad create", r, http.StatusUnprocessableEntity)
	mustContain(t, r, `id="name-error">Name is required.`, `id="website-error">Website must be a full`,
		`id="logo-error">Logo must be`, `id="linkedin_org-error">LinkedIn organisation id must be digits`,
		`id="email-error">`, `value="example.org"`, `value="acme"`, "Keeps &lt;this&gt;</textarea>",
		`aria-describedby="website-help website-error"`, `aria-invalid="true"`)

	r = is.post(t, "admin", "/admin/issuers", url.Values{"name": {"Beta College"}, "website": {"https://beta.example"},
		"email": {"hello@beta.example"}, "linkedin_org": {"1337"}, "description": {"A college."}})
	wantStatus(t, "create", r, http.StatusSeeOther)
	if !regexp.MustCompile(`^/admin/issuers/[a-z2-7]{16}$`).MatchString(r.location) {
		t.Fatalf("create went to %q", r.location)
	}
	detail := r.location
	id := strings.TrimPrefix(detail, "/admin/issuers/")
	r = is.get(t, "admin", detail)
	mustContain(t, r, "The issuer is created", "<h1>Beta College</h1>", `<span class="tag">owner</span>`,
		`href="/issuers/`+id+`"`, "did.json", "jwks.json", "Ed25519", "RS256", "Rotate keys")
	if n := strings.Count(r.body, `<span class="tag">Active</span>`); n != 2 {
		t.Errorf("%d active keys shown, want 2", n)
	}

	// Rotate: two new active keys, the old two retired and still listed.
	wantStatus(t, "rotate", is.post(t, "admin", detail+"/keys/rotate", nil), http.StatusSeeOther)
	r = is.get(t, "admin", detail)
	mustContain(t, r, "New signing keys are active")
	if a, ret := strings.Count(r.body, `<span class="tag">Active</span>`), strings.Count(r.body, "Retired <time"); a != 2 || ret != 2 {
		t.Errorf("after rotation: %d active, %d retired keys, want 2 and 2", a, ret)
	}

	// Edit: the form has the profile; bad input comes back with the error and the typed values.
	r = is.get(t, "admin", detail+"/edit")
	mustContain(t, r, `value="Beta College"`, `value="https://beta.example"`, "A college.</textarea>", "Save profile")
	r = is.post(t, "admin", detail, url.Values{"name": {"Beta Academy"}, "website": {"beta"}})
	wantStatus(t, "bad update", r, http.StatusUnprocessableEntity)
	mustContain(t, r, `value="Beta Academy"`, `value="beta"`, `id="website-error"`)
	const logo = "data:image/png;base64,iVBORw0KGgo="
	r = is.post(t, "admin", detail, url.Values{"name": {"Beta Academy"}, "website": {"https://beta.example"}, "logo": {logo}})
	wantStatus(t, "update", r, http.StatusSeeOther)
	r = is.get(t, "admin", r.location)
	mustContain(t, r, "The issuer&#39;s profile is saved.", "<h1>Beta Academy</h1>", `<img class="issuer-logo" src="`+logo+`"`)
	// A logo on another site is a link: the CSP lets pages load images only from here.
	wantStatus(t, "logo link", is.post(t, "admin", detail, url.Values{"name": {"Beta Academy"}, "logo": {"https://cdn.example/l.png"}}), http.StatusSeeOther)
	mustContain(t, is.get(t, "admin", detail), `<a href="https://cdn.example/l.png" rel="noopener">`)

	// An issuer that does not exist is the 404 page, for every page of it.
	for _, p := range []string{"/admin/issuers/nosuchissuer", "/admin/issuers/nosuchissuer/edit", "/admin/issuers/nosuchissuer/staff"} {
		wantStatus(t, p, is.get(t, "admin", p), http.StatusNotFound)
	}
	wantStatus(t, "update missing", is.post(t, "admin", "/admin/issuers/nosuchissuer", url.Values{"name": {"X"}}), http.StatusNotFound)
	wantStatus(t, "bad update missing", is.post(t, "admin", "/admin/issuers/nosuchissuer", url.Values{"name": {""}}), http.StatusNotFound)
}

func TestStaffPage(t *testing.T) {
	is := newIssuerSite(t)
	staff := "/admin/issuers/" + is.issuer.ID + "/staff"
	owner := staff + "/" + itoa(is.users["owner"].ID)

	r := is.get(t, "owner", staff)
	mustContain(t, r, "User editor", "editor@x.org", `<label for="email">Email address</label>`,
		`<label for="role-`+itoa(is.users["viewer"].ID)+`" class="visually-hidden">Role of User viewer</label>`)

	r = is.post(t, "owner", staff, url.Values{"email": {"nobody@x.org"}, "role": {"editor"}})
	wantStatus(t, "unknown email", r, http.StatusUnprocessableEntity)
	mustContain(t, r, `id="email-error">Nobody has an account with the email address nobody@x.org.`, `value="nobody@x.org"`,
		`<option value="editor" selected>`)

	r = is.post(t, "owner", staff, url.Values{"email": {"extra@x.org"}, "role": {"chief"}})
	wantStatus(t, "bad role", r, http.StatusUnprocessableEntity)
	mustContain(t, r, `id="role-error">Role`)

	r = is.post(t, "owner", staff, url.Values{"email": {"viewer@x.org"}, "role": {"viewer"}})
	wantStatus(t, "already staff", r, http.StatusConflict)
	mustContain(t, r, `id="email-error">viewer@x.org is already staff of this issuer.`)

	r = is.post(t, "owner", staff, url.Values{"email": {"extra@x.org"}, "role": {"awarder"}})
	wantStatus(t, "add", r, http.StatusSeeOther)
	if r.location != staff {
		t.Errorf("add went to %q", r.location)
	}
	mustContain(t, is.get(t, "owner", staff), "The staff member is added.", "extra@x.org")

	// The last owner can neither leave nor stop being owner; the service says why.
	r = is.post(t, "owner", owner+"/remove", nil)
	wantStatus(t, "remove last owner", r, http.StatusConflict)
	mustContain(t, r, `role="alert">An issuer must keep at least one owner: make someone else an owner first.`)
	r = is.post(t, "owner", owner+"/role", url.Values{"role": {"viewer"}})
	wantStatus(t, "demote last owner", r, http.StatusConflict)
	mustContain(t, r, "An issuer must keep at least one owner")

	extra := staff + "/" + itoa(is.users["extra"].ID)
	wantStatus(t, "promote", is.post(t, "owner", extra+"/role", url.Values{"role": {"owner"}}), http.StatusSeeOther)
	mustContain(t, is.get(t, "owner", staff), "The role is changed.")
	// With a second owner the first may go.
	wantStatus(t, "remove owner", is.post(t, "extra", owner+"/remove", nil), http.StatusSeeOther)
	r = is.get(t, "extra", staff)
	mustContain(t, r, "The staff member is removed.")
	if strings.Contains(r.body, "owner@x.org") {
		t.Error("the removed owner is still listed")
	}
	wantStatus(t, "not staff", is.post(t, "extra", owner+"/remove", nil), http.StatusUnprocessableEntity)
	wantStatus(t, "bad user id", is.post(t, "extra", staff+"/abc/remove", nil), http.StatusNotFound)
}

func TestIssuerPagesNeedSignIn(t *testing.T) {
	is := newIssuerSite(t)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	r := get(t, c, is.ts.URL+"/admin/issuers/"+is.issuer.ID)
	if r.status != http.StatusSeeOther || r.location != "/login?next="+url.QueryEscape("/admin/issuers/"+is.issuer.ID) {
		t.Errorf("visitor: %d to %q", r.status, r.location)
	}
	wantStatus(t, "visitor rotate", post(t, c, is.ts.URL+"/admin/issuers/"+is.issuer.ID+"/keys/rotate", nil), http.StatusUnauthorized)
}

func TestDashboardLinksIssuers(t *testing.T) {
	is := newIssuerSite(t)
	mustContain(t, is.get(t, "admin", "/"), `href="/admin/issuers/new">Add an issuer</a>`, `href="/admin/issuers">Issuers</a>`)
	r := is.get(t, "viewer", "/")
	mustContain(t, r, `href="/admin/issuers">Issuers</a>`, "Your issuers", `href="/admin/issuers">See the issuer</a>`)
	mustContain(t, is.get(t, "stranger", "/"), "No issuers yet", "Ask an issuer's owner to add you.")
	if strings.Contains(r.body, `href="/admin/issuers/new"`) {
		t.Error("the dashboard offers a non-admin to add an issuer")
	}
}

func TestIssuerPagesHaveNoInlineScriptOrStyle(t *testing.T) {
	is := newIssuerSite(t)
	base := "/admin/issuers/" + is.issuer.ID
	for _, p := range []string{"/", "/admin/issuers", "/admin/issuers/new", base, base + "/edit", base + "/staff"} {
		r := is.get(t, "admin", p)
		wantStatus(t, p, r, http.StatusOK)
		if m := inlineStyle.FindString(r.body); m != "" {
			t.Errorf("%s has inline code %q", p, m)
		}
		for _, tag := range scriptTag.FindAllString(r.body, -1) {
			if !strings.Contains(tag, " src=") {
				t.Errorf("%s has an inline script %q", p, tag)
			}
		}
	}
}
