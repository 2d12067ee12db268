package cli

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserAwardEmailTemplate signs in as the site administrator, creates an issuer, opens
// its award email page, previews a changed draft in the preview frame (a document of its
// own, under its own sandboxing policy), saves it, and takes screenshots. The browser
// console must stay clean: a policy that blocked the preview would show there.
func TestBrowserAwardEmailTemplate(t *testing.T) {
	srv := bootServe(t, true, "--addr", "127.0.0.1:0", "--data-dir", t.TempDir())
	ctx := browser(t)
	console := watchConsole(ctx)
	step, text := browserSteps(t, ctx, srv)
	shot := func(name string, scrollTo string) {
		t.Helper()
		step("scroll to "+scrollTo, chromedp.ScrollIntoView(scrollTo))
		// A viewport screenshot: a full-page one leaves frames of other origins blank.
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatalf("screenshot: %v", err)
		}
		saveScreenshot(t, name, png)
	}
	// previewed waits until the server has answered n preview requests (the frame's
	// document is of an opaque origin, so the page cannot look into it).
	previewed := func(method string, n int) {
		t.Helper()
		for range 300 {
			k := 0
			for _, line := range strings.Split(srv.Logs(), "\n") {
				if strings.Contains(line, `"method":"`+method+`"`) && strings.Contains(line, `/templates/preview.html","route"`) && strings.Contains(line, `"status":200`) {
					k++
				}
			}
			if k >= n {
				time.Sleep(500 * time.Millisecond) // let the frame paint before the screenshot
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Fatalf("the server did not answer %d %s preview requests:\n%s", n, method, srv.Logs())
	}
	const password = "first password, long enough"
	step("create the administrator", setupAdmin(srv, password)...)
	step("create an issuer",
		chromedp.Click(`a[href="/admin/issuers/new"]`),
		chromedp.WaitVisible("#name"),
		chromedp.SendKeys("#name", "Northwind College"),
		chromedp.SendKeys("#email", "badges@northwind.example"),
		chromedp.Click(`main button[type="submit"]`),
		chromedp.WaitVisible("#keys-title"),
	)
	step("open the award email page",
		chromedp.Click(`a[href$="/templates"]`),
		chromedp.WaitVisible("#placeholders-title"),
	)
	if s := text("h1"); s != "Award email" {
		t.Errorf("heading = %q", s)
	}
	previewed("GET", 1)
	shot("award-email.png", "h1")
	shot("award-email-default-preview.png", "#preview-title")

	step("preview a draft",
		chromedp.Clear("#subject"),
		chromedp.SendKeys("#subject", "Well done, {{.RecipientName}}"),
		chromedp.Click(`button[formtarget="email-preview"]`),
	)
	previewed("POST", 1)
	shot("award-email-draft-preview.png", "#preview-title")

	step("save it",
		chromedp.Click(`main button.button-primary`),
		chromedp.WaitVisible(".flash"),
	)
	if s := text(".flash"); !strings.Contains(s, "award email is saved") {
		t.Errorf("flash after save = %q", s)
	}
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil || !strings.HasSuffix(loc, "/templates") {
		t.Fatalf("location after save = %q, %v", loc, err)
	}
	step("the preview document on its own", chromedp.Navigate(loc+"/preview.html"), chromedp.WaitVisible("dl"))
	if s := text("dl"); !strings.Contains(s, "Well done, Ada Lovelace") || !strings.Contains(s, "badges@northwind.example") {
		t.Errorf("preview headers = %q", s)
	}
	shot("award-email-preview-document.png", "dl")
	if p := console.problems(); len(p) > 0 {
		t.Errorf("the browser console reported problems:\n%s", strings.Join(p, "\n"))
	}
}
