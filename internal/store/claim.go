package store

import (
	"context"
	"fmt"
	"time"
)

// AwardResponse is what the recipient did with an award's claim link: the times it was
// accepted into a wallet or declined (zero: not).
type AwardResponse struct {
	AcceptedAt time.Time
	DeclinedAt time.Time
}

// AwardResponseOf returns the award's response, or ErrNotFound.
func (tx *Tx) AwardResponseOf(ctx context.Context, awardID string) (*AwardResponse, error) {
	var acc, dec nullTime
	err := tx.tx.QueryRowContext(ctx, `SELECT accepted_at, declined_at FROM awards WHERE id = $1`, awardID).Scan(&acc, &dec)
	if err != nil {
		return nil, notFound(err)
	}
	return &AwardResponse{AcceptedAt: acc.t, DeclinedAt: dec.t}, nil
}

// SetAwardAccepted records that the award was accepted (the first time counts) and clears an
// earlier decline.
func (tx *Tx) SetAwardAccepted(ctx context.Context, awardID string, at time.Time) error {
	res, err := tx.tx.ExecContext(ctx, `UPDATE awards SET accepted_at = COALESCE(accepted_at, $1), declined_at = NULL WHERE id = $2`,
		tx.t(at), awardID)
	return oneRow(res, err, "set award accepted")
}

// SetAwardDeclined records that the award was declined (the first time counts) unless it was
// accepted.
func (tx *Tx) SetAwardDeclined(ctx context.Context, awardID string, at time.Time) error {
	res, err := tx.tx.ExecContext(ctx, `UPDATE awards SET declined_at = COALESCE(declined_at, $1) WHERE id = $2`,
		tx.t(at), awardID)
	return oneRow(res, err, "set award declined")
}

// WalletItemByAward returns the user's item of this award (accepted or declined), or
// ErrNotFound.
func (tx *Tx) WalletItemByAward(ctx context.Context, userID int64, awardID string) (*WalletItem, error) {
	return scanWalletItem(tx.tx.QueryRowContext(ctx,
		`SELECT `+walletItemCols+` FROM wallet_items WHERE user_id = $1 AND award_id = $2`, userID, awardID))
}

// SetWalletItemState changes an item's state ("accepted" or "declined"); an accepted item is
// due for a check at next (zero: no check).
func (tx *Tx) SetWalletItemState(ctx context.Context, id, state string, next, at time.Time) error {
	res, err := tx.tx.ExecContext(ctx, `UPDATE wallet_items SET state = $1, next_check_at = $2, updated_at = $3 WHERE id = $4`,
		state, tx.optTime(next), tx.t(at), id)
	return oneRow(res, err, "set wallet item state")
}

// PendingAwards returns the awards waiting for the user: made out to an email address the
// account has verified, not revoked, not declined, and with no wallet item of this user
// (accepted or declined); the newest first, at most limit.
func (tx *Tx) PendingAwards(ctx context.Context, userID int64, limit int) ([]*Award, error) {
	rows, err := tx.tx.QueryContext(ctx, `SELECT `+awardSummaryCols+` FROM awards a
		WHERE a.recipient_type = 'email'
		  AND a.recipient_identity IN (SELECT e.email_key FROM user_emails e WHERE e.user_id = $1 AND e.verified_at IS NOT NULL)
		  AND a.revoked_at IS NULL AND a.declined_at IS NULL
		  AND NOT EXISTS (SELECT 1 FROM wallet_items w WHERE w.user_id = $1 AND w.award_id = a.id)
		ORDER BY a.issued_at DESC, a.id LIMIT $2`, userID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: pending awards: %w", err)
	}
	defer rows.Close()
	var out []*Award
	for rows.Next() {
		a, err := scanAward(rows)
		if err != nil {
			return nil, fmt.Errorf("store: pending awards: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
