package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Job states.
const (
	JobPending = "pending" // waiting for run_at
	JobRunning = "running" // claimed by locked_by until lease_until
	JobDone    = "done"    // completed
	JobDead    = "dead"    // failed max_attempts times (dead letter); kept for inspection
)

// Job is a jobs row. The queue logic is in internal/jobs; this is its storage.
type Job struct {
	ID          int64
	Kind        string
	Payload     []byte // JSON
	UniqueKey   string // "" = none; otherwise unique among all jobs ever enqueued
	State       string
	Attempts    int // claims so far, including the current one
	MaxAttempts int
	RunAt       time.Time
	LeaseUntil  time.Time // zero unless running
	LockedBy    string    // worker id holding the lease
	LastError   string
	CreatedAt   time.Time
	UpdatedAt   time.Time
	FinishedAt  time.Time
}

const jobCols = "id, kind, payload, unique_key, state, attempts, max_attempts, run_at, lease_until, locked_by, last_error, created_at, updated_at, finished_at"

func scanJob(row interface{ Scan(...any) error }) (*Job, error) {
	var j Job
	var payload string
	var key, locked sql.NullString
	err := row.Scan(&j.ID, &j.Kind, &payload, &key, &j.State, &j.Attempts, &j.MaxAttempts, tc(&j.RunAt),
		tc(&j.LeaseUntil), &locked, &j.LastError, tc(&j.CreatedAt), tc(&j.UpdatedAt), tc(&j.FinishedAt))
	if err != nil {
		return nil, notFound(err)
	}
	j.Payload, j.UniqueKey, j.LockedBy = []byte(payload), key.String, locked.String
	return &j, nil
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// InsertJob enqueues j as pending and sets j.ID. If j.UniqueKey is set and a job with that key
// exists already, nothing is inserted, j.ID is set to the existing job's id and inserted is
// false.
func (tx *Tx) InsertJob(ctx context.Context, j *Job) (inserted bool, err error) {
	err = tx.queryRow(ctx,
		`INSERT INTO jobs (kind, payload, unique_key, state, attempts, max_attempts, run_at, created_at, updated_at)
		 VALUES ($1, $2, $3, 'pending', 0, $4, $5, $6, $6)
		 ON CONFLICT (unique_key) DO NOTHING RETURNING id`,
		j.Kind, string(j.Payload), nullString(j.UniqueKey), j.MaxAttempts, tx.t(j.RunAt), tx.t(j.CreatedAt)).Scan(&j.ID)
	if err == nil {
		j.State = JobPending
		return true, nil
	}
	if err != sql.ErrNoRows || j.UniqueKey == "" {
		return false, fmt.Errorf("store: insert job: %w", err)
	}
	if err := tx.queryRow(ctx, `SELECT id FROM jobs WHERE unique_key = $1`, j.UniqueKey).Scan(&j.ID); err != nil {
		return false, fmt.Errorf("store: insert job: find duplicate: %w", err)
	}
	return false, nil
}

// JobByID returns a job, or ErrNotFound.
func (tx *Tx) JobByID(ctx context.Context, id int64) (*Job, error) {
	return scanJob(tx.queryRow(ctx, `SELECT `+jobCols+` FROM jobs WHERE id = $1`, id))
}

// ClaimJob takes the next job of one of these kinds that is due, marks it running under
// worker until leaseUntil and counts the attempt. Due means, in this order: running with an
// expired lease and attempts left (its worker vanished), or pending with run_at <= now
// (oldest run_at first). It returns ErrNotFound when nothing is due. On PostgreSQL rows locked
// by other claimers are skipped (FOR UPDATE SKIP LOCKED); on SQLite the write transaction is
// exclusive.
func (tx *Tx) ClaimJob(ctx context.Context, kinds []string, worker string, now, leaseUntil time.Time) (*Job, error) {
	if len(kinds) == 0 {
		return nil, ErrNotFound
	}
	args := []any{tx.t(now), tx.t(leaseUntil), worker}
	ph := make([]string, len(kinds))
	for i, k := range kinds {
		args = append(args, k)
		ph[i] = "$" + strconv.Itoa(len(args))
	}
	lock := ""
	if tx.dialect == Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	kindIn := "kind IN (" + strings.Join(ph, ", ") + ")"
	for _, due := range []string{
		`state = 'running' AND lease_until <= $1 AND attempts < max_attempts AND ` + kindIn + ` ORDER BY lease_until`,
		`state = 'pending' AND run_at <= $1 AND ` + kindIn + ` ORDER BY run_at, id`,
	} {
		q := `UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_until = $2, locked_by = $3, updated_at = $1
			WHERE id = (SELECT id FROM jobs WHERE ` + due + ` LIMIT 1` + lock + `)
			RETURNING ` + jobCols
		j, err := scanJob(tx.queryRow(ctx, q, args...))
		if err != ErrNotFound {
			return j, err
		}
	}
	return nil, ErrNotFound
}

// BuryExpiredJobs moves running jobs whose lease expired and that have no attempts left to
// the dead state, and returns how many.
func (tx *Tx) BuryExpiredJobs(ctx context.Context, now time.Time) (int64, error) {
	res, err := tx.exec(ctx,
		`UPDATE jobs SET state = 'dead', lease_until = NULL, locked_by = NULL, finished_at = $1, updated_at = $1,
			last_error = 'lease expired: the worker stopped without finishing'
		 WHERE state = 'running' AND lease_until <= $1 AND attempts >= max_attempts`, tx.t(now))
	if err != nil {
		return 0, fmt.Errorf("store: bury expired jobs: %w", err)
	}
	return res.RowsAffected()
}

// held is the condition that worker still holds the lease of job $1.
const held = ` WHERE id = $1 AND state = 'running' AND locked_by = $2`

// ExtendJobLease moves the lease of a job the worker holds; ErrNotFound if it lost it.
func (tx *Tx) ExtendJobLease(ctx context.Context, id int64, worker string, leaseUntil, now time.Time) error {
	res, err := tx.exec(ctx, `UPDATE jobs SET lease_until = $3, updated_at = $4`+held, id, worker, tx.t(leaseUntil), tx.t(now))
	return oneRow(res, err, "extend job lease")
}

// CompleteJob marks a job the worker holds as done; ErrNotFound if it lost the lease (the job
// was released, re-claimed by another worker, or finished).
func (tx *Tx) CompleteJob(ctx context.Context, id int64, worker string, now time.Time) error {
	res, err := tx.exec(ctx,
		`UPDATE jobs SET state = 'done', lease_until = NULL, locked_by = NULL, finished_at = $3, updated_at = $3, last_error = ''`+held,
		id, worker, tx.t(now))
	return oneRow(res, err, "complete job")
}

// RetryJob puts a job the worker holds back to pending, due at runAt, recording the error.
func (tx *Tx) RetryJob(ctx context.Context, id int64, worker string, runAt time.Time, lastErr string, now time.Time) error {
	res, err := tx.exec(ctx,
		`UPDATE jobs SET state = 'pending', run_at = $3, lease_until = NULL, locked_by = NULL, last_error = $4, updated_at = $5`+held,
		id, worker, tx.t(runAt), lastErr, tx.t(now))
	return oneRow(res, err, "retry job")
}

// KillJob moves a job the worker holds to the dead state, recording the error.
func (tx *Tx) KillJob(ctx context.Context, id int64, worker string, lastErr string, now time.Time) error {
	res, err := tx.exec(ctx,
		`UPDATE jobs SET state = 'dead', lease_until = NULL, locked_by = NULL, last_error = $3, finished_at = $4, updated_at = $4`+held,
		id, worker, lastErr, tx.t(now))
	return oneRow(res, err, "kill job")
}

// ReleaseJob gives a job the worker holds back unfinished (graceful shutdown): pending, due
// now, the attempt not counted, so that any worker takes it at once.
func (tx *Tx) ReleaseJob(ctx context.Context, id int64, worker string, now time.Time) error {
	res, err := tx.exec(ctx,
		`UPDATE jobs SET state = 'pending', run_at = $3, lease_until = NULL, locked_by = NULL,
			attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END, updated_at = $3`+held,
		id, worker, tx.t(now))
	return oneRow(res, err, "release job")
}

// CountJobs returns the number of jobs in each state (states with none are absent).
func (tx *Tx) CountJobs(ctx context.Context) (map[string]int64, error) {
	rows, err := tx.tx.QueryContext(ctx, `SELECT state, COUNT(*) FROM jobs GROUP BY state`)
	if err != nil {
		return nil, fmt.Errorf("store: count jobs: %w", err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var s string
		var n int64
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		out[s] = n
	}
	return out, rows.Err()
}

// DeleteFinishedJobs removes done jobs finished before `before` (dead ones are kept), and
// returns how many.
func (tx *Tx) DeleteFinishedJobs(ctx context.Context, before time.Time) (int64, error) {
	res, err := tx.exec(ctx, `DELETE FROM jobs WHERE state = 'done' AND finished_at <= $1`, tx.t(before))
	if err != nil {
		return 0, fmt.Errorf("store: delete finished jobs: %w", err)
	}
	return res.RowsAffected()
}
