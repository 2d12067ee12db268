package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// WalletItem is a wallet_items row: a badge an earner holds (see migration 00011). For
// Source "award" the credential is the award's (AwardID); for "import" and "api" Credential
// holds the bytes as received and Image the baked image uploaded, if any. Zero times are NULL.
type WalletItem struct {
	ID            string
	UserID        int64
	Source        string // "award", "import", "api"
	AwardID       string // "" unless Source is "award"
	State         string // "accepted", "declined"
	Format        string // what Credential is, e.g. "ob3-json", "ob3-jwt", "ob2-json", "ob2-jws"
	Credential    []byte
	Image         []byte
	ImageType     string // "image/png", "image/svg+xml" or ""
	SourceURL     string
	CredentialKey string // one item per key per earner (the OB 3.0 API's equality rule)
	Name          string
	Description   string
	IssuerName    string
	IssuerURL     string
	ImageURL      string
	IssuedAt      time.Time
	ExpiresAt     time.Time
	VerifyStatus  string // "unchecked", "verified", "invalid", "revoked", "expired", "unreachable"
	VerifyReport  string // the verifier's JSON report, "{}" until checked
	CheckedAt     time.Time
	NextCheckAt   time.Time // zero: no periodic check
	Visibility    string    // "private", "public"
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

const walletItemCols = `id, user_id, source, award_id, state, format, credential, image, image_type, source_url,
	credential_key, name, description, issuer_name, issuer_url, image_url, issued_at, expires_at,
	verify_status, verify_report, checked_at, next_check_at, visibility, created_at, updated_at`

func scanWalletItem(row interface{ Scan(...any) error }) (*WalletItem, error) {
	var w WalletItem
	var award sql.NullString
	var issued, expires, checked, next nullTime
	err := row.Scan(&w.ID, &w.UserID, &w.Source, &award, &w.State, &w.Format, &w.Credential, &w.Image,
		&w.ImageType, &w.SourceURL, &w.CredentialKey, &w.Name, &w.Description, &w.IssuerName, &w.IssuerURL,
		&w.ImageURL, &issued, &expires, &w.VerifyStatus, &w.VerifyReport, &checked, &next, &w.Visibility,
		tc(&w.CreatedAt), tc(&w.UpdatedAt))
	if err != nil {
		return nil, notFound(err)
	}
	w.AwardID = award.String
	w.IssuedAt, w.ExpiresAt, w.CheckedAt, w.NextCheckAt = issued.t, expires.t, checked.t, next.t
	return &w, nil
}

// InsertWalletItem adds an item. A second item with the same (user, credential key) or the
// same (user, award) is ErrDuplicate (and the transaction must be rolled back).
func (tx *Tx) InsertWalletItem(ctx context.Context, w *WalletItem) error {
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO wallet_items (`+walletItemCols+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25)`,
		w.ID, w.UserID, w.Source, nullString(w.AwardID), w.State, w.Format, w.Credential, w.Image, w.ImageType,
		w.SourceURL, w.CredentialKey, w.Name, w.Description, w.IssuerName, w.IssuerURL, w.ImageURL,
		tx.optTime(w.IssuedAt), tx.optTime(w.ExpiresAt), w.VerifyStatus, w.VerifyReport, tx.optTime(w.CheckedAt),
		tx.optTime(w.NextCheckAt), w.Visibility, tx.t(w.CreatedAt), tx.t(w.UpdatedAt))
	if isUniqueViolation(err) {
		return fmt.Errorf("insert wallet item: %w", ErrDuplicate)
	}
	if err != nil {
		return fmt.Errorf("store: insert wallet item: %w", err)
	}
	return nil
}

// WalletItemByID returns the item, or ErrNotFound.
func (tx *Tx) WalletItemByID(ctx context.Context, id string) (*WalletItem, error) {
	return scanWalletItem(tx.tx.QueryRowContext(ctx, `SELECT `+walletItemCols+` FROM wallet_items WHERE id = $1`, id))
}

// WalletItemByKey returns the user's item with this credential key, or ErrNotFound.
func (tx *Tx) WalletItemByKey(ctx context.Context, userID int64, key string) (*WalletItem, error) {
	return scanWalletItem(tx.tx.QueryRowContext(ctx,
		`SELECT `+walletItemCols+` FROM wallet_items WHERE user_id = $1 AND credential_key = $2`, userID, key))
}

// WalletItemsByUser returns the user's items in the given state ("" for every state), newest
// first, at most limit of them after skipping offset.
func (tx *Tx) WalletItemsByUser(ctx context.Context, userID int64, state string, limit, offset int) ([]*WalletItem, error) {
	rows, err := tx.tx.QueryContext(ctx, `SELECT `+walletItemCols+` FROM wallet_items
		WHERE user_id = $1 AND ($2 = '' OR state = $2) ORDER BY created_at DESC, id DESC LIMIT $3 OFFSET $4`,
		userID, state, limit, offset)
	if err != nil {
		return nil, fmt.Errorf("store: list wallet items: %w", err)
	}
	defer rows.Close()
	var out []*WalletItem
	for rows.Next() {
		w, err := scanWalletItem(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list wallet items: %w", err)
		}
		out = append(out, w)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list wallet items: %w", err)
	}
	return out, nil
}

// CountWalletItems counts the user's items in the given state ("" for every state).
func (tx *Tx) CountWalletItems(ctx context.Context, userID int64, state string) (int64, error) {
	var n int64
	err := tx.tx.QueryRowContext(ctx, `SELECT count(*) FROM wallet_items WHERE user_id = $1 AND ($2 = '' OR state = $2)`,
		userID, state).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: count wallet items: %w", err)
	}
	return n, nil
}
