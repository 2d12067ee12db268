package cli

import (
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/rosettebadges/rosette/internal/badge"
)

// TestBrowserSharePanel: the earner, signed in, sees the share panel on the award page and
// on the share page in Chromium, with the copy buttons shown by the static script, the
// embed card previewed in its sandboxed iframe, and no console problem under the strict CSP;
// the "Add to LinkedIn profile" link leads (through the counting redirect) to LinkedIn's form
// with every field.
func TestBrowserSharePanel(t *testing.T) {
	dataDir := t.TempDir()
	srv := bootServe(t, true, "--addr", "127.0.0.1:0", "--data-dir", dataDir)
	bctx := browser(t)
	console := watchConsole(bctx)
	step, text := browserSteps(t, bctx, srv)
	step("create the administrator", setupAdmin(srv, "correct horse battery")...)

	in := openInstallation(t, srv, dataDir)
	a := in.award(t, in.admin(t, "ada@example.org", ""), badge.IssuerFields{Name: "Northwind College", LinkedInOrg: "1337"},
		badge.BadgeClassFields{Name: "Bridge Welder", Description: "Welds bridges that stay up.", CriteriaNarrative: "Weld a bridge."},
		badge.AwardRequest{Recipient: badge.Recipient{Identity: "ada@example.org", Name: "Ada Admin"}})
	page := srv.BaseURL + "/awards/" + a.ID

	step("open the award page as its earner", chromedp.Navigate(page), chromedp.WaitVisible("#share-title"))
	if s := text("#share-title"); s != "Share your badge" {
		t.Errorf("panel heading %q", s)
	}
	waitForJS(t, bctx, `[...document.querySelectorAll("button[data-copy]")].length === 2 && [...document.querySelectorAll("button[data-copy]")].every(b => !b.hidden)`)
	href, err := chromedp.Run(bctx, chromedp.Evaluate[string](`document.querySelector(".share-panel a.button").href`))
	if err != nil || href != page+"/share/linkedin_profile" {
		t.Errorf("LinkedIn button href %q (%v)", href, err)
	}
	res, err := browserlessClient(t).Get(href)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	loc, _ := url.Parse(res.Header.Get("Location"))
	want := url.Values{"startTask": {"CERTIFICATION_NAME"}, "name": {"Bridge Welder"}, "organizationId": {"1337"},
		"issueYear": {a.IssuedAt.UTC().Format("2006")}, "issueMonth": {strings.TrimPrefix(a.IssuedAt.UTC().Format("01"), "0")},
		"certUrl": {page}, "certId": {a.ID}}
	if res.StatusCode != 302 || loc == nil || loc.Scheme+"://"+loc.Host+loc.Path != "https://www.linkedin.com/profile/add" {
		t.Fatalf("LinkedIn redirect: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	got := loc.Query()
	for k, v := range want {
		if got.Get(k) != v[0] {
			t.Errorf("LinkedIn %s = %q, want %q", k, got.Get(k), v[0])
		}
	}
	if len(got) != len(want) {
		t.Errorf("LinkedIn fields %v, want exactly %v", got, want)
	}
	step("preview the embedded card", chromedp.Click(".share-panel details summary"), chromedp.WaitVisible(".snippet-preview iframe"))
	// The card is a sandboxed frame of another (opaque) origin: check it renders through its
	// own request instead.
	res, err = browserlessClient(t).Get(page + "/embed?preview=1")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("embed: %v %v", res, err)
	}
	res.Body.Close()
	takeScreenshot(t, bctx, "share-panel.png")
	step("open the share page", chromedp.Navigate(srv.BaseURL+"/wallet/share/"+a.ID), chromedp.WaitVisible("#share-title"))
	if s := text("h1"); !strings.Contains(s, "Bridge Welder") {
		t.Errorf("share page heading %q", s)
	}
	step("open the embed card alone", chromedp.Navigate(page+"/embed"), chromedp.WaitVisible(".embed-card"))
	if s := text(".embed-status"); s != "Verified" {
		t.Errorf("card status %q", s)
	}
	takeScreenshot(t, bctx, "share-embed.png")
	if p := console.problems(); len(p) > 0 {
		t.Errorf("the browser console reported problems:\n%s", strings.Join(p, "\n"))
	}
}
