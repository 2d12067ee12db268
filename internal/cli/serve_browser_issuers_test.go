package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserIssuerAdmin signs in as the site administrator, creates an issuer (after a
// field error), edits it, adds a staff member, and takes screenshots of the pages.
func TestBrowserIssuerAdmin(t *testing.T) {
	dataDir := t.TempDir()
	srv := bootServe(t, true, "--addr", "127.0.0.1:0", "--data-dir", dataDir)
	ctx := browser(t)
	console := watchConsole(ctx)
	step, text := browserSteps(t, ctx, srv)

	const password = "first password, long enough"
	step("create the administrator", setupAdmin(srv, password)...)

	// A second account (after setup, which needs an empty installation), made with the command line beside the running server.
	pwFile := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(pwFile, []byte("a staff password, long enough\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := run(t, "user", "create", "--email", "sam@example.org", "--name", "Sam Staff",
		"--password-file", pwFile, "--data-dir", dataDir); code != ExitOK {
		t.Fatalf("user create: exit %d: %s", code, stderr)
	}

	step("dashboard step to the new-issuer form",
		chromedp.Click(`a[href="/admin/issuers/new"]`),
		chromedp.WaitVisible("#name"),
	)
	step("a website without scheme is refused at its field",
		chromedp.SendKeys("#name", "Northwind College"),
		chromedp.SendKeys("#website", "northwind.example"),
		chromedp.Click(`main button[type="submit"]`),
		chromedp.WaitVisible("#website-error"),
	)
	if v, err := chromedp.Run(ctx, chromedp.Value("#name")); err != nil || v != "Northwind College" {
		t.Errorf("the name was not kept after an error: %q, %v", v, err)
	}
	takeScreenshot(t, ctx, "issuer-form-error.png")
	step("create the issuer",
		chromedp.Clear("#website"),
		chromedp.SendKeys("#website", "https://northwind.example"),
		chromedp.SendKeys("#description", "A college of the north wind."),
		chromedp.SendKeys("#linkedin_org", "1337"),
		chromedp.Click(`main button[type="submit"]`),
		chromedp.WaitVisible("#keys-title"),
	)
	if s := text(".flash"); !strings.Contains(s, "issuer is created") {
		t.Errorf("flash after create = %q", s)
	}
	if s := text("h1"); s != "Northwind College" {
		t.Errorf("issuer page heading = %q", s)
	}

	step("edit the profile",
		chromedp.Click(`a[href$="/edit"]`),
		chromedp.WaitVisible("#name"),
		chromedp.Clear("#name"),
		chromedp.SendKeys("#name", "Northwind Academy"),
		chromedp.Click(`main button[type="submit"]`),
		chromedp.WaitVisible("#keys-title"),
	)
	if s := text("h1"); s != "Northwind Academy" {
		t.Errorf("heading after edit = %q", s)
	}
	// The page already shows the "saved" message: wait for the new one, not any .flash, or the
	// old page's node may be read while the browser navigates.
	step("rotate the keys", chromedp.Click(`form[action$="/keys/rotate"] button`))
	waitForJS(t, ctx, `(document.querySelector(".flash") || {textContent: ""}).textContent.includes("New signing keys")`)
	takeScreenshot(t, ctx, "issuer.png")

	step("add a staff member",
		chromedp.Click(`a[href$="/staff"]`),
		chromedp.WaitVisible("#add-title"),
		chromedp.SendKeys("#email", "sam@example.org"),
		chromedp.SetValue("#role", "awarder"),
		chromedp.Click(`form[action$="/staff"] button[type="submit"]`),
		chromedp.WaitVisible(".flash"),
	)
	if s := text(".flash"); !strings.Contains(s, "staff member is added") {
		t.Errorf("flash after adding staff = %q", s)
	}
	if s := text("#members-title + table"); !strings.Contains(s, "sam@example.org") {
		t.Errorf("the staff list lacks the new member: %q", s)
	}
	takeScreenshot(t, ctx, "issuer-staff.png")

	step("the issuer list", chromedp.Click(`nav a[href="/admin/issuers"]`), chromedp.WaitVisible("table"))
	if s := text("table"); !strings.Contains(s, "Northwind Academy") || !strings.Contains(s, "owner") {
		t.Errorf("issuer list = %q", s)
	}
	takeScreenshot(t, ctx, "issuers.png")

	if p := console.problems(); len(p) > 0 {
		t.Errorf("the browser console reported problems:\n%s", strings.Join(p, "\n"))
	}
}
