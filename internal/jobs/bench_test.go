package jobs

import (
	"context"
	"testing"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/store"
	"github.com/rosettebadges/rosette/internal/store/storetest"
	"github.com/rosettebadges/rosette/internal/testenv"
)

// BenchmarkEnqueue measures committing one job per transaction; BenchmarkWorkOne claiming and
// completing one (with an effect row, as Complete does) per iteration, in one goroutine.
func BenchmarkEnqueue(b *testing.B) {
	eachBench(b, func(b *testing.B, st *store.Store) {
		q := New(st, nil, badge.SystemClock{}, Options{})
		ctx := context.Background()
		for b.Loop() {
			if _, _, err := q.Enqueue(ctx, nil, "bench", map[string]int{"award": 1}, EnqueueOptions{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkWorkOne(b *testing.B) {
	eachBench(b, func(b *testing.B, st *store.Store) {
		createEffects(b, st)
		q := New(st, nil, badge.SystemClock{}, Options{})
		q.Register("bench", recordEffect("bench"))
		ctx := context.Background()
		for i := 0; i < b.N; i++ {
			if _, _, err := q.Enqueue(ctx, nil, "bench", i, EnqueueOptions{}); err != nil {
				b.Fatal(err)
			}
		}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if ok, err := q.WorkOne(ctx); !ok || err != nil {
				b.Fatal(ok, err)
			}
		}
	})
}

func eachBench(b *testing.B, f func(b *testing.B, st *store.Store)) {
	b.Run("sqlite", func(b *testing.B) { f(b, storetest.NewSQLite(b)) })
	b.Run("postgres", func(b *testing.B) {
		testenv.PostgresURL(b)
		f(b, storetest.NewPostgres(b))
	})
}
