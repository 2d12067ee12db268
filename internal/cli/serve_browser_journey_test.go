package cli

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/rosettebadges/rosette/internal/keys"
	"github.com/rosettebadges/rosette/internal/mail/smtptest"
	"github.com/rosettebadges/rosette/internal/testenv"
)

// TestBrowserIssuerJourney is issue #5's "done means" walked in one browser session through
// `rosette serve` with email on (an in-process SMTP server): from the setup link to an
// issuer with a logo, a badge class, one award emailed to its recipient, a bulk CSV upload
// issued in the background, verification on the public /verify page, the claim link to the
// public award page, the public badge class and issuer pages, and a revocation that /verify
// and the award page then report. No terminal is touched after
// the server starts, and the browser console must stay free of problems (CSP violations
// among them). It runs on SQLite and, where a server is available, on PostgreSQL.
func TestBrowserIssuerJourney(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		issuerJourney(t, journey{db: "sqlite", statusMethod: "1edtech", bulkRows: 25, shots: true},
			nil, "--data-dir", t.TempDir())
	})
	t.Run("postgres", func(t *testing.T) {
		dbURL := freshPostgresDatabase(t, testenv.PostgresURL(t))
		issuerJourney(t, journey{db: "postgres", statusMethod: "bitstring", bulkRows: 5},
			map[string]string{"ROSETTE_MASTER_KEY": keys.NewMasterKey()}, "--data-dir", t.TempDir(), "--database-url", dbURL)
	})
}

// journey is what differs between the runs of the issuer journey.
type journey struct {
	db           string // names the screenshots
	statusMethod string // the issuer's status method: bitstring or 1edtech
	bulkRows     int    // rows of the CSV file
	shots        bool   // take screenshots
}

func issuerJourney(t *testing.T, j journey, environ map[string]string, args ...string) {
	mailSrv := smtptest.Start(t)
	args = append([]string{"--addr", "127.0.0.1:0",
		"--smtp-host", mailSrv.Host(), "--smtp-port", strconv.Itoa(mailSrv.Port()), "--smtp-tls", "none",
		"--smtp-from", "Rosette <badges@rosette.test>"}, args...)
	srv := bootServeEnv(t, true, environ, args...)
	base := srv.BaseURL
	ctx := browser(t)
	console := watchConsole(ctx)
	step, text := browserSteps(t, ctx, srv)
	shot := func(name string) {
		t.Helper()
		if !j.shots {
			return
		}
		takeScreenshot(t, ctx, "journey-"+j.db+"-"+name)
	}
	location := func() string {
		t.Helper()
		loc, err := chromedp.Run(ctx, chromedp.Location())
		if err != nil {
			t.Fatalf("location: %v", err)
		}
		return loc
	}
	dir := t.TempDir()
	logoPath := writeDiscPNG(t, dir, "logo.png", 128, color.NRGBA{R: 0x0f, G: 0x76, B: 0x6e, A: 0xff})
	imagePath := writeDiscPNG(t, dir, "badge.png", 200, color.NRGBA{R: 0xb4, G: 0x53, B: 0x09, A: 0xff})

	const (
		password   = "a journey password, long enough"
		issuerName = "Harbour Institute"
		badgeName  = "Knot Tying"
		recipient  = "ada@example.org"
	)
	step("create the administrator from the setup link",
		chromedp.Navigate(srv.SetupLink), chromedp.WaitVisible("#setup-title"),
		chromedp.SendKeys("#name", "Ada Admin"),
		chromedp.SendKeys("#email", "admin@harbour.example"),
		chromedp.SendKeys("#password", password),
		chromedp.SendKeys("#password_confirm", password),
		chromedp.Click(`button[type="submit"]`),
		chromedp.WaitVisible("#steps-title"),
	)
	shot("dashboard.png")

	step("create an issuer with a logo and a status method",
		chromedp.Click(`a[href="/admin/issuers/new"]`),
		chromedp.WaitVisible("#name"),
		chromedp.SendKeys("#name", issuerName),
		chromedp.SendKeys("#description", "Sailing and seamanship courses on the harbour."),
		chromedp.SendKeys("#website", "https://harbour.example"),
		chromedp.SendKeys("#email", "badges@harbour.example"),
		chromedp.SetUploadFiles("#logo_file", []string{logoPath}),
		chromedp.SetValue("#status_method", j.statusMethod),
		chromedp.Click(`main .form-actions button[type="submit"]`),
		chromedp.WaitVisible("#keys-title"),
	)
	if s := text("h1"); s != issuerName {
		t.Errorf("issuer page heading = %q", s)
	}
	waitForJS(t, ctx, `(() => { const i = document.querySelector("img.issuer-logo"); return i && i.complete && i.naturalWidth === 128; })()`)
	shot("issuer.png")

	step("create a badge class",
		chromedp.Click(`a[href$="/badges"]`),
		chromedp.WaitVisible("#no-badges-title"),
		chromedp.Click(`main a[href$="/badges/new"]`),
		chromedp.WaitVisible("#description"),
		chromedp.SendKeys("#name", badgeName),
		chromedp.SendKeys("#description", "Ties the six knots every sailor needs."),
		chromedp.SetUploadFiles("#image", []string{imagePath}),
		chromedp.SendKeys("#criteria_narrative", "Tie a **bowline**, a clove hitch and a reef knot in front of an instructor."),
		chromedp.SendKeys("#tags", "sailing, knots"),
		chromedp.SendKeys(`input[name="align_name_0"]`, "Basic seamanship"),
		chromedp.SendKeys(`input[name="align_url_0"]`, "https://framework.example/seamanship/1"),
		chromedp.SendKeys(`input[name="align_framework_0"]`, "Seamanship Framework"),
		chromedp.SendKeys(`input[name="align_code_0"]`, "SEA-1"),
		chromedp.Click(`main .form-actions button[type="submit"]`),
		chromedp.WaitVisible("#versions-title"),
	)
	if s := text(".flash"); !strings.Contains(s, "badge is created") {
		t.Errorf("flash after creating the badge = %q", s)
	}
	badgeAdmin := location() // BASE/admin/badges/{id}
	badgeID := badgeAdmin[strings.LastIndex(badgeAdmin, "/")+1:]
	waitForJS(t, ctx, `(() => { const i = document.querySelector("img.badge-art"); return i && i.complete && i.naturalWidth === 200; })()`)
	shot("badge.png")

	step("award it to one email address, with the email ticked",
		chromedp.Click(`main a[href$="/award"]`),
		chromedp.WaitVisible("#recipient"),
		chromedp.SendKeys("#recipient", recipient),
		chromedp.SendKeys("#recipient_name", "Ada Lovelace"),
		chromedp.SendKeys("#narrative", "Tied all six knots blindfolded."),
		chromedp.SendKeys("#evidence_url_0", "https://harbour.example/evidence/ada"),
		chromedp.SendKeys("#evidence_name_0", "Video of the knots"),
	)
	// "Email the recipient" is ticked by default: make sure it still is when sent.
	if on, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector("#notify").checked`)); err != nil {
		t.Fatal(err)
	} else if !on {
		step("tick the email box", chromedp.Click("#notify"))
	}
	shot("award-form.png")
	step("submit the award",
		chromedp.Click(`main .form-actions button[type="submit"]`),
		chromedp.WaitVisible("#award-title"),
	)
	if s := text(".flash"); !strings.Contains(s, "badge is awarded") {
		t.Errorf("flash after awarding = %q", s)
	}
	awardAdmin := location() // BASE/admin/awards/{id}
	firstID := awardAdmin[strings.LastIndex(awardAdmin, "/")+1:]
	if s := text(".lead"); !strings.Contains(s, "Ada Lovelace") || !strings.Contains(s, recipient) || !strings.Contains(s, "active") {
		t.Errorf("award page lead = %q", s)
	}
	if s := text("#award-title + .details"); !strings.Contains(s, "Video of the knots") || !strings.Contains(s, "blindfolded") {
		t.Errorf("award details = %q", s)
	}
	shot("award.png")

	// The email reaches the SMTP server through the outbox and the job queue.
	msg := waitForMessage(t, mailSrv, recipient, srv.Logs)
	if !strings.Contains(msg.subject, badgeName) {
		t.Errorf("email subject %q does not name the badge", msg.subject)
	}
	if !strings.Contains(msg.text, base+"/claim/") {
		t.Errorf("email text has no claim link under %s/claim/:\n%s", base, msg.text)
	}
	if msg.html != "" && !strings.Contains(msg.html, base+"/claim/") {
		t.Errorf("email HTML has no claim link:\n%s", msg.html)
	}

	// Bulk: a CSV upload, its preview, confirmation, the self-refreshing progress page.
	var csv strings.Builder
	csv.WriteString("email,name,narrative\n")
	for i := range j.bulkRows {
		fmt.Fprintf(&csv, "sailor%02d@example.org,Sailor %d,Tied the knots in class %d\n", i+1, i+1, i%3+1)
	}
	csvPath := filepath.Join(dir, "knots.csv")
	if err := os.WriteFile(csvPath, []byte(csv.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	step("upload a CSV file",
		chromedp.Navigate(base+"/admin/badges/"+badgeID+"/bulk"),
		chromedp.WaitVisible("#upload-title"),
		chromedp.SetUploadFiles("#file", []string{csvPath}),
		chromedp.Click(`main .form-actions button[type="submit"]`),
		chromedp.WaitVisible("#summary-title"),
	)
	if s := text("#summary-title + .details"); !strings.Contains(s, "Ready to issue\n"+strconv.Itoa(j.bulkRows)) && !strings.Contains(s, "Ready to issue "+strconv.Itoa(j.bulkRows)) {
		t.Errorf("preview summary = %q", s)
	}
	if s := text("#rows-title + table"); !strings.Contains(s, "sailor01@example.org") || !strings.Contains(s, "Sailor 1") {
		t.Errorf("preview rows = %q", s)
	}
	if s := text("#summary-title + .details"); !strings.Contains(s, "Email the recipients\nYes") && !strings.Contains(s, "Email the recipients Yes") {
		t.Errorf("the preview does not say the recipients are emailed (the default): %q", s)
	}
	shot("bulk-preview.png")
	step("confirm the upload",
		chromedp.Click(`form[action$="/confirm"] button`),
		chromedp.WaitVisible("#progress-title"),
	)
	// The page reloads itself (a meta refresh) until the job is done.
	waitForJS(t, ctx, `(() => { const t = document.querySelector(".lead .tag"); return !!t && t.textContent === "Done"; })()`)
	if s := text("#progress-title + p"); !strings.Contains(s, fmt.Sprintf("%d of %d rows processed (100%%)", j.bulkRows, j.bulkRows)) {
		t.Errorf("progress = %q", s)
	}
	shot("bulk-done.png")
	step("see the awards", chromedp.Click(`main a[href$="/awards"].button-primary`), chromedp.WaitVisible("table"))
	if s, want := text(".lead"), fmt.Sprintf("%d awards.", j.bulkRows+1); s != want {
		t.Errorf("award list lead = %q, want %q", s, want)
	}
	if s := text("table"); !strings.Contains(s, recipient) || !strings.Contains(s, "sailor01@example.org") {
		t.Errorf("award list = %q", s)
	}
	shot("awards.png")

	// The public verifier checks the first award by its URL: this installation's own
	// documents are read in process.
	awardURL := base + "/awards/" + firstID
	verifyURL := func(name string) string {
		t.Helper()
		step(name,
			chromedp.Navigate(base+"/verify"),
			chromedp.WaitVisible("#verify-title"),
			chromedp.SendKeys("#url", awardURL),
			chromedp.Click(`main .form-actions button[type="submit"]`),
			chromedp.WaitVisible("#verdict"),
		)
		return text("#verdict .verdict-heading")
	}
	if s := verifyURL("verify the first award by its URL"); s != "Verified" {
		t.Errorf("/verify of %s says %q, want Verified; report:\n%s", awardURL, s, text(".report"))
	}
	if s := text(".report .badge-view"); !strings.Contains(s, badgeName) || !strings.Contains(s, issuerName) || !strings.Contains(s, "Basic seamanship") {
		t.Errorf("report badge = %q", s)
	}
	shot("verify-verified.png")

	// The earner's side: the claim link in the email opens the claim page (accepting is
	// TestBrowserClaim's), which links to the public award page with the verifier's verdict.
	claimURL := claimLink.FindString(msg.text)
	step("follow the claim link from the email", chromedp.Navigate(claimURL), chromedp.WaitVisible("#claim-title"))
	if s := text("#claim-title"); s != badgeName {
		t.Errorf("claim page heading = %q", s)
	}
	step("open the public award page from the claim page",
		chromedp.Click(`main a[href^="/awards/"]`), chromedp.WaitVisible(".verdict-heading"))
	if loc := location(); loc != awardURL {
		t.Errorf("the claim page led to %s, want %s", loc, awardURL)
	}
	if s := text(".verdict-heading"); s != "Verified" {
		t.Errorf("award page verdict = %q, want Verified", s)
	}
	if s := text("#award-title"); s != badgeName {
		t.Errorf("award page heading = %q", s)
	}
	if s := text(".award-issuer"); !strings.Contains(s, issuerName) {
		t.Errorf("award page issuer = %q", s)
	}
	waitForJS(t, ctx, `(() => { const i = document.querySelector("img.award-image"); return i && i.complete && i.naturalWidth === 200; })()`)
	shot("award-public.png")

	step("the public badge class page",
		chromedp.Navigate(badgeAdmin),
		chromedp.WaitVisible("#versions-title"),
		chromedp.Click(`main a.button[href^="/badges/"]`),
		chromedp.WaitVisible("#badge-title"),
	)
	if s := text("#badge-title"); s != badgeName {
		t.Errorf("public badge heading = %q", s)
	}
	if s := text(".public-badge"); !strings.Contains(s, "Basic seamanship") || !strings.Contains(s, issuerName) || !strings.Contains(s, "bowline") {
		t.Errorf("public badge page = %q", s)
	}
	waitForJS(t, ctx, `(() => { const i = document.querySelector("img.badge-art"); return i && i.complete && i.naturalWidth === 200; })()`)
	shot("public-badge.png")
	step("the public issuer page", chromedp.Click(`.issued-by a`), chromedp.WaitVisible("#issuer-title"))
	if s := text("#issuer-title"); s != issuerName {
		t.Errorf("public issuer heading = %q", s)
	}
	if s := text(".badge-cards"); !strings.Contains(s, badgeName) {
		t.Errorf("public issuer badges = %q", s)
	}
	waitForJS(t, ctx, `Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)`)
	shot("public-issuer.png")

	const reason = "Awarded to the wrong person"
	step("revoke the first award",
		chromedp.Navigate(awardAdmin),
		chromedp.WaitVisible("#revoke-title"),
		chromedp.SendKeys("#reason", reason),
		chromedp.Click(`form[action$="/revoke"] button[type="submit"]`),
	)
	waitForJS(t, ctx, `(document.querySelector(".flash") || {textContent: ""}).textContent.includes("badge is revoked")`)
	if s := text(".lead"); !strings.Contains(s, "revoked") {
		t.Errorf("award page after revoking = %q", s)
	}
	if s := text("#award-title + .details"); !strings.Contains(s, reason) {
		t.Errorf("award details after revoking = %q", s)
	}
	shot("award-revoked.png")
	if s := verifyURL("verify the revoked award"); s != "Revoked" {
		t.Errorf("/verify of revoked %s says %q; report:\n%s", awardURL, s, text(".report"))
	}
	// A 1EdTech Revocation List carries the reason; a Bitstring Status List has only the bit.
	if s := text(".report"); j.statusMethod == "1edtech" && !strings.Contains(s, reason) {
		t.Errorf("the report does not give the reason %q:\n%s", reason, s)
	}
	shot("verify-revoked.png")
	step("the public award page after revoking", chromedp.Navigate(awardURL), chromedp.WaitVisible(".award-status-heading"))
	if s := text(".award-status-heading"); s != "Revoked" {
		t.Errorf("award page status after revoking = %q", s)
	}
	if s := text(".award-status-revoked"); !strings.Contains(s, reason) {
		t.Errorf("award page does not give the reason: %q", s)
	}
	if s := text(".verdict-heading"); s != "Revoked" {
		t.Errorf("award page verdict after revoking = %q, want Revoked", s)
	}
	shot("award-public-revoked.png")

	// "Email the recipients" is ticked by default on the bulk form too: every row got one
	// email, and nobody got two.
	for deadline := time.Now().Add(30 * time.Second); len(mailSrv.Messages()) < j.bulkRows+1 && time.Now().Before(deadline); {
		time.Sleep(100 * time.Millisecond)
	}
	got := map[string]int{}
	for _, m := range mailSrv.Messages() {
		for _, to := range m.To {
			got[to]++
		}
	}
	if len(got) != j.bulkRows+1 || got[recipient] != 1 || got["sailor01@example.org"] != 1 {
		t.Errorf("emails received per recipient: %v, want one to each of %d; server log:\n%s", got, j.bulkRows+1, srv.Logs())
	}
	for to, n := range got {
		if n != 1 {
			t.Errorf("%s got %d emails", to, n)
		}
	}
	if p := console.problems(); len(p) > 0 {
		t.Errorf("the browser console reported problems:\n%s", strings.Join(p, "\n"))
	}
}

// claimLink finds the claim link in an award email.
var claimLink = regexp.MustCompile(`https?://[^\s"<>]+/claim/[^\s"<>]+`)

// writeDiscPNG writes a size×size PNG of a coloured disc on transparent under dir.
func writeDiscPNG(t *testing.T, dir, name string, size int, c color.NRGBA) string {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	r := size/2 - size/16
	for y := range size {
		for x := range size {
			if dx, dy := x-size/2, y-size/2; dx*dx+dy*dy < r*r {
				img.Set(x, y, c)
			}
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// receivedMail is a message the test SMTP server accepted, decoded.
type receivedMail struct {
	subject, text, html string
}

// waitForMessage waits (30 s at most) for the SMTP server to receive a message to rcpt and
// decodes it: the subject, and the text and HTML parts of a multipart/alternative body (or a
// single text body).
func waitForMessage(t *testing.T, s *smtptest.Server, rcpt string, logs func() string) receivedMail {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		for _, m := range s.Messages() {
			for _, to := range m.To {
				if strings.EqualFold(to, rcpt) {
					return decodeMail(t, m.Data)
				}
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no email to %s arrived in 30 s (%d messages); server log:\n%s", rcpt, len(s.Messages()), logs())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func decodeMail(t *testing.T, data string) receivedMail {
	t.Helper()
	msg, err := mail.ReadMessage(strings.NewReader(data))
	if err != nil {
		t.Fatalf("reading the message: %v\n%s", err, data)
	}
	var out receivedMail
	if out.subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); err != nil {
		t.Fatalf("subject: %v", err)
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatalf("Content-Type %q: %v", msg.Header.Get("Content-Type"), err)
	}
	if !strings.HasPrefix(mt, "multipart/") {
		body := io.Reader(msg.Body)
		if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
			body = quotedprintable.NewReader(body) // a single part is not decoded by multipart
		}
		b, err := io.ReadAll(body)
		if err != nil {
			t.Fatal(err)
		}
		out.text = string(b)
		return out
	}
	r := multipart.NewReader(msg.Body, params["boundary"])
	for {
		part, err := r.NextPart() // decodes quoted-printable
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(part)
		if err != nil {
			t.Fatal(err)
		}
		switch ct, _, _ := mime.ParseMediaType(part.Header.Get("Content-Type")); ct {
		case "text/plain":
			out.text = string(b)
		case "text/html":
			out.html = string(b)
		}
	}
}
