package cli

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserBadgeClasses creates an issuer and a badge class with an uploaded PNG, finds it
// in the list, edits it (version 2), and opens the public badge class and issuer pages, with
// screenshots; the console must stay free of problems (CSP violations among them).
func TestBrowserBadgeClasses(t *testing.T) {
	dataDir := t.TempDir()
	srv := bootServe(t, true, "--addr", "127.0.0.1:0", "--data-dir", dataDir)
	ctx := browser(t)
	console := watchConsole(ctx)
	step, text := browserSteps(t, ctx, srv)
	// A 96×96 PNG: a violet disc on transparent.
	img := image.NewNRGBA(image.Rect(0, 0, 96, 96))
	for y := range 96 {
		for x := range 96 {
			if dx, dy := x-48, y-48; dx*dx+dy*dy < 44*44 {
				img.Set(x, y, color.NRGBA{R: 0x43, G: 0x38, B: 0xca, A: 0xff})
			}
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	pngPath := filepath.Join(t.TempDir(), "badge.png")
	if err := os.WriteFile(pngPath, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}

	const password = "first password, long enough"
	step("create the administrator", setupAdmin(srv, password)...)
	step("create an issuer",
		chromedp.Click(`a[href="/admin/issuers/new"]`),
		chromedp.WaitVisible("#name"),
		chromedp.SendKeys("#name", "Northwind College"),
		chromedp.SendKeys("#description", "A college of the north wind."),
		chromedp.SendKeys("#website", "https://northwind.example"),
		chromedp.Click(`main button[type="submit"]:not(.visually-hidden)`),
		chromedp.WaitVisible("#keys-title"),
	)
	step("to the badges of the issuer",
		chromedp.Click(`a[href$="/badges"]`),
		chromedp.WaitVisible("#no-badges-title"),
	)
	step("to the new badge form",
		chromedp.Click(`main a[href$="/badges/new"]`),
		chromedp.WaitVisible("#description"),
	)
	step("a badge without image and criteria is refused at its fields",
		chromedp.SendKeys("#name", "Wind Reader"),
		chromedp.SendKeys("#description", "Reads the wind."),
		chromedp.Click(`main .form-actions button[type="submit"]`),
		chromedp.WaitVisible("#image-error"),
	)
	if v, err := chromedp.Run(ctx, chromedp.Value("#name")); err != nil || v != "Wind Reader" {
		t.Errorf("the name was not kept after an error: %q, %v", v, err)
	}
	if s := text("#criteria-error"); !strings.Contains(s, "Criteria are required") {
		t.Errorf("criteria error = %q", s)
	}
	takeScreenshot(t, ctx, "badge-form-error.png")
	step("create the badge",
		chromedp.SendKeys("#criteria_narrative", "Name the **four winds** and read a weather map."),
		chromedp.SendKeys("#tags", "weather, navigation"),
		chromedp.SetValue("#achievement_type", "Competency"),
		chromedp.SendKeys("#level", "Beginner"),
		chromedp.SendKeys(`input[name="align_name_0"]`, "Meteorology basics"),
		chromedp.SendKeys(`input[name="align_url_0"]`, "https://framework.example/met/1"),
		chromedp.Click("#expiry_duration"),
		chromedp.SendKeys(`input[name="expiry_count"]`, "2"),
		chromedp.SetUploadFiles("#image", []string{pngPath}),
		chromedp.Click(`main .form-actions button[type="submit"]`),
		chromedp.WaitVisible("#versions-title"),
	)
	if s := text(".flash"); !strings.Contains(s, "badge is created") {
		t.Errorf("flash after create = %q", s)
	}
	if s := text("#criteria-title + .prose"); !strings.Contains(s, "four winds") {
		t.Errorf("criteria = %q", s)
	}
	waitForJS(t, ctx, `document.querySelector("img.badge-art").complete && document.querySelector("img.badge-art").naturalWidth === 96`)
	takeScreenshot(t, ctx, "badge.png")

	step("the badge list", chromedp.Click(`a[href$="/badges"]`), chromedp.WaitVisible("table"))
	if s := text("table"); !strings.Contains(s, "Wind Reader") {
		t.Errorf("badge list = %q", s)
	}
	waitForJS(t, ctx, `document.querySelector("img.badge-thumb").naturalWidth === 96`)
	takeScreenshot(t, ctx, "badges.png")

	step("edit the badge",
		chromedp.Click(`table a[href^="/admin/badges/"]`),
		chromedp.WaitVisible("#versions-title"),
		chromedp.Click(`main a[href$="/edit"]`),
		chromedp.WaitVisible("#name"),
		chromedp.Clear("#name"),
		chromedp.SendKeys("#name", "Wind Reader I"),
		chromedp.Click(`main .form-actions button[type="submit"]`),
		chromedp.WaitVisible("#versions-title"),
	)
	waitForJS(t, ctx, `(document.querySelector(".flash") || {textContent: ""}).textContent.includes("new version")`)
	if s := text(".lead"); !strings.Contains(s, "Version 2") {
		t.Errorf("after edit: %q", s)
	}
	if s := text("#versions-title + table"); !strings.Contains(s, "Wind Reader I") || !strings.Contains(s, "Wind Reader") {
		t.Errorf("versions = %q", s)
	}

	step("the public badge page", chromedp.Click(`main a.button[href^="/badges/"]`), chromedp.WaitVisible("#badge-title"))
	if s := text("#badge-title"); s != "Wind Reader I" {
		t.Errorf("public badge heading = %q", s)
	}
	if s := text(".public-badge"); !strings.Contains(s, "Meteorology basics") || !strings.Contains(s, "Awards expire 2 years after") ||
		!strings.Contains(s, "Northwind College") || !strings.Contains(s, "Competency") {
		t.Errorf("public badge page = %q", s)
	}
	waitForJS(t, ctx, `document.querySelector("img.badge-art").naturalWidth === 96`)
	og, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('meta[property="og:image"]').content`))
	if err != nil || !strings.HasPrefix(og, "http") || !strings.HasSuffix(og, ".png") {
		t.Errorf("og:image = %q, %v", og, err)
	}
	takeScreenshot(t, ctx, "public-badge.png")

	step("the public issuer page", chromedp.Click(`.issued-by a`), chromedp.WaitVisible("#issuer-title"))
	if s := text("#issuer-title"); s != "Northwind College" {
		t.Errorf("public issuer heading = %q", s)
	}
	if s := text(".badge-cards"); !strings.Contains(s, "Wind Reader I") {
		t.Errorf("public issuer badges = %q", s)
	}
	waitForJS(t, ctx, `document.querySelector(".badge-card img").naturalWidth === 96`)
	takeScreenshot(t, ctx, "public-issuer.png")

	if p := console.problems(); len(p) > 0 {
		t.Errorf("the browser console reported problems:\n%s", strings.Join(p, "\n"))
	}
}
