package jobs

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/store"
	"github.com/rosettebadges/rosette/internal/store/storetest"
)

var t0 = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func newQueue(st *store.Store, clock badge.Clock, opts Options) *Queue {
	if opts.Jitter == nil {
		opts.Jitter = func() float64 { return 0 }
	}
	if opts.PollInterval == 0 {
		opts.PollInterval = 5 * time.Millisecond
	}
	return New(st, nil, clock, opts)
}

func getJob(t *testing.T, st *store.Store, id int64) *store.Job {
	t.Helper()
	var j *store.Job
	err := st.View(context.Background(), func(tx *store.Tx) error {
		var err error
		j, err = tx.JobByID(context.Background(), id)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func workOne(t *testing.T, q *Queue) bool {
	t.Helper()
	worked, err := q.WorkOne(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return worked
}

// createEffects makes the table where test handlers record their effect, keyed by job id.
func createEffects(t testing.TB, st *store.Store) {
	t.Helper()
	err := st.Update(context.Background(), func(tx *store.Tx) error {
		_, err := tx.ExecContext(context.Background(), `CREATE TABLE test_effects (job_id BIGINT PRIMARY KEY, worker TEXT NOT NULL)`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func countEffects(t testing.TB, st *store.Store) (n int64) {
	t.Helper()
	err := st.View(context.Background(), func(tx *store.Tx) error {
		return tx.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM test_effects`).Scan(&n)
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// recordEffect is a handler that records its effect and completes in one transaction.
func recordEffect(worker string) Handler {
	return func(ctx context.Context, j *Job) error {
		return j.Complete(ctx, func(tx *store.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO test_effects (job_id, worker) VALUES ($1, $2)`, j.ID, worker)
			return err
		})
	}
}

func TestQueue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, newStore func(testing.TB) *store.Store) {
		for name, f := range map[string]func(*testing.T, *store.Store){
			"RetryBackoffDeadLetter":  testRetryBackoffDeadLetter,
			"PermanentAndPanic":       testPermanentAndPanic,
			"EnqueueUniqueAndTx":      testEnqueueUniqueAndTx,
			"Scheduled":               testScheduled,
			"RunManyWorkersTwoNodes":  testRunManyWorkersTwoNodes,
			"ShutdownFinishes":        testShutdownFinishes,
			"ShutdownReleases":        testShutdownReleases,
			"LeaseLostCannotComplete": testLeaseLostCannotComplete,
			"WorkerVanishedLastTry":   testWorkerVanishedLastTry,
			"Periodic":                testPeriodic,
		} {
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				f(t, newStore(t))
			})
		}
	})
}

func testRetryBackoffDeadLetter(t *testing.T, st *store.Store) {
	ctx := context.Background()
	clock := badge.NewFakeClock(t0)
	q := newQueue(st, clock, Options{BackoffBase: 10 * time.Second, BackoffMax: time.Hour})
	var attempts []int
	q.Register("flaky", func(ctx context.Context, j *Job) error {
		attempts = append(attempts, j.Attempt)
		return fmt.Errorf("smtp unavailable (attempt %d)", j.Attempt)
	})
	id, _, err := q.Enqueue(ctx, nil, "flaky", map[string]int{"award": 7}, EnqueueOptions{MaxAttempts: 3})
	if err != nil {
		t.Fatal(err)
	}
	if !workOne(t, q) {
		t.Fatal("nothing to work")
	}
	j := getJob(t, st, id)
	if j.State != store.JobPending || j.Attempts != 1 || !j.RunAt.Equal(t0.Add(10*time.Second)) || j.LastError != "smtp unavailable (attempt 1)" || j.LockedBy != "" {
		t.Fatalf("after attempt 1: %+v", j)
	}
	if workOne(t, q) {
		t.Fatal("retried before its backoff")
	}
	clock.Advance(10 * time.Second)
	workOne(t, q)
	if j := getJob(t, st, id); j.State != store.JobPending || !j.RunAt.Equal(t0.Add(30*time.Second)) { // +20s
		t.Fatalf("after attempt 2: %+v", j)
	}
	clock.Advance(20 * time.Second)
	workOne(t, q)
	j = getJob(t, st, id)
	if j.State != store.JobDead || j.Attempts != 3 || j.LastError != "smtp unavailable (attempt 3)" || j.FinishedAt.IsZero() {
		t.Fatalf("after attempt 3: %+v", j)
	}
	clock.Advance(24 * time.Hour)
	if workOne(t, q) {
		t.Error("a dead job ran again")
	}
	if fmt.Sprint(attempts) != "[1 2 3]" {
		t.Errorf("attempts seen by the handler: %v", attempts)
	}
}

func TestBackoff(t *testing.T) {
	base, max := 10*time.Second, time.Hour
	for _, tt := range []struct {
		n      int
		jitter float64
		want   time.Duration
	}{
		{1, 0, 10 * time.Second},
		{2, 0, 20 * time.Second},
		{5, 0, 160 * time.Second},
		{5, 0.5, 180 * time.Second},
		{5, 0.999999, 200 * time.Second},
		{30, 0, time.Hour},
		{1000, 0.5, time.Hour + 450*time.Second},
	} {
		if got := Backoff(tt.n, base, max, tt.jitter); got.Round(time.Millisecond) != tt.want {
			t.Errorf("Backoff(%d, jitter %v) = %v, want %v", tt.n, tt.jitter, got, tt.want)
		}
	}
}

func testPermanentAndPanic(t *testing.T, st *store.Store) {
	ctx := context.Background()
	clock := badge.NewFakeClock(t0)
	q := newQueue(st, clock, Options{})
	q.Register("bad", func(ctx context.Context, j *Job) error { return Permanent(errors.New("payload names no award")) })
	q.Register("boom", func(ctx context.Context, j *Job) error { panic("nil map") })
	bad, _, _ := q.Enqueue(ctx, nil, "bad", nil, EnqueueOptions{})
	boom, _, _ := q.Enqueue(ctx, nil, "boom", nil, EnqueueOptions{MaxAttempts: 2})
	unknown, _, _ := q.Enqueue(ctx, nil, "nobody-handles-this", nil, EnqueueOptions{})
	workOne(t, q)
	workOne(t, q)
	if j := getJob(t, st, bad); j.State != store.JobDead || j.Attempts != 1 {
		t.Errorf("permanent failure: %+v", j)
	}
	if j := getJob(t, st, boom); j.State != store.JobPending || j.Attempts != 1 || j.LastError[:22] != "handler panic: nil map" {
		t.Errorf("panic: %+v", j)
	}
	if j := getJob(t, st, unknown); j.State != store.JobPending || j.Attempts != 0 {
		t.Errorf("kind without handler was claimed: %+v", j)
	}
}

func testEnqueueUniqueAndTx(t *testing.T, st *store.Store) {
	ctx := context.Background()
	clock := badge.NewFakeClock(t0)
	q := newQueue(st, clock, Options{})
	id1, created1, err := q.Enqueue(ctx, nil, "mail", map[string]any{"to": "a@example.org"}, EnqueueOptions{UniqueKey: "award-email:1"})
	id2, created2, err2 := q.Enqueue(ctx, nil, "mail", map[string]any{"to": "b@example.org"}, EnqueueOptions{UniqueKey: "award-email:1"})
	if err != nil || err2 != nil || !created1 || created2 || id1 != id2 {
		t.Fatalf("unique enqueue: %d %v %v / %d %v %v", id1, created1, err, id2, created2, err2)
	}
	if got := string(getJob(t, st, id1).Payload); got != `{"to":"a@example.org"}` {
		t.Errorf("payload = %s", got)
	}
	// In the caller's transaction: gone with a rollback, there with a commit, together with
	// the caller's own write.
	boom := errors.New("boom")
	var rolledBack int64
	err = st.Update(ctx, func(tx *store.Tx) error {
		rolledBack, _, err = q.Enqueue(ctx, tx, "mail", nil, EnqueueOptions{UniqueKey: "award-email:2"})
		if err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	if err := st.View(ctx, func(tx *store.Tx) error { _, err := tx.JobByID(ctx, rolledBack); return err }); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("job of a rolled-back transaction exists: %v", err)
	}
	var committed int64
	err = st.Update(ctx, func(tx *store.Tx) error {
		if err := tx.PutSetting(ctx, "award-2", "recorded", t0); err != nil {
			return err
		}
		committed, _, err = q.Enqueue(ctx, tx, "mail", nil, EnqueueOptions{UniqueKey: "award-email:2"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if j := getJob(t, st, committed); j.UniqueKey != "award-email:2" || j.State != store.JobPending {
		t.Errorf("committed job: %+v", j)
	}
	if _, _, err := q.Enqueue(ctx, nil, "", nil, EnqueueOptions{}); !errors.Is(err, badge.Invalid) {
		t.Errorf("empty kind: %v", err)
	}
	if _, _, err := q.Enqueue(ctx, nil, "mail", func() {}, EnqueueOptions{}); !errors.Is(err, badge.Invalid) {
		t.Errorf("unencodable payload: %v", err)
	}
}

func testScheduled(t *testing.T, st *store.Store) {
	ctx := context.Background()
	clock := badge.NewFakeClock(t0)
	q := newQueue(st, clock, Options{})
	ran := 0
	q.Register("reminder", func(ctx context.Context, j *Job) error { ran++; return nil })
	id, _, _ := q.Enqueue(ctx, nil, "reminder", nil, EnqueueOptions{RunAt: t0.Add(7 * 24 * time.Hour)})
	clock.Advance(7*24*time.Hour - time.Second)
	if workOne(t, q) {
		t.Fatal("ran before run_at")
	}
	clock.Advance(time.Second)
	if !workOne(t, q) || ran != 1 {
		t.Fatal("did not run at run_at")
	}
	if j := getJob(t, st, id); j.State != store.JobDone || j.Attempts != 1 {
		t.Errorf("job: %+v", j)
	}
	if c, err := q.Counts(ctx); err != nil || c[store.JobDone] != 1 || len(c) != 1 {
		t.Errorf("Counts = %v, %v", c, err)
	}
	if n, err := q.DeleteFinished(ctx, 24*time.Hour); n != 0 || err != nil {
		t.Errorf("DeleteFinished of a fresh job = %d, %v", n, err)
	}
	clock.Advance(25 * time.Hour)
	if n, err := q.DeleteFinished(ctx, 24*time.Hour); n != 1 || err != nil {
		t.Errorf("DeleteFinished = %d, %v", n, err)
	}
}

// testRunManyWorkersTwoNodes runs two queues (two nodes) with several workers each on one
// database; every job's effect is recorded exactly once.
func testRunManyWorkersTwoNodes(t *testing.T, st *store.Store) {
	const n = 60
	createEffects(t, st)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg sync.WaitGroup
	for node := 0; node < 2; node++ {
		q := newQueue(st, badge.SystemClock{}, Options{Workers: 3, WorkerID: fmt.Sprint("node", node)})
		q.Register("effect", recordEffect(fmt.Sprint("node", node)))
		wg.Add(1)
		go func() { defer wg.Done(); q.Run(ctx) }()
	}
	enq := newQueue(st, badge.SystemClock{}, Options{})
	for i := 0; i < n; i++ {
		if _, _, err := enq.Enqueue(ctx, nil, "effect", i, EnqueueOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, func() bool { return countEffects(t, st) == n })
	cancel()
	wg.Wait()
	var counts map[string]int64
	st.View(context.Background(), func(tx *store.Tx) error { counts, _ = tx.CountJobs(context.Background()); return nil })
	if counts[store.JobDone] != n || len(counts) != 1 {
		t.Errorf("job states: %v", counts)
	}
}

// waitFor polls cond until it holds; the test's own timeout is the only deadline.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for !cond() {
		time.Sleep(5 * time.Millisecond)
	}
}

func testShutdownFinishes(t *testing.T, st *store.Store) {
	ctx, cancel := context.WithCancel(context.Background())
	q := newQueue(st, badge.SystemClock{}, Options{Workers: 2, ShutdownTimeout: time.Hour})
	started, finish := make(chan struct{}), make(chan struct{})
	q.Register("slow", func(ctx context.Context, j *Job) error {
		close(started)
		<-finish
		return nil
	})
	id, _, _ := q.Enqueue(ctx, nil, "slow", nil, EnqueueOptions{})
	done := make(chan error)
	go func() { done <- q.Run(ctx) }()
	<-started
	cancel()
	select {
	case err := <-done:
		t.Fatalf("Run returned (%v) while a job was running and time was left", err)
	default:
	}
	close(finish)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if j := getJob(t, st, id); j.State != store.JobDone {
		t.Errorf("job after graceful shutdown: %+v", j)
	}
}

func testShutdownReleases(t *testing.T, st *store.Store) {
	for _, obeys := range []bool{true, false} {
		t.Run(fmt.Sprint("handlerObeysCancel=", obeys), func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			clock := badge.NewFakeClock(t0)
			q := newQueue(st, clock, Options{Workers: 1, ShutdownTimeout: 20 * time.Millisecond})
			kind := fmt.Sprint("stuck-", obeys)
			started, unblock := make(chan struct{}), make(chan struct{})
			var completeErr atomic.Value
			q.Register(kind, func(hctx context.Context, j *Job) error {
				close(started)
				if obeys {
					<-hctx.Done()
					return hctx.Err()
				}
				<-unblock // ignores cancellation
				err := j.Complete(context.Background(), nil)
				completeErr.Store(fmt.Sprint(err))
				return err
			})
			id, _, _ := q.Enqueue(ctx, nil, kind, nil, EnqueueOptions{})
			done := make(chan error)
			go func() { done <- q.Run(ctx) }()
			<-started
			cancel()
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			j := getJob(t, st, id)
			if j.State != store.JobPending || j.Attempts != 0 || j.LockedBy != "" || !j.LeaseUntil.IsZero() || j.RunAt.After(clock.Now()) {
				t.Fatalf("job after shutdown timeout: %+v", j)
			}
			// Another node takes it at once, without waiting for a lease to expire.
			other := newQueue(st, clock, Options{})
			ran := false
			other.Register(kind, func(ctx context.Context, j *Job) error { ran = true; return nil })
			if !workOne(t, other) || !ran {
				t.Fatal("released job not taken by another queue")
			}
			if !obeys {
				close(unblock)
				waitFor(t, func() bool { return completeErr.Load() != nil })
				if got := completeErr.Load().(string); got != ErrLeaseLost.Error() {
					t.Errorf("stale worker's Complete = %s, want ErrLeaseLost", got)
				}
			}
			if j := getJob(t, st, id); j.State != store.JobDone || j.Attempts != 1 {
				t.Errorf("job: %+v", j)
			}
		})
	}
}

// testLeaseLostCannotComplete: worker A stalls past its lease, B re-claims and completes;
// A's late completion is refused and its effect rolled back.
func testLeaseLostCannotComplete(t *testing.T, st *store.Store) {
	ctx := context.Background()
	createEffects(t, st)
	clock := badge.NewFakeClock(t0)
	a := newQueue(st, clock, Options{Lease: time.Hour, WorkerID: "A"})
	b := newQueue(st, clock, Options{Lease: time.Hour, WorkerID: "B"})
	b.Register("effect", recordEffect("B"))
	var aErr error
	a.Register("effect", func(ctx context.Context, j *Job) error {
		clock.Advance(2 * time.Hour) // A stalls; its lease expires
		if !workOne(t, b) {
			t.Error("B could not re-claim the expired job")
		}
		aErr = recordEffect("A")(ctx, j)
		return aErr
	})
	id, _, _ := a.Enqueue(ctx, nil, "effect", nil, EnqueueOptions{})
	workOne(t, a)
	if !errors.Is(aErr, ErrLeaseLost) {
		t.Errorf("A's Complete = %v, want ErrLeaseLost", aErr)
	}
	if n := countEffects(t, st); n != 1 {
		t.Errorf("%d effects, want 1", n)
	}
	if j := getJob(t, st, id); j.State != store.JobDone || j.Attempts != 2 {
		t.Errorf("job: %+v", j)
	}
}

// testWorkerVanishedLastTry: a job whose worker vanished on its last attempt is buried by Sweep.
func testWorkerVanishedLastTry(t *testing.T, st *store.Store) {
	ctx := context.Background()
	clock := badge.NewFakeClock(t0)
	q := newQueue(st, clock, Options{Lease: time.Minute})
	id, _, _ := q.Enqueue(ctx, nil, "x", nil, EnqueueOptions{MaxAttempts: 1})
	err := st.Update(ctx, func(tx *store.Tx) error {
		_, err := tx.ClaimJob(ctx, []string{"x"}, "ghost", t0, t0.Add(time.Minute))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	clock.Advance(2 * time.Minute)
	if err := q.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	if j := getJob(t, st, id); j.State != store.JobDead || j.LastError == "" {
		t.Errorf("job: %+v", j)
	}
}
