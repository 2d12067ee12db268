package web

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/keys"
	"github.com/rosettebadges/rosette/internal/server"
	"github.com/rosettebadges/rosette/internal/service"
	"github.com/rosettebadges/rosette/internal/store"
	"github.com/rosettebadges/rosette/internal/store/storetest"
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
	svc     *service.Issuers
	users   map[string]*badge.User
	issuer  *badge.Issuer
	clients map[string]*http.Client
}

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
	svc := service.NewIssuers(st, keys.NewManager(st, master), badge.NewFakeClock(at), nil)
	is := &issuerSite{svc: svc, users: map[string]*badge.User{}, clients: map[string]*http.Client{}}
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
	s, err := New(Options{Accounts: acc, Issuers: svc})
	if err != nil {
		t.Fatal(err)
	}
	srv := server.New(server.Options{Errors: s})
	s.Register(srv)
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
