package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rosettebadges/rosette/internal/store"
)

func testOutbox(t *testing.T, s *store.Store) {
	ctx := context.Background()
	e := &store.Email{IdempotencyKey: "award:1", To: "ada@example.net", Subject: "Hi", Text: "plain é", HTML: "<p>x</p>",
		Headers: `{"Auto-Submitted":"auto-generated"}`, FromName: "Acme & Co", ReplyTo: "badges@acme.example",
		MessageID: "m1@x.example", CreatedAt: t0}
	update(t, s, func(tx *store.Tx) error {
		ins, err := tx.InsertEmail(ctx, e)
		if err != nil || !ins || e.ID == 0 {
			t.Errorf("InsertEmail = %v, %v, id %d", ins, err, e.ID)
		}
		dup := &store.Email{IdempotencyKey: "award:1", To: "other@example.net", Subject: "s", Text: "t", MessageID: "m2@x.example", CreatedAt: t0}
		ins, err = tx.InsertEmail(ctx, dup)
		if err != nil || ins || dup.ID != e.ID {
			t.Errorf("InsertEmail(same key) = %v, %v, id %d; want false, nil, %d", ins, err, dup.ID, e.ID)
		}
		return nil
	})
	want := *e
	want.Status = store.EmailQueued
	view(t, s, func(tx *store.Tx) error {
		got, err := tx.EmailByID(ctx, e.ID)
		if err != nil {
			return err
		}
		if d := cmp.Diff(&want, got); d != "" {
			t.Errorf("EmailByID (-want +got):\n%s", d)
		}
		got, err = tx.EmailByKey(ctx, "award:1")
		if err != nil || got.ID != e.ID {
			t.Errorf("EmailByKey = %+v, %v", got, err)
		}
		if _, err := tx.EmailByID(ctx, e.ID+100); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("EmailByID(missing) = %v", err)
		}
		return nil
	})
	update(t, s, func(tx *store.Tx) error {
		if err := tx.NoteEmailAttempt(ctx, e.ID, "421 busy"); err != nil {
			return err
		}
		return tx.MarkEmailSent(ctx, e.ID, t0.Add(1e9))
	})
	view(t, s, func(tx *store.Tx) error {
		got, err := tx.EmailByID(ctx, e.ID)
		if err != nil {
			return err
		}
		if got.Status != store.EmailSent || got.Attempts != 2 || got.LastError != "" || !got.SentAt.Equal(t0.Add(1e9)) {
			t.Errorf("after send: %+v", got)
		}
		return nil
	})
	// A sent email cannot be marked again (sent or failed).
	if err := s.Update(ctx, func(tx *store.Tx) error { return tx.MarkEmailSent(ctx, e.ID, t0) }); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("MarkEmailSent twice = %v", err)
	}
	if err := s.Update(ctx, func(tx *store.Tx) error { return tx.MarkEmailFailed(ctx, e.ID, "x") }); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("MarkEmailFailed after sent = %v", err)
	}
	f := &store.Email{IdempotencyKey: "award:2", To: "b@example.net", Subject: "s", Text: "t", MessageID: "m3@x.example", CreatedAt: t0}
	update(t, s, func(tx *store.Tx) error {
		if _, err := tx.InsertEmail(ctx, f); err != nil {
			return err
		}
		return tx.MarkEmailFailed(ctx, f.ID, "550 no such user")
	})
	view(t, s, func(tx *store.Tx) error {
		got, err := tx.EmailByID(ctx, f.ID)
		if err != nil {
			return err
		}
		if got.Status != store.EmailFailed || got.Attempts != 1 || got.LastError != "550 no such user" || !got.SentAt.IsZero() || got.Headers != "{}" {
			t.Errorf("after failure: %+v", got)
		}
		return nil
	})
}
