package cli

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/jobs"
	"github.com/rosettebadges/rosette/internal/service"
	"github.com/rosettebadges/rosette/internal/store"
	"github.com/rosettebadges/rosette/internal/store/storetest"
)

// TestIdempotencyPruneJob: the hourly job deletes idempotency keys older than 24 hours, once
// per hour however many nodes start.
func TestIdempotencyPruneJob(t *testing.T) {
	ctx := context.Background()
	st := storetest.NewSQLite(t)
	clock := badge.NewFakeClock(time.Date(2026, 11, 23, 10, 30, 0, 0, time.UTC))
	u := &store.User{Email: "a@x.org", EmailKey: "a@x.org", PasswordHash: "x", IsAdmin: true, CreatedAt: clock.Now(), UpdatedAt: clock.Now()}
	if err := st.Update(ctx, func(tx *store.Tx) error { return tx.InsertUser(ctx, u) }); err != nil {
		t.Fatal(err)
	}
	tokens := service.NewTokens(st, clock, nil)
	idem := service.NewIdempotency(st, clock, nil)
	text, _, err := tokens.Create(ctx, service.System, u.ID, "", "", []string{"issuers:read"}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	actor, err := tokens.Authenticate(ctx, text)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := idem.Begin(ctx, actor, "old", "POST /x", nil); err != nil {
		t.Fatal(err)
	}
	q := jobs.New(st, nil, clock, jobs.Options{})
	logger := slog.New(slog.DiscardHandler)
	if err := registerIdempotencyPrune(ctx, q, idem, logger); err != nil {
		t.Fatal(err)
	}
	// A second node starting in the same hour queues nothing more.
	if err := registerIdempotencyPrune(ctx, jobs.New(st, nil, clock, jobs.Options{}), idem, logger); err != nil {
		t.Fatal(err)
	}
	clock.Advance(25 * time.Hour)
	if ran, err := q.WorkOne(ctx); err != nil || !ran {
		t.Fatalf("WorkOne = %v, %v", ran, err)
	}
	if ran, err := q.WorkOne(ctx); err != nil || ran {
		t.Fatalf("WorkOne ran the next hour's job already: %v, %v", ran, err)
	}
	if n, err := idem.Prune(ctx); err != nil || n != 0 {
		t.Errorf("keys left after the job: %d, %v", n, err)
	}
	var counts map[string]int64
	st.View(ctx, func(tx *store.Tx) error { counts, err = tx.CountJobs(ctx); return err })
	if counts["done"] != 1 || counts["pending"] != 1 {
		t.Errorf("jobs = %v", counts)
	}
}
