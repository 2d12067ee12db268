package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// BulkUpload is a bulk_uploads row: a CSV file of awards of one badge class and the state of
// its issuing. Data (the uploaded bytes) is read only by BulkUploadData; it is dropped when the
// upload ends (done, failed or cancelled). The states: preview -> queued -> running -> done or
// failed; preview, queued and running may become cancelled.
type BulkUpload struct {
	ID           string
	IssuerID     string
	BadgeClassID string
	CreatedBy    int64 // the uploading user's id; 0 for the system
	Filename     string
	FileSHA256   string
	Data         []byte
	RowsTotal    int
	RowsValid    int
	RowsInvalid  int
	State        string
	Issued       int
	Skipped      int
	Failed       int
	Error        string
	Notify       bool
	SkipInvalid  bool
	ConfirmedAt  time.Time // zero until confirmed
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

const bulkCols = `id, issuer_id, badge_class_id, created_by, filename, file_sha256, rows_total, rows_valid, rows_invalid,
	state, issued, skipped, failed, error, notify, skip_invalid, confirmed_at, created_at, updated_at`

func scanBulkUpload(row interface{ Scan(...any) error }) (*BulkUpload, error) {
	var u BulkUpload
	err := row.Scan(&u.ID, &u.IssuerID, &u.BadgeClassID, &u.CreatedBy, &u.Filename, &u.FileSHA256, &u.RowsTotal, &u.RowsValid,
		&u.RowsInvalid, &u.State, &u.Issued, &u.Skipped, &u.Failed, &u.Error, &u.Notify, &u.SkipInvalid,
		tc(&u.ConfirmedAt), tc(&u.CreatedAt), tc(&u.UpdatedAt))
	if err != nil {
		return nil, notFound(err)
	}
	return &u, nil
}

// InsertBulkUpload adds an upload in state u.State (normally "preview") with its data; an
// existing id is ErrDuplicate.
func (tx *Tx) InsertBulkUpload(ctx context.Context, u *BulkUpload) error {
	_, err := tx.exec(ctx,
		`INSERT INTO bulk_uploads (id, issuer_id, badge_class_id, created_by, filename, file_sha256, data, rows_total,
		 rows_valid, rows_invalid, state, notify, created_at, updated_at)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
		u.ID, u.IssuerID, u.BadgeClassID, u.CreatedBy, u.Filename, u.FileSHA256, u.Data, u.RowsTotal, u.RowsValid,
		u.RowsInvalid, u.State, u.Notify, tx.t(u.CreatedAt), tx.t(u.UpdatedAt))
	if isUniqueViolation(err) {
		return fmt.Errorf("insert bulk upload: %w", ErrDuplicate)
	}
	if err != nil {
		return fmt.Errorf("store: insert bulk upload: %w", err)
	}
	return nil
}

// BulkUploadByID returns the upload without its data, or ErrNotFound.
func (tx *Tx) BulkUploadByID(ctx context.Context, id string) (*BulkUpload, error) {
	return scanBulkUpload(tx.queryRow(ctx, `SELECT `+bulkCols+` FROM bulk_uploads WHERE id = $1`, id))
}

// BulkUploadData returns the uploaded bytes; ErrNotFound when there is no such upload or its
// data was dropped.
func (tx *Tx) BulkUploadData(ctx context.Context, id string) ([]byte, error) {
	var data []byte
	err := tx.queryRow(ctx, `SELECT data FROM bulk_uploads WHERE id = $1 AND data IS NOT NULL`, id).Scan(&data)
	if err != nil {
		return nil, notFound(err)
	}
	return data, nil
}

// ListBulkUploads returns the badge class's most recent uploads (at most limit), newest first,
// without their data.
func (tx *Tx) ListBulkUploads(ctx context.Context, badgeClassID string, limit int) ([]*BulkUpload, error) {
	rows, err := tx.tx.QueryContext(ctx,
		`SELECT `+bulkCols+` FROM bulk_uploads WHERE badge_class_id = $1 ORDER BY created_at DESC, id LIMIT $2`, badgeClassID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: list bulk uploads: %w", err)
	}
	defer rows.Close()
	var out []*BulkUpload
	for rows.Next() {
		u, err := scanBulkUpload(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// ConfirmBulkUpload moves a preview upload to queued, recording the choice to skip invalid
// rows and the time; ErrNotFound unless it is in preview.
func (tx *Tx) ConfirmBulkUpload(ctx context.Context, id string, skipInvalid bool, at time.Time) error {
	res, err := tx.exec(ctx,
		`UPDATE bulk_uploads SET state = 'queued', skip_invalid = $2, confirmed_at = $3, updated_at = $3
		 WHERE id = $1 AND state = 'preview'`, id, skipInvalid, tx.t(at))
	return oneRow(res, err, "confirm bulk upload")
}

// StartBulkUpload moves a queued (or, when a job resumes, running) upload to running with its
// counters at zero; ErrNotFound in any other state.
func (tx *Tx) StartBulkUpload(ctx context.Context, id string, at time.Time) error {
	res, err := tx.exec(ctx,
		`UPDATE bulk_uploads SET state = 'running', issued = 0, skipped = 0, failed = 0, updated_at = $2
		 WHERE id = $1 AND state IN ('queued', 'running')`, id, tx.t(at))
	return oneRow(res, err, "start bulk upload")
}

// SetBulkUploadProgress records the counters of a running upload; ErrNotFound unless it is
// running (it may have been cancelled).
func (tx *Tx) SetBulkUploadProgress(ctx context.Context, id string, issued, skipped, failed int, at time.Time) error {
	res, err := tx.exec(ctx,
		`UPDATE bulk_uploads SET issued = $2, skipped = $3, failed = $4, updated_at = $5 WHERE id = $1 AND state = 'running'`,
		id, issued, skipped, failed, tx.t(at))
	return oneRow(res, err, "set bulk upload progress")
}

// FinishBulkUpload ends a queued or running upload in state ("done" or "failed") with its final
// counters and error message, and drops its data; ErrNotFound in any other state.
func (tx *Tx) FinishBulkUpload(ctx context.Context, id, state, errMsg string, issued, skipped, failed int, at time.Time) error {
	if state != "done" && state != "failed" {
		return fmt.Errorf("store: finish bulk upload: bad state %q", state)
	}
	res, err := tx.exec(ctx,
		`UPDATE bulk_uploads SET state = $2, error = $3, issued = $4, skipped = $5, failed = $6, data = NULL, updated_at = $7
		 WHERE id = $1 AND state IN ('queued', 'running')`, id, state, errMsg, issued, skipped, failed, tx.t(at))
	return oneRow(res, err, "finish bulk upload")
}

// CancelBulkUpload cancels an upload in preview, queued or running and drops its data;
// ErrNotFound in any other state.
func (tx *Tx) CancelBulkUpload(ctx context.Context, id string, at time.Time) error {
	res, err := tx.exec(ctx,
		`UPDATE bulk_uploads SET state = 'cancelled', data = NULL, updated_at = $2
		 WHERE id = $1 AND state IN ('preview', 'queued', 'running')`, id, tx.t(at))
	return oneRow(res, err, "cancel bulk upload")
}

// ExistingAwardKeys returns which of keys are idempotency keys of the issuer's awards (at most
// 1000 keys per call), so that a bulk job can tell new awards from ones issued before.
func (tx *Tx) ExistingAwardKeys(ctx context.Context, issuerID string, keys []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(keys) == 0 {
		return out, nil
	}
	if len(keys) > 1000 {
		return nil, fmt.Errorf("store: existing award keys: %d keys, at most 1000", len(keys))
	}
	var q strings.Builder
	q.WriteString(`SELECT idempotency_key FROM awards WHERE issuer_id = $1 AND idempotency_key IN (`)
	args := make([]any, 0, len(keys)+1)
	args = append(args, issuerID)
	for i, k := range keys {
		if i > 0 {
			q.WriteString(", ")
		}
		fmt.Fprintf(&q, "$%d", i+2)
		args = append(args, k)
	}
	q.WriteString(")")
	rows, err := tx.tx.QueryContext(ctx, q.String(), args...)
	if err != nil {
		return nil, fmt.Errorf("store: existing award keys: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, fmt.Errorf("store: existing award keys: %w", err)
		}
		out[k] = true
	}
	return out, rows.Err()
}
