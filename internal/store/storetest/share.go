package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/rosettebadges/rosette/internal/store"
)

func testShareEvents(t *testing.T, s *store.Store) {
	ctx := context.Background()
	u := addUser(t, s, "earner@example.org")
	update(t, s, func(tx *store.Tx) error {
		for _, iss := range []string{"iss", "iss2"} {
			if err := tx.InsertIssuer(ctx, &store.Issuer{ID: iss, Name: "I", CreatedAt: t0, UpdatedAt: t0}); err != nil {
				return err
			}
			if err := tx.InsertBadgeClass(ctx, &store.BadgeClass{ID: "bc-" + iss, IssuerID: iss, Name: "B", CurrentVersion: 1, CreatedAt: t0, UpdatedAt: t0}); err != nil {
				return err
			}
			if err := tx.InsertBadgeClassVersion(ctx, &store.BadgeClassVersion{BadgeClassID: "bc-" + iss, Version: 1, Fields: `{}`, CreatedAt: t0, CreatedBy: "cli"}); err != nil {
				return err
			}
		}
		var as []*store.Award
		for i, id := range []string{"a1", "a2", "b1"} {
			iss := "iss"
			if id == "b1" {
				iss = "iss2"
			}
			as = append(as, &store.Award{ID: id, IssuerID: iss, BadgeClassID: "bc-" + iss, BadgeClassVersion: 1, RecipientType: "email",
				RecipientIdentity: "earner@example.org", Salt: "s", Evidence: `[]`, IssuedAt: t0, StatusMethod: "bitstring",
				StatusIndex: int64(i), UnsignedCredential: []byte(`{}`), CreatedAt: t0, CreatedBy: "cli"})
		}
		return tx.InsertAwards(ctx, as)
	})
	at := t0.Add(time.Minute)
	events := []store.ShareEvent{
		{AwardID: "a1", Kind: "view", ReferrerHost: "www.linkedin.com", N: 1, At: at},
		{AwardID: "a1", Kind: "view", N: 3, At: at},
		{AwardID: "a1", Kind: "share", Channel: "linkedin_post", UserID: u.ID, N: 1, At: at},
		{AwardID: "a1", Kind: "download", Channel: "png", N: 1, At: at},
		{AwardID: "a2", Kind: "embed_view", Channel: "embed", At: at}, // N 0 is stored as 1
		{AwardID: "b1", Kind: "view", N: 1, At: at},
	}
	update(t, s, func(tx *store.Tx) error { return tx.InsertShareEvents(ctx, events) })
	update(t, s, func(tx *store.Tx) error { return tx.InsertShareEvents(ctx, nil) })
	// A batch naming an award that does not exist is refused as a whole.
	if err := s.Update(ctx, func(tx *store.Tx) error {
		return tx.InsertShareEvents(ctx, []store.ShareEvent{{AwardID: "a1", Kind: "view", At: at}, {AwardID: "nope", Kind: "view", At: at}})
	}); err == nil {
		t.Error("an event of an unknown award was recorded")
	}
	if err := s.Update(ctx, func(tx *store.Tx) error {
		return tx.InsertShareEvents(ctx, []store.ShareEvent{{AwardID: "a1", Kind: "poke", At: at}})
	}); err == nil {
		t.Error("an event of an unknown kind was recorded")
	}
	view(t, s, func(tx *store.Tx) error {
		got, err := tx.ShareCountsByAward(ctx, "a1")
		if err != nil {
			return err
		}
		want := []store.ShareCount{{Kind: "download", Channel: "png", N: 1}, {Kind: "share", Channel: "linkedin_post", N: 1}, {Kind: "view", Channel: "", N: 4}}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("ShareCountsByAward (-want +got):\n%s", d)
		}
		got, err = tx.ShareCountsByIssuer(ctx, "iss")
		if err != nil {
			return err
		}
		want = []store.ShareCount{{Kind: "download", Channel: "png", N: 1}, {Kind: "embed_view", Channel: "embed", N: 1}, {Kind: "share", Channel: "linkedin_post", N: 1}, {Kind: "view", Channel: "", N: 4}}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("ShareCountsByIssuer (-want +got):\n%s", d)
		}
		all, err := tx.ShareEventsByAward(ctx, "a1")
		if err != nil {
			return err
		}
		if d := cmp.Diff(events[:4], all); d != "" {
			t.Errorf("ShareEventsByAward (-want +got):\n%s", d)
		}
		mine, err := tx.ShareEventsByUser(ctx, u.ID)
		if err != nil {
			return err
		}
		if len(mine) != 1 || mine[0].Channel != "linkedin_post" || mine[0].UserID != u.ID {
			t.Errorf("ShareEventsByUser = %+v", mine)
		}
		got, err = tx.ShareCountsByAward(ctx, "none")
		if err != nil {
			return err
		}
		if len(got) != 0 {
			t.Errorf("counts of an award without events: %v", got)
		}
		return nil
	})
}
