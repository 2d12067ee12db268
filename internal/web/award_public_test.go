package web

import (
	"bytes"
	"context"
	"errors"
	"html/template"
	"image"
	"image/png"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/identity"
	"github.com/rosettebadges/rosette/internal/keys"
	"github.com/rosettebadges/rosette/internal/links"
	"github.com/rosettebadges/rosette/internal/server"
	"github.com/rosettebadges/rosette/internal/service"
	"github.com/rosettebadges/rosette/internal/store"
	"github.com/rosettebadges/rosette/internal/store/storetest"
	"github.com/rosettebadges/rosette/openbadges/jsonld"
	"github.com/rosettebadges/rosette/openbadges/verify"
)

// claimNotices records the claim links of award notifications.
type claimNotices struct {
	mu   sync.Mutex
	urls map[string]string // award id -> claim URL
}

func (n *claimNotices) QueueAward(_ context.Context, _ *store.Tx, an service.AwardNotice) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.urls[an.Award.ID] = an.ClaimURL
	return nil
}

// publicSite is a whole public side on an httptest server: identity documents, award
// documents with the award page, the claim route, and a verifier that reads this server in
// process (identity.LocalFetcher), as rosette serve wires them.
type publicSite struct {
	ts       *httptest.Server
	st       *store.Store
	clock    *badge.FakeClock
	urls     links.URLs
	admin    *badge.User
	awards   *service.Awards
	bc       *badge.BadgeClass
	issuer   *badge.Issuer
	notices  *claimNotices
	verified atomic.Int64 // verifications run for pages
	site     *Site
	shares   *service.Shares
	acc      *memAccounts
}

func newPublicSite(t testing.TB) *publicSite {
	t.Helper()
	ctx := context.Background()
	ps := &publicSite{st: storetest.NewSQLite(t), clock: badge.NewFakeClock(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)),
		notices: &claimNotices{urls: map[string]string{}}}
	srv := server.New(server.Options{})
	ps.ts = httptest.NewServer(srv)
	t.Cleanup(ps.ts.Close)
	ps.urls = links.URLs{Base: ps.ts.URL}
	master, _ := keys.ParseMasterKey(keys.NewMasterKey())
	km := keys.NewManager(ps.st, master)
	issuers := service.NewIssuers(ps.st, km, ps.clock, nil)
	u := &store.User{Email: "admin@x.org", EmailKey: "admin@x.org", Name: "Admin", PasswordHash: "x", IsAdmin: true,
		CreatedAt: ps.clock.Now(), UpdatedAt: ps.clock.Now()}
	if err := ps.st.Update(ctx, func(tx *store.Tx) error { return tx.InsertUser(ctx, u) }); err != nil {
		t.Fatal(err)
	}
	ps.admin = &badge.User{ID: u.ID, Email: u.Email, IsAdmin: true}
	ps.awards = service.NewAwards(service.AwardsOptions{Store: ps.st, Keys: km, URLs: ps.urls, Clock: ps.clock,
		Canonicalizer: jsonld.NewProcessor(jsonld.WithLoader(jsonld.NewLoader())), Notifier: ps.notices})
	var err error
	if ps.issuer, err = issuers.Create(ctx, ps.admin, badge.IssuerFields{Name: "Acme <Academy>", Website: "https://acme.example"}, 0); err != nil {
		t.Fatal(err)
	}
	var img bytes.Buffer
	png.Encode(&img, image.NewGray(image.Rect(0, 0, 4, 4)))
	ps.bc, err = service.NewBadgeClasses(ps.st, ps.clock, nil).Create(ctx, ps.admin, ps.issuer.ID, badge.BadgeClassFields{
		Name: "Welder", Description: "Welds <safely>.", CriteriaNarrative: "Weld a **bridge**.\n\n<script>alert('criteria')</script>",
		Tags:       []string{"welding", "safety"},
		Alignments: []badge.Alignment{{Name: "ESCO welding", URL: "https://esco.example/welding", Framework: "ESCO", Code: "W1"}},
	}, img.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	local := &identity.LocalFetcher{Base: ps.ts.URL, Handler: srv}
	v := verify.New(verify.Options{Fetcher: local, Now: ps.clock.Now})
	ps.acc = newMemAccounts()
	ps.shares = service.NewShares(service.SharesOptions{Store: ps.st, Awards: ps.awards, URLs: ps.urls, Clock: ps.clock})
	ps.site, err = New(Options{Accounts: ps.acc, PublicAwards: ps.awards, URLs: ps.urls, Clock: ps.clock, Shares: ps.shares, Certificates: ps.awards,
		NewVerifier: func(string) *verify.Verifier { return v },
		VerifyAward: func(ctx context.Context, credential []byte) *verify.Report {
			ps.verified.Add(1)
			return v.Verify(ctx, credential)
		}})
	if err != nil {
		t.Fatal(err)
	}
	ps.site.Register(srv)
	(&identity.Handler{Issuers: issuers, URLs: identity.URLs{Base: ps.ts.URL}}).Register(srv)
	(&identity.AwardHandler{Awards: ps.awards, HTML: ps.site.AwardPage(), Downloads: ps.shares}).Register(srv)
	return ps
}

func (ps *publicSite) issue(t testing.TB, req badge.AwardRequest) *badge.Award {
	t.Helper()
	req.BadgeClassID = ps.bc.ID
	a, err := ps.awards.Issue(context.Background(), ps.admin, req)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// page GETs path as a browser (or with accept) and returns the response.
func (ps *publicSite) page(t *testing.T, c *http.Client, path, accept string) (response, http.Header) {
	t.Helper()
	if c == nil {
		c = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	req, _ := http.NewRequest(http.MethodGet, ps.ts.URL+path, nil)
	req.Header.Set("Accept", accept)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return read(t, resp), resp.Header
}

func lacks(t *testing.T, r response, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if strings.Contains(r.body, p) {
			t.Errorf("page (status %d) has %q", r.status, p)
		}
	}
}

// TestAwardPublicPage shows an award to a browser and its credential to a JSON-LD client,
// with everything the page promises, hostile text escaped, and the verification cached.
func TestAwardPublicPage(t *testing.T) {
	ps := newPublicSite(t)
	a := ps.issue(t, badge.AwardRequest{
		Recipient: badge.Recipient{Identity: "ada@example.org", Name: `Ada <script>alert("name")</script> Lovelace`},
		Narrative: "Built a *bridge*. <img src=x onerror=alert(1)>",
		Evidence: []badge.Evidence{{URL: "https://example.org/bridge?a=1&b=2", Name: `Bridge "photos" <b>`},
			{Narrative: "Passed the <iframe src=//evil.example> test."}},
	})
	path := "/awards/" + a.ID

	r, h := ps.page(t, nil, path, browserAccept)
	if r.status != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), "text/html") {
		t.Fatalf("browser: %d %s", r.status, h.Get("Content-Type"))
	}
	if !strings.Contains(h.Get("Vary"), "Accept") {
		t.Errorf("Vary = %q", h.Get("Vary"))
	}
	imagePath := "/images/" + ps.bc.ImageID + ".png"
	mustContain(t, r,
		`<h1 id="award-title">Welder</h1>`,
		`Awarded to <strong>Ada &lt;script&gt;alert(&#34;name&#34;)&lt;/script&gt; Lovelace</strong>`,
		`Issued by <a href="/issuers/`+ps.issuer.ID+`">Acme &lt;Academy&gt;</a>`,
		`Welds &lt;safely&gt;.`,
		`<img class="award-image" src="`+imagePath+`"`,
		`Weld a <strong>bridge</strong>.`, `&lt;script&gt;alert(&#39;criteria&#39;)&lt;/script&gt;`,
		`Built a <em>bridge</em>. &lt;img src=x onerror=alert(1)&gt;`,
		`<a href="https://example.org/bridge?a=1&amp;b=2" rel="nofollow noopener noreferrer">Bridge &#34;photos&#34; &lt;b&gt;</a>`,
		`Passed the &lt;iframe src=//evil.example&gt; test.`,
		`<li class="tag">welding</li>`, `<a href="https://esco.example/welding" rel="nofollow noopener noreferrer">ESCO welding</a>`, `(ESCO, W1)`,
		`<span class="tag status-active">Active</span>`, `Does not expire`, `23 November 2026`,
		// The verification, from the real verifier, in the report partial's compact form.
		`class="verdict verdict-valid"`, `<p class="verdict-heading">Verified</p>`, `<details class="report-checks">`,
		// Downloads and the independent verification.
		`href="`+path+`/image.png"`, `href="`+path+`/assertion.png"`, `href="`+path+`/credential.json"`,
		`href="`+path+`/credential.jwt"`, `href="`+path+`/assertion.json"`,
		`href="/verify?url=`+strings.ReplaceAll(strings.ReplaceAll(ps.ts.URL, ":", "%3A"), "/", "%2F")+`%2Fawards%2F`+a.ID+`"`,
		`href="/badges/`+ps.bc.ID+`"`,
		// Open Graph and Twitter card tags, with absolute URLs.
		`<meta property="og:title" content="Welder · awarded to Ada &lt;script&gt;alert(&#34;name&#34;)&lt;/script&gt; Lovelace">`,
		`<meta property="og:description" content="Welds &lt;safely&gt;.">`,
		`<meta property="og:image" content="`+ps.ts.URL+imagePath+`">`,
		`<meta property="og:url" content="`+ps.ts.URL+path+`">`,
		`<meta name="twitter:card" content="summary">`,
	)
	lacks(t, r, `<script>alert`, `<img src=x`, `<iframe`, `<b>`, "http-equiv", "style=", "<style", "Being issued")
	for _, m := range regexp.MustCompile(`<script[^>]*>`).FindAllString(r.body, -1) {
		if !strings.Contains(m, " src=") {
			t.Errorf("inline script: %s", m)
		}
	}
	if csp := h.Get("Content-Security-Policy"); csp != server.ContentSecurityPolicy {
		t.Errorf("CSP = %q", csp)
	}

	// JSON-LD clients get the credential at the same URL, as at credential.json.
	ld, lh := ps.page(t, nil, path, "application/ld+json")
	cred, _ := ps.page(t, nil, path+"/credential.json", "")
	if ld.status != http.StatusOK || lh.Get("Content-Type") != "application/ld+json" || ld.body != cred.body ||
		!strings.Contains(ld.body, `"proof"`) {
		t.Errorf("JSON-LD client: %d %s %.80s", ld.status, lh.Get("Content-Type"), ld.body)
	}
	if js, _ := ps.page(t, nil, path, "application/json"); !strings.Contains(js.body, `"proof"`) {
		t.Errorf("JSON client got %.80s", js.body)
	}

	// The report is cached: more views, no more verifications.
	for range 3 {
		ps.page(t, nil, path, browserAccept)
	}
	if n := ps.verified.Load(); n != 1 {
		t.Errorf("%d verifications for 4 views, want 1", n)
	}

	if r, _ := ps.page(t, nil, "/awards/nope", browserAccept); r.status != http.StatusNotFound || !strings.Contains(r.body, "There is no such badge.") {
		t.Errorf("unknown award: %d", r.status)
	}
}

// TestAwardPublicRevokedAndExpired: a revocation shows at once (banner and verification),
// and so does an expiry when its time passes, whatever the cache held.
func TestAwardPublicRevokedAndExpired(t *testing.T) {
	ps := newPublicSite(t)
	ctx := context.Background()
	revoked := ps.issue(t, badge.AwardRequest{Recipient: badge.Recipient{Identity: "a@example.org", Name: "Ann"}})
	expiring := ps.issue(t, badge.AwardRequest{Recipient: badge.Recipient{Identity: "b@example.org", Name: "Bob"},
		ExpiresAt: ps.clock.Now().Add(time.Hour)})

	for _, a := range []*badge.Award{revoked, expiring} {
		r, _ := ps.page(t, nil, "/awards/"+a.ID, browserAccept)
		mustContain(t, r, `<p class="verdict-heading">Verified</p>`)
	}
	mustContain(t, first(ps.page(t, nil, "/awards/"+expiring.ID, browserAccept)), `<time datetime="2026-11-23T13:00:00Z">23 November 2026</time>`)

	if _, err := ps.awards.Revoke(ctx, ps.admin, revoked.ID, "Issued <by> mistake"); err != nil {
		t.Fatal(err)
	}
	r, _ := ps.page(t, nil, "/awards/"+revoked.ID, browserAccept)
	if r.status != http.StatusOK {
		t.Fatalf("revoked: %d", r.status)
	}
	mustContain(t, r, `class="award-status award-status-revoked" role="alert"`, `<p class="award-status-heading">Revoked</p>`,
		`giving this reason: <q>Issued &lt;by&gt; mistake</q>`, `class="verdict verdict-revoked"`,
		`<p class="verdict-heading">Revoked</p>`, `<span class="tag status-revoked">Revoked</span>`)
	lacks(t, r, `verdict-valid`)

	ps.clock.Advance(2 * time.Hour)
	r, _ = ps.page(t, nil, "/awards/"+expiring.ID, browserAccept)
	mustContain(t, r, `class="award-status award-status-expired" role="alert"`, `<p class="award-status-heading">Expired</p>`,
		`class="verdict verdict-expired"`, `<span class="tag status-expired">Expired</span>`)
	lacks(t, r, `verdict-valid`)
	if n := ps.verified.Load(); n != 4 {
		t.Errorf("%d verifications, want 4 (two first views, one after the revocation, one after the expiry)", n)
	}
}

func first(r response, _ http.Header) response { return r }

// TestAwardPublicHiddenName: the earner's choice leaves the name off the page and its tags.
func TestAwardPublicHiddenName(t *testing.T) {
	ps := newPublicSite(t)
	a := ps.issue(t, badge.AwardRequest{Recipient: badge.Recipient{Identity: "ada@example.org", Name: "Ada Lovelace"}})
	mustContain(t, first(ps.page(t, nil, "/awards/"+a.ID, browserAccept)), "Awarded to <strong>Ada Lovelace</strong>")
	if _, err := ps.awards.SetRecipientNameHidden(context.Background(), ps.admin, a.ID, true); err != nil {
		t.Fatal(err)
	}
	r, _ := ps.page(t, nil, "/awards/"+a.ID, browserAccept)
	mustContain(t, r, "Awarded to a recipient who chose not to show their name", `<meta property="og:title" content="Welder">`)
	lacks(t, r, "Ada", "Lovelace", "ada@example.org")
	// Nor is the recipient's address shown when there is no name.
	b := ps.issue(t, badge.AwardRequest{Recipient: badge.Recipient{Identity: "bob@example.org"}})
	r, _ = ps.page(t, nil, "/awards/"+b.ID, browserAccept)
	mustContain(t, r, "Awarded to its recipient")
	lacks(t, r, "bob@example.org")
}

// unsignedAwards hides the signature of every award: what the page sees between recording and
// signing.
type unsignedAwards struct{ PublicAwards }

func (u unsignedAwards) PublicState(ctx context.Context, id string) (*service.AwardState, error) {
	st, err := u.PublicAwards.PublicState(ctx, id)
	if err == nil {
		c := *st
		c.Signed = false
		return &c, nil
	}
	return st, err
}

func (u unsignedAwards) Public(ctx context.Context, id string) (*service.PublicAward, error) {
	p, err := u.PublicAwards.Public(ctx, id)
	if err == nil {
		award := *p.Award
		award.Signed = false
		q := *p
		q.Award, q.Credential = &award, nil
		return &q, nil
	}
	return p, err
}

// TestAwardPublicBeingIssued: an award not signed yet has a page saying so, which reloads
// itself; no verification is run or cached for it.
func TestAwardPublicBeingIssued(t *testing.T) {
	ps := newPublicSite(t)
	a := ps.issue(t, badge.AwardRequest{Recipient: badge.Recipient{Identity: "ada@example.org", Name: "Ada"}})
	ps.site.publicAwards = unsignedAwards{ps.awards}
	r, _ := ps.page(t, nil, "/awards/"+a.ID, browserAccept)
	if r.status != http.StatusOK {
		t.Fatalf("status %d", r.status)
	}
	mustContain(t, r, `<meta http-equiv="refresh" content="3">`, "This badge is being issued", "<title>Being issued · Welder · Rosette</title>")
	lacks(t, r, "verdict-", "/credential.json")
	if n := ps.verified.Load(); n != 0 || ps.site.reports.len() != 0 {
		t.Errorf("%d verifications, %d cached", n, ps.site.reports.len())
	}
	// Once signed, the page verifies it.
	ps.site.publicAwards = ps.awards
	mustContain(t, first(ps.page(t, nil, "/awards/"+a.ID, browserAccept)), `<p class="verdict-heading">Verified</p>`)
}

// TestClaimLink: the link of the award email leads to the award page with a one-time word for
// the earner; any other token is a 404 page; the token never reaches the access log.
func TestClaimLink(t *testing.T) {
	ps := newPublicSite(t)
	a := ps.issue(t, badge.AwardRequest{Recipient: badge.Recipient{Identity: "ada@example.org", Name: "Ada"}, Notify: true})
	claimURL := ps.notices.urls[a.ID]
	token := strings.TrimPrefix(claimURL, ps.urls.Base+"/claim/")
	if token == claimURL || token == "" {
		t.Fatalf("claim URL %q", claimURL)
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	r, h := ps.page(t, c, "/claim/"+token, browserAccept)
	if r.status != http.StatusSeeOther || r.location != "/awards/"+a.ID || h.Get("Cache-Control") != "no-store" {
		t.Fatalf("claim: %d to %q (%s)", r.status, r.location, h.Get("Cache-Control"))
	}
	page, _ := ps.page(t, c, r.location, browserAccept)
	mustContain(t, page, `class="flash flash-info"`, "This badge was awarded to you.", "Awarded to <strong>Ada</strong>")
	again, _ := ps.page(t, c, r.location, browserAccept)
	lacks(t, again, "This badge was awarded to you.")

	for _, bad := range []string{"nope", token + "x", strings.Repeat("x", 300)} {
		r, _ := ps.page(t, c, "/claim/"+bad, browserAccept)
		if r.status != http.StatusNotFound {
			t.Errorf("claim %.20s: %d", bad, r.status)
		}
		mustContain(t, r, "This claim link is not valid.")
	}
}

// TestReportCache checks the cache on its own: a hit, a new key, an expiry passing, the TTL,
// a short life for "unverifiable", the size bound, and one verification for concurrent views.
func TestReportCache(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := newReportCache[template.HTML](2, 10*time.Minute)
	runs := 0
	verdict := verify.Valid
	compute := func() (string, verify.Verdict, error) { runs++; return "r", verdict, nil }
	get := func(key reportKey, now time.Time, changes ...time.Time) {
		t.Helper()
		if _, _, err := c.get(ctx, key, now, changes, func() (template.HTML, verify.Verdict, error) {
			s, v, err := compute()
			return template.HTML(s), v, err
		}); err != nil {
			t.Fatal(err)
		}
	}
	k := reportKey{awardID: "a", signed: true}
	expiry := t0.Add(5 * time.Minute)
	for _, step := range []struct {
		what string
		key  reportKey
		now  time.Time
		runs int
	}{
		{"first view", k, t0, 1},
		{"cached", k, t0.Add(time.Minute), 1},
		{"expiry passed", k, expiry, 2},
		{"cached again", k, expiry.Add(time.Minute), 2},
		{"revoked: new key", reportKey{awardID: "a", signed: true, revokedAt: 1}, expiry.Add(time.Minute), 3},
		{"TTL passed", reportKey{awardID: "a", signed: true, revokedAt: 1}, expiry.Add(12 * time.Minute), 4},
	} {
		get(step.key, step.now, expiry)
		if runs != step.runs {
			t.Fatalf("%s: %d verifications, want %d", step.what, runs, step.runs)
		}
	}
	verdict = verify.Unverifiable
	get(reportKey{awardID: "u"}, t0)
	get(reportKey{awardID: "u"}, t0.Add(unverifiableTTL))
	if runs != 6 {
		t.Errorf("unverifiable kept for %s: %d runs", unverifiableTTL, runs)
	}
	get(reportKey{awardID: "v"}, t0)
	if c.len() != 2 {
		t.Errorf("%d entries, bound 2", c.len())
	}

	// Concurrent views of an award not cached verify it once: the others wait for that
	// verification or find its result cached, whatever the order they come in.
	c = newReportCache[template.HTML](10, time.Minute)
	release := make(chan struct{})
	var calls atomic.Int64
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			html, _, err := c.get(ctx, reportKey{awardID: "b"}, t0, nil, func() (template.HTML, verify.Verdict, error) {
				calls.Add(1)
				<-release
				return "b", verify.Valid, nil
			})
			if err != nil || html != "b" {
				t.Errorf("get: %q %v", html, err)
			}
		}()
	}
	close(release)
	wg.Wait()
	if n := calls.Load(); n != 1 {
		t.Errorf("%d verifications for 8 concurrent views", n)
	}
	// A failed verification is not cached.
	_, _, err := c.get(ctx, reportKey{awardID: "f"}, t0, nil, func() (template.HTML, verify.Verdict, error) {
		return "", "", errors.New("boom")
	})
	if err == nil || c.len() != 1 {
		t.Errorf("failure: %v, %d entries", err, c.len())
	}
}
