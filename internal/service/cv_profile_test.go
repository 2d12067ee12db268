package service

import (
	"context"
	"testing"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/store"
	"github.com/rosettebadges/rosette/internal/store/storetest"
)

// TestCVProfileParts plugs the profile service into CVs and the export: skills, the public
// badge page used as a QR target, the safeguarding switch, and the export's profile parts.
func TestCVProfileParts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, newStore func(testing.TB) *store.Store) {
		ctx := context.Background()
		f := newCVFixture(t, newStore)
		profiles := NewProfiles(f.st, f.clock)
		cvs := NewCVs(CVsOptions{Store: f.st, Awards: f.awards, URLs: f.urls, Clock: f.clock,
			Skills: ProfileCVSkills(profiles), PublicItemURL: ProfileBadgeURLs(profiles, f.urls), SharingAllowed: profiles.SharingAllowed})
		c, err := cvs.Create(ctx, f.earner, "With profile")
		if err != nil {
			t.Fatal(err)
		}
		for _, in := range []SectionInput{{Kind: SectionBadges, Items: []string{"item-private"}}, {Kind: SectionSkills}} {
			if _, err := cvs.AddSection(ctx, f.earner, c.ID, in); err != nil {
				t.Fatal(err)
			}
		}
		qr := func() string {
			t.Helper()
			doc, err := cvs.Document(ctx, f.earner, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			return doc.Sections[0].Badges[0].VerifyURL
		}
		// No public profile: no page, so no QR code.
		if u := qr(); u != "" {
			t.Errorf("QR without a public profile: %q", u)
		}
		if _, err := profiles.UpdateProfile(ctx, f.earner, ProfileInput{Handle: "ada-earner", Public: true}); err != nil {
			t.Fatal(err)
		}
		if err := profiles.SetItemVisibility(ctx, f.earner, "item-private", Public); err != nil {
			t.Fatal(err)
		}
		if u, want := qr(), f.urls.Base+"/u/ada-earner/badges/item-private"; u != want {
			t.Errorf("QR = %q, want %q", u, want)
		}
		// The skills section gathers the award's tags and alignments (the fixture's badge class).
		doc, _ := cvs.Document(ctx, f.earner, c.ID)
		names := map[string]bool{}
		for _, k := range doc.Sections[1].Skills {
			names[k.Name] = true
		}
		if !names["welding"] || !names["safety"] || !names["ESCO welding"] {
			t.Errorf("skills = %+v", doc.Sections[1].Skills)
		}
		// Safeguarding on the site: no sharing, links dead, no public badge page.
		tok, err := cvs.Share(ctx, f.earner, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := profiles.SetSiteSafeguarding(ctx, f.users["admin"], true); err != nil {
			t.Fatal(err)
		}
		if _, err := cvs.SharedDocument(ctx, tok); !hasKind(err, badge.NotFound) {
			t.Errorf("shared CV under safeguarding: %v", err)
		}
		if _, err := cvs.Share(ctx, f.earner, c.ID); !hasKind(err, badge.Forbidden) {
			t.Errorf("share under safeguarding: %v", err)
		}
		if u := qr(); u != "" {
			t.Errorf("QR under safeguarding: %q", u)
		}
		// The export's profile parts.
		for _, src := range ProfileExportSources(profiles) {
			v, err := src.AccountData(ctx, f.earner.ID)
			if err != nil {
				t.Fatalf("%s: %v", src.AccountDataKey(), err)
			}
			if m, ok := v.(map[string]any); src.AccountDataKey() == "profile" && (!ok || m["handle"] != "ada-earner") {
				t.Errorf("profile part = %v", v)
			}
		}
	})
}
