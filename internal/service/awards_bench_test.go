package service

import (
	"context"
	"fmt"
	"testing"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/store/storetest"
)

// BenchmarkIssueBatch records and signs batches of 500 awards on SQLite (bulk issuing's
// unit of work); it reports awards per second.
func BenchmarkIssueBatch(b *testing.B) {
	f := newAwards(b, storetest.NewSQLite)
	ctx := context.Background()
	const batch = 500
	n := 0
	b.ResetTimer()
	for b.Loop() {
		reqs := make([]badge.AwardRequest, batch)
		for i := range reqs {
			reqs[i] = emailReq(f.bc.ID, fmt.Sprintf("r%d@example.org", n))
			reqs[i].Key = fmt.Sprintf("k%d", n)
			n++
		}
		if _, err := f.awards.IssueBatch(ctx, f.users["awarder"], reqs); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "awards/s")
}
