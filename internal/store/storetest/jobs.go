package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/rosettebadges/rosette/internal/store"
)

func enqueue(t *testing.T, s *store.Store, j *store.Job) bool {
	t.Helper()
	var ins bool
	update(t, s, func(tx *store.Tx) error {
		var err error
		ins, err = tx.InsertJob(context.Background(), j)
		return err
	})
	return ins
}

func job(kind, key string, runAt time.Time) *store.Job {
	return &store.Job{Kind: kind, Payload: []byte(`{"n":1}`), UniqueKey: key, MaxAttempts: 3, RunAt: runAt, CreatedAt: t0}
}

func claim(t *testing.T, s *store.Store, kinds []string, worker string, now time.Time) *store.Job {
	t.Helper()
	var j *store.Job
	err := s.Update(context.Background(), func(tx *store.Tx) error {
		var err error
		j, err = tx.ClaimJob(context.Background(), kinds, worker, now, now.Add(time.Minute))
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func testJobsEnqueue(t *testing.T, s *store.Store) {
	ctx := context.Background()
	a := job("mail", "award:1", t0)
	if !enqueue(t, s, a) || a.ID == 0 {
		t.Fatalf("first enqueue: id %d", a.ID)
	}
	dup := job("mail", "award:1", t0)
	if enqueue(t, s, dup) || dup.ID != a.ID {
		t.Errorf("duplicate key: inserted, or id %d != %d", dup.ID, a.ID)
	}
	n1, n2 := job("mail", "", t0), job("mail", "", t0)
	if !enqueue(t, s, n1) || !enqueue(t, s, n2) || n1.ID == n2.ID {
		t.Error("jobs without a key must not collide")
	}
	view(t, s, func(tx *store.Tx) error {
		got, err := tx.JobByID(ctx, a.ID)
		if err != nil {
			return err
		}
		if got.State != store.JobPending || got.Attempts != 0 || got.MaxAttempts != 3 || string(got.Payload) != `{"n":1}` ||
			got.UniqueKey != "award:1" || !got.RunAt.Equal(t0) || !got.LeaseUntil.IsZero() || got.LockedBy != "" {
			t.Errorf("JobByID = %+v", got)
		}
		counts, err := tx.CountJobs(ctx)
		if counts[store.JobPending] != 3 {
			t.Errorf("CountJobs = %v", counts)
		}
		return err
	})
	// Enqueue inside a transaction that rolls back leaves nothing.
	boom := errors.New("boom")
	err := s.Update(ctx, func(tx *store.Tx) error {
		if _, err := tx.InsertJob(ctx, job("mail", "award:2", t0)); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	again := job("mail", "award:2", t0)
	if !enqueue(t, s, again) {
		t.Error("key of a rolled-back job is taken")
	}
}

func testJobsClaimLifecycle(t *testing.T, s *store.Store) {
	ctx := context.Background()
	later := job("k", "", t0.Add(time.Hour))
	first := job("k", "", t0)
	other := job("other", "", t0)
	enqueue(t, s, later)
	enqueue(t, s, first)
	enqueue(t, s, other)

	j := claim(t, s, []string{"k"}, "w1", t0)
	if j == nil || j.ID != first.ID || j.State != store.JobRunning || j.Attempts != 1 || j.LockedBy != "w1" || !j.LeaseUntil.Equal(t0.Add(time.Minute)) {
		t.Fatalf("claim = %+v", j)
	}
	if j := claim(t, s, []string{"k"}, "w2", t0); j != nil {
		t.Fatalf("claimed %d: not due or leased", j.ID)
	}
	// Only the lease holder may finish.
	err := s.Update(ctx, func(tx *store.Tx) error { return tx.CompleteJob(ctx, first.ID, "w2", t0) })
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("complete by non-holder: %v", err)
	}
	update(t, s, func(tx *store.Tx) error { return tx.ExtendJobLease(ctx, first.ID, "w1", t0.Add(10*time.Minute), t0) })
	// Lease expired (after extension): another worker re-claims it, the first loses it.
	if j := claim(t, s, []string{"k"}, "w2", t0.Add(5*time.Minute)); j != nil {
		t.Fatalf("claimed %d before the extended lease expired", j.ID)
	}
	j = claim(t, s, []string{"k"}, "w2", t0.Add(11*time.Minute))
	if j == nil || j.ID != first.ID || j.Attempts != 2 || j.LockedBy != "w2" {
		t.Fatalf("re-claim after lease expiry = %+v", j)
	}
	err = s.Update(ctx, func(tx *store.Tx) error { return tx.CompleteJob(ctx, first.ID, "w1", t0) })
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("complete by the worker that lost the lease: %v", err)
	}
	// Release: back to pending, attempt not counted, due at once.
	update(t, s, func(tx *store.Tx) error { return tx.ReleaseJob(ctx, first.ID, "w2", t0.Add(12*time.Minute)) })
	j = claim(t, s, []string{"k"}, "w3", t0.Add(12*time.Minute))
	if j == nil || j.ID != first.ID || j.Attempts != 2 {
		t.Fatalf("claim after release = %+v", j)
	}
	// Retry: pending until runAt with the error recorded.
	update(t, s, func(tx *store.Tx) error {
		return tx.RetryJob(ctx, first.ID, "w3", t0.Add(20*time.Minute), "smtp down", t0.Add(12*time.Minute))
	})
	if j := claim(t, s, []string{"k"}, "w3", t0.Add(19*time.Minute)); j != nil {
		t.Fatalf("claimed %d before its retry time", j.ID)
	}
	j = claim(t, s, []string{"k"}, "w3", t0.Add(20*time.Minute))
	if j == nil || j.ID != first.ID || j.Attempts != 3 || j.LastError != "smtp down" {
		t.Fatalf("claim at retry time = %+v", j)
	}
	// Attempts exhausted and lease expired: buried, not re-claimed.
	if j := claim(t, s, []string{"k"}, "w4", t0.Add(30*time.Minute)); j != nil && j.ID == first.ID {
		t.Fatalf("job with no attempts left re-claimed")
	}
	update(t, s, func(tx *store.Tx) error {
		n, err := tx.BuryExpiredJobs(ctx, t0.Add(30*time.Minute))
		if n != 1 {
			t.Errorf("BuryExpiredJobs = %d", n)
		}
		return err
	})
	view(t, s, func(tx *store.Tx) error {
		got, err := tx.JobByID(ctx, first.ID)
		if err != nil {
			return err
		}
		if got.State != store.JobDead || got.FinishedAt.IsZero() || got.LockedBy != "" {
			t.Errorf("buried job = %+v", got)
		}
		return nil
	})
	// The later job becomes due at t0+1h.
	j = claim(t, s, []string{"k"}, "w4", t0.Add(time.Hour))
	if j == nil || j.ID != later.ID {
		t.Fatalf("claim of the later job = %+v", j)
	}
	update(t, s, func(tx *store.Tx) error { return tx.CompleteJob(ctx, later.ID, "w4", t0.Add(61*time.Minute)) })
	// Kill: straight to dead.
	j = claim(t, s, []string{"other"}, "w5", t0)
	update(t, s, func(tx *store.Tx) error { return tx.KillJob(ctx, j.ID, "w5", "bad payload", t0) })
	view(t, s, func(tx *store.Tx) error {
		counts, err := tx.CountJobs(ctx)
		if counts[store.JobDone] != 1 || counts[store.JobDead] != 2 || counts[store.JobPending] != 0 || counts[store.JobRunning] != 0 {
			t.Errorf("CountJobs = %v", counts)
		}
		return err
	})
	update(t, s, func(tx *store.Tx) error {
		n, err := tx.DeleteFinishedJobs(ctx, t0.Add(2*time.Hour))
		if n != 1 {
			t.Errorf("DeleteFinishedJobs = %d", n)
		}
		return err
	})
}

// testJobsConcurrentClaims claims from several goroutines at once: every job is claimed by
// exactly one of them.
func testJobsConcurrentClaims(t *testing.T, s *store.Store) {
	const jobs, workers = 40, 6
	for i := 0; i < jobs; i++ {
		enqueue(t, s, job("c", "", t0))
	}
	var mu sync.Mutex
	seen := map[int64]string{}
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w string) {
			defer wg.Done()
			for {
				var j *store.Job
				err := s.Update(context.Background(), func(tx *store.Tx) error {
					var err error
					j, err = tx.ClaimJob(context.Background(), []string{"c"}, w, t0, t0.Add(time.Hour))
					return err
				})
				if errors.Is(err, store.ErrNotFound) {
					return
				}
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				if prev, ok := seen[j.ID]; ok {
					errs <- fmt.Errorf("job %d claimed by %s and %s", j.ID, prev, w)
				}
				seen[j.ID] = w
				mu.Unlock()
			}
		}(fmt.Sprint("w", w))
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if len(seen) != jobs {
		t.Errorf("%d jobs claimed, want %d", len(seen), jobs)
	}
}
