package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/rosettebadges/rosette/internal/store"
)

// testAuditRewrite checks the reads and the rewrite that scrub a deleted account from the
// audit log: AuditEventsMentioning (case-insensitive, LIKE wildcards taken literally, in
// actor, subject and details), AuditEventsBySubject and RewriteAuditEvent.
func testAuditRewrite(t *testing.T, s *store.Store) {
	ctx := context.Background()
	events := []*store.AuditEvent{
		{At: t0, Actor: "claim", Action: "user.create", Subject: "user:7", Details: json.RawMessage(`{"email":"Ada_X@Example.org"}`)},
		{At: t0.Add(time.Second), Actor: "Ada_X@example.org", Action: "odd.actor", Subject: "site"},
		{At: t0.Add(2 * time.Second), Actor: "user:1", Action: "issuer.update", Subject: "ada_x@example.org"},
		{At: t0.Add(3 * time.Second), Actor: "user:1", Action: "user.create", Subject: "user:8", Details: json.RawMessage(`{"email":"adaXx@example.org"}`)},
		{At: t0.Add(4 * time.Second), Actor: "user:7", Action: "user.email_remove", Subject: "user:7", Details: json.RawMessage(`{"email":"old@example.org"}`)},
	}
	update(t, s, func(tx *store.Tx) error {
		for _, e := range events {
			if err := tx.InsertAuditEvent(ctx, e); err != nil {
				return err
			}
		}
		return nil
	})
	ids := func(es []*store.AuditEvent) []int64 {
		out := []int64{}
		for _, e := range es {
			out = append(out, e.ID)
		}
		return out
	}
	view(t, s, func(tx *store.Tx) error {
		got, err := tx.AuditEventsMentioning(ctx, []string{"ada_x@example.org", ""})
		if err != nil {
			return err
		}
		// "_" is not a wildcard: adaXx@example.org does not match.
		if diff := cmp.Diff([]int64{events[0].ID, events[1].ID, events[2].ID}, ids(got)); diff != "" {
			t.Errorf("AuditEventsMentioning (-want +got):\n%s", diff)
		}
		if got, err := tx.AuditEventsMentioning(ctx, []string{"OLD@", "nobody@example.org"}); err != nil || !cmp.Equal(ids(got), []int64{events[4].ID}) {
			t.Errorf("AuditEventsMentioning(old) = %v, %v", ids(got), err)
		}
		if got, err := tx.AuditEventsMentioning(ctx, nil); err != nil || len(got) != 0 {
			t.Errorf("AuditEventsMentioning(nil) = %v, %v", ids(got), err)
		}
		if got, err := tx.AuditEventsBySubject(ctx, "user:7"); err != nil || !cmp.Equal(ids(got), []int64{events[0].ID, events[4].ID}) {
			t.Errorf("AuditEventsBySubject = %v, %v", ids(got), err)
		}
		return nil
	})
	update(t, s, func(tx *store.Tx) error {
		e := &store.AuditEvent{ID: events[0].ID, Actor: "claim", Subject: "user:7", Details: json.RawMessage(`{"email":"deleted account #7"}`)}
		if err := tx.RewriteAuditEvent(ctx, e); err != nil {
			return err
		}
		if err := tx.RewriteAuditEvent(ctx, &store.AuditEvent{ID: events[1].ID, Details: json.RawMessage(`{`)}); err == nil {
			t.Error("RewriteAuditEvent accepted invalid JSON")
		}
		if err := tx.RewriteAuditEvent(ctx, &store.AuditEvent{ID: 1 << 40}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("RewriteAuditEvent of no event: %v", err)
		}
		return nil
	})
	view(t, s, func(tx *store.Tx) error {
		got, err := tx.AuditEventsBySubject(ctx, "user:7")
		if err != nil || len(got) != 2 {
			t.Fatalf("after rewrite: %v, %v", got, err)
		}
		var d map[string]string
		if err := json.Unmarshal(got[0].Details, &d); err != nil || d["email"] != "deleted account #7" {
			t.Errorf("rewritten details = %s", got[0].Details)
		}
		if got[0].Action != "user.create" || !got[0].At.Equal(t0) {
			t.Errorf("rewrite changed the action or time: %+v", got[0])
		}
		if got, err := tx.AuditEventsMentioning(ctx, []string{"ada_x@example.org"}); err != nil || len(got) != 2 {
			t.Errorf("after rewrite AuditEventsMentioning = %v, %v", ids(got), err)
		}
		return nil
	})
}
