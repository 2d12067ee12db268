package web

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/keys"
	"github.com/rosettebadges/rosette/internal/links"
	"github.com/rosettebadges/rosette/internal/mail"
	"github.com/rosettebadges/rosette/internal/server"
	"github.com/rosettebadges/rosette/internal/service"
	"github.com/rosettebadges/rosette/internal/store"
	"github.com/rosettebadges/rosette/internal/store/storetest"
	"github.com/rosettebadges/rosette/openbadges/jsonld"
	"github.com/rosettebadges/rosette/openbadges/verify"
)

// outbox records queued emails.
type outbox struct {
	mu   sync.Mutex
	sent []mail.Message
}

func (o *outbox) QueueEmail(_ context.Context, _ *store.Tx, _ string, m mail.Message) (int64, bool, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.sent = append(o.sent, m)
	return int64(len(o.sent)), true, nil
}

// claimSite is the earner side on an httptest server over a real SQLite store: accounts,
// awards with their claim links, and the earners service.
type claimSite struct {
	ts      *httptest.Server
	urls    links.URLs
	admin   *badge.User
	awards  *service.Awards
	bc      *badge.BadgeClass
	notices *claimNotices
	mail    *outbox
	st      *store.Store
	clock   *badge.FakeClock
}

func newClaimSite(t *testing.T) *claimSite {
	t.Helper()
	ctx := context.Background()
	st := storetest.NewSQLite(t)
	clock := badge.NewFakeClock(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))
	cs := &claimSite{notices: &claimNotices{urls: map[string]string{}}, mail: &outbox{}, st: st, clock: clock}
	srv := server.New(server.Options{})
	cs.ts = httptest.NewServer(srv)
	t.Cleanup(cs.ts.Close)
	cs.urls = links.URLs{Base: cs.ts.URL}
	master, _ := keys.ParseMasterKey(keys.NewMasterKey())
	km := keys.NewManager(st, master)
	issuers := service.NewIssuers(st, km, clock, nil)
	acc := service.NewAccounts(st, clock, nil, service.AccountsOptions{Hasher: service.NewPasswordHasher(service.PasswordParams{MemoryKiB: 64, Time: 1, Threads: 1}, 2)})
	u, err := acc.CreateUser(ctx, "admin@x.org", "Admin", "correct horse battery", true)
	if err != nil {
		t.Fatal(err)
	}
	cs.admin = u
	cs.awards = service.NewAwards(service.AwardsOptions{Store: st, Keys: km, URLs: cs.urls, Clock: clock,
		Canonicalizer: jsonld.NewProcessor(jsonld.WithLoader(jsonld.NewLoader())), Notifier: cs.notices})
	iss, err := issuers.Create(ctx, cs.admin, badge.IssuerFields{Name: "Acme Academy"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	var img bytes.Buffer
	png.Encode(&img, image.NewGray(image.Rect(0, 0, 4, 4)))
	cs.bc, err = service.NewBadgeClasses(st, clock, nil).Create(ctx, cs.admin, iss.ID, badge.BadgeClassFields{
		Name: "Welder", Description: "Welds safely.", CriteriaNarrative: "Weld a bridge."}, img.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	earners := service.NewEarners(service.EarnersOptions{Store: st, Accounts: acc, Emails: cs.mail, URLs: cs.urls, Clock: clock})
	v := verify.New(verify.Options{Now: clock.Now})
	site, err := New(Options{Accounts: acc, PublicAwards: cs.awards, URLs: cs.urls, Clock: clock, Earners: earners,
		VerifyAward: func(ctx context.Context, credential []byte) *verify.Report { return v.Verify(ctx, credential) }})
	if err != nil {
		t.Fatal(err)
	}
	site.Register(srv)
	return cs
}

// issue awards the badge to email with an email and returns the claim token.
func (cs *claimSite) issue(t *testing.T, email string) (string, string) {
	t.Helper()
	a, err := cs.awards.Issue(context.Background(), cs.admin, badge.AwardRequest{BadgeClassID: cs.bc.ID,
		Recipient: badge.Recipient{Identity: email, Name: "Ada"}, Notify: true})
	if err != nil {
		t.Fatal(err)
	}
	cs.notices.mu.Lock()
	defer cs.notices.mu.Unlock()
	return a.ID, strings.TrimPrefix(cs.notices.urls[a.ID], cs.urls.Base+"/claim/")
}

func client() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func TestClaimCreateAccountAndAccept(t *testing.T) {
	cs := newClaimSite(t)
	_, token := cs.issue(t, "ada@example.org")
	c := client()

	r := get(t, c, cs.ts.URL+"/claim/nope")
	if r.status != http.StatusNotFound {
		t.Errorf("bad token: %d", r.status)
	}
	mustContain(t, r, "This claim link is not valid.")

	resp, err := c.Get(cs.ts.URL + "/claim/" + token)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Header.Get("Cache-Control") != "no-store" || resp.Header.Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("claim page headers: %v", resp.Header)
	}
	r = read(t, resp)
	mustContain(t, r, "Acme Academy awarded you a badge", "<h1 id=\"claim-title\">Welder</h1>", "ada@example.org",
		"Create your account and accept", `action="/claim/`+token+`/signup"`, `href="/login?next=%2Fclaim%2F`+token+`"`,
		"Decline this badge")

	path := cs.ts.URL + "/claim/" + token
	r = post(t, c, path+"/signup", url.Values{"name": {"Ada L"}, "password": {"correct horse battery"}, "password_confirm": {"other"}})
	if r.status != http.StatusUnprocessableEntity {
		t.Errorf("mismatched passwords: %d", r.status)
	}
	mustContain(t, r, "The two passwords are different.", `value="Ada L"`)
	r = post(t, c, path+"/signup", url.Values{"name": {"Ada L"}, "password": {"short"}, "password_confirm": {"short"}})
	mustContain(t, r, `id="password-error">Password must be at least`)

	r = post(t, c, path+"/signup", url.Values{"name": {"Ada L"}, "password": {"correct horse battery"}, "password_confirm": {"correct horse battery"}})
	if r.status != http.StatusSeeOther || r.location != "/wallet" {
		t.Fatalf("sign-up: %d to %q: %s", r.status, r.location, r.body)
	}
	r = get(t, c, cs.ts.URL+"/wallet")
	mustContain(t, r, "Your account is ready and the badge is in your wallet.", `class="wallet-card"`, "Welder",
		"Acme Academy", "Not checked yet", `href="/wallet/import"`, `href="/wallet"`)
	lacks(t, r, `>Admin</a>`, "Waiting for you")
	if n := strings.Count(r.body, `class="wallet-card"`); n != 1 {
		t.Errorf("%d cards", n)
	}

	// An earner lands on the wallet; the claim link still opens, and accepting again is one item.
	if r := get(t, c, cs.ts.URL+"/"); r.status != http.StatusSeeOther || r.location != "/wallet" {
		t.Errorf("home: %d to %q", r.status, r.location)
	}
	mustContain(t, get(t, c, path), "This badge is in your wallet.")
	if r := post(t, c, path+"/accept", nil); r.status != http.StatusSeeOther || r.location != "/wallet" {
		t.Errorf("accept again: %d to %q", r.status, r.location)
	}
	if n := strings.Count(get(t, c, cs.ts.URL+"/wallet").body, `class="wallet-card"`); n != 1 {
		t.Errorf("%d cards after accepting twice", n)
	}

	// A second award to the address waits at the top of the wallet; declining it removes it.
	id2, _ := cs.issue(t, "ada@example.org")
	r = get(t, c, cs.ts.URL+"/wallet")
	mustContain(t, r, "Waiting for you", `action="/wallet/pending/`+id2+`/accept"`)
	if r := post(t, c, cs.ts.URL+"/wallet/pending/"+id2+"/decline", nil); r.status != http.StatusSeeOther {
		t.Fatalf("decline pending: %d", r.status)
	}
	r = get(t, c, cs.ts.URL+"/wallet")
	mustContain(t, r, "It will not be offered to you again.")
	lacks(t, r, "Waiting for you")
	if r := post(t, c, cs.ts.URL+"/wallet/pending/nope/accept", nil); r.status != http.StatusNotFound {
		t.Errorf("accept unknown pending: %d", r.status)
	}
}

func TestClaimDeclineWithoutAccount(t *testing.T) {
	cs := newClaimSite(t)
	_, token := cs.issue(t, "bob@example.org")
	c := client()
	r := post(t, c, cs.ts.URL+"/claim/"+token+"/decline", nil)
	if r.status != http.StatusSeeOther || r.location != "/claim/"+token {
		t.Fatalf("decline: %d to %q", r.status, r.location)
	}
	mustContain(t, get(t, c, cs.ts.URL+r.location), "The badge is declined.", "This badge was declined.")
	// Accepting without an account leads to sign-in, back to the claim page.
	r = post(t, c, cs.ts.URL+"/claim/"+token+"/accept", nil)
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/login?next=") {
		t.Errorf("anonymous accept: %d to %q", r.status, r.location)
	}
}

func TestClaimSignedInOtherAccount(t *testing.T) {
	cs := newClaimSite(t)
	c := client()
	// The admin is signed in; the award is to another address of theirs.
	r := post(t, c, cs.ts.URL+"/login", url.Values{"email": {"admin@x.org"}, "password": {"correct horse battery"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("login: %d", r.status)
	}
	_, token := cs.issue(t, "old@school.org")
	r = get(t, c, cs.ts.URL+"/claim/"+token)
	mustContain(t, r, "Accepting adds <strong>old@school.org</strong> to this account")
	lacks(t, r, "Create your account")
	if r := post(t, c, cs.ts.URL+"/claim/"+token+"/accept", nil); r.status != http.StatusSeeOther || r.location != "/wallet" {
		t.Fatalf("accept: %d to %q", r.status, r.location)
	}
	r = get(t, c, cs.ts.URL+"/wallet")
	mustContain(t, r, `>Admin</a>`, "Welder") // an admin keeps the admin navigation
	r = get(t, c, cs.ts.URL+"/account/emails")
	mustContain(t, r, "old@school.org", "Confirmed", "Make primary")

	// A second visitor with an account of their own cannot take the address.
	other := client()
	_, token2 := cs.issue(t, "old@school.org")
	r = get(t, other, cs.ts.URL+"/claim/"+token2)
	mustContain(t, r, "Sign in to accept", "An account with old@school.org exists.")
	lacks(t, r, "Create your account and accept")
	post(t, other, cs.ts.URL+"/claim/"+token2+"/signup", url.Values{"name": {"Eve"}, "password": {"another good password"},
		"password_confirm": {"another good password"}})
	_, token3 := cs.issue(t, "eve@x.org")
	post(t, other, cs.ts.URL+"/claim/"+token3+"/signup", url.Values{"name": {"Eve"}, "password": {"another good password"},
		"password_confirm": {"another good password"}})
	r = get(t, other, cs.ts.URL+"/claim/"+token2)
	mustContain(t, r, "This badge belongs to another account", `href="/account/merge"`)
	r = post(t, other, cs.ts.URL+"/claim/"+token2+"/accept", nil)
	if r.status != http.StatusConflict {
		t.Errorf("accepting another account's badge: %d", r.status)
	}
	mustContain(t, r, "already verified on another Rosette account")
}

func TestAccountEmailsAndMerge(t *testing.T) {
	cs := newClaimSite(t)
	c := client()
	post(t, c, cs.ts.URL+"/login", url.Values{"email": {"admin@x.org"}, "password": {"correct horse battery"}})
	r := post(t, c, cs.ts.URL+"/account/emails", url.Values{"email": {"not an address"}})
	if r.status != http.StatusUnprocessableEntity {
		t.Errorf("bad address: %d", r.status)
	}
	mustContain(t, r, `id="email-error"`)
	r = post(t, c, cs.ts.URL+"/account/emails", url.Values{"email": {"second@x.org"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("add: %d %s", r.status, r.body)
	}
	mustContain(t, get(t, c, cs.ts.URL+"/account/emails"), "We sent a link", "second@x.org", "Waiting for confirmation")
	cs.mail.mu.Lock()
	m := cs.mail.sent[len(cs.mail.sent)-1]
	cs.mail.mu.Unlock()
	if m.To != "second@x.org" {
		t.Fatalf("email to %s", m.To)
	}
	link := strings.Fields(m.Text[strings.Index(m.Text, cs.urls.Base+"/account/emails/verify/"):])[0]
	r = get(t, c, link)
	if r.status != http.StatusSeeOther || r.location != "/account/emails" {
		t.Fatalf("verify: %d to %q", r.status, r.location)
	}
	mustContain(t, get(t, c, cs.ts.URL+"/account/emails"), "The address is confirmed.")
	if r := get(t, c, link); r.status != http.StatusNotFound {
		t.Errorf("used link: %d", r.status)
	}

	// Merge: wrong password is said on the form.
	r = post(t, c, cs.ts.URL+"/account/merge", url.Values{"email": {"nobody@x.org"}, "password": {"whatever it is"}})
	if r.status != http.StatusUnprocessableEntity {
		t.Errorf("merge with a wrong password: %d", r.status)
	}
	mustContain(t, r, "The email address or password of the other account is not right.", `value="nobody@x.org"`)

	// A second account (made by claiming) merged into the admin's.
	_, token := cs.issue(t, "alt@x.org")
	c2 := client()
	post(t, c2, cs.ts.URL+"/claim/"+token+"/signup", url.Values{"name": {"Alt"}, "password": {"another good password"}, "password_confirm": {"another good password"}})
	r = post(t, c, cs.ts.URL+"/account/merge", url.Values{"email": {"alt@x.org"}, "password": {"another good password"}})
	if r.status != http.StatusSeeOther || r.location != "/wallet" {
		t.Fatalf("merge: %d to %q: %s", r.status, r.location, r.body)
	}
	mustContain(t, get(t, c, cs.ts.URL+"/wallet"), "The accounts are merged", "Welder")
	mustContain(t, get(t, c, cs.ts.URL+"/account/emails"), "alt@x.org")
	if r := get(t, c2, cs.ts.URL+"/wallet"); r.status != http.StatusSeeOther {
		t.Errorf("the merged account's session still works: %d", r.status)
	}
}

func TestWalletPagesAndStatuses(t *testing.T) {
	cs := newClaimSite(t)
	ctx := context.Background()
	c := client()
	_, token := cs.issue(t, "ada@example.org")
	// Empty wallet first: the page explains claiming and importing.
	r := post(t, c, cs.ts.URL+"/claim/"+token+"/signup", url.Values{"name": {"Ada"}, "password": {"correct horse battery"},
		"password_confirm": {"correct horse battery"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("sign-up: %d", r.status)
	}
	var uid int64
	if err := cs.st.View(ctx, func(tx *store.Tx) error {
		u, err := tx.UserByEmailKey(ctx, "ada@example.org")
		if err == nil {
			uid = u.ID
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	// 55 imported items with every status, one with an uploaded image.
	statuses := []string{"verified", "revoked", "expired", "invalid", "unreachable", "unchecked"}
	if err := cs.st.Update(ctx, func(tx *store.Tx) error {
		for i := range 55 {
			at := cs.clock.Now().Add(time.Duration(i+1) * time.Minute)
			it := &store.WalletItem{ID: fmt.Sprintf("item%02d", i), UserID: uid, Source: "import", State: "accepted",
				CredentialKey: fmt.Sprintf("key%d", i), Name: fmt.Sprintf("Imported %02d", i), IssuerName: "Elsewhere",
				ImageURL: "https://elsewhere.example/i.png", VerifyStatus: statuses[i%len(statuses)], VerifyReport: "{}",
				Visibility: "private", CreatedAt: at, UpdatedAt: at}
			if i == 54 {
				it.Image, it.ImageType = []byte("\x89PNG"), "image/png"
			}
			if err := tx.InsertWalletItem(ctx, it); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	r = get(t, c, cs.ts.URL+"/wallet")
	if n := strings.Count(r.body, `class="wallet-card"`); n != 50 {
		t.Errorf("first page: %d cards, want 50", n)
	}
	mustContain(t, r, "Badges (56)", `href="/wallet?page=2"`, `href="/wallet/items/item54"`, `src="/wallet/items/item54/image"`,
		`src="https://elsewhere.example/i.png"`, "Imported 54", "Elsewhere")
	for _, label := range []string{"Verified", "Revoked", "Expired", "Not valid", "Could not be checked", "Not checked yet"} {
		mustContain(t, r, `">`+label+`</span>`)
	}
	lacks(t, r, "Previous page")
	r = get(t, c, cs.ts.URL+"/wallet?page=2")
	if n := strings.Count(r.body, `class="wallet-card"`); n != 6 {
		t.Errorf("second page: %d cards, want 6", n)
	}
	mustContain(t, r, `href="/wallet?page=1"`, "Welder") // the accepted award is the oldest
	lacks(t, r, "Next page")
}

func TestEarnerPagesHaveNoInlineCode(t *testing.T) {
	cs := newClaimSite(t)
	c := client()
	_, token := cs.issue(t, "ada@example.org")
	pages := []string{"/claim/" + token}
	post(t, c, cs.ts.URL+"/claim/"+token+"/decline", nil)
	pages = append(pages, "/claim/"+token)
	post(t, c, cs.ts.URL+"/claim/"+token+"/signup", url.Values{"name": {"Ada"}, "password": {"correct horse battery"},
		"password_confirm": {"correct horse battery"}})
	cs.issue(t, "ada@example.org")
	pages = append(pages, "/wallet", "/claim/"+token, "/account/emails", "/account/merge", "/account/password")
	for _, p := range pages {
		r := get(t, c, cs.ts.URL+p)
		if r.status != http.StatusOK {
			t.Errorf("%s: %d", p, r.status)
		}
		if m := inlineStyle.FindString(r.body); m != "" {
			t.Errorf("%s has inline code %q", p, m)
		}
		for _, tag := range scriptTag.FindAllString(r.body, -1) {
			if !strings.Contains(tag, " src=") {
				t.Errorf("%s has an inline script %q", p, tag)
			}
		}
	}
}

func TestEmailVerifyLinkSignedOut(t *testing.T) {
	cs := newClaimSite(t)
	c := client()
	post(t, c, cs.ts.URL+"/login", url.Values{"email": {"admin@x.org"}, "password": {"correct horse battery"}})
	post(t, c, cs.ts.URL+"/account/emails", url.Values{"email": {"second@x.org"}})
	cs.mail.mu.Lock()
	m := cs.mail.sent[len(cs.mail.sent)-1]
	cs.mail.mu.Unlock()
	link := strings.Fields(m.Text[strings.Index(m.Text, cs.urls.Base+"/account/emails/verify/"):])[0]
	// Opened in another browser, nobody signed in: verified, then on to sign in.
	r := get(t, client(), link)
	if r.status != http.StatusSeeOther || r.location != "/login?next=/wallet" {
		t.Errorf("verify signed out: %d to %q", r.status, r.location)
	}
	mustContain(t, get(t, c, cs.ts.URL+"/account/emails"), "Confirmed")
	// Expired links say so.
	post(t, c, cs.ts.URL+"/account/emails", url.Values{"email": {"third@x.org"}})
	cs.mail.mu.Lock()
	m = cs.mail.sent[len(cs.mail.sent)-1]
	cs.mail.mu.Unlock()
	link = strings.Fields(m.Text[strings.Index(m.Text, cs.urls.Base+"/account/emails/verify/"):])[0]
	cs.clock.Advance(49 * time.Hour)
	r = get(t, client(), link)
	if r.status != http.StatusUnprocessableEntity && r.status != http.StatusBadRequest {
		t.Errorf("expired link: %d", r.status)
	}
	mustContain(t, r, "This verification link has expired.")
}
