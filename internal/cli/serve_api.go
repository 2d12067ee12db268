package cli

import (
	"context"
	"log/slog"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/httpapi"
	"github.com/rosettebadges/rosette/internal/jobs"
	"github.com/rosettebadges/rosette/internal/links"
	"github.com/rosettebadges/rosette/internal/server"
	"github.com/rosettebadges/rosette/internal/service"
)

// pruneIdempotencyKind deletes API idempotency keys older than service.IdempotencyTTL, hourly.
const pruneIdempotencyKind = "api.prune_idempotency"

// mountAPI builds the REST API (/api/v1, /api/docs) and mounts it on srv.
func mountAPI(srv *server.Server, issuers *service.Issuers, badgeClasses *service.BadgeClasses, awards *service.Awards,
	tokens *service.Tokens, idem *service.Idempotency, urls links.URLs, logger *slog.Logger) error {
	api, err := httpapi.New(httpapi.Options{Tokens: tokens, Idempotency: idem, Issuers: issuers, BadgeClasses: badgeClasses,
		Awards: awards, URLs: urls, Logger: logger})
	if err != nil {
		return err
	}
	api.Register(srv)
	return nil
}

// registerIdempotencyPrune registers the hourly job deleting expired idempotency keys and
// queues its next run (one per hour across nodes, by unique key).
func registerIdempotencyPrune(ctx context.Context, q *jobs.Queue, idem *service.Idempotency, clock badge.Clock, logger *slog.Logger) error {
	schedule := func(ctx context.Context, at time.Time) error {
		slot := at.UTC().Truncate(time.Hour)
		_, _, err := q.Enqueue(ctx, nil, pruneIdempotencyKind, struct{}{}, jobs.EnqueueOptions{
			UniqueKey: pruneIdempotencyKind + ":" + slot.Format(time.RFC3339), RunAt: slot})
		return err
	}
	q.Register(pruneIdempotencyKind, func(ctx context.Context, _ *jobs.Job) error {
		n, err := idem.Prune(ctx)
		if err != nil {
			return err
		}
		if n > 0 {
			logger.InfoContext(ctx, "expired idempotency keys deleted", slog.Int64("count", n))
		}
		return schedule(ctx, clock.Now().Add(time.Hour))
	})
	return schedule(ctx, clock.Now())
}
