package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// AuditEvent is an audit_events row: who did what to what, when.
type AuditEvent struct {
	ID      int64
	At      time.Time
	Actor   string          // e.g. "user:12", "cli", "setup"
	Action  string          // e.g. "user.create"
	Subject string          // e.g. "user:13"
	Details json.RawMessage // a JSON object; empty means {}
}

// InsertAuditEvent records an event and sets e.ID.
func (tx *Tx) InsertAuditEvent(ctx context.Context, e *AuditEvent) error {
	details := string(e.Details)
	if details == "" {
		details = "{}"
	}
	if !json.Valid([]byte(details)) {
		return fmt.Errorf("store: audit event details are not JSON")
	}
	err := tx.queryRow(ctx,
		`INSERT INTO audit_events (at, actor, action, subject, details) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		tx.t(e.At), e.Actor, e.Action, e.Subject, details).Scan(&e.ID)
	if err != nil {
		return fmt.Errorf("store: insert audit event: %w", err)
	}
	return nil
}

// InsertAuditEvents records several events with multi-row statements (their IDs are not
// set), for batches such as bulk awarding.
func (tx *Tx) InsertAuditEvents(ctx context.Context, es []*AuditEvent) error {
	rows := make([][]any, len(es))
	for i, e := range es {
		details := string(e.Details)
		if details == "" {
			details = "{}"
		}
		if !json.Valid([]byte(details)) {
			return fmt.Errorf("store: audit event details are not JSON")
		}
		rows[i] = []any{tx.t(e.At), e.Actor, e.Action, e.Subject, details}
	}
	if err := tx.insertRows(ctx, "audit_events", []string{"at", "actor", "action", "subject", "details"}, rows); err != nil {
		return fmt.Errorf("store: insert audit events: %w", err)
	}
	return nil
}

// ListAuditEvents returns the newest events first, at most limit, with id below beforeID
// (0 = from the newest).
func (tx *Tx) ListAuditEvents(ctx context.Context, beforeID int64, limit int) ([]*AuditEvent, error) {
	q := `SELECT id, at, actor, action, subject, details FROM audit_events`
	args := []any{limit}
	if beforeID > 0 {
		q += ` WHERE id < $2`
		args = append(args, beforeID)
	}
	rows, err := tx.tx.QueryContext(ctx, q+` ORDER BY id DESC LIMIT $1`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: list audit events: %w", err)
	}
	defer rows.Close()
	var out []*AuditEvent
	for rows.Next() {
		var e AuditEvent
		var details string
		if err := rows.Scan(&e.ID, tc(&e.At), &e.Actor, &e.Action, &e.Subject, &details); err != nil {
			return nil, fmt.Errorf("store: list audit events: %w", err)
		}
		e.Details = json.RawMessage(details)
		out = append(out, &e)
	}
	return out, rows.Err()
}
