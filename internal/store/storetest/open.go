// Package storetest is the store contract suite: Run checks every store method against a
// fresh database and runs unchanged on SQLite and PostgreSQL. It also gives tests of other
// packages a fresh, migrated database of either kind (NewSQLite, NewPostgres, Each).
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"path/filepath"
	"testing"

	"github.com/rosettebadges/rosette/internal/store"
	"github.com/rosettebadges/rosette/internal/testenv"
)

// NewSQLite opens and migrates a new SQLite database in a temp dir, closed at cleanup.
func NewSQLite(t testing.TB) *store.Store {
	t.Helper()
	return open(t, "sqlite:"+filepath.Join(t.TempDir(), "rosette.db"))
}

// SQLiteURL returns the database URL of a new, migrated SQLite database in a temp dir, for
// tests that open it from several processes.
func SQLiteURL(t testing.TB) string {
	t.Helper()
	u := "sqlite:" + filepath.Join(t.TempDir(), "rosette.db")
	open(t, u)
	return u
}

// NewPostgres opens and migrates a new schema of its own in the test PostgreSQL server
// (testenv.PostgresURL), dropped at cleanup, so tests are isolated and may run in parallel.
func NewPostgres(t testing.TB) *store.Store {
	t.Helper()
	return open(t, PostgresSchemaURL(t))
}

// PostgresSchemaURL creates a fresh schema in the test PostgreSQL server, dropped at cleanup,
// and returns a database URL whose connections use it.
func PostgresSchemaURL(t testing.TB) string {
	t.Helper()
	base := testenv.PostgresURL(t)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	var b [8]byte
	rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func open(t testing.TB, databaseURL string) *store.Store {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, databaseURL, "", nil)
	if err != nil {
		t.Fatalf("open %s: %v", databaseURL, err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return s
}

// Each runs f once per database as a subtest: "sqlite" always, "postgres" when the test
// PostgreSQL server is configured (and failing under make test when it is not).
func Each(t *testing.T, f func(t *testing.T, newStore func(t testing.TB) *store.Store)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { f(t, NewSQLite) })
	t.Run("postgres", func(t *testing.T) {
		testenv.PostgresURL(t)
		f(t, NewPostgres)
	})
}
