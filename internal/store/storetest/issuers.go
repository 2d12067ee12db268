package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/rosettebadges/rosette/internal/store"
)

func testIssuers(t *testing.T, s *store.Store) {
	ctx := context.Background()
	ann, bob := addUser(t, s, "ann@x.org"), addUser(t, s, "bob@x.org")
	iss := &store.Issuer{ID: "iss1", Name: "Acme", Description: "d", Website: "https://acme.example", Email: "b@acme.example",
		LogoURL: "https://acme.example/l.png", LinkedInOrg: "42", StatusMethod: "bitstring", CertificateLayout: "classic", CreatedAt: t0, UpdatedAt: t0}
	update(t, s, func(tx *store.Tx) error {
		return tx.InsertIssuer(ctx, iss)
	})
	if err := s.Update(ctx, func(tx *store.Tx) error {
		return tx.InsertIssuer(ctx, &store.Issuer{ID: "iss1", Name: "dup", CreatedAt: t0, UpdatedAt: t0})
	}); !errors.Is(err, store.ErrDuplicate) {
		t.Errorf("duplicate issuer: %v", err)
	}
	update(t, s, func(tx *store.Tx) error {
		if err := tx.InsertIssuer(ctx, &store.Issuer{ID: "iss0", Name: "Beta", CreatedAt: t0, UpdatedAt: t0}); err != nil {
			return err
		}
		if err := tx.InsertMember(ctx, "iss1", ann.ID, "owner", t0); err != nil {
			return err
		}
		if err := tx.InsertMember(ctx, "iss1", bob.ID, "viewer", t0); err != nil {
			return err
		}
		return tx.InsertMember(ctx, "iss0", ann.ID, "editor", t0)
	})
	if err := s.Update(ctx, func(tx *store.Tx) error { return tx.InsertMember(ctx, "iss1", bob.ID, "editor", t0) }); !errors.Is(err, store.ErrDuplicate) {
		t.Errorf("duplicate member: %v", err)
	}
	view(t, s, func(tx *store.Tx) error {
		got, err := tx.IssuerByID(ctx, "iss1")
		if err != nil {
			return err
		}
		if d := cmp.Diff(iss, got); d != "" {
			t.Errorf("IssuerByID (-want +got):\n%s", d)
		}
		if _, err := tx.IssuerByID(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("IssuerByID(nope) = %v", err)
		}
		list, err := tx.ListIssuersOfUser(ctx, ann.ID)
		if err != nil {
			return err
		}
		if len(list) != 2 || list[0].Issuer.Name != "Acme" || list[0].Role != "owner" || list[1].Role != "editor" {
			t.Errorf("ListIssuersOfUser = %+v", list)
		}
		all, err := tx.ListIssuers(ctx)
		if err != nil || len(all) != 2 {
			t.Errorf("ListIssuers = %d, %v", len(all), err)
		}
		n, err := tx.CountOwners(ctx, "iss1")
		if err != nil || n != 1 {
			t.Errorf("CountOwners = %d, %v", n, err)
		}
		ms, err := tx.ListMembers(ctx, "iss1")
		if err != nil || len(ms) != 2 || ms[0].Email != "ann@x.org" || ms[1].Role != "viewer" {
			t.Errorf("ListMembers = %+v, %v", ms, err)
		}
		if _, err := tx.MemberRole(ctx, "iss0", bob.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("MemberRole(not staff) = %v", err)
		}
		return nil
	})
	update(t, s, func(tx *store.Tx) error {
		if err := tx.LockIssuer(ctx, "iss1"); err != nil {
			return err
		}
		if err := tx.LockIssuer(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("LockIssuer(nope) = %v", err)
		}
		iss.Name, iss.StatusMethod, iss.UpdatedAt = "Acme Ltd", "1edtech", t0.Add(time.Hour)
		iss.CertificateLayout = "modern"
		if err := tx.UpdateIssuer(ctx, iss); err != nil {
			return err
		}
		if err := tx.SetMemberRole(ctx, "iss1", bob.ID, "awarder"); err != nil {
			return err
		}
		if err := tx.SetMemberRole(ctx, "iss0", bob.ID, "awarder"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("SetMemberRole(not staff) = %v", err)
		}
		return tx.DeleteMember(ctx, "iss0", ann.ID)
	})
	if err := s.Update(ctx, func(tx *store.Tx) error { return tx.DeleteMember(ctx, "iss0", ann.ID) }); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("second DeleteMember = %v", err)
	}
	view(t, s, func(tx *store.Tx) error {
		got, _ := tx.IssuerByID(ctx, "iss1")
		if got.Name != "Acme Ltd" || got.StatusMethod != "1edtech" || got.CertificateLayout != "modern" || !got.UpdatedAt.Equal(t0.Add(time.Hour)) {
			t.Errorf("after update: %+v", got)
		}
		if r, err := tx.MemberRole(ctx, "iss1", bob.ID); r != "awarder" || err != nil {
			t.Errorf("MemberRole = %q, %v", r, err)
		}
		return nil
	})
	// An issuer inserted without a status method gets the default.
	view(t, s, func(tx *store.Tx) error {
		if got, err := tx.IssuerByID(ctx, "iss0"); err != nil || got.StatusMethod != "bitstring" || got.CertificateLayout != "classic" {
			t.Errorf("default status method and certificate layout: %+v, %v", got, err)
		}
		return nil
	})
	if err := s.Update(ctx, func(tx *store.Tx) error {
		return tx.InsertIssuer(ctx, &store.Issuer{ID: "bad", Name: "B", StatusMethod: "crl", CreatedAt: t0, UpdatedAt: t0})
	}); err == nil {
		t.Error("status method crl accepted")
	}
	if err := s.Update(ctx, func(tx *store.Tx) error {
		return tx.InsertIssuer(ctx, &store.Issuer{ID: "bad", Name: "B", CertificateLayout: "baroque", CreatedAt: t0, UpdatedAt: t0})
	}); err == nil {
		t.Error("certificate layout baroque accepted")
	}
	// A bad role is refused by the database.
	if err := s.Update(ctx, func(tx *store.Tx) error { return tx.InsertMember(ctx, "iss0", bob.ID, "janitor", t0) }); err == nil {
		t.Error("role janitor accepted")
	}
}

func testIssuerKeys(t *testing.T, s *store.Store) {
	ctx := context.Background()
	update(t, s, func(tx *store.Tx) error {
		return tx.InsertIssuer(ctx, &store.Issuer{ID: "i", Name: "I", CreatedAt: t0, UpdatedAt: t0})
	})
	k1 := &store.IssuerKey{ID: "k1", IssuerID: "i", Alg: "Ed25519", PublicJWK: `{"kty":"OKP"}`, PrivateEnc: []byte{0, 1, 2, 255}, CreatedAt: t0}
	k2 := &store.IssuerKey{ID: "k2", IssuerID: "i", Alg: "Ed25519", PublicJWK: `{"kty":"OKP"}`, PrivateEnc: []byte{9}, CreatedAt: t0.Add(time.Minute)}
	update(t, s, func(tx *store.Tx) error {
		if err := tx.InsertIssuerKey(ctx, k1); err != nil {
			return err
		}
		return nil
	})
	// A second active key of the same algorithm is refused.
	if err := s.Update(ctx, func(tx *store.Tx) error { return tx.InsertIssuerKey(ctx, k2) }); !errors.Is(err, store.ErrDuplicate) {
		t.Errorf("second active key: %v", err)
	}
	update(t, s, func(tx *store.Tx) error {
		n, err := tx.RetireIssuerKeys(ctx, "i", "Ed25519", t0.Add(time.Minute))
		if err != nil || n != 1 {
			t.Errorf("RetireIssuerKeys = %d, %v", n, err)
		}
		return tx.InsertIssuerKey(ctx, k2)
	})
	view(t, s, func(tx *store.Tx) error {
		ks, err := tx.IssuerKeys(ctx, "i")
		if err != nil {
			return err
		}
		k1.RetiredAt = t0.Add(time.Minute)
		if d := cmp.Diff([]*store.IssuerKey{k1, k2}, ks); d != "" {
			t.Errorf("IssuerKeys (-want +got):\n%s", d)
		}
		a, err := tx.ActiveIssuerKey(ctx, "i", "Ed25519")
		if err != nil || a.ID != "k2" {
			t.Errorf("ActiveIssuerKey = %+v, %v", a, err)
		}
		if _, err := tx.ActiveIssuerKey(ctx, "i", "RS256"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("ActiveIssuerKey(RS256) = %v", err)
		}
		if k, err := tx.IssuerKeyByID(ctx, "i", "k1"); err != nil || k.ID != "k1" {
			t.Errorf("IssuerKeyByID = %+v, %v", k, err)
		}
		if _, err := tx.IssuerKeyByID(ctx, "other", "k1"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("IssuerKeyByID(other issuer) = %v", err)
		}
		return nil
	})
}
