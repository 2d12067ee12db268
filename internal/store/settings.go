package store

import (
	"context"
	"fmt"
	"time"
)

// Setting keys.
const (
	SettingSetupTokenHash = "setup_token_hash" // hex SHA-256 of the first-run setup token
)

// PutSetting sets a setting, replacing any previous value.
func (tx *Tx) PutSetting(ctx context.Context, key, value string, at time.Time) error {
	_, err := tx.exec(ctx,
		`INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3)
		 ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
		key, value, tx.t(at))
	if err != nil {
		return fmt.Errorf("store: put setting: %w", err)
	}
	return nil
}

// Setting returns a setting's value, or ErrNotFound.
func (tx *Tx) Setting(ctx context.Context, key string) (string, error) {
	var v string
	err := tx.queryRow(ctx, `SELECT value FROM settings WHERE key = $1`, key).Scan(&v)
	if err != nil {
		return "", notFound(err)
	}
	return v, nil
}

// ConsumeSetting deletes the setting if and only if it currently has this value, and reports
// whether it did. Two transactions consuming the same value: exactly one gets true.
func (tx *Tx) ConsumeSetting(ctx context.Context, key, value string) (bool, error) {
	res, err := tx.exec(ctx, `DELETE FROM settings WHERE key = $1 AND value = $2`, key, value)
	if err != nil {
		return false, fmt.Errorf("store: consume setting: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// DeleteSetting removes a setting; removing a missing one is not an error.
func (tx *Tx) DeleteSetting(ctx context.Context, key string) error {
	_, err := tx.exec(ctx, `DELETE FROM settings WHERE key = $1`, key)
	if err != nil {
		return fmt.Errorf("store: delete setting: %w", err)
	}
	return nil
}
