package service

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/store"
	"github.com/rosettebadges/rosette/internal/store/storetest"
)

type profilesFixture struct {
	p     *Profiles
	st    *store.Store
	clock *badge.FakeClock
	ada   *badge.User // an earner
	bob   *badge.User // another earner
	admin *badge.User
}

func newProfiles(t testing.TB, newStore func(testing.TB) *store.Store) profilesFixture {
	t.Helper()
	st := newStore(t)
	clock := badge.NewFakeClock(start)
	f := profilesFixture{p: NewProfiles(st, clock), st: st, clock: clock}
	f.ada = addEarner(t, st, "ada@example.org", false)
	f.bob = addEarner(t, st, "bob@example.org", false)
	f.admin = addEarner(t, st, "root@example.org", true)
	return f
}

func addEarner(t testing.TB, st *store.Store, email string, admin bool) *badge.User {
	t.Helper()
	u := &store.User{Email: email, EmailKey: email, Name: "N " + email, PasswordHash: "x", IsAdmin: admin, CreatedAt: start, UpdatedAt: start}
	if err := st.Update(context.Background(), func(tx *store.Tx) error { return tx.InsertUser(context.Background(), u) }); err != nil {
		t.Fatal(err)
	}
	return toUser(u)
}

// addItem puts an imported badge (credential cred) in the user's wallet.
func addItem(t testing.TB, st *store.Store, u *badge.User, id, visibility, state string, cred []byte) {
	t.Helper()
	w := &store.WalletItem{ID: id, UserID: u.ID, Source: "import", State: state, Format: "ob3-json", Credential: cred,
		CredentialKey: "key-" + id, Name: "Badge " + id, IssuerName: "Issuer " + id, VerifyStatus: "verified", VerifyReport: "{}",
		Visibility: visibility, CreatedAt: start, UpdatedAt: start}
	if err := st.Update(context.Background(), func(tx *store.Tx) error { return tx.InsertWalletItem(context.Background(), w) }); err != nil {
		t.Fatal(err)
	}
}

func TestProfiles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, newStore func(testing.TB) *store.Store) {
		for name, f := range map[string]func(*testing.T, profilesFixture){
			"Handle":        testProfileHandle,
			"Collections":   testProfileCollections,
			"Visibility":    testProfileVisibility,
			"Safeguarding":  testProfileSafeguarding,
			"SkillsImports": testProfileSkillsImports,
		} {
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				f(t, newProfiles(t, newStore))
			})
		}
		t.Run("SkillsAward", func(t *testing.T) {
			t.Parallel()
			testProfileSkillsAward(t, newStore)
		})
	})
}

func TestNormalizeHandle(t *testing.T) {
	for in, want := range map[string]string{
		"ada": "ada", " Ada-Lovelace-1815 ": "ada-lovelace-1815", "a-b": "a-b", "0123456789012345678901234567890123456789": "0123456789012345678901234567890123456789",
		"ab": "", "01234567890123456789012345678901234567890": "", "ada_l": "", "ada l": "", "adà": "", "admin": "", "wallet": "", "": "",
	} {
		got, err := NormalizeHandle(in)
		if got != want || (want == "") != (err != nil) {
			t.Errorf("NormalizeHandle(%q) = %q, %v; want %q", in, got, err, want)
		}
		if err != nil && (!errors.Is(err, badge.Invalid) || badge.FieldMessages(err)["handle"] == "") {
			t.Errorf("NormalizeHandle(%q) error %v is not an Invalid error on handle", in, err)
		}
	}
}

func FuzzNormalizeHandle(f *testing.F) {
	for _, s := range []string{"ada", "Ada-L", "admin", "ab", "a_b", "ÄDA", " x-y-z "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, err := NormalizeHandle(s)
		if err != nil {
			if !errors.Is(err, badge.Invalid) {
				t.Fatalf("NormalizeHandle(%q): %v", s, err)
			}
			return
		}
		if len(h) < MinHandleLen || len(h) > MaxHandleLen || !handleRE.MatchString(h) || reservedHandles[h] {
			t.Fatalf("NormalizeHandle(%q) accepted %q", s, h)
		}
		if again, err := NormalizeHandle(h); err != nil || again != h {
			t.Fatalf("not idempotent: %q -> %q, %v", h, again, err)
		}
	})
}

func testProfileHandle(t *testing.T, f profilesFixture) {
	ctx := context.Background()
	p, err := f.p.Profile(ctx, f.ada)
	if err != nil || p.Saved || p.Public || p.Discoverable || p.DisplayName != f.ada.Name {
		t.Fatalf("default profile = %+v, %v", p, err)
	}
	// A public profile needs a handle; several bad fields are reported together.
	_, err = f.p.UpdateProfile(ctx, f.ada, ProfileInput{Public: true, Website: "javascript:alert(1)"})
	wantKind(t, err, badge.Invalid)
	if msgs := badge.FieldMessages(err); msgs["handle"] == "" || msgs["website"] == "" {
		t.Errorf("field errors = %v", msgs)
	}
	if p, _ := f.p.Profile(ctx, f.ada); p.Saved {
		t.Error("a refused update saved the profile")
	}
	in := ProfileInput{Handle: "Ada-L", DisplayName: " Ada   Lovelace ", Headline: "Analyst", Bio: "I write *notes*.\r\nTwo lines.",
		Website: "https://ada.example", Public: true}
	p, err = f.p.UpdateProfile(ctx, f.ada, in)
	if err != nil {
		t.Fatal(err)
	}
	want := &Profile{UserID: f.ada.ID, Handle: "ada-l", DisplayName: "Ada Lovelace", Headline: "Analyst", Bio: "I write *notes*.\nTwo lines.",
		Website: "https://ada.example", Public: true, Saved: true}
	if diff := cmp.Diff(want, p); diff != "" {
		t.Errorf("UpdateProfile (-want +got):\n%s", diff)
	}
	if got, _ := f.p.Profile(ctx, f.ada); !cmp.Equal(want, got) {
		t.Errorf("Profile after update = %+v", got)
	}
	// Handles are unique.
	_, err = f.p.UpdateProfile(ctx, f.bob, ProfileInput{Handle: "ADA-L"})
	wantKind(t, err, badge.Conflict)
	if badge.FieldMessages(err)["handle"] == "" {
		t.Errorf("conflict not on handle: %v", err)
	}
	// A private profile may go without a handle.
	if _, err := f.p.UpdateProfile(ctx, f.bob, ProfileInput{DisplayName: "Bob"}); err != nil {
		t.Error(err)
	}
	if _, err := f.p.UpdateProfile(ctx, nil, in); !errors.Is(err, badge.Unauthorized) {
		t.Errorf("anonymous update: %v", err)
	}
}

func names(cs []*Collection) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Name)
	}
	return out
}

func badgeIDs(bs []*ProfileBadge) []string {
	var out []string
	for _, b := range bs {
		out = append(out, b.ID)
	}
	return out
}

func testProfileCollections(t *testing.T, f profilesFixture) {
	ctx := context.Background()
	for _, id := range []string{"a", "b", "c"} {
		addItem(t, f.st, f.ada, id, Private, "accepted", nil)
	}
	addItem(t, f.st, f.ada, "declined", Private, "declined", nil)
	addItem(t, f.st, f.bob, "bobs", Private, "accepted", nil)
	var ids []string
	for _, n := range []string{"One", "Two", "Three"} {
		c, err := f.p.CreateCollection(ctx, f.ada, CollectionInput{Name: n})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	if _, err := f.p.CreateCollection(ctx, f.ada, CollectionInput{Name: "  ", Visibility: "secret"}); !errors.Is(err, badge.Invalid) ||
		len(badge.FieldMessages(err)) != 2 {
		t.Errorf("bad collection: %v", err)
	}
	steps := []struct {
		do   func() error
		want []string
	}{
		{func() error { return f.p.MoveCollection(ctx, f.ada, ids[2], -1) }, []string{"One", "Three", "Two"}},
		{func() error { return f.p.MoveCollection(ctx, f.ada, ids[2], -1) }, []string{"Three", "One", "Two"}},
		{func() error { return f.p.MoveCollection(ctx, f.ada, ids[2], -1) }, []string{"Three", "One", "Two"}}, // already first
		{func() error { return f.p.MoveCollection(ctx, f.ada, ids[1], 1) }, []string{"Three", "One", "Two"}},  // already last
		{func() error { return f.p.MoveCollection(ctx, f.ada, ids[0], 1) }, []string{"Three", "Two", "One"}},
		{func() error { return f.p.DeleteCollection(ctx, f.ada, ids[2]) }, []string{"Two", "One"}},
		{func() error { return f.p.MoveCollection(ctx, f.ada, ids[0], -1) }, []string{"One", "Two"}},
	}
	for i, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		cs, err := f.p.Collections(ctx, f.ada)
		if err != nil {
			t.Fatal(err)
		}
		if got := names(cs); !cmp.Equal(got, s.want) {
			t.Errorf("step %d: order %v, want %v", i, got, s.want)
		}
	}
	// Items: only the earner's own accepted badges, once each, in order.
	for _, id := range []string{"c", "a", "b"} {
		if err := f.p.AddToCollection(ctx, f.ada, ids[0], id); err != nil {
			t.Fatal(err)
		}
	}
	wantKind(t, f.p.AddToCollection(ctx, f.ada, ids[0], "a"), badge.Conflict)
	wantKind(t, f.p.AddToCollection(ctx, f.ada, ids[0], "bobs"), badge.NotFound)
	wantKind(t, f.p.AddToCollection(ctx, f.ada, ids[0], "declined"), badge.NotFound)
	wantKind(t, f.p.AddToCollection(ctx, f.bob, ids[0], "bobs"), badge.NotFound)
	wantKind(t, f.p.UpdateCollection(ctx, f.bob, ids[0], CollectionInput{Name: "Mine"}), badge.NotFound)
	wantKind(t, f.p.DeleteCollection(ctx, f.bob, ids[0]), badge.NotFound)
	if err := f.p.MoveInCollection(ctx, f.ada, ids[0], "b", -1); err != nil {
		t.Fatal(err)
	}
	if err := f.p.RemoveFromCollection(ctx, f.ada, ids[0], "c"); err != nil {
		t.Fatal(err)
	}
	wantKind(t, f.p.RemoveFromCollection(ctx, f.ada, ids[0], "c"), badge.NotFound)
	if err := f.p.UpdateCollection(ctx, f.ada, ids[0], CollectionInput{Name: "Sailing", Description: "Boats", Visibility: Public}); err != nil {
		t.Fatal(err)
	}
	cs, _ := f.p.Collections(ctx, f.ada)
	if cs[0].Name != "Sailing" || cs[0].Description != "Boats" || !cs[0].Public() || !cmp.Equal(badgeIDs(cs[0].Badges), []string{"b", "a"}) {
		t.Errorf("collection = %+v %v", cs[0], badgeIDs(cs[0].Badges))
	}
	// After a removal, a new badge still goes at the end.
	if err := f.p.AddToCollection(ctx, f.ada, ids[0], "c"); err != nil {
		t.Fatal(err)
	}
	if cs, _ := f.p.Collections(ctx, f.ada); !cmp.Equal(badgeIDs(cs[0].Badges), []string{"b", "a", "c"}) {
		t.Errorf("after re-adding c: %v", badgeIDs(cs[0].Badges))
	}
	// A new collection goes at the end even after a deletion left a gap.
	if _, err := f.p.CreateCollection(ctx, f.ada, CollectionInput{Name: "Last"}); err != nil {
		t.Fatal(err)
	}
	if cs, _ := f.p.Collections(ctx, f.ada); !cmp.Equal(names(cs), []string{"Sailing", "Two", "Last"}) {
		t.Errorf("after a new collection: %v", names(cs))
	}
	if cs, _ := f.p.Collections(ctx, f.bob); len(cs) != 0 {
		t.Errorf("bob sees %v", names(cs))
	}
}

// publicSummary is what the public page of ada shows, or "404".
func publicSummary(t *testing.T, f profilesFixture, handle string) string {
	t.Helper()
	pp, err := f.p.PublicProfile(context.Background(), handle)
	if errors.Is(err, badge.NotFound) {
		return "404"
	}
	if err != nil {
		t.Fatal(err)
	}
	s := fmt.Sprintf("badges %v", badgeIDs(pp.Badges))
	for _, c := range pp.Collections {
		s += fmt.Sprintf("; %s %v", c.Name, badgeIDs(c.Badges))
	}
	return s
}

func testProfileVisibility(t *testing.T, f profilesFixture) {
	ctx := context.Background()
	addItem(t, f.st, f.ada, "a", Private, "accepted", nil)
	addItem(t, f.st, f.ada, "b", Private, "accepted", nil)
	addItem(t, f.st, f.ada, "d", Public, "declined", nil)
	pub, _ := f.p.CreateCollection(ctx, f.ada, CollectionInput{Name: "Pub", Visibility: Public})
	priv, _ := f.p.CreateCollection(ctx, f.ada, CollectionInput{Name: "Priv"})
	for _, c := range []*Collection{pub, priv} {
		for _, id := range []string{"a", "b"} {
			if err := f.p.AddToCollection(ctx, f.ada, c.ID, id); err != nil {
				t.Fatal(err)
			}
		}
	}
	if got := publicSummary(t, f, "ada"); got != "404" {
		t.Errorf("no profile: %s", got)
	}
	if _, err := f.p.UpdateProfile(ctx, f.ada, ProfileInput{Handle: "ada"}); err != nil {
		t.Fatal(err)
	}
	if got := publicSummary(t, f, "ada"); got != "404" {
		t.Errorf("private profile: %s", got)
	}
	if _, err := f.p.UpdateProfile(ctx, f.ada, ProfileInput{Handle: "ada", Public: true}); err != nil {
		t.Fatal(err)
	}
	if got, want := publicSummary(t, f, "ada"), "badges []; Pub []"; got != want {
		t.Errorf("public profile, private badges: %s, want %s", got, want)
	}
	if err := f.p.SetItemVisibility(ctx, f.ada, "b", Public); err != nil {
		t.Fatal(err)
	}
	if got, want := publicSummary(t, f, "ADA"), "badges [b]; Pub [b]"; got != want {
		t.Errorf("one public badge: %s, want %s", got, want)
	}
	wantKind(t, f.p.SetItemVisibility(ctx, f.bob, "a", Public), badge.NotFound)
	wantKind(t, f.p.SetItemVisibility(ctx, f.ada, "d", Public), badge.NotFound)
	wantKind(t, f.p.SetItemVisibility(ctx, f.ada, "a", "everyone"), badge.Invalid)
	if _, b, err := f.p.PublicBadge(ctx, "ada", "b"); err != nil || b.ID != "b" {
		t.Errorf("PublicBadge(b) = %v, %v", b, err)
	}
	for _, id := range []string{"a", "d", "nope"} {
		if _, _, err := f.p.PublicBadge(ctx, "ada", id); !errors.Is(err, badge.NotFound) {
			t.Errorf("PublicBadge(%s): %v", id, err)
		}
	}
	// The earner's preview shows the same, whatever the settings; NotFound without a handle.
	if _, err := f.p.UpdateProfile(ctx, f.ada, ProfileInput{Handle: "ada", Safeguarding: true}); err != nil {
		t.Fatal(err)
	}
	if got := publicSummary(t, f, "ada"); got != "404" {
		t.Errorf("private, safeguarded profile: %s", got)
	}
	pv, err := f.p.PreviewProfile(ctx, f.ada)
	if err != nil || !pv.Hidden || !cmp.Equal(badgeIDs(pv.Badges), []string{"b"}) || len(pv.Collections) != 1 || pv.Collections[0].Name != "Pub" {
		t.Errorf("PreviewProfile = %+v, %v", pv, err)
	}
	if _, err := f.p.PreviewProfile(ctx, f.bob); !errors.Is(err, badge.NotFound) {
		t.Errorf("preview without a profile: %v", err)
	}
	if got := publicSummary(t, f, "a!"); got != "404" {
		t.Errorf("bad handle: %s", got)
	}
}

func testProfileSafeguarding(t *testing.T, f profilesFixture) {
	ctx := context.Background()
	addItem(t, f.st, f.ada, "a", Public, "accepted", nil)
	in := ProfileInput{Handle: "ada", Public: true, Discoverable: true}
	if _, err := f.p.UpdateProfile(ctx, f.ada, in); err != nil {
		t.Fatal(err)
	}
	check := func(what string, wantPublic bool) {
		t.Helper()
		got := publicSummary(t, f, "ada")
		if (got != "404") != wantPublic {
			t.Errorf("%s: public view %q", what, got)
		}
		if _, _, err := f.p.PublicBadge(ctx, "ada", "a"); (err == nil) != wantPublic {
			t.Errorf("%s: public badge: %v", what, err)
		}
		ok, err := f.p.SharingAllowed(ctx, f.ada.ID)
		if err != nil || ok != wantPublic {
			t.Errorf("%s: SharingAllowed = %v, %v", what, ok, err)
		}
	}
	check("open", true)
	// The account's setting.
	in.Safeguarding = true
	if _, err := f.p.UpdateProfile(ctx, f.ada, in); err != nil {
		t.Fatal(err)
	}
	check("account safeguarding", false)
	in.Safeguarding = false
	if _, err := f.p.UpdateProfile(ctx, f.ada, in); err != nil {
		t.Fatal(err)
	}
	check("account safeguarding off", true)
	// The site's setting: administrators only.
	wantKind(t, f.p.SetSiteSafeguarding(ctx, f.ada, true), badge.Forbidden)
	if err := f.p.SetSiteSafeguarding(ctx, f.admin, true); err != nil {
		t.Fatal(err)
	}
	if on, err := f.p.SiteSafeguarding(ctx); !on || err != nil {
		t.Errorf("SiteSafeguarding = %v, %v", on, err)
	}
	check("site safeguarding", false)
	if ok, _ := f.p.SharingAllowed(ctx, f.bob.ID); ok {
		t.Error("site safeguarding: bob (no profile) may share")
	}
	if err := f.p.SetSiteSafeguarding(ctx, f.admin, false); err != nil {
		t.Fatal(err)
	}
	check("site safeguarding off", true)
	if ok, _ := f.p.SharingAllowed(ctx, f.bob.ID); !ok {
		t.Error("bob (no profile) may not share")
	}
}

func testProfileSkillsImports(t *testing.T, f profilesFixture) {
	ctx := context.Background()
	addItem(t, f.st, f.ada, "x", Private, "accepted",
		[]byte(`{"credentialSubject":{"achievement":{"tag":["Sailing"],"alignment":[{"targetName":"Rope","targetUrl":"https://ex.org/rope"}]}}}`))
	addItem(t, f.st, f.ada, "y", Public, "accepted", jwtOf(`{"vc":{"credentialSubject":{"achievement":{"tag":["sailing","Navigation"]}}}}`))
	addItem(t, f.st, f.ada, "z", Public, "declined", []byte(`{"badge":{"tags":["Declined skill"]}}`))
	skills, err := f.p.Skills(ctx, f.ada)
	if err != nil {
		t.Fatal(err)
	}
	summary := func(skills []Skill) []string {
		var out []string
		for _, s := range skills {
			var ids []string
			for _, b := range s.Badges {
				ids = append(ids, b.ItemID)
			}
			out = append(out, fmt.Sprintf("%s%v", s.Name, ids))
		}
		return out
	}
	if got, want := summary(skills), []string{"sailing[y x]", "Navigation[y]", "Rope[x]"}; !cmp.Equal(got, want) { // newest badge first
		t.Errorf("Skills = %v, want %v", got, want)
	}
	if _, err := f.p.UpdateProfile(ctx, f.ada, ProfileInput{Handle: "ada", Public: true}); err != nil {
		t.Fatal(err)
	}
	pp, err := f.p.PublicProfile(ctx, "ada")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := summary(pp.Skills), []string{"Navigation[y]", "sailing[y]"}; !cmp.Equal(got, want) {
		t.Errorf("public skills = %v, want %v", got, want)
	}
}

// testProfileSkillsAward reads the skills of an award of this installation from its signed
// credential (the badge class's tags and alignment).
func testProfileSkillsAward(t *testing.T, newStore func(testing.TB) *store.Store) {
	ctx := context.Background()
	af := newAwards(t, newStore)
	a, err := af.awards.Issue(ctx, af.users["awarder"], emailReq(af.bc.ID, "ada@example.org"))
	if err != nil {
		t.Fatal(err)
	}
	ada := addEarner(t, af.st, "ada@example.org", false)
	w := &store.WalletItem{ID: "aw", UserID: ada.ID, Source: "award", AwardID: a.ID, State: "accepted", CredentialKey: "award:" + a.ID,
		Name: "Welder", VerifyStatus: "verified", VerifyReport: "{}", Visibility: Private, CreatedAt: start, UpdatedAt: start}
	if err := af.st.Update(ctx, func(tx *store.Tx) error { return tx.InsertWalletItem(ctx, w) }); err != nil {
		t.Fatal(err)
	}
	skills, err := NewProfiles(af.st, af.clock).Skills(ctx, ada)
	if err != nil {
		t.Fatal(err)
	}
	badges := []SkillBadge{{ItemID: "aw", Name: "Welder"}}
	want := []Skill{{Name: "ESCO welding", URL: "https://esco.example/welding", Framework: "ESCO", Code: "W1", Badges: badges},
		{Name: "safety", Badges: badges}, {Name: "welding", Badges: badges}}
	if diff := cmp.Diff(want, skills); diff != "" {
		t.Errorf("award skills (-want +got):\n%s", diff)
	}
}
