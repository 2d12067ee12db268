package service

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/rosettebadges/rosette/internal/testenv"
	"testing"
	"time"

	"github.com/rosettebadges/rosette/internal/jobs"
	"github.com/rosettebadges/rosette/internal/store"
	"github.com/rosettebadges/rosette/openbadges/verify"
)

func testWalletRecheckRevoke(t *testing.T, f walletFixture) {
	ctx := context.Background()
	p := newOtherPlatform(t)
	kept, _, err := f.wallet.Add(ctx, f.earner, WalletInput{URL: p.assertionURL("kept"), Source: "import"})
	if err != nil {
		t.Fatal(err)
	}
	baked, _, err := f.wallet.Add(ctx, f.earner, WalletInput{Data: bakeFixture(t, fixtureHeart, p.assertionURL("baked")), Source: "import"})
	if err != nil {
		t.Fatal(err)
	}
	if baked.VerifyStatus != WalletVerified {
		t.Fatalf("status %q", baked.VerifyStatus)
	}
	// Nothing is due yet.
	if n, err := f.wallet.RecheckDue(ctx); n != 0 || err != nil {
		t.Fatalf("RecheckDue before due = %d, %v", n, err)
	}
	p.set(func() { p.revoked["/assertions/baked.json"] = true })
	f.clock.Advance(25 * time.Hour)
	if n, err := f.wallet.RecheckDue(ctx); n != 2 || err != nil {
		t.Fatalf("RecheckDue = %d, %v", n, err)
	}
	got, _ := f.wallet.Item(ctx, f.earner, baked.ID)
	if got.VerifyStatus != WalletRevoked || !got.NextCheckAt.IsZero() || !got.CheckedAt.Equal(f.clock.Now()) {
		t.Errorf("revoked item: status %q next %v checked %v", got.VerifyStatus, got.NextCheckAt, got.CheckedAt)
	}
	if rep := f.wallet.Report(got); rep == nil || rep.Verdict != verify.Revoked {
		t.Errorf("report %+v", rep)
	}
	other, _ := f.wallet.Item(ctx, f.earner, kept.ID)
	if other.VerifyStatus != WalletVerified || !other.NextCheckAt.Equal(f.clock.Now().Add(24*time.Hour)) {
		t.Errorf("kept item: status %q next %v", other.VerifyStatus, other.NextCheckAt)
	}
	// "Check again" by the earner sees it too, at once.
	p.set(func() { p.revoked["/assertions/kept.json"] = true })
	now, err := f.wallet.Check(ctx, f.earner, kept.ID)
	if err != nil || now.VerifyStatus != WalletRevoked {
		t.Errorf("Check = %+v, %v", now, err)
	}
}

func testWalletRecheckExpiry(t *testing.T, f walletFixture) {
	ctx := context.Background()
	until := start.Add(36 * time.Hour).Format(time.RFC3339)
	item, _, err := f.wallet.Add(ctx, f.earner, WalletInput{Data: []byte(signedOB3JWT(t, "urn:uuid:9d7e3f40-1111-4222-8333-944455556666", "Short", "2026-01-01T00:00:00Z", until)), Source: "import"})
	if err != nil {
		t.Fatal(err)
	}
	if item.VerifyStatus != WalletVerified || !item.ExpiresAt.Equal(start.Add(36*time.Hour)) || !item.NextCheckAt.Equal(start.Add(24*time.Hour)) {
		t.Fatalf("item status %q expires %v next %v", item.VerifyStatus, item.ExpiresAt, item.NextCheckAt)
	}
	f.clock.Advance(24 * time.Hour)
	if n, _ := f.wallet.RecheckDue(ctx); n != 1 {
		t.Fatalf("first re-check: %d", n)
	}
	got, _ := f.wallet.Item(ctx, f.earner, item.ID)
	if got.VerifyStatus != WalletVerified || !got.NextCheckAt.Equal(got.ExpiresAt) {
		t.Errorf("before expiry: status %q next %v (want the expiry date)", got.VerifyStatus, got.NextCheckAt)
	}
	f.clock.Advance(12 * time.Hour)
	before := f.verifier.n.Load()
	if n, _ := f.wallet.RecheckDue(ctx); n != 1 {
		t.Fatalf("second re-check: %d", n)
	}
	if f.verifier.n.Load() != before {
		t.Error("an expiry was checked with the verifier")
	}
	got, _ = f.wallet.Item(ctx, f.earner, item.ID)
	if got.VerifyStatus != WalletExpired || !got.NextCheckAt.IsZero() {
		t.Errorf("after expiry: status %q next %v", got.VerifyStatus, got.NextCheckAt)
	}

	// A badge that is both changed (invalid) and past its expiry date stays invalid and is
	// checked again a day later, not at once again and again.
	var m map[string]any
	json.Unmarshal(testenv.ReadFixture(t, fixtureOB3), &m)
	m["id"], m["name"], m["validUntil"] = "urn:uuid:1e2d3c4b-0000-4000-8000-00000000000f", "Changed", "2026-02-01T00:00:00Z"
	changed, _ := json.Marshal(m)
	bad, _, err := f.wallet.Add(ctx, f.earner, WalletInput{Data: changed, Source: "import"})
	if err != nil {
		t.Fatal(err)
	}
	if bad.VerifyStatus != WalletInvalid || !bad.NextCheckAt.Equal(f.clock.Now().Add(24*time.Hour)) {
		t.Errorf("changed and expired: status %q next in %v", bad.VerifyStatus, bad.NextCheckAt.Sub(f.clock.Now()))
	}
	f.clock.Advance(24 * time.Hour)
	if n, _ := f.wallet.RecheckDue(ctx); n != 1 {
		t.Errorf("re-check of the changed badge: %d checks, want 1", n)
	}
}

func testWalletUnreachable(t *testing.T, f walletFixture) {
	ctx := context.Background()
	p := newOtherPlatform(t)
	item, _, err := f.wallet.Add(ctx, f.earner, WalletInput{Data: []byte(p.assertion("a")), Source: "import"})
	if err != nil {
		t.Fatal(err)
	}
	p.set(func() { p.down = true })
	f.clock.Advance(24 * time.Hour)
	for i, wait := range []time.Duration{time.Hour, 2 * time.Hour, 4 * time.Hour} {
		if n, err := f.wallet.RecheckDue(ctx); n != 1 || err != nil {
			t.Fatalf("re-check %d: %d, %v", i, n, err)
		}
		got, _ := f.wallet.Item(ctx, f.earner, item.ID)
		if got.VerifyStatus != WalletUnreachable || !got.NextCheckAt.Equal(f.clock.Now().Add(wait)) {
			t.Errorf("re-check %d: status %q next in %v, want %v", i, got.VerifyStatus, got.NextCheckAt.Sub(f.clock.Now()), wait)
		}
		f.clock.Advance(wait)
	}
	// The same assertion pasted while its issuer is down is the same item.
	again, created, err := f.wallet.Add(ctx, f.earner, WalletInput{Data: []byte(p.assertion("a")), Source: "import"})
	if err != nil || created || again.ID != item.ID || again.VerifyStatus != WalletUnreachable {
		t.Fatalf("pasted again while down: created %v, %+v, %v", created, again, err)
	}
	p.set(func() { p.down = false })
	f.clock.Advance(time.Hour)
	f.wallet.RecheckDue(ctx)
	if got, _ := f.wallet.Item(ctx, f.earner, item.ID); got.VerifyStatus != WalletVerified || !got.NextCheckAt.Equal(f.clock.Now().Add(24*time.Hour)) {
		t.Errorf("back: status %q next %v", got.VerifyStatus, got.NextCheckAt)
	}
}

// testWalletRecheckJob: the job runs the due checks and queues its next run; a second node
// scheduling the same slot adds nothing.
func testWalletRecheckJob(t *testing.T, f walletFixture) {
	ctx := context.Background()
	p := newOtherPlatform(t)
	q := jobs.New(f.st, nil, f.clock, jobs.Options{})
	w := NewWallet(WalletOptions{Store: f.st, Verifier: f.verifier, Clock: f.clock, Queue: q})
	w.Register()
	item, _, err := w.Add(ctx, f.earner, WalletInput{URL: p.assertionURL("job"), Source: "import"})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := w.ScheduleRecheck(ctx); err != nil {
			t.Fatal(err)
		}
	}
	counts := func() map[string]int64 {
		t.Helper()
		var c map[string]int64
		if err := f.st.View(ctx, func(tx *store.Tx) error { c, err = tx.CountJobs(ctx); return err }); err != nil {
			t.Fatal(err)
		}
		return c
	}
	if c := counts(); c["pending"] != 1 {
		t.Fatalf("jobs after scheduling twice: %v", c)
	}
	p.set(func() { p.revoked["/assertions/job.json"] = true })
	f.clock.Advance(25 * time.Hour)
	if ran, err := q.WorkOne(ctx); err != nil || !ran {
		t.Fatalf("WorkOne = %v, %v", ran, err)
	}
	if got, _ := w.Item(ctx, f.earner, item.ID); got.VerifyStatus != WalletRevoked {
		t.Errorf("after the job: %q", got.VerifyStatus)
	}
	if c := counts(); c["pending"] != 1 || c["done"] != 1 {
		t.Errorf("jobs after one run: %v (the next run should be queued)", c)
	}
	if ran, _ := q.WorkOne(ctx); ran {
		t.Error("the next run ran before its slot")
	}
}

// testWalletRecheckBatches: a run goes through every due item, batch after batch, several at
// once, each once.
func testWalletRecheckBatches(t *testing.T, f walletFixture) {
	ctx := context.Background()
	p := newOtherPlatform(t)
	w := NewWallet(WalletOptions{Store: f.st, Verifier: f.verifier, Clock: f.clock, Batch: 3})
	for i := range 7 {
		if _, _, err := w.Add(ctx, f.earner, WalletInput{Data: []byte(p.assertion(fmt.Sprint("b", i))), Source: "import"}); err != nil {
			t.Fatal(err)
		}
	}
	f.clock.Advance(25 * time.Hour)
	before := f.verifier.n.Load()
	if n, err := w.RecheckDue(ctx); n != 7 || err != nil {
		t.Fatalf("RecheckDue = %d, %v", n, err)
	}
	if got := f.verifier.n.Load() - before; got != 7 {
		t.Errorf("%d verifications, want 7", got)
	}
	if n, _ := w.RecheckDue(ctx); n != 0 {
		t.Errorf("a second run checked %d", n)
	}
}
