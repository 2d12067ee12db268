package cli

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/rosettebadges/rosette/internal/mail/smtptest"
)

// TestBrowserClaim is the earner's first visit (issue #6, item 1) through `rosette serve`
// with email on: an award made through the API is emailed to its recipient (the in-process
// SMTP server), the claim link in the email is opened, an account is created on the spot,
// the badge is accepted and the wallet shows it; the issuer's award page then says it was
// accepted. The browser console must stay free of problems (CSP violations among them).
func TestBrowserClaim(t *testing.T) {
	mailSrv := smtptest.Start(t)
	env := map[string]string{"ROSETTE_DATA_DIR": t.TempDir()}
	const adminPassword = "correct horse battery"
	if code, _, stderr := runEnv(t, env, "user", "create", "--admin", "--email", "root@x.org", "--password-file", passwordFile(t, adminPassword)); code != ExitOK {
		t.Fatalf("user create: %d %s", code, stderr)
	}
	srv := bootServeEnv(t, false, env, "--addr", "127.0.0.1:0",
		"--smtp-host", mailSrv.Host(), "--smtp-port", strconv.Itoa(mailSrv.Port()), "--smtp-tls", "none",
		"--smtp-from", "Rosette <badges@rosette.test>")
	code, out, stderr := runEnv(t, env, "token", "create", "--user", "root@x.org", "--name", "claim", "--scope", "issuers:write,badges:write,awards:write")
	if code != ExitOK {
		t.Fatalf("token create: %d %s", code, stderr)
	}
	token := strings.TrimSpace(out)
	call := apiCaller(t, srv.BaseURL, token)
	iss := call("/api/v1/issuers", `{"name":"Harbour Institute","website":"https://harbour.example"}`, "iss")
	svg := `data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 10 10'%3E%3Ccircle cx='5' cy='5' r='4' fill='%23b45309'/%3E%3C/svg%3E`
	bc := call("/api/v1/issuers/"+iss["id"].(string)+"/badges",
		`{"name":"Knot Tying","description":"Ties the six knots every sailor needs.","criteria_narrative":"Tie them.","image":"`+svg+`"}`, "bc")
	aw := call("/api/v1/badges/"+bc["id"].(string)+"/awards", `{"recipient":{"identity":"grace@example.org","name":"Grace Hopper"},"notify":true}`, "aw")

	msg := waitForMessage(t, mailSrv, "grace@example.org", srv.Logs)
	claimURL := claimLink.FindString(msg.text)
	if claimURL == "" {
		t.Fatalf("no claim link in the email:\n%s", msg.text)
	}

	ctx := browser(t)
	console := watchConsole(ctx)
	step, text := browserSteps(t, ctx, srv)
	const password = "a long earner password"
	step("open the claim link from the email", chromedp.Navigate(claimURL), chromedp.WaitVisible("#claim-title"))
	if s := text("#claim-title"); s != "Knot Tying" {
		t.Errorf("claim page heading = %q", s)
	}
	if s := text(".award-recipient"); !strings.Contains(s, "Grace Hopper") || !strings.Contains(s, "grace@example.org") {
		t.Errorf("claim page recipient = %q", s)
	}
	if s := text(".issued-by"); !strings.Contains(s, "Harbour Institute") {
		t.Errorf("claim page issuer = %q", s)
	}
	waitForJS(t, ctx, `(() => { const i = document.querySelector("img.award-image"); return i && i.complete && i.naturalWidth > 0; })()`)
	takeScreenshot(t, ctx, "claim-page.png")

	step("create an account on the spot and accept",
		chromedp.SetValue("#name", "Grace Hopper"),
		chromedp.SendKeys("#password", password),
		chromedp.SendKeys("#password_confirm", password),
		chromedp.Click(`form[action$="/signup"] button[type="submit"]`),
	)
	waitForJS(t, ctx, `location.pathname === "/wallet" && !!document.querySelector(".wallet-card")`)
	if s := text(".flash"); !strings.Contains(s, "the badge is in your wallet") {
		t.Errorf("flash on the wallet = %q", s)
	}
	card := text(".wallet-card")
	for _, want := range []string{"Knot Tying", "Harbour Institute", "Issued"} {
		if !strings.Contains(card, want) {
			t.Errorf("wallet card %q lacks %q", card, want)
		}
	}
	if s := text(".wallet-card .tag"); s != "Not checked yet" && s != "Verified" {
		t.Errorf("wallet card status = %q", s)
	}
	if s := text(".mainnav"); !strings.Contains(s, "Wallet") || strings.Contains(s, "Issuers") {
		t.Errorf("an earner's navigation = %q", s)
	}
	waitForJS(t, ctx, `(() => { const i = document.querySelector(".wallet-card img"); return i && i.complete && i.naturalWidth > 0; })()`)
	takeScreenshot(t, ctx, "claim-wallet.png")

	// Opening the email's link again says the badge is in the wallet.
	step("open the claim link again", chromedp.Navigate(claimURL), chromedp.WaitVisible("#claim-title"))
	if s := text(".claim-page .card"); !strings.Contains(s, "This badge is in your wallet.") {
		t.Errorf("claim page after accepting = %q", s)
	}

	// A second address: its verification email arrives, its link confirms it, and an award
	// made to it then waits at the top of the wallet.
	step("add a second address",
		chromedp.Navigate(srv.BaseURL+"/account/emails"), chromedp.WaitVisible("#addresses-title"),
		chromedp.SendKeys("#email", "grace@navy.example"),
		chromedp.Click(`form[action="/account/emails"] button[type="submit"]`),
	)
	waitForJS(t, ctx, `!!document.querySelector(".flash") && document.body.innerText.includes("Waiting for confirmation")`)
	verifyMsg := waitForMessage(t, mailSrv, "grace@navy.example", srv.Logs)
	verifyURL := regexp.MustCompile(`https?://\S+/account/emails/verify/\S+`).FindString(verifyMsg.text)
	if verifyURL == "" {
		t.Fatalf("no verification link in:\n%s", verifyMsg.text)
	}
	step("open the verification link", chromedp.Navigate(verifyURL), chromedp.WaitVisible("#addresses-title"))
	if s := text(".flash"); !strings.Contains(s, "The address is confirmed.") {
		t.Errorf("flash after verifying = %q", s)
	}
	takeScreenshot(t, ctx, "claim-emails.png")
	call("/api/v1/badges/"+bc["id"].(string)+"/awards", `{"recipient":{"identity":"grace@navy.example","name":"Grace Hopper"},"notify":false}`, "aw2")
	step("see it waiting in the wallet", chromedp.Navigate(srv.BaseURL+"/wallet"), chromedp.WaitVisible("#pending-title"))
	if s := text(".pending-item"); !strings.Contains(s, "Knot Tying") || !strings.Contains(s, "grace@navy.example") {
		t.Errorf("waiting award = %q", s)
	}
	takeScreenshot(t, ctx, "claim-wallet-pending.png")
	step("accept it", chromedp.Click(`.pending-item form[action$="/accept"] button`))
	waitForJS(t, ctx, `document.querySelectorAll(".wallet-card").length === 2 && !document.querySelector("#pending-title")`)

	// The issuer sees the answer on the award's admin page.
	step("sign out and sign in as the administrator",
		chromedp.Click(`form[action="/logout"] button`),
		chromedp.WaitVisible("#email"),
		chromedp.SendKeys("#email", "root@x.org"),
		chromedp.SendKeys("#password", adminPassword),
		chromedp.Click(`main button[type="submit"]`),
		chromedp.WaitVisible("#steps-title"),
		chromedp.Navigate(srv.BaseURL+"/admin/awards/"+aw["id"].(string)),
		chromedp.WaitVisible("#award-title"),
	)
	if s := text(".award-responses"); !strings.Contains(s, "Accepted") {
		t.Errorf("the admin award page says %q, want Accepted", s)
	}
	takeScreenshot(t, ctx, "claim-admin-award.png")
	if p := console.problems(); len(p) > 0 {
		t.Errorf("the browser console reported problems:\n%s", strings.Join(p, "\n"))
	}
}
