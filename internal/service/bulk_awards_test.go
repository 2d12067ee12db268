package service

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rosettebadges/rosette/internal/store"
	"github.com/rosettebadges/rosette/internal/store/storetest"
)

// bulkCSV is a file of n rows, emails first..first+n-1, issued on a fixed day.
func bulkCSV(first, n int) []byte {
	var b strings.Builder
	b.WriteString("email,name,narrative,evidence_url,issued\r\n")
	for i := first; i < first+n; i++ {
		fmt.Fprintf(&b, "learner%d@example.org,Learner %d,Completed the course.,https://example.org/work/%d,2026-11-02\r\n", i, i, i)
	}
	return []byte(b.String())
}

// issueFile uploads data as the awarder, confirms it and runs the jobs until the upload ends.
func issueFile(t *testing.T, f awardsFixture, b *Bulk, data []byte, notify bool) (*BulkUpload, time.Duration) {
	t.Helper()
	ctx := context.Background()
	aw := f.users["awarder"]
	up, err := b.Upload(ctx, aw, f.bc.ID, "learners.csv", data, notify)
	if err != nil {
		t.Fatal(err)
	}
	if up.RowsInvalid != 0 {
		t.Fatalf("invalid rows: %+v", up.Preview)
	}
	began := time.Now()
	if _, err := b.Confirm(ctx, aw, up.ID, false); err != nil {
		t.Fatal(err)
	}
	for {
		ran, err := f.queue.WorkOne(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !ran {
			break
		}
	}
	took := time.Since(began)
	if up, err = b.Get(ctx, aw, up.ID); err != nil {
		t.Fatal(err)
	}
	return up, took
}

// TestBulkWithAwards issues files through the real awards service: every row becomes one
// signed award, re-uploading issues nothing twice, and a longer file issues only its new rows.
func TestBulkWithAwards(t *testing.T) {
	storetest.Each(t, func(t *testing.T, newStore func(testing.TB) *store.Store) {
		ctx := context.Background()
		f := newAwards(t, newStore)
		b := NewBulk(f.st, f.queue, f.awards, f.clock, nil)
		b.chunk = 7
		b.Register()
		up, _ := issueFile(t, f, b, bulkCSV(0, 20), true)
		if up.State != BulkDone || up.Issued != 20 || up.Skipped != 0 || up.Failed != 0 {
			t.Fatalf("first upload: %+v", up)
		}
		list, total, err := f.awards.ListForBadgeClass(ctx, f.users["awarder"], f.bc.ID, 50, 0)
		if err != nil || total != 20 {
			t.Fatalf("ListForBadgeClass: %d, %v", total, err)
		}
		a, err := f.awards.Get(ctx, f.users["awarder"], list[0].ID)
		if err != nil || !a.Signed || a.Recipient.Name == "" || len(a.Evidence) != 1 || !a.IssuedAt.Equal(time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("award = %+v, %v", a, err)
		}
		if len(f.notices.sent) != 20 {
			t.Errorf("%d notifications, want 20", len(f.notices.sent))
		}
		f.clock.Advance(time.Hour)
		up, _ = issueFile(t, f, b, bulkCSV(0, 20), false)
		if up.State != BulkDone || up.Issued != 0 || up.Skipped != 20 {
			t.Errorf("same file again: %+v", up)
		}
		up, _ = issueFile(t, f, b, bulkCSV(0, 23), false)
		if up.State != BulkDone || up.Issued != 3 || up.Skipped != 20 {
			t.Errorf("longer file: %+v", up)
		}
		if _, total, _ := f.awards.ListForBadgeClass(ctx, f.users["awarder"], f.bc.ID, 50, 0); total != 23 {
			t.Errorf("%d awards, want 23", total)
		}
	})
}

// TestBulkTenThousand issues a 10,000-row file on SQLite through the real awards service (the
// time it took is logged; it is not asserted), then the same file again.
func TestBulkTenThousand(t *testing.T) {
	if testing.Short() {
		t.Skip("10,000 signed awards: not in -short")
	}
	if raceEnabled {
		t.Skip("10,000 signed awards: too slow under -race; make test runs it in a step of its own without -race")
	}
	storetest.Each(t, func(t *testing.T, newStore func(testing.TB) *store.Store) {
		testBulkTenThousand(t, newStore)
	})
}

// testBulkTenThousand issues a 10,000-row file through the bulk job with notifications, then
// the same file again (nothing new), and logs the times (docs/PERFORMANCE.md).
func testBulkTenThousand(t *testing.T, newStore func(testing.TB) *store.Store) {
	ctx := context.Background()
	f := newAwards(t, newStore)
	b := NewBulk(f.st, f.queue, f.awards, f.clock, nil)
	b.Register()
	data := bulkCSV(0, 10000)
	up, took := issueFile(t, f, b, data, true)
	t.Logf("10,000 rows (%d bytes) issued in %v", len(data), took)
	if up.State != BulkDone || up.Issued != 10000 || up.Skipped != 0 || up.Failed != 0 {
		t.Fatalf("upload: %+v", up)
	}
	if _, total, err := f.awards.ListForBadgeClass(ctx, f.users["awarder"], f.bc.ID, 1, 0); err != nil || total != 10000 {
		t.Fatalf("ListForBadgeClass total %d, %v", total, err)
	}
	f.clock.Advance(time.Hour)
	up, took = issueFile(t, f, b, data, false)
	t.Logf("the same 10,000 rows again in %v", took)
	if up.State != BulkDone || up.Issued != 0 || up.Skipped != 10000 {
		t.Errorf("again: %+v", up)
	}
}
