package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/rosettebadges/rosette/internal/store"
)

// T0 is the time the contract tests start at: odd microseconds, to check precision.
var t0 = time.Date(2026, 11, 23, 10, 0, 0, 123456000, time.UTC)

// Run runs the store contract suite. newStore must return a fresh, migrated store for each
// call; the suite runs its subtests in parallel.
func Run(t *testing.T, newStore func(t testing.TB) *store.Store) {
	tests := []struct {
		name string
		f    func(t *testing.T, s *store.Store)
	}{
		{"Migrations", testMigrations},
		{"Transactions", testTransactions},
		{"Users", testUsers},
		{"UserNumbersNotReused", testUserNumbersNotReused},
		{"Sessions", testSessions},
		{"LoginFailures", testLoginFailures},
		{"Settings", testSettings},
		{"Audit", testAudit},
		{"AuditRewrite", testAuditRewrite},
		{"JobsEnqueue", testJobsEnqueue},
		{"JobsClaimLifecycle", testJobsClaimLifecycle},
		{"JobsConcurrentClaims", testJobsConcurrentClaims},
		{"Issuers", testIssuers},
		{"IssuerKeys", testIssuerKeys},
		{"BadgeClasses", testBadgeClasses},
		{"EmailOutbox", testOutbox},
		{"Awards", testAwards},
		{"AwardBatches", testAwardBatches},
		{"StatusCounters", testStatusCounters},
		{"BulkUploads", testBulkUploads},
		{"EmailTemplates", testEmailTemplates},
		{"APITokens", testAPITokens},
		{"Idempotency", testIdempotency},
		{"WalletItems", testWalletItems},
		{"UserEmails", testUserEmails},
		{"MergeUsers", testMergeUsers},
		{"Profiles", testProfiles},
		{"Collections", testCollections},
		{"OAuth", testOAuth},
		{"WalletImport", testWalletImport},
		{"CVs", testCVs},
		{"AccountData", testAccountData},
		{"ShareEvents", testShareEvents},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.f(t, newStore(t))
		})
	}
}

func update(t *testing.T, s *store.Store, fn func(tx *store.Tx) error) {
	t.Helper()
	if err := s.Update(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

func view(t *testing.T, s *store.Store, fn func(tx *store.Tx) error) {
	t.Helper()
	if err := s.View(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

func addUser(t *testing.T, s *store.Store, email string) *store.User {
	t.Helper()
	u := &store.User{Email: email, EmailKey: email, Name: "N " + email, PasswordHash: "$argon2id$x", CreatedAt: t0, UpdatedAt: t0}
	update(t, s, func(tx *store.Tx) error { return tx.InsertUser(context.Background(), u) })
	return u
}

func testMigrations(t *testing.T, s *store.Store) {
	ctx := context.Background()
	current, err := s.MigrationStatus(ctx)
	if err != nil || !current {
		t.Fatalf("MigrationStatus = %v, %v; want true", current, err)
	}
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("second Migrate: %v", err)
	}
	ms, err := s.Migrations(ctx)
	if err != nil || len(ms) == 0 {
		t.Fatalf("Migrations = %v, %v", ms, err)
	}
	for _, m := range ms {
		if !m.Applied {
			t.Errorf("migration %d %s not applied", m.Version, m.Name)
		}
	}
	if err := s.Ping(ctx); err != nil {
		t.Error(err)
	}
	if d := s.Dialect(); d != store.SQLite && d != store.Postgres {
		t.Errorf("Dialect = %q", d)
	}
}

func testTransactions(t *testing.T, s *store.Store) {
	ctx := context.Background()
	boom := errors.New("boom")
	err := s.Update(ctx, func(tx *store.Tx) error {
		if err := tx.InsertUser(ctx, &store.User{Email: "a@x.org", EmailKey: "a@x.org", PasswordHash: "h", CreatedAt: t0, UpdatedAt: t0}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update returned %v, want boom", err)
	}
	view(t, s, func(tx *store.Tx) error {
		n, err := tx.CountUsers(ctx)
		if n != 0 {
			t.Errorf("after rollback: %d users", n)
		}
		return err
	})
	// A read-only transaction cannot write.
	err = s.View(ctx, func(tx *store.Tx) error {
		return tx.PutSetting(ctx, "k", "v", t0)
	})
	if err == nil {
		t.Error("View allowed a write")
	}
}

func testUsers(t *testing.T, s *store.Store) {
	ctx := context.Background()
	a := addUser(t, s, "ann@example.org")
	if a.ID == 0 {
		t.Fatal("no id")
	}
	err := s.Update(ctx, func(tx *store.Tx) error {
		return tx.InsertUser(ctx, &store.User{Email: "ANN@example.org", EmailKey: "ann@example.org", PasswordHash: "h", CreatedAt: t0, UpdatedAt: t0})
	})
	if !errors.Is(err, store.ErrDuplicate) {
		t.Errorf("duplicate email key: %v", err)
	}
	b := addUser(t, s, "bob@example.org")
	view(t, s, func(tx *store.Tx) error {
		got, err := tx.UserByID(ctx, a.ID)
		if err != nil {
			return err
		}
		if diff := cmp.Diff(a, got); diff != "" {
			t.Errorf("UserByID (-want +got):\n%s", diff)
		}
		got, err = tx.UserByEmailKey(ctx, "bob@example.org")
		if err != nil || got.ID != b.ID {
			t.Errorf("UserByEmailKey = %v, %v", got, err)
		}
		if _, err := tx.UserByEmailKey(ctx, "nobody@example.org"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("missing user: %v", err)
		}
		if _, err := tx.UserByID(ctx, 999999); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("missing id: %v", err)
		}
		n, err := tx.CountUsers(ctx)
		if n != 2 {
			t.Errorf("CountUsers = %d, %v", n, err)
		}
		list, err := tx.ListUsers(ctx, 0, 10)
		if err != nil || len(list) != 2 || list[0].ID != a.ID {
			t.Errorf("ListUsers = %v, %v", list, err)
		}
		list, err = tx.ListUsers(ctx, a.ID, 10)
		if err != nil || len(list) != 1 || list[0].ID != b.ID {
			t.Errorf("ListUsers after = %v, %v", list, err)
		}
		return nil
	})
	later := t0.Add(time.Hour)
	update(t, s, func(tx *store.Tx) error { return tx.SetPasswordHash(ctx, a.ID, "new", later) })
	view(t, s, func(tx *store.Tx) error {
		got, err := tx.UserByID(ctx, a.ID)
		if err != nil || got.PasswordHash != "new" || !got.UpdatedAt.Equal(later) || !got.CreatedAt.Equal(t0) {
			t.Errorf("after SetPasswordHash: %+v, %v", got, err)
		}
		return nil
	})
	if err := s.Update(ctx, func(tx *store.Tx) error { return tx.SetPasswordHash(ctx, 999999, "x", later) }); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("SetPasswordHash of missing user: %v", err)
	}
}

func testSessions(t *testing.T, s *store.Store) {
	ctx := context.Background()
	u := addUser(t, s, "s@example.org")
	mk := func(hash string, created time.Time) *store.Session {
		ss := &store.Session{TokenHash: hash, UserID: u.ID, CreatedAt: created, LastSeenAt: created, ExpiresAt: created.Add(24 * time.Hour)}
		update(t, s, func(tx *store.Tx) error { return tx.InsertSession(ctx, ss) })
		return ss
	}
	a := mk("aa", t0)
	mk("bb", t0)
	mk("cc", t0.Add(-48*time.Hour)) // expired
	view(t, s, func(tx *store.Tx) error {
		got, err := tx.SessionByTokenHash(ctx, "aa")
		if err != nil {
			return err
		}
		if diff := cmp.Diff(a, got); diff != "" {
			t.Errorf("SessionByTokenHash (-want +got):\n%s", diff)
		}
		if _, err := tx.SessionByTokenHash(ctx, "zz"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("missing session: %v", err)
		}
		return nil
	})
	// Foreign keys are enforced.
	err := s.Update(ctx, func(tx *store.Tx) error {
		return tx.InsertSession(ctx, &store.Session{TokenHash: "orphan", UserID: 999999, CreatedAt: t0, LastSeenAt: t0, ExpiresAt: t0})
	})
	if err == nil {
		t.Error("session of a missing user was accepted: foreign keys off?")
	}
	update(t, s, func(tx *store.Tx) error {
		if err := tx.TouchSession(ctx, a.ID, t0.Add(time.Minute)); err != nil {
			return err
		}
		n, err := tx.DeleteExpiredSessions(ctx, t0, t0.Add(-72*time.Hour))
		if n != 1 {
			t.Errorf("DeleteExpiredSessions removed %d, want 1", n)
		}
		return err
	})
	update(t, s, func(tx *store.Tx) error {
		got, _ := tx.SessionByTokenHash(ctx, "aa")
		if got == nil || !got.LastSeenAt.Equal(t0.Add(time.Minute)) {
			t.Errorf("touch: %+v", got)
		}
		n, err := tx.DeleteUserSessions(ctx, u.ID, "aa")
		if n != 1 {
			t.Errorf("DeleteUserSessions keeping aa removed %d, want 1", n)
		}
		if err != nil {
			return err
		}
		if n, _ := tx.CountUserSessions(ctx, u.ID); n != 1 {
			t.Errorf("%d sessions left, want 1", n)
		}
		if err := tx.DeleteSessionByTokenHash(ctx, "aa"); err != nil {
			return err
		}
		if n, _ := tx.CountUserSessions(ctx, u.ID); n != 0 {
			t.Errorf("%d sessions left, want 0", n)
		}
		return tx.DeleteSessionByTokenHash(ctx, "aa")
	})
}

func testLoginFailures(t *testing.T, s *store.Store) {
	ctx := context.Background()
	update(t, s, func(tx *store.Tx) error {
		for i, f := range []struct {
			acct, addr string
			at         time.Time
		}{
			{"a", "1.1.1.1", t0},
			{"a", "2.2.2.2", t0.Add(time.Minute)},
			{"b", "1.1.1.1", t0.Add(2 * time.Minute)},
			{"a", "1.1.1.1", t0.Add(-time.Hour)},
		} {
			if err := tx.InsertLoginFailure(ctx, f.acct, f.addr, f.at); err != nil {
				return fmt.Errorf("%d: %w", i, err)
			}
		}
		return nil
	})
	count := func(acct, addr string, since time.Time) (int64, int64) {
		var a, b int64
		view(t, s, func(tx *store.Tx) error {
			var err error
			a, b, err = tx.CountLoginFailures(ctx, acct, addr, since)
			return err
		})
		return a, b
	}
	if a, b := count("a", "1.1.1.1", t0.Add(-15*time.Minute)); a != 2 || b != 2 {
		t.Errorf("counts = %d, %d; want 2, 2", a, b)
	}
	update(t, s, func(tx *store.Tx) error { return tx.ClearLoginFailures(ctx, "a") })
	if a, b := count("a", "1.1.1.1", t0.Add(-2*time.Hour)); a != 0 || b != 1 {
		t.Errorf("after clear: %d, %d; want 0, 1", a, b)
	}
	update(t, s, func(tx *store.Tx) error { return tx.PruneLoginFailures(ctx, t0.Add(time.Hour)) })
	if a, b := count("b", "1.1.1.1", t0.Add(-2*time.Hour)); a != 0 || b != 0 {
		t.Errorf("after prune: %d, %d", a, b)
	}
}

func testSettings(t *testing.T, s *store.Store) {
	ctx := context.Background()
	update(t, s, func(tx *store.Tx) error {
		if _, err := tx.Setting(ctx, "k"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("missing setting: %v", err)
		}
		if err := tx.PutSetting(ctx, "k", "v1", t0); err != nil {
			return err
		}
		return tx.PutSetting(ctx, "k", "v2", t0)
	})
	update(t, s, func(tx *store.Tx) error {
		v, err := tx.Setting(ctx, "k")
		if v != "v2" {
			t.Errorf("Setting = %q, %v", v, err)
		}
		if ok, err := tx.ConsumeSetting(ctx, "k", "v1"); ok || err != nil {
			t.Errorf("consume with wrong value = %v, %v", ok, err)
		}
		if ok, err := tx.ConsumeSetting(ctx, "k", "v2"); !ok || err != nil {
			t.Errorf("consume = %v, %v", ok, err)
		}
		if ok, err := tx.ConsumeSetting(ctx, "k", "v2"); ok || err != nil {
			t.Errorf("second consume = %v, %v", ok, err)
		}
		if err := tx.PutSetting(ctx, "j", "x", t0); err != nil {
			return err
		}
		if err := tx.DeleteSetting(ctx, "j"); err != nil {
			return err
		}
		if _, err := tx.Setting(ctx, "j"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("deleted setting: %v", err)
		}
		return nil
	})
}

func testAudit(t *testing.T, s *store.Store) {
	ctx := context.Background()
	events := []*store.AuditEvent{
		{At: t0, Actor: "cli", Action: "user.create", Subject: "user:1", Details: json.RawMessage(`{"admin":true,"email":"a@x.org"}`)},
		{At: t0.Add(time.Second), Actor: "user:1", Action: "user.password_reset", Subject: "user:2"},
	}
	update(t, s, func(tx *store.Tx) error {
		for _, e := range events {
			if err := tx.InsertAuditEvent(ctx, e); err != nil {
				return err
			}
		}
		if err := tx.InsertAuditEvent(ctx, &store.AuditEvent{At: t0, Actor: "x", Action: "y", Details: json.RawMessage(`{`)}); err == nil {
			t.Error("invalid details JSON accepted")
		}
		return nil
	})
	view(t, s, func(tx *store.Tx) error {
		got, err := tx.ListAuditEvents(ctx, 0, 10)
		if err != nil {
			return err
		}
		if len(got) != 2 || got[0].ID != events[1].ID || got[1].ID != events[0].ID {
			t.Fatalf("ListAuditEvents order: %+v", got)
		}
		var d map[string]any
		if err := json.Unmarshal(got[1].Details, &d); err != nil || d["admin"] != true || d["email"] != "a@x.org" {
			t.Errorf("details = %s", got[1].Details)
		}
		if !got[1].At.Equal(t0) || got[1].Actor != "cli" || got[1].Action != "user.create" || got[1].Subject != "user:1" {
			t.Errorf("event = %+v", got[1])
		}
		if string(got[0].Details) != "{}" {
			t.Errorf("empty details stored as %s", got[0].Details)
		}
		older, err := tx.ListAuditEvents(ctx, events[1].ID, 10)
		if err != nil || len(older) != 1 || older[0].ID != events[0].ID {
			t.Errorf("ListAuditEvents before = %v, %v", older, err)
		}
		return nil
	})
}
