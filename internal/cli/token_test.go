package cli

import (
	"strings"
	"testing"
	"time"
)

func TestTokenCommand(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"ROSETTE_DATA_DIR": dir, "USER": "ops"}
	if code, _, stderr := runEnv(t, env, "user", "create", "--email", "ann@x.org", "--password-file", passwordFile(t, "correct horse battery")); code != ExitOK {
		t.Fatalf("user create: %d %s", code, stderr)
	}
	if code, _, stderr := runEnv(t, env, "user", "create", "--email", "bob@x.org", "--password-file", passwordFile(t, "correct horse battery")); code != ExitOK {
		t.Fatalf("user create: %d %s", code, stderr)
	}
	code, out, stderr := runEnv(t, env, "issuer", "create", "--name", "Acme", "--owner", "ann@x.org")
	if code != ExitOK {
		t.Fatalf("issuer create: %d %s", code, stderr)
	}
	issuerID := strings.TrimSpace(strings.SplitN(strings.SplitN(out, "id: ", 2)[1], "\n", 2)[0])

	code, out, stderr = runEnv(t, env, "token", "create", "--user", "ANN@x.org", "--issuer", issuerID, "--scope", "awards:write",
		"--scope", "badges:read,badges:write", "--name", "CI", "--expires", "90d")
	token := strings.TrimSpace(out)
	if code != ExitOK || !strings.HasPrefix(token, "rst_") || len(token) != 56 || strings.Count(out, "\n") != 1 ||
		!strings.Contains(stderr, "scopes badges:read,badges:write,awards:write") || strings.Contains(stderr, token) {
		t.Fatalf("token create: %d %q %s", code, out, stderr)
	}
	code, out, stderr = runEnv(t, env, "token", "list", "--user", "ann@x.org")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != ExitOK || len(lines) != 2 || !strings.Contains(lines[1], "CI") || !strings.Contains(lines[1], token[:8]) ||
		!strings.Contains(lines[1], issuerID) || !strings.Contains(lines[1], time.Now().UTC().AddDate(0, 0, 90).Format("2006-01-02")) ||
		!strings.HasSuffix(lines[1], "active") || strings.Contains(out, token) {
		t.Fatalf("token list: %d\n%s%s", code, out, stderr)
	}
	id := strings.Fields(lines[1])[0]
	if code, out, _ := runEnv(t, env, "token", "revoke", id); code != ExitOK || !strings.Contains(out, "is revoked") {
		t.Errorf("revoke: %d %s", code, out)
	}
	if code, out, _ := runEnv(t, env, "token", "revoke", id); code != ExitOK || !strings.Contains(out, "already revoked") {
		t.Errorf("second revoke: %d %s", code, out)
	}
	if _, out, _ := runEnv(t, env, "token", "list", "--user", "ann@x.org"); !strings.Contains(out, "revoked") {
		t.Errorf("list after revoke:\n%s", out)
	}
	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"token", "create", "--user", "ann@x.org"}, ExitUsage, "--scope are required"},
		{[]string{"token", "create", "--scope", "awards:write"}, ExitUsage, "--user and"},
		{[]string{"token", "create", "--user", "ann@x.org", "--scope", "awards:write", "--expires", "soon"}, ExitUsage, "--expires"},
		{[]string{"token", "create", "--user", "ann@x.org", "--scope", "root"}, ExitFailure, `Scope "root" is not one of`},
		{[]string{"token", "create", "--user", "zed@x.org", "--scope", "awards:write"}, ExitFailure, "Nobody has an account"},
		{[]string{"token", "create", "--user", "bob@x.org", "--scope", "awards:write", "--issuer", issuerID}, ExitFailure, "not allowed"},
		{[]string{"token", "create", "--user", "ann@x.org", "--scope", "awards:write", "--issuer", "nope"}, ExitFailure, "no such issuer"},
		{[]string{"token", "revoke"}, ExitUsage, "give the token's id"},
		{[]string{"token", "revoke", "x"}, ExitUsage, "not a token id"},
		{[]string{"token", "revoke", "999"}, ExitFailure, "no such API token"},
		{[]string{"token", "list"}, ExitUsage, "--user is required"},
		{[]string{"token"}, ExitUsage, "Usage:"},
	} {
		code, _, stderr := runEnv(t, env, tt.args...)
		if code != tt.code || !strings.Contains(stderr, tt.want) {
			t.Errorf("%v: exit %d, stderr %s", tt.args, code, stderr)
		}
	}
	if code, out, _ := runEnv(t, env, "token", "-h"); code != ExitOK || !strings.Contains(out, "Usage:") {
		t.Errorf("-h: %d", code)
	}
	if code, _, stderr := runEnv(t, env, "token", "create", "-h"); code != ExitOK || !strings.Contains(stderr, "--scope") {
		t.Errorf("create -h: %d %s", code, stderr)
	}
}

func TestParseExpiry(t *testing.T) {
	now := time.Date(2026, 1, 31, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Time{
		"": {}, "never": {}, "90d": now.AddDate(0, 0, 90), "2w": now.AddDate(0, 0, 14), "1y": now.AddDate(1, 0, 0), "36h": now.Add(36 * time.Hour),
	} {
		got, err := parseExpiry(in, now)
		if err != nil || !got.Equal(want) {
			t.Errorf("parseExpiry(%q) = %v, %v", in, got, err)
		}
	}
	for _, in := range []string{"0d", "-1d", "d", "x", "-5h"} {
		if _, err := parseExpiry(in, now); err == nil {
			t.Errorf("parseExpiry(%q) accepted", in)
		}
	}
}
