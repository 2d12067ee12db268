package cli

import (
	"context"
	"encoding/base64"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/keys"
	"github.com/rosettebadges/rosette/internal/links"
	"github.com/rosettebadges/rosette/internal/service"
	"github.com/rosettebadges/rosette/internal/store"
	"github.com/rosettebadges/rosette/internal/testenv"
	"github.com/rosettebadges/rosette/openbadges/jsonld"
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
	master, _, err := keys.LoadOrCreateMasterKeyFile(filepath.Join(dataDir, "master.key"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, "", dataDir, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	var u *store.User
	if err := st.View(ctx, func(tx *store.Tx) error { u, err = tx.UserByEmailKey(ctx, "ada@example.org"); return err }); err != nil {
		t.Fatal(err)
	}
	admin := &badge.User{ID: u.ID, Email: u.Email, IsAdmin: true}
	clock := badge.SystemClock{}
	km := keys.NewManager(st, master)
	iss, err := service.NewIssuers(st, km, clock, nil).Create(ctx, admin, badge.IssuerFields{Name: "Northwind College"}, admin.ID)
	if err != nil {
		t.Fatal(err)
	}
	bc, err := service.NewBadgeClasses(st, clock, nil).Create(ctx, admin, iss.ID, badge.BadgeClassFields{
		Name: "Bridge Welder", Description: "Welds bridges that stay up.", CriteriaNarrative: "Weld a bridge."}, discPNG())
	if err != nil {
		t.Fatal(err)
	}
	urls := links.URLs{Base: srv.BaseURL}
	awards := service.NewAwards(service.AwardsOptions{Store: st, Keys: km, URLs: urls, Clock: clock,
		Canonicalizer: jsonld.NewProcessor(jsonld.WithLoader(jsonld.NewLoader()))})
	a, err := awards.Issue(ctx, admin, badge.AwardRequest{BadgeClassID: bc.ID, Recipient: badge.Recipient{Identity: "ada@example.org", Name: "Ada Admin"}})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	for _, w := range []*store.WalletItem{
		{ID: "cvaward", Source: "award", AwardID: a.ID, CredentialKey: "award:" + a.ID},
		{ID: "cvknots", Source: "import", Format: "ob3-json", CredentialKey: "k-knots", Name: "Knots and Splices",
			IssuerName: "Harbour Sailing School", IssuedAt: now.AddDate(-1, 0, 0), VerifyStatus: "verified",
			Credential: []byte(`{"id":"https://harbour.example/credentials/42"}`), Image: discPNG(), ImageType: "image/png"},
	} {
		w.UserID, w.State, w.Visibility, w.VerifyReport, w.CreatedAt, w.UpdatedAt = u.ID, "accepted", "private", "{}", now, now
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
	b64, err := chromedp.Run(bctx, chromedp.Evaluate[string](`fetch(document.querySelector('a[href$=".pdf"]').href)
		.then(r => { if (!r.ok || r.headers.get("Content-Type") !== "application/pdf") throw new Error("status " + r.status); return r.arrayBuffer(); })
		.then(b => { let s = ""; for (const c of new Uint8Array(b)) s += String.fromCharCode(c); return btoa(s); })`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("download the PDF: %v", err)
	}
	pdf, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || !strings.HasPrefix(string(pdf), "%PDF-") {
		t.Fatalf("PDF: %v %q", err, pdf[:min(len(pdf), 20)])
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "cv.pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	tool := func(name, pkg string, args ...string) string {
		out, err := exec.Command(testenv.Tool(t, name, pkg), args...).Output()
		if err != nil && name != "zbarimg" {
			t.Fatalf("%s: %v", name, err)
		}
		return string(out)
	}
	pdfText := strings.Join(strings.Fields(tool("pdftotext", "poppler-utils", "-enc", "UTF-8", path, "-")), " ")
	for _, want := range []string{"Harbour jobs", "Ada Admin", "Bridge Welder", "Northwind College", "Knots and Splices",
		"Harbour Sailing School", "Welder and sailor from Tromsø.", "Verify: " + urls.Award(a.ID)} {
		if !strings.Contains(pdfText, want) {
			t.Errorf("PDF text lacks %q:\n%s", want, pdfText)
		}
	}
	tool("pdftoppm", "poppler-utils", "-r", "110", "-png", "-singlefile", path, filepath.Join(dir, "page"))
	page, err := os.ReadFile(filepath.Join(dir, "page.png"))
	if err != nil {
		t.Fatal(err)
	}
	saveScreenshot(t, "cv-pdf-page1.png", page)
	var codes []string
	for _, l := range strings.Split(tool("zbarimg", "zbar-tools", "--quiet", "--raw", filepath.Join(dir, "page.png")), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			codes = append(codes, l)
		}
	}
	sort.Strings(codes)
	if want := []string{urls.Award(a.ID), "https://harbour.example/credentials/42"}; strings.Join(codes, " ") != strings.Join(want, " ") {
		t.Errorf("QR codes %q, want %q", codes, want)
	}
	if p := console.problems(); len(p) > 0 {
		t.Errorf("the browser console reported problems:\n%s", strings.Join(p, "\n"))
	}
}
