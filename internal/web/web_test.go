package web

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/server"
)

// site starts the pages behind the real server middleware on an httptest server and returns
// a client with a cookie jar that does not follow redirects.
func site(t *testing.T, acc Accounts) (*httptest.Server, *http.Client) {
	t.Helper()
	s, err := New(Options{Accounts: acc})
	if err != nil {
		t.Fatal(err)
	}
	srv := server.New(server.Options{Errors: s})
	s.Register(srv)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return ts, c
}

type response struct {
	status   int
	location string
	body     string
}

func get(t *testing.T, c *http.Client, u string) response {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	return read(t, resp)
}

func post(t *testing.T, c *http.Client, u string, form url.Values) response {
	t.Helper()
	resp, err := c.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	return read(t, resp)
}

func read(t *testing.T, resp *http.Response) response {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	return response{resp.StatusCode, resp.Header.Get("Location"), string(b)}
}

func mustContain(t *testing.T, r response, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(r.body, p) {
			t.Errorf("page (status %d) lacks %q", r.status, p)
		}
	}
}

func TestSetupSignInChangePasswordSignOut(t *testing.T) {
	acc := newMemAccounts()
	ts, c := site(t, acc)

	r := get(t, c, ts.URL+"/")
	mustContain(t, r, "This installation has no accounts yet")

	r = get(t, c, ts.URL+"/setup?token=setup-token")
	mustContain(t, r, `name="token" value="setup-token"`, "Create administrator")

	// Different passwords: the form comes back with the error, names kept, passwords not.
	r = post(t, c, ts.URL+"/setup", url.Values{"token": {"setup-token"}, "name": {"Ada Admin"},
		"email": {"ada@example.org"}, "password": {"correct horse battery"}, "password_confirm": {"other"}})
	if r.status != http.StatusUnprocessableEntity {
		t.Errorf("mismatched passwords: status %d", r.status)
	}
	mustContain(t, r, "The two passwords are different.", `value="Ada Admin"`, `value="ada@example.org"`, `aria-invalid="true"`)
	if strings.Contains(r.body, "correct horse battery") {
		t.Error("the password was echoed back into the form")
	}

	// The password rule of the service is shown at the field.
	r = post(t, c, ts.URL+"/setup", url.Values{"token": {"setup-token"}, "name": {"Ada Admin"},
		"email": {"ada@example.org"}, "password": {"short"}, "password_confirm": {"short"}})
	mustContain(t, r, `id="password-error">Password must be at least 10 characters`)

	// A wrong setup link is refused on the form, which keeps what was typed.
	r = post(t, c, ts.URL+"/setup", url.Values{"token": {"forged"}, "name": {"Ada Admin"},
		"email": {"ada@example.org"}, "password": {"correct horse battery"}, "password_confirm": {"correct horse battery"}})
	if r.status != http.StatusForbidden {
		t.Errorf("forged token: status %d", r.status)
	}
	mustContain(t, r, "This setup link is not valid.", `value="Ada Admin"`)

	r = post(t, c, ts.URL+"/setup", url.Values{"token": {"setup-token"}, "name": {"Ada Admin"},
		"email": {"ada@example.org"}, "password": {"correct horse battery"}, "password_confirm": {"correct horse battery"}})
	if r.status != http.StatusSeeOther || r.location != "/" {
		t.Fatalf("setup: %d to %q, want 303 to /", r.status, r.location)
	}
	r = get(t, c, ts.URL+"/")
	mustContain(t, r, "Your administrator account is ready", "No issuers yet", "Signed in as <strong>Ada Admin</strong>")
	r = get(t, c, ts.URL+"/")
	if strings.Contains(r.body, "Your administrator account is ready") {
		t.Error("the flash message was shown twice")
	}

	// Setup is over: the link now leads to sign in.
	r = get(t, c, ts.URL+"/setup?token=setup-token")
	if r.status != http.StatusSeeOther || r.location != "/login" {
		t.Errorf("setup after setup: %d to %q", r.status, r.location)
	}

	r = post(t, c, ts.URL+"/account/password", url.Values{"current_password": {"wrong"},
		"new_password": {"a brand new secret"}, "new_password_confirm": {"a brand new secret"}})
	mustContain(t, r, `id="current_password-error">This is not your current password.`)
	// The service's password rule is shown beside the new password.
	r = post(t, c, ts.URL+"/account/password", url.Values{"current_password": {"correct horse battery"},
		"new_password": {"short"}, "new_password_confirm": {"short"}})
	if r.status != http.StatusUnprocessableEntity {
		t.Errorf("short new password: status %d", r.status)
	}
	mustContain(t, r, `id="new_password-error">Password must be at least 10 characters`)
	r = post(t, c, ts.URL+"/account/password", url.Values{"current_password": {"correct horse battery"},
		"new_password": {"a brand new secret"}, "new_password_confirm": {"another secret"}})
	mustContain(t, r, `id="new_password_confirm-error">The two new passwords are different.`)
	r = post(t, c, ts.URL+"/account/password", url.Values{"current_password": {"correct horse battery"},
		"new_password": {"a brand new secret"}, "new_password_confirm": {"a brand new secret"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("change password: %d\n%s", r.status, r.body)
	}
	mustContain(t, get(t, c, ts.URL+"/"), "Your password is changed.")

	r = post(t, c, ts.URL+"/logout", nil)
	if r.status != http.StatusSeeOther || r.location != "/login" {
		t.Fatalf("logout: %d to %q", r.status, r.location)
	}
	mustContain(t, get(t, c, ts.URL+"/login"), "You are signed out.")
	if r := get(t, c, ts.URL+"/account/password"); r.status != http.StatusSeeOther ||
		r.location != "/login?next=%2Faccount%2Fpassword" {
		t.Errorf("signed out, account page: %d to %q", r.status, r.location)
	}

	r = post(t, c, ts.URL+"/login", url.Values{"email": {"ada@example.org"}, "password": {"correct horse battery"}})
	if r.status != http.StatusUnauthorized {
		t.Errorf("old password: %d", r.status)
	}
	mustContain(t, r, "The email address or password is not right.", `value="ada@example.org"`)
	r = post(t, c, ts.URL+"/login", url.Values{"email": {"ada@example.org"}, "password": {"a brand new secret"},
		"next": {"/account/password"}})
	if r.status != http.StatusSeeOther || r.location != "/account/password" {
		t.Fatalf("login: %d to %q", r.status, r.location)
	}
	mustContain(t, get(t, c, ts.URL+"/account/password"), "You are signed in.", "Change password")

	// Pages no route matched still show who is signed in.
	mustContain(t, get(t, c, ts.URL+"/no/such/page"), "Page not found", "Signed in as <strong>Ada Admin</strong>")
}

func TestLoginThrottledShowsTooManyPage(t *testing.T) {
	acc := newMemAccounts()
	acc.failures = 3
	ts, c := site(t, acc)
	r := post(t, c, ts.URL+"/login", url.Values{"email": {"a@example.org"}, "password": {"x"}})
	if r.status != http.StatusTooManyRequests {
		t.Fatalf("status %d", r.status)
	}
	mustContain(t, r, "Too many attempts", "Error 429")
}

func TestErrorPages(t *testing.T) {
	ts, c := site(t, newMemAccounts())
	tests := []struct {
		method, path string
		status       int
		text         string
	}{
		{"GET", "/no/such/page", 404, "Page not found"},
		{"PUT", "/login", 405, "Not possible here"},
		{"GET", "/static/app.css", 404, "Page not found"},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest(tt.method, ts.URL+tt.path, nil)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r := read(t, resp)
		if r.status != tt.status {
			t.Errorf("%s %s: status %d, want %d", tt.method, tt.path, r.status, tt.status)
		}
		mustContain(t, r, tt.text, "Reference: <code>")
	}
	// A state change from another site is refused with the 403 page.
	req, _ := http.NewRequest("POST", ts.URL+"/logout", nil)
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r := read(t, resp)
	if r.status != 403 {
		t.Errorf("cross-site POST: %d", r.status)
	}
	mustContain(t, r, "Not allowed")
}

func TestEveryErrorStatusRenders(t *testing.T) {
	s, err := New(Options{Accounts: newMemAccounts()})
	if err != nil {
		t.Fatal(err)
	}
	for status, text := range errorTexts {
		w := httptest.NewRecorder()
		s.ServeError(w, httptest.NewRequest("GET", "/", nil), status)
		if w.Code != status || !strings.Contains(w.Body.String(), text.heading) {
			t.Errorf("ServeError(%d) = %d, lacks %q", status, w.Code, text.heading)
		}
	}
}

var (
	inlineStyle = regexp.MustCompile(`(?i)(\sstyle=|<style|\son[a-z]+=|javascript:)`)
	scriptTag   = regexp.MustCompile(`(?i)<script[^>]*>`)
)

// TestNoInlineScriptOrStyle keeps the pages compatible with the strict CSP.
func TestNoInlineScriptOrStyle(t *testing.T) {
	acc := newMemAccounts()
	ts, c := site(t, acc)
	pages := []string{"/", "/setup?token=setup-token", "/login", "/nowhere"}
	post(t, c, ts.URL+"/setup", url.Values{"token": {"setup-token"}, "name": {"A"}, "email": {"a@example.org"},
		"password": {"correct horse battery"}, "password_confirm": {"correct horse battery"}})
	pages = append(pages, "/", "/account/password")
	for _, p := range pages {
		r := get(t, c, ts.URL+p)
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

func TestStaticAssets(t *testing.T) {
	ts, c := site(t, newMemAccounts())
	s, _ := New(Options{Accounts: newMemAccounts()})
	for _, name := range []string{"app.css", "vendor/htmx.min.js", "rosette.svg"} {
		u, err := s.assets.url(name)
		if err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`^/static/.+\.[0-9a-f]{12}\.[a-z]+$`).MatchString(u) {
			t.Errorf("%s -> %s, want a hashed URL", name, u)
		}
		resp, err := c.Get(ts.URL + u)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
			t.Errorf("%s: %d, Cache-Control %q", u, resp.StatusCode, resp.Header.Get("Cache-Control"))
		}
	}
}

func TestLocalPath(t *testing.T) {
	tests := map[string]string{
		"":                     "/",
		"/account/password":    "/account/password",
		"/a?b=c":               "/a?b=c",
		"//evil.example/x":     "/",
		"/\\evil.example":      "/",
		"https://evil.example": "/",
		"javascript:alert(1)":  "/",
		"relative":             "/",
		"/a\r\nSet-Cookie:x":   "/",
	}
	got := map[string]string{}
	for in := range tests {
		got[in] = localPath(in)
	}
	if d := cmp.Diff(tests, got); d != "" {
		t.Errorf("localPath (-want +got):\n%s", d)
	}
}

func TestUnknownFlashCodeIsIgnored(t *testing.T) {
	s, _ := New(Options{Accounts: newMemAccounts()})
	r := httptest.NewRequest("GET", "/login", nil)
	r.AddCookie(&http.Cookie{Name: flashCookie, Value: "<script>alert(1)</script>"})
	if f := s.takeFlash(httptest.NewRecorder(), r); f != nil {
		t.Errorf("flash = %+v, want none", f)
	}
}

func TestFormsShowFieldErrors(t *testing.T) {
	ts, c := site(t, newMemAccounts())
	tests := []struct {
		name, path string
		form       url.Values
		want       []string
	}{
		{"setup, everything missing", "/setup", url.Values{"token": {"setup-token"}},
			[]string{`id="name-error">Name is required.`, `id="email-error">Email address is required.`, `id="password-error">Password is required.`}},
		{"setup, bad email kept", "/setup", url.Values{"token": {"setup-token"}, "name": {"Bo"}, "email": {"bo@"},
			"password": {"correct horse battery"}, "password_confirm": {"correct horse battery"}},
			[]string{`id="email-error"`, `value="bo@"`, `value="Bo"`}},
		{"login, empty", "/login", url.Values{}, []string{"Enter your email address.", "Enter your password."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := post(t, c, ts.URL+tt.path, tt.form)
			if r.status != http.StatusUnprocessableEntity {
				t.Errorf("status %d", r.status)
			}
			mustContain(t, r, tt.want...)
		})
	}
}

func TestInternalErrorShowsThe500PageAndLogsOnce(t *testing.T) {
	acc := newMemAccounts()
	acc.broken = badge.E(badge.Internal, "Could not read accounts.", errors.New("disk on fire at /var/db"))
	var logs bytes.Buffer
	s, err := New(Options{Accounts: acc, Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	srv := server.New(server.Options{Errors: s})
	s.Register(srv)
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	if w.Code != 500 || !strings.Contains(w.Body.String(), "Something went wrong") {
		t.Fatalf("status %d", w.Code)
	}
	if strings.Contains(w.Body.String(), "disk on fire") {
		t.Error("the cause of an internal error was shown")
	}
	if n := strings.Count(logs.String(), "disk on fire"); n != 1 {
		t.Errorf("the cause was logged %d times, want once:\n%s", n, logs.String())
	}
}

func TestClientAddr(t *testing.T) {
	for remote, want := range map[string]string{
		"192.0.2.1:4000":     "192.0.2.1",
		"[2001:db8::7]:4000": "2001:db8::7",
		"203.0.113.9":        "203.0.113.9", // resolved behind a trusted proxy
		"2001:db8:2::7":      "2001:db8:2::7",
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = remote
		if got := clientAddr(r); got != want {
			t.Errorf("clientAddr(%q) = %q, want %q", remote, got, want)
		}
	}
}

// TestSecureCookieBehindTrustedProxy checks that a sign-in that reached a trusted proxy over
// HTTPS gets a Secure session cookie, and that the header counts from no one else.
func TestSecureCookieBehindTrustedProxy(t *testing.T) {
	for _, tc := range []struct {
		name    string
		trusted []netip.Prefix
		want    bool
	}{
		{"trusted proxy says https", []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}, true},
		{"untrusted peer says https", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			acc := newMemAccounts()
			acc.user = &badge.User{ID: 1, Email: "ada@example.org", Name: "Ada"}
			acc.password = "correct horse battery"
			s, err := New(Options{Accounts: acc})
			if err != nil {
				t.Fatal(err)
			}
			srv := server.New(server.Options{Errors: s, TrustedProxies: tc.trusted})
			s.Register(srv)
			ts := httptest.NewServer(srv)
			t.Cleanup(ts.Close)
			form := url.Values{"email": {"ada@example.org"}, "password": {"correct horse battery"}}
			req, _ := http.NewRequest("POST", ts.URL+"/login", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-Forwarded-Proto", "https")
			req.Header.Set("X-Forwarded-For", "203.0.113.9")
			c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			var found bool
			for _, ck := range resp.Cookies() {
				if ck.Name == SessionCookie {
					found = true
					if ck.Secure != tc.want {
						t.Errorf("session cookie Secure = %v, want %v", ck.Secure, tc.want)
					}
				}
			}
			if !found {
				t.Fatalf("no session cookie (status %d)", resp.StatusCode)
			}
		})
	}
}
