package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/rosettebadges/rosette/internal/store"
)

func testOAuth(t *testing.T, s *store.Store) {
	ctx := context.Background()
	u := addUser(t, s, "app-user@example.org")
	c := &store.OAuthClient{ID: "c1", SecretHash: "sh", ClientName: "App", ClientURI: "https://app.example",
		LogoURI: "https://app.example/l.png", TosURI: "https://app.example/tos", PolicyURI: "https://app.example/p",
		SoftwareID: "sw", SoftwareVersion: "1", RedirectURIs: "https://app.example/cb", Scope: "a b",
		Metadata: `{"client_id":"c1"}`, RegisteredAddr: "192.0.2.1", CreatedAt: t0}
	update(t, s, func(tx *store.Tx) error { return tx.InsertOAuthClient(ctx, c) })
	if err := s.Update(ctx, func(tx *store.Tx) error { return tx.InsertOAuthClient(ctx, c) }); !errors.Is(err, store.ErrDuplicate) {
		t.Errorf("duplicate client: %v", err)
	}
	g := &store.OAuthGrant{UserID: u.ID, ClientID: "c1", Scope: "a", CreatedAt: t0, UpdatedAt: t0}
	code := &store.OAuthCode{CodeHash: "ch", RedirectURI: "https://app.example/cb", Scope: "a", CodeChallenge: "cc",
		CreatedAt: t0, ExpiresAt: t0.Add(10 * time.Minute)}
	access := &store.OAuthToken{Kind: "access", TokenHash: "at", CodeHash: "ch", Scope: "a", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}
	update(t, s, func(tx *store.Tx) error {
		if err := tx.SaveOAuthGrant(ctx, g); err != nil {
			return err
		}
		code.GrantID, access.GrantID = g.ID, g.ID
		if err := tx.InsertOAuthCode(ctx, code); err != nil {
			return err
		}
		return tx.InsertOAuthToken(ctx, access)
	})
	// A second consent updates the same grant.
	g2 := &store.OAuthGrant{UserID: u.ID, ClientID: "c1", Scope: "a b", CreatedAt: t0.Add(time.Hour), UpdatedAt: t0.Add(time.Hour)}
	update(t, s, func(tx *store.Tx) error { return tx.SaveOAuthGrant(ctx, g2) })
	if g2.ID != g.ID || !g2.CreatedAt.Equal(t0) {
		t.Errorf("second consent: id %d (want %d), created %v", g2.ID, g.ID, g2.CreatedAt)
	}
	view(t, s, func(tx *store.Tx) error {
		got, err := tx.OAuthClientByID(ctx, "c1")
		if err != nil {
			return err
		}
		if diff := cmp.Diff(c, got); diff != "" {
			t.Errorf("OAuthClientByID (-want +got):\n%s", diff)
		}
		all, mine, err := tx.CountOAuthClients(ctx, "192.0.2.1", t0.Add(-time.Minute))
		if err != nil || all != 1 || mine != 1 {
			t.Errorf("CountOAuthClients = %d, %d, %v", all, mine, err)
		}
		gs, err := tx.OAuthGrantsByUser(ctx, u.ID)
		if err != nil || len(gs) != 1 || gs[0].Scope != "a b" {
			t.Errorf("OAuthGrantsByUser = %+v, %v", gs, err)
		}
		gotCode, err := tx.OAuthCodeByHash(ctx, "ch")
		if err != nil {
			return err
		}
		if diff := cmp.Diff(code, gotCode); diff != "" {
			t.Errorf("OAuthCodeByHash (-want +got):\n%s", diff)
		}
		gotTok, err := tx.OAuthTokenByHash(ctx, "at")
		if err != nil {
			return err
		}
		if diff := cmp.Diff(access, gotTok); diff != "" {
			t.Errorf("OAuthTokenByHash (-want +got):\n%s", diff)
		}
		return nil
	})
	// A code is used once.
	update(t, s, func(tx *store.Tx) error { return tx.UseOAuthCode(ctx, "ch", t0.Add(time.Minute)) })
	if err := s.Update(ctx, func(tx *store.Tx) error { return tx.UseOAuthCode(ctx, "ch", t0.Add(time.Minute)) }); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("second use: %v", err)
	}
	update(t, s, func(tx *store.Tx) error {
		n, err := tx.RevokeOAuthTokensOfCode(ctx, "ch", t0.Add(2*time.Minute))
		if err != nil || n != 1 {
			t.Errorf("RevokeOAuthTokensOfCode = %d, %v", n, err)
		}
		return nil
	})
	if err := s.Update(ctx, func(tx *store.Tx) error { return tx.RevokeOAuthToken(ctx, access.ID, t0) }); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("revoking a revoked token: %v", err)
	}
	// Profile.
	p := &store.APIProfile{UserID: u.ID, Name: "N", Email: "app-user@example.org", URL: "https://me.example", Description: "d", Image: "https://me.example/i.png", UpdatedAt: t0}
	update(t, s, func(tx *store.Tx) error { return tx.SaveAPIProfile(ctx, p) })
	p.Name = "M"
	update(t, s, func(tx *store.Tx) error { return tx.SaveAPIProfile(ctx, p) })
	view(t, s, func(tx *store.Tx) error {
		got, err := tx.APIProfileByUser(ctx, u.ID)
		if err != nil {
			return err
		}
		if diff := cmp.Diff(p, got); diff != "" {
			t.Errorf("APIProfileByUser (-want +got):\n%s", diff)
		}
		return nil
	})
	// Revoking the grant deletes its codes and tokens.
	update(t, s, func(tx *store.Tx) error { return tx.DeleteOAuthGrant(ctx, u.ID, g.ID) })
	view(t, s, func(tx *store.Tx) error {
		if _, err := tx.OAuthTokenByHash(ctx, "at"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("token after grant deleted: %v", err)
		}
		if _, err := tx.OAuthCodeByHash(ctx, "ch"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("code after grant deleted: %v", err)
		}
		return nil
	})
	if err := s.Update(ctx, func(tx *store.Tx) error { return tx.DeleteOAuthGrant(ctx, u.ID, g.ID) }); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleting twice: %v", err)
	}
}
