package service

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/store"
	"github.com/rosettebadges/rosette/internal/store/storetest"
)

func TestAwardEarner(t *testing.T) {
	storetest.Each(t, func(t *testing.T, newStore func(testing.TB) *store.Store) {
		for name, f := range map[string]func(*testing.T, func(testing.TB) *store.Store){
			"Credential":  testAwardCredential,
			"ClaimTarget": testAwardClaimTarget,
			"HideName":    testAwardHideName,
		} {
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				f(t, newStore)
			})
		}
	})
}

// testAwardCredential: the one-query credential read returns the signed credential, says
// "being issued" before signing and NotFound for no award.
func testAwardCredential(t *testing.T, newStore func(testing.TB) *store.Store) {
	ctx := context.Background()
	f := newAwards(t, newStore)
	a, err := f.awards.Issue(ctx, f.users["awarder"], emailReq(f.bc.ID, "ada@example.org"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := f.awards.Public(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	c, err := f.awards.Credential(ctx, a.ID)
	if err != nil || string(c) != string(p.Credential) {
		t.Errorf("Credential: %v; equal to Public's: %v", err, string(c) == string(p.Credential))
	}
	if _, err := f.awards.Credential(ctx, "nope"); !errors.Is(err, badge.NotFound) {
		t.Errorf("unknown award: %v", err)
	}
	reqs := []badge.AwardRequest{emailReq(f.bc.ID, "b@example.org")}
	reqs[0], _ = reqs[0].Normalize(f.clock.Now())
	out := make([]*badge.Award, 1)
	if err := f.st.Update(ctx, func(tx *store.Tx) error {
		_, err := f.awards.record(ctx, tx, f.users["awarder"], reqs, out, f.awards.now())
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.awards.Credential(ctx, out[0].ID); !errors.Is(err, badge.Unavailable) {
		t.Errorf("unsigned award: %v, want Unavailable", err)
	}
}

// testAwardClaimTarget follows the claim link of the notification to its award; other
// tokens are NotFound.
func testAwardClaimTarget(t *testing.T, newStore func(testing.TB) *store.Store) {
	ctx := context.Background()
	f := newAwards(t, newStore)
	req := emailReq(f.bc.ID, "ada@example.org")
	req.Notify = true
	a, err := f.awards.Issue(ctx, f.users["awarder"], req)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.notices.sent) != 1 {
		t.Fatalf("%d notices", len(f.notices.sent))
	}
	token := strings.TrimPrefix(f.notices.sent[0].ClaimURL, f.urls.Base+"/claim/")
	if id, err := f.awards.ClaimTarget(ctx, token); err != nil || id != a.ID {
		t.Errorf("ClaimTarget = %q, %v; want %q", id, err, a.ID)
	}
	for _, bad := range []string{"", "x", token + "x", strings.Repeat("a", 1000), tokenHash(token)} {
		if _, err := f.awards.ClaimTarget(ctx, bad); !errors.Is(err, badge.NotFound) {
			t.Errorf("ClaimTarget(%.20q): %v, want NotFound", bad, err)
		}
	}
}

// testAwardHideName: the recipient and staff who may award can hide and show the name; others
// cannot; each change is audited.
func testAwardHideName(t *testing.T, newStore func(testing.TB) *store.Store) {
	ctx := context.Background()
	f := newAwards(t, newStore)
	// Awarded to the stranger's address: the stranger is the earner, with no role at Acme.
	a, err := f.awards.Issue(ctx, f.users["awarder"], emailReq(f.bc.ID, "Stranger@X.org"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		who    string
		hidden bool
		want   error
	}{
		{"", true, badge.Unauthorized},
		{"viewer", true, badge.Forbidden},
		{"editor", true, badge.Forbidden},
		{"stranger", true, nil},
		{"stranger", true, nil}, // again: no change
		{"awarder", false, nil},
		{"owner", true, nil},
		{"admin", false, nil},
	} {
		got, err := f.awards.SetRecipientNameHidden(ctx, f.users[tc.who], a.ID, tc.hidden)
		if tc.want != nil {
			if !errors.Is(err, tc.want) {
				t.Errorf("%s: %v, want %v", tc.who, err, tc.want)
			}
			continue
		}
		if err != nil || got.RecipientNameHidden != tc.hidden {
			t.Errorf("%s hides %v: %+v, %v", tc.who, tc.hidden, got, err)
		}
		p, err := f.awards.Public(ctx, a.ID)
		if err != nil || p.Award.RecipientNameHidden != tc.hidden || p.Award.Recipient.Name != "Ada Lovelace" {
			t.Errorf("%s: public award hidden=%v name=%q, %v", tc.who, p.Award.RecipientNameHidden, p.Award.Recipient.Name, err)
		}
	}
	if _, err := f.awards.SetRecipientNameHidden(ctx, f.users["admin"], "nope", true); !errors.Is(err, badge.NotFound) {
		t.Errorf("unknown award: %v", err)
	}
	var events int
	if err := f.st.View(ctx, func(tx *store.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_events WHERE action = $1`, "award.recipient_name_hidden").Scan(&events)
	}); err != nil {
		t.Fatal(err)
	}
	if events != 4 {
		t.Errorf("%d audit events, want 4 (one per change)", events)
	}
}
