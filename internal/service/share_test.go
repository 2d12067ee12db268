package service

import (
	"context"
	"errors"
	"net/url"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/store"
	"github.com/rosettebadges/rosette/internal/store/storetest"
)

func TestShares(t *testing.T) {
	storetest.Each(t, func(t *testing.T, newStore func(testing.TB) *store.Store) {
		t.Parallel()
		ctx := context.Background()
		f := newAwards(t, newStore)
		earner := f.users["stranger"]
		a, err := f.awards.Issue(ctx, f.users["awarder"], emailReq(f.bc.ID, earner.Email))
		if err != nil {
			t.Fatal(err)
		}
		sh := NewShares(SharesOptions{Store: f.st, Awards: f.awards, URLs: f.urls, Clock: f.clock, Buffer: 8})

		// The share panel is the earner's only.
		p, err := sh.SharePanel(ctx, earner, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if p.PageURL != "https://badges.example.org/awards/"+a.ID {
			t.Errorf("PageURL %q", p.PageURL)
		}
		q := mustQuery(t, p.LinkedIn)
		if q.Get("name") != "Welder" || q.Get("organizationName") != "Acme" || q.Get("certId") != a.ID ||
			q.Get("certUrl") != p.PageURL || q.Get("expirationYear") == "" {
			t.Errorf("LinkedIn URL %q", p.LinkedIn)
		}
		for who, want := range map[string]badge.Kind{"awarder": badge.Forbidden, "owner": badge.Forbidden} {
			if _, err := sh.SharePanel(ctx, f.users[who], a.ID); badge.KindOf(err) != want {
				t.Errorf("%s: %v, want %s", who, err, want)
			}
		}
		if _, err := sh.SharePanel(ctx, nil, a.ID); !errors.Is(err, badge.Unauthorized) {
			t.Errorf("nobody: %v", err)
		}
		if _, err := sh.SharePanel(ctx, earner, "nope"); !errors.Is(err, badge.NotFound) {
			t.Errorf("no award: %v", err)
		}

		// Share redirects record and lead where we say, never elsewhere.
		target, err := sh.ShareRedirect(ctx, earner, a.ID, ChannelX, "https://Www.Example.COM:8443/page?q=secret")
		if err != nil || mustQuery(t, target).Get("url") != p.PageURL {
			t.Errorf("x: %q, %v", target, err)
		}
		if target, err := sh.ShareRedirect(ctx, nil, a.ID, ChannelLinkedInProfile, ""); err != nil || target != p.LinkedIn {
			t.Errorf("linkedin_profile: %q, %v", target, err)
		}
		if _, err := sh.ShareRedirect(ctx, nil, a.ID, "https://evil.example", ""); !errors.Is(err, badge.NotFound) {
			t.Errorf("bad channel: %v", err)
		}
		// Record refuses what is not an event.
		for _, e := range []ShareEvent{{AwardID: a.ID, Kind: "poke"}, {Kind: EventView}, {AwardID: a.ID, Kind: EventView, Channel: "Bad Channel"}} {
			if sh.Record(e) {
				t.Errorf("recorded %+v", e)
			}
		}
		sh.Record(ShareEvent{AwardID: a.ID, Kind: EventView, Referrer: "android-app://x"})
		sh.Record(ShareEvent{AwardID: a.ID, Kind: EventDownload, Channel: "png"})
		sh.Record(ShareEvent{AwardID: a.ID, Kind: EventEmbedView, Channel: "oembed"})
		if err := sh.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		want := []ShareCount{{Kind: "download", Channel: "png", N: 1}, {Kind: "embed_view", Channel: "oembed", N: 1},
			{Kind: "share", Channel: "linkedin_profile", N: 1}, {Kind: "share", Channel: "x", N: 1}, {Kind: "view", N: 1}}
		got, err := sh.AwardCounts(ctx, f.users["viewer"], a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("AwardCounts (-want +got):\n%s", d)
		}
		got, err = sh.IssuerCounts(ctx, f.users["owner"], f.issuer.ID)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("IssuerCounts (-want +got):\n%s", d)
		}
		if _, err := sh.AwardCounts(ctx, earner, a.ID); !errors.Is(err, badge.Forbidden) {
			t.Errorf("the earner read the issuer's counts: %v", err)
		}
		if _, err := sh.IssuerCounts(ctx, f.users["stranger"], f.issuer.ID); !errors.Is(err, badge.Forbidden) {
			t.Errorf("a stranger read the issuer's counts: %v", err)
		}
		// Only the referrer's host is stored.
		var hosts []string
		if err := f.st.View(ctx, func(tx *store.Tx) error {
			es, err := tx.ShareEventsByAward(ctx, a.ID)
			for _, e := range es {
				if e.Channel == ChannelX {
					hosts = append(hosts, e.ReferrerHost)
					if e.UserID != earner.ID {
						t.Errorf("x share by user %d, want %d", e.UserID, earner.ID)
					}
				}
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff([]string{"www.example.com"}, hosts); d != "" {
			t.Errorf("referrer hosts (-want +got):\n%s", d)
		}

		// A full buffer drops events instead of waiting.
		for range 20 {
			sh.Record(ShareEvent{AwardID: a.ID, Kind: EventView})
		}
		if sh.Dropped() != 12 {
			t.Errorf("Dropped = %d, want 12", sh.Dropped())
		}
		// Run writes what is left when it stops.
		rctx, cancel := context.WithCancel(ctx)
		cancel()
		sh.Run(rctx)
		got, _ = sh.AwardCounts(ctx, f.users["viewer"], a.ID)
		if got[len(got)-1] != (ShareCount{Kind: "view", N: 9}) {
			t.Errorf("after Run: %v", got)
		}
	})
}

func mustQuery(t *testing.T, u string) url.Values {
	t.Helper()
	p, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	return p.Query()
}

func TestReferrerHost(t *testing.T) {
	for in, want := range map[string]string{
		"":                                 "",
		"https://WWW.LinkedIn.com/feed/?x": "www.linkedin.com",
		"http://[::1]:8080/a":              "::1",
		"ftp://example.org/":               "",
		"/relative":                        "",
		"https://user:pw@example.org/":     "example.org",
	} {
		if got := ReferrerHost(in); got != want {
			t.Errorf("ReferrerHost(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFoldEvents(t *testing.T) {
	t0 := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	ch := make(chan store.ShareEvent, 10)
	for i, e := range []store.ShareEvent{
		{AwardID: "a", Kind: "view"}, {AwardID: "a", Kind: "view", ReferrerHost: "x.example"}, {AwardID: "a", Kind: "view"},
		{AwardID: "a", Kind: "view", UserID: 7}, {AwardID: "b", Kind: "view"}, {AwardID: "a", Kind: "view"},
	} {
		e.At = t0.Add(time.Duration(i) * time.Second)
		ch <- e
	}
	batch, n := foldEvents(ch, 5)
	want := []store.ShareEvent{
		{AwardID: "a", Kind: "view", N: 2, At: t0.Add(2 * time.Second)},
		{AwardID: "a", Kind: "view", ReferrerHost: "x.example", N: 1, At: t0.Add(time.Second)},
		{AwardID: "a", Kind: "view", UserID: 7, N: 1, At: t0.Add(3 * time.Second)},
		{AwardID: "b", Kind: "view", N: 1, At: t0.Add(4 * time.Second)},
	}
	if n != 5 {
		t.Errorf("took %d events, want 5 (the maximum)", n)
	}
	if d := cmp.Diff(want, batch); d != "" {
		t.Errorf("folded (-want +got):\n%s", d)
	}
	batch, n = foldEvents(ch, 5)
	if n != 1 || len(batch) != 1 || batch[0].N != 1 {
		t.Errorf("rest: %d %v", n, batch)
	}
	if batch, n := foldEvents(ch, 5); n != 0 || batch != nil {
		t.Errorf("empty: %d %v", n, batch)
	}
}

// TestSharesHoldersAndSafeguarding: the share panel is offered for an award made out to a
// confirmed secondary address of the earner, not for an unconfirmed one, and safeguarding
// (the account's or the site's) turns it and the share links off.
func TestSharesHoldersAndSafeguarding(t *testing.T) {
	storetest.Each(t, func(t *testing.T, newStore func(testing.TB) *store.Store) {
		t.Parallel()
		ctx := context.Background()
		f := newAwards(t, newStore)
		earner := f.users["stranger"]
		addAddress := func(email string, verified bool) {
			t.Helper()
			e := &store.UserEmail{UserID: earner.ID, Email: email, EmailKey: email, CreatedAt: f.clock.Now()}
			if verified {
				e.VerifiedAt = f.clock.Now()
			}
			if err := f.st.Update(ctx, func(tx *store.Tx) error { return tx.InsertUserEmail(ctx, e) }); err != nil {
				t.Fatal(err)
			}
		}
		addAddress("work@example.org", true)
		addAddress("unconfirmed@example.org", false)
		issue := func(email string) string {
			t.Helper()
			a, err := f.awards.Issue(ctx, f.users["awarder"], emailReq(f.bc.ID, email))
			if err != nil {
				t.Fatal(err)
			}
			return a.ID
		}
		work, unconfirmed := issue("work@example.org"), issue("unconfirmed@example.org")
		profiles := NewProfiles(f.st, f.clock)
		sh := NewShares(SharesOptions{Store: f.st, Awards: f.awards, URLs: f.urls, Clock: f.clock, Buffer: 8, Policy: profiles})
		if _, err := sh.SharePanel(ctx, earner, work); err != nil {
			t.Errorf("award to a confirmed secondary address: %v", err)
		}
		if _, err := sh.SharePanel(ctx, earner, unconfirmed); !errors.Is(err, badge.Forbidden) {
			t.Errorf("award to an unconfirmed address: %v", err)
		}

		// Site safeguarding turns sharing off for everyone, and back on.
		if err := profiles.SetSiteSafeguarding(ctx, f.users["admin"], true); err != nil {
			t.Fatal(err)
		}
		if _, err := sh.SharePanel(ctx, earner, work); !errors.Is(err, badge.Forbidden) {
			t.Errorf("share panel under site safeguarding: %v", err)
		}
		if _, err := sh.ShareRedirect(ctx, earner, work, ChannelLinkedInProfile, ""); !errors.Is(err, badge.Forbidden) {
			t.Errorf("share link under site safeguarding: %v", err)
		}
		if err := profiles.SetSiteSafeguarding(ctx, f.users["admin"], false); err != nil {
			t.Fatal(err)
		}
		if _, err := sh.SharePanel(ctx, earner, work); err != nil {
			t.Errorf("share panel after site safeguarding: %v", err)
		}
	})
}

// TestShareEventsWalletItem: a share link followed by an earner who holds the award in their
// wallet records that wallet item; anyone else's share (or a declined item) records none.
func TestShareEventsWalletItem(t *testing.T) {
	storetest.Each(t, func(t *testing.T, newStore func(testing.TB) *store.Store) {
		t.Parallel()
		ctx := context.Background()
		f := newAwards(t, newStore)
		earner := f.users["stranger"]
		issue := func() string {
			t.Helper()
			a, err := f.awards.Issue(ctx, f.users["awarder"], emailReq(f.bc.ID, earner.Email))
			if err != nil {
				t.Fatal(err)
			}
			return a.ID
		}
		held, declined, loose := issue(), issue(), issue()
		if err := f.st.Update(ctx, func(tx *store.Tx) error {
			for id, w := range map[string]struct{ award, state string }{"item-held": {held, "accepted"}, "item-declined": {declined, "declined"}} {
				if err := tx.InsertWalletItem(ctx, &store.WalletItem{ID: id, UserID: earner.ID, Source: "award", AwardID: w.award,
					State: w.state, CredentialKey: "award:" + w.award, VerifyStatus: "unchecked", VerifyReport: "{}",
					Visibility: "private", CreatedAt: f.clock.Now(), UpdatedAt: f.clock.Now()}); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		sh := NewShares(SharesOptions{Store: f.st, Awards: f.awards, URLs: f.urls, Clock: f.clock})
		for _, c := range []struct {
			actor *badge.User
			award string
		}{{earner, held}, {nil, held}, {f.users["owner"], held}, {earner, declined}, {earner, loose}} {
			if _, err := sh.ShareRedirect(ctx, c.actor, c.award, ChannelLinkedInProfile, ""); err != nil {
				t.Fatal(err)
			}
		}
		if err := sh.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		type row struct {
			Award, Item string
			User        int64
		}
		var got []row
		if err := f.st.View(ctx, func(tx *store.Tx) error {
			for _, id := range []string{held, declined, loose} {
				es, err := tx.ShareEventsByAward(ctx, id)
				if err != nil {
					return err
				}
				for _, e := range es {
					got = append(got, row{e.AwardID, e.WalletItemID, e.UserID})
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		want := []row{{held, "item-held", earner.ID}, {held, "", 0}, {held, "", f.users["owner"].ID},
			{declined, "", earner.ID}, {loose, "", earner.ID}}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("share events (-want +got):\n%s", d)
		}
	})
}
