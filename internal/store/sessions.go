package store

import (
	"context"
	"fmt"
	"time"
)

// Session is a sessions row: a signed-in browser. Only the SHA-256 of its token is stored.
type Session struct {
	ID         int64
	TokenHash  string // hex SHA-256 of the token the browser holds
	UserID     int64
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
}

// InsertSession adds a session and sets s.ID.
func (tx *Tx) InsertSession(ctx context.Context, s *Session) error {
	err := tx.queryRow(ctx,
		`INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at)
		 VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		s.TokenHash, s.UserID, tx.t(s.CreatedAt), tx.t(s.LastSeenAt), tx.t(s.ExpiresAt)).Scan(&s.ID)
	if err != nil {
		return fmt.Errorf("store: insert session: %w", err)
	}
	return nil
}

// SessionByTokenHash returns the session with this token hash, or ErrNotFound.
func (tx *Tx) SessionByTokenHash(ctx context.Context, hash string) (*Session, error) {
	var s Session
	err := tx.queryRow(ctx,
		`SELECT id, token_hash, user_id, created_at, last_seen_at, expires_at FROM sessions WHERE token_hash = $1`, hash).
		Scan(&s.ID, &s.TokenHash, &s.UserID, tc(&s.CreatedAt), tc(&s.LastSeenAt), tc(&s.ExpiresAt))
	if err != nil {
		return nil, notFound(err)
	}
	return &s, nil
}

// TouchSession sets a session's last-seen time.
func (tx *Tx) TouchSession(ctx context.Context, id int64, at time.Time) error {
	_, err := tx.exec(ctx, `UPDATE sessions SET last_seen_at = $1 WHERE id = $2`, tx.t(at), id)
	if err != nil {
		return fmt.Errorf("store: touch session: %w", err)
	}
	return nil
}

// DeleteSessionByTokenHash removes a session; removing one that does not exist is not an error.
func (tx *Tx) DeleteSessionByTokenHash(ctx context.Context, hash string) error {
	_, err := tx.exec(ctx, `DELETE FROM sessions WHERE token_hash = $1`, hash)
	if err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}

// DeleteUserSessions removes every session of a user except the one whose token hash is
// keepHash ("" keeps none), and returns how many it removed.
func (tx *Tx) DeleteUserSessions(ctx context.Context, userID int64, keepHash string) (int64, error) {
	res, err := tx.exec(ctx, `DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2`, userID, keepHash)
	if err != nil {
		return 0, fmt.Errorf("store: delete user sessions: %w", err)
	}
	return res.RowsAffected()
}

// DeleteExpiredSessions removes sessions that expired before now or were last seen before
// idleBefore, and returns how many.
func (tx *Tx) DeleteExpiredSessions(ctx context.Context, now, idleBefore time.Time) (int64, error) {
	res, err := tx.exec(ctx, `DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2`, tx.t(now), tx.t(idleBefore))
	if err != nil {
		return 0, fmt.Errorf("store: delete expired sessions: %w", err)
	}
	return res.RowsAffected()
}

// CountUserSessions returns how many sessions a user has.
func (tx *Tx) CountUserSessions(ctx context.Context, userID int64) (int64, error) {
	var n int64
	err := tx.queryRow(ctx, `SELECT COUNT(*) FROM sessions WHERE user_id = $1`, userID).Scan(&n)
	return n, err
}
