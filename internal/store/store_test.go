package store_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/rosettebadges/rosette/internal/store"
	"github.com/rosettebadges/rosette/internal/store/storetest"
	"github.com/rosettebadges/rosette/internal/testenv"
)

func TestContractSQLite(t *testing.T) {
	storetest.Run(t, storetest.NewSQLite)
}

func TestContractPostgres(t *testing.T) {
	testenv.PostgresURL(t)
	storetest.Run(t, storetest.NewPostgres)
}

func TestOpenDefaultSQLiteInDataDir(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "nested", "data")
	s, err := store.Open(ctx, "", dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Dialect() != store.SQLite {
		t.Errorf("Dialect = %q", s.Dialect())
	}
	if _, err := os.Stat(filepath.Join(dir, "rosette.db")); err != nil {
		t.Errorf("database file: %v", err)
	}
	current, err := s.MigrationStatus(ctx)
	if err != nil || current {
		t.Errorf("fresh database MigrationStatus = %v, %v; want false", current, err)
	}
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if current, err := s.MigrationStatus(ctx); err != nil || !current {
		t.Errorf("after Migrate: %v, %v", current, err)
	}
}

func TestOpenRejectsUnknownURL(t *testing.T) {
	for _, u := range []string{"mysql://x", "sqlite:"} {
		if s, err := store.Open(context.Background(), u, t.TempDir(), nil); err == nil {
			s.Close()
			t.Errorf("Open(%q) succeeded", u)
		}
	}
}

func TestOpenPostgresDialect(t *testing.T) {
	u := storetest.PostgresSchemaURL(t)
	s, err := store.Open(context.Background(), u, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Dialect() != store.Postgres {
		t.Errorf("Dialect = %q", s.Dialect())
	}
}
