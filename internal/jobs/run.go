package jobs

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"time"

	"github.com/rosettebadges/rosette/internal/store"
)

// finishTimeout bounds the database writes that record a job's outcome, which run even when
// the queue's context is done.
const finishTimeout = 10 * time.Second

// Run works the queue with Options.Workers workers until ctx is done, then shuts down
// gracefully: no new claims, running handlers get Options.ShutdownTimeout to finish, after
// which their contexts are cancelled and their jobs released for another worker. It returns
// nil after a graceful shutdown.
func (q *Queue) Run(ctx context.Context) error {
	hctx, cancelHandlers := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelHandlers()
	var wg sync.WaitGroup
	for i := 0; i < q.opts.Workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			q.worker(ctx, hctx)
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		q.sweeper(ctx)
	}()
	q.mu.Lock()
	kinds := q.kinds
	q.mu.Unlock()
	q.logger.InfoContext(ctx, "jobs: started", "workers", q.opts.Workers, "worker_id", q.opts.WorkerID, "kinds", kinds)
	<-ctx.Done()

	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	timer := time.NewTimer(q.opts.ShutdownTimeout)
	defer timer.Stop()
	select {
	case <-done:
		q.logger.Info("jobs: stopped; running jobs finished")
		return nil
	case <-timer.C:
	}
	// Out of time: cancel the handlers, which then release their jobs; release those of
	// handlers that ignore cancellation ourselves, so another node takes them now.
	cancelHandlers()
	grace := time.NewTimer(min(time.Second, q.opts.ShutdownTimeout))
	defer grace.Stop()
	select {
	case <-done:
	case <-grace.C:
	}
	released := q.releaseInflight()
	q.logger.Warn("jobs: shutdown timeout; released unfinished jobs", "released", released)
	return nil
}

// releaseInflight gives back every job this queue is running, and returns how many.
func (q *Queue) releaseInflight() int {
	q.mu.Lock()
	jobs := make([]*Job, 0, len(q.inflight))
	for _, j := range q.inflight {
		jobs = append(jobs, j)
	}
	q.mu.Unlock()
	n := 0
	for _, j := range jobs {
		if q.release(j) {
			n++
		}
	}
	return n
}

func (q *Queue) release(j *Job) bool {
	ctx, cancel := context.WithTimeout(context.Background(), finishTimeout)
	defer cancel()
	err := q.store.Update(ctx, func(tx *store.Tx) error { return tx.ReleaseJob(ctx, j.ID, j.lock, q.clock.Now()) })
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		q.logger.Error("jobs: release failed", "job_id", j.ID, "kind", j.Kind, "err", err)
	}
	return err == nil
}

// worker claims and runs jobs until ctx is done.
func (q *Queue) worker(ctx, hctx context.Context) {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		worked, err := q.workOne(ctx, hctx)
		if err != nil && ctx.Err() == nil {
			q.logger.Error("jobs: claim failed", "err", err)
		}
		if worked {
			q.Notify() // there may be more: let another idle worker look too
			if ctx.Err() != nil {
				return
			}
			continue
		}
		timer.Reset(q.opts.PollInterval)
		select {
		case <-ctx.Done():
			return
		case <-q.wake:
		case <-timer.C:
		}
	}
}

// sweeper moves jobs whose worker vanished with no attempts left to the dead state.
func (q *Queue) sweeper(ctx context.Context) {
	t := time.NewTicker(q.opts.PollInterval)
	defer t.Stop()
	for {
		if err := q.Sweep(ctx); err != nil && ctx.Err() == nil {
			q.logger.Error("jobs: sweep failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Sweep buries running jobs whose lease expired with no attempts left (Run calls it every
// poll interval).
func (q *Queue) Sweep(ctx context.Context) error {
	return q.store.Update(ctx, func(tx *store.Tx) error {
		n, err := tx.BuryExpiredJobs(ctx, q.clock.Now())
		if n > 0 {
			q.logger.WarnContext(ctx, "jobs: dead after their worker vanished on the last attempt", "count", n)
		}
		return err
	})
}

// WorkOne claims one due job and runs it to the end in the calling goroutine. It reports
// whether there was one. For tests and tools; servers use Run.
func (q *Queue) WorkOne(ctx context.Context) (bool, error) {
	return q.workOne(ctx, ctx)
}

func (q *Queue) workOne(ctx, hctx context.Context) (bool, error) {
	q.mu.Lock()
	kinds := q.kinds
	q.seq++
	lock := fmt.Sprintf("%s#%d", q.opts.WorkerID, q.seq)
	q.mu.Unlock()
	now := q.clock.Now()
	var sj *store.Job
	err := q.store.Update(ctx, func(tx *store.Tx) error {
		var err error
		sj, err = tx.ClaimJob(ctx, kinds, lock, now, now.Add(q.opts.Lease))
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	j := &Job{ID: sj.ID, Kind: sj.Kind, Payload: sj.Payload, Attempt: sj.Attempts, MaxAttempts: sj.MaxAttempts,
		UniqueKey: sj.UniqueKey, q: q, lock: lock}
	q.mu.Lock()
	h := q.handlers[j.Kind]
	q.inflight[j.ID] = j
	q.mu.Unlock()
	defer func() {
		q.mu.Lock()
		delete(q.inflight, j.ID)
		q.mu.Unlock()
	}()
	q.execute(hctx, h, j)
	return true, nil
}

// execute runs the handler under a renewed lease and records the outcome.
func (q *Queue) execute(ctx context.Context, h Handler, j *Job) {
	jctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stopBeat := q.heartbeat(jctx, cancel, j)
	start := time.Now()
	err := call(jctx, h, j)
	stopBeat()
	log := q.logger.With("job_id", j.ID, "kind", j.Kind, "attempt", j.Attempt, "duration", time.Since(start))

	fctx, fcancel := context.WithTimeout(context.WithoutCancel(ctx), finishTimeout)
	defer fcancel()
	now := q.clock.Now()
	var ferr error
	switch {
	case err == nil && j.isCompleted():
		log.Debug("jobs: done")
		return
	case err == nil:
		ferr = q.store.Update(fctx, func(tx *store.Tx) error { return tx.CompleteJob(fctx, j.ID, j.lock, now) })
		if ferr == nil {
			log.Debug("jobs: done")
		}
	case ctx.Err() != nil:
		// Shutdown ran out of time (or the lease was lost): give the job back, uncounted.
		if q.release(j) {
			log.Info("jobs: released at shutdown", "err", err)
		}
		return
	case errors.As(err, new(permanent)) || j.Attempt >= j.MaxAttempts:
		ferr = q.store.Update(fctx, func(tx *store.Tx) error { return tx.KillJob(fctx, j.ID, j.lock, errText(err), now) })
		if ferr == nil {
			log.Error("jobs: dead", "err", err)
		}
	default:
		delay := Backoff(j.Attempt, q.opts.BackoffBase, q.opts.BackoffMax, q.opts.Jitter())
		ferr = q.store.Update(fctx, func(tx *store.Tx) error {
			return tx.RetryJob(fctx, j.ID, j.lock, now.Add(delay), errText(err), now)
		})
		if ferr == nil {
			log.Warn("jobs: attempt failed; will retry", "err", err, "retry_in", delay)
		}
	}
	if errors.Is(ferr, store.ErrNotFound) {
		log.Warn("jobs: lease lost before the outcome was recorded; another worker owns the job")
	} else if ferr != nil {
		log.Error("jobs: could not record the outcome; the lease will expire and the job run again", "err", ferr)
	}
}

func errText(err error) string {
	s := err.Error()
	if len(s) > 2000 {
		s = s[:2000]
	}
	return s
}

// call runs the handler, turning a panic into an error.
func call(ctx context.Context, h Handler, j *Job) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("handler panic: %v\n%s", p, debug.Stack())
		}
	}()
	if h == nil {
		return Permanent(fmt.Errorf("no handler for kind %q", j.Kind))
	}
	return h(ctx, j)
}

// heartbeat renews the lease every third of its length while the handler runs; if the lease
// is lost it cancels the handler. The returned func stops it and waits.
func (q *Queue) heartbeat(ctx context.Context, cancel context.CancelFunc, j *Job) (stop func()) {
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(q.opts.Lease / 3)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
			}
			now := q.clock.Now()
			err := q.store.Update(ctx, func(tx *store.Tx) error {
				return tx.ExtendJobLease(ctx, j.ID, j.lock, now.Add(q.opts.Lease), now)
			})
			if errors.Is(err, store.ErrNotFound) {
				q.logger.Warn("jobs: lease lost while running; cancelling the handler", "job_id", j.ID, "kind", j.Kind)
				cancel()
				return
			}
			if err != nil && ctx.Err() == nil {
				q.logger.Error("jobs: lease renewal failed", "job_id", j.ID, "err", err)
			}
		}
	}()
	return func() { close(done); <-stopped }
}

// DeleteFinished removes done jobs that finished more than olderThan ago (dead jobs are kept
// for inspection) and returns how many. Their unique keys become free again. For a periodic
// housekeeping job.
func (q *Queue) DeleteFinished(ctx context.Context, olderThan time.Duration) (int64, error) {
	var n int64
	err := q.store.Update(ctx, func(tx *store.Tx) error {
		var err error
		n, err = tx.DeleteFinishedJobs(ctx, q.clock.Now().Add(-olderThan))
		return err
	})
	return n, err
}

// Counts returns the number of jobs in each state (pending, running, done, dead), for
// metrics and status pages.
func (q *Queue) Counts(ctx context.Context) (map[string]int64, error) {
	var c map[string]int64
	err := q.store.View(ctx, func(tx *store.Tx) error {
		var err error
		c, err = tx.CountJobs(ctx)
		return err
	})
	return c, err
}
