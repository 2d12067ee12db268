package store

import (
	"context"
	"fmt"
	"time"
)

// InsertLoginFailure records a failed sign-in for an account key (lower-cased email) from a
// client address.
func (tx *Tx) InsertLoginFailure(ctx context.Context, accountKey, clientAddr string, at time.Time) error {
	_, err := tx.exec(ctx, `INSERT INTO login_failures (account_key, client_addr, at) VALUES ($1, $2, $3)`,
		accountKey, clientAddr, tx.t(at))
	if err != nil {
		return fmt.Errorf("store: insert login failure: %w", err)
	}
	return nil
}

// CountLoginFailures returns the failures since `since` for the account and for the address.
func (tx *Tx) CountLoginFailures(ctx context.Context, accountKey, clientAddr string, since time.Time) (account, addr int64, err error) {
	err = tx.queryRow(ctx,
		`SELECT (SELECT COUNT(*) FROM login_failures WHERE account_key = $1 AND at > $3),
		        (SELECT COUNT(*) FROM login_failures WHERE client_addr = $2 AND at > $3)`,
		accountKey, clientAddr, tx.t(since)).Scan(&account, &addr)
	if err != nil {
		return 0, 0, fmt.Errorf("store: count login failures: %w", err)
	}
	return account, addr, nil
}

// ClearLoginFailures forgets the failures of an account (after a successful sign-in or a
// password reset).
func (tx *Tx) ClearLoginFailures(ctx context.Context, accountKey string) error {
	_, err := tx.exec(ctx, `DELETE FROM login_failures WHERE account_key = $1`, accountKey)
	if err != nil {
		return fmt.Errorf("store: clear login failures: %w", err)
	}
	return nil
}

// PruneLoginFailures removes failures older than before.
func (tx *Tx) PruneLoginFailures(ctx context.Context, before time.Time) error {
	_, err := tx.exec(ctx, `DELETE FROM login_failures WHERE at <= $1`, tx.t(before))
	if err != nil {
		return fmt.Errorf("store: prune login failures: %w", err)
	}
	return nil
}
