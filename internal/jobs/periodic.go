package jobs

import (
	"context"
	"time"
)

// RegisterPeriodic registers a kind of job that runs fn once per period on the whole
// installation, however many nodes run workers: each run is the job of one period slot (the
// time truncated to the period, as RFC 3339 in the job's unique key), and it queues the next
// slot's run when fn returns. SchedulePeriodic starts the chain. It panics like Register if the
// kind is already registered.
func (q *Queue) RegisterPeriodic(kind string, period time.Duration, fn func(ctx context.Context) error) {
	q.Register(kind, func(ctx context.Context, _ *Job) error {
		if err := fn(ctx); err != nil {
			return err
		}
		return q.schedulePeriodic(ctx, kind, period, q.clock.Now().Add(period))
	})
}

// SchedulePeriodic queues the run of the current slot of a periodic kind (nothing if that
// slot's job exists already): every node calls it when it starts, so the chain survives a
// run that died without queueing the next one.
func (q *Queue) SchedulePeriodic(ctx context.Context, kind string, period time.Duration) error {
	return q.schedulePeriodic(ctx, kind, period, q.clock.Now())
}

func (q *Queue) schedulePeriodic(ctx context.Context, kind string, period time.Duration, at time.Time) error {
	slot := at.UTC().Truncate(period)
	_, _, err := q.Enqueue(ctx, nil, kind, struct{}{}, EnqueueOptions{UniqueKey: kind + ":" + slot.Format(time.RFC3339), RunAt: slot})
	return err
}
