package cli

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/jobs"
	"github.com/rosettebadges/rosette/internal/service"
	"github.com/rosettebadges/rosette/internal/store"
)

func TestHousekeepingPrunesSessionsHourly(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, "", t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	clock := badge.NewFakeClock(time.Date(2026, 11, 23, 10, 30, 0, 0, time.UTC))
	accounts := service.NewAccounts(st, clock, nil, service.AccountsOptions{
		SessionLifetime: 2 * time.Hour, SessionIdle: time.Hour,
		Hasher: service.NewPasswordHasher(service.PasswordParams{MemoryKiB: 64, Time: 1, Threads: 1}, 1),
	})
	if _, err := accounts.CreateUser(ctx, "a@example.org", "A", "a long password", true); err != nil {
		t.Fatal(err)
	}
	if _, _, err := accounts.Login(ctx, "a@example.org", "a long password", "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	q := jobs.New(st, nil, clock, jobs.Options{})
	if err := registerHousekeeping(ctx, q, accounts, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	// A second node starting in the same hour queues nothing more.
	if err := registerHousekeeping(ctx, jobs.New(st, nil, clock, jobs.Options{}), accounts, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	counts := func() map[string]int64 {
		t.Helper()
		var c map[string]int64
		if err := st.View(ctx, func(tx *store.Tx) error { c, err = tx.CountJobs(ctx); return err }); err != nil {
			t.Fatal(err)
		}
		return c
	}
	if d := cmp.Diff(map[string]int64{"pending": 2}, counts()); d != "" {
		t.Fatalf("jobs after start (-want +got):\n%s", d)
	}

	clock.Advance(3 * time.Hour) // the session is now expired
	// Run the session and job prunes of this hour.
	for range 2 {
		if ran, err := q.WorkOne(ctx); err != nil || !ran {
			t.Fatalf("WorkOne = %v, %v", ran, err)
		}
	}
	if ran, err := q.WorkOne(ctx); err != nil || ran {
		t.Fatalf("WorkOne ran a job scheduled for the next hour: %v, %v", ran, err)
	}
	if d := cmp.Diff(map[string]int64{"done": 2, "pending": 2}, counts()); d != "" {
		t.Errorf("jobs after one run (-want +got):\n%s", d)
	}
	if n, err := accounts.DeleteExpiredSessions(ctx); err != nil || n != 0 {
		t.Errorf("expired sessions left after the job: %d, %v", n, err)
	}
}

// TestHousekeepingPrunesFinishedJobs checks that done jobs are kept for jobRetention (so
// their unique keys still deduplicate) and deleted by the hourly job after that.
func TestHousekeepingPrunesFinishedJobs(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, "", t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	clock := badge.NewFakeClock(time.Date(2026, 11, 23, 10, 30, 0, 0, time.UTC))
	accounts := service.NewAccounts(st, clock, nil, service.AccountsOptions{})
	q := jobs.New(st, nil, clock, jobs.Options{})
	q.Register("test.once", func(context.Context, *jobs.Job) error { return nil })
	if err := registerHousekeeping(ctx, q, accounts, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	enqueue := func() bool {
		t.Helper()
		_, created, err := q.Enqueue(ctx, nil, "test.once", struct{}{}, jobs.EnqueueOptions{UniqueKey: "test.once:1"})
		if err != nil {
			t.Fatal(err)
		}
		return created
	}
	workDue := func() {
		t.Helper()
		for {
			ran, err := q.WorkOne(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !ran {
				return
			}
		}
	}
	if !enqueue() {
		t.Fatal("first enqueue was deduplicated")
	}
	workDue()

	clock.Advance(jobRetention - 2*time.Hour)
	workDue()
	if enqueue() {
		t.Errorf("a job finished %s ago no longer deduplicates its unique key", jobRetention-2*time.Hour)
	}

	clock.Advance(3 * time.Hour)
	workDue()
	if !enqueue() {
		t.Errorf("a job finished more than %s ago was not pruned", jobRetention)
	}
}
