package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rosettebadges/rosette/internal/store"
)

func testEmailTemplates(t *testing.T, s *store.Store) {
	ctx := context.Background()
	update(t, s, func(tx *store.Tx) error {
		for _, id := range []string{"iss1", "iss2"} {
			if err := tx.InsertIssuer(ctx, &store.Issuer{ID: id, Name: "N " + id, CreatedAt: t0, UpdatedAt: t0}); err != nil {
				return err
			}
		}
		return nil
	})
	get := func(issuerID string) (*store.EmailTemplate, error) {
		var got *store.EmailTemplate
		err := s.View(ctx, func(tx *store.Tx) error {
			var err error
			got, err = tx.EmailTemplate(ctx, issuerID, "award")
			return err
		})
		return got, err
	}
	if _, err := get("iss1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("EmailTemplate(none) = %v, want ErrNotFound", err)
	}
	first := &store.EmailTemplate{IssuerID: "iss1", Kind: "award", Subject: "S {{.BadgeName}}", Text: "T é\n", HTML: "<p>H</p>", UpdatedAt: t0, UpdatedBy: "user:1"}
	update(t, s, func(tx *store.Tx) error { return tx.PutEmailTemplate(ctx, first) })
	got, err := get("iss1")
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(first, got); d != "" {
		t.Errorf("EmailTemplate (-want +got):\n%s", d)
	}
	second := &store.EmailTemplate{IssuerID: "iss1", Kind: "award", Subject: "S2", Text: "T2", HTML: "", UpdatedAt: t0.Add(1e9), UpdatedBy: "user:2"}
	update(t, s, func(tx *store.Tx) error { return tx.PutEmailTemplate(ctx, second) })
	if got, err := get("iss1"); err != nil || cmp.Diff(second, got) != "" {
		t.Errorf("EmailTemplate after replace = %+v, %v; want %+v", got, err, second)
	}
	if _, err := get("iss2"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("another issuer's template: %v, want ErrNotFound", err)
	}
	if err := s.Update(ctx, func(tx *store.Tx) error {
		return tx.PutEmailTemplate(ctx, &store.EmailTemplate{IssuerID: "iss1", Kind: "nope", Subject: "s", Text: "t", UpdatedAt: t0, UpdatedBy: "x"})
	}); err == nil {
		t.Error("PutEmailTemplate accepted an unknown kind")
	}
	if err := s.Update(ctx, func(tx *store.Tx) error {
		return tx.PutEmailTemplate(ctx, &store.EmailTemplate{IssuerID: "nope", Kind: "award", Subject: "s", Text: "t", UpdatedAt: t0, UpdatedBy: "x"})
	}); err == nil {
		t.Error("PutEmailTemplate accepted an issuer that does not exist")
	}
	update(t, s, func(tx *store.Tx) error {
		if had, err := tx.DeleteEmailTemplate(ctx, "iss1", "award"); err != nil || !had {
			t.Errorf("DeleteEmailTemplate = %v, %v; want true", had, err)
		}
		if had, err := tx.DeleteEmailTemplate(ctx, "iss1", "award"); err != nil || had {
			t.Errorf("DeleteEmailTemplate(again) = %v, %v; want false", had, err)
		}
		return nil
	})
	if _, err := get("iss1"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("after delete: %v, want ErrNotFound", err)
	}
}
