package store

import (
	"context"
	"fmt"
	"time"
)

// ReplaceWalletItem rewrites an item's credential, image, summary and verification columns
// (every column but id, user_id, source, award_id, state, visibility and created_at): an
// upsert that found the item by its credential key. ErrNotFound if there is no such item.
func (tx *Tx) ReplaceWalletItem(ctx context.Context, w *WalletItem) error {
	res, err := tx.exec(ctx, `UPDATE wallet_items SET format = $2, credential = $3, image = $4, image_type = $5,
		source_url = $6, name = $7, description = $8, issuer_name = $9, issuer_url = $10, image_url = $11,
		issued_at = $12, expires_at = $13, verify_status = $14, verify_report = $15, checked_at = $16,
		next_check_at = $17, updated_at = $18 WHERE id = $1`,
		w.ID, w.Format, w.Credential, w.Image, w.ImageType, w.SourceURL, w.Name, w.Description, w.IssuerName,
		w.IssuerURL, w.ImageURL, tx.optTime(w.IssuedAt), tx.optTime(w.ExpiresAt), w.VerifyStatus, w.VerifyReport,
		tx.optTime(w.CheckedAt), tx.optTime(w.NextCheckAt), tx.t(w.UpdatedAt))
	return oneRow(res, err, "replace wallet item")
}

// RecordWalletCheck stores the outcome of a verification of the item: its status, report,
// when it was checked and when to check next (zero: never).
func (tx *Tx) RecordWalletCheck(ctx context.Context, id, status, report string, checkedAt, next time.Time) error {
	res, err := tx.exec(ctx, `UPDATE wallet_items SET verify_status = $2, verify_report = $3, checked_at = $4,
		next_check_at = $5, updated_at = $4 WHERE id = $1`,
		id, status, report, tx.t(checkedAt), tx.optTime(next))
	return oneRow(res, err, "record wallet check")
}

// DeleteWalletItem deletes an item. ErrNotFound if there is no such item.
func (tx *Tx) DeleteWalletItem(ctx context.Context, id string) error {
	res, err := tx.exec(ctx, `DELETE FROM wallet_items WHERE id = $1`, id)
	return oneRow(res, err, "delete wallet item")
}

// DueWalletItems returns at most limit accepted items whose next check is due at now, the
// most overdue first.
func (tx *Tx) DueWalletItems(ctx context.Context, now time.Time, limit int) ([]*WalletItem, error) {
	rows, err := tx.tx.QueryContext(ctx, `SELECT `+walletItemCols+` FROM wallet_items
		WHERE next_check_at IS NOT NULL AND next_check_at <= $1 AND state = 'accepted'
		ORDER BY next_check_at, id LIMIT $2`, tx.t(now), limit)
	if err != nil {
		return nil, fmt.Errorf("store: due wallet items: %w", err)
	}
	defer rows.Close()
	var out []*WalletItem
	for rows.Next() {
		w, err := scanWalletItem(rows)
		if err != nil {
			return nil, fmt.Errorf("store: due wallet items: %w", err)
		}
		out = append(out, w)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: due wallet items: %w", err)
	}
	return out, nil
}
