// Package jobs is Rosette's durable background work queue: a table (jobs) in the same
// database as everything else, on SQLite and PostgreSQL alike, so jobs survive restarts and,
// on PostgreSQL, any number of nodes work one queue.
//
// Use:
//
//	q := jobs.New(st, logger, clock, jobs.Options{Workers: cfg.Workers})
//	q.Register("award.email", func(ctx context.Context, j *jobs.Job) error { ... })
//	id, created, err := q.Enqueue(ctx, tx, "award.email", payload, jobs.EnqueueOptions{UniqueKey: "award-email:42"})
//	err = q.Run(ctx) // blocks until ctx is done, then drains (see Options.ShutdownTimeout)
//
// Also: q.WorkOne(ctx) runs one due job synchronously (tests, tools); q.Sweep buries jobs whose
// worker vanished on their last attempt (Run does it every poll); q.DeleteFinished(ctx, age)
// prunes done jobs; q.Counts(ctx) counts jobs per state; q.Notify wakes idle workers.
//
// Guarantees:
//   - Enqueue may take the caller's *store.Tx, so that recording a thing and queueing its
//     follow-up commit or roll back together. A UniqueKey makes enqueueing idempotent: while
//     a job with that key exists (done jobs are kept until pruned), enqueueing it again
//     returns the existing job's id with created=false.
//   - A job runs when run_at has come. A worker claims it under a lease (Options.Lease),
//     renewed while the handler runs; if the worker dies, the lease expires and another
//     worker re-claims it. PostgreSQL claims with FOR UPDATE SKIP LOCKED; SQLite serialises
//     claims on its single writer.
//   - A failed attempt is retried after an exponential backoff with jitter
//     (Options.BackoffBase * 2^(attempt-1), at most BackoffMax, plus up to 25%); after
//     MaxAttempts, or when the handler returns Permanent(err), the job is dead (kept, with
//     its last error, for inspection). A panic in a handler is a failed attempt.
//   - Every state change after a claim is guarded by the claim's lease token, so a worker
//     that lost its lease cannot complete or fail the job any more. A handler whose effect
//     must happen exactly once records it with Job.Complete, which commits the effect and the
//     completion in one transaction, or neither.
//   - Graceful shutdown (ctx done): no new claims; running handlers get ShutdownTimeout to
//     finish; then their contexts are cancelled and their jobs released (pending, due now,
//     the attempt not counted) so another node takes them at once.
//
// Delivery is at least once; exactly-once effects are the handler's, via Job.Complete (or
// its own idempotency key).
package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/store"
)

// Handler does one job. Returning nil completes it (unless the handler already did with
// Job.Complete); an error fails the attempt (retried later), Permanent(err) fails it for good.
// ctx is cancelled when the lease is lost or shutdown runs out of time.
type Handler func(ctx context.Context, job *Job) error

// Options tunes a Queue; zero fields take the defaults shown.
type Options struct {
	Workers         int           // 4: jobs run at once by this queue
	PollInterval    time.Duration // 1s: how often idle workers look for due jobs
	Lease           time.Duration // 5m: how long a claim lasts without renewal
	MaxAttempts     int           // 10: default for jobs enqueued without one
	BackoffBase     time.Duration // 10s: delay after the first failed attempt
	BackoffMax      time.Duration // 6h: longest delay between attempts
	ShutdownTimeout time.Duration // 20s: time running handlers get after ctx is done
	WorkerID        string        // host:pid:random; names this queue in locked_by
	// Jitter returns a number in [0, 1) (default math/rand/v2.Float64); tests fix it.
	Jitter func() float64
}

// Queue enqueues jobs and runs the handlers registered on it.
type Queue struct {
	store    *store.Store
	logger   *slog.Logger
	clock    badge.Clock
	opts     Options
	mu       sync.Mutex
	handlers map[string]Handler
	kinds    []string
	seq      uint64
	wake     chan struct{}
	inflight map[int64]*Job
}

// New returns a queue on st. Register handlers before Run.
func New(st *store.Store, logger *slog.Logger, clock badge.Clock, opts Options) *Queue {
	if opts.Workers <= 0 {
		opts.Workers = 4
	}
	if opts.PollInterval <= 0 {
		opts.PollInterval = time.Second
	}
	if opts.Lease <= 0 {
		opts.Lease = 5 * time.Minute
	}
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = 10
	}
	if opts.BackoffBase <= 0 {
		opts.BackoffBase = 10 * time.Second
	}
	if opts.BackoffMax <= 0 {
		opts.BackoffMax = 6 * time.Hour
	}
	if opts.ShutdownTimeout <= 0 {
		opts.ShutdownTimeout = 20 * time.Second
	}
	if opts.WorkerID == "" {
		host, _ := os.Hostname()
		var b [4]byte
		rand.Read(b[:])
		opts.WorkerID = fmt.Sprintf("%s:%d:%s", host, os.Getpid(), hex.EncodeToString(b[:]))
	}
	if opts.Jitter == nil {
		opts.Jitter = mrand.Float64
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Queue{store: st, logger: logger, clock: clock, opts: opts, handlers: map[string]Handler{},
		wake: make(chan struct{}, 1), inflight: map[int64]*Job{}}
}

// Register sets the handler of a kind of job. It panics if the kind is already registered
// (a programming error).
func (q *Queue) Register(kind string, h Handler) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if _, dup := q.handlers[kind]; dup {
		panic("jobs: handler for " + kind + " registered twice")
	}
	q.handlers[kind] = h
	kinds := append(slices.Clone(q.kinds), kind) // a new slice: claimers may hold the old one
	slices.Sort(kinds)
	q.kinds = kinds
}

// EnqueueOptions are the per-job settings of Enqueue.
type EnqueueOptions struct {
	UniqueKey   string    // "" = none; else at most one job with this key ever exists
	RunAt       time.Time // zero = now
	MaxAttempts int       // 0 = Options.MaxAttempts
}

// Enqueue adds a job of this kind with payload (JSON-encoded; a json.RawMessage is used
// as is). With tx non-nil the job is inserted in the caller's transaction and exists only if
// it commits; with tx nil it is committed at once. If opts.UniqueKey names an existing job,
// nothing is added and that job's id is returned with created=false.
func (q *Queue) Enqueue(ctx context.Context, tx *store.Tx, kind string, payload any, opts EnqueueOptions) (id int64, created bool, err error) {
	if kind == "" {
		return 0, false, badge.Errorf(badge.Invalid, "A job needs a kind.")
	}
	raw, err := json.Marshal(payload)
	if err != nil {
		return 0, false, badge.E(badge.Invalid, "The job payload cannot be encoded.", err)
	}
	now := q.clock.Now()
	j := &store.Job{Kind: kind, Payload: raw, UniqueKey: opts.UniqueKey, MaxAttempts: opts.MaxAttempts, RunAt: opts.RunAt, CreatedAt: now}
	if j.MaxAttempts <= 0 {
		j.MaxAttempts = q.opts.MaxAttempts
	}
	if j.RunAt.IsZero() {
		j.RunAt = now
	}
	insert := func(tx *store.Tx) error {
		created, err = tx.InsertJob(ctx, j)
		return err
	}
	if tx != nil {
		err = insert(tx)
	} else {
		err = q.store.Update(ctx, insert)
	}
	if err != nil {
		return 0, false, badge.E(badge.Internal, "Could not queue background work.", err)
	}
	if created && !j.RunAt.After(now) {
		q.Notify()
	}
	return j.ID, created, nil
}

// Notify wakes an idle worker of this queue to look for due jobs now (Enqueue does it; call
// it after committing a transaction that enqueued jobs, to skip the poll delay).
func (q *Queue) Notify() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// Job is a claimed job, as its handler sees it.
type Job struct {
	ID          int64
	Kind        string
	Payload     json.RawMessage
	Attempt     int // 1 for the first attempt
	MaxAttempts int
	UniqueKey   string

	q         *Queue
	lock      string // the lease token of this claim (jobs.locked_by)
	mu        sync.Mutex
	completed bool
}

// Decode unmarshals the payload into v.
func (j *Job) Decode(v any) error { return json.Unmarshal(j.Payload, v) }

// ErrLeaseLost is returned by Job.Complete when this claim no longer holds the job: its lease
// expired and another worker took it, or shutdown released it. Nothing was committed.
var ErrLeaseLost = errors.New("jobs: lease lost; the job was not completed by this worker")

// Complete runs fn and marks the job done in one transaction: both commit, or neither (if fn
// fails, or the lease was lost). Use it to record the job's effect exactly once. Keep fn
// short: on SQLite it holds the only writer. fn may be nil.
func (j *Job) Complete(ctx context.Context, fn func(tx *store.Tx) error) error {
	now := j.q.clock.Now()
	err := j.q.store.Update(ctx, func(tx *store.Tx) error {
		// Completion first: it checks (and on PostgreSQL locks) the lease before fn runs.
		if err := tx.CompleteJob(ctx, j.ID, j.lock, now); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return ErrLeaseLost
			}
			return err
		}
		if fn != nil {
			return fn(tx)
		}
		return nil
	})
	if err == nil {
		j.mu.Lock()
		j.completed = true
		j.mu.Unlock()
	}
	return err
}

func (j *Job) isCompleted() bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.completed
}

// permanent marks an error that must not be retried.
type permanent struct{ err error }

func (p permanent) Error() string { return p.err.Error() }
func (p permanent) Unwrap() error { return p.err }

// Permanent wraps err so that the job fails for good (dead) instead of being retried: for
// payloads that can never succeed.
func Permanent(err error) error { return permanent{err} }

// Backoff returns the delay after failed attempt n (1-based): base*2^(n-1) capped at max,
// plus jitter*25% of that (jitter in [0,1)), so jobs failing together spread out.
func Backoff(n int, base, max time.Duration, jitter float64) time.Duration {
	d := base
	for i := 1; i < n && d < max; i++ {
		d *= 2
	}
	if d > max {
		d = max
	}
	return d + time.Duration(jitter*float64(d)/4)
}
