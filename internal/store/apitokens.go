package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// APIToken is an api_tokens row. Scopes is space-separated; IssuerID "" is NULL (any issuer).
type APIToken struct {
	ID          int64
	UserID      int64
	IssuerID    string
	Name        string
	Scopes      string
	TokenHash   string // hex SHA-256 of the token text, unique
	TokenPrefix string
	CreatedAt   time.Time
	LastUsedAt  time.Time // zero: never
	ExpiresAt   time.Time // zero: never
	RevokedAt   time.Time // zero: not revoked
}

const apiTokenCols = "id, user_id, issuer_id, name, scopes, token_hash, token_prefix, created_at, last_used_at, expires_at, revoked_at"

func scanAPIToken(row interface{ Scan(...any) error }) (*APIToken, error) {
	var t APIToken
	var issuer sql.NullString
	err := row.Scan(&t.ID, &t.UserID, &issuer, &t.Name, &t.Scopes, &t.TokenHash, &t.TokenPrefix,
		tc(&t.CreatedAt), tc(&t.LastUsedAt), tc(&t.ExpiresAt), tc(&t.RevokedAt))
	if err != nil {
		return nil, notFound(err)
	}
	t.IssuerID = issuer.String
	return &t, nil
}

// timeOrNull is t for a time that may be zero, which is stored as NULL.
func (tx *Tx) timeOrNull(v time.Time) any {
	if v.IsZero() {
		return nil
	}
	return tx.t(v)
}

func stringOrNull(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// InsertAPIToken adds a token and sets t.ID. A second token with the same hash is
// ErrDuplicate; an unknown user or issuer is an error.
func (tx *Tx) InsertAPIToken(ctx context.Context, t *APIToken) error {
	err := tx.tx.QueryRowContext(ctx,
		`INSERT INTO api_tokens (user_id, issuer_id, name, scopes, token_hash, token_prefix, created_at, last_used_at, expires_at, revoked_at)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		t.UserID, stringOrNull(t.IssuerID), t.Name, t.Scopes, t.TokenHash, t.TokenPrefix, tx.t(t.CreatedAt),
		tx.timeOrNull(t.LastUsedAt), tx.timeOrNull(t.ExpiresAt), tx.timeOrNull(t.RevokedAt)).Scan(&t.ID)
	if isUniqueViolation(err) {
		return fmt.Errorf("insert api token: %w", ErrDuplicate)
	}
	if err != nil {
		return fmt.Errorf("store: insert api token: %w", err)
	}
	return nil
}

// APITokenByHash returns the token with this hash (revoked and expired ones too), or
// ErrNotFound.
func (tx *Tx) APITokenByHash(ctx context.Context, hash string) (*APIToken, error) {
	return scanAPIToken(tx.tx.QueryRowContext(ctx, `SELECT `+apiTokenCols+` FROM api_tokens WHERE token_hash = $1`, hash))
}

// APITokenByID returns the token with this id, or ErrNotFound.
func (tx *Tx) APITokenByID(ctx context.Context, id int64) (*APIToken, error) {
	return scanAPIToken(tx.tx.QueryRowContext(ctx, `SELECT `+apiTokenCols+` FROM api_tokens WHERE id = $1`, id))
}

// ListAPITokens returns the user's tokens, newest first (revoked and expired ones too).
func (tx *Tx) ListAPITokens(ctx context.Context, userID int64) ([]*APIToken, error) {
	rows, err := tx.tx.QueryContext(ctx, `SELECT `+apiTokenCols+` FROM api_tokens WHERE user_id = $1 ORDER BY created_at DESC, id DESC`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: list api tokens: %w", err)
	}
	defer rows.Close()
	var out []*APIToken
	for rows.Next() {
		t, err := scanAPIToken(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeAPIToken marks the token revoked at `at`; ErrNotFound if there is no such token or it
// is revoked already.
func (tx *Tx) RevokeAPIToken(ctx context.Context, id int64, at time.Time) error {
	res, err := tx.tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL`, tx.t(at), id)
	return oneRow(res, err, "revoke api token")
}

// TouchAPIToken records that the token was used at `at` (only moving last_used_at forward).
func (tx *Tx) TouchAPIToken(ctx context.Context, id int64, at time.Time) error {
	_, err := tx.tx.ExecContext(ctx,
		`UPDATE api_tokens SET last_used_at = $1 WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $1)`, tx.t(at), id)
	if err != nil {
		return fmt.Errorf("store: touch api token: %w", err)
	}
	return nil
}

// Idempotency is an api_idempotency row: one idempotency key of one token. Status 0 means the
// first request is still in progress.
type Idempotency struct {
	TokenID     int64
	Key         string
	MethodPath  string
	RequestHash string
	Status      int
	Location    string // the response's Location header, "" for none
	Response    []byte
	CreatedAt   time.Time
}

// InsertIdempotency records a key as in progress (Status and Response are not stored).
// ErrDuplicate if the token has the key already.
func (tx *Tx) InsertIdempotency(ctx context.Context, r *Idempotency) error {
	_, err := tx.tx.ExecContext(ctx,
		`INSERT INTO api_idempotency (token_id, key, method_path, request_hash, status, created_at) VALUES ($1, $2, $3, $4, 0, $5)`,
		r.TokenID, r.Key, r.MethodPath, r.RequestHash, tx.t(r.CreatedAt))
	if isUniqueViolation(err) {
		return fmt.Errorf("insert idempotency key: %w", ErrDuplicate)
	}
	if err != nil {
		return fmt.Errorf("store: insert idempotency key: %w", err)
	}
	return nil
}

// IdempotencyByKey returns the token's record of key, or ErrNotFound.
func (tx *Tx) IdempotencyByKey(ctx context.Context, tokenID int64, key string) (*Idempotency, error) {
	var r Idempotency
	err := tx.tx.QueryRowContext(ctx,
		`SELECT token_id, key, method_path, request_hash, status, location, response, created_at FROM api_idempotency WHERE token_id = $1 AND key = $2`,
		tokenID, key).Scan(&r.TokenID, &r.Key, &r.MethodPath, &r.RequestHash, &r.Status, &r.Location, &r.Response, tc(&r.CreatedAt))
	if err != nil {
		return nil, notFound(err)
	}
	return &r, nil
}

// FinishIdempotency stores the response (status, Location header, body) of an in-progress
// key; ErrNotFound if the key is not in progress.
func (tx *Tx) FinishIdempotency(ctx context.Context, tokenID int64, key string, status int, location string, response []byte) error {
	if status <= 0 {
		return errors.New("store: finish idempotency key: status must be positive")
	}
	if response == nil {
		response = []byte{}
	}
	res, err := tx.tx.ExecContext(ctx,
		`UPDATE api_idempotency SET status = $1, location = $2, response = $3 WHERE token_id = $4 AND key = $5 AND status = 0`,
		status, location, response, tokenID, key)
	return oneRow(res, err, "finish idempotency key")
}

// DeleteIdempotency forgets the token's key (no error if there is none).
func (tx *Tx) DeleteIdempotency(ctx context.Context, tokenID int64, key string) error {
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM api_idempotency WHERE token_id = $1 AND key = $2`, tokenID, key); err != nil {
		return fmt.Errorf("store: delete idempotency key: %w", err)
	}
	return nil
}

// PruneIdempotency deletes the keys created before `before` and returns how many.
func (tx *Tx) PruneIdempotency(ctx context.Context, before time.Time) (int64, error) {
	res, err := tx.tx.ExecContext(ctx, `DELETE FROM api_idempotency WHERE created_at < $1`, tx.t(before))
	if err != nil {
		return 0, fmt.Errorf("store: prune idempotency keys: %w", err)
	}
	return res.RowsAffected()
}
