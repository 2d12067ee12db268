package cli

import (
	"context"
	"log/slog"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/jobs"
	"github.com/rosettebadges/rosette/internal/service"
)

// The periodic housekeeping jobs `serve` runs, each once an hour.
const (
	// pruneSessionsKind deletes expired sign-in sessions.
	pruneSessionsKind = "accounts.prune_sessions"
	// pruneJobsKind deletes jobs that finished successfully more than jobRetention ago.
	pruneJobsKind = "jobs.prune_finished"
)

// jobRetention is how long a finished (done) job row is kept. While it is kept its unique
// key still deduplicates: a job enqueued again with the same key within this period is not
// run twice. Dead jobs are never pruned (they are kept for inspection).
const jobRetention = 7 * 24 * time.Hour

// registerHousekeeping registers the periodic jobs `serve` runs and queues the next run of
// each. Every node does this; the unique key per kind and hour means one run per hour in
// total, however many nodes there are.
func registerHousekeeping(ctx context.Context, q *jobs.Queue, accounts *service.Accounts, clock badge.Clock, logger *slog.Logger) error {
	hourly := func(kind string, work func(ctx context.Context) error) func(ctx context.Context, at time.Time) error {
		schedule := func(ctx context.Context, at time.Time) error {
			slot := at.UTC().Truncate(time.Hour)
			_, _, err := q.Enqueue(ctx, nil, kind, struct{}{}, jobs.EnqueueOptions{
				UniqueKey: kind + ":" + slot.Format(time.RFC3339),
				RunAt:     slot,
			})
			return err
		}
		q.Register(kind, func(ctx context.Context, _ *jobs.Job) error {
			if err := work(ctx); err != nil {
				return err
			}
			return schedule(ctx, clock.Now().Add(time.Hour))
		})
		return schedule
	}
	pruneSessions := hourly(pruneSessionsKind, func(ctx context.Context) error {
		n, err := accounts.DeleteExpiredSessions(ctx)
		if err != nil {
			return err
		}
		if n > 0 {
			logger.InfoContext(ctx, "expired sessions deleted", slog.Int64("count", n))
		}
		return nil
	})
	pruneJobs := hourly(pruneJobsKind, func(ctx context.Context) error {
		n, err := q.DeleteFinished(ctx, jobRetention)
		if err != nil {
			return err
		}
		if n > 0 {
			logger.InfoContext(ctx, "finished jobs deleted", slog.Int64("count", n),
				slog.String("retention", jobRetention.String()))
		}
		return nil
	})
	for _, schedule := range []func(context.Context, time.Time) error{pruneSessions, pruneJobs} {
		if err := schedule(ctx, clock.Now()); err != nil {
			return err
		}
	}
	return nil
}
