package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/rosettebadges/rosette/internal/store"
)

func testProfiles(t *testing.T, s *store.Store) {
	ctx := context.Background()
	u := addUser(t, s, "earner@example.org")
	other := addUser(t, s, "other@example.org")
	view(t, s, func(tx *store.Tx) error {
		if _, err := tx.ProfileByUser(ctx, u.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("no profile yet: %v", err)
		}
		return nil
	})
	p := &store.Profile{UserID: u.ID, Handle: "ada-l", DisplayName: "Ada", Headline: "Engineer", Bio: "*hi*",
		Website: "https://ada.example", Public: true, Discoverable: true, CreatedAt: t0, UpdatedAt: t0}
	update(t, s, func(tx *store.Tx) error { return tx.PutProfile(ctx, p) })
	// A profile without a handle, and a second one: NULL handles do not collide.
	update(t, s, func(tx *store.Tx) error {
		return tx.PutProfile(ctx, &store.Profile{UserID: other.ID, Safeguarding: true, CreatedAt: t0, UpdatedAt: t0})
	})
	third := addUser(t, s, "third@example.org")
	update(t, s, func(tx *store.Tx) error {
		return tx.PutProfile(ctx, &store.Profile{UserID: third.ID, CreatedAt: t0, UpdatedAt: t0})
	})
	// Another user taking the handle is refused.
	if err := s.Update(ctx, func(tx *store.Tx) error {
		return tx.PutProfile(ctx, &store.Profile{UserID: other.ID, Handle: "ada-l", CreatedAt: t0, UpdatedAt: t0})
	}); !errors.Is(err, store.ErrDuplicate) {
		t.Errorf("duplicate handle: %v", err)
	}
	// Replacing keeps CreatedAt.
	p2 := *p
	p2.Headline, p2.Public, p2.UpdatedAt, p2.CreatedAt = "Writer", false, t0.Add(time.Hour), t0.Add(time.Hour)
	update(t, s, func(tx *store.Tx) error { return tx.PutProfile(ctx, &p2) })
	p2.CreatedAt = t0
	view(t, s, func(tx *store.Tx) error {
		got, err := tx.ProfileByHandle(ctx, "ada-l")
		if err != nil {
			return err
		}
		if diff := cmp.Diff(&p2, got); diff != "" {
			t.Errorf("ProfileByHandle (-want +got):\n%s", diff)
		}
		got, err = tx.ProfileByUser(ctx, other.ID)
		if err != nil {
			return err
		}
		if got.Handle != "" || !got.Safeguarding || got.Public {
			t.Errorf("other profile = %+v", got)
		}
		if _, err := tx.ProfileByHandle(ctx, "nobody"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("missing handle: %v", err)
		}
		return nil
	})
}

func testCollections(t *testing.T, s *store.Store) {
	ctx := context.Background()
	u := addUser(t, s, "earner@example.org")
	other := addUser(t, s, "other@example.org")
	item := func(id string, user int64) *store.WalletItem {
		return &store.WalletItem{ID: id, UserID: user, Source: "import", State: "accepted", CredentialKey: "k" + id,
			VerifyStatus: "unchecked", VerifyReport: "{}", Visibility: "private", CreatedAt: t0, UpdatedAt: t0}
	}
	update(t, s, func(tx *store.Tx) error {
		for _, w := range []*store.WalletItem{item("a", u.ID), item("b", u.ID), item("c", u.ID), item("x", other.ID)} {
			if err := tx.InsertWalletItem(ctx, w); err != nil {
				return err
			}
		}
		return nil
	})
	c1 := &store.Collection{ID: "c1", UserID: u.ID, Name: "Sailing", Description: "On the water", Visibility: "public", Position: 2, CreatedAt: t0, UpdatedAt: t0}
	c2 := &store.Collection{ID: "c2", UserID: u.ID, Name: "Code", Visibility: "private", Position: 1, CreatedAt: t0, UpdatedAt: t0}
	update(t, s, func(tx *store.Tx) error {
		for _, c := range []*store.Collection{c1, c2} {
			if err := tx.InsertCollection(ctx, c); err != nil {
				return err
			}
		}
		for i, id := range []string{"b", "a", "c"} {
			if err := tx.AddCollectionItem(ctx, "c1", id, i, t0); err != nil {
				return err
			}
		}
		return tx.AddCollectionItem(ctx, "c2", "a", 0, t0)
	})
	if err := s.Update(ctx, func(tx *store.Tx) error { return tx.AddCollectionItem(ctx, "c1", "a", 9, t0) }); !errors.Is(err, store.ErrDuplicate) {
		t.Errorf("item twice: %v", err)
	}
	view(t, s, func(tx *store.Tx) error {
		cs, err := tx.CollectionsByUser(ctx, u.ID)
		if err != nil {
			return err
		}
		if diff := cmp.Diff([]*store.Collection{c2, c1}, cs); diff != "" {
			t.Errorf("CollectionsByUser (-want +got):\n%s", diff)
		}
		items, err := tx.CollectionItems(ctx, "c1")
		if err != nil {
			return err
		}
		if got := ids(items); !cmp.Equal(got, []string{"b", "a", "c"}) {
			t.Errorf("CollectionItems = %v", got)
		}
		for id, want := range map[string]int{"c1": 3, "c2": 1, "none": 0} {
			if n, err := tx.NextCollectionItemPosition(ctx, id); n != want || err != nil {
				t.Errorf("NextCollectionItemPosition(%s) = %d, %v; want %d", id, n, err, want)
			}
		}
		return nil
	})
	update(t, s, func(tx *store.Tx) error {
		c1.Name, c1.Visibility, c1.Position, c1.UpdatedAt = "Boats", "private", 0, t0.Add(time.Minute)
		if ok, err := tx.UpdateCollection(ctx, c1); !ok || err != nil {
			t.Errorf("UpdateCollection = %v, %v", ok, err)
		}
		if err := tx.SetCollectionItemPosition(ctx, "c1", "c", -1); err != nil {
			return err
		}
		if ok, err := tx.RemoveCollectionItem(ctx, "c1", "b"); !ok || err != nil {
			t.Errorf("RemoveCollectionItem = %v, %v", ok, err)
		}
		if ok, err := tx.RemoveCollectionItem(ctx, "c1", "b"); ok || err != nil {
			t.Errorf("RemoveCollectionItem again = %v, %v", ok, err)
		}
		if ok, err := tx.SetWalletItemVisibility(ctx, u.ID, "a", "public", t0.Add(time.Minute)); !ok || err != nil {
			t.Errorf("SetWalletItemVisibility = %v, %v", ok, err)
		}
		if ok, err := tx.SetWalletItemVisibility(ctx, u.ID, "x", "public", t0); ok || err != nil {
			t.Errorf("SetWalletItemVisibility of another's item = %v, %v", ok, err)
		}
		// Deleting a wallet item takes it out of every collection.
		_, err := tx.ExecContext(ctx, `DELETE FROM wallet_items WHERE id = 'a'`)
		return err
	})
	view(t, s, func(tx *store.Tx) error {
		got, err := tx.CollectionByID(ctx, "c1")
		if err != nil {
			return err
		}
		if diff := cmp.Diff(c1, got); diff != "" {
			t.Errorf("CollectionByID (-want +got):\n%s", diff)
		}
		items, err := tx.CollectionItems(ctx, "c1")
		if err != nil {
			return err
		}
		if got := ids(items); !cmp.Equal(got, []string{"c"}) {
			t.Errorf("after remove and delete: %v", got)
		}
		if items, _ := tx.CollectionItems(ctx, "c2"); len(items) != 0 {
			t.Errorf("c2 still holds %v", ids(items))
		}
		w, err := tx.WalletItemByID(ctx, "x")
		if err != nil || w.Visibility != "private" {
			t.Errorf("other's item: %v, %v", w, err)
		}
		return nil
	})
	update(t, s, func(tx *store.Tx) error {
		if ok, err := tx.DeleteCollection(ctx, "c1"); !ok || err != nil {
			t.Errorf("DeleteCollection = %v, %v", ok, err)
		}
		return nil
	})
	view(t, s, func(tx *store.Tx) error {
		if _, err := tx.CollectionByID(ctx, "c1"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("deleted collection: %v", err)
		}
		if _, err := tx.WalletItemByID(ctx, "c"); err != nil {
			t.Errorf("deleting a collection deleted its item: %v", err)
		}
		return nil
	})
}
