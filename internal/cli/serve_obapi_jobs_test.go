package cli

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/jobs"
	"github.com/rosettebadges/rosette/internal/service"
	"github.com/rosettebadges/rosette/internal/store"
	"github.com/rosettebadges/rosette/internal/store/storetest"
)

// TestOAuthPruneJob: the hourly job deletes OAuth codes and tokens that expired more than a
// day ago, once per hour however many nodes start.
func TestOAuthPruneJob(t *testing.T) {
	ctx := context.Background()
	st := storetest.NewSQLite(t)
	clock := badge.NewFakeClock(time.Date(2026, 11, 23, 10, 30, 0, 0, time.UTC))
	now := clock.Now()
	u := &store.User{Email: "a@x.org", EmailKey: "a@x.org", PasswordHash: "x", CreatedAt: now, UpdatedAt: now}
	if err := st.Update(ctx, func(tx *store.Tx) error {
		if err := tx.InsertUser(ctx, u); err != nil {
			return err
		}
		if err := tx.InsertOAuthClient(ctx, &store.OAuthClient{ID: "c", SecretHash: "h", RedirectURIs: "https://a.example/cb", CreatedAt: now}); err != nil {
			return err
		}
		g := &store.OAuthGrant{UserID: u.ID, ClientID: "c", Scope: "s", CreatedAt: now, UpdatedAt: now}
		if err := tx.SaveOAuthGrant(ctx, g); err != nil {
			return err
		}
		if err := tx.InsertOAuthCode(ctx, &store.OAuthCode{CodeHash: "code", GrantID: g.ID, CreatedAt: now, ExpiresAt: now.Add(10 * time.Minute)}); err != nil {
			return err
		}
		if err := tx.InsertOAuthToken(ctx, &store.OAuthToken{GrantID: g.ID, Kind: "access", TokenHash: "a", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
			return err
		}
		return tx.InsertOAuthToken(ctx, &store.OAuthToken{GrantID: g.ID, Kind: "refresh", TokenHash: "r", CreatedAt: now, ExpiresAt: now.Add(180 * 24 * time.Hour)})
	}); err != nil {
		t.Fatal(err)
	}
	oauth := service.NewOAuth(st, clock, nil, service.OAuthOptions{})
	q := jobs.New(st, nil, clock, jobs.Options{})
	logger := slog.New(slog.DiscardHandler)
	if err := registerOAuthPrune(ctx, q, oauth, logger); err != nil {
		t.Fatal(err)
	}
	if err := registerOAuthPrune(ctx, jobs.New(st, nil, clock, jobs.Options{}), oauth, logger); err != nil {
		t.Fatal(err)
	}
	clock.Advance(26 * time.Hour)
	if ran, err := q.WorkOne(ctx); err != nil || !ran {
		t.Fatalf("WorkOne = %v, %v", ran, err)
	}
	if ran, err := q.WorkOne(ctx); err != nil || ran {
		t.Fatalf("WorkOne ran the next hour's job already: %v, %v", ran, err)
	}
	st.View(ctx, func(tx *store.Tx) error {
		if _, err := tx.OAuthCodeByHash(ctx, "code"); err == nil {
			t.Error("expired code kept")
		}
		if _, err := tx.OAuthTokenByHash(ctx, "a"); err == nil {
			t.Error("expired access token kept")
		}
		if _, err := tx.OAuthTokenByHash(ctx, "r"); err != nil {
			t.Errorf("live refresh token deleted: %v", err)
		}
		return nil
	})
}
