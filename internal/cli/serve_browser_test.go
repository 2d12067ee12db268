package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/rosettebadges/rosette/internal/testenv"
)

// browser starts headless Chromium for the test and returns a tab's context.
func browser(t *testing.T) context.Context {
	t.Helper()
	bin := testenv.Chromium(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil { // starts the browser
		t.Fatalf("starting chromium %s: %v", bin, err)
	}
	return ctx
}

// consoleLog records every console message and browser log entry of a tab, CSP violations
// included.
type consoleLog struct {
	mu   sync.Mutex
	msgs []chromedp.ConsoleMessage
}

func watchConsole(ctx context.Context) *consoleLog {
	l := &consoleLog{}
	msgs := chromedp.Console(ctx)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			l.mu.Lock()
			l.msgs = append(l.msgs, m)
			l.mu.Unlock()
		}
	}()
	return l
}

func (l *consoleLog) problems() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, m := range l.msgs {
		if m.Source == "network" && strings.Contains(m.Text, "status of 4") {
			continue // the 4xx answers the test asks for (form errors, 404)
		}
		if m.Type == "error" || m.Type == "warning" || m.IsException() {
			out = append(out, m.String())
		}
	}
	return out
}

func TestBrowserSetupSignInChangePassword(t *testing.T) {
	srv := bootServe(t, true, "--addr", "127.0.0.1:0", "--data-dir", t.TempDir())
	ctx := browser(t)
	console := watchConsole(ctx)
	step, text := browserSteps(t, ctx, srv)
	const (
		email    = "grace@example.org"
		first    = "first password, long enough"
		second   = "second password, also long"
		username = "Grace Admin"
	)

	// The setup link creates the administrator, who lands on the dashboard signed in.
	step("open the setup link", chromedp.Navigate(srv.SetupLink), chromedp.WaitVisible("#setup-title"))
	step("mistyped second password",
		chromedp.SendKeys("#name", username),
		chromedp.SendKeys("#email", email),
		chromedp.SendKeys("#password", first),
		chromedp.SendKeys("#password_confirm", first+"x"),
		chromedp.Click(`button[type="submit"]`),
		chromedp.WaitVisible("#password_confirm-error"),
	)
	if v, err := chromedp.Run(ctx, chromedp.Value("#email")); err != nil || v != email {
		t.Errorf("the email was not kept after an error: %q, %v", v, err)
	}
	if v, err := chromedp.Run(ctx, chromedp.Value("#password")); err != nil || v != "" {
		t.Errorf("a password was kept after an error: %q, %v", v, err)
	}
	step("create the administrator",
		chromedp.SendKeys("#password", first),
		chromedp.SendKeys("#password_confirm", first),
		chromedp.Click(`button[type="submit"]`),
		chromedp.WaitVisible("#issuers-title"),
	)
	if s := text(".flash"); !strings.Contains(s, "administrator account is ready") {
		t.Errorf("flash after setup = %q", s)
	}
	if s := text(".whoami"); !strings.Contains(s, username) {
		t.Errorf("the header shows %q, not who is signed in", s)
	}

	step("sign out", chromedp.Click(`.whoami button[type="submit"]`), chromedp.WaitVisible("#login-title"))
	if s := text(".flash"); !strings.Contains(s, "signed out") {
		t.Errorf("flash after sign-out = %q", s)
	}

	step("wrong password",
		chromedp.SendKeys("#email", email),
		chromedp.SendKeys("#password", "not my password"),
		chromedp.Click(`button[type="submit"]`),
		chromedp.WaitVisible(".alert-error"),
	)
	step("sign in",
		chromedp.SendKeys("#password", first),
		chromedp.Click(`button[type="submit"]`),
		chromedp.WaitVisible("#issuers-title"),
	)

	step("change the password",
		chromedp.Click(`a[href="/account/password"]`),
		chromedp.WaitVisible("#current_password"),
		chromedp.SendKeys("#current_password", first),
		chromedp.SendKeys("#new_password", second),
		chromedp.SendKeys("#new_password_confirm", second),
		chromedp.Click(`main button[type="submit"]`),
		chromedp.WaitVisible("#issuers-title"),
	)
	if s := text(".flash"); !strings.Contains(s, "password is changed") {
		t.Errorf("flash after the change = %q", s)
	}

	takeScreenshot(t, ctx, "dashboard.png")

	step("sign out and in with the new password",
		chromedp.Click(`.whoami button[type="submit"]`),
		chromedp.WaitVisible("#login-title"),
		chromedp.SendKeys("#email", email),
		chromedp.SendKeys("#password", second),
		chromedp.Click(`button[type="submit"]`),
		chromedp.WaitVisible("#issuers-title"),
	)

	step("the 404 page", chromedp.Navigate(srv.BaseURL+"/no-such-page"), chromedp.WaitVisible("#error-title"))
	if s := text("#error-title"); s != "Page not found" {
		t.Errorf("404 heading = %q", s)
	}
	takeScreenshot(t, ctx, "not-found.png")

	// The stylesheet and htmx loaded under the strict CSP, with no violation reported.
	loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof htmx === "object" &&
		getComputedStyle(document.querySelector(".card")).borderRadius !== "0px"`))
	if err != nil || !loaded {
		t.Errorf("htmx or the stylesheet did not load: %v", err)
	}
	if p := console.problems(); len(p) > 0 {
		t.Errorf("the browser console reported problems:\n%s", strings.Join(p, "\n"))
	}
}

// browserSteps returns the two helpers every browser test uses: step runs actions (30 s at
// most) and fails the test with the server's log; text reads a visible element's text.
func browserSteps(t *testing.T, ctx context.Context, srv *running) (step func(string, ...chromedp.Action[chromedp.Void]), text func(string) string) {
	step = func(name string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := chromedp.Do(sctx, actions...); err != nil {
			t.Fatalf("%s: %v\nserver log:\n%s", name, err, srv.Logs())
		}
	}
	text = func(sel string) string {
		t.Helper()
		return visibleText(t, ctx, sel)
	}
	return step, text
}

// visibleText returns the innerText of the first element matching sel once it is visible
// (30 s at most). It asks the page in JavaScript each time rather than through chromedp's DOM
// queries, which can wait on a document the page has already replaced after a form post and
// redirect (the cause of a CI failure under load).
func visibleText(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	type result struct {
		Found bool   `json:"found"`
		Text  string `json:"text"`
	}
	quoted, _ := json.Marshal(sel)
	expr := `(() => { const e = document.querySelector(` + string(quoted) + `);
		if (!e || e.getClientRects().length === 0) return {found: false, text: ""};
		return {found: true, text: e.innerText}; })()`
	deadline := time.Now().Add(30 * time.Second)
	for {
		r, err := chromedp.Run(ctx, chromedp.Evaluate[result](expr))
		if err == nil && r.Found {
			return r.Text
		}
		if time.Now().After(deadline) {
			t.Fatalf("text of %s: not visible after 30 s (last error %v)", sel, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitForJS evaluates the JavaScript predicate until it is true (30 s at most). Unlike
// chromedp.Poll it survives the page navigating away in between, which is what a form post
// followed by a redirect does.
func waitForJS(t *testing.T, ctx context.Context, predicate string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](predicate))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s: %v (last result %v)", predicate, err, ok)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// takeScreenshot saves a full-page screenshot of the browser's page (saveScreenshot).
func takeScreenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	saveScreenshot(t, name, png)
}

// setupAdmin are the steps that follow the setup link and create the site administrator,
// Ada Admin <ada@example.org>, ending on the dashboard.
func setupAdmin(srv *running, password string) []chromedp.Action[chromedp.Void] {
	return []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(srv.SetupLink), chromedp.WaitVisible("#setup-title"),
		chromedp.SendKeys("#name", "Ada Admin"),
		chromedp.SendKeys("#email", "ada@example.org"),
		chromedp.SendKeys("#password", password),
		chromedp.SendKeys("#password_confirm", password),
		chromedp.Click(`button[type="submit"]`),
		chromedp.WaitVisible("#steps-title"),
	}
}

// saveScreenshot writes a PNG under the test's temp dir and, when ROSETTE_SCREENSHOT_DIR is
// set, there too, so a person can look at the pages.
func saveScreenshot(t *testing.T, name string, png []byte) {
	t.Helper()
	dirs := []string{t.TempDir()}
	if d := os.Getenv("ROSETTE_SCREENSHOT_DIR"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, d)
	}
	for _, d := range dirs {
		p := filepath.Join(d, name)
		if err := os.WriteFile(p, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", p)
	}
}
