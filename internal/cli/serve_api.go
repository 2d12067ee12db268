package cli

import (
	"context"
	"log/slog"

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
func registerIdempotencyPrune(ctx context.Context, q *jobs.Queue, idem *service.Idempotency, logger *slog.Logger) error {
	return registerHourlyPrune(ctx, q, pruneIdempotencyKind, "expired idempotency keys", idem.Prune, logger)
}
