package store

import (
	"context"
	"fmt"
	"time"
)

// AccountAddress is one of an account's email addresses as the data export lists it.
type AccountAddress struct {
	Email      string
	VerifiedAt time.Time // zero: not verified
	CreatedAt  time.Time
}

// AccountAddresses returns every address of the user (user_emails), oldest first.
func (tx *Tx) AccountAddresses(ctx context.Context, userID int64) ([]AccountAddress, error) {
	rows, err := tx.tx.QueryContext(ctx, `SELECT email, verified_at, created_at FROM user_emails
		WHERE user_id = $1 ORDER BY created_at, id`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: list account addresses: %w", err)
	}
	defer rows.Close()
	var out []AccountAddress
	for rows.Next() {
		var a AccountAddress
		var verified nullTime
		if err := rows.Scan(&a.Email, &verified, tc(&a.CreatedAt)); err != nil {
			return nil, fmt.Errorf("store: list account addresses: %w", err)
		}
		a.VerifiedAt = verified.t
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list account addresses: %w", err)
	}
	return out, nil
}

// CountAdmins returns the number of site administrators.
func (tx *Tx) CountAdmins(ctx context.Context) (int64, error) {
	var n int64
	if err := tx.queryRow(ctx, `SELECT count(*) FROM users WHERE is_admin`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count admins: %w", err)
	}
	return n, nil
}

// LockUser locks the user's row until the transaction ends (PostgreSQL: SELECT ... FOR
// UPDATE; SQLite write transactions are already exclusive); ErrNotFound if there is none.
func (tx *Tx) LockUser(ctx context.Context, userID int64) error {
	return tx.lockRow(ctx, "users", userID)
}

// DeleteUser deletes the user. Every table keyed to users(id) with ON DELETE CASCADE goes
// with it (sessions, issuer_members, api_tokens, user_emails, wallet_items, cvs and their
// cv_sections); awards are not keyed to users and stay. The audit log is not keyed to users
// either: service.AccountDeletion scrubs the account's addresses and name from it in the same
// transaction (AuditEventsMentioning, RewriteAuditEvent). ErrNotFound if there is no such user.
func (tx *Tx) DeleteUser(ctx context.Context, userID int64) error {
	res, err := tx.exec(ctx, `DELETE FROM users WHERE id = $1`, userID)
	return oneRow(res, err, "delete user")
}
