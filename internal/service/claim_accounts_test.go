package service

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/store"
)

// The address and merge rules of Earners (run by TestEarners on both databases).

func testEmailExpiry(t *testing.T, f earnersFixture) {
	ctx := context.Background()
	u := f.user(t, "me@earner.org")
	if _, err := f.earners.AddEmail(ctx, u, "two@earner.org"); err != nil {
		t.Fatal(err)
	}
	link := f.mail.lastLink(t, "two@earner.org")
	f.clock.Advance(EmailVerifyLifetime + time.Second)
	_, err := f.earners.VerifyEmail(ctx, link)
	wantKind(t, err, badge.Invalid)
	es, _ := f.earners.Emails(ctx, u)
	if len(es) != 2 || es[1].Verified || !es[1].Expired {
		t.Fatalf("emails = %+v", es)
	}
	// Adding it again sends a new link; the old one is dead.
	if _, err := f.earners.AddEmail(ctx, u, "two@earner.org"); err != nil {
		t.Fatal(err)
	}
	_, err = f.earners.VerifyEmail(ctx, link)
	wantKind(t, err, badge.NotFound)
	if _, err := f.earners.VerifyEmail(ctx, f.mail.lastLink(t, "two@earner.org")); err != nil {
		t.Fatal(err)
	}
	es, _ = f.earners.Emails(ctx, u)
	if len(es) != 2 || !es[1].Verified {
		t.Fatalf("emails = %+v", es)
	}
	_, err = f.earners.VerifyEmail(ctx, "not-a-token")
	wantKind(t, err, badge.NotFound)
}

func testEmailConflicts(t *testing.T, f earnersFixture) {
	ctx := context.Background()
	a := f.user(t, "a@earner.org")
	b := f.user(t, "b@earner.org")
	_, err := f.earners.AddEmail(ctx, a, "b@earner.org")
	wantKind(t, err, badge.Conflict)
	if !strings.Contains(badge.SafeMessage(err), "merge") {
		t.Errorf("message %q does not point to merging", badge.SafeMessage(err))
	}
	_, err = f.earners.AddEmail(ctx, a, "a@earner.org")
	wantKind(t, err, badge.Conflict)
	_, err = f.earners.AddEmail(ctx, a, "not an address")
	wantKind(t, err, badge.Invalid)
	// Both add the same address; the first to open the link gets it, the other's is void.
	if _, err := f.earners.AddEmail(ctx, a, "shared@earner.org"); err != nil {
		t.Fatal(err)
	}
	linkA := f.mail.lastLink(t, "shared@earner.org")
	if _, err := f.earners.AddEmail(ctx, b, "shared@earner.org"); err != nil {
		t.Fatal(err)
	}
	linkB := f.mail.lastLink(t, "shared@earner.org")
	if _, err := f.earners.VerifyEmail(ctx, linkB); err != nil {
		t.Fatal(err)
	}
	_, err = f.earners.VerifyEmail(ctx, linkA)
	wantKind(t, err, badge.NotFound)
	es, _ := f.earners.Emails(ctx, a)
	if len(es) != 1 {
		t.Errorf("a's emails = %+v", es)
	}
}

func testPrimaryAndRemove(t *testing.T, f earnersFixture) {
	ctx := context.Background()
	u := f.user(t, "one@earner.org")
	if _, err := f.earners.AddEmail(ctx, u, "two@earner.org"); err != nil {
		t.Fatal(err)
	}
	es, _ := f.earners.Emails(ctx, u)
	two := es[1].ID
	wantKind(t, f.earners.MakePrimary(ctx, u, two), badge.Invalid) // not verified yet
	if _, err := f.earners.VerifyEmail(ctx, f.mail.lastLink(t, "two@earner.org")); err != nil {
		t.Fatal(err)
	}
	// An award to the second address, accepted, stays when the address goes.
	id, _ := f.issue(t, "two@earner.org")
	if _, err := f.earners.AcceptPending(ctx, u, id); err != nil {
		t.Fatal(err)
	}
	// Signing in works with either verified address.
	if _, _, err := f.acc.Login(ctx, "two@earner.org", pw, "1.2.3.4"); err != nil {
		t.Fatalf("sign in with the second address: %v", err)
	}
	one := es[0].ID
	wantKind(t, f.earners.RemoveEmail(ctx, u, one), badge.Invalid) // primary
	if err := f.earners.MakePrimary(ctx, u, two); err != nil {
		t.Fatal(err)
	}
	got, _ := f.acc.User(ctx, u.ID)
	if got.Email != "two@earner.org" {
		t.Fatalf("primary = %s", got.Email)
	}
	if err := f.earners.RemoveEmail(ctx, u, one); err != nil {
		t.Fatal(err)
	}
	wantKind(t, f.earners.RemoveEmail(ctx, u, two), badge.Invalid) // primary, and the last verified
	if items := f.wallet(t, u); len(items) != 1 || items[0].AwardID != id {
		t.Fatalf("wallet after removing the address = %+v", items)
	}
	// Another account's address row is not ours to touch.
	other := f.user(t, "other@earner.org")
	oes, _ := f.earners.Emails(ctx, other)
	wantKind(t, f.earners.RemoveEmail(ctx, u, oes[0].ID), badge.NotFound)
	wantKind(t, f.earners.MakePrimary(ctx, u, oes[0].ID), badge.NotFound)
}

func testMerge(t *testing.T, f earnersFixture) {
	ctx := context.Background()
	keep := f.user(t, "keep@earner.org")
	gone := f.user(t, "gone@earner.org")
	// gone holds: an award accepted, an extra verified address, an imported item also in
	// keep's wallet, a declined award keep has accepted... and a higher role on the issuer.
	idA, tokA := f.issue(t, "gone@earner.org")
	if _, err := f.earners.Accept(ctx, gone, tokA); err != nil {
		t.Fatal(err)
	}
	if _, err := f.earners.AddEmail(ctx, gone, "gone2@earner.org"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.earners.VerifyEmail(ctx, f.mail.lastLink(t, "gone2@earner.org")); err != nil {
		t.Fatal(err)
	}
	now := f.clock.Now()
	err := f.st.Update(ctx, func(tx *store.Tx) error {
		for i, uid := range []int64{keep.ID, gone.ID} {
			it := &store.WalletItem{ID: "imp" + string(rune('a'+i)), UserID: uid, Source: "import", State: "accepted",
				CredentialKey: "same-credential", Name: "Imported", VerifyStatus: "unchecked", VerifyReport: "{}",
				Visibility: "private", CreatedAt: now, UpdatedAt: now}
			if err := tx.InsertWalletItem(ctx, it); err != nil {
				return err
			}
		}
		if err := tx.InsertMember(ctx, f.issuer.ID, keep.ID, "viewer", now); err != nil {
			return err
		}
		return tx.InsertMember(ctx, f.issuer.ID, gone.ID, "editor", now)
	})
	if err != nil {
		t.Fatal(err)
	}
	_, goneSess, err := f.acc.Login(ctx, "gone@earner.org", pw, "1.2.3.4")
	if err != nil {
		t.Fatal(err)
	}
	res, err := f.earners.Merge(ctx, keep, "GONE2@earner.org", pw, "1.2.3.4")
	if err != nil {
		t.Fatal(err)
	}
	if res.MergedID != gone.ID {
		t.Fatalf("merged %+v", res)
	}
	items := f.wallet(t, keep)
	var awardItems, imported int
	for _, it := range items {
		if it.AwardID == idA {
			awardItems++
		}
		if it.CredentialKey == "same-credential" {
			imported++
		}
	}
	if len(items) != 2 || awardItems != 1 || imported != 1 {
		t.Fatalf("wallet after merge = %d items (%d award, %d imported)", len(items), awardItems, imported)
	}
	es, _ := f.earners.Emails(ctx, keep)
	var addrs []string
	for _, e := range es {
		if !e.Verified {
			t.Errorf("%s not verified", e.Email)
		}
		addrs = append(addrs, e.Email)
	}
	if strings.Join(addrs, ",") != "keep@earner.org,gone@earner.org,gone2@earner.org" {
		t.Errorf("addresses = %v", addrs)
	}
	if _, err := f.acc.User(ctx, gone.ID); badge.KindOf(err) != badge.NotFound {
		t.Errorf("merged account still there: %v", err)
	}
	if _, err := f.acc.SessionUser(ctx, goneSess.Token); badge.KindOf(err) != badge.Unauthorized {
		t.Errorf("merged account's session still works: %v", err)
	}
	var role string
	var events []*store.AuditEvent
	err = f.st.View(ctx, func(tx *store.Tx) error {
		var err error
		if role, err = tx.MemberRole(ctx, f.issuer.ID, keep.ID); err != nil {
			return err
		}
		events, err = tx.ListAuditEvents(ctx, 0, 100)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if role != "editor" {
		t.Errorf("role after merge = %s, want the higher (editor)", role)
	}
	found := false
	for _, e := range events {
		found = found || e.Action == "user.merge"
	}
	if !found {
		t.Error("no user.merge audit event")
	}
	// The merged account's addresses now sign in to the kept one.
	u, _, err := f.acc.Login(ctx, "gone@earner.org", pw, "1.2.3.4")
	if err != nil || u.ID != keep.ID {
		t.Errorf("sign in with a merged address: %v, %v", u, err)
	}
}

func testMergeRefusals(t *testing.T, f earnersFixture) {
	ctx := context.Background()
	keep := f.user(t, "keep@earner.org")
	other := f.user(t, "other@earner.org")
	_, err := f.earners.Merge(ctx, keep, "other@earner.org", "wrong password!!", "1.2.3.4")
	wantKind(t, err, badge.Unauthorized)
	_, err = f.earners.Merge(ctx, keep, "nobody@earner.org", pw, "1.2.3.4")
	wantKind(t, err, badge.Unauthorized)
	_, err = f.earners.Merge(ctx, keep, "keep@earner.org", pw, "1.2.3.4")
	wantKind(t, err, badge.Invalid)
	_, err = f.earners.Merge(ctx, nil, "other@earner.org", pw, "1.2.3.4")
	wantKind(t, err, badge.Unauthorized)
	if _, err := f.acc.User(ctx, other.ID); err != nil {
		t.Fatalf("refused merges deleted the account: %v", err)
	}
	for range 5 {
		f.earners.Merge(ctx, keep, "other@earner.org", "wrong password!!", "1.2.3.4")
	}
	_, err = f.earners.Merge(ctx, keep, "other@earner.org", pw, "1.2.3.4")
	wantKind(t, err, badge.TooMany)
}
