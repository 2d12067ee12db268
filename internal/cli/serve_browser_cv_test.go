package cli

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/store"
)

// TestBrowserCV builds a CV with two sections in the browser (after a field error), orders
// them, shares it, opens the shared link signed out, downloads its PDF there and reads the PDF
// back: its text (pdftotext), its page rendered (pdftoppm, kept as a screenshot) and its QR
// codes (zbarimg). The wallet's badges (an award of this installation to the earner and an
// imported one) are written to the database directly: claiming and importing have their own
// browser tests.
func TestBrowserCV(t *testing.T) {
	dataDir := t.TempDir()
	srv := bootServe(t, true, "--addr", "127.0.0.1:0", "--data-dir", dataDir)
	bctx := browser(t)
	console := watchConsole(bctx)
	step, text := browserSteps(t, bctx, srv)
	const password = "first password, long enough"
	step("create the earner (the administrator)", setupAdmin(srv, password)...)

	ctx := context.Background()
	in := openInstallation(t, srv, dataDir)
	admin := in.admin(t, "ada@example.org", "")
	a := in.award(t, admin, badge.IssuerFields{Name: "Northwind College"},
		badge.BadgeClassFields{Name: "Bridge Welder", Description: "Welds bridges that stay up.", CriteriaNarrative: "Weld a bridge."},
		badge.AwardRequest{Recipient: badge.Recipient{Identity: "ada@example.org", Name: "Ada Admin"}})
	st := in.st
	now := time.Now().UTC()
	for _, w := range []*store.WalletItem{
		{ID: "cvaward", Source: "award", AwardID: a.ID, CredentialKey: "award:" + a.ID},
		{ID: "cvknots", Source: "import", Format: "ob3-json", CredentialKey: "k-knots", Name: "Knots and Splices",
			IssuerName: "Harbour Sailing School", IssuedAt: now.AddDate(-1, 0, 0), VerifyStatus: "verified",
			Credential: []byte(`{"id":"https://harbour.example/credentials/42"}`), Image: discPNG(), ImageType: "image/png"},
	} {
		w.UserID, w.State, w.Visibility, w.VerifyReport, w.CreatedAt, w.UpdatedAt = admin.ID, "accepted", "private", "{}", now, now
		if w.VerifyStatus == "" {
			w.VerifyStatus = "unchecked"
		}
		if err := st.Update(ctx, func(tx *store.Tx) error { return tx.InsertWalletItem(ctx, w) }); err != nil {
			t.Fatal(err)
		}
	}

	step("the CV list; a CV needs a title",
		chromedp.Navigate(srv.BaseURL+"/wallet/cvs"), chromedp.WaitVisible("#new-cv-title"),
		chromedp.Click(`main button[type="submit"]`), chromedp.WaitVisible("#title-error"))
	step("make a CV",
		chromedp.SendKeys("#title", "Harbour jobs"), chromedp.Click(`main button[type="submit"]`),
		chromedp.WaitVisible("#sections-title"))
	if s := text("h1"); s != "Harbour jobs" {
		t.Errorf("builder heading %q", s)
	}
	const add = `section[aria-labelledby="add-title"] `
	step("add a text section",
		chromedp.Click(add+`details:nth-of-type(2) > summary`), chromedp.WaitVisible("#add-text-text"),
		chromedp.SendKeys("#add-text-title", "About me"),
		chromedp.SendKeys("#add-text-text", "Welder and sailor from Tromsø."),
		chromedp.Click(add+`details:nth-of-type(2) button[type="submit"]`))
	waitForJS(t, bctx, `document.querySelectorAll("ol.cv-sections > li").length === 1`)
	step("add a badges section with both badges",
		chromedp.Click(add+`details:nth-of-type(1) > summary`), chromedp.WaitVisible(add+`details:nth-of-type(1) input[value="cvknots"]`),
		chromedp.Click(add+`details:nth-of-type(1) input[value="cvaward"]`),
		chromedp.Click(add+`details:nth-of-type(1) input[value="cvknots"]`),
		chromedp.Click(add+`details:nth-of-type(1) button[type="submit"]`))
	waitForJS(t, bctx, `document.querySelectorAll("ol.cv-sections > li").length === 2`)
	if s := text("ol.cv-sections > li:nth-child(2)"); !strings.Contains(s, "Bridge Welder") || !strings.Contains(s, "Knots and Splices") {
		t.Errorf("badges section = %q", s)
	}
	step("move the badges up", chromedp.Click(`ol.cv-sections > li:nth-child(2) form[action$="/move"] button`))
	waitForJS(t, bctx, `(document.querySelector("ol.cv-sections > li:first-child h3") || {}).innerText === "Badges"`)
	takeScreenshot(t, bctx, "cv-builder.png")

	step("share it", chromedp.Click(`form[action$="/share"] button`), chromedp.WaitVisible("#share-url"))
	shareURL, err := chromedp.Run(bctx, chromedp.Value("#share-url"))
	if err != nil || !strings.HasPrefix(shareURL, srv.BaseURL+"/cv/") {
		t.Fatalf("share URL %q, %v", shareURL, err)
	}
	step("sign out", chromedp.Click(`form[action="/logout"] button`), chromedp.WaitVisible("#email"))
	step("open the shared CV signed out", chromedp.Navigate(shareURL), chromedp.WaitVisible("#cv-title"))
	if s := text("#cv-title"); s != "Harbour jobs" {
		t.Errorf("shared heading %q", s)
	}
	body := text("main")
	for _, want := range []string{"Ada Admin", "Badges", "Bridge Welder", "Northwind College", "Knots and Splices", "About me", "Welder and sailor from Tromsø."} {
		if !strings.Contains(body, want) {
			t.Errorf("shared page lacks %q:\n%s", want, body)
		}
	}
	if strings.Index(body, "Bridge Welder") > strings.Index(body, "About me") {
		t.Error("the shared page does not keep the section order")
	}
	waitForJS(t, bctx, `Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)`)
	takeScreenshot(t, bctx, "cv-shared.png")

	// Download the PDF as the signed-out visitor (the page's own link).
	href, err := chromedp.Run(bctx, chromedp.Evaluate[string](`document.querySelector('a[href$=".pdf"]').href`))
	if err != nil {
		t.Fatal(err)
	}
	pdfText, codes := readPDF(t, browserDownload(t, bctx, href, "application/pdf"), "cv-pdf")
	for _, want := range []string{"Harbour jobs", "Ada Admin", "Bridge Welder", "Northwind College", "Knots and Splices",
		"Harbour Sailing School", "Welder and sailor from Tromsø.", "Verify: " + in.urls.Award(a.ID)} {
		if !strings.Contains(pdfText, want) {
			t.Errorf("PDF text lacks %q:\n%s", want, pdfText)
		}
	}
	if want := []string{in.urls.Award(a.ID), "https://harbour.example/credentials/42"}; !slices.Equal(codes, want) {
		t.Errorf("QR codes %q, want %q", codes, want)
	}
	if p := console.problems(); len(p) > 0 {
		t.Errorf("the browser console reported problems:\n%s", strings.Join(p, "\n"))
	}
}
