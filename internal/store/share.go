package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// ShareEvent is a share_events row (migration 00016): a view, share, click, download or embed
// view of an award, N times (N 0 is stored as 1). UserID 0 and WalletItemID "" are NULL. No
// IP address or user agent is kept; ReferrerHost is the referrer's host only.
type ShareEvent struct {
	AwardID      string
	WalletItemID string
	UserID       int64
	Kind         string // "view", "share", "click", "download", "embed_view"
	Channel      string
	ReferrerHost string
	N            int64
	At           time.Time
}

// ShareCount is the number of events of one kind and channel.
type ShareCount struct {
	Kind    string
	Channel string
	N       int64
}

// shareEventsPerInsert is the number of rows per INSERT statement of InsertShareEvents.
const shareEventsPerInsert = 50

var shareEventCols = []string{"award_id", "wallet_item_id", "user_id", "kind", "channel", "referrer_host", "n", "at"}

// InsertShareEvents records events with multi-row statements (a batch from the recorder).
func (tx *Tx) InsertShareEvents(ctx context.Context, es []ShareEvent) error {
	if len(es) == 0 {
		return nil
	}
	rows := make([][]any, len(es))
	for i, e := range es {
		var user any
		if e.UserID != 0 {
			user = e.UserID
		}
		rows[i] = []any{e.AwardID, nullString(e.WalletItemID), user, e.Kind, e.Channel, e.ReferrerHost, max(e.N, 1), tx.t(e.At)}
	}
	// Statements of shareEventsPerInsert rows: SQLite's cost of naming parameters grows
	// with their number per statement, so many short statements beat a few long ones here.
	for len(rows) > 0 {
		n := min(shareEventsPerInsert, len(rows))
		if err := tx.insertRows(ctx, "share_events", shareEventCols, rows[:n]); err != nil {
			return fmt.Errorf("store: insert share events: %w", err)
		}
		rows = rows[n:]
	}
	return nil
}

// ShareCountsByAward counts the award's events (SUM of n) by kind and channel, in that order.
func (tx *Tx) ShareCountsByAward(ctx context.Context, awardID string) ([]ShareCount, error) {
	return tx.shareCounts(ctx, `SELECT kind, channel, SUM(n) FROM share_events WHERE award_id = $1
		GROUP BY kind, channel ORDER BY kind, channel`, awardID)
}

// ShareCountsByIssuer counts the events of every award of the issuer by kind and channel.
func (tx *Tx) ShareCountsByIssuer(ctx context.Context, issuerID string) ([]ShareCount, error) {
	return tx.shareCounts(ctx, `SELECT e.kind, e.channel, SUM(e.n) FROM share_events e
		JOIN awards a ON a.id = e.award_id WHERE a.issuer_id = $1
		GROUP BY e.kind, e.channel ORDER BY e.kind, e.channel`, issuerID)
}

func (tx *Tx) shareCounts(ctx context.Context, q string, arg any) ([]ShareCount, error) {
	rows, err := tx.tx.QueryContext(ctx, q, arg)
	if err != nil {
		return nil, fmt.Errorf("store: count share events: %w", err)
	}
	defer rows.Close()
	out := []ShareCount{}
	for rows.Next() {
		var c ShareCount
		if err := rows.Scan(&c.Kind, &c.Channel, &c.N); err != nil {
			return nil, fmt.Errorf("store: count share events: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: count share events: %w", err)
	}
	return out, nil
}

// ShareEventsByAward returns the award's events, oldest first (for exports and tests).
func (tx *Tx) ShareEventsByAward(ctx context.Context, awardID string) ([]ShareEvent, error) {
	return tx.shareEvents(ctx, `award_id = $1`, awardID)
}

// ShareEventsByUser returns the events a user made (their share clicks, views of others'
// badges, downloads), oldest first: the user's part of the data export.
func (tx *Tx) ShareEventsByUser(ctx context.Context, userID int64) ([]ShareEvent, error) {
	return tx.shareEvents(ctx, `user_id = $1`, userID)
}

// shareEvents returns the events matching where (with one argument), oldest first.
func (tx *Tx) shareEvents(ctx context.Context, where string, arg any) ([]ShareEvent, error) {
	rows, err := tx.tx.QueryContext(ctx, `SELECT award_id, wallet_item_id, user_id, kind, channel, referrer_host, n, at
		FROM share_events WHERE `+where+` ORDER BY id`, arg)
	if err != nil {
		return nil, fmt.Errorf("store: list share events: %w", err)
	}
	defer rows.Close()
	var out []ShareEvent
	for rows.Next() {
		var e ShareEvent
		var item sql.NullString
		var user sql.NullInt64
		if err := rows.Scan(&e.AwardID, &item, &user, &e.Kind, &e.Channel, &e.ReferrerHost, &e.N, tc(&e.At)); err != nil {
			return nil, fmt.Errorf("store: list share events: %w", err)
		}
		e.WalletItemID, e.UserID = item.String, user.Int64
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list share events: %w", err)
	}
	return out, nil
}
