package service

import (
	"context"
	"testing"

	"github.com/rosettebadges/rosette/internal/store/storetest"
)

// BenchmarkShareRecord: queueing one event (what a page pays), with Run writing the batches
// to SQLite meanwhile. Events beyond the buffer are dropped, not waited for; the dropped
// share is reported.
func BenchmarkShareRecord(b *testing.B) {
	f := newAwards(b, storetest.NewSQLite)
	ctx := context.Background()
	a, err := f.awards.Issue(ctx, f.users["awarder"], emailReq(f.bc.ID, "ada@example.org"))
	if err != nil {
		b.Fatal(err)
	}
	sh := NewShares(SharesOptions{Store: f.st, Awards: f.awards, URLs: f.urls, Clock: f.clock})
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { sh.Run(rctx); close(done) }()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			sh.Record(ShareEvent{AwardID: a.ID, Kind: EventView, Referrer: "https://www.linkedin.com/feed/"})
		}
	})
	b.StopTimer()
	cancel()
	<-done
	b.ReportMetric(float64(sh.Dropped())/float64(b.N), "dropped/op")
}

// BenchmarkShareFlush: writing queued events to SQLite in batches of 1000 (per event).
func BenchmarkShareFlush(b *testing.B) {
	f := newAwards(b, storetest.NewSQLite)
	ctx := context.Background()
	a, err := f.awards.Issue(ctx, f.users["awarder"], emailReq(f.bc.ID, "ada@example.org"))
	if err != nil {
		b.Fatal(err)
	}
	sh := NewShares(SharesOptions{Store: f.st, Awards: f.awards, URLs: f.urls, Clock: f.clock, Buffer: 1000})
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if i%1000 == 0 {
			b.StopTimer()
			for range 1000 {
				sh.Record(ShareEvent{AwardID: a.ID, Kind: EventView, Referrer: "https://www.linkedin.com/feed/"})
			}
			b.StartTimer()
			if err := sh.Flush(ctx); err != nil {
				b.Fatal(err)
			}
		}
	}
}
