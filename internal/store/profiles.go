package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// SettingSafeguarding is the site-wide safeguarding switch ("on" when set): no public
// profiles, public collections, sharing or discovery for any account.
const SettingSafeguarding = "safeguarding"

// Profile is a profiles row (migration 00017): an earner's public profile and the account's
// privacy settings. Handle "" is NULL (not chosen yet).
type Profile struct {
	UserID       int64
	Handle       string
	DisplayName  string
	Headline     string
	Bio          string // plain text or the safe Markdown subset of internal/markdown
	Website      string
	Public       bool
	Discoverable bool // search engines may index the page
	Safeguarding bool // the account's safeguarding mode
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

const profileCols = `user_id, handle, display_name, headline, bio, website, is_public, discoverable, safeguarding, created_at, updated_at`

func scanProfile(row interface{ Scan(...any) error }) (*Profile, error) {
	var p Profile
	var handle sql.NullString
	err := row.Scan(&p.UserID, &handle, &p.DisplayName, &p.Headline, &p.Bio, &p.Website, &p.Public, &p.Discoverable,
		&p.Safeguarding, tc(&p.CreatedAt), tc(&p.UpdatedAt))
	if err != nil {
		return nil, notFound(err)
	}
	p.Handle = handle.String
	return &p, nil
}

// ProfileByUser returns the user's profile, or ErrNotFound when none was saved.
func (tx *Tx) ProfileByUser(ctx context.Context, userID int64) (*Profile, error) {
	return scanProfile(tx.queryRow(ctx, `SELECT `+profileCols+` FROM profiles WHERE user_id = $1`, userID))
}

// ProfileByHandle returns the profile with this handle, or ErrNotFound.
func (tx *Tx) ProfileByHandle(ctx context.Context, handle string) (*Profile, error) {
	return scanProfile(tx.queryRow(ctx, `SELECT `+profileCols+` FROM profiles WHERE handle = $1`, handle))
}

// PutProfile inserts or replaces the user's profile (CreatedAt is kept from the first
// insert). A handle another user holds is ErrDuplicate (and the transaction must be rolled
// back).
func (tx *Tx) PutProfile(ctx context.Context, p *Profile) error {
	_, err := tx.exec(ctx, `INSERT INTO profiles (`+profileCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT (user_id) DO UPDATE SET handle = excluded.handle, display_name = excluded.display_name,
		headline = excluded.headline, bio = excluded.bio, website = excluded.website, is_public = excluded.is_public,
		discoverable = excluded.discoverable, safeguarding = excluded.safeguarding, updated_at = excluded.updated_at`,
		p.UserID, nullString(p.Handle), p.DisplayName, p.Headline, p.Bio, p.Website, p.Public, p.Discoverable,
		p.Safeguarding, tx.t(p.CreatedAt), tx.t(p.UpdatedAt))
	if isUniqueViolation(err) {
		return fmt.Errorf("put profile: %w", ErrDuplicate)
	}
	if err != nil {
		return fmt.Errorf("store: put profile: %w", err)
	}
	return nil
}

// SetWalletItemVisibility sets the visibility ("private" or "public") of the user's item and
// reports whether there was such an item.
func (tx *Tx) SetWalletItemVisibility(ctx context.Context, userID int64, id, visibility string, at time.Time) (bool, error) {
	res, err := tx.exec(ctx, `UPDATE wallet_items SET visibility = $1, updated_at = $2 WHERE id = $3 AND user_id = $4`,
		visibility, tx.t(at), id, userID)
	if err != nil {
		return false, fmt.Errorf("store: set wallet item visibility: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
