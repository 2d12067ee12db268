package service

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/store"
	"github.com/rosettebadges/rosette/internal/store/storetest"
	"github.com/rosettebadges/rosette/openbadges/bake"
	"github.com/rosettebadges/rosette/openbadges/ob3"
	"github.com/rosettebadges/rosette/openbadges/proof"
)

func TestAccountData(t *testing.T) {
	storetest.Each(t, func(t *testing.T, newStore func(testing.TB) *store.Store) {
		for name, f := range map[string]func(*testing.T, func(testing.TB) *store.Store){
			"Export":            testAccountExport,
			"Delete":            testAccountDelete,
			"DeleteRefused":     testAccountDeleteRefused,
			"DeleteScrubsAudit": testAccountDeleteScrubsAudit,
		} {
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				f(t, newStore)
			})
		}
	})
}

type settingsSource struct{}

func (settingsSource) AccountDataKey() string { return "settings" }
func (settingsSource) AccountData(context.Context, int64) (any, error) {
	return map[string]bool{"publicProfile": false}, nil
}

func readZip(t *testing.T, b []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		out[f.Name] = data
	}
	return out
}

func testAccountExport(t *testing.T, newStore func(testing.TB) *store.Store) {
	ctx := context.Background()
	f := newCVFixture(t, newStore)
	c, err := f.cvs.Create(ctx, f.earner, "Jobs")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.cvs.AddSection(ctx, f.earner, c.ID, SectionInput{Kind: SectionBadges, Items: []string{"item-award", "item-https"}}); err != nil {
		t.Fatal(err)
	}
	tok, _ := f.cvs.Share(ctx, f.earner, c.ID)
	exp := NewAccountExport(AccountExportOptions{Store: f.st, Awards: f.awards, CVs: f.cvs, URLs: f.urls, Clock: f.clock,
		Sources: []AccountDataSource{settingsSource{}}})
	var buf bytes.Buffer
	if err := exp.Write(ctx, f.earner, &buf); err != nil {
		t.Fatal(err)
	}
	files := readZip(t, buf.Bytes())
	var names []string
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	want := []string{"README.txt", "account.json", "credentials/item-award.json", "credentials/item-award.jwt",
		"credentials/item-https.json", "credentials/item-private.jwt", "cvs/" + c.ID + ".pdf",
		"images/item-award.png", "images/item-https.png"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Fatalf("files (-want +got):\n%s", diff)
	}

	var acct struct {
		User struct {
			ID    int64
			Email string
			Name  string
		}
		Addresses []struct{ Email string }
		CVs       []struct {
			ID       string
			Title    string
			ShareURL string
			Sections []struct {
				Kind  string
				Items []string
			}
		}
		Settings    map[string]bool
		WalletItems []struct {
			ID, Source, Name, AwardURL string
			Files                      []string
		}
	}
	if err := json.Unmarshal(files["account.json"], &acct); err != nil {
		t.Fatalf("account.json: %v\n%s", err, files["account.json"])
	}
	if acct.User.ID != f.earner.ID || acct.User.Email != "earner@example.org" || acct.User.Name != "Ada Earner" ||
		len(acct.Addresses) != 1 || acct.Addresses[0].Email != "earner@example.org" {
		t.Errorf("user %+v, addresses %+v", acct.User, acct.Addresses)
	}
	if len(acct.CVs) != 1 || acct.CVs[0].Title != "Jobs" || acct.CVs[0].ShareURL != f.urls.Base+"/cv/"+tok ||
		len(acct.CVs[0].Sections) != 1 || !cmp.Equal(acct.CVs[0].Sections[0].Items, []string{"item-award", "item-https"}) {
		t.Errorf("cvs = %+v", acct.CVs)
	}
	if v, ok := acct.Settings["publicProfile"]; !ok || v {
		t.Errorf("settings from the source = %v", acct.Settings)
	}
	if len(acct.WalletItems) != 3 {
		t.Fatalf("wallet items = %+v", acct.WalletItems)
	}
	byID := map[string]int{}
	for i, w := range acct.WalletItems {
		byID[w.ID] = i
	}
	if w := acct.WalletItems[byID["item-award"]]; w.AwardURL != f.urls.Award(f.award.ID) ||
		!cmp.Equal(w.Files, []string{"credentials/item-award.json", "credentials/item-award.jwt", "images/item-award.png"}) {
		t.Errorf("award item = %+v", w)
	}

	// The award's credential is the signed one and verifies; the JWT too; the image is baked
	// with the credential.
	cred := files["credentials/item-award.json"]
	if want, _ := f.awards.Credential(ctx, f.award.ID); !bytes.Equal(cred, want) {
		t.Error("credential differs from the stored one")
	}
	if _, err := ob3.ParseCredential(cred); err != nil {
		t.Error(err)
	}
	issuerDID, _ := f.urls.DID(f.issuer.ID)
	if res, err := proof.VerifyDataIntegrity(ctx, f.awards.canon, resolver{f.awardsFixture}, cred, issuerDID); err != nil || !res[0].Verified {
		t.Errorf("exported credential: %+v, %v", res, err)
	}
	if _, err := proof.VerifyJWT(ctx, string(files["credentials/item-award.jwt"]), resolver{f.awardsFixture}); err != nil {
		t.Errorf("exported JWT: %v", err)
	}
	if got, err := bake.Unbake(files["images/item-award.png"]); err != nil || !bytes.Equal(got.Payload, cred) {
		t.Errorf("baked image: %v", err)
	}
	if !bytes.Equal(files["credentials/item-https.json"], f.items["https"].Credential) ||
		!bytes.Equal(files["images/item-https.png"], f.items["https"].Image) ||
		!bytes.Equal(files["credentials/item-private.jwt"], f.items["private"].Credential) {
		t.Error("imported files differ from what was stored")
	}
	pdf := string(files["cvs/"+c.ID+".pdf"])
	if !strings.HasPrefix(pdf, "%PDF") || !strings.Contains(pdf, "Welder | Acme") || !strings.Contains(pdf, "Knots | Harbour School") {
		t.Errorf("cv pdf = %q", pdf)
	}
	readme := string(files["README.txt"])
	for _, s := range []string{"account.json", "credentials/ITEM.json", "images/ITEM.png", "cvs/CV.pdf"} {
		if !strings.Contains(readme, s) {
			t.Errorf("README.txt does not explain %s", s)
		}
	}
	if strings.Contains(readme, "Not included") {
		t.Errorf("README lists missing files:\n%s", readme)
	}

	// Without a PDF renderer the CVs are named as missing.
	bare := NewAccountExport(AccountExportOptions{Store: f.st, Awards: f.awards, CVs: NewCVs(CVsOptions{Store: f.st, URLs: f.urls}), URLs: f.urls, Clock: f.clock})
	buf.Reset()
	if err := bare.Write(ctx, f.earner, &buf); err != nil {
		t.Fatal(err)
	}
	files = readZip(t, buf.Bytes())
	if _, ok := files["cvs/"+c.ID+".pdf"]; ok || !strings.Contains(string(files["README.txt"]), "Not included:\n    cvs/"+c.ID+".pdf") {
		t.Errorf("without a renderer: README\n%s", files["README.txt"])
	}
}

func newDeletion(f cvFixture) *AccountDeletion {
	return NewAccountDeletion(AccountDeletionOptions{Store: f.st, Accounts: f.acc, Clock: f.clock})
}

func testAccountDelete(t *testing.T, newStore func(testing.TB) *store.Store) {
	ctx := context.Background()
	f := newCVFixture(t, newStore)
	del := newDeletion(f)
	c, err := f.cvs.Create(ctx, f.earner, "Jobs")
	if err != nil {
		t.Fatal(err)
	}
	tok, _ := f.cvs.Share(ctx, f.earner, c.ID)
	_, sess, err := f.acc.Login(ctx, "earner@example.org", pw, "1.2.3.4")
	if err != nil {
		t.Fatal(err)
	}
	// Wrong confirmation or password: nothing happens.
	if err := del.Delete(ctx, f.earner, pw, "delete", "1.2.3.4"); !hasField(err, "confirm") {
		t.Errorf("lower-case confirmation: %v", err)
	}
	if err := del.Delete(ctx, f.earner, "wrong password", DeleteConfirmation, "1.2.3.4"); !hasKind(err, badge.Unauthorized) || !hasField(err, "password") {
		t.Errorf("wrong password: %v", err)
	}
	if _, err := f.acc.User(ctx, f.earner.ID); err != nil {
		t.Fatalf("refused deletion deleted: %v", err)
	}

	if err := del.Delete(ctx, f.earner, pw, " DELETE ", "1.2.3.4"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.acc.User(ctx, f.earner.ID); !hasKind(err, badge.NotFound) {
		t.Errorf("user after deletion: %v", err)
	}
	if _, err := f.acc.SessionUser(ctx, sess.Token); err == nil {
		t.Error("the session still works")
	}
	if _, err := f.cvs.SharedDocument(ctx, tok); !hasKind(err, badge.NotFound) {
		t.Errorf("shared CV after deletion: %v", err)
	}
	err = f.st.View(ctx, func(tx *store.Tx) error {
		for _, w := range f.items {
			if _, err := tx.WalletItemByID(ctx, w.ID); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("wallet item %s after deletion: %v", w.ID, err)
			}
		}
		if a, _ := tx.AccountAddresses(ctx, f.earner.ID); len(a) != 0 {
			t.Errorf("addresses after deletion: %v", a)
		}
		if _, err := tx.UserByEmailKey(ctx, "earner@example.org"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("email after deletion: %v", err)
		}
		// The wrong password typed above left a sign-in failure under the address: gone too.
		if n, _, err := tx.CountLoginFailures(ctx, "earner@example.org", "", start.AddDate(-1, 0, 0)); n != 0 || err != nil {
			t.Errorf("login failures after deletion: %d, %v", n, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// The award issued to them stays: its credential verifies and the issuer can revoke it.
	p, err := f.awards.Public(ctx, f.award.ID)
	if err != nil {
		t.Fatal(err)
	}
	issuerDID, _ := f.urls.DID(f.issuer.ID)
	if res, err := proof.VerifyDataIntegrity(ctx, f.awards.canon, resolver{f.awardsFixture}, p.Credential, issuerDID); err != nil || !res[0].Verified {
		t.Errorf("credential after deletion: %+v, %v", res, err)
	}
	r, err := f.awards.Revoke(ctx, f.users["awarder"], f.award.ID, "Withdrawn")
	if err != nil || r.RevokedAt.IsZero() {
		t.Errorf("revoke after deletion: %+v, %v", r, err)
	}

	// The audit event names the account number only.
	evs := audit(t, fixture{acc: f.acc, st: f.st})
	var found bool
	for _, e := range evs {
		if e.Action == "account.delete" {
			found = true
			if strings.Contains(string(e.Details), "earner") || strings.Contains(string(e.Details), "Ada") {
				t.Errorf("audit details with personal data: %s", e.Details)
			}
			if e.Subject != fmt.Sprintf("user:%d", f.earner.ID) {
				t.Errorf("audit subject %q", e.Subject)
			}
		}
	}
	if !found {
		t.Error("no account.delete audit event")
	}
}

func testAccountDeleteRefused(t *testing.T, newStore func(testing.TB) *store.Store) {
	ctx := context.Background()
	f := newCVFixture(t, newStore)
	del := newDeletion(f)
	// The fixture's "admin" is the only site administrator; give them a password.
	admin, err := f.acc.CreateUser(ctx, "second-admin@example.org", "Second", pw, true)
	if err != nil {
		t.Fatal(err)
	}
	// Two administrators: one may leave; then the other is the last and may not.
	if err := del.Delete(ctx, admin, pw, DeleteConfirmation, "1.2.3.4"); err != nil {
		t.Fatalf("deleting one of two admins: %v", err)
	}
	last, err := f.acc.CreateUser(ctx, "last-admin@example.org", "Last", pw, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.st.Update(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE users SET is_admin = (id = $1)`, last.ID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	err = del.Delete(ctx, last, pw, DeleteConfirmation, "1.2.3.4")
	if !hasKind(err, badge.Forbidden) || !strings.Contains(err.Error(), "only site administrator") {
		t.Errorf("last admin: %v", err)
	}
	if _, err := f.acc.User(ctx, last.ID); err != nil {
		t.Errorf("last admin deleted: %v", err)
	}

	// Issuer staff lose their role; the issuer and its awards stay.
	awarder, err := f.acc.CreateUser(ctx, "staff@example.org", "Staff", pw, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.AddMember(ctx, f.users["owner"], f.issuer.ID, "staff@example.org", badge.RoleAwarder); err != nil {
		t.Fatal(err)
	}
	a, err := f.awards.Issue(ctx, awarder, emailReq(f.bc.ID, "someone@example.org"))
	if err != nil {
		t.Fatal(err)
	}
	if err := del.Delete(ctx, awarder, pw, DeleteConfirmation, "1.2.3.4"); err != nil {
		t.Fatal(err)
	}
	ms, err := f.svc.Members(ctx, f.users["owner"], f.issuer.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.Email == "staff@example.org" {
			t.Errorf("deleted staff member still listed: %+v", m)
		}
	}
	if _, err := f.awards.Get(ctx, f.users["owner"], a.ID); err != nil {
		t.Errorf("award issued by the deleted staff member: %v", err)
	}

	// Wrong passwords are throttled like sign-in.
	for i := 0; i < 5; i++ {
		del.Delete(ctx, last, "nope", DeleteConfirmation, "5.6.7.8")
	}
	if err := del.Delete(ctx, last, pw, DeleteConfirmation, "5.6.7.8"); !hasKind(err, badge.TooMany) {
		t.Errorf("after 5 wrong passwords: %v", err)
	}
}

// testAccountDeleteScrubsAudit: deleting an account rewrites every older audit event that
// named one of its addresses (current, removed, or of an account merged into it, in any
// case) or, in the events about it, its name; the events stay, other people's are untouched.
func testAccountDeleteScrubsAudit(t *testing.T, newStore func(testing.TB) *store.Store) {
	ctx := context.Background()
	f := newCVFixture(t, newStore)
	del := newDeletion(f)
	other, err := f.acc.CreateUser(ctx, "someone-else@example.org", "Ada Earner", pw, false)
	if err != nil {
		t.Fatal(err)
	}
	me := fmt.Sprintf("user:%d", f.earner.ID)
	const merged = 999999 // an account merged into the earner's long ago (gone since)
	if err := f.st.Update(ctx, func(tx *store.Tx) error {
		for _, e := range []struct {
			actor, action, subject string
			details                any
		}{
			{me, "user.email_add", me, map[string]any{"email": "Old.Address@Example.org"}},
			{me, "user.email_remove", me, map[string]any{"email": "Old.Address@Example.org"}},
			{me, "user.merge", me, map[string]any{"merged_user": merged, "merged_email": "twin@example.org"}},
			{"claim", "user.create", fmt.Sprintf("user:%d", merged), map[string]any{"email": "twin@example.org", "via": "claim"}},
			{fmt.Sprintf("user:%d", merged), "user.email_add", fmt.Sprintf("user:%d", merged), map[string]any{"email": "twin.work@example.org"}},
			{"cli:root", "note", "site", map[string]any{"text": "Mail EARNER@example.org & twin.work@example.org", "nested": []string{"old.address@example.org"}}},
			{"earner@example.org", "odd.actor", "earner@example.org", nil},
			{me, "profile.name", me, map[string]any{"name": "Ada Earner"}},
			// Not about the earner: a namesake's event and an issuer of the same name stay.
			{fmt.Sprintf("user:%d", other.ID), "profile.name", fmt.Sprintf("user:%d", other.ID), map[string]any{"name": "Ada Earner"}},
			{"user:1", "issuer.update", "issuer:x", map[string]any{"name": "Ada Earner"}},
		} {
			if err := RecordAudit(ctx, tx, start, e.actor, e.action, e.subject, e.details); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	before := audit(t, fixture{acc: f.acc, st: f.st})
	if err := del.Delete(ctx, f.earner, pw, DeleteConfirmation, "1.2.3.4"); err != nil {
		t.Fatal(err)
	}
	after := audit(t, fixture{acc: f.acc, st: f.st})
	if len(after) != len(before)+1 {
		t.Errorf("%d events before, %d after deletion: want one more (account.delete)", len(before), len(after))
	}
	pseudonym := DeletedAccountPseudonym(f.earner.ID)
	var scrubbed, names int
	for _, e := range after {
		all := strings.ToLower(e.Actor + " " + e.Subject + " " + string(e.Details))
		for _, a := range []string{"earner@example.org", "old.address@example.org", "twin@example.org", "twin.work@example.org"} {
			if strings.Contains(all, a) {
				t.Errorf("event %d %s still names %s: %s %s %s", e.ID, e.Action, a, e.Actor, e.Subject, e.Details)
			}
		}
		if !json.Valid(e.Details) {
			t.Errorf("event %d details not JSON: %s", e.ID, e.Details)
		}
		if strings.Contains(e.Actor+e.Subject+string(e.Details), pseudonym) {
			scrubbed++
		}
		if strings.Contains(string(e.Details), "Ada Earner") {
			names++
			if e.Subject == me {
				t.Errorf("event %d about the deleted account still has its name: %s", e.ID, e.Details)
			}
		}
	}
	// user.create (fixture), email_add, email_remove, merge, the merged account's two, the
	// note, the odd actor, the name.
	if scrubbed != 9 {
		t.Errorf("%d events carry the pseudonym, want 9", scrubbed)
	}
	if names != 2 {
		t.Errorf("%d events keep the name Ada Earner, want 2 (the namesake's and the issuer's)", names)
	}
	for _, e := range after {
		if e.Action == "note" {
			var d struct {
				Text   string
				Nested []string
			}
			if err := json.Unmarshal(e.Details, &d); err != nil || d.Text != "Mail "+pseudonym+" & "+pseudonym ||
				!cmp.Equal(d.Nested, []string{pseudonym}) {
				t.Errorf("note details = %s", e.Details)
			}
		}
		if e.Action == "user.create" && e.Subject == fmt.Sprintf("user:%d", other.ID) &&
			!strings.Contains(string(e.Details), "someone-else@example.org") {
			t.Errorf("another account's event was changed: %s", e.Details)
		}
	}
}
