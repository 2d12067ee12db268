package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Email outbox states.
const (
	EmailQueued = "queued" // recorded, not yet accepted by the SMTP server
	EmailSent   = "sent"   // accepted by the SMTP server; never sent again
	EmailFailed = "failed" // refused for good (5xx) or out of attempts
)

// Email is an email_outbox row. The sending logic is in internal/mail; this is its storage.
type Email struct {
	ID             int64
	IdempotencyKey string // unique: recording the same key twice records one email
	To             string
	Subject        string
	Text           string
	HTML           string
	Headers        string // JSON object of extra header name -> value
	FromName       string // display name of the From header ("" = the configured sender's)
	ReplyTo        string // Reply-To address, or ""
	MessageID      string // stable across attempts, without angle brackets
	Status         string
	Attempts       int
	LastError      string
	CreatedAt      time.Time
	SentAt         time.Time // zero unless sent
}

const emailCols = "id, idempotency_key, to_addr, subject, text_body, html_body, headers, from_name, reply_to, message_id, status, attempts, last_error, created_at, sent_at"

func scanEmail(row interface{ Scan(...any) error }) (*Email, error) {
	var e Email
	err := row.Scan(&e.ID, &e.IdempotencyKey, &e.To, &e.Subject, &e.Text, &e.HTML, &e.Headers, &e.FromName, &e.ReplyTo, &e.MessageID,
		&e.Status, &e.Attempts, &e.LastError, tc(&e.CreatedAt), tc(&e.SentAt))
	if err != nil {
		return nil, notFound(err)
	}
	return &e, nil
}

// InsertEmail records e as queued and sets e.ID. If an email with e.IdempotencyKey exists,
// nothing is inserted, e.ID is set to the existing row's id and inserted is false.
func (tx *Tx) InsertEmail(ctx context.Context, e *Email) (inserted bool, err error) {
	if e.Headers == "" {
		e.Headers = "{}"
	}
	err = tx.queryRow(ctx,
		`INSERT INTO email_outbox (idempotency_key, to_addr, subject, text_body, html_body, headers, from_name, reply_to, message_id, status, attempts, last_error, created_at)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'queued', 0, '', $10)
		 ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
		e.IdempotencyKey, e.To, e.Subject, e.Text, e.HTML, e.Headers, e.FromName, e.ReplyTo, e.MessageID, tx.t(e.CreatedAt)).Scan(&e.ID)
	if err == nil {
		e.Status = EmailQueued
		return true, nil
	}
	if err != sql.ErrNoRows {
		return false, fmt.Errorf("store: insert email: %w", err)
	}
	if err := tx.queryRow(ctx, `SELECT id FROM email_outbox WHERE idempotency_key = $1`, e.IdempotencyKey).Scan(&e.ID); err != nil {
		return false, fmt.Errorf("store: insert email: find duplicate: %w", err)
	}
	return false, nil
}

// EmailByID returns an outbox row, or ErrNotFound.
func (tx *Tx) EmailByID(ctx context.Context, id int64) (*Email, error) {
	return scanEmail(tx.queryRow(ctx, `SELECT `+emailCols+` FROM email_outbox WHERE id = $1`, id))
}

// EmailByKey returns the outbox row of an idempotency key, or ErrNotFound.
func (tx *Tx) EmailByKey(ctx context.Context, key string) (*Email, error) {
	return scanEmail(tx.queryRow(ctx, `SELECT `+emailCols+` FROM email_outbox WHERE idempotency_key = $1`, key))
}

// MarkEmailSent records that the SMTP server accepted the email (attempts counts this one).
func (tx *Tx) MarkEmailSent(ctx context.Context, id int64, now time.Time) error {
	return tx.updateEmail(ctx, `UPDATE email_outbox SET status = 'sent', attempts = attempts + 1, last_error = '', sent_at = $2 WHERE id = $1 AND status = 'queued'`, id, tx.t(now))
}

// MarkEmailFailed records that the email will not be sent (attempts counts this one).
func (tx *Tx) MarkEmailFailed(ctx context.Context, id int64, lastErr string) error {
	return tx.updateEmail(ctx, `UPDATE email_outbox SET status = 'failed', attempts = attempts + 1, last_error = $2 WHERE id = $1 AND status = 'queued'`, id, lastErr)
}

// NoteEmailAttempt records a failed attempt that will be retried.
func (tx *Tx) NoteEmailAttempt(ctx context.Context, id int64, lastErr string) error {
	return tx.updateEmail(ctx, `UPDATE email_outbox SET attempts = attempts + 1, last_error = $2 WHERE id = $1 AND status = 'queued'`, id, lastErr)
}

func (tx *Tx) updateEmail(ctx context.Context, q string, args ...any) error {
	res, err := tx.exec(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("store: update email: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("store: update email: %w", err)
	} else if n == 0 {
		return ErrNotFound
	}
	return nil
}
