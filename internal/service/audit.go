package service

import (
	"context"
	"encoding/json"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/store"
)

type actorKey struct{}

// WithActor returns a context saying who is acting, for the audit trail: "user:12" for a
// signed-in user, "cli" for the command line, "setup" for first-run setup.
func WithActor(ctx context.Context, actor string) context.Context {
	return context.WithValue(ctx, actorKey{}, actor)
}

// ActorFrom returns the actor set by WithActor, or "system".
func ActorFrom(ctx context.Context) string {
	if a, ok := ctx.Value(actorKey{}).(string); ok && a != "" {
		return a
	}
	return "system"
}

// RecordAudit writes one audit event in tx: actor did action to subject at `at`, with details
// (any JSON-encodable value, typically a map; nil = {}). Never put secrets in details.
func RecordAudit(ctx context.Context, tx *store.Tx, at time.Time, actor, action, subject string, details any) error {
	var raw json.RawMessage
	if details != nil {
		b, err := json.Marshal(details)
		if err != nil {
			return badge.E(badge.Internal, "Could not record the audit event.", err)
		}
		raw = b
	}
	if err := tx.InsertAuditEvent(ctx, &store.AuditEvent{At: at, Actor: actor, Action: action, Subject: subject, Details: raw}); err != nil {
		return badge.E(badge.Internal, "Could not record the audit event.", err)
	}
	return nil
}
