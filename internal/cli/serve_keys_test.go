package cli

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/config"
	"github.com/rosettebadges/rosette/internal/keys"
	"github.com/rosettebadges/rosette/internal/service"
	"github.com/rosettebadges/rosette/internal/store"
	"github.com/rosettebadges/rosette/internal/testenv"
	"github.com/rosettebadges/rosette/openbadges/did"
)

func TestMasterKeySource(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	var logs strings.Builder
	logger := newLogger(config.Defaults(), &logs)
	cfg := config.Defaults()
	cfg.DataDir = dir
	m1, err := masterKey(cfg, store.SQLite, logger)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(dir, "master.key"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("master.key: %v %v", fi, err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "master.key"))
	if s := strings.TrimSpace(string(b)); strings.Contains(logs.String(), s) || !strings.Contains(logs.String(), "master.key") {
		t.Errorf("log leaks the key or does not name the file: %s", logs.String())
	}
	m2, err := masterKey(cfg, store.SQLite, logger)
	if err != nil || m1 != m2 {
		t.Fatalf("second start: same=%v, %v", m1 == m2, err)
	}
	if _, err := masterKey(cfg, store.Postgres, logger); err == nil || !strings.Contains(err.Error(), "ROSETTE_MASTER_KEY") {
		t.Errorf("PostgreSQL without a master key: %v", err)
	}
	cfg.MasterKey = keys.NewMasterKey()
	m3, err := masterKey(cfg, store.Postgres, logger)
	if err != nil || m3 == m1 {
		t.Errorf("configured key: %v", err)
	}
}

// TestServeIssuerDocuments boots rosette serve on SQLite with no master key configured, then
// creates an issuer in its database with the master key serve generated, and fetches the
// issuer's DID document from the running server.
func TestServeIssuerDocuments(t *testing.T) {
	dir := t.TempDir()
	srv := bootServe(t, true, "--addr", "127.0.0.1:0", "--data-dir", dir)
	ctx := context.Background()
	st, err := store.Open(ctx, "", dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	master, created, err := keys.LoadOrCreateMasterKeyFile(filepath.Join(dir, "master.key"))
	if err != nil || created {
		t.Fatalf("serve did not create master.key: created=%v %v", created, err)
	}
	u := &store.User{Email: "a@x.org", EmailKey: "a@x.org", PasswordHash: "x", IsAdmin: true}
	if err := st.Update(ctx, func(tx *store.Tx) error { return tx.InsertUser(ctx, u) }); err != nil {
		t.Fatal(err)
	}
	svc := service.NewIssuers(st, keys.NewManager(st, master), badge.SystemClock{}, nil)
	iss, err := svc.Create(ctx, &badge.User{ID: u.ID}, badge.IssuerFields{Name: "Acme"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(srv.BaseURL + "/issuers/" + iss.ID + "/did.json")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	doc, err := did.ParseDocument(body)
	if resp.StatusCode != 200 || err != nil || len(doc.AssertionMethod) != 2 || !strings.HasSuffix(doc.ID, ":issuers:"+iss.ID) {
		t.Fatalf("did.json: %d %v %s", resp.StatusCode, err, body)
	}
	resp, err = http.Get(srv.BaseURL + "/issuers/" + iss.ID)
	if err != nil {
		t.Fatal(err)
	}
	var prof map[string]any
	json.NewDecoder(resp.Body).Decode(&prof)
	resp.Body.Close()
	if prof["id"] != srv.BaseURL+"/issuers/"+iss.ID || prof["name"] != "Acme" {
		t.Errorf("profile: %v", prof)
	}
	if resp, err := http.Get(srv.BaseURL + "/issuers/nope/jwks.json"); err != nil || resp.StatusCode != 404 {
		t.Errorf("unknown issuer: %v %v", resp, err)
	}
	// The server's signer opens keys sealed by this process: they share the key file.
	if _, err := keys.NewManager(st, master).Signer(ctx, iss.ID, "Ed25519"); err != nil {
		t.Error(err)
	}
	if strings.Contains(srv.Logs(), strings.TrimSpace(readFile(t, filepath.Join(dir, "master.key")))) {
		t.Error("the master key appears in the logs")
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestServePostgresNeedsMasterKey(t *testing.T) {
	dbURL := freshPostgresDatabase(t, testenv.PostgresURL(t))
	code, _, stderr := runEnv(t, nil, "serve", "--addr", "127.0.0.1:0", "--data-dir", t.TempDir(), "--database-url", dbURL)
	if code != ExitFailure || !strings.Contains(stderr, "ROSETTE_MASTER_KEY") {
		t.Errorf("exit %d, stderr:\n%s", code, stderr)
	}
}
