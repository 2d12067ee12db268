package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// UserEmail is a user_emails row: one address of an account (see migration 00011).
type UserEmail struct {
	ID              int64
	UserID          int64
	Email           string
	EmailKey        string
	VerifiedAt      time.Time // zero: not verified yet
	VerifyTokenHash string    // "" when no verification link is outstanding
	VerifyExpiresAt time.Time
	CreatedAt       time.Time
}

const userEmailCols = `id, user_id, email, email_key, verified_at, verify_token_hash, verify_expires_at, created_at`

func scanUserEmail(row interface{ Scan(...any) error }) (*UserEmail, error) {
	var e UserEmail
	var verified, expires nullTime
	var hash sql.NullString
	if err := row.Scan(&e.ID, &e.UserID, &e.Email, &e.EmailKey, &verified, &hash, &expires, tc(&e.CreatedAt)); err != nil {
		return nil, notFound(err)
	}
	e.VerifiedAt, e.VerifyExpiresAt, e.VerifyTokenHash = verified.t, expires.t, hash.String
	return &e, nil
}

// InsertUserEmail adds an address to an account and sets e.ID. The same address twice on one
// account, or a verified address another account has verified, is ErrDuplicate.
func (tx *Tx) InsertUserEmail(ctx context.Context, e *UserEmail) error {
	err := tx.tx.QueryRowContext(ctx, `INSERT INTO user_emails (user_id, email, email_key, verified_at, verify_token_hash, verify_expires_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		e.UserID, e.Email, e.EmailKey, tx.optTime(e.VerifiedAt), nullString(e.VerifyTokenHash), tx.optTime(e.VerifyExpiresAt),
		tx.t(e.CreatedAt)).Scan(&e.ID)
	if isUniqueViolation(err) {
		return fmt.Errorf("insert user email: %w", ErrDuplicate)
	}
	if err != nil {
		return fmt.Errorf("store: insert user email: %w", err)
	}
	return nil
}

// UserEmails returns the account's addresses, the oldest first.
func (tx *Tx) UserEmails(ctx context.Context, userID int64) ([]*UserEmail, error) {
	rows, err := tx.tx.QueryContext(ctx, `SELECT `+userEmailCols+` FROM user_emails WHERE user_id = $1 ORDER BY created_at, id`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: list user emails: %w", err)
	}
	defer rows.Close()
	var out []*UserEmail
	for rows.Next() {
		e, err := scanUserEmail(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list user emails: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// UserEmailByID returns the address row, or ErrNotFound.
func (tx *Tx) UserEmailByID(ctx context.Context, id int64) (*UserEmail, error) {
	return scanUserEmail(tx.tx.QueryRowContext(ctx, `SELECT `+userEmailCols+` FROM user_emails WHERE id = $1`, id))
}

// UserEmailOf returns the account's row for this lower-cased address, or ErrNotFound.
func (tx *Tx) UserEmailOf(ctx context.Context, userID int64, key string) (*UserEmail, error) {
	return scanUserEmail(tx.tx.QueryRowContext(ctx,
		`SELECT `+userEmailCols+` FROM user_emails WHERE user_id = $1 AND email_key = $2`, userID, key))
}

// VerifiedEmail returns the verified row of this lower-cased address (whichever account holds
// it), or ErrNotFound.
func (tx *Tx) VerifiedEmail(ctx context.Context, key string) (*UserEmail, error) {
	return scanUserEmail(tx.tx.QueryRowContext(ctx,
		`SELECT `+userEmailCols+` FROM user_emails WHERE email_key = $1 AND verified_at IS NOT NULL`, key))
}

// UserEmailByTokenHash returns the row whose verification link has this token hash, or
// ErrNotFound.
func (tx *Tx) UserEmailByTokenHash(ctx context.Context, hash string) (*UserEmail, error) {
	return scanUserEmail(tx.tx.QueryRowContext(ctx, `SELECT `+userEmailCols+` FROM user_emails WHERE verify_token_hash = $1`, hash))
}

// SetUserEmailToken records a new verification link (only its hash) for an address.
func (tx *Tx) SetUserEmailToken(ctx context.Context, id int64, hash string, expires time.Time) error {
	res, err := tx.tx.ExecContext(ctx, `UPDATE user_emails SET verify_token_hash = $1, verify_expires_at = $2 WHERE id = $3`,
		hash, tx.t(expires), id)
	return oneRow(res, err, "set user email token")
}

// VerifyUserEmail marks an address verified and forgets its link. An address another account
// has verified is ErrDuplicate.
func (tx *Tx) VerifyUserEmail(ctx context.Context, id int64, at time.Time) error {
	res, err := tx.tx.ExecContext(ctx, `UPDATE user_emails SET verified_at = $1, verify_token_hash = NULL, verify_expires_at = NULL
		WHERE id = $2`, tx.t(at), id)
	if isUniqueViolation(err) {
		return fmt.Errorf("verify user email: %w", ErrDuplicate)
	}
	return oneRow(res, err, "verify user email")
}

// DeleteUserEmail removes an address row.
func (tx *Tx) DeleteUserEmail(ctx context.Context, id int64) error {
	res, err := tx.tx.ExecContext(ctx, `DELETE FROM user_emails WHERE id = $1`, id)
	return oneRow(res, err, "delete user email")
}

// DeleteUnverifiedEmails removes every unverified row of this lower-cased address on other
// accounts than userID (once one account has verified it, nobody else's link may).
func (tx *Tx) DeleteUnverifiedEmails(ctx context.Context, key string, userID int64) error {
	_, err := tx.tx.ExecContext(ctx, `DELETE FROM user_emails WHERE email_key = $1 AND user_id <> $2 AND verified_at IS NULL`, key, userID)
	if err != nil {
		return fmt.Errorf("store: delete unverified emails: %w", err)
	}
	return nil
}

// SetUserPrimaryEmail makes the address the account's primary one (users.email).
func (tx *Tx) SetUserPrimaryEmail(ctx context.Context, userID int64, email, key string, at time.Time) error {
	res, err := tx.tx.ExecContext(ctx, `UPDATE users SET email = $1, email_key = $2, updated_at = $3 WHERE id = $4`,
		email, key, tx.t(at), userID)
	if isUniqueViolation(err) {
		return fmt.Errorf("set primary email: %w", ErrDuplicate)
	}
	return oneRow(res, err, "set primary email")
}

// UserIsStaff reports whether the user has a role on at least one issuer.
func (tx *Tx) UserIsStaff(ctx context.Context, userID int64) (bool, error) {
	var n int64
	err := tx.tx.QueryRowContext(ctx, `SELECT count(*) FROM issuer_members WHERE user_id = $1`, userID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: user is staff: %w", err)
	}
	return n > 0, nil
}
