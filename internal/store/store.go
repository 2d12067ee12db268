// Package store owns Rosette's database: opening SQLite (modernc.org/sqlite, WAL, one writer
// connection and a read pool) or PostgreSQL (pgx v5 through database/sql), the embedded
// migrations (one goose folder per dialect, append-only), and every SQL statement, written once
// in portable SQL with $1 placeholders. Business rules live in internal/service, not here.
//
// Reads and writes go through transactions: Update runs a read-write transaction (on SQLite,
// BEGIN IMMEDIATE on the single writer connection), View a read-only one on the read pool. The
// data methods hang off *Tx, so that several of them (and a job enqueued by internal/jobs)
// commit atomically.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"hash/crc64"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	_ "github.com/jackc/pgx/v5/stdlib" // registers database/sql driver "pgx"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	_ "modernc.org/sqlite" // registers database/sql driver "sqlite"
)

// The dialects.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

//go:embed migrations
var migrations embed.FS

// Store is an open database. It is safe for concurrent use.
type Store struct {
	dialect string
	write   *sql.DB // SQLite: exactly one connection; PostgreSQL: the pool
	read    *sql.DB // SQLite: a pool of read-only connections; PostgreSQL: same as write
	schema  string  // PostgreSQL: current_schema(), to scope the migration lock
	logger  *slog.Logger

	stmtMu sync.Mutex
	stmts  map[string]*sql.Stmt // prepared hot-path reads (reads.go), by query
}

// Open opens the database named by databaseURL: "" for the SQLite file <dataDir>/rosette.db
// (dataDir is created), "sqlite:PATH" for another SQLite file, "postgres://..." or
// "postgresql://..." for PostgreSQL. It checks the connection but does not migrate.
func Open(ctx context.Context, databaseURL, dataDir string, logger *slog.Logger) (*Store, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	switch {
	case databaseURL == "":
		if dataDir == "" {
			return nil, errors.New("store: no data directory for the SQLite database")
		}
		if err := os.MkdirAll(dataDir, 0o700); err != nil {
			return nil, fmt.Errorf("store: create data directory: %w", err)
		}
		return openSQLite(ctx, filepath.Join(dataDir, "rosette.db"), logger)
	case strings.HasPrefix(databaseURL, "sqlite:"):
		path := strings.TrimPrefix(databaseURL, "sqlite:")
		if path == "" {
			return nil, errors.New("store: sqlite: URL without a file path")
		}
		if dir := filepath.Dir(path); dir != "" {
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return nil, fmt.Errorf("store: create database directory: %w", err)
			}
		}
		return openSQLite(ctx, path, logger)
	case strings.HasPrefix(databaseURL, "postgres://"), strings.HasPrefix(databaseURL, "postgresql://"):
		return openPostgres(ctx, databaseURL, logger)
	default:
		return nil, fmt.Errorf("store: unsupported database URL (want sqlite:PATH or postgres://...)")
	}
}

func sqliteDSN(path string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Add("_pragma", "journal_mode(WAL)")
		q.Set("_txlock", "immediate")
	}
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

func openSQLite(ctx context.Context, path string, logger *slog.Logger) (*Store, error) {
	w, err := sql.Open("sqlite", sqliteDSN(path, false))
	if err != nil {
		return nil, fmt.Errorf("store: open sqlite: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	// The writer connection is opened first, so WAL mode is on before any reader opens.
	var mode string
	if err := w.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		w.Close()
		return nil, fmt.Errorf("store: open sqlite %s: %w", path, err)
	}
	if mode != "wal" {
		w.Close()
		return nil, fmt.Errorf("store: sqlite %s: journal mode is %q, not wal", path, mode)
	}
	r, err := sql.Open("sqlite", sqliteDSN(path, true))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("store: open sqlite: %w", err)
	}
	n := max(4, runtime.GOMAXPROCS(0))
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	s := &Store{dialect: SQLite, write: w, read: r, logger: logger}
	if err := s.Ping(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func openPostgres(ctx context.Context, databaseURL string, logger *slog.Logger) (*Store, error) {
	db, err := sql.Open("pgx", databaseURL)
	if err != nil {
		return nil, fmt.Errorf("store: open postgres: %w", err)
	}
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(10)
	s := &Store{dialect: Postgres, write: db, read: db, logger: logger}
	if err := db.QueryRowContext(ctx, "SELECT current_schema()").Scan(&s.schema); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: connect to postgres: %w", err)
	}
	return s, nil
}

// Close closes every connection.
func (s *Store) Close() error {
	s.stmtMu.Lock()
	for _, st := range s.stmts {
		st.Close()
	}
	s.stmts = nil
	s.stmtMu.Unlock()
	err := s.write.Close()
	if s.read != s.write {
		err = errors.Join(err, s.read.Close())
	}
	return err
}

// Dialect returns "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.dialect }

// Ping checks that the database answers, on the writer and the read pool.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.write.PingContext(ctx); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	if err := s.read.PingContext(ctx); err != nil {
		return fmt.Errorf("store: ping read pool: %w", err)
	}
	return nil
}

func (s *Store) provider() (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, "migrations/"+s.dialect)
	if err != nil {
		return nil, err
	}
	var opts []goose.ProviderOption
	dialect := goose.DialectSQLite3
	if s.dialect == Postgres {
		dialect = goose.DialectPostgres
		// Nodes starting together migrate one at a time; the lock is per schema.
		id := lock.DefaultLockID
		if s.schema != "public" {
			id = int64(crc64.Checksum([]byte("rosette-migrate:"+s.schema), crc64.MakeTable(crc64.ECMA)) >> 1)
		}
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(id), lock.WithLockTimeout(1, 600))
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	return goose.NewProvider(dialect, s.write, sub, opts...)
}

// Migrate applies every pending migration.
func (s *Store) Migrate(ctx context.Context) error {
	p, err := s.provider()
	if err != nil {
		return fmt.Errorf("store: migrations: %w", err)
	}
	res, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("store: migrate up: %w", err)
	}
	for _, r := range res {
		s.logger.InfoContext(ctx, "migration applied", "version", r.Source.Version, "file", r.Source.Path, "duration", r.Duration)
	}
	return nil
}

// Migration is one migration and whether it has been applied.
type Migration struct {
	Version int64
	Name    string
	Applied bool
}

// Migrations lists the embedded migrations of this dialect and which are applied.
func (s *Store) Migrations(ctx context.Context) ([]Migration, error) {
	p, err := s.provider()
	if err != nil {
		return nil, fmt.Errorf("store: migrations: %w", err)
	}
	st, err := p.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: migration status: %w", err)
	}
	out := make([]Migration, 0, len(st))
	for _, m := range st {
		out = append(out, Migration{Version: m.Source.Version, Name: filepath.Base(m.Source.Path), Applied: m.State == goose.StateApplied})
	}
	return out, nil
}

// MigrationStatus reports whether every embedded migration has been applied.
func (s *Store) MigrationStatus(ctx context.Context) (current bool, err error) {
	ms, err := s.Migrations(ctx)
	if err != nil {
		return false, err
	}
	for _, m := range ms {
		if !m.Applied {
			return false, nil
		}
	}
	return true, nil
}
