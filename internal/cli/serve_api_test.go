package cli

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestServeAPIEndToEnd: `rosette token create` against the data of a running `rosette serve`,
// then an integrator's calls: an issuer, a badge class, an award (its public URL answers),
// a replayed request, a revocation, the OpenAPI document and the docs page.
func TestServeAPIEndToEnd(t *testing.T) {
	srv, token, env := serveWithToken(t, "e2e", "issuers:write,badges:write,awards:write,awards:revoke")
	c := &http.Client{}
	call := func(method, path, body string, header ...string) (int, http.Header, map[string]any) {
		t.Helper()
		var rd io.Reader
		if body != "" {
			rd = strings.NewReader(body)
		}
		req, _ := http.NewRequest(method, srv.BaseURL+path, rd)
		req.Header.Set("Authorization", "Bearer "+token)
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		var m map[string]any
		json.Unmarshal(b, &m)
		return res.StatusCode, res.Header, m
	}
	st, _, iss := call("POST", "/api/v1/issuers", `{"name":"Acme Academy","website":"https://acme.example"}`, "Idempotency-Key", "iss-1")
	if st != 201 || iss["url"] != srv.BaseURL+"/issuers/"+iss["id"].(string) {
		t.Fatalf("create issuer: %d %v", st, iss)
	}
	svg := `data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 10 10'%3E%3Ccircle cx='5' cy='5' r='4'/%3E%3C/svg%3E`
	st, _, bc := call("POST", "/api/v1/issuers/"+iss["id"].(string)+"/badges",
		`{"name":"Safe Lifting","description":"Lifts safely.","criteria_narrative":"Lift.","image":"`+svg+`"}`, "Idempotency-Key", "bc-1")
	if st != 201 || bc["url"] != srv.BaseURL+"/badges/"+bc["id"].(string) {
		t.Fatalf("create badge: %d %v", st, bc)
	}
	awardBody := `{"recipient":{"identity":"ada@example.org","name":"Ada"},"notify":false}`
	st, _, aw := call("POST", "/api/v1/badges/"+bc["id"].(string)+"/awards", awardBody, "Idempotency-Key", "aw-1")
	if st != 201 || aw["status"] != "active" {
		t.Fatalf("award: %d %v", st, aw)
	}
	st, h, again := call("POST", "/api/v1/badges/"+bc["id"].(string)+"/awards", awardBody, "Idempotency-Key", "aw-1")
	if st != 201 || h.Get("Idempotent-Replayed") != "true" || again["id"] != aw["id"] {
		t.Errorf("replay: %d %v", st, again)
	}
	// The award's public URL serves the signed credential to JSON-LD clients.
	req, _ := http.NewRequest("GET", aw["credential_url"].(string), nil)
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(b), `"proof"`) || !strings.HasPrefix(aw["url"].(string), srv.BaseURL+"/awards/") {
		t.Errorf("credential: %d %.200s", res.StatusCode, b)
	}
	st, _, rv := call("POST", "/api/v1/awards/"+aw["id"].(string)+"/revoke", `{"reason":"Test."}`, "Idempotency-Key", "rv-1")
	if st != 200 || rv["status"] != "revoked" {
		t.Errorf("revoke: %d %v", st, rv)
	}
	if st, _, list := call("GET", "/api/v1/badges/"+bc["id"].(string)+"/awards", ""); st != 200 || list["total"] != 1.0 {
		t.Errorf("list: %d %v", st, list)
	}
	if st, _, doc := call("GET", "/api/v1/openapi.json", ""); st != 200 || doc["openapi"] != "3.1.0" {
		t.Errorf("openapi.json: %d", st)
	}
	res, err = c.Get(srv.BaseURL + "/api/docs")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("docs: %v %v", res, err)
	}
	res.Body.Close()
	// Revoking the token with the command line ends its access at once.
	_, list, _ := runEnv(t, env, "token", "list", "--user", "root@x.org")
	id := strings.Fields(strings.Split(strings.TrimSpace(list), "\n")[1])[0]
	if code, _, stderr := runEnv(t, env, "token", "revoke", id); code != ExitOK {
		t.Fatalf("revoke: %s", stderr)
	}
	if st, h, _ := call("GET", "/api/v1/issuers", ""); st != 401 || !strings.HasPrefix(h.Get("WWW-Authenticate"), "Bearer") {
		t.Errorf("after revoke: %d", st)
	}
	if code := srv.Stop(t); code != ExitOK {
		t.Errorf("serve exit %d", code)
	}
}

// serveWithToken starts `rosette serve` on a fresh data directory with a site administrator
// and returns the server, an API token of that administrator with the scopes (made with
// `rosette token create`, named name) and the environment of the data directory.
func serveWithToken(t *testing.T, name, scopes string) (srv *running, token string, env map[string]string) {
	t.Helper()
	env = map[string]string{"ROSETTE_DATA_DIR": t.TempDir()}
	if code, _, stderr := runEnv(t, env, "user", "create", "--admin", "--email", "root@x.org", "--password-file", passwordFile(t, "correct horse battery")); code != ExitOK {
		t.Fatalf("user create: %d %s", code, stderr)
	}
	srv = bootServeEnv(t, false, env, "--addr", "127.0.0.1:0")
	code, out, stderr := runEnv(t, env, "token", "create", "--user", "root@x.org", "--name", name, "--scope", scopes)
	if code != ExitOK {
		t.Fatalf("token create: %d %s", code, stderr)
	}
	return srv, strings.TrimSpace(out), env
}
