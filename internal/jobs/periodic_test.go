package jobs

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/store"
)

func testPeriodic(t *testing.T, st *store.Store) {
	ctx := context.Background()
	clock := badge.NewFakeClock(t0)
	q := newQueue(st, clock, Options{})
	other := newQueue(st, clock, Options{}) // a second node
	runs := 0
	fail := false
	work := func(context.Context) error {
		runs++
		if fail {
			return errors.New("busy")
		}
		return nil
	}
	q.RegisterPeriodic("tidy", time.Hour, work)
	other.RegisterPeriodic("tidy", time.Hour, work)
	for _, n := range []*Queue{q, other, q} { // every node schedules at start: one job
		if err := n.SchedulePeriodic(ctx, "tidy", time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	pending := func() int64 {
		t.Helper()
		var c map[string]int64
		if err := st.View(ctx, func(tx *store.Tx) (err error) { c, err = tx.CountJobs(ctx); return err }); err != nil {
			t.Fatal(err)
		}
		return c[store.JobPending]
	}
	if n := pending(); n != 1 {
		t.Fatalf("pending after three schedules: %d", n)
	}
	// The slot's run is due at once (its slot began before t0), runs once, and queues the
	// next hour's run, which is not due yet.
	if !workOne(t, q) || runs != 1 || workOne(t, other) || pending() != 1 {
		t.Fatalf("first run: runs %d, pending %d", runs, pending())
	}
	clock.Advance(time.Hour)
	if !workOne(t, other) || runs != 2 {
		t.Fatalf("next hour: runs %d", runs)
	}
	// A failed run is retried like any job and queues no next run until it succeeds.
	clock.Advance(time.Hour)
	fail = true
	if !workOne(t, q) || runs != 3 || pending() != 1 {
		t.Fatalf("failed run: runs %d, pending %d", runs, pending())
	}
}
