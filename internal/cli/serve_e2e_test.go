package cli

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the pgx database/sql driver, to create a test database

	"github.com/rosettebadges/rosette/internal/keys"
	"github.com/rosettebadges/rosette/internal/server"
	"github.com/rosettebadges/rosette/internal/testenv"
)

func TestServeEndToEndSQLite(t *testing.T) {
	testServeEndToEnd(t, nil, "--data-dir", t.TempDir())
}

func TestServeEndToEndPostgres(t *testing.T) {
	dbURL := freshPostgresDatabase(t, testenv.PostgresURL(t))
	testServeEndToEnd(t, map[string]string{"ROSETTE_MASTER_KEY": keys.NewMasterKey()}, "--data-dir", t.TempDir(), "--database-url", dbURL)
}

// freshPostgresDatabase creates a database of the test's own on the server of baseURL and
// drops it when the test ends.
func freshPostgresDatabase(t *testing.T, baseURL string) string {
	t.Helper()
	admin, err := sql.Open("pgx", baseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	var b [6]byte
	rand.Read(b[:])
	name := "rosette_e2e_" + hex.EncodeToString(b[:])
	ctx := context.Background()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", baseURL)
		if err != nil {
			t.Error(err)
			return
		}
		defer db.Close()
		if _, err := db.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop database: %v", err)
		}
	})
	u, err := url.Parse(baseURL)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

func testServeEndToEnd(t *testing.T, environ map[string]string, args ...string) {
	srv := bootServeEnv(t, true, environ, append([]string{"--addr", "127.0.0.1:0"}, args...)...)
	base := srv.BaseURL
	if !strings.HasPrefix(base, "http://127.0.0.1:") || strings.HasSuffix(base, ":0") {
		t.Fatalf("printed address %q is not the bound one", base)
	}
	if !strings.HasPrefix(srv.SetupLink, base+"/setup?token=") {
		t.Fatalf("setup link %q is not under %s", srv.SetupLink, base)
	}
	c := browserlessClient(t)

	call := func(method, path string, form url.Values, header map[string]string) (*http.Response, string) {
		t.Helper()
		var body io.Reader
		if form != nil {
			body = strings.NewReader(form.Encode())
		}
		req, err := http.NewRequest(method, base+path, body)
		if err != nil {
			t.Fatal(err)
		}
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		return resp, string(b)
	}

	t.Run("health", func(t *testing.T) {
		if resp, body := call("GET", "/healthz", nil, nil); resp.StatusCode != 200 || body != "ok\n" {
			t.Errorf("/healthz = %d %q", resp.StatusCode, body)
		}
		if resp, body := call("GET", "/readyz", nil, nil); resp.StatusCode != 200 || body != "ready\n" {
			t.Errorf("/readyz = %d %q", resp.StatusCode, body)
		}
	})

	t.Run("security headers", func(t *testing.T) {
		resp, body := call("GET", "/login", nil, map[string]string{"X-Request-Id": "e2e-request-1"})
		if resp.StatusCode != 200 || !strings.Contains(body, "Sign in") {
			t.Fatalf("/login = %d", resp.StatusCode)
		}
		want := map[string]string{
			"Content-Security-Policy": server.ContentSecurityPolicy,
			"X-Content-Type-Options":  "nosniff",
			"Referrer-Policy":         "strict-origin-when-cross-origin",
			"X-Request-Id":            "e2e-request-1",
			"Content-Type":            "text/html; charset=utf-8",
		}
		for k, v := range want {
			if got := resp.Header.Get(k); got != v {
				t.Errorf("%s = %q, want %q", k, got, v)
			}
		}
		if resp.Header.Get("Permissions-Policy") == "" {
			t.Error("no Permissions-Policy")
		}
		if resp.Header.Get("Strict-Transport-Security") != "" {
			t.Error("HSTS sent over plain http")
		}
		if !strings.Contains(srv.Logs(), `"request_id":"e2e-request-1"`) {
			t.Error("the access log has no line with the request id")
		}
	})

	t.Run("setup", func(t *testing.T) {
		u, err := url.Parse(srv.SetupLink)
		if err != nil {
			t.Fatal(err)
		}
		token := u.Query().Get("token")
		if resp, body := call("GET", "/setup?token="+url.QueryEscape(token), nil, nil); resp.StatusCode != 200 ||
			!strings.Contains(body, "Create administrator") {
			t.Fatalf("setup page = %d", resp.StatusCode)
		}
		resp, body := call("POST", "/setup", url.Values{"token": {token}, "name": {"Erin Admin"},
			"email": {"erin@example.org"}, "password": {"a long enough password"},
			"password_confirm": {"a long enough password"}}, nil)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
			t.Fatalf("setup = %d to %q\n%s", resp.StatusCode, resp.Header.Get("Location"), body)
		}
		if resp, body := call("GET", "/", nil, nil); !strings.Contains(body, "No issuers yet") {
			t.Errorf("dashboard = %d, lacks the empty state", resp.StatusCode)
		}
		if resp, _ := call("POST", "/setup", url.Values{"token": {token}, "name": {"X"},
			"email": {"x@example.org"}, "password": {"a long enough password"},
			"password_confirm": {"a long enough password"}}, nil); resp.StatusCode < 400 {
			t.Errorf("a second setup with the same token = %d", resp.StatusCode)
		}
	})

	t.Run("bulk pages mounted", func(t *testing.T) {
		resp, body := call("GET", "/admin/bulk/example.csv", nil, nil)
		if resp.StatusCode != 200 || !strings.HasPrefix(body, "email,name,") || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" {
			t.Errorf("example CSV = %d %q", resp.StatusCode, body)
		}
		if resp, body := call("GET", "/admin/badges/nope/bulk", nil, nil); resp.StatusCode != 404 || !strings.Contains(body, "There is no such badge class.") {
			t.Errorf("bulk form of a missing badge class = %d", resp.StatusCode)
		}
	})

	t.Run("cross-origin refusal", func(t *testing.T) {
		for _, h := range []map[string]string{
			{"Origin": "https://evil.example"},
			{"Sec-Fetch-Site": "cross-site"},
		} {
			resp, body := call("POST", "/logout", url.Values{}, h)
			if resp.StatusCode != 403 || !strings.Contains(body, "Not allowed") {
				t.Errorf("POST /logout with %v = %d, want the 403 page", h, resp.StatusCode)
			}
		}
		// Still signed in: the refused request changed nothing.
		if _, body := call("GET", "/", nil, nil); !strings.Contains(body, "Erin Admin") {
			t.Error("a refused cross-origin POST signed the user out")
		}
		resp, _ := call("POST", "/logout", url.Values{}, map[string]string{"Origin": base, "Sec-Fetch-Site": "same-origin"})
		if resp.StatusCode != http.StatusSeeOther {
			t.Errorf("same-origin POST /logout = %d", resp.StatusCode)
		}
	})

	t.Run("login throttling", func(t *testing.T) {
		var last int
		var page string
		for i := 0; i < 30 && last != http.StatusTooManyRequests; i++ {
			resp, body := call("POST", "/login", url.Values{"email": {"erin@example.org"}, "password": {"wrong password"}}, nil)
			last, page = resp.StatusCode, body
		}
		if last != http.StatusTooManyRequests {
			t.Fatalf("30 wrong passwords never got 429 (last %d)", last)
		}
		if !strings.Contains(page, "Too many attempts") {
			t.Error("the 429 answer is not the error page")
		}
	})

	t.Run("metrics", func(t *testing.T) {
		resp, body := call("GET", "/metrics", nil, nil)
		if resp.StatusCode != 200 {
			t.Fatalf("/metrics = %d", resp.StatusCode)
		}
		for _, want := range []string{
			`rosette_http_requests_total{code="200",method="GET",route="GET /healthz"} 1`,
			`rosette_http_requests_total{code="403",method="POST",route="POST /logout"} 2`,
			`rosette_http_requests_total{code="429",method="POST",route="POST /login"}`,
			`rosette_http_request_duration_seconds_bucket{method="GET",route="GET /login",le="+Inf"}`,
			"rosette_http_requests_in_flight",
			"go_goroutines",
			"process_resident_memory_bytes",
		} {
			if !strings.Contains(body, want) {
				t.Errorf("/metrics lacks %q", want)
			}
		}
	})

	if code := srv.Stop(t); code != ExitOK {
		t.Errorf("serve exited %d after cancel, want 0; stderr:\n%s", code, srv.Logs())
	}
	for _, want := range []string{`"msg":"jobs: started"`, `"msg":"shutting down"`, `"msg":"jobs: stopped; running jobs finished"`, `"msg":"stopped"`} {
		if !strings.Contains(srv.Logs(), want) {
			t.Errorf("the log lacks %s", want)
		}
	}
}
