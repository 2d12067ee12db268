package jobs

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/store"
	"github.com/rosettebadges/rosette/internal/store/storetest"
)

// Environment of the worker subprocess of TestWorkerKilledMidJob.
const (
	envWorkerDB = "ROSETTE_JOBS_TEST_WORKER_DB" // database URL; set = run as the worker
)

func TestMain(m *testing.M) {
	if u := os.Getenv(envWorkerDB); u != "" {
		os.Exit(workerProcess(u))
	}
	os.Exit(m.Run())
}

// workerProcess is the body of the subprocess: it runs a queue whose handler starts the
// job's transaction (effect + completion), prints "started <id>" and then hangs, holding the
// transaction open, until it is killed.
func workerProcess(databaseURL string) int {
	ctx := context.Background()
	st, err := store.Open(ctx, databaseURL, "", nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, "worker:", err)
		return 3
	}
	q := New(st, nil, badge.SystemClock{}, Options{Workers: 1, Lease: time.Minute, PollInterval: 10 * time.Millisecond, WorkerID: "doomed"})
	q.Register("effect", func(ctx context.Context, j *Job) error {
		return j.Complete(ctx, func(tx *store.Tx) error {
			if _, err := tx.ExecContext(ctx, `INSERT INTO test_effects (job_id, worker) VALUES ($1, 'doomed')`, j.ID); err != nil {
				return err
			}
			fmt.Printf("started %d\n", j.ID)
			os.Stdout.Sync()
			select {} // killed here, mid-transaction
		})
	})
	q.Run(ctx)
	return 4
}

// TestWorkerKilledMidJob re-executes the test binary as a worker, SIGKILLs it while its
// handler is inside the job's transaction, and shows that another worker then completes the
// job exactly once: the dead worker's uncommitted effect is gone, the job is re-claimed when
// the lease expires (a fake clock jumps past it), and its effect is recorded once.
func TestWorkerKilledMidJob(t *testing.T) {
	storetest.Each(t, func(t *testing.T, _ func(testing.TB) *store.Store) {
		var databaseURL string
		if strings.HasSuffix(t.Name(), "sqlite") {
			databaseURL = storetest.SQLiteURL(t)
		} else {
			databaseURL = storetest.PostgresSchemaURL(t)
		}
		ctx := context.Background()
		st, err := store.Open(ctx, databaseURL, "", nil)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if err := st.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		createEffects(t, st)
		enq := New(st, nil, badge.SystemClock{}, Options{})
		id, _, err := enq.Enqueue(ctx, nil, "effect", map[string]string{"what": "award email"}, EnqueueOptions{})
		if err != nil {
			t.Fatal(err)
		}

		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), envWorkerDB+"="+databaseURL)
		cmd.Stderr = os.Stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		line, err := bufio.NewReader(out).ReadString('\n')
		if err != nil {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("worker said %q: %v", line, err)
		}
		if want := fmt.Sprintf("started %d\n", id); line != want {
			t.Fatalf("worker said %q, want %q", line, want)
		}
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		werr := cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
			t.Fatalf("worker did not die of SIGKILL: %v", werr)
		}

		j := getJob(t, st, id)
		if j.State != store.JobRunning || j.Attempts != 1 || !strings.HasPrefix(j.LockedBy, "doomed#") {
			t.Fatalf("after the kill: %+v", j)
		}
		if n := countEffects(t, st); n != 0 {
			t.Fatalf("the killed worker's effect survived: %d rows", n)
		}

		// Before the lease expires nobody may take the job; after, another worker completes it.
		clock := badge.NewFakeClock(time.Now())
		rescuer := New(st, nil, clock, Options{WorkerID: "rescuer"})
		rescuer.Register("effect", recordEffect("rescuer"))
		if workOne(t, rescuer) {
			t.Fatal("job re-claimed while the dead worker's lease was still valid")
		}
		clock.Set(j.LeaseUntil.Add(time.Second))
		// PostgreSQL ends the dead worker's transaction (and its row lock, which SKIP LOCKED
		// would skip) when it notices the closed connection, so poll for the claim.
		waitFor(t, func() bool { return workOne(t, rescuer) })
		if workOne(t, rescuer) {
			t.Error("job ran a third time")
		}
		j = getJob(t, st, id)
		if j.State != store.JobDone || j.Attempts != 2 {
			t.Errorf("job after rescue: %+v", j)
		}
		var n int64
		var worker string
		st.View(ctx, func(tx *store.Tx) error {
			return tx.QueryRowContext(ctx, `SELECT COUNT(*), MIN(worker) FROM test_effects WHERE job_id = $1`, id).Scan(&n, &worker)
		})
		if n != 1 || worker != "rescuer" {
			t.Errorf("effects of job %d: %d, by %q; want exactly 1 by the rescuer", id, n, worker)
		}
	})
}
