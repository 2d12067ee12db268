package cli

import (
	"context"
	"log/slog"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/jobs"
	"github.com/rosettebadges/rosette/internal/service"
)

// pruneSessionsKind is the hourly job that deletes expired sign-in sessions.
const pruneSessionsKind = "accounts.prune_sessions"

// registerHousekeeping registers the periodic jobs `serve` runs and queues the next run of
// each. Every node does this; the unique key per hour means one run per hour in total.
func registerHousekeeping(ctx context.Context, q *jobs.Queue, accounts *service.Accounts, clock badge.Clock, logger *slog.Logger) error {
	schedule := func(ctx context.Context, at time.Time) error {
		slot := at.UTC().Truncate(time.Hour)
		_, _, err := q.Enqueue(ctx, nil, pruneSessionsKind, struct{}{}, jobs.EnqueueOptions{
			UniqueKey: pruneSessionsKind + ":" + slot.Format(time.RFC3339),
			RunAt:     slot,
		})
		return err
	}
	q.Register(pruneSessionsKind, func(ctx context.Context, _ *jobs.Job) error {
		n, err := accounts.DeleteExpiredSessions(ctx)
		if err != nil {
			return err
		}
		if n > 0 {
			logger.InfoContext(ctx, "expired sessions deleted", slog.Int64("count", n))
		}
		return schedule(ctx, clock.Now().Add(time.Hour))
	})
	return schedule(ctx, clock.Now())
}
