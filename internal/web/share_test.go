package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/service"
	"github.com/rosettebadges/rosette/internal/store"
)

// signIn makes the site's one account (memAccounts) with the given address and returns a
// client signed in as it.
func (ps *publicSite) signIn(t *testing.T, email string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	r := post(t, c, ps.ts.URL+"/setup", url.Values{"token": {"setup-token"}, "name": {"Ada"}, "email": {email},
		"password": {"correct horse battery"}, "password_confirm": {"correct horse battery"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("setup: %d %s", r.status, r.body)
	}
	return c
}

func (ps *publicSite) counts(t *testing.T, awardID string) []service.ShareCount {
	t.Helper()
	if err := ps.shares.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	c, err := ps.shares.AwardCounts(context.Background(), ps.admin, awardID)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestShareEmbed: the card is framable by anyone (its own CSP, no X-Frame-Options) and
// needs no cookie; every other route still refuses framing.
func TestShareEmbed(t *testing.T) {
	ps := newPublicSite(t)
	a := ps.issue(t, badge.AwardRequest{Recipient: badge.Recipient{Identity: "ada@example.org", Name: "Ada <b>Lovelace</b>"}})
	r, h := ps.page(t, nil, "/awards/"+a.ID+"/embed", browserAccept)
	if r.status != http.StatusOK || h.Get("Content-Security-Policy") != embedCSP || h.Get("X-Frame-Options") != "" ||
		h.Get("Set-Cookie") != "" || !strings.HasPrefix(h.Get("Content-Type"), "text/html") {
		t.Fatalf("embed: %d, headers %v", r.status, h)
	}
	if !strings.Contains(embedCSP, "frame-ancestors *") {
		t.Errorf("embed CSP %q", embedCSP)
	}
	mustContain(t, r, `<span class="embed-name">Welder</span>`, `Issued by Acme &lt;Academy&gt;`,
		`to Ada &lt;b&gt;Lovelace&lt;/b&gt;`, `<span class="embed-status embed-verified">Verified</span>`,
		`href="`+ps.ts.URL+`/awards/`+a.ID+`" target="_blank" rel="noopener"`, `src="/images/`+ps.bc.ImageID+`.png"`,
		`23 November 2026`)
	if m := inlineStyle.FindString(r.body); m != "" {
		t.Errorf("embed has inline code %q", m)
	}
	for _, tag := range scriptTag.FindAllString(r.body, -1) {
		t.Errorf("embed has a script %q", tag)
	}
	// Hidden name, then revoked.
	if _, err := ps.awards.SetRecipientNameHidden(context.Background(), ps.admin, a.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := ps.awards.Revoke(context.Background(), ps.admin, a.ID, "mistake"); err != nil {
		t.Fatal(err)
	}
	r, _ = ps.page(t, nil, "/awards/"+a.ID+"/embed", browserAccept)
	mustContain(t, r, `<span class="embed-status embed-revoked">Revoked</span>`)
	lacks(t, r, "Lovelace", "embed-verified")
	if r, _ := ps.page(t, nil, "/awards/nope/embed", browserAccept); r.status != http.StatusNotFound {
		t.Errorf("unknown award embed: %d", r.status)
	}
	// Everything else keeps the site's refusal to be framed.
	for _, p := range []string{"/awards/" + a.ID, "/awards/" + a.ID + "/credential.json", "/login", "/oembed?url=x",
		"/awards/" + a.ID + "/share/x", "/wallet/share/" + a.ID} {
		_, h := ps.page(t, nil, p, browserAccept)
		if h.Get("X-Frame-Options") != "DENY" || !strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
			t.Errorf("%s: X-Frame-Options %q, CSP %q", p, h.Get("X-Frame-Options"), h.Get("Content-Security-Policy"))
		}
	}
	// Two cards shown (the unknown award's 404 counts nothing); the routes fetched above
	// count too (a view, a download, a share click).
	want := []service.ShareCount{{Kind: "download", Channel: "json", N: 1}, {Kind: "embed_view", Channel: "embed", N: 2},
		{Kind: "share", Channel: "x", N: 1}, {Kind: "view", N: 1}}
	if d := cmp.Diff(want, ps.counts(t, a.ID)); d != "" {
		t.Errorf("counts (-want +got):\n%s", d)
	}
}

// TestOEmbed: the JSON answer, its limits, the discovery link, and the refusals.
func TestOEmbed(t *testing.T) {
	ps := newPublicSite(t)
	a := ps.issue(t, badge.AwardRequest{Recipient: badge.Recipient{Identity: "ada@example.org", Name: "Ada"}})
	page := ps.ts.URL + "/awards/" + a.ID
	q := url.Values{"url": {page}, "format": {"json"}, "maxwidth": {"300"}}
	r, h := ps.page(t, nil, "/oembed?"+q.Encode(), "application/json")
	if r.status != http.StatusOK || h.Get("Content-Type") != "application/json; charset=utf-8" || h.Get("Access-Control-Allow-Origin") != "*" {
		t.Fatalf("oembed: %d %v %s", r.status, h, r.body)
	}
	var got oembedDoc
	if err := json.Unmarshal([]byte(r.body), &got); err != nil {
		t.Fatal(err)
	}
	want := oembedDoc{Version: "1.0", Type: "rich", Title: "Welder", AuthorName: "Acme <Academy>", AuthorURL: ps.urls.Profile(ps.issuer.ID),
		ProviderName: "Rosette", ProviderURL: ps.ts.URL + "/", CacheAge: 3600,
		HTML:  `<iframe src="` + page + `/embed" width="300" height="440" title="Welder: a verified badge" loading="lazy" frameborder="0"></iframe>`,
		Width: 300, Height: 440, ThumbnailURL: ps.ts.URL + "/images/" + ps.bc.ImageID + ".png", ThumbnailWidth: 4, ThumbnailHeight: 4}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("oEmbed (-want +got):\n%s", d)
	}
	// maxheight too; a larger maximum changes nothing.
	r, _ = ps.page(t, nil, "/oembed?"+url.Values{"url": {page}, "maxheight": {"200"}, "maxwidth": {"9999"}}.Encode(), "")
	json.Unmarshal([]byte(r.body), &got)
	if got.Width != 360 || got.Height != 200 || !strings.Contains(got.HTML, `width="360" height="200"`) {
		t.Errorf("maxheight: %d x %d %s", got.Width, got.Height, got.HTML)
	}
	for _, tt := range []struct {
		query  url.Values
		status int
	}{
		{url.Values{"url": {page}, "format": {"xml"}}, http.StatusNotImplemented},
		{url.Values{"url": {"https://elsewhere.example/awards/" + a.ID}}, http.StatusNotFound},
		{url.Values{"url": {ps.ts.URL + "/badges/" + ps.bc.ID}}, http.StatusNotFound},
		{url.Values{"url": {page + "/credential.json"}}, http.StatusNotFound},
		{url.Values{"url": {ps.ts.URL + "/awards/nope"}}, http.StatusNotFound},
		{url.Values{}, http.StatusNotFound},
		{url.Values{"url": {page}, "maxwidth": {"-3"}}, http.StatusBadRequest},
	} {
		r, _ := ps.page(t, nil, "/oembed?"+tt.query.Encode(), "")
		if r.status != tt.status || !strings.Contains(r.body, `"error"`) {
			t.Errorf("%v: %d %s, want %d", tt.query, r.status, r.body, tt.status)
		}
	}
	// The award page announces the endpoint.
	r, _ = ps.page(t, nil, "/awards/"+a.ID, browserAccept)
	mustContain(t, r, `<link rel="alternate" type="application/json+oembed" href="`+
		strings.ReplaceAll(ps.urls.Base+"/oembed?"+url.Values{"format": {"json"}, "url": {page}}.Encode(), "&", "&amp;")+`" title="Welder · awarded to Ada">`)
}

// TestShareRedirect: each share link records and leads to the network, built by us only.
func TestShareRedirect(t *testing.T) {
	ps := newPublicSite(t)
	a := ps.issue(t, badge.AwardRequest{Recipient: badge.Recipient{Identity: "ada@example.org", Name: "Ada"}})
	page := url.QueryEscape(ps.ts.URL + "/awards/" + a.ID)
	for channel, want := range map[string]string{
		"linkedin_post": "https://www.linkedin.com/sharing/share-offsite/?url=" + page,
		"x":             "https://twitter.com/intent/tweet?text=Welder&url=" + page,
		"facebook":      "https://www.facebook.com/sharer/sharer.php?u=" + page,
		"email":         "mailto:?subject=Welder&body=Welder%0A" + page,
	} {
		r, h := ps.page(t, nil, "/awards/"+a.ID+"/share/"+channel+"?url=https://evil.example&u=https://evil.example", browserAccept)
		if r.status != http.StatusFound || r.location != want || h.Get("Referrer-Policy") != "no-referrer" || h.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: %d %q, want %q", channel, r.status, r.location, want)
		}
	}
	r, _ := ps.page(t, nil, "/awards/"+a.ID+"/share/linkedin_profile", browserAccept)
	u, err := url.Parse(r.location)
	if err != nil || r.status != http.StatusFound || u.Host != "www.linkedin.com" || u.Path != "/profile/add" {
		t.Fatalf("linkedin_profile: %d %q", r.status, r.location)
	}
	want := url.Values{"startTask": {"CERTIFICATION_NAME"}, "name": {"Welder"}, "organizationName": {"Acme <Academy>"},
		"issueYear": {"2026"}, "issueMonth": {"11"}, "certUrl": {ps.ts.URL + "/awards/" + a.ID}, "certId": {a.ID}}
	if d := cmp.Diff(want, u.Query()); d != "" {
		t.Errorf("LinkedIn fields (-want +got):\n%s", d)
	}
	for _, p := range []string{"/awards/" + a.ID + "/share/myspace", "/awards/nope/share/x"} {
		if r, _ := ps.page(t, nil, p, browserAccept); r.status != http.StatusNotFound || r.location != "" {
			t.Errorf("%s: %d %q", p, r.status, r.location)
		}
	}
	want2 := []service.ShareCount{{Kind: "share", Channel: "email", N: 1}, {Kind: "share", Channel: "facebook", N: 1},
		{Kind: "share", Channel: "linkedin_post", N: 1}, {Kind: "share", Channel: "linkedin_profile", N: 1}, {Kind: "share", Channel: "x", N: 1}}
	if d := cmp.Diff(want2, ps.counts(t, a.ID)); d != "" {
		t.Errorf("counts (-want +got):\n%s", d)
	}
}

// TestSharePanelAndEvents: the earner sees the share panel on the award page and on the
// share page, and the earner's own views are not counted; others' views, downloads are.
func TestSharePanelAndEvents(t *testing.T) {
	ps := newPublicSite(t)
	mine := ps.issue(t, badge.AwardRequest{Recipient: badge.Recipient{Identity: "ada@example.org", Name: "Ada"}})
	theirs := ps.issue(t, badge.AwardRequest{Recipient: badge.Recipient{Identity: "bob@example.org", Name: "Bob"}})
	c := ps.signIn(t, "Ada@Example.org")
	base := "/awards/" + mine.ID
	for _, p := range []string{base, "/wallet/share/" + mine.ID} {
		r, _ := ps.page(t, c, p, browserAccept)
		if r.status != http.StatusOK {
			t.Fatalf("%s: %d", p, r.status)
		}
		mustContain(t, r, `<h2 id="share-title">Share your badge</h2>`,
			`href="`+base+`/share/linkedin_profile"`, `href="`+base+`/share/linkedin_post"`, `href="`+base+`/share/x"`,
			`href="`+base+`/share/facebook"`, `href="`+base+`/share/email"`,
			// The snippets, escaped inside their textareas.
			`&lt;iframe src=&#34;`+ps.ts.URL+base+`/embed&#34; width=&#34;360&#34; height=&#34;440&#34;`,
			`&lt;a href=&#34;`+ps.ts.URL+base+`&#34; target=&#34;_blank&#34; rel=&#34;noopener&#34;&gt;&lt;img src=&#34;`+ps.ts.URL+`/images/`+ps.bc.ImageID+`.png&#34; alt=&#34;Welder badge from Acme &amp;lt;Academy&amp;gt;, verified&#34; width=&#34;80&#34; height=&#34;80&#34; border=&#34;0&#34;&gt;&lt;/a&gt;`,
			`<iframe src="`+base+`/embed?preview=1"`, `sandbox="allow-popups allow-popups-to-escape-sandbox"`)
		if p != base { // the award page has its own download list; the share page repeats it
			mustContain(t, r, `href="`+base+`/image.png" download`, `href="`+base+`/assertion.png" download`,
				`href="`+base+`/credential.json" download`, `href="`+base+`/credential.jwt" download`)
		} else if strings.Count(r.body, `href="`+base+`/credential.jwt"`) != 1 {
			t.Errorf("the award page lists its downloads %d times", strings.Count(r.body, `href="`+base+`/credential.jwt"`))
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
	// Not the earner: no panel, a 403 on the share page, and the view counts.
	r, _ := ps.page(t, c, "/awards/"+theirs.ID, browserAccept)
	lacks(t, r, "share-panel")
	if r, _ := ps.page(t, c, "/wallet/share/"+theirs.ID, browserAccept); r.status != http.StatusForbidden {
		t.Errorf("someone else's share page: %d", r.status)
	}
	if r, _ := ps.page(t, nil, "/wallet/share/"+mine.ID, browserAccept); r.status != http.StatusSeeOther {
		t.Errorf("share page signed out: %d", r.status)
	}
	// Anonymous views count, with the referrer's host only; downloads count.
	req, _ := http.NewRequest(http.MethodGet, ps.ts.URL+base, nil)
	req.Header.Set("Accept", browserAccept)
	req.Header.Set("Referer", "https://www.LinkedIn.com/feed/update/123?secret=1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	ps.page(t, nil, base, browserAccept)
	for _, d := range []string{"/image.png", "/assertion.png", "/credential.json", "/credential.jwt", "/assertion.json"} {
		if r, _ := ps.page(t, nil, base+d, ""); r.status != http.StatusOK {
			t.Errorf("%s: %d", d, r.status)
		}
	}
	// The JSON-LD credential at the award URL itself is not a download, nor are this
	// installation's own verifications reading the documents in process.
	ps.page(t, nil, base, "application/ld+json")
	for _, doc := range []string{base + "/assertion.json", base + "/credential.json", base} {
		if r, _ := ps.page(t, nil, "/verify?"+url.Values{"url": {ps.ts.URL + doc}}.Encode(), browserAccept); r.status != http.StatusOK || !strings.Contains(r.body, "verdict") {
			t.Errorf("verify %s: %d", doc, r.status)
		}
	}
	want := []service.ShareCount{{Kind: "download", Channel: "json", N: 1}, {Kind: "download", Channel: "jwt", N: 1},
		{Kind: "download", Channel: "ob2_json", N: 1}, {Kind: "download", Channel: "ob2_png", N: 1}, {Kind: "download", Channel: "png", N: 1},
		{Kind: "view", N: 2}}
	if d := cmp.Diff(want, ps.counts(t, mine.ID)); d != "" {
		t.Errorf("counts of the earner's award (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]service.ShareCount{{Kind: "view", N: 1}}, ps.counts(t, theirs.ID)); d != "" {
		t.Errorf("counts of the other award (-want +got):\n%s", d)
	}
	var hosts []string
	ps.st.View(context.Background(), func(tx *store.Tx) error {
		es, err := tx.ShareEventsByAward(context.Background(), mine.ID)
		for _, e := range es {
			if e.Kind == "view" {
				hosts = append(hosts, e.ReferrerHost)
			}
		}
		return err
	})
	if d := cmp.Diff([]string{"www.linkedin.com", ""}, hosts); d != "" {
		t.Errorf("view referrers (-want +got):\n%s", d)
	}
}

// TestAdminAwardShareCounts: the admin award page shows the award's counts to staff who may
// see reports ("None yet" before any event).
func TestAdminAwardShareCounts(t *testing.T) {
	is, bc := newAwardSite(t)
	ctx := context.Background()
	a, err := is.awards.Issue(ctx, is.users["owner"], badge.AwardRequest{BadgeClassID: bc.ID, Recipient: badge.Recipient{Identity: "ada@example.org"}})
	if err != nil {
		t.Fatal(err)
	}
	r := is.get(t, "viewer", "/admin/awards/"+a.ID)
	mustContain(t, r, `Views, shares and downloads`, `None yet.`)
	for _, e := range []service.ShareEvent{{AwardID: a.ID, Kind: "view"}, {AwardID: a.ID, Kind: "view"},
		{AwardID: a.ID, Kind: "share", Channel: "linkedin_profile"}} {
		is.shares.Record(e)
	}
	if err := is.shares.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	r = is.get(t, "viewer", "/admin/awards/"+a.ID)
	mustContain(t, r, `<tr><td>share</td><td>linkedin_profile</td><td>1</td></tr>`, `<tr><td>view</td><td>—</td><td>2</td></tr>`)
	lacks(t, r, `None yet.`)
}
