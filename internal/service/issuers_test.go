package service

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/keys"
	"github.com/rosettebadges/rosette/internal/store"
	"github.com/rosettebadges/rosette/internal/store/storetest"
)

type issuersFixture struct {
	svc   *Issuers
	st    *store.Store
	clock *badge.FakeClock
	users map[string]*badge.User
}

func newIssuers(t testing.TB, newStore func(testing.TB) *store.Store, names ...string) issuersFixture {
	t.Helper()
	st := newStore(t)
	master, err := keys.ParseMasterKey(keys.NewMasterKey())
	if err != nil {
		t.Fatal(err)
	}
	clock := badge.NewFakeClock(start)
	f := issuersFixture{svc: NewIssuers(st, keys.NewManager(st, master), clock, nil), st: st, clock: clock, users: map[string]*badge.User{}}
	ctx := context.Background()
	for _, n := range append([]string{"admin"}, names...) {
		u := &store.User{Email: n + "@x.org", EmailKey: n + "@x.org", Name: n, PasswordHash: "x", IsAdmin: n == "admin", CreatedAt: start, UpdatedAt: start}
		if err := st.Update(ctx, func(tx *store.Tx) error { return tx.InsertUser(ctx, u) }); err != nil {
			t.Fatal(err)
		}
		f.users[n] = toUser(u)
	}
	return f
}

func TestIssuers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, newStore func(testing.TB) *store.Store) {
		for name, f := range map[string]func(*testing.T, func(testing.TB) *store.Store){
			"Matrix":     testIssuerMatrix,
			"Lifecycle":  testIssuerLifecycle,
			"LastOwner":  testIssuerLastOwner,
			"OwnerRace":  testIssuerOwnerRace,
			"Validation": testIssuerValidation,
		} {
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				f(t, newStore)
			})
		}
	})
}

// testIssuerMatrix walks every role (and site admin, and a stranger) x every action through
// the service methods that guard it, and compares with badge.Can.
func testIssuerMatrix(t *testing.T, newStore func(testing.TB) *store.Store) {
	ctx := context.Background()
	who := []string{"owner", "editor", "awarder", "viewer", "stranger"}
	f := newIssuers(t, newStore, append(who, "target")...)
	iss, err := f.svc.Create(ctx, f.users["admin"], badge.IssuerFields{Name: "Acme"}, f.users["owner"].ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []badge.Role{badge.RoleEditor, badge.RoleAwarder, badge.RoleViewer} {
		if _, err := f.svc.AddMember(ctx, f.users["owner"], iss.ID, string(r)+"@x.org", r); err != nil {
			t.Fatal(err)
		}
	}
	// Each action, done through the service; staff changes act on "target" and are undone.
	do := map[badge.Action]func(u *badge.User) error{
		badge.ActView: func(u *badge.User) error {
			_, _, err := f.svc.Get(ctx, u, iss.ID)
			if err == nil {
				_, err = f.svc.Members(ctx, u, iss.ID)
			}
			if err == nil {
				_, err = f.svc.Keys(ctx, u, iss.ID)
			}
			return err
		},
		badge.ActEditIssuer: func(u *badge.User) error {
			_, err := f.svc.Update(ctx, u, iss.ID, badge.IssuerFields{Name: "Acme " + u.Name})
			return err
		},
		badge.ActManageStaff: func(u *badge.User) error {
			if _, err := f.svc.AddMember(ctx, u, iss.ID, "target@x.org", badge.RoleViewer); err != nil {
				return err
			}
			if err := f.svc.SetRole(ctx, u, iss.ID, f.users["target"].ID, badge.RoleAwarder); err != nil {
				return err
			}
			return f.svc.RemoveMember(ctx, u, iss.ID, f.users["target"].ID)
		},
		badge.ActManageKeys: func(u *badge.User) error {
			_, err := f.svc.RotateKeys(ctx, u, iss.ID)
			return err
		},
	}
	for _, a := range []badge.Action{badge.ActDesignBadge, badge.ActAward, badge.ActRevoke, badge.ActViewReports} {
		do[a] = func(u *badge.User) error { return f.svc.Check(ctx, u, iss.ID, a) }
	}
	if len(do) != len(badge.Actions()) {
		t.Fatalf("the test covers %d of %d actions", len(do), len(badge.Actions()))
	}
	for _, name := range append(who, "admin") {
		u := f.users[name]
		role := badge.Role(name)
		if name == "stranger" || name == "admin" {
			role = ""
		}
		for _, a := range badge.Actions() {
			err := do[a](u)
			want := badge.Can(name == "admin", role, a)
			switch {
			case want && err != nil:
				t.Errorf("%s may %s but got %v", name, a, err)
			case !want && !errors.Is(err, badge.Forbidden):
				t.Errorf("%s may not %s but got %v", name, a, err)
			}
		}
	}
	// A deleted or unknown actor is Unauthorized; an unknown issuer NotFound.
	if err := f.svc.Check(ctx, &badge.User{ID: 999}, iss.ID, badge.ActView); !errors.Is(err, badge.Unauthorized) {
		t.Errorf("unknown user: %v", err)
	}
	if err := f.svc.Check(ctx, f.users["admin"], "nope", badge.ActView); !errors.Is(err, badge.NotFound) {
		t.Errorf("unknown issuer: %v", err)
	}
}

func testIssuerLifecycle(t *testing.T, newStore func(testing.TB) *store.Store) {
	ctx := context.Background()
	f := newIssuers(t, newStore, "ann", "bob")
	if _, err := f.svc.Create(ctx, f.users["ann"], badge.IssuerFields{Name: "Nope"}, 0); !errors.Is(err, badge.Forbidden) {
		t.Fatalf("non-admin Create = %v", err)
	}
	if _, err := f.svc.Create(ctx, f.users["admin"], badge.IssuerFields{Name: "X"}, 12345); !errors.Is(err, badge.NotFound) {
		t.Fatalf("Create with unknown owner = %v", err)
	}
	// The refused Create left nothing behind (keys are generated before the transaction).
	_ = f.st.View(ctx, func(tx *store.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM issuers) + (SELECT COUNT(*) FROM issuer_keys) + (SELECT COUNT(*) FROM audit_events)`).Scan(&n); err != nil || n != 0 {
			t.Errorf("after refused Create: %d rows, %v", n, err)
		}
		return nil
	})
	iss, err := f.svc.Create(ctx, f.users["admin"], badge.IssuerFields{Name: " Acme ", Website: "https://acme.example", LinkedInOrg: "42"}, f.users["ann"].ID)
	if err != nil {
		t.Fatal(err)
	}
	if iss.Name != "Acme" || len(iss.ID) != 16 {
		t.Errorf("created %+v", iss)
	}
	pub, err := f.svc.Public(ctx, iss.ID)
	if err != nil || len(pub.Keys) != 2 {
		t.Fatalf("Public = %+v, %v", pub, err)
	}
	other, _ := f.svc.Create(ctx, f.users["admin"], badge.IssuerFields{Name: "Beta"}, 0)
	list, err := f.svc.ListForUser(ctx, f.users["ann"])
	if err != nil || len(list) != 1 || list[0].Issuer.ID != iss.ID || list[0].Role != badge.RoleOwner {
		t.Errorf("ListForUser(ann) = %+v, %v", list, err)
	}
	list, err = f.svc.ListForUser(ctx, f.users["admin"])
	if err != nil || len(list) != 2 || list[0].Role != "" || list[1].Issuer.ID != other.ID || list[1].Role != badge.RoleOwner {
		t.Errorf("ListForUser(admin) = %+v, %v", list, err)
	}
	if list, _ := f.svc.ListForUser(ctx, f.users["bob"]); len(list) != 0 {
		t.Errorf("ListForUser(bob) = %+v", list)
	}
	if _, err := f.svc.AddMember(ctx, f.users["ann"], iss.ID, "BOB@x.org", badge.RoleEditor); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.AddMember(ctx, f.users["ann"], iss.ID, "bob@x.org", badge.RoleViewer); !errors.Is(err, badge.Conflict) {
		t.Errorf("second AddMember = %v", err)
	}
	if _, err := f.svc.AddMember(ctx, f.users["ann"], iss.ID, "zed@x.org", badge.RoleViewer); !errors.Is(err, badge.NotFound) {
		t.Errorf("AddMember(no account) = %v", err)
	}
	if _, err := f.svc.AddMember(ctx, f.users["ann"], iss.ID, "bob@x.org", "boss"); !errors.Is(err, badge.Invalid) {
		t.Errorf("AddMember(bad role) = %v", err)
	}
	f.clock.Advance(3600e9)
	up, err := f.svc.Update(ctx, f.users["bob"], iss.ID, badge.IssuerFields{Name: "Acme Ltd", Email: "b@acme.example"})
	if err != nil || up.Name != "Acme Ltd" || up.Website != "" || !up.UpdatedAt.Equal(start.Add(3600e9)) {
		t.Errorf("Update = %+v, %v", up, err)
	}
	rot, err := f.svc.RotateKeys(ctx, f.users["ann"], iss.ID)
	if err != nil || len(rot) != 2 {
		t.Fatalf("RotateKeys = %v", err)
	}
	pub, _ = f.svc.Public(ctx, iss.ID)
	active := 0
	for _, k := range pub.Keys {
		if k.Active() {
			active++
		}
	}
	if len(pub.Keys) != 4 || active != 2 {
		t.Errorf("after rotation: %d keys, %d active", len(pub.Keys), active)
	}
	if _, err := f.svc.Public(ctx, "nope"); !errors.Is(err, badge.NotFound) {
		t.Errorf("Public(nope) = %v", err)
	}
	// The audit trail has every change.
	var actions []string
	_ = f.st.View(ctx, func(tx *store.Tx) error {
		evs, err := tx.ListAuditEvents(ctx, 0, 100)
		for i := len(evs) - 1; i >= 0; i-- {
			actions = append(actions, evs[i].Actor+" "+evs[i].Action)
		}
		return err
	})
	want := fmt.Sprint([]string{"user:1 issuer.create", "user:1 issuer.create", "user:2 issuer.member_add", "user:3 issuer.update", "user:2 issuer.keys_rotate"})
	if fmt.Sprint(actions) != want {
		t.Errorf("audit = %v\nwant %v", actions, want)
	}
	// The command line acts as System.
	if _, err := f.svc.Create(WithActor(ctx, "cli"), System, badge.IssuerFields{Name: "Gamma"}, f.users["bob"].ID); err != nil {
		t.Errorf("System Create: %v", err)
	}
	if _, err := f.svc.Create(ctx, System, badge.IssuerFields{Name: "Gamma"}, 0); !errors.Is(err, badge.Invalid) {
		t.Errorf("System Create without owner: %v", err)
	}
}

func testIssuerLastOwner(t *testing.T, newStore func(testing.TB) *store.Store) {
	ctx := context.Background()
	f := newIssuers(t, newStore, "ann", "bob")
	ann, bob := f.users["ann"], f.users["bob"]
	iss, err := f.svc.Create(ctx, f.users["admin"], badge.IssuerFields{Name: "Acme"}, ann.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.svc.RemoveMember(ctx, ann, iss.ID, ann.ID); !errors.Is(err, badge.Conflict) {
		t.Errorf("remove last owner = %v", err)
	}
	if err := f.svc.SetRole(ctx, f.users["admin"], iss.ID, ann.ID, badge.RoleViewer); !errors.Is(err, badge.Conflict) {
		t.Errorf("demote last owner = %v", err)
	}
	if err := f.svc.RemoveMember(ctx, ann, iss.ID, bob.ID); !errors.Is(err, badge.NotFound) {
		t.Errorf("remove non-staff = %v", err)
	}
	if _, err := f.svc.AddMember(ctx, ann, iss.ID, "bob@x.org", badge.RoleOwner); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.SetRole(ctx, bob, iss.ID, ann.ID, badge.RoleViewer); err != nil {
		t.Fatalf("demote one of two owners: %v", err)
	}
	if err := f.svc.RemoveMember(ctx, bob, iss.ID, bob.ID); !errors.Is(err, badge.Conflict) {
		t.Errorf("remove the new last owner = %v", err)
	}
	ms, err := f.svc.Members(ctx, bob, iss.ID)
	if err != nil || len(ms) != 2 || ms[0].Role != badge.RoleViewer || ms[1].Role != badge.RoleOwner {
		t.Errorf("Members = %+v, %v", ms, err)
	}
}

func testIssuerValidation(t *testing.T, newStore func(testing.TB) *store.Store) {
	ctx := context.Background()
	f := newIssuers(t, newStore, "ann")
	_, err := f.svc.Create(ctx, f.users["admin"], badge.IssuerFields{Name: "A", Website: "acme.example"}, 0)
	if !errors.Is(err, badge.Invalid) || badge.FieldMessages(err)["website"] == "" {
		t.Fatalf("Create(bad website) = %v", err)
	}
	iss, err := f.svc.Create(ctx, f.users["admin"], badge.IssuerFields{Name: "A"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Update(ctx, f.users["admin"], iss.ID, badge.IssuerFields{Name: "B", LinkedInOrg: "acme"}); !errors.Is(err, badge.Invalid) || badge.FieldMessages(err)["linkedin_org"] == "" {
		t.Errorf("Update(bad linkedin) = %v", err)
	}
	got, _, _ := f.svc.Get(ctx, f.users["admin"], iss.ID)
	if got.Name != "A" {
		t.Errorf("a refused update changed the name to %q", got.Name)
	}
	// Nothing was written by the refused calls.
	var n int
	_ = f.st.View(ctx, func(tx *store.Tx) error {
		all, err := tx.ListIssuers(ctx)
		n = len(all)
		return err
	})
	if n != 1 {
		t.Errorf("%d issuers after one good Create", n)
	}
}

// testIssuerOwnerRace: two owners remove each other at the same time; exactly one succeeds, so
// the issuer always keeps an owner (the issuer row is locked on PostgreSQL).
func testIssuerOwnerRace(t *testing.T, newStore func(testing.TB) *store.Store) {
	ctx := context.Background()
	f := newIssuers(t, newStore, "ann", "bob")
	ann, bob := f.users["ann"], f.users["bob"]
	for round := 0; round < 5; round++ {
		iss, err := f.svc.Create(ctx, f.users["admin"], badge.IssuerFields{Name: "Acme"}, ann.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.AddMember(ctx, ann, iss.ID, "bob@x.org", badge.RoleOwner); err != nil {
			t.Fatal(err)
		}
		errs := make(chan error, 2)
		go func() { errs <- f.svc.RemoveMember(ctx, ann, iss.ID, bob.ID) }()
		go func() { errs <- f.svc.SetRole(ctx, bob, iss.ID, ann.ID, badge.RoleViewer) }()
		e1, e2 := <-errs, <-errs
		ok := 0
		for _, err := range []error{e1, e2} {
			switch {
			case err == nil:
				ok++
			case errors.Is(err, badge.Conflict), errors.Is(err, badge.Forbidden):
			default:
				t.Errorf("round %d: unexpected %v", round, err)
			}
		}
		var owners int64
		_ = f.st.View(ctx, func(tx *store.Tx) error {
			var err error
			owners, err = tx.CountOwners(ctx, iss.ID)
			return err
		})
		if ok != 1 || owners != 1 {
			t.Errorf("round %d: %d succeeded (%v, %v), %d owners left", round, ok, e1, e2, owners)
		}
	}
}
