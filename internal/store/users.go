package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// User is a users row.
type User struct {
	ID           int64
	Email        string
	EmailKey     string // lower-cased email, unique
	Name         string
	PasswordHash string
	IsAdmin      bool
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

func isUniqueViolation(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "23505"
	}
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

const userCols = "id, email, email_key, name, password_hash, is_admin, created_at, updated_at"

func scanUser(row interface{ Scan(...any) error }) (*User, error) {
	var u User
	if err := row.Scan(&u.ID, &u.Email, &u.EmailKey, &u.Name, &u.PasswordHash, &u.IsAdmin, tc(&u.CreatedAt), tc(&u.UpdatedAt)); err != nil {
		return nil, notFound(err)
	}
	return &u, nil
}

// InsertUser adds a user and sets u.ID, with its address as the account's first verified
// user_emails row. A second user with the same EmailKey, or an address another account has
// verified, is ErrDuplicate.
func (tx *Tx) InsertUser(ctx context.Context, u *User) error {
	q := `INSERT INTO users (email, email_key, name, password_hash, is_admin, created_at, updated_at)
		 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`
	if tx.dialect == SQLite {
		// Above every number in use and every number of a deleted account (migration 00019):
		// SQLite alone would reuse the number of the newest account once it is deleted.
		q = `INSERT INTO users (id, email, email_key, name, password_hash, is_admin, created_at, updated_at)
		 VALUES (max(coalesce((SELECT max(id) FROM users), 0),
		             coalesce((SELECT last_id FROM id_floors WHERE name = 'users'), 0)) + 1,
		         $1, $2, $3, $4, $5, $6, $7) RETURNING id`
	}
	err := tx.queryRow(ctx, q,
		u.Email, u.EmailKey, u.Name, u.PasswordHash, u.IsAdmin, tx.t(u.CreatedAt), tx.t(u.UpdatedAt)).Scan(&u.ID)
	if isUniqueViolation(err) {
		return fmt.Errorf("insert user: %w", ErrDuplicate)
	}
	if err != nil {
		return fmt.Errorf("store: insert user: %w", err)
	}
	_, err = tx.exec(ctx, `INSERT INTO user_emails (user_id, email, email_key, verified_at, created_at) VALUES ($1, $2, $3, $4, $4)`,
		u.ID, u.Email, u.EmailKey, tx.t(u.CreatedAt))
	if isUniqueViolation(err) {
		return fmt.Errorf("insert user: %w", ErrDuplicate)
	}
	if err != nil {
		return fmt.Errorf("store: insert user email: %w", err)
	}
	return nil
}

// UserByID returns the user with this id, or ErrNotFound.
func (tx *Tx) UserByID(ctx context.Context, id int64) (*User, error) {
	return scanUser(tx.queryRow(ctx, `SELECT `+userCols+` FROM users WHERE id = $1`, id))
}

// UserByEmailKey returns the user with this lower-cased email, or ErrNotFound.
func (tx *Tx) UserByEmailKey(ctx context.Context, key string) (*User, error) {
	return scanUser(tx.queryRow(ctx, `SELECT `+userCols+` FROM users WHERE email_key = $1`, key))
}

// CountUsers returns the number of users.
func (tx *Tx) CountUsers(ctx context.Context) (int64, error) {
	var n int64
	err := tx.queryRow(ctx, `SELECT COUNT(*) FROM users`).Scan(&n)
	return n, err
}

// ListUsers returns users ordered by id, at most limit of them after afterID.
func (tx *Tx) ListUsers(ctx context.Context, afterID int64, limit int) ([]*User, error) {
	rows, err := tx.tx.QueryContext(ctx, `SELECT `+userCols+` FROM users WHERE id > $1 ORDER BY id LIMIT $2`, afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: list users: %w", err)
	}
	defer rows.Close()
	var out []*User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// SetPasswordHash replaces a user's password hash; ErrNotFound if there is no such user.
func (tx *Tx) SetPasswordHash(ctx context.Context, userID int64, hash string, at time.Time) error {
	res, err := tx.exec(ctx, `UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3`, hash, tx.t(at), userID)
	return oneRow(res, err, "set password")
}

func oneRow(res sql.Result, err error, what string) error {
	if err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	if n == 0 {
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	return nil
}
