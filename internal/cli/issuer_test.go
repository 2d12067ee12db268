package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rosettebadges/rosette/internal/keys"
	"github.com/rosettebadges/rosette/internal/store"
)

func TestIssuerCreateCommand(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"ROSETTE_DATA_DIR": dir, "USER": "ops"}
	if code, _, stderr := runEnv(t, env, "user", "create", "--email", "ann@x.org", "--password-file", passwordFile(t, "correct horse battery")); code != ExitOK {
		t.Fatalf("user create: %d %s", code, stderr)
	}
	code, out, stderr := runEnv(t, env, "issuer", "create", "--name", "Acme Academy", "--owner", "ANN@x.org", "--website", "https://acme.example", "--linkedin-org", "42")
	if code != ExitOK || !strings.Contains(out, "Created issuer Acme Academy\nid: ") || !strings.Contains(out, "did: did:web:127.0.0.1%3A8080:issuers:") {
		t.Fatalf("issuer create: %d\n%s\n%s", code, out, stderr)
	}
	if fi, err := os.Stat(filepath.Join(dir, "master.key")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("master.key: %v", err)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, "", dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	_ = st.View(ctx, func(tx *store.Tx) error {
		all, err := tx.ListIssuers(ctx)
		if err != nil || len(all) != 1 || all[0].LinkedInOrg != "42" {
			t.Fatalf("issuers = %+v, %v", all, err)
		}
		ks, _ := tx.IssuerKeys(ctx, all[0].ID)
		ms, _ := tx.ListMembers(ctx, all[0].ID)
		if len(ks) != 2 || len(ms) != 1 || ms[0].Role != "owner" || ms[0].Email != "ann@x.org" {
			t.Errorf("keys %d, members %+v", len(ks), ms)
		}
		evs, _ := tx.ListAuditEvents(ctx, 0, 1)
		if len(evs) != 1 || evs[0].Action != "issuer.create" || evs[0].Actor != "cli:ops" {
			t.Errorf("audit %+v", evs)
		}
		return nil
	})
	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"issuer", "create", "--name", "X"}, ExitUsage, "--owner are required"},
		{[]string{"issuer", "create", "--name", "X", "--owner", "zed@x.org"}, ExitFailure, "Nobody has an account"},
		{[]string{"issuer", "create", "--name", "X", "--owner", "ann@x.org", "--website", "acme"}, ExitFailure, "Website must be"},
		{[]string{"issuer"}, ExitUsage, "Usage:"},
	} {
		code, _, stderr := runEnv(t, env, tt.args...)
		if code != tt.code || !strings.Contains(stderr, tt.want) {
			t.Errorf("%v: exit %d, stderr %s", tt.args, code, stderr)
		}
	}
	if code, out, _ := runEnv(t, env, "issuer", "-h"); code != ExitOK || !strings.Contains(out, "Usage:") {
		t.Errorf("-h: %d", code)
	}
	if code, _, _ := runEnv(t, env, "issuer", "create", "-h"); code != ExitOK {
		t.Errorf("create -h: %d", code)
	}
}

// TestServeRefusesWrongMasterKey: once keys exist, serve with another master key fails at
// start-up, naming ROSETTE_MASTER_KEY.
func TestServeRefusesWrongMasterKey(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"ROSETTE_DATA_DIR": dir}
	if code, _, stderr := runEnv(t, env, "user", "create", "--email", "ann@x.org", "--password-file", passwordFile(t, "correct horse battery")); code != ExitOK {
		t.Fatalf("user create: %d %s", code, stderr)
	}
	if code, _, stderr := runEnv(t, env, "issuer", "create", "--name", "Acme", "--owner", "ann@x.org"); code != ExitOK {
		t.Fatalf("issuer create: %d %s", code, stderr)
	}
	env["ROSETTE_MASTER_KEY"] = keys.NewMasterKey()
	ctx, cancel := context.WithTimeout(context.Background(), bootTimeout) // safety net only
	defer cancel()
	var out, errb strings.Builder
	code := Main(ctx, Env{Args: []string{"serve", "--addr", "127.0.0.1:0"}, Stdout: &out, Stderr: &errb, Stdin: strings.NewReader(""),
		Getenv: func(k string) string { return env[k] }})
	if code != ExitFailure || !strings.Contains(errb.String(), "ROSETTE_MASTER_KEY") || strings.Contains(errb.String(), env["ROSETTE_MASTER_KEY"]) {
		t.Errorf("exit %d, stderr:\n%s", code, errb.String())
	}
}
