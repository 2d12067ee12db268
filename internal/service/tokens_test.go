package service

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/store"
	"github.com/rosettebadges/rosette/internal/store/storetest"
)

func TestTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, newStore func(testing.TB) *store.Store) {
		for name, f := range map[string]func(*testing.T, func(testing.TB) *store.Store){
			"Lifecycle":   testTokenLifecycle,
			"ScopeMatrix": testTokenScopeMatrix,
			"Idempotency": testIdempotencyService,
		} {
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				f(t, newStore)
			})
		}
	})
}

func testTokenLifecycle(t *testing.T, newStore func(testing.TB) *store.Store) {
	ctx := context.Background()
	f := newBadgeClasses(t, newStore)
	tokens := NewTokens(f.st, f.clock, nil)
	owner, stranger := f.users["owner"], f.users["stranger"]

	// Bad input: every problem at once, nothing stored.
	_, _, err := tokens.Create(ctx, owner, owner.ID, "", strings.Repeat("n", 201), []string{"root"}, start.Add(-time.Hour))
	if got := badge.FieldMessages(err); len(got) != 3 || got["name"] == "" || got["scopes"] == "" || got["expires"] == "" {
		t.Errorf("bad input: %v", got)
	}
	// Somebody else's token, a token for an issuer the user does not work on, a token made with a token.
	if _, _, err := tokens.Create(ctx, stranger, owner.ID, "", "x", []string{"issuers:read"}, time.Time{}); !errors.Is(err, badge.Forbidden) {
		t.Errorf("stranger creating owner's token: %v", err)
	}
	if _, _, err := tokens.Create(ctx, stranger, stranger.ID, f.issuer.ID, "x", []string{"issuers:read"}, time.Time{}); !errors.Is(err, badge.Forbidden) || badge.FieldMessages(err)["issuer"] == "" {
		t.Errorf("token for a foreign issuer: %v", err)
	}
	if _, _, err := tokens.Create(ctx, owner, owner.ID, "nope", "x", []string{"issuers:read"}, time.Time{}); !errors.Is(err, badge.NotFound) {
		t.Errorf("token for a missing issuer: %v", err)
	}

	text, rec, err := tokens.Create(ctx, owner, owner.ID, f.issuer.ID, " CI ", []string{"awards:write", "badges:write"}, start.Add(48*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(text, "rst_") || len(text) != 56 || rec.Name != "CI" || rec.Prefix != text[:8] ||
		len(rec.Scopes) != 2 || rec.Scopes[0] != badge.ScopeBadgesWrite || rec.IssuerID != f.issuer.ID {
		t.Fatalf("created %q %+v", text, rec)
	}
	u, err := tokens.Authenticate(ctx, text)
	if err != nil || u.ID != owner.ID || u.Token == nil || u.Token.TokenID != rec.ID || u.Token.IssuerID != f.issuer.ID {
		t.Fatalf("Authenticate = %+v, %v", u, err)
	}
	for _, bad := range []string{"", "rst_", text + "x", strings.ToUpper(text), "Bearer " + text} {
		if _, err := tokens.Authenticate(ctx, bad); !errors.Is(err, badge.Unauthorized) {
			t.Errorf("Authenticate(%q) = %v", bad, err)
		}
	}
	// What a token does is recorded as the token's.
	if _, err := f.bcs.Create(ctx, u, f.issuer.ID, classFields("By token"), testPNG(t, 8)); err != nil {
		t.Fatal(err)
	}
	if err := f.st.View(ctx, func(tx *store.Tx) error {
		evs, err := tx.ListAuditEvents(ctx, 0, 1)
		if err == nil && (len(evs) != 1 || evs[0].Action != "badge_class.create" || evs[0].Actor != fmt.Sprintf("token:%d", rec.ID)) {
			t.Errorf("audit = %+v", evs)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	// A token cannot make tokens; only the user or a site admin sees and revokes them.
	if _, _, err := tokens.Create(ctx, u, owner.ID, "", "x", []string{"issuers:read"}, time.Time{}); !errors.Is(err, badge.Forbidden) {
		t.Errorf("token making a token: %v", err)
	}
	if _, err := tokens.List(ctx, stranger, owner.ID); !errors.Is(err, badge.Forbidden) {
		t.Errorf("stranger listing: %v", err)
	}
	list, err := tokens.List(ctx, f.users["admin"], owner.ID)
	if err != nil || len(list) != 1 || list[0].ID != rec.ID || list[0].LastUsedAt.IsZero() {
		t.Errorf("List = %+v, %v", list, err)
	}
	if _, err := tokens.Revoke(ctx, stranger, rec.ID); !errors.Is(err, badge.NotFound) {
		t.Errorf("stranger revoking: %v", err)
	}
	// Expiry ends it.
	f.clock.Advance(49 * time.Hour)
	if _, err := tokens.Authenticate(ctx, text); !errors.Is(err, badge.Unauthorized) {
		t.Errorf("expired token: %v", err)
	}
	// Revocation ends it at once.
	text2, rec2, err := tokens.Create(ctx, owner, owner.ID, "", "", []string{"issuers:read"}, time.Time{})
	if err != nil || rec2.Name != "API token" {
		t.Fatal(rec2, err)
	}
	if _, err := tokens.Authenticate(ctx, text2); err != nil {
		t.Fatal(err)
	}
	if r, err := tokens.Revoke(ctx, owner, rec2.ID); err != nil || r.RevokedAt.IsZero() {
		t.Fatalf("Revoke = %+v, %v", r, err)
	}
	if _, err := tokens.Revoke(ctx, owner, rec2.ID); !errors.Is(err, badge.Conflict) {
		t.Errorf("second revoke: %v", err)
	}
	if _, err := tokens.Authenticate(ctx, text2); !errors.Is(err, badge.Unauthorized) {
		t.Errorf("revoked token: %v", err)
	}
	// The command line finds users by email.
	if id, err := tokens.UserID(ctx, System, "OWNER@x.org"); err != nil || id != owner.ID {
		t.Errorf("UserID = %d, %v", id, err)
	}
	if _, err := tokens.UserID(ctx, owner, "owner@x.org"); !errors.Is(err, badge.Forbidden) {
		t.Errorf("UserID by non-admin: %v", err)
	}
}

// testTokenScopeMatrix: a token may do an action only when its user's role allows it AND a
// scope grants it AND the issuer restriction admits the issuer; every service check applies it.
func testTokenScopeMatrix(t *testing.T, newStore func(testing.TB) *store.Store) {
	ctx := context.Background()
	f := newBadgeClasses(t, newStore)
	tokens := NewTokens(f.st, f.clock, nil)
	other, err := f.svc.Create(ctx, f.users["admin"], badge.IssuerFields{Name: "Other"}, f.users["owner"].ID)
	if err != nil {
		t.Fatal(err)
	}
	bc, err := f.bcs.Create(ctx, f.users["owner"], f.issuer.ID, classFields("Seed"), testPNG(t, 8))
	if err != nil {
		t.Fatal(err)
	}
	do := map[badge.Action]func(u *badge.User) error{
		badge.ActView: func(u *badge.User) error {
			_, _, err := f.svc.Get(ctx, u, f.issuer.ID)
			if err == nil {
				_, err = f.bcs.Get(ctx, u, bc.ID)
			}
			return err
		},
		badge.ActEditIssuer: func(u *badge.User) error {
			_, err := f.svc.Update(ctx, u, f.issuer.ID, badge.IssuerFields{Name: "Acme"})
			return err
		},
		badge.ActDesignBadge: func(u *badge.User) error {
			_, err := f.bcs.Update(ctx, u, bc.ID, classFields("Seed"), nil)
			return err
		},
		badge.ActManageStaff: func(u *badge.User) error {
			_, err := f.svc.AddMember(ctx, u, f.issuer.ID, "stranger@x.org", badge.RoleViewer)
			if err == nil {
				err = f.svc.RemoveMember(ctx, f.users["owner"], f.issuer.ID, f.users["stranger"].ID)
			}
			return err
		},
		badge.ActAward:  func(u *badge.User) error { return f.svc.Check(ctx, u, f.issuer.ID, badge.ActAward) },
		badge.ActRevoke: func(u *badge.User) error { return f.svc.Check(ctx, u, f.issuer.ID, badge.ActRevoke) },
	}
	grants := map[badge.Scope]badge.Action{
		badge.ScopeIssuersRead: badge.ActView, badge.ScopeIssuersWrite: badge.ActEditIssuer, badge.ScopeBadgesRead: badge.ActView,
		badge.ScopeBadgesWrite: badge.ActDesignBadge, badge.ScopeAwardsRead: badge.ActView, badge.ScopeAwardsWrite: badge.ActAward,
		badge.ScopeAwardsRevoke: badge.ActRevoke,
	}
	for _, who := range []string{"owner", "editor", "awarder", "viewer"} {
		u := f.users[who]
		_, role, err := f.svc.Get(ctx, u, f.issuer.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, scope := range badge.Scopes() {
			for _, restrict := range []string{"", f.issuer.ID, other.ID} {
				if restrict == other.ID && who != "owner" {
					continue // only the owner works on the other issuer
				}
				text, _, err := tokens.Create(ctx, u, u.ID, restrict, "m", []string{string(scope)}, time.Time{})
				if err != nil {
					t.Fatal(err)
				}
				tu, err := tokens.Authenticate(ctx, text)
				if err != nil {
					t.Fatal(err)
				}
				for action, run := range do {
					want := badge.Can(false, role, action) && (grants[scope] == action || action == badge.ActView) && restrict != other.ID
					err := run(tu)
					if want && err != nil || !want && !errors.Is(err, badge.Forbidden) {
						t.Errorf("%s with %s (issuer %q) doing %s: %v (want allowed=%v)", who, scope, restrict, action, err, want)
					}
				}
				// Listing issuers: any scope, and only the restricted issuer.
				ms, err := f.svc.ListForUser(ctx, tu)
				if err != nil {
					t.Errorf("%s with %s listing: %v", who, scope, err)
				}
				if err == nil && restrict != "" && (len(ms) != 1 || ms[0].Issuer.ID != restrict) {
					t.Errorf("%s restricted to %s lists %d issuers", who, restrict, len(ms))
				}
			}
		}
	}
	// Creating issuers: issuers:write without restriction, and a site admin.
	admin := f.users["admin"]
	for _, tt := range []struct {
		restrict string
		scope    string
		user     *badge.User
		ok       bool
	}{
		{"", "issuers:write", admin, true},
		{f.issuer.ID, "issuers:write", admin, false},
		{"", "issuers:read", admin, false},
		{"", "issuers:write", f.users["owner"], false},
	} {
		text, _, err := tokens.Create(ctx, tt.user, tt.user.ID, tt.restrict, "c", []string{tt.scope}, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		tu, _ := tokens.Authenticate(ctx, text)
		_, err = f.svc.Create(ctx, tu, badge.IssuerFields{Name: "New"}, 0)
		if tt.ok != (err == nil) || err != nil && !errors.Is(err, badge.Forbidden) {
			t.Errorf("create issuer as %s with %s restricted %q: %v", tt.user.Name, tt.scope, tt.restrict, err)
		}
	}
}

func testIdempotencyService(t *testing.T, newStore func(testing.TB) *store.Store) {
	ctx := context.Background()
	f := newIssuers(t, newStore, "u")
	tokens := NewTokens(f.st, f.clock, nil)
	idem := NewIdempotency(f.st, f.clock, nil)
	text, _, err := tokens.Create(ctx, f.users["u"], f.users["u"].ID, "", "", []string{"issuers:read"}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	u, _ := tokens.Authenticate(ctx, text)
	body := []byte(`{"a":1}`)
	if r, err := idem.Begin(ctx, u, "k1", "POST /x", body); r != nil || err != nil {
		t.Fatalf("first Begin = %v, %v", r, err)
	}
	if _, err := idem.Begin(ctx, u, "k1", "POST /x", body); err != ErrIdempotencyKeyInUse {
		t.Errorf("in progress: %v", err)
	}
	if _, err := idem.Begin(ctx, u, "k1", "POST /x", []byte(`{"a":2}`)); err != ErrIdempotencyKeyReused {
		t.Errorf("other body: %v", err)
	}
	if _, err := idem.Begin(ctx, u, "k1", "POST /y", body); err != ErrIdempotencyKeyReused {
		t.Errorf("other path: %v", err)
	}
	if err := idem.Finish(ctx, u, "k1", 201, "/x/1", []byte(`{"id":1}`)); err != nil {
		t.Fatal(err)
	}
	if r, err := idem.Begin(ctx, u, "k1", "POST /x", body); err != nil || r == nil || r.Status != 201 || r.Location != "/x/1" || string(r.Body) != `{"id":1}` {
		t.Errorf("replay = %+v, %v", r, err)
	}
	// Abandoned keys run again; stale in-progress keys are taken over; old keys are forgotten.
	if _, err := idem.Begin(ctx, u, "k2", "POST /x", body); err != nil {
		t.Fatal(err)
	}
	if err := idem.Abandon(ctx, u, "k2"); err != nil {
		t.Fatal(err)
	}
	if r, err := idem.Begin(ctx, u, "k2", "POST /x", body); r != nil || err != nil {
		t.Errorf("after abandon: %v, %v", r, err)
	}
	f.clock.Advance(6 * time.Minute)
	if r, err := idem.Begin(ctx, u, "k2", "POST /x", body); r != nil || err != nil {
		t.Errorf("stale in progress: %v, %v", r, err)
	}
	f.clock.Advance(IdempotencyTTL + time.Second)
	if r, err := idem.Begin(ctx, u, "k1", "POST /other", nil); r != nil || err != nil {
		t.Errorf("expired key: %v, %v", r, err)
	}
	if n, err := idem.Prune(ctx); err != nil || n != 1 {
		t.Errorf("Prune = %d, %v (want the stale k2)", n, err)
	}
	for _, k := range []string{"", strings.Repeat("k", 256), "a b", "é"} {
		if _, err := idem.Begin(ctx, u, k, "POST /x", body); !errors.Is(err, badge.Invalid) {
			t.Errorf("key %q: %v", k, err)
		}
	}
	if _, err := idem.Begin(ctx, f.users["u"], "k", "POST /x", body); !errors.Is(err, badge.Unauthorized) {
		t.Errorf("without a token: %v", err)
	}
}
