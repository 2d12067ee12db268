package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
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
	where := `ORDER BY id DESC LIMIT $1`
	args := []any{limit}
	if beforeID > 0 {
		where = `WHERE id < $2 ` + where
		args = append(args, beforeID)
	}
	return tx.auditEvents(ctx, where, args...)
}

// AuditEventsMentioning returns the events (oldest first) whose actor, subject or details
// contain one of needles, compared case-insensitively (ASCII), for scrubbing a deleted
// account's addresses out of the audit log. Empty needles are ignored; no needle, no event.
// Every event is read: it is a full scan, meant for rare work such as deleting an account.
func (tx *Tx) AuditEventsMentioning(ctx context.Context, needles []string) ([]*AuditEvent, error) {
	details := "details"
	if tx.dialect == Postgres {
		details = "details::text"
	}
	var conds []string
	var args []any
	for _, n := range needles {
		if n == "" {
			continue
		}
		args = append(args, "%"+likeEscaper.Replace(strings.ToLower(n))+"%")
		p := fmt.Sprintf("$%d", len(args))
		for _, col := range []string{"actor", "subject", details} {
			conds = append(conds, "lower("+col+") LIKE "+p+` ESCAPE '\'`)
		}
	}
	if len(conds) == 0 {
		return nil, nil
	}
	return tx.auditEvents(ctx, `WHERE `+strings.Join(conds, " OR ")+` ORDER BY id`, args...)
}

// likeEscaper escapes the LIKE wildcards (and the escape character) of a literal.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// AuditEventsBySubject returns the events about subject (e.g. "user:12"), oldest first.
func (tx *Tx) AuditEventsBySubject(ctx context.Context, subject string) ([]*AuditEvent, error) {
	return tx.auditEvents(ctx, `WHERE subject = $1 ORDER BY id`, subject)
}

func (tx *Tx) auditEvents(ctx context.Context, where string, args ...any) ([]*AuditEvent, error) {
	rows, err := tx.tx.QueryContext(ctx, `SELECT id, at, actor, action, subject, details FROM audit_events `+where, args...)
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
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list audit events: %w", err)
	}
	return out, nil
}

// RewriteAuditEvent replaces the actor, subject and details of event e.ID (its time and
// action never change): the scrubbing of a deleted account. ErrNotFound if there is none.
func (tx *Tx) RewriteAuditEvent(ctx context.Context, e *AuditEvent) error {
	details := string(e.Details)
	if details == "" {
		details = "{}"
	}
	if !json.Valid([]byte(details)) {
		return fmt.Errorf("store: audit event details are not JSON")
	}
	res, err := tx.tx.ExecContext(ctx, `UPDATE audit_events SET actor = $1, subject = $2, details = $3 WHERE id = $4`,
		e.Actor, e.Subject, details, e.ID)
	return oneRow(res, err, "rewrite audit event")
}
