package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Tx is a transaction; every data method of the store is a method of *Tx.
type Tx struct {
	tx      *sql.Tx
	dialect string
	stmts   map[string]*sql.Stmt // SQLite: statements prepared in this transaction, by text
}

// stmt returns the statement prepared for q in this transaction, preparing it the first
// time. SQLite parses a statement on every call otherwise, which dominates loops such as
// recording a batch of awards; pgx caches prepared statements per connection itself.
func (tx *Tx) stmt(ctx context.Context, q string) (*sql.Stmt, error) {
	if st, ok := tx.stmts[q]; ok {
		return st, nil
	}
	st, err := tx.tx.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	if tx.stmts == nil {
		tx.stmts = map[string]*sql.Stmt{}
	}
	tx.stmts[q] = st
	return st, nil
}

// exec runs a statement of the store (prepared once per transaction on SQLite).
func (tx *Tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if tx.dialect != SQLite {
		return tx.tx.ExecContext(ctx, q, args...)
	}
	st, err := tx.stmt(ctx, q)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

// queryRow runs a query of the store returning one row (prepared once per transaction on
// SQLite).
func (tx *Tx) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	if tx.dialect == SQLite {
		if st, err := tx.stmt(ctx, q); err == nil {
			return st.QueryRowContext(ctx, args...)
		}
	}
	return tx.tx.QueryRowContext(ctx, q, args...)
}

// Dialect returns "sqlite" or "postgres".
func (tx *Tx) Dialect() string { return tx.dialect }

// ExecContext runs a statement in the transaction. It is for packages that own tables of
// their own in tests; the application's SQL lives in this package.
func (tx *Tx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return tx.tx.ExecContext(ctx, query, args...)
}

// QueryRowContext runs a query returning one row in the transaction (see ExecContext).
func (tx *Tx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return tx.tx.QueryRowContext(ctx, query, args...)
}

// Update runs fn in a read-write transaction and commits it if fn returns nil; otherwise (or
// on panic) it rolls back and returns fn's error unchanged.
func (s *Store) Update(ctx context.Context, fn func(tx *Tx) error) error {
	return s.run(ctx, s.write, nil, fn)
}

// View runs fn in a read-only transaction on the read pool.
func (s *Store) View(ctx context.Context, fn func(tx *Tx) error) error {
	return s.run(ctx, s.read, &sql.TxOptions{ReadOnly: s.dialect == Postgres}, fn)
}

func (s *Store) run(ctx context.Context, db *sql.DB, opts *sql.TxOptions, fn func(tx *Tx) error) (err error) {
	sqlTx, err := db.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	tx := &Tx{tx: sqlTx, dialect: s.dialect}
	defer func() {
		if p := recover(); p != nil {
			sqlTx.Rollback()
			panic(p)
		}
	}()
	if err := fn(tx); err != nil {
		sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

// sqliteTime is how SQLite stores times: fixed-width UTC RFC 3339 with microseconds, so that
// string comparison is time comparison.
const sqliteTime = "2006-01-02T15:04:05.000000Z"

// t converts a time to the value stored for this dialect, in UTC, truncated to microseconds.
func (tx *Tx) t(v time.Time) any {
	v = v.UTC().Truncate(time.Microsecond)
	if tx.dialect == SQLite {
		return v.Format(sqliteTime)
	}
	return v
}

// timeCol scans a time stored by either dialect; NULL scans as the zero time.
type timeCol struct{ p *time.Time }

func (c timeCol) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*c.p = time.Time{}
	case time.Time:
		*c.p = v.UTC()
	case string:
		return c.parse(v)
	case []byte:
		return c.parse(string(v))
	default:
		return fmt.Errorf("store: cannot scan %T as a time", src)
	}
	return nil
}

func (c timeCol) parse(s string) error {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf("store: bad stored time %q: %w", s, err)
	}
	*c.p = t.UTC()
	return nil
}

func tc(p *time.Time) timeCol { return timeCol{p} }

// ErrNotFound is returned (wrapped) by lookups that find nothing.
var ErrNotFound = errors.New("store: not found")

// ErrDuplicate is returned (wrapped) when a unique constraint refuses an insert.
var ErrDuplicate = errors.New("store: duplicate")

func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

// maxParams bounds the parameters of one multi-row statement (SQLite allows 32766,
// PostgreSQL 65535; smaller statements also keep the SQLite statement cache small).
const maxParams = 2000

// insertRows inserts rows (each with one value per column) into table with multi-row
// INSERT statements, as many rows per statement as maxParams allows: one round trip per
// chunk instead of one per row.
func (tx *Tx) insertRows(ctx context.Context, table string, cols []string, rows [][]any) error {
	per := max(1, maxParams/len(cols))
	head := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES "
	for len(rows) > 0 {
		n := min(per, len(rows))
		var q strings.Builder
		q.WriteString(head)
		args := make([]any, 0, n*len(cols))
		for i, r := range rows[:n] {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteByte('(')
			for j, v := range r {
				if j > 0 {
					q.WriteString(", ")
				}
				args = append(args, v)
				fmt.Fprintf(&q, "$%d", len(args))
			}
			q.WriteByte(')')
		}
		if _, err := tx.exec(ctx, q.String(), args...); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}
