package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/service"
	"github.com/rosettebadges/rosette/internal/store"
	"github.com/rosettebadges/rosette/internal/store/storetest"
)

func runEnv(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Main(context.Background(), Env{Args: args, Stdout: &out, Stderr: &errb, Stdin: strings.NewReader(""),
		Getenv: func(k string) string { return env[k] }})
	return code, out.String(), errb.String()
}

func passwordFile(t *testing.T, pw string) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(f, []byte(pw+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestConfigCommand(t *testing.T) {
	code, out, stderr := runEnv(t, map[string]string{"ROSETTE_MASTER_KEY": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", "ROSETTE_LOG_LEVEL": "debug"},
		"config", "--database-url", "postgres://rosette:hunter2@db/rosette")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"ROSETTE_ADDR=127.0.0.1:8080\n", "ROSETTE_LOG_LEVEL=debug\n", "ROSETTE_MASTER_KEY=(set)\n",
		"ROSETTE_DATABASE_URL=postgres://rosette:xxxxx@db/rosette\n", "ROSETTE_SESSION_LIFETIME=336h0m0s\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "topsecret") || strings.Contains(out, "hunter2") {
		t.Errorf("secret printed:\n%s", out)
	}
	code, _, stderr = runEnv(t, map[string]string{"ROSETTE_WRITE_TIMEOUT": "forever"}, "config")
	if code != ExitUsage || !strings.Contains(stderr, "ROSETTE_WRITE_TIMEOUT") {
		t.Errorf("invalid setting: exit %d, stderr %q", code, stderr)
	}
	if code, _, _ := runEnv(t, nil, "config", "-h"); code != ExitOK {
		t.Errorf("config -h exit %d", code)
	}
}

func TestMigrateCommand(t *testing.T) {
	dir := t.TempDir()
	code, out, stderr := runEnv(t, nil, "migrate", "status", "--data-dir", dir)
	if code != ExitOK || !strings.Contains(out, "pending  00001_foundation.sql") || !strings.Contains(out, "pending  00002_issuers.sql") || !strings.Contains(out, " pending: run") {
		t.Fatalf("status before: exit %d\n%s%s", code, out, stderr)
	}
	code, out, stderr = runEnv(t, map[string]string{"ROSETTE_DATA_DIR": dir}, "migrate", "up")
	if code != ExitOK || !strings.Contains(out, "applied  00001_foundation.sql") || !strings.Contains(out, "applied  00002_issuers.sql") || !strings.Contains(out, "up to date") {
		t.Fatalf("up: exit %d\n%s%s", code, out, stderr)
	}
	code, out, _ = runEnv(t, nil, "migrate", "--data-dir", dir, "status")
	if code != ExitOK || !strings.Contains(out, "database: sqlite") || !strings.Contains(out, "up to date") {
		t.Errorf("status after: exit %d\n%s", code, out)
	}
	for _, args := range [][]string{{"migrate"}, {"migrate", "down"}, {"migrate", "up", "extra"}} {
		if code, _, _ := runEnv(t, nil, append(args, "--data-dir", dir)...); code != ExitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, ExitUsage)
		}
	}
}

func TestUserCommands(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"ROSETTE_DATA_DIR": dir, "USER": "ops"}
	pw := passwordFile(t, "first password 1")
	code, out, stderr := runEnv(t, env, "user", "create", "--email", "Root@Example.org", "--name", "Root", "--admin", "--password-file", pw)
	if code != ExitOK || !strings.Contains(out, "created admin Root@example.org (id 1)") {
		t.Fatalf("create: exit %d\n%s%s", code, out, stderr)
	}
	code, _, stderr = runEnv(t, env, "user", "create", "--email", "root@example.org", "--password-file", pw)
	if code != ExitFailure || !strings.Contains(stderr, "already exists") {
		t.Errorf("duplicate: exit %d, %q", code, stderr)
	}
	code, _, stderr = runEnv(t, env, "user", "create", "--email", "x@example.org", "--password-file", passwordFile(t, "short"))
	if code != ExitFailure || !strings.Contains(stderr, "at least 10 characters") {
		t.Errorf("short password: exit %d, %q", code, stderr)
	}
	code, _, stderr = runEnv(t, env, "user", "create", "--email", "x@example", "--password-file", passwordFile(t, "short"))
	if code != ExitFailure || !strings.Contains(stderr, "has no domain") || !strings.Contains(stderr, "at least 10 characters") {
		t.Errorf("bad email and short password: exit %d, want both problems in %q", code, stderr)
	}
	code, _, stderr = runEnv(t, env, "user", "create", "--email", "x@example.org", "--password", "a long password")
	if code != ExitUsage || !strings.Contains(stderr, "never taken as arguments") {
		t.Errorf("--password: exit %d, %q", code, stderr)
	}
	code, _, stderr = runEnv(t, env, "user", "create", "--email", "x@example.org")
	if code != ExitUsage || !strings.Contains(stderr, "--password-file") {
		t.Errorf("no terminal: exit %d, %q", code, stderr)
	}
	code, _, stderr = runEnv(t, env, "user", "create", "--password-file", pw)
	if code != ExitUsage || !strings.Contains(stderr, "--email is required") {
		t.Errorf("no email: exit %d, %q", code, stderr)
	}
	code, out, stderr = runEnv(t, env, "user", "reset-password", "--email", "root@example.org", "--password-file", passwordFile(t, "second password 2"))
	if code != ExitOK || !strings.Contains(out, "password reset for root@example.org") {
		t.Fatalf("reset: exit %d\n%s%s", code, out, stderr)
	}
	code, _, stderr = runEnv(t, env, "user", "reset-password", "--email", "nobody@example.org", "--password-file", pw)
	if code != ExitFailure || !strings.Contains(stderr, "No user has the email address") {
		t.Errorf("reset unknown: exit %d, %q", code, stderr)
	}
	for _, args := range [][]string{{"user"}, {"user", "delete"}} {
		if code, _, _ := runEnv(t, env, args...); code != ExitUsage {
			t.Errorf("%v: exit %d", args, code)
		}
	}
	if code, out, _ := runEnv(t, env, "help", "user"); code != ExitOK || !strings.Contains(out, "reset-password") {
		t.Errorf("help user: %d %q", code, out)
	}

	// The database now holds the admin with the reset password, and the audit trail.
	ctx := context.Background()
	st, err := store.Open(ctx, "", dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	acc := service.NewAccounts(st, badge.SystemClock{}, nil, service.AccountsOptions{})
	if _, _, err := acc.Login(ctx, "root@example.org", "second password 2", "cli-test"); err != nil {
		t.Errorf("login with the reset password: %v", err)
	}
	ev, err := acc.AuditLog(ctx, 0, 10)
	if err != nil || len(ev) != 2 || ev[0].Action != "user.password_reset" || ev[1].Action != "user.create" || ev[1].Actor != "cli:ops" {
		t.Errorf("audit = %v, %v", ev, err)
	}
}

func TestMigrateAndUserCommandsPostgres(t *testing.T) {
	u := storetest.PostgresSchemaURL(t)
	env := map[string]string{"ROSETTE_DATABASE_URL": u}
	code, out, stderr := runEnv(t, env, "migrate", "status")
	if code != ExitOK || !strings.Contains(out, "database: postgres") || !strings.Contains(out, " pending: run") {
		t.Fatalf("status: exit %d\n%s%s", code, out, stderr)
	}
	if code, out, stderr := runEnv(t, env, "migrate", "up"); code != ExitOK || !strings.Contains(out, "up to date") {
		t.Fatalf("up: exit %d\n%s%s", code, out, stderr)
	}
	code, out, stderr = runEnv(t, env, "user", "create", "--email", "pg@example.org", "--password-file", passwordFile(t, "postgres password"))
	if code != ExitOK || !strings.Contains(out, "created user pg@example.org") {
		t.Fatalf("user create: exit %d\n%s%s", code, out, stderr)
	}
}
