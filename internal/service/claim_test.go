package service

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/mail"
	"github.com/rosettebadges/rosette/internal/store"
	"github.com/rosettebadges/rosette/internal/store/storetest"
)

// mailbox records the emails queued through it.
type mailbox struct {
	mu   sync.Mutex
	sent []mail.Message
}

func (m *mailbox) QueueEmail(_ context.Context, _ *store.Tx, _ string, msg mail.Message) (int64, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, msg)
	return int64(len(m.sent)), true, nil
}

// lastLink returns the link of the last email queued to addr.
func (m *mailbox) lastLink(t *testing.T, addr string) string {
	t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	const path = "/account/emails/verify/"
	for i := len(m.sent) - 1; i >= 0; i-- {
		if m.sent[i].To != addr {
			continue
		}
		if j := strings.Index(m.sent[i].Text, path); j >= 0 {
			return strings.Fields(m.sent[i].Text[j+len(path):])[0]
		}
	}
	t.Fatalf("no verification email to %s", addr)
	return ""
}

type earnersFixture struct {
	awardsFixture
	acc     *Accounts
	earners *Earners
	mail    *mailbox
}

func newEarners(t testing.TB, newStore func(testing.TB) *store.Store) earnersFixture {
	t.Helper()
	f := newAwards(t, newStore)
	acc := NewAccounts(f.st, f.clock, nil, AccountsOptions{Hasher: NewPasswordHasher(cheapParams, 4)})
	mb := &mailbox{}
	e := NewEarners(EarnersOptions{Store: f.st, Accounts: acc, Emails: mb, URLs: f.urls, Clock: f.clock})
	return earnersFixture{awardsFixture: f, acc: acc, earners: e, mail: mb}
}

// issue awards the fixture's badge to email with a notification and returns the award id and
// its claim token.
func (f earnersFixture) issue(t *testing.T, email string) (string, string) {
	t.Helper()
	req := emailReq(f.bc.ID, email)
	req.Notify = true
	a, err := f.awards.Issue(context.Background(), f.users["awarder"], req)
	if err != nil {
		t.Fatal(err)
	}
	f.notices.mu.Lock()
	defer f.notices.mu.Unlock()
	for _, n := range f.notices.sent {
		if n.Award.ID == a.ID {
			return a.ID, n.ClaimURL[strings.LastIndex(n.ClaimURL, "/")+1:]
		}
	}
	t.Fatalf("no claim link for award %s", a.ID)
	return "", ""
}

func (f earnersFixture) user(t *testing.T, email string) *badge.User {
	t.Helper()
	u, err := f.acc.CreateUser(context.Background(), email, "Someone", pw, false)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func (f earnersFixture) wallet(t *testing.T, u *badge.User) []*store.WalletItem {
	t.Helper()
	p, err := f.earners.Wallet(context.Background(), u, 1)
	if err != nil {
		t.Fatal(err)
	}
	if int(p.Total) != len(p.Items) {
		t.Fatalf("total %d, items %d", p.Total, len(p.Items))
	}
	return p.Items
}

func (f earnersFixture) pending(t *testing.T, u *badge.User) []string {
	t.Helper()
	ps, err := f.earners.Pending(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, p := range ps {
		ids = append(ids, p.AwardID)
	}
	return ids
}

// issuerOf returns the id of the award's issuer.
func (f earnersFixture) issuerOf(t *testing.T, awardID string) string {
	t.Helper()
	var issuer string
	if err := f.st.View(context.Background(), func(tx *store.Tx) error {
		a, err := tx.AwardByID(context.Background(), awardID)
		if err == nil {
			issuer = a.IssuerID
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return issuer
}

func (f earnersFixture) response(t *testing.T, id string) *store.AwardResponse {
	t.Helper()
	r, err := f.earners.AwardResponse(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestEarners(t *testing.T) {
	storetest.Each(t, func(t *testing.T, newStore func(testing.TB) *store.Store) {
		for name, fn := range map[string]func(*testing.T, earnersFixture){
			"ClaimSignUp":       testClaimSignUp,
			"ClaimOwnAddress":   testClaimOwnAddress,
			"ClaimOtherAccount": testClaimOtherAccount,
			"Decline":           testClaimDecline,
			"BadToken":          testClaimBadToken,
			"Revoked":           testClaimRevoked,
			"Pending":           testPendingAfterAddress,
			"EmailExpiry":       testEmailExpiry,
			"EmailConflicts":    testEmailConflicts,
			"PrimaryAndRemove":  testPrimaryAndRemove,
			"Merge":             testMerge,
			"MergeRefusals":     testMergeRefusals,
		} {
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				fn(t, newEarners(t, newStore))
			})
		}
	})
}

func testClaimSignUp(t *testing.T, f earnersFixture) {
	ctx := context.Background()
	id, token := f.issue(t, "New@Earner.org")
	v, err := f.earners.Claim(ctx, token, nil)
	if err != nil {
		t.Fatal(err)
	}
	if v.AwardID != id || v.BadgeName != "Welder" || v.IssuerName != "Acme" || v.RecipientEmail != "new@earner.org" ||
		v.AddressTaken || v.InWallet || v.Declined || v.ImageURL == "" {
		t.Fatalf("view = %+v", v)
	}
	_, err = f.earners.SignUpAndAccept(ctx, token, "New Earner", "short")
	wantKind(t, err, badge.Invalid)
	if badge.FieldMessages(err)["password"] == "" {
		t.Errorf("short password: %v not on the password field", err)
	}
	u, err := f.earners.SignUpAndAccept(ctx, token, " ", pw)
	if err != nil {
		t.Fatal(err)
	}
	if u.Email != "new@earner.org" || u.IsAdmin || u.Name != "Ada Lovelace" { // the award's recipient name
		t.Fatalf("user = %+v", u)
	}
	items := f.wallet(t, u)
	if len(items) != 1 || items[0].AwardID != id || items[0].Source != "award" || items[0].State != "accepted" ||
		!items[0].NextCheckAt.Equal(f.clock.Now()) || items[0].Name != "Welder" || items[0].IssuerName != "Acme" {
		t.Fatalf("wallet = %+v", items)
	}
	// The item's key is the equality key of the award's OB 3.0 credential, so that a copy of
	// it imported or pushed through the API later finds this item.
	if want := AwardCredentialKey(f.urls, f.issuerOf(t, id), id); items[0].CredentialKey != want || !strings.HasPrefix(want, "id:") {
		t.Errorf("credential key %q, want %q", items[0].CredentialKey, want)
	}
	if r := f.response(t, id); !r.AcceptedAt.Equal(f.clock.Now()) || !r.DeclinedAt.IsZero() {
		t.Errorf("response = %+v", r)
	}
	if staff, _ := f.earners.IsStaff(ctx, u); staff {
		t.Error("a new earner is staff")
	}
	// The link may be opened twice: signing up again is refused, accepting again is one item.
	_, err = f.earners.SignUpAndAccept(ctx, token, "Again", pw)
	wantKind(t, err, badge.Conflict)
	again, err := f.earners.Accept(ctx, u, token)
	if err != nil {
		t.Fatal(err)
	}
	if again.ID != items[0].ID || len(f.wallet(t, u)) != 1 {
		t.Errorf("second accept made another item")
	}
	v, err = f.earners.Claim(ctx, token, u)
	if err != nil || !v.InWallet || !v.ViewerHasAddress {
		t.Fatalf("view after accept = %+v, %v", v, err)
	}
	if _, _, err := f.acc.Login(ctx, "new@earner.org", pw, "1.2.3.4"); err != nil {
		t.Errorf("sign in with the new account: %v", err)
	}
}

func testClaimOwnAddress(t *testing.T, f earnersFixture) {
	ctx := context.Background()
	u := f.user(t, "me@earner.org")
	id, token := f.issue(t, "me@earner.org")
	v, err := f.earners.Claim(ctx, token, u)
	if err != nil || !v.ViewerHasAddress || v.AddressTaken {
		t.Fatalf("view = %+v, %v", v, err)
	}
	v, err = f.earners.Claim(ctx, token, nil)
	if err != nil || !v.AddressTaken {
		t.Fatalf("anonymous view = %+v, %v", v, err)
	}
	// Concurrent accepts make one item.
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			if _, err := f.earners.Accept(ctx, u, token); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if items := f.wallet(t, u); len(items) != 1 || items[0].AwardID != id {
		t.Fatalf("wallet = %+v", items)
	}
}

func testClaimOtherAccount(t *testing.T, f earnersFixture) {
	ctx := context.Background()
	u := f.user(t, "me@earner.org")
	id, token := f.issue(t, "old@school.org")
	_, err := f.awards.SetRecipientNameHidden(ctx, u, id, true)
	wantKind(t, err, badge.Forbidden) // not theirs yet
	if _, err := f.earners.Accept(ctx, nil, token); badge.KindOf(err) != badge.Unauthorized {
		t.Fatalf("accept without account: %v", err)
	}
	if _, err := f.earners.Accept(ctx, u, token); err != nil {
		t.Fatal(err)
	}
	// The address is theirs now: they may hide their name on the award's page.
	if _, err := f.awards.SetRecipientNameHidden(ctx, u, id, true); err != nil {
		t.Errorf("hiding the name as the holder of a second address: %v", err)
	}
	es, err := f.earners.Emails(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 2 || es[1].Email != "old@school.org" || !es[1].Verified || es[1].Primary || !es[0].Primary {
		t.Fatalf("emails = %+v", es)
	}
	// A third account cannot take the address with the same link.
	other := f.user(t, "other@earner.org")
	_, err = f.earners.Accept(ctx, other, token)
	wantKind(t, err, badge.Conflict)
	if !strings.Contains(badge.SafeMessage(err), "merge") {
		t.Errorf("message %q does not point to merging", badge.SafeMessage(err))
	}
	if len(f.wallet(t, other)) != 0 || len(f.wallet(t, u)) != 1 {
		t.Error("wallets changed by the refused accept")
	}
}

func testClaimDecline(t *testing.T, f earnersFixture) {
	ctx := context.Background()
	id, token := f.issue(t, "me@earner.org")
	if err := f.earners.Decline(ctx, nil, token); err != nil {
		t.Fatal(err)
	}
	if r := f.response(t, id); r.DeclinedAt.IsZero() || !r.AcceptedAt.IsZero() {
		t.Fatalf("response = %+v", r)
	}
	u := f.user(t, "me@earner.org")
	if p := f.pending(t, u); len(p) != 0 {
		t.Errorf("a declined award is pending: %v", p)
	}
	id2, token2 := f.issue(t, "me@earner.org")
	if p := f.pending(t, u); len(p) != 1 || p[0] != id2 {
		t.Fatalf("pending = %v", p)
	}
	if err := f.earners.Decline(ctx, u, token2); err != nil {
		t.Fatal(err)
	}
	if p := f.pending(t, u); len(p) != 0 {
		t.Errorf("pending after decline = %v", p)
	}
	if len(f.wallet(t, u)) != 0 {
		t.Error("a declined award is in the wallet")
	}
	// Changing one's mind: the link still works.
	if _, err := f.earners.Accept(ctx, u, token2); err != nil {
		t.Fatal(err)
	}
	if items := f.wallet(t, u); len(items) != 1 || items[0].AwardID != id2 {
		t.Fatalf("wallet = %+v", items)
	}
	if r := f.response(t, id2); r.AcceptedAt.IsZero() || !r.DeclinedAt.IsZero() {
		t.Errorf("response after accepting = %+v", r)
	}
	err := f.earners.Decline(ctx, u, token2)
	wantKind(t, err, badge.Conflict)
}

func testClaimBadToken(t *testing.T, f earnersFixture) {
	ctx := context.Background()
	u := f.user(t, "me@earner.org")
	for _, tok := range []string{"", "nope", strings.Repeat("a", 500)} {
		_, err := f.earners.Claim(ctx, tok, nil)
		wantKind(t, err, badge.NotFound)
		_, err = f.earners.Accept(ctx, u, tok)
		wantKind(t, err, badge.NotFound)
		wantKind(t, f.earners.Decline(ctx, nil, tok), badge.NotFound)
		_, err = f.earners.SignUpAndAccept(ctx, tok, "X", pw)
		wantKind(t, err, badge.NotFound)
	}
}

func testClaimRevoked(t *testing.T, f earnersFixture) {
	ctx := context.Background()
	u := f.user(t, "me@earner.org")
	id, token := f.issue(t, "me@earner.org")
	if _, err := f.awards.Revoke(ctx, f.users["owner"], id, "mistake"); err != nil {
		t.Fatal(err)
	}
	_, err := f.earners.Accept(ctx, u, token)
	wantKind(t, err, badge.Invalid)
	if p := f.pending(t, u); len(p) != 0 {
		t.Errorf("a revoked award is pending: %v", p)
	}
}

func testPendingAfterAddress(t *testing.T, f earnersFixture) {
	ctx := context.Background()
	u := f.user(t, "me@earner.org")
	id, _ := f.issue(t, "later@school.org")
	if p := f.pending(t, u); len(p) != 0 {
		t.Fatalf("pending = %v", p)
	}
	if _, err := f.earners.AddEmail(ctx, u, "Later@School.org"); err != nil {
		t.Fatal(err)
	}
	if p := f.pending(t, u); len(p) != 0 {
		t.Fatalf("pending before verification = %v", p)
	}
	_, err := f.earners.AcceptPending(ctx, u, id)
	wantKind(t, err, badge.NotFound)
	if _, err := f.earners.VerifyEmail(ctx, f.mail.lastLink(t, "Later@school.org")); err != nil {
		t.Fatal(err)
	}
	if p := f.pending(t, u); len(p) != 1 || p[0] != id {
		t.Fatalf("pending after verification = %v", p)
	}
	if _, err := f.earners.AcceptPending(ctx, u, id); err != nil {
		t.Fatal(err)
	}
	if _, err := f.earners.AcceptPending(ctx, u, id); err != nil {
		t.Fatalf("accepting twice: %v", err)
	}
	if p := f.pending(t, u); len(p) != 0 || len(f.wallet(t, u)) != 1 {
		t.Fatalf("pending %v after accepting", p)
	}
	id2, _ := f.issue(t, "later@school.org")
	if err := f.earners.DeclinePending(ctx, u, id2); err != nil {
		t.Fatal(err)
	}
	if p := f.pending(t, u); len(p) != 0 || len(f.wallet(t, u)) != 1 {
		t.Fatalf("pending %v after declining", p)
	}
	// Awards to other people's addresses are not offered.
	id3, _ := f.issue(t, "someone@else.org")
	_, err = f.earners.AcceptPending(ctx, u, id3)
	wantKind(t, err, badge.NotFound)
	wantKind(t, f.earners.DeclinePending(ctx, u, id3), badge.NotFound)
}
