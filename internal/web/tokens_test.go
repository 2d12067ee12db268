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
	"github.com/rosettebadges/rosette/internal/keys"
	"github.com/rosettebadges/rosette/internal/server"
	"github.com/rosettebadges/rosette/internal/service"
	"github.com/rosettebadges/rosette/internal/store"
	"github.com/rosettebadges/rosette/internal/store/storetest"
)

// TestTokenPages: a signed-in person lists, creates (seeing the token once) and revokes their
// own API tokens, and cannot touch anyone else's; the real tokens service on SQLite.
func TestTokenPages(t *testing.T) {
	ctx := context.Background()
	st := storetest.NewSQLite(t)
	master, err := keys.ParseMasterKey(keys.NewMasterKey())
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	clock := badge.NewFakeClock(at)
	issuers := service.NewIssuers(st, keys.NewManager(st, master), clock, nil)
	tokens := service.NewTokens(st, clock, nil)
	acc := &tokenAccounts{users: map[string]*badge.User{}}
	users := map[string]*badge.User{}
	for _, n := range []string{"admin", "ann", "bob"} {
		u := &store.User{Email: n + "@x.org", EmailKey: n + "@x.org", Name: "User " + n, PasswordHash: "x", IsAdmin: n == "admin", CreatedAt: at, UpdatedAt: at}
		if err := st.Update(ctx, func(tx *store.Tx) error { return tx.InsertUser(ctx, u) }); err != nil {
			t.Fatal(err)
		}
		users[n] = &badge.User{ID: u.ID, Email: u.Email, Name: u.Name, IsAdmin: u.IsAdmin}
		acc.users["token-"+n] = users[n]
	}
	iss, err := issuers.Create(ctx, users["admin"], badge.IssuerFields{Name: "Acme"}, users["ann"].ID)
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Options{Accounts: acc, Issuers: issuers, Tokens: tokens})
	if err != nil {
		t.Fatal(err)
	}
	srv := server.New(server.Options{Errors: s})
	s.Register(srv)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	base, _ := url.Parse(ts.URL)
	client := func(who string) *http.Client {
		jar, _ := cookiejar.New(nil)
		if who != "" {
			jar.SetCookies(base, []*http.Cookie{{Name: SessionCookie, Value: "token-" + who}})
		}
		return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	ann, bob := client("ann"), client("bob")

	if r := get(t, client(""), ts.URL+"/account/tokens"); r.status != http.StatusSeeOther {
		t.Errorf("signed out: %d", r.status)
	}
	r := get(t, ann, ts.URL+"/account/tokens")
	wantStatus(t, "list", r, http.StatusOK)
	mustContain(t, r, "You have no API tokens yet.", `<option value="`+iss.ID+`">Acme</option>`, `value="awards:revoke"`, `href="/api/docs"`)

	// Problems are shown beside their fields; nothing is made.
	r = post(t, ann, ts.URL+"/account/tokens", url.Values{"name": {"CI"}, "expires_days": {"90"}})
	wantStatus(t, "no scope", r, http.StatusUnprocessableEntity)
	mustContain(t, r, "Choose at least one scope.")

	r = post(t, ann, ts.URL+"/account/tokens", url.Values{"name": {"CI"}, "issuer": {iss.ID}, "scope": {"awards:write", "badges:read"}, "expires_days": {"30"}})
	wantStatus(t, "create", r, http.StatusCreated)
	m := regexp.MustCompile(`value="(rst_[a-z2-7]{52})"`).FindStringSubmatch(r.body)
	if m == nil {
		t.Fatalf("the new token is not shown:\n%s", r.body)
	}
	mustContain(t, r, "shown only this once", "<code>badges:read</code>, <code>awards:write</code>", "Acme", "Never")
	u, err := tokens.Authenticate(ctx, m[1])
	if err != nil || u.ID != users["ann"].ID || u.Token.IssuerID != iss.ID {
		t.Fatalf("created token: %+v %v", u, err)
	}
	// The list never shows the token again.
	r = get(t, ann, ts.URL+"/account/tokens")
	if strings.Contains(r.body, m[1]) {
		t.Error("the token is shown again")
	}
	mustContain(t, r, m[1][:8]+"…")
	// bob cannot see or revoke ann's token, nor make one for an issuer he does not work on.
	list, _ := tokens.List(ctx, users["ann"], users["ann"].ID)
	id := list[0].ID
	if r := get(t, bob, ts.URL+"/account/tokens"); strings.Contains(r.body, m[1][:8]) {
		t.Error("bob sees ann's token")
	}
	if r := post(t, bob, ts.URL+"/account/tokens/"+itoa64(id)+"/revoke", nil); r.status != http.StatusNotFound {
		t.Errorf("bob revoking: %d", r.status)
	}
	if r := post(t, bob, ts.URL+"/account/tokens", url.Values{"issuer": {iss.ID}, "scope": {"awards:write"}, "expires_days": {"0"}}); r.status != http.StatusForbidden {
		t.Errorf("bob for Acme: %d", r.status)
	}
	r = post(t, ann, ts.URL+"/account/tokens/"+itoa64(id)+"/revoke", nil)
	if r.status != http.StatusSeeOther || r.location != "/account/tokens" {
		t.Fatalf("revoke: %d %s", r.status, r.location)
	}
	r = get(t, ann, ts.URL+"/account/tokens")
	mustContain(t, r, "The API token is revoked", `<span class="tag">Revoked</span>`)
	if _, err := tokens.Authenticate(ctx, m[1]); err == nil {
		t.Error("revoked token still works")
	}
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
