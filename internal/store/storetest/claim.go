package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/rosettebadges/rosette/internal/store"
)

// testUserEmails checks the addresses of accounts: one verified holder per address, tokens,
// verification, the primary address, and removal.
func testUserEmails(t *testing.T, s *store.Store) {
	ctx := context.Background()
	a := addUser(t, s, "a@example.org")
	b := addUser(t, s, "b@example.org")
	pending := &store.UserEmail{UserID: a.ID, Email: "Two@example.org", EmailKey: "two@example.org", VerifyTokenHash: "h1",
		VerifyExpiresAt: t0.Add(48 * time.Hour), CreatedAt: t0.Add(time.Second)}
	otherPending := &store.UserEmail{UserID: b.ID, Email: "two@example.org", EmailKey: "two@example.org", VerifyTokenHash: "h2",
		VerifyExpiresAt: t0.Add(48 * time.Hour), CreatedAt: t0}
	update(t, s, func(tx *store.Tx) error {
		if err := tx.InsertUserEmail(ctx, pending); err != nil {
			return err
		}
		return tx.InsertUserEmail(ctx, otherPending) // unverified: several accounts may wait on one address
	})
	// A verified address another account holds is refused.
	if err := s.Update(ctx, func(tx *store.Tx) error {
		return tx.InsertUserEmail(ctx, &store.UserEmail{UserID: b.ID, Email: "a@example.org", EmailKey: "a@example.org", VerifiedAt: t0, CreatedAt: t0})
	}); !errors.Is(err, store.ErrDuplicate) {
		t.Errorf("a second verified holder: %v", err)
	}
	view(t, s, func(tx *store.Tx) error {
		got, err := tx.UserEmailByTokenHash(ctx, "h1")
		if err != nil {
			return err
		}
		if diff := cmp.Diff(pending, got); diff != "" {
			t.Errorf("UserEmailByTokenHash (-want +got):\n%s", diff)
		}
		es, err := tx.UserEmails(ctx, a.ID)
		if err != nil {
			return err
		}
		if len(es) != 2 || es[0].EmailKey != "a@example.org" || es[0].VerifiedAt.IsZero() || es[1].ID != pending.ID {
			t.Errorf("UserEmails = %+v", es)
		}
		if _, err := tx.VerifiedEmail(ctx, "two@example.org"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("VerifiedEmail of an unverified address: %v", err)
		}
		return nil
	})
	update(t, s, func(tx *store.Tx) error {
		if err := tx.VerifyUserEmail(ctx, pending.ID, t0.Add(time.Hour)); err != nil {
			return err
		}
		return tx.DeleteUnverifiedEmails(ctx, "two@example.org", a.ID)
	})
	if err := s.Update(ctx, func(tx *store.Tx) error { return tx.VerifyUserEmail(ctx, otherPending.ID, t0) }); err != nil &&
		!errors.Is(err, store.ErrNotFound) {
		t.Errorf("verifying the other's row after it was removed: %v", err)
	}
	view(t, s, func(tx *store.Tx) error {
		e, err := tx.VerifiedEmail(ctx, "two@example.org")
		if err != nil {
			return err
		}
		if e.UserID != a.ID || e.VerifyTokenHash != "" || !e.VerifiedAt.Equal(t0.Add(time.Hour)) {
			t.Errorf("verified row = %+v", e)
		}
		if es, _ := tx.UserEmails(ctx, b.ID); len(es) != 1 {
			t.Errorf("b's rows = %+v (the unverified one should be gone)", es)
		}
		return nil
	})
	update(t, s, func(tx *store.Tx) error {
		if err := tx.SetUserPrimaryEmail(ctx, a.ID, "Two@example.org", "two@example.org", t0); err != nil {
			return err
		}
		first, err := tx.UserEmailOf(ctx, a.ID, "a@example.org")
		if err != nil {
			return err
		}
		return tx.DeleteUserEmail(ctx, first.ID)
	})
	view(t, s, func(tx *store.Tx) error {
		u, err := tx.UserByEmailKey(ctx, "two@example.org")
		if err != nil || u.ID != a.ID {
			t.Errorf("primary: %v, %v", u, err)
		}
		return nil
	})
}

// testMergeUsers checks that merging moves every owned row, keeps one of each duplicate and
// the higher role, and deletes the merged account with its sessions.
func testMergeUsers(t *testing.T, s *store.Store) {
	ctx := context.Background()
	keep := addUser(t, s, "keep@example.org")
	gone := addUser(t, s, "gone@example.org")
	item := func(id string, uid int64, key, state string) *store.WalletItem {
		return &store.WalletItem{ID: id, UserID: uid, Source: "import", State: state, CredentialKey: key,
			VerifyStatus: "unchecked", VerifyReport: "{}", Visibility: "private", CreatedAt: t0, UpdatedAt: t0}
	}
	update(t, s, func(tx *store.Tx) error {
		for _, w := range []*store.WalletItem{item("k1", keep.ID, "same", "accepted"), item("g1", gone.ID, "same", "accepted"),
			item("k2", keep.ID, "declined-here", "declined"), item("g2", gone.ID, "declined-here", "accepted"),
			item("g3", gone.ID, "only-gone", "accepted")} {
			if err := tx.InsertWalletItem(ctx, w); err != nil {
				return err
			}
		}
		if err := tx.InsertSession(ctx, &store.Session{TokenHash: "sess-gone", UserID: gone.ID, CreatedAt: t0, LastSeenAt: t0, ExpiresAt: t0.Add(time.Hour)}); err != nil {
			return err
		}
		if err := tx.InsertIssuer(ctx, &store.Issuer{ID: "iss", Name: "Iss", CreatedAt: t0, UpdatedAt: t0}); err != nil {
			return err
		}
		if err := tx.InsertCV(ctx, &store.CV{ID: "cv-gone", UserID: gone.ID, Title: "Sailing CV", CreatedAt: t0, UpdatedAt: t0}); err != nil {
			return err
		}
		if err := tx.InsertCollection(ctx, &store.Collection{ID: "col-gone", UserID: gone.ID, Name: "Sailing", Visibility: "private",
			CreatedAt: t0, UpdatedAt: t0}); err != nil {
			return err
		}
		// Collections hold duplicates that the merge drops: their entries move to the item
		// kept, in the same place, unless the collection already holds it.
		if err := tx.InsertCollection(ctx, &store.Collection{ID: "col-keep", UserID: keep.ID, Name: "Mine", Visibility: "public",
			CreatedAt: t0, UpdatedAt: t0}); err != nil {
			return err
		}
		for _, e := range []struct {
			col, item string
			pos       int
		}{{"col-gone", "g3", 0}, {"col-gone", "g1", 1}, {"col-gone", "g2", 2},
			{"col-keep", "k1", 0}, {"col-keep", "k2", 1}, {"col-keep", "g1", 2}} {
			if err := tx.AddCollectionItem(ctx, e.col, e.item, e.pos, t0.Add(time.Duration(e.pos)*time.Minute)); err != nil {
				return err
			}
		}
		// Share events from wallet items: a dropped duplicate's go to the item kept.
		if err := tx.InsertBadgeClass(ctx, &store.BadgeClass{ID: "bc", IssuerID: "iss", Name: "B", CurrentVersion: 1, CreatedAt: t0, UpdatedAt: t0}); err != nil {
			return err
		}
		if err := tx.InsertBadgeClassVersion(ctx, &store.BadgeClassVersion{BadgeClassID: "bc", Version: 1, Fields: `{}`, CreatedAt: t0, CreatedBy: "cli"}); err != nil {
			return err
		}
		if err := tx.InsertAwards(ctx, []*store.Award{{ID: "aw", IssuerID: "iss", BadgeClassID: "bc", BadgeClassVersion: 1, RecipientType: "email",
			RecipientIdentity: "gone@example.org", Salt: "s", Evidence: `[]`, IssuedAt: t0, StatusMethod: "bitstring",
			UnsignedCredential: []byte(`{}`), CreatedAt: t0, CreatedBy: "cli"}}); err != nil {
			return err
		}
		var evs []store.ShareEvent
		for _, item := range []string{"g1", "g3", "k2", "k1", ""} {
			evs = append(evs, store.ShareEvent{AwardID: "aw", WalletItemID: item, Kind: "share", Channel: "x", At: t0})
		}
		if err := tx.InsertShareEvents(ctx, evs); err != nil {
			return err
		}
		for _, uid := range []int64{keep.ID, gone.ID} {
			if err := tx.PutProfile(ctx, &store.Profile{UserID: uid, DisplayName: fmt.Sprint(uid), CreatedAt: t0, UpdatedAt: t0}); err != nil {
				return err
			}
		}
		if err := tx.InsertMember(ctx, "iss", keep.ID, "awarder", t0); err != nil {
			return err
		}
		return tx.InsertMember(ctx, "iss", gone.ID, "owner", t0)
	})
	update(t, s, func(tx *store.Tx) error { return tx.MergeUsers(ctx, keep.ID, gone.ID) })
	view(t, s, func(tx *store.Tx) error {
		items, err := tx.WalletItemsByUser(ctx, keep.ID, "", 100, 0)
		if err != nil {
			return err
		}
		got := map[string]string{}
		for _, w := range items {
			got[w.ID] = w.State
		}
		if diff := cmp.Diff(map[string]string{"k1": "accepted", "g2": "accepted", "g3": "accepted"}, got); diff != "" {
			t.Errorf("items after merge (-want +got):\n%s", diff)
		}
		es, err := tx.UserEmails(ctx, keep.ID)
		if err != nil {
			return err
		}
		if len(es) != 2 || es[1].EmailKey != "gone@example.org" {
			t.Errorf("addresses after merge = %+v", es)
		}
		if role, err := tx.MemberRole(ctx, "iss", keep.ID); err != nil || role != "owner" {
			t.Errorf("role after merge = %q, %v", role, err)
		}
		cs, err := tx.CollectionsByUser(ctx, keep.ID)
		if err != nil {
			return err
		}
		gotCols := map[string][]string{}
		for _, c := range cs {
			ws, err := tx.CollectionItems(ctx, c.ID)
			if err != nil {
				return err
			}
			gotCols[c.ID] = []string{}
			for _, w := range ws {
				gotCols[c.ID] = append(gotCols[c.ID], w.ID)
			}
		}
		evs, err := tx.ShareEventsByAward(ctx, "aw")
		if err != nil {
			return err
		}
		var evItems []string
		for _, e := range evs {
			evItems = append(evItems, e.WalletItemID)
		}
		if diff := cmp.Diff([]string{"k1", "g3", "g2", "k1", ""}, evItems); diff != "" {
			t.Errorf("share events' wallet items after merge (-want +got):\n%s", diff)
		}
		wantCols := map[string][]string{"col-gone": {"g3", "k1", "g2"}, "col-keep": {"k1", "g2"}}
		if diff := cmp.Diff(wantCols, gotCols); diff != "" {
			t.Errorf("collections after merge (-want +got):\n%s", diff)
		}
		if cv, err := tx.CVByID(ctx, "cv-gone"); err != nil || cv.UserID != keep.ID {
			t.Errorf("CV after merge = %+v, %v", cv, err)
		}
		if p, err := tx.ProfileByUser(ctx, keep.ID); err != nil || p.DisplayName != fmt.Sprint(keep.ID) {
			t.Errorf("profile after merge = %+v, %v (the kept account's stays)", p, err)
		}
		if _, err := tx.UserByID(ctx, gone.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("merged user: %v", err)
		}
		if _, err := tx.SessionByTokenHash(ctx, "sess-gone"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("merged user's session: %v", err)
		}
		return nil
	})
	if err := s.Update(ctx, func(tx *store.Tx) error { return tx.MergeUsers(ctx, keep.ID, gone.ID) }); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("merging a deleted account: %v", err)
	}
}
