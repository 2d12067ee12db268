package service

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/store"
	"github.com/rosettebadges/rosette/internal/store/storetest"
)

type badgeClassesFixture struct {
	issuersFixture
	bcs    *BadgeClasses
	issuer *badge.Issuer
}

// newBadgeClasses makes an issuer owned by "owner" with an editor, awarder and viewer (users
// of those names), and a "stranger" who is not staff.
func newBadgeClasses(t testing.TB, newStore func(testing.TB) *store.Store) badgeClassesFixture {
	t.Helper()
	ctx := context.Background()
	f := newIssuers(t, newStore, "owner", "editor", "awarder", "viewer", "stranger")
	iss, err := f.svc.Create(ctx, f.users["admin"], badge.IssuerFields{Name: "Acme"}, f.users["owner"].ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []badge.Role{badge.RoleEditor, badge.RoleAwarder, badge.RoleViewer} {
		if _, err := f.svc.AddMember(ctx, f.users["owner"], iss.ID, string(r)+"@x.org", r); err != nil {
			t.Fatal(err)
		}
	}
	return badgeClassesFixture{issuersFixture: f, bcs: NewBadgeClasses(f.st, f.clock, nil), issuer: iss}
}

func testPNG(t testing.TB, side int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, side, side))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func classFields(name string) badge.BadgeClassFields {
	return badge.BadgeClassFields{Name: name, Description: "Shows " + name + ".", CriteriaNarrative: "Do **it**."}
}

func TestBadgeClasses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, newStore func(testing.TB) *store.Store) {
		for name, f := range map[string]func(*testing.T, func(testing.TB) *store.Store){
			"Matrix":     testBadgeClassMatrix,
			"Versions":   testBadgeClassVersions,
			"Validation": testBadgeClassValidation,
			"Race":       testBadgeClassRace,
		} {
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				f(t, newStore)
			})
		}
	})
}

// testBadgeClassMatrix checks every role, a site admin and a stranger against badge.Can for
// design (Create, Update) and view (Get, ListForIssuer, Versions, Version).
func testBadgeClassMatrix(t *testing.T, newStore func(testing.TB) *store.Store) {
	ctx := context.Background()
	f := newBadgeClasses(t, newStore)
	bc, err := f.bcs.Create(ctx, f.users["owner"], f.issuer.ID, classFields("Base"), testPNG(t, 8))
	if err != nil {
		t.Fatal(err)
	}
	do := map[badge.Action]func(u *badge.User) error{
		badge.ActDesignBadge: func(u *badge.User) error {
			if _, err := f.bcs.Create(ctx, u, f.issuer.ID, classFields("By "+u.Name), testPNG(t, 8)); err != nil {
				return err
			}
			_, err := f.bcs.Update(ctx, u, bc.ID, classFields("Base by "+u.Name), nil)
			return err
		},
		badge.ActView: func(u *badge.User) error {
			if _, err := f.bcs.Get(ctx, u, bc.ID); err != nil {
				return err
			}
			if _, err := f.bcs.ListForIssuer(ctx, u, f.issuer.ID); err != nil {
				return err
			}
			if _, err := f.bcs.Versions(ctx, u, bc.ID); err != nil {
				return err
			}
			_, err := f.bcs.Version(ctx, u, bc.ID, 1)
			return err
		},
	}
	roles := map[string]badge.Role{"owner": badge.RoleOwner, "editor": badge.RoleEditor, "awarder": badge.RoleAwarder, "viewer": badge.RoleViewer, "stranger": ""}
	for who, role := range map[string]badge.Role{"admin": "", "owner": "", "editor": "", "awarder": "", "viewer": "", "stranger": ""} {
		if r, ok := roles[who]; ok {
			role = r
		}
		for act, fn := range do {
			want := badge.Can(who == "admin", role, act)
			err := fn(f.users[who])
			switch {
			case want && err != nil:
				t.Errorf("%s %s: %v, want allowed", who, act, err)
			case !want && !errors.Is(err, badge.Forbidden):
				t.Errorf("%s %s: %v, want Forbidden", who, act, err)
			}
		}
	}
	if _, err := f.bcs.Get(ctx, nil, bc.ID); !errors.Is(err, badge.Unauthorized) {
		t.Errorf("Get(nil actor) = %v", err)
	}
	if _, err := f.bcs.Get(ctx, f.users["admin"], "nope"); !errors.Is(err, badge.NotFound) {
		t.Errorf("Get(nope) = %v", err)
	}
	if _, err := f.bcs.Create(ctx, f.users["admin"], "nope", classFields("X"), testPNG(t, 8)); !errors.Is(err, badge.NotFound) {
		t.Errorf("Create(no issuer) = %v", err)
	}
	list, err := f.bcs.ListForIssuer(ctx, f.users["viewer"], f.issuer.ID)
	if err != nil || len(list) != 4 { // Base + admin, owner, editor
		t.Errorf("ListForIssuer = %d, %v; want 4", len(list), err)
	}
}

// testBadgeClassVersions checks that each update makes a new immutable version, that an
// unchanged update makes none, and the audit events.
func testBadgeClassVersions(t *testing.T, newStore func(testing.TB) *store.Store) {
	ctx := context.Background()
	f := newBadgeClasses(t, newStore)
	ed := f.users["editor"]
	svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script><circle r="4"/></svg>`)
	f1 := classFields("Go")
	f1.Tags = []string{"go"}
	f1.Expiry = badge.Expiry{Kind: badge.ExpiryDuration, Count: 1, Unit: "years"}
	bc, err := f.bcs.Create(ctx, ed, f.issuer.ID, f1, svg)
	if err != nil {
		t.Fatal(err)
	}
	img, err := f.bcs.Image(ctx, bc.ImageID)
	if err != nil {
		t.Fatal(err)
	}
	if img.MediaType != "image/svg+xml" || strings.Contains(string(img.Bytes), "script") || strings.Contains(string(img.Bytes), "onload") {
		t.Errorf("stored image %s: %s", img.MediaType, img.Bytes)
	}
	v1 := bc.ImageID
	f.clock.Advance(time.Hour)
	f2 := f1
	f2.Name, f2.Tags = "Go Pro", []string{"go", "pro"}
	bc2, err := f.bcs.Update(ctx, ed, bc.ID, f2, nil)
	if err != nil {
		t.Fatal(err)
	}
	if bc2.Version != 2 || bc2.ImageID != v1 || bc2.Fields.Name != "Go Pro" || !bc2.UpdatedAt.Equal(start.Add(time.Hour)) || !bc2.CreatedAt.Equal(start) {
		t.Errorf("after update: %+v", bc2)
	}
	// Nothing changed: no new version.
	if same, err := f.bcs.Update(ctx, ed, bc.ID, f2, nil); err != nil || same.Version != 2 {
		t.Errorf("unchanged Update = %+v, %v", same, err)
	}
	// A new image alone makes a new version.
	png8 := testPNG(t, 8)
	bc3, err := f.bcs.Update(ctx, ed, bc.ID, f2, png8)
	if err != nil || bc3.Version != 3 || bc3.ImageID == v1 {
		t.Fatalf("image Update = %+v, %v", bc3, err)
	}
	// A bad update changes nothing.
	if _, err := f.bcs.Update(ctx, ed, bc.ID, badge.BadgeClassFields{}, nil); !errors.Is(err, badge.Invalid) {
		t.Errorf("bad Update = %v", err)
	}
	vs, err := f.bcs.Versions(ctx, f.users["viewer"], bc.ID)
	if err != nil {
		t.Fatal(err)
	}
	got := []string{}
	for _, v := range vs {
		got = append(got, v.Fields.Name+"|"+v.ImageID[:8]+"|"+v.CreatedBy+"|"+v.CreatedAt.Format(time.TimeOnly))
	}
	uid := "user:" + strconv.FormatInt(ed.ID, 10)
	want := []string{"Go|" + v1[:8] + "|" + uid + "|09:00:00", "Go Pro|" + v1[:8] + "|" + uid + "|10:00:00", "Go Pro|" + bc3.ImageID[:8] + "|" + uid + "|10:00:00"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("versions (-want +got):\n%s", d)
	}
	// Version 1 is still exactly what was created.
	old, err := f.bcs.Version(ctx, f.users["viewer"], bc.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(bc.Fields, old.Fields); d != "" {
		t.Errorf("version 1 changed (-created +now):\n%s", d)
	}
	if _, err := f.bcs.Version(ctx, f.users["viewer"], bc.ID, 4); !errors.Is(err, badge.NotFound) {
		t.Errorf("Version(4) = %v", err)
	}
	if cur, err := f.bcs.Get(ctx, f.users["viewer"], bc.ID); err != nil || cur.Version != 3 || cur.Fields.Name != "Go Pro" {
		t.Errorf("Get = %+v, %v", cur, err)
	}
	if p, err := f.bcs.Image(ctx, bc3.ImageID); err != nil || !bytes.Equal(p.Bytes, png8) || p.MediaType != "image/png" {
		t.Errorf("Image(png) = %v", err)
	}
	if _, err := f.bcs.Image(ctx, "nope"); !errors.Is(err, badge.NotFound) {
		t.Errorf("Image(nope) = %v", err)
	}
	var actions []string
	if err := f.st.View(ctx, func(tx *store.Tx) error {
		evs, err := tx.ListAuditEvents(ctx, 0, 100)
		for _, e := range evs {
			if e.Subject == "badge_class:"+bc.ID {
				actions = append(actions, e.Action)
			}
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"badge_class.update", "badge_class.update", "badge_class.create"}, actions); d != "" {
		t.Errorf("audit (-want +got):\n%s", d)
	}
}

func testBadgeClassValidation(t *testing.T, newStore func(testing.TB) *store.Store) {
	ctx := context.Background()
	f := newBadgeClasses(t, newStore)
	tests := []struct {
		name   string
		fields badge.BadgeClassFields
		image  []byte
		want   []string
	}{
		{"no image", classFields("A"), nil, []string{"image"}},
		{"bad image and name", badge.BadgeClassFields{Description: "d", CriteriaURL: "https://x.org"}, []byte("GIF89a"), []string{"image", "name"}},
		{"doctype svg", classFields("A"), []byte(`<!DOCTYPE svg><svg xmlns="http://www.w3.org/2000/svg"/>`), []string{"image"}},
		{"big png", classFields("A"), testPNG(t, 2049), []string{"image"}},
	}
	for _, tt := range tests {
		_, err := f.bcs.Create(ctx, f.users["owner"], f.issuer.ID, tt.fields, tt.image)
		var got []string
		for k := range badge.FieldMessages(err) {
			got = append(got, k)
		}
		if !errors.Is(err, badge.Invalid) || len(got) != len(tt.want) {
			t.Errorf("%s: %v (fields %v), want Invalid on %v", tt.name, err, got, tt.want)
		}
	}
	if list, err := f.bcs.ListForIssuer(ctx, f.users["owner"], f.issuer.ID); err != nil || len(list) != 0 {
		t.Errorf("after bad input: %d badge classes, %v", len(list), err)
	}
}

// testBadgeClassRace updates one badge class from several goroutines: every call either
// succeeds or is a Conflict (never an internal error), and the versions are 1..n without gaps.
func testBadgeClassRace(t *testing.T, newStore func(testing.TB) *store.Store) {
	ctx := context.Background()
	f := newBadgeClasses(t, newStore)
	bc, err := f.bcs.Create(ctx, f.users["owner"], f.issuer.ID, classFields("R"), testPNG(t, 4))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok := 0
	for i := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := f.bcs.Update(ctx, f.users["editor"], bc.ID, classFields("R"+strconv.Itoa(i)), nil)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				ok++
			case !errors.Is(err, badge.Conflict):
				t.Errorf("concurrent Update: %v", err)
			}
		}()
	}
	wg.Wait()
	vs, err := f.bcs.Versions(ctx, f.users["owner"], bc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != ok+1 {
		t.Errorf("%d versions after %d successful updates", len(vs), ok)
	}
	for i, v := range vs {
		if v.Version != i+1 {
			t.Errorf("version %d at %d", v.Version, i)
		}
	}
}
