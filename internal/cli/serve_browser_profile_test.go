package cli

import (
	"context"
	"github.com/rosettebadges/rosette/internal/testenv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/store"
)

// TestBrowserPublicProfile makes a public profile with a collection in Chromium, through
// `rosette serve`, and views it signed out: the earner (the site administrator, who holds an
// award of this installation and a badge imported from another platform, put in the wallet
// beside the running server) writes the profile, makes a public collection, adds both badges,
// makes one public; the visitor then sees that badge, the collection and its skills, and not
// the private badge; the imported badge's read-only page; and a 404 once the site's
// safeguarding mode is on. The console must stay free of problems (CSP included).
func TestBrowserPublicProfile(t *testing.T) {
	dataDir := t.TempDir()
	srv := bootServe(t, true, "--addr", "127.0.0.1:0", "--data-dir", dataDir)
	ctx := browser(t)
	console := watchConsole(ctx)
	step, text := browserSteps(t, ctx, srv)
	shot := func(name string) { t.Helper(); takeScreenshot(t, ctx, "profile-"+name) }
	const password = "profile journey password"
	step("set up the administrator", setupAdmin(srv, password)...)

	// The wallet: an award of this installation and an imported OB 3.0 badge (the DCC
	// fixture with alignments), added beside the server as the import pages would.
	in := openInstallation(t, srv, dataDir)
	awardID, imported := fillWallet(t, in)

	step("edit the profile", chromedp.Navigate(srv.BaseURL+"/account/profile"), chromedp.WaitVisible("#handle"),
		chromedp.SendKeys("#handle", "ada-admin"),
		chromedp.SetValue("#display_name", "Ada Admin"),
		chromedp.SendKeys("#headline", "Welder and analyst"),
		chromedp.SendKeys("#bio", "I weld **bridges** and read requirements."),
		chromedp.Click(`input[name="public"]`),
		chromedp.Click(`button.button-primary`),
	)
	waitForJS(t, ctx, `document.querySelector(".flash") !== null && document.querySelector(".flash").innerText.includes("profile is saved")`)
	shot("edit.png")
	step("create a public collection", chromedp.Navigate(srv.BaseURL+"/wallet/collections"), chromedp.WaitVisible("#create-title"),
		chromedp.SendKeys("#name", "Work skills"),
		chromedp.SendKeys("#description", "What I do at work."),
		chromedp.SetValue("#visibility", "public"),
		chromedp.Click(`form[action="/wallet/collections"] button[type="submit"]`),
	)
	waitForJS(t, ctx, `document.querySelector("select[name=item]") !== null`)
	for i := 0; i < 2; i++ {
		step("add a badge", chromedp.Click(`form[action$="/items"] button[type="submit"]`))
		waitForJS(t, ctx, `document.querySelectorAll("ol li").length === `+string(rune('1'+i)))
	}
	step("make the imported badge public", chromedp.Click(`form[action="/wallet/visibility/`+imported+`"] button`))
	waitForJS(t, ctx, `document.querySelector(".flash") !== null && document.querySelector(".flash").innerText.includes("visibility")`)
	shot("collections.png")
	step("preview the profile", chromedp.Navigate(srv.BaseURL+"/account/profile"), chromedp.WaitVisible("#handle"),
		chromedp.Click(`a[href="/account/profile/preview"]`), chromedp.WaitVisible("#profile-title"))
	if s := text(".alert-info"); !strings.Contains(s, "This is a preview") {
		t.Errorf("preview banner = %q", s)
	}

	step("sign out", chromedp.Click(`.whoami button`))
	waitForJS(t, ctx, `document.querySelector(".whoami") === null`)
	step("open the public profile", chromedp.Navigate(srv.BaseURL+"/u/ada-admin"), chromedp.WaitVisible("#profile-title"))
	if s := text("#profile-title"); s != "Ada Admin" {
		t.Errorf("profile heading = %q", s)
	}
	page := text("main")
	for _, want := range []string{"Welder and analyst", "bridges", "Work skills", "What I do at work.", "Text analysis", "Requirements Analysis", "Edmonds College Course Catalog"} {
		if !strings.Contains(page, want) {
			t.Errorf("public profile lacks %q:\n%s", want, page)
		}
	}
	for _, hidden := range []string{"Bridge Welder", "welding"} { // the award stays private
		if strings.Contains(page, hidden) {
			t.Errorf("public profile shows the private %q", hidden)
		}
	}
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('meta[name="robots"][content="noindex"]').length`)); err != nil || n != 1 {
		t.Errorf("noindex meta: %d, %v", n, err)
	}
	shot("public.png")
	step("open the imported badge", chromedp.Click(`a[href="/u/ada-admin/badges/`+imported+`"]`), chromedp.WaitVisible("#badge-title"))
	if s := text("#badge-title"); s != "Text analysis" {
		t.Errorf("badge page heading = %q", s)
	}
	if s := text("#status-title + p"); !strings.Contains(s, "Verified") {
		t.Errorf("verification status = %q", s)
	}
	shot("badge.png")

	// The site's safeguarding mode, from the admin settings page, hides it all.
	step("sign in again", chromedp.Navigate(srv.BaseURL+"/login"), chromedp.WaitVisible("#email"),
		chromedp.SendKeys("#email", "ada@example.org"), chromedp.SendKeys("#password", password),
		chromedp.Click(`button[type="submit"]`))
	waitForJS(t, ctx, `document.querySelector(".whoami") !== null`)
	step("make the award public too", chromedp.Navigate(srv.BaseURL+"/wallet/collections"), chromedp.WaitVisible("#badges-title"),
		chromedp.Click(`form[action="/wallet/visibility/`+awardID+`"] button`))
	waitForJS(t, ctx, `document.querySelector(".flash") !== null`)
	step("turn on site safeguarding", chromedp.Navigate(srv.BaseURL+"/admin/settings"), chromedp.WaitVisible("#safeguarding-title"),
		chromedp.Click(`input[name="safeguarding"]`), chromedp.Click(`button.button-primary`))
	waitForJS(t, ctx, `document.querySelector(".flash") !== null && document.querySelector(".flash").innerText.includes("settings are saved")`)
	shot("settings.png")
	step("sign out again", chromedp.Click(`.whoami button`))
	waitForJS(t, ctx, `document.querySelector(".whoami") === null`)
	step("the profile is gone", chromedp.Navigate(srv.BaseURL+"/u/ada-admin"))
	waitForJS(t, ctx, `document.title.startsWith("Page not found") || document.body.innerText.includes("not found")`)
	if p := console.problems(); len(p) > 0 {
		t.Errorf("console problems:\n%s", strings.Join(p, "\n"))
	}
}

// fillWallet gives the administrator (ada@example.org) an award of this installation
// ("Bridge Welder", tags welding and safety) and an imported badge (the DCC OB 3.0 fixture
// with alignments), both private, and returns their wallet item ids.
func fillWallet(t *testing.T, in *installation) (awardItem, importItem string) {
	t.Helper()
	ctx := context.Background()
	admin := in.admin(t, "ada@example.org", "")
	a := in.award(t, admin, badge.IssuerFields{Name: "Northwind College"},
		badge.BadgeClassFields{Name: "Bridge Welder", Description: "Welds bridges that stay up.", CriteriaNarrative: "Weld a bridge.",
			Tags: []string{"welding", "safety"}},
		badge.AwardRequest{Recipient: badge.Recipient{Identity: "ada@example.org"}})
	st, urls, awards := in.st, in.urls, in.awards
	pub, err := awards.Public(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	cred := testenv.ReadFixture(t, "digitalcredentials-vc-test-fixtures/verifiableCredentials/v2/dataIntegrityProof/didKey/legacyRegistry-noStatus-noExpiry-alignments.json")
	now := time.Now().UTC()
	items := []*store.WalletItem{
		{ID: "w-award", UserID: admin.ID, Source: "award", AwardID: a.ID, State: "accepted", CredentialKey: "award:" + a.ID,
			Name: "Bridge Welder", Description: "Welds bridges that stay up.", IssuerName: "Northwind College",
			ImageURL: urls.Image(pub.BadgeClass.ImageID, pub.ImageMediaType), IssuedAt: now, VerifyStatus: "verified", VerifyReport: "{}",
			CheckedAt: now, Visibility: "private", CreatedAt: now, UpdatedAt: now},
		{ID: "w-import", UserID: admin.ID, Source: "import", State: "accepted", Format: "ob3-json", Credential: cred,
			CredentialKey: "did:key:z6MknNQD1WHLGGraFi6zcbGevuAgkVfdyCdtZnQTGWVVvR5Q|http://example.edu/credentials/3732",
			Name:          "Text analysis", Description: "Analyze a sample text", IssuerName: "Example University",
			IssuedAt: time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC), VerifyStatus: "verified", VerifyReport: "{}", CheckedAt: now,
			Visibility: "private", CreatedAt: now.Add(time.Second), UpdatedAt: now},
	}
	if err := st.Update(ctx, func(tx *store.Tx) error {
		for _, w := range items {
			if err := tx.InsertWalletItem(ctx, w); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return "w-award", "w-import"
}
