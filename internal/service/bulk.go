package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/bulk"
	"github.com/rosettebadges/rosette/internal/jobs"
	"github.com/rosettebadges/rosette/internal/store"
)

// batchIssuer issues awards, all or nothing per call; *Awards is one. The requests' keys make
// issuing the same request again return the award already made (an idempotent hit).
type batchIssuer interface {
	IssueBatch(ctx context.Context, actor *badge.User, reqs []badge.AwardRequest) ([]*badge.Award, error)
}

// BulkIssueJob is the kind of the job issuing a confirmed upload; its unique key is
// "bulk:" + the upload id.
const BulkIssueJob = "bulk.issue"

// The states of a bulk upload.
const (
	BulkPreview   = "preview"   // parsed and shown; nothing issued
	BulkQueued    = "queued"    // confirmed; the job will issue it
	BulkRunning   = "running"   // the job is issuing it
	BulkDone      = "done"      // every valid row is issued (or was already)
	BulkFailed    = "failed"    // the job stopped; Error says why
	BulkCancelled = "cancelled" // cancelled before or while issuing
)

// BulkPreviewRows is how many rows a preview shows at least (every row with errors is shown too).
const BulkPreviewRows = 100

const (
	bulkChunk       = 500 // requests per IssueBatch call
	bulkMaxAttempts = 8   // attempts of the job before the upload fails
	bulkRecent      = 10  // uploads listed on the upload form
)

// BulkUpload is a CSV upload of awards of one badge class, with its progress.
type BulkUpload struct {
	ID             string
	IssuerID       string
	IssuerName     string
	BadgeClassID   string
	BadgeClassName string
	Filename       string
	FileSHA256     string
	CreatedBy      int64
	State          string
	RowsTotal      int
	RowsValid      int
	RowsInvalid    int
	Issued         int // awards this upload created
	Skipped        int // rows already issued before (by an earlier upload or an earlier attempt)
	Failed         int // rows not issued: invalid rows skipped at confirmation, rows refused
	Error          string
	Notify         bool
	SkipInvalid    bool
	ConfirmedAt    time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
	// In state preview only: the columns of the file, and its first BulkPreviewRows rows
	// followed by every later row with errors, in file order.
	Columns []string
	Preview []bulk.Row
}

// Processed is the number of rows the job has dealt with.
func (u *BulkUpload) Processed() int { return u.Issued + u.Skipped + u.Failed }

// Active reports whether the upload is waiting for or in its job.
func (u *BulkUpload) Active() bool { return u.State == BulkQueued || u.State == BulkRunning }

// BulkTarget is a badge class seen from the bulk upload form.
type BulkTarget struct {
	IssuerID       string
	IssuerName     string
	BadgeClassID   string
	BadgeClassName string
}

// Bulk is the bulk awarding use case (PRODUCT.md B2): upload a CSV file of awards of one badge
// class (internal/bulk reads it), preview it with every row's problems, confirm, and issue it
// in a background job in chunks through the awards service, with progress. Every method needs
// badge.ActAward on the badge class's issuer. Safe for concurrent use.
type Bulk struct {
	store  *store.Store
	queue  *jobs.Queue
	awards batchIssuer
	clock  badge.Clock
	logger *slog.Logger
	chunk  int
	// existing tells which keys the issuer's awards already have (store.ExistingAwardKeys);
	// the unit tests of the job replace it.
	existing func(ctx context.Context, issuerID string, keys []string) (map[string]bool, error)
}

// NewBulk returns the bulk service. Confirm enqueues on q; Register puts the job's handler
// on it (nodes that run workers call it).
func NewBulk(st *store.Store, q *jobs.Queue, awards batchIssuer, clock badge.Clock, logger *slog.Logger) *Bulk {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	b := &Bulk{store: st, queue: q, awards: awards, clock: clock, logger: logger, chunk: bulkChunk}
	b.existing = func(ctx context.Context, issuerID string, keys []string) (out map[string]bool, err error) {
		err = st.View(ctx, func(tx *store.Tx) error {
			out, err = tx.ExistingAwardKeys(ctx, issuerID, keys)
			return err
		})
		return out, err
	}
	return b
}

// Register registers the "bulk.issue" job handler on the queue.
func (b *Bulk) Register() { b.queue.Register(BulkIssueJob, b.run) }

func (b *Bulk) now() time.Time { return b.clock.Now().UTC().Truncate(time.Microsecond) }

// cleanFilename keeps the base name of an uploaded file's name, as text, at most 200 characters.
func cleanFilename(name string) string {
	name = strings.ToValidUTF8(name, "")
	name = path.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, name)
	if name == "." || name == "/" || name == "" {
		name = "upload.csv"
	}
	if utf8.RuneCountInString(name) > 200 {
		name = string([]rune(name)[:200])
	}
	return name
}

// target loads the badge class and its issuer after checking ActAward.
func target(ctx context.Context, tx *store.Tx, actor *badge.User, badgeClassID string) (*BulkTarget, error) {
	bc, err := tx.BadgeClassByID(ctx, badgeClassID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, badge.Errorf(badge.NotFound, "There is no such badge class.")
	} else if err != nil {
		return nil, err
	}
	if _, err := check(ctx, tx, actor, bc.IssuerID, badge.ActAward); err != nil {
		return nil, err
	}
	iss, err := tx.IssuerByID(ctx, bc.IssuerID)
	if err != nil {
		return nil, err
	}
	return &BulkTarget{IssuerID: iss.ID, IssuerName: iss.Name, BadgeClassID: bc.ID, BadgeClassName: bc.Name}, nil
}

// ForBadgeClass returns the badge class (with its issuer) and its most recent uploads, for the
// upload form. NotFound for no such badge class; Forbidden without ActAward.
func (b *Bulk) ForBadgeClass(ctx context.Context, actor *badge.User, badgeClassID string) (*BulkTarget, []*BulkUpload, error) {
	var tg *BulkTarget
	var out []*BulkUpload
	err := b.store.View(ctx, func(tx *store.Tx) error {
		var err error
		if tg, err = target(ctx, tx, actor, badgeClassID); err != nil {
			return err
		}
		list, err := tx.ListBulkUploads(ctx, badgeClassID, bulkRecent)
		for _, u := range list {
			out = append(out, toBulkUpload(u, tg))
		}
		return err
	})
	if err != nil {
		return nil, nil, serviceErr(err)
	}
	return tg, out, nil
}

// Upload reads a CSV file of awards of the badge class and stores it, in state preview, with
// its preview; nothing is issued. Invalid (field "file") when the file as a whole cannot be
// used: too large, not UTF-8, a bad header, broken quoting, no rows, too many rows; problems
// of single rows are in the preview and the counts. NotFound for no such badge class;
// Forbidden without ActAward on its issuer.
func (b *Bulk) Upload(ctx context.Context, actor *badge.User, badgeClassID, filename string, data []byte, notify bool) (*BulkUpload, error) {
	now := b.now()
	var tg *BulkTarget
	err := b.store.View(ctx, func(tx *store.Tx) error {
		var err error
		tg, err = target(ctx, tx, actor, badgeClassID)
		return err
	})
	if err != nil {
		return nil, serviceErr(err)
	}
	f, err := bulk.Parse(data, bulk.Options{BadgeClassID: badgeClassID, Now: now, Notify: notify})
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	u := &store.BulkUpload{ID: newIssuerID(), IssuerID: tg.IssuerID, BadgeClassID: badgeClassID, CreatedBy: actor.ID,
		Filename: cleanFilename(filename), FileSHA256: hex.EncodeToString(sum[:]), Data: data,
		RowsTotal: len(f.Rows), RowsValid: f.Valid, RowsInvalid: f.Invalid, State: BulkPreview, Notify: notify,
		CreatedAt: now, UpdatedAt: now}
	err = b.store.Update(ctx, func(tx *store.Tx) error {
		if _, err := target(ctx, tx, actor, badgeClassID); err != nil {
			return err
		}
		if err := tx.InsertBulkUpload(ctx, u); err != nil {
			return err
		}
		return RecordAudit(ctx, tx, now, actorName(ctx, actor), "bulk.upload", "bulk_upload:"+u.ID, map[string]any{
			"issuer": tg.IssuerID, "badge_class": badgeClassID, "filename": u.Filename, "sha256": u.FileSHA256,
			"rows": u.RowsTotal, "invalid": u.RowsInvalid})
	})
	if err != nil {
		return nil, serviceErr(err)
	}
	b.logger.InfoContext(ctx, "bulk upload previewed", "bulk_upload_id", u.ID, "badge_class_id", badgeClassID,
		"rows", u.RowsTotal, "invalid", u.RowsInvalid)
	out := toBulkUpload(u, tg)
	out.Columns, out.Preview = f.Columns, previewRows(f)
	return out, nil
}

func previewRows(f *bulk.File) []bulk.Row {
	var out []bulk.Row
	for i, r := range f.Rows {
		if i < BulkPreviewRows || !r.Valid() {
			out = append(out, r)
		}
	}
	return out
}

func toBulkUpload(u *store.BulkUpload, tg *BulkTarget) *BulkUpload {
	return &BulkUpload{ID: u.ID, IssuerID: u.IssuerID, IssuerName: tg.IssuerName, BadgeClassID: u.BadgeClassID,
		BadgeClassName: tg.BadgeClassName, Filename: u.Filename, FileSHA256: u.FileSHA256, CreatedBy: u.CreatedBy,
		State: u.State, RowsTotal: u.RowsTotal, RowsValid: u.RowsValid, RowsInvalid: u.RowsInvalid, Issued: u.Issued,
		Skipped: u.Skipped, Failed: u.Failed, Error: u.Error, Notify: u.Notify, SkipInvalid: u.SkipInvalid,
		ConfirmedAt: u.ConfirmedAt, CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt}
}

// load returns the upload (without data) and its badge class after checking ActAward.
func (b *Bulk) load(ctx context.Context, tx *store.Tx, actor *badge.User, id string) (*store.BulkUpload, *BulkTarget, error) {
	u, err := tx.BulkUploadByID(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, badge.Errorf(badge.NotFound, "There is no such upload.")
	} else if err != nil {
		return nil, nil, err
	}
	tg, err := target(ctx, tx, actor, u.BadgeClassID)
	if err != nil {
		return nil, nil, err
	}
	return u, tg, nil
}

// Get returns the upload with its progress, and its preview while in state preview. NotFound
// for no such upload; Forbidden without ActAward on its issuer.
func (b *Bulk) Get(ctx context.Context, actor *badge.User, id string) (*BulkUpload, error) {
	var out *BulkUpload
	var data []byte
	err := b.store.View(ctx, func(tx *store.Tx) error {
		u, tg, err := b.load(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		out = toBulkUpload(u, tg)
		if u.State == BulkPreview {
			data, err = tx.BulkUploadData(ctx, id)
		}
		return err
	})
	if err != nil {
		return nil, serviceErr(err)
	}
	if out.State == BulkPreview {
		f, err := bulk.Parse(data, bulk.Options{BadgeClassID: out.BadgeClassID, Now: out.CreatedAt, Notify: out.Notify})
		if err != nil {
			return nil, badge.E(badge.Internal, "The stored file cannot be read again.", err)
		}
		out.Columns, out.Preview = f.Columns, previewRows(f)
	}
	return out, nil
}

// Confirm queues the issuing of a previewed upload: the "bulk.issue" job is enqueued in the
// same transaction that moves the upload to queued. An upload with invalid rows is confirmed
// only with skipInvalid (its valid rows are issued; the invalid ones are counted as failed).
// Conflict unless the upload is in preview; Invalid when it has invalid rows and skipInvalid is
// false, or no valid row; NotFound, Forbidden as Get.
func (b *Bulk) Confirm(ctx context.Context, actor *badge.User, id string, skipInvalid bool) (*BulkUpload, error) {
	now := b.now()
	var out *BulkUpload
	err := b.store.Update(ctx, func(tx *store.Tx) error {
		u, tg, err := b.load(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		switch {
		case u.State != BulkPreview:
			return badge.Errorf(badge.Conflict, "This upload was already confirmed or cancelled.")
		case u.RowsValid == 0:
			return badge.Errorf(badge.Invalid, "No row of this file can be issued. Upload a corrected file.")
		case u.RowsInvalid > 0 && !skipInvalid:
			return badge.Errorf(badge.Invalid, "%d %s errors. Upload a corrected file, or choose to skip the invalid rows.",
				u.RowsInvalid, pluralRows(u.RowsInvalid))
		}
		if err := tx.ConfirmBulkUpload(ctx, id, skipInvalid, now); err != nil {
			return err
		}
		if _, _, err := b.queue.Enqueue(ctx, tx, BulkIssueJob, bulkJob{Upload: id},
			jobs.EnqueueOptions{UniqueKey: "bulk:" + id, MaxAttempts: bulkMaxAttempts}); err != nil {
			return err
		}
		u.State, u.SkipInvalid, u.ConfirmedAt, u.UpdatedAt = BulkQueued, skipInvalid, now, now
		out = toBulkUpload(u, tg)
		return RecordAudit(ctx, tx, now, actorName(ctx, actor), "bulk.confirm", "bulk_upload:"+id,
			map[string]any{"badge_class": u.BadgeClassID, "rows": u.RowsValid, "skip_invalid": skipInvalid})
	})
	if err != nil {
		return nil, serviceErr(err)
	}
	b.queue.Notify()
	return out, nil
}

func pluralRows(n int) string {
	if n == 1 {
		return "row has"
	}
	return "rows have"
}

// Cancel cancels an upload in preview, queued or running (a running job stops before its next
// chunk; awards already issued stay). Conflict when it has ended; NotFound, Forbidden as Get.
func (b *Bulk) Cancel(ctx context.Context, actor *badge.User, id string) (*BulkUpload, error) {
	now := b.now()
	var out *BulkUpload
	err := b.store.Update(ctx, func(tx *store.Tx) error {
		u, tg, err := b.load(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if err := tx.CancelBulkUpload(ctx, id, now); errors.Is(err, store.ErrNotFound) {
			return badge.Errorf(badge.Conflict, "This upload has finished; it cannot be cancelled.")
		} else if err != nil {
			return err
		}
		u.State, u.UpdatedAt = BulkCancelled, now
		out = toBulkUpload(u, tg)
		return RecordAudit(ctx, tx, now, actorName(ctx, actor), "bulk.cancel", "bulk_upload:"+id,
			map[string]any{"badge_class": u.BadgeClassID})
	})
	if err != nil {
		return nil, serviceErr(err)
	}
	return out, nil
}

// bulkJob is the payload of the "bulk.issue" job.
type bulkJob struct {
	Upload string `json:"upload"`
}

// errStopped ends a job quietly: the upload was cancelled or finished meanwhile.
var errStopped = errors.New("bulk upload stopped")

// run is the "bulk.issue" job: it parses the stored file again and issues its valid rows in
// chunks, recording the counters after each chunk, then finishes the upload (done, dropping the
// file) in the transaction that completes the job. A resumed job starts over: rows already
// issued are idempotent hits, counted as issued when this upload created them (after its
// confirmation) and as skipped otherwise.
func (b *Bulk) run(ctx context.Context, job *jobs.Job) error {
	var p bulkJob
	if err := job.Decode(&p); err != nil || p.Upload == "" {
		return jobs.Permanent(fmt.Errorf("bulk.issue: bad payload %s", job.Payload))
	}
	u, data, actor, err := b.start(ctx, p.Upload)
	if errors.Is(err, errStopped) {
		return nil
	}
	if err != nil {
		return err
	}
	fail := func(msg string, issued, skipped, failed int) error {
		err := b.store.Update(ctx, func(tx *store.Tx) error {
			return tx.FinishBulkUpload(ctx, u.ID, BulkFailed, msg, issued, skipped, failed, b.now())
		})
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		b.logger.WarnContext(ctx, "bulk upload failed", "bulk_upload_id", u.ID, "error", msg)
		return nil
	}
	if actor == nil {
		return fail("The person who uploaded the file no longer has an account.", 0, 0, 0)
	}
	f, err := bulk.Parse(data, bulk.Options{BadgeClassID: u.BadgeClassID, Now: u.CreatedAt, Notify: u.Notify})
	if err != nil {
		return fail(badge.SafeMessage(err), 0, 0, 0)
	}
	var reqs []badge.AwardRequest
	var lines []int
	for _, r := range f.Rows {
		if r.Valid() {
			reqs, lines = append(reqs, r.Request), append(lines, r.Line)
		}
	}
	issued, skipped, failed := 0, 0, f.Invalid
	var refused []string
	var existed map[string]bool
	// An award is this upload's when its key was new before the chunk, or when it was made
	// after the confirmation (by an earlier attempt of this job); else it was already issued.
	count := func(req badge.AwardRequest, a *badge.Award) {
		if !existed[req.Key] || a != nil && a.CreatedAt.After(u.ConfirmedAt) {
			issued++
		} else {
			skipped++
		}
	}
	for i := 0; i < len(reqs); i += b.chunk {
		end := min(i+b.chunk, len(reqs))
		if err := b.checkRunning(ctx, u.ID); err != nil {
			return quiet(err)
		}
		keys := make([]string, 0, end-i)
		for _, r := range reqs[i:end] {
			keys = append(keys, r.Key)
		}
		if existed, err = b.existing(ctx, u.IssuerID, keys); err != nil {
			return err
		}
		awards, err := b.awards.IssueBatch(ctx, actor, reqs[i:end])
		if errors.Is(err, badge.Invalid) {
			// Find the rows at fault: issue the chunk's rows one by one.
			for j := i; j < end; j++ {
				one, err := b.awards.IssueBatch(ctx, actor, reqs[j:j+1])
				switch {
				case errors.Is(err, badge.Invalid):
					failed++
					refused = append(refused, fmt.Sprintf("Line %d: %s", lines[j], badge.SafeMessage(err)))
				case err != nil:
					return b.retry(ctx, job, err, fail, issued, skipped, failed)
				case len(one) == 1:
					count(reqs[j], one[0])
				}
			}
		} else if err != nil {
			return b.retry(ctx, job, err, fail, issued, skipped, failed)
		} else {
			for j, a := range awards {
				count(reqs[i+j], a)
			}
		}
		err = b.store.Update(ctx, func(tx *store.Tx) error {
			return tx.SetBulkUploadProgress(ctx, u.ID, issued, skipped, failed, b.now())
		})
		if errors.Is(err, store.ErrNotFound) {
			return nil // cancelled meanwhile
		} else if err != nil {
			return err
		}
	}
	msg := ""
	if len(refused) > 0 {
		msg = fmt.Sprintf("%d %s not issued. %s", len(refused), pluralRowsWere(len(refused)), refused[0])
	}
	err = job.Complete(ctx, func(tx *store.Tx) error {
		return tx.FinishBulkUpload(ctx, u.ID, BulkDone, msg, issued, skipped, failed, b.now())
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil // cancelled meanwhile
	}
	if err == nil {
		b.logger.InfoContext(ctx, "bulk upload done", "bulk_upload_id", u.ID, "issued", issued, "skipped", skipped, "failed", failed)
	}
	return err
}

func pluralRowsWere(n int) string {
	if n == 1 {
		return "row was"
	}
	return "rows were"
}

func quiet(err error) error {
	if errors.Is(err, errStopped) {
		return nil
	}
	return err
}

// start loads a queued or running upload, its file and its uploader (nil when the account is
// gone), and marks it running with its counters at zero. errStopped when it is in any other
// state.
func (b *Bulk) start(ctx context.Context, id string) (*store.BulkUpload, []byte, *badge.User, error) {
	var u *store.BulkUpload
	var data []byte
	var actor *badge.User
	err := b.store.Update(ctx, func(tx *store.Tx) error {
		var err error
		u, err = tx.BulkUploadByID(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			return errStopped
		} else if err != nil {
			return err
		}
		if u.State != BulkQueued && u.State != BulkRunning {
			return errStopped
		}
		if data, err = tx.BulkUploadData(ctx, id); err != nil {
			return err
		}
		if u.CreatedBy == 0 {
			actor = System
		} else if su, err := tx.UserByID(ctx, u.CreatedBy); err == nil {
			actor = toUser(su)
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		return tx.StartBulkUpload(ctx, id, b.now())
	})
	return u, data, actor, err
}

// checkRunning returns errStopped unless the upload is still running.
func (b *Bulk) checkRunning(ctx context.Context, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return b.store.View(ctx, func(tx *store.Tx) error {
		u, err := tx.BulkUploadByID(ctx, id)
		if err != nil {
			return err
		}
		if u.State != BulkRunning {
			return errStopped
		}
		return nil
	})
}

// retry handles an error of the awards service: the uploader may no longer award this badge
// (or it is gone): the upload fails; anything else fails this attempt (retried later, rows
// already issued being idempotent hits) and, on the last attempt, the upload.
func (b *Bulk) retry(ctx context.Context, job *jobs.Job, err error, fail func(string, int, int, int) error, issued, skipped, failed int) error {
	switch badge.KindOf(err) {
	case badge.Forbidden, badge.Unauthorized, badge.NotFound:
		return fail(badge.SafeMessage(err), issued, skipped, failed)
	}
	if ctx.Err() != nil {
		return err
	}
	if job.Attempt >= job.MaxAttempts {
		return fail(fmt.Sprintf("Issuing stopped after repeated errors (%s) with %d badges issued. Upload the file again to issue the rest: nothing is issued twice.",
			strings.TrimSuffix(badge.SafeMessage(err), "."), issued), issued, skipped, failed)
	}
	b.logger.WarnContext(ctx, "bulk upload attempt failed", "attempt", job.Attempt, "error", err.Error())
	return err
}
