package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/rosettebadges/rosette/internal/store"
)

// testWalletImport covers the functions of wallet imports and re-checks: replace, record a
// check, visibility, delete, due items.
func testWalletImport(t *testing.T, s *store.Store) {
	ctx := context.Background()
	u := addUser(t, s, "earner@example.org")
	item := func(id string, next time.Time, state string) *store.WalletItem {
		return &store.WalletItem{ID: id, UserID: u.ID, Source: "import", State: state, Format: "ob3-json",
			Credential: []byte(`{}`), CredentialKey: "k-" + id, VerifyStatus: "unchecked", VerifyReport: "{}",
			NextCheckAt: next, Visibility: "private", CreatedAt: t0, UpdatedAt: t0}
	}
	update(t, s, func(tx *store.Tx) error {
		for _, w := range []*store.WalletItem{
			item("a", t0.Add(time.Hour), "accepted"), item("b", t0.Add(2*time.Hour), "accepted"),
			item("c", time.Time{}, "accepted"), item("d", t0, "declined"), item("e", t0.Add(30*time.Minute), "accepted"),
		} {
			if err := tx.InsertWalletItem(ctx, w); err != nil {
				return err
			}
		}
		return nil
	})
	due := func(at time.Time, limit int) []string {
		t.Helper()
		var got []*store.WalletItem
		view(t, s, func(tx *store.Tx) error {
			var err error
			got, err = tx.DueWalletItems(ctx, at, limit)
			return err
		})
		return ids(got)
	}
	if got := due(t0.Add(time.Hour), 10); len(got) != 2 || got[0] != "e" || got[1] != "a" {
		t.Errorf("due at +1h = %v, want [e a] (declined and unscheduled items never)", got)
	}
	if got := due(t0.Add(3*time.Hour), 1); len(got) != 1 || got[0] != "e" {
		t.Errorf("due with limit 1 = %v", got)
	}
	// Replace keeps identity, owner, source, state, visibility and creation.
	r := item("a", time.Time{}, "accepted")
	r.Format, r.Credential, r.Image, r.ImageType, r.Name, r.IssuedAt = "ob3-jwt", []byte("h.p.s"), []byte("<svg/>"), "image/svg+xml", "New", t0
	r.VerifyStatus, r.VerifyReport, r.CheckedAt, r.UpdatedAt = "verified", `{"valid":true}`, t0.Add(time.Minute), t0.Add(time.Minute)
	r.Visibility, r.Source = "public", "api" // not written
	update(t, s, func(tx *store.Tx) error { return tx.ReplaceWalletItem(ctx, r) })
	view(t, s, func(tx *store.Tx) error {
		got, err := tx.WalletItemByID(ctx, "a")
		if err != nil {
			return err
		}
		if got.Format != "ob3-jwt" || string(got.Credential) != "h.p.s" || got.ImageType != "image/svg+xml" || got.Name != "New" ||
			!got.IssuedAt.Equal(t0) || got.VerifyStatus != "verified" || !got.NextCheckAt.IsZero() ||
			got.Visibility != "private" || got.Source != "import" || !got.CreatedAt.Equal(t0) || !got.UpdatedAt.Equal(t0.Add(time.Minute)) {
			t.Errorf("replaced item %+v", got)
		}
		return nil
	})
	update(t, s, func(tx *store.Tx) error {
		if err := tx.RecordWalletCheck(ctx, "b", "revoked", `{"verdict":"revoked"}`, t0.Add(time.Hour), time.Time{}); err != nil {
			return err
		}
		_, err := tx.SetWalletItemVisibility(ctx, u.ID, "c", "public", t0.Add(time.Hour))
		return err
	})
	view(t, s, func(tx *store.Tx) error {
		b, err := tx.WalletItemByID(ctx, "b")
		if err != nil {
			return err
		}
		if b.VerifyStatus != "revoked" || b.VerifyReport != `{"verdict":"revoked"}` || !b.CheckedAt.Equal(t0.Add(time.Hour)) || !b.NextCheckAt.IsZero() {
			t.Errorf("checked item %+v", b)
		}
		c, err := tx.WalletItemByID(ctx, "c")
		if err != nil {
			return err
		}
		if c.Visibility != "public" {
			t.Errorf("visibility %q", c.Visibility)
		}
		return nil
	})
	update(t, s, func(tx *store.Tx) error { return tx.DeleteWalletItem(ctx, "c") })
	for name, f := range map[string]func(tx *store.Tx) error{
		"delete":  func(tx *store.Tx) error { return tx.DeleteWalletItem(ctx, "c") },
		"replace": func(tx *store.Tx) error { return tx.ReplaceWalletItem(ctx, item("zz", t0, "accepted")) },
		"check":   func(tx *store.Tx) error { return tx.RecordWalletCheck(ctx, "zz", "verified", "{}", t0, t0) },
	} {
		if err := s.Update(ctx, f); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s of a missing item: %v", name, err)
		}
	}
}
