package service

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/store"
	"github.com/rosettebadges/rosette/internal/store/storetest"
)

var start = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

// cheapParams keep the many hashes of these tests fast; TestPasswordHasherOWASP checks the
// production parameters.
var cheapParams = PasswordParams{MemoryKiB: 64, Time: 1, Threads: 1}

type fixture struct {
	acc   *Accounts
	clock *badge.FakeClock
	st    *store.Store
}

func newAccounts(t testing.TB, newStore func(testing.TB) *store.Store) fixture {
	t.Helper()
	st := newStore(t)
	clock := badge.NewFakeClock(start)
	acc := NewAccounts(st, clock, nil, AccountsOptions{Hasher: NewPasswordHasher(cheapParams, 4)})
	return fixture{acc, clock, st}
}

func wantKind(t *testing.T, err error, kind badge.Kind) {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Fatalf("err = %v (kind %s), want kind %s", err, badge.KindOf(err), kind)
	}
}

const pw = "correct horse battery"

func TestAccounts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, newStore func(testing.TB) *store.Store) {
		for name, f := range map[string]func(*testing.T, fixture){
			"Setup":            testSetup,
			"SetupRace":        testSetupRace,
			"LoginAndSessions": testLoginAndSessions,
			"Throttle":         testThrottle,
			"SessionExpiry":    testSessionExpiry,
			"ChangePassword":   testChangePassword,
			"ResetPassword":    testResetPassword,
			"CreateUser":       testCreateUser,
		} {
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				f(t, newAccounts(t, newStore))
			})
		}
	})
}

func audit(t *testing.T, f fixture) []*store.AuditEvent {
	t.Helper()
	ev, err := f.acc.AuditLog(context.Background(), 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

func testSetup(t *testing.T, f fixture) {
	ctx := context.Background()
	if need, err := f.acc.SetupNeeded(ctx); !need || err != nil {
		t.Fatalf("SetupNeeded = %v, %v", need, err)
	}
	_, err := f.acc.CompleteSetup(ctx, "anything", "admin@example.org", "Admin", pw)
	wantKind(t, err, badge.Forbidden)
	old, err := f.acc.NewSetupToken(ctx)
	if err != nil {
		t.Fatal(err)
	}
	token, err := f.acc.NewSetupToken(ctx)
	if err != nil || token == old || len(token) < 40 {
		t.Fatalf("NewSetupToken = %q, %v", token, err)
	}
	_, err = f.acc.CompleteSetup(ctx, old, "admin@example.org", "Admin", pw)
	wantKind(t, err, badge.Forbidden) // replaced
	_, err = f.acc.CompleteSetup(ctx, "", "admin@example.org", "Admin", pw)
	wantKind(t, err, badge.Forbidden)
	_, err = f.acc.CompleteSetup(ctx, token, "not-an-email", "Admin", pw)
	wantKind(t, err, badge.Invalid)
	_, err = f.acc.CompleteSetup(ctx, token, "admin@example.org", "Admin", "short")
	wantKind(t, err, badge.Invalid)
	u, err := f.acc.CompleteSetup(ctx, token, " Admin@EXAMPLE.org ", "Ada Admin", pw) // token survived the Invalid tries
	if err != nil {
		t.Fatal(err)
	}
	if !u.IsAdmin || u.Email != "Admin@example.org" || u.Name != "Ada Admin" || u.ID == 0 || !u.CreatedAt.Equal(start) {
		t.Errorf("first user = %+v", u)
	}
	_, err = f.acc.CompleteSetup(ctx, token, "other@example.org", "Other", pw)
	wantKind(t, err, badge.Forbidden)
	_, err = f.acc.NewSetupToken(ctx)
	wantKind(t, err, badge.Forbidden)
	if need, err := f.acc.SetupNeeded(ctx); need || err != nil {
		t.Errorf("SetupNeeded after setup = %v, %v", need, err)
	}
	ev := audit(t, f)
	if len(ev) != 1 || ev[0].Action != "setup.complete" || ev[0].Actor != "setup" || !strings.Contains(string(ev[0].Details), "Admin@example.org") {
		t.Errorf("audit = %+v", ev)
	}
	if _, _, err := f.acc.Login(ctx, "admin@example.org", pw, "1.2.3.4"); err != nil {
		t.Errorf("login as the first admin: %v", err)
	}
}

func testSetupRace(t *testing.T, f fixture) {
	ctx := context.Background()
	token, err := f.acc.NewSetupToken(ctx)
	if err != nil {
		t.Fatal(err)
	}
	const n = 6
	var wg sync.WaitGroup
	results := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, err := f.acc.CompleteSetup(ctx, token, "admin"+string(rune('a'+i))+"@example.org", "A", pw)
			results <- err
		}(i)
	}
	wg.Wait()
	close(results)
	ok := 0
	for err := range results {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, badge.Forbidden):
		default:
			t.Errorf("unexpected error: %v", err)
		}
	}
	if ok != 1 {
		t.Errorf("%d setups succeeded, want exactly 1", ok)
	}
	var users int64
	f.st.View(ctx, func(tx *store.Tx) error { users, err = tx.CountUsers(ctx); return err })
	if users != 1 {
		t.Errorf("%d users, want 1", users)
	}
}

func testLoginAndSessions(t *testing.T, f fixture) {
	ctx := context.Background()
	created, err := f.acc.CreateUser(ctx, "ann@example.org", "Ann", pw, false)
	if err != nil {
		t.Fatal(err)
	}
	u, s, err := f.acc.Login(ctx, "ANN@example.org", pw, "10.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	if u.ID != created.ID || len(s.Token) != 43 || !s.ExpiresAt.Equal(start.Add(14*24*time.Hour)) {
		t.Errorf("Login = %+v, %+v", u, s)
	}
	// Only the hash of the token is stored.
	f.st.View(ctx, func(tx *store.Tx) error {
		if _, err := tx.SessionByTokenHash(ctx, s.Token); !errors.Is(err, store.ErrNotFound) {
			t.Error("the raw token is stored")
		}
		return nil
	})
	got, err := f.acc.SessionUser(ctx, s.Token)
	if err != nil || got.ID != u.ID {
		t.Fatalf("SessionUser = %+v, %v", got, err)
	}
	_, err = f.acc.SessionUser(ctx, s.Token+"x")
	wantKind(t, err, badge.Unauthorized)
	_, err = f.acc.SessionUser(ctx, "")
	wantKind(t, err, badge.Unauthorized)

	_, _, err1 := f.acc.Login(ctx, "ann@example.org", "wrong password!", "10.0.0.1")
	_, _, err2 := f.acc.Login(ctx, "nobody@example.org", pw, "10.0.0.1")
	wantKind(t, err1, badge.Unauthorized)
	wantKind(t, err2, badge.Unauthorized)
	if badge.SafeMessage(err1) != badge.SafeMessage(err2) {
		t.Errorf("messages differ: %q vs %q", badge.SafeMessage(err1), badge.SafeMessage(err2))
	}
	if err := f.acc.Logout(ctx, s.Token); err != nil {
		t.Fatal(err)
	}
	_, err = f.acc.SessionUser(ctx, s.Token)
	wantKind(t, err, badge.Unauthorized)
	if err := f.acc.Logout(ctx, s.Token); err != nil {
		t.Errorf("second logout: %v", err)
	}
}

func testThrottle(t *testing.T, f fixture) {
	ctx := context.Background()
	if _, err := f.acc.CreateUser(ctx, "bob@example.org", "Bob", pw, false); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		_, _, err := f.acc.Login(ctx, "bob@example.org", "wrong password", "10.0.0.2")
		wantKind(t, err, badge.Unauthorized)
		f.clock.Advance(time.Minute)
	}
	// Locked even with the right password, and from another address.
	_, _, err := f.acc.Login(ctx, "Bob@example.org", pw, "10.9.9.9")
	wantKind(t, err, badge.TooMany)
	if !strings.Contains(badge.SafeMessage(err), "15 minutes") {
		t.Errorf("message %q", badge.SafeMessage(err))
	}
	f.clock.Advance(11 * time.Minute) // first failure now older than 15 minutes: 4 in window
	if _, _, err := f.acc.Login(ctx, "bob@example.org", pw, "10.0.0.2"); err != nil {
		t.Fatalf("after the window: %v", err)
	}
	// Success cleared the account's failures: 5 more tries allowed.
	for i := 0; i < 4; i++ {
		_, _, err := f.acc.Login(ctx, "bob@example.org", "wrong password", "10.0.0.3")
		wantKind(t, err, badge.Unauthorized)
	}
	if _, _, err := f.acc.Login(ctx, "bob@example.org", pw, "10.0.0.3"); err != nil {
		t.Fatalf("4 failures after a success: %v", err)
	}
	// Per address: 20 failures over many accounts block the address, not others.
	for i := 0; i < 20; i++ {
		_, _, err := f.acc.Login(ctx, "user"+string(rune('a'+i))+"@example.org", "wrong password", "10.6.6.6")
		wantKind(t, err, badge.Unauthorized)
	}
	_, _, err = f.acc.Login(ctx, "bob@example.org", pw, "10.6.6.6")
	wantKind(t, err, badge.TooMany)
	if _, _, err := f.acc.Login(ctx, "bob@example.org", pw, "10.0.0.4"); err != nil {
		t.Errorf("another address: %v", err)
	}
}

func testSessionExpiry(t *testing.T, f fixture) {
	ctx := context.Background()
	f.acc.CreateUser(ctx, "cy@example.org", "Cy", pw, false)
	_, idle, err := f.acc.Login(ctx, "cy@example.org", pw, "")
	if err != nil {
		t.Fatal(err)
	}
	_, busy, _ := f.acc.Login(ctx, "cy@example.org", pw, "")
	// busy is used every 2 days, idle never: idle ends after 3 days.
	for day := 2; day <= 12; day += 2 {
		f.clock.Advance(48 * time.Hour)
		if _, err := f.acc.SessionUser(ctx, busy.Token); err != nil {
			t.Fatalf("day %d: busy session: %v", day, err)
		}
		if day == 4 {
			_, err := f.acc.SessionUser(ctx, idle.Token)
			wantKind(t, err, badge.Unauthorized)
		}
	}
	f.clock.Advance(48 * time.Hour) // day 14: lifetime over although used recently
	_, err = f.acc.SessionUser(ctx, busy.Token)
	wantKind(t, err, badge.Unauthorized)
	if !strings.Contains(badge.SafeMessage(err), "expired") {
		t.Errorf("message %q", badge.SafeMessage(err))
	}
	n, err := f.acc.DeleteExpiredSessions(ctx)
	if err != nil || n != 0 { // both already deleted when seen expired
		t.Errorf("DeleteExpiredSessions = %d, %v", n, err)
	}
}

func testChangePassword(t *testing.T, f fixture) {
	ctx := context.Background()
	u, _ := f.acc.CreateUser(ctx, "di@example.org", "Di", pw, false)
	_, mine, _ := f.acc.Login(ctx, "di@example.org", pw, "")
	_, other, _ := f.acc.Login(ctx, "di@example.org", pw, "")
	const next = "a much better passphrase"
	wantKind(t, f.acc.ChangePassword(ctx, u.ID, "wrong current", next, mine.Token), badge.Unauthorized)
	wantKind(t, f.acc.ChangePassword(ctx, u.ID, pw, "aaaaaaaaaaaa", mine.Token), badge.Invalid)
	wantFields(t, f.acc.ChangePassword(ctx, u.ID, "wrong current", next, mine.Token), "current_password")
	wantFields(t, f.acc.ChangePassword(ctx, u.ID, pw, "short", mine.Token), "new_password")
	wantKind(t, f.acc.ChangePassword(ctx, 99999, pw, next, ""), badge.NotFound)
	if err := f.acc.ChangePassword(ctx, u.ID, pw, next, mine.Token); err != nil {
		t.Fatal(err)
	}
	if _, err := f.acc.SessionUser(ctx, mine.Token); err != nil {
		t.Errorf("kept session: %v", err)
	}
	_, err := f.acc.SessionUser(ctx, other.Token)
	wantKind(t, err, badge.Unauthorized)
	_, _, err = f.acc.Login(ctx, "di@example.org", pw, "")
	wantKind(t, err, badge.Unauthorized)
	if _, _, err := f.acc.Login(ctx, "di@example.org", next, ""); err != nil {
		t.Errorf("login with the new password: %v", err)
	}
	if ev := audit(t, f); ev[0].Action != "user.password_change" {
		t.Errorf("audit = %+v", ev[0])
	}
}

func testResetPassword(t *testing.T, f fixture) {
	ctx := WithActor(context.Background(), "cli")
	f.acc.CreateUser(ctx, "ed@example.org", "Ed", pw, false)
	_, s, _ := f.acc.Login(ctx, "ed@example.org", pw, "")
	wantKind(t, f.acc.ResetPassword(ctx, "nobody@example.org", "another password"), badge.NotFound)
	wantKind(t, f.acc.ResetPassword(ctx, "ed@example.org", "short"), badge.Invalid)
	if err := f.acc.ResetPassword(ctx, "ED@example.org", "another password"); err != nil {
		t.Fatal(err)
	}
	_, err := f.acc.SessionUser(ctx, s.Token)
	wantKind(t, err, badge.Unauthorized)
	if _, _, err := f.acc.Login(ctx, "ed@example.org", "another password", ""); err != nil {
		t.Errorf("login after reset: %v", err)
	}
	ev := audit(t, f)
	if ev[0].Action != "user.password_reset" || ev[0].Actor != "cli" || ev[1].Action != "user.create" || ev[1].Actor != "cli" {
		t.Errorf("audit = %+v %+v", ev[0], ev[1])
	}
}

func testCreateUser(t *testing.T, f fixture) {
	ctx := context.Background()
	u, err := f.acc.CreateUser(ctx, "Fay@Example.ORG", " Fay ", pw, true)
	if err != nil {
		t.Fatal(err)
	}
	if u.Email != "Fay@example.org" || u.Name != "Fay" || !u.IsAdmin {
		t.Errorf("user = %+v", u)
	}
	got, err := f.acc.User(ctx, u.ID)
	if err != nil || *got != *u {
		t.Errorf("User = %+v, %v", got, err)
	}
	_, err = f.acc.User(ctx, 424242)
	wantKind(t, err, badge.NotFound)
	_, err = f.acc.CreateUser(ctx, "fay@example.org", "Fay 2", pw, false)
	wantKind(t, err, badge.Conflict)
	for _, tt := range []struct{ email, name, pw string }{
		{"", "x", pw},
		{"no-at-sign", "x", pw},
		{"a@b", "x", pw},
		{"a b@example.org", "x", pw},
		{"g@example.org", "bad\x00name", pw},
		{"g@example.org", strings.Repeat("n", 201), pw},
		{"g@example.org", "G", "123456789"},
		{"g@example.org", "G", "zzzzzzzzzzzzzz"},
		{"g@example.org", "G", string([]byte{0xff, 0xfe, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'})},
	} {
		_, err := f.acc.CreateUser(ctx, tt.email, tt.name, tt.pw, false)
		if !errors.Is(err, badge.Invalid) {
			t.Errorf("CreateUser(%q, %q, %q) = %v, want Invalid", tt.email, tt.name, tt.pw, err)
		}
	}
}

func TestLoginBoundsStoredInput(t *testing.T) {
	f := newAccounts(t, storetest.NewSQLite)
	ctx := context.Background()
	huge := strings.Repeat("é", 5000)
	_, _, err := f.acc.Login(ctx, huge, strings.Repeat("p", 1<<20), huge)
	wantKind(t, err, badge.Unauthorized)
	var key, addr string
	f.st.View(ctx, func(tx *store.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT account_key, client_addr FROM login_failures`).Scan(&key, &addr)
	})
	if len(key) > 254 || len(addr) > 100 || !utf8.ValidString(key) || !utf8.ValidString(addr) || key == "" {
		t.Errorf("stored key %d bytes, addr %d bytes", len(key), len(addr))
	}
}

// wantFields checks that err names exactly these fields (badge.FieldMessages).
func wantFields(t *testing.T, err error, fields ...string) {
	t.Helper()
	var got []string
	for f := range badge.FieldMessages(err) {
		got = append(got, f)
	}
	slices.Sort(got)
	slices.Sort(fields)
	if !slices.Equal(got, fields) {
		t.Errorf("error %q names fields %q, want %q", err, got, fields)
	}
}

func TestValidationErrorsNameTheirFields(t *testing.T) {
	f := newAccounts(t, storetest.NewSQLite)
	ctx := context.Background()
	token, err := f.acc.NewSetupToken(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.acc.CompleteSetup(ctx, token, "", "", "")
	wantKind(t, err, badge.Invalid)
	wantFields(t, err, "email", "name", "password") // every problem at once
	if d := cmp.Diff(map[string]string{
		"email":    "Email address is required.",
		"name":     "Name is required.",
		"password": "Password is required.",
	}, badge.FieldMessages(err)); d != "" {
		t.Errorf("setup field messages (-want +got):\n%s", d)
	}
	_, err = f.acc.CompleteSetup(ctx, token, "ok@example.org", "Ok", "short")
	wantFields(t, err, "password")

	_, err = f.acc.CreateUser(ctx, "bad", "", pw, false) // the name is optional here
	wantFields(t, err, "email")
	_, err = f.acc.CreateUser(ctx, "g@example.org", "bad\x00name", "short", false)
	wantFields(t, err, "name", "password")
	if _, err := f.acc.CreateUser(ctx, "g@example.org", "", pw, false); err != nil {
		t.Fatal(err)
	}
	_, err = f.acc.CreateUser(ctx, "G@example.org", "G", pw, false)
	wantKind(t, err, badge.Conflict)
	wantFields(t, err, "email")
	wantFields(t, f.acc.ResetPassword(ctx, "g@example.org", "short"), "password")
	wantFields(t, f.acc.ResetPassword(ctx, "nope", pw), "email")
}
