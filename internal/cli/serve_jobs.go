package cli

import (
	"context"
	"log/slog"
	"time"

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

// registerHousekeeping registers the periodic jobs `serve` runs and queues the current
// hour's run of each. Every node does this; the unique key per kind and hour means one run per
// hour in total, however many nodes there are.
func registerHousekeeping(ctx context.Context, q *jobs.Queue, accounts *service.Accounts, logger *slog.Logger) error {
	if err := registerHourlyPrune(ctx, q, pruneSessionsKind, "expired sessions", accounts.DeleteExpiredSessions, logger); err != nil {
		return err
	}
	return registerHourlyPrune(ctx, q, pruneJobsKind, "finished jobs", func(ctx context.Context) (int64, error) {
		return q.DeleteFinished(ctx, jobRetention)
	}, logger)
}

// registerHourlyPrune registers kind as an hourly job (jobs.RegisterPeriodic) that runs prune
// and logs how many rows of what it deleted, and queues the current hour's run.
func registerHourlyPrune(ctx context.Context, q *jobs.Queue, kind, what string, prune func(context.Context) (int64, error), logger *slog.Logger) error {
	q.RegisterPeriodic(kind, time.Hour, func(ctx context.Context) error {
		n, err := prune(ctx)
		if n > 0 {
			logger.InfoContext(ctx, what+" deleted", slog.Int64("count", n))
		}
		return err
	})
	return q.SchedulePeriodic(ctx, kind, time.Hour)
}
