package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/rosettebadges/rosette/internal/store"
)

func testAPITokens(t *testing.T, s *store.Store) {
	ctx := context.Background()
	u := addUser(t, s, "tok@example.org")
	other := addUser(t, s, "other@example.org")
	update(t, s, func(tx *store.Tx) error {
		return tx.InsertIssuer(ctx, &store.Issuer{ID: "iss", Name: "I", CreatedAt: t0, UpdatedAt: t0})
	})
	a := &store.APIToken{UserID: u.ID, Name: "ci", Scopes: "badges:read awards:write", TokenHash: "h1", TokenPrefix: "rst_aaaa", CreatedAt: t0}
	b := &store.APIToken{UserID: u.ID, IssuerID: "iss", Name: "one issuer", Scopes: "awards:read", TokenHash: "h2", TokenPrefix: "rst_bbbb",
		CreatedAt: t0.Add(time.Minute), ExpiresAt: t0.Add(90 * 24 * time.Hour)}
	update(t, s, func(tx *store.Tx) error {
		if err := tx.InsertAPIToken(ctx, a); err != nil {
			return err
		}
		return tx.InsertAPIToken(ctx, b)
	})
	if a.ID == 0 || b.ID == 0 || a.ID == b.ID {
		t.Fatalf("ids %d %d", a.ID, b.ID)
	}
	if err := s.Update(ctx, func(tx *store.Tx) error {
		return tx.InsertAPIToken(ctx, &store.APIToken{UserID: other.ID, Name: "x", Scopes: "x", TokenHash: "h1", TokenPrefix: "p", CreatedAt: t0})
	}); !errors.Is(err, store.ErrDuplicate) {
		t.Errorf("duplicate hash: %v", err)
	}
	for name, tok := range map[string]*store.APIToken{
		"unknown user":   {UserID: 999999, Name: "x", Scopes: "x", TokenHash: "h8", TokenPrefix: "p", CreatedAt: t0},
		"unknown issuer": {UserID: u.ID, IssuerID: "nope", Name: "x", Scopes: "x", TokenHash: "h9", TokenPrefix: "p", CreatedAt: t0},
	} {
		if err := s.Update(ctx, func(tx *store.Tx) error { return tx.InsertAPIToken(ctx, tok) }); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	view(t, s, func(tx *store.Tx) error {
		got, err := tx.APITokenByHash(ctx, "h2")
		if err != nil {
			return err
		}
		if diff := cmp.Diff(b, got); diff != "" {
			t.Errorf("APITokenByHash (-want +got):\n%s", diff)
		}
		got, err = tx.APITokenByID(ctx, a.ID)
		if err != nil {
			return err
		}
		if diff := cmp.Diff(a, got); diff != "" {
			t.Errorf("APITokenByID (-want +got):\n%s", diff)
		}
		if _, err := tx.APITokenByHash(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("missing hash: %v", err)
		}
		if _, err := tx.APITokenByID(ctx, 999999); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("missing id: %v", err)
		}
		list, err := tx.ListAPITokens(ctx, u.ID)
		if err != nil || len(list) != 2 || list[0].ID != b.ID || list[1].ID != a.ID {
			t.Errorf("ListAPITokens = %+v, %v", list, err)
		}
		list, err = tx.ListAPITokens(ctx, other.ID)
		if err != nil || len(list) != 0 {
			t.Errorf("ListAPITokens of other = %+v, %v", list, err)
		}
		return nil
	})
	t1 := t0.Add(time.Hour)
	update(t, s, func(tx *store.Tx) error {
		if err := tx.TouchAPIToken(ctx, a.ID, t1); err != nil {
			return err
		}
		if err := tx.TouchAPIToken(ctx, a.ID, t0); err != nil { // older: ignored
			return err
		}
		return tx.RevokeAPIToken(ctx, b.ID, t1)
	})
	if err := s.Update(ctx, func(tx *store.Tx) error { return tx.RevokeAPIToken(ctx, b.ID, t1) }); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("second revoke: %v", err)
	}
	if err := s.Update(ctx, func(tx *store.Tx) error { return tx.RevokeAPIToken(ctx, 999999, t1) }); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("revoke missing: %v", err)
	}
	view(t, s, func(tx *store.Tx) error {
		got, _ := tx.APITokenByID(ctx, a.ID)
		if got == nil || !got.LastUsedAt.Equal(t1) || !got.RevokedAt.IsZero() {
			t.Errorf("after touch: %+v", got)
		}
		got, _ = tx.APITokenByID(ctx, b.ID)
		if got == nil || !got.RevokedAt.Equal(t1) {
			t.Errorf("after revoke: %+v", got)
		}
		return nil
	})
}

func testIdempotency(t *testing.T, s *store.Store) {
	ctx := context.Background()
	u := addUser(t, s, "idem@example.org")
	tok := &store.APIToken{UserID: u.ID, Name: "ci", Scopes: "awards:write", TokenHash: "h", TokenPrefix: "rst_", CreatedAt: t0}
	tok2 := &store.APIToken{UserID: u.ID, Name: "ci2", Scopes: "awards:write", TokenHash: "h2", TokenPrefix: "rst_", CreatedAt: t0}
	update(t, s, func(tx *store.Tx) error {
		if err := tx.InsertAPIToken(ctx, tok); err != nil {
			return err
		}
		return tx.InsertAPIToken(ctx, tok2)
	})
	r := &store.Idempotency{TokenID: tok.ID, Key: "k1", MethodPath: "POST /api/v1/issuers", RequestHash: "abc", CreatedAt: t0}
	update(t, s, func(tx *store.Tx) error {
		if err := tx.InsertIdempotency(ctx, r); err != nil {
			return err
		}
		// The same key of another token is another record.
		return tx.InsertIdempotency(ctx, &store.Idempotency{TokenID: tok2.ID, Key: "k1", MethodPath: "x", RequestHash: "y", CreatedAt: t0})
	})
	if err := s.Update(ctx, func(tx *store.Tx) error { return tx.InsertIdempotency(ctx, r) }); !errors.Is(err, store.ErrDuplicate) {
		t.Errorf("duplicate key: %v", err)
	}
	view(t, s, func(tx *store.Tx) error {
		got, err := tx.IdempotencyByKey(ctx, tok.ID, "k1")
		if err != nil {
			return err
		}
		if diff := cmp.Diff(r, got); diff != "" {
			t.Errorf("in progress (-want +got):\n%s", diff)
		}
		if _, err := tx.IdempotencyByKey(ctx, tok.ID, "k2"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("missing key: %v", err)
		}
		return nil
	})
	body := []byte(`{"id":"x"}`)
	update(t, s, func(tx *store.Tx) error {
		return tx.FinishIdempotency(ctx, tok.ID, "k1", 201, "https://x.org/api/v1/issuers/x", body)
	})
	if err := s.Update(ctx, func(tx *store.Tx) error { return tx.FinishIdempotency(ctx, tok.ID, "k1", 200, "", nil) }); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("finishing twice: %v", err)
	}
	if err := s.Update(ctx, func(tx *store.Tx) error { return tx.FinishIdempotency(ctx, tok.ID, "k1", 0, "", nil) }); err == nil {
		t.Error("status 0 accepted")
	}
	view(t, s, func(tx *store.Tx) error {
		got, err := tx.IdempotencyByKey(ctx, tok.ID, "k1")
		if err != nil || got.Status != 201 || string(got.Response) != string(body) || got.Location != "https://x.org/api/v1/issuers/x" {
			t.Errorf("finished = %+v, %v", got, err)
		}
		return nil
	})
	update(t, s, func(tx *store.Tx) error {
		if err := tx.InsertIdempotency(ctx, &store.Idempotency{TokenID: tok.ID, Key: "late", MethodPath: "x", RequestHash: "y", CreatedAt: t0.Add(2 * time.Hour)}); err != nil {
			return err
		}
		if err := tx.FinishIdempotency(ctx, tok.ID, "late", 204, "", nil); err != nil {
			return err
		}
		n, err := tx.PruneIdempotency(ctx, t0.Add(time.Hour))
		if n != 2 {
			t.Errorf("PruneIdempotency removed %d, want 2", n)
		}
		return err
	})
	update(t, s, func(tx *store.Tx) error {
		got, err := tx.IdempotencyByKey(ctx, tok.ID, "late")
		if err != nil || got.Status != 204 || len(got.Response) != 0 || got.Location != "" {
			t.Errorf("kept = %+v, %v", got, err)
		}
		if err := tx.DeleteIdempotency(ctx, tok.ID, "late"); err != nil {
			return err
		}
		if err := tx.DeleteIdempotency(ctx, tok.ID, "late"); err != nil {
			return err
		}
		if _, err := tx.IdempotencyByKey(ctx, tok.ID, "late"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("deleted key: %v", err)
		}
		return nil
	})
}
