package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/rosettebadges/rosette/internal/store"
)

func testWalletItems(t *testing.T, s *store.Store) {
	ctx := context.Background()
	u := addUser(t, s, "earner@example.org")
	other := addUser(t, s, "other@example.org")
	imported := &store.WalletItem{ID: "w1", UserID: u.ID, Source: "import", State: "accepted", Format: "ob3-json",
		Credential: []byte(`{"id":"urn:uuid:1"}`), Image: []byte("\x89PNG"), ImageType: "image/png",
		SourceURL: "https://other.example/a/1", CredentialKey: "https://other.example|urn:uuid:1",
		Name: "Knots", Description: "Ties knots", IssuerName: "Harbour", IssuerURL: "https://other.example",
		ImageURL: "https://other.example/i.png", IssuedAt: t0, ExpiresAt: t0.AddDate(1, 0, 0),
		VerifyStatus: "verified", VerifyReport: `{"valid":true}`, CheckedAt: t0, NextCheckAt: t0.Add(24 * time.Hour),
		Visibility: "private", CreatedAt: t0, UpdatedAt: t0}
	declined := &store.WalletItem{ID: "w2", UserID: u.ID, Source: "import", State: "declined", CredentialKey: "k2",
		VerifyStatus: "unchecked", VerifyReport: "{}", Visibility: "public", CreatedAt: t0.Add(time.Second), UpdatedAt: t0}
	update(t, s, func(tx *store.Tx) error {
		if err := tx.InsertWalletItem(ctx, imported); err != nil {
			return err
		}
		return tx.InsertWalletItem(ctx, declined)
	})
	// The same key twice for one earner is refused; another earner may hold it.
	if err := s.Update(ctx, func(tx *store.Tx) error {
		return tx.InsertWalletItem(ctx, &store.WalletItem{ID: "w3", UserID: u.ID, Source: "api", State: "accepted",
			CredentialKey: imported.CredentialKey, VerifyStatus: "unchecked", VerifyReport: "{}", Visibility: "private", CreatedAt: t0, UpdatedAt: t0})
	}); !errors.Is(err, store.ErrDuplicate) {
		t.Errorf("duplicate key: %v", err)
	}
	update(t, s, func(tx *store.Tx) error {
		return tx.InsertWalletItem(ctx, &store.WalletItem{ID: "w4", UserID: other.ID, Source: "api", State: "accepted",
			CredentialKey: imported.CredentialKey, VerifyStatus: "unchecked", VerifyReport: "{}", Visibility: "private", CreatedAt: t0, UpdatedAt: t0})
	})
	view(t, s, func(tx *store.Tx) error {
		got, err := tx.WalletItemByID(ctx, "w1")
		if err != nil {
			return err
		}
		if diff := cmp.Diff(imported, got); diff != "" {
			t.Errorf("WalletItemByID (-want +got):\n%s", diff)
		}
		got, err = tx.WalletItemByKey(ctx, u.ID, "k2")
		if err != nil {
			return err
		}
		if diff := cmp.Diff(declined, got); diff != "" {
			t.Errorf("WalletItemByKey (-want +got):\n%s", diff)
		}
		if _, err := tx.WalletItemByID(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("missing item: %v", err)
		}
		all, err := tx.WalletItemsByUser(ctx, u.ID, "", 10, 0)
		if err != nil {
			return err
		}
		if len(all) != 2 || all[0].ID != "w2" || all[1].ID != "w1" {
			t.Errorf("WalletItemsByUser = %v", ids(all))
		}
		acc, err := tx.WalletItemsByUser(ctx, u.ID, "accepted", 10, 0)
		if err != nil {
			return err
		}
		if len(acc) != 1 || acc[0].ID != "w1" {
			t.Errorf("accepted items = %v", ids(acc))
		}
		page, err := tx.WalletItemsByUser(ctx, u.ID, "", 1, 1)
		if err != nil {
			return err
		}
		if len(page) != 1 || page[0].ID != "w1" {
			t.Errorf("second page = %v", ids(page))
		}
		n, err := tx.CountWalletItems(ctx, u.ID, "accepted")
		if err != nil || n != 1 {
			t.Errorf("CountWalletItems = %d, %v", n, err)
		}
		return nil
	})
}

func ids(items []*store.WalletItem) []string {
	var out []string
	for _, w := range items {
		out = append(out, w.ID)
	}
	return out
}
