package cli

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/rosettebadges/rosette/internal/mail/smtptest"
	"github.com/rosettebadges/rosette/internal/pdfdoc/pdftest"
	"github.com/rosettebadges/rosette/internal/testenv"
	"github.com/rosettebadges/rosette/openbadges/bake"
)

// TestBrowserEarnerJourney is issue #6's "done means", in one browser session against
// `rosette serve`: an award email arrives; its claim link opens the badge, an account is
// made on the spot and the badge accepted; badges from two other platforms are added (a baked
// OB 2.0 image hosted by one, an OB 3.0 credential of another pasted as JSON), each verified;
// the award is shared to LinkedIn (the "Add to profile" URL checked field by field); a CV with
// the three badges is made and shared, and its PDF and the award's certificate are downloaded
// and read back (text, rendered page, QR codes).
func TestBrowserEarnerJourney(t *testing.T) {
	// The two other platforms: a hosted OB 2.0 assertion on loopback, and a DCC credential
	// signed by a did:key.
	var revoked atomic.Bool
	harbour := harbourPlatform(t, &revoked)
	heart, err := os.ReadFile(testenv.FixturePath(t, "concentricsky-openbadges-bakery/openbadges_bakery/testfiles/public_domain_heart.png"))
	if err != nil {
		t.Fatal(err)
	}
	baked, err := bake.Bake(heart, bake.OB2, []byte(harbour.URL+"/assertions/1.json"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	bakedFile := filepath.Join(dir, "harbour-pilot.png")
	if err := os.WriteFile(bakedFile, baked, 0o600); err != nil {
		t.Fatal(err)
	}
	dcc, err := os.ReadFile(testenv.FixturePath(t, "digitalcredentials-vc-test-fixtures/verifiableCredentials/v2/dataIntegrityProof/didKey/legacyRegistry-noStatus-noExpiry-basicOBv3.json"))
	if err != nil {
		t.Fatal(err)
	}

	// The issuer: an administrator made on the command line, an issuer with a LinkedIn
	// organisation, a badge, and an award emailed to Grace through the API.
	mailSrv := smtptest.Start(t)
	env := map[string]string{"ROSETTE_DATA_DIR": t.TempDir()}
	if code, _, stderr := runEnv(t, env, "user", "create", "--admin", "--email", "root@x.org", "--password-file", passwordFile(t, "correct horse battery")); code != ExitOK {
		t.Fatalf("user create: %d %s", code, stderr)
	}
	srv := bootServeEnv(t, false, env, "--addr", "127.0.0.1:0", "--fetch-allow-private",
		"--smtp-host", mailSrv.Host(), "--smtp-port", strconv.Itoa(mailSrv.Port()), "--smtp-tls", "none",
		"--smtp-from", "Rosette <badges@rosette.test>")
	code, out, stderr := runEnv(t, env, "token", "create", "--user", "root@x.org", "--name", "journey", "--scope", "issuers:write,badges:write,awards:write")
	if code != ExitOK {
		t.Fatalf("token create: %d %s", code, stderr)
	}
	api := apiCaller(t, srv.BaseURL, strings.TrimSpace(out))
	iss := api("/api/v1/issuers", `{"name":"Northwind College","website":"https://northwind.example","linkedin_org":"1337"}`, "iss")
	bc := api("/api/v1/issuers/"+iss["id"].(string)+"/badges",
		`{"name":"Bridge Welder","description":"Welds bridges that stay up.","criteria_narrative":"Weld a **bridge** in front of an examiner.","image":"data:image/png;base64,`+base64.StdEncoding.EncodeToString(discPNG())+`"}`, "bc")
	aw := api("/api/v1/badges/"+bc["id"].(string)+"/awards", `{"recipient":{"identity":"grace@example.org","name":"Grace Hopper"},"notify":true}`, "aw")
	awardID := aw["id"].(string)
	awardPage := srv.BaseURL + "/awards/" + awardID

	ctx := browser(t)
	console := watchConsole(ctx)
	step, text := browserSteps(t, ctx, srv)

	// 1. Claim: the email's link, an account on the spot, accepted.
	msg := waitForMessage(t, mailSrv, "grace@example.org", srv.Logs)
	claimURL := claimLink.FindString(msg.text)
	if claimURL == "" {
		t.Fatalf("no claim link in the email:\n%s", msg.text)
	}
	const password = "a long earner password"
	step("open the claim link and accept with a new account",
		chromedp.Navigate(claimURL), chromedp.WaitVisible("#claim-title"),
		chromedp.SetValue("#name", "Grace Hopper"),
		chromedp.SendKeys("#password", password),
		chromedp.SendKeys("#password_confirm", password),
		chromedp.Click(`form[action$="/signup"] button[type="submit"]`))
	waitForJS(t, ctx, `location.pathname === "/wallet" && document.querySelectorAll(".wallet-card").length === 1`)

	// 2. Badges from two other platforms.
	step("import the baked badge of the first platform",
		chromedp.Navigate(srv.BaseURL+"/wallet/import"), chromedp.WaitVisible("#import-title"),
		chromedp.SetUploadFiles("#file", []string{bakedFile}),
		chromedp.Click(`main button[type="submit"]`),
		chromedp.WaitVisible("#item-title"))
	if s := text("#item-status-tag"); s != "Verified" {
		t.Errorf("first platform's badge: status %q", s)
	}
	step("paste the credential of the second platform",
		chromedp.Navigate(srv.BaseURL+"/wallet/import"), chromedp.WaitVisible("#import-title"),
		chromedp.SetValue("#text", string(dcc)),
		chromedp.Click(`main button[type="submit"]`),
		chromedp.WaitVisible("#item-title"))
	if s := text("#item-title"); !strings.Contains(s, "Teamwork") {
		t.Errorf("second platform's badge: title %q", s)
	}
	if s := text("#item-status-tag"); s != "Verified" {
		t.Errorf("second platform's badge: status %q", s)
	}
	step("see the three badges in the wallet", chromedp.Navigate(srv.BaseURL+"/wallet"), chromedp.WaitVisible("#held-title"))
	waitForJS(t, ctx, `document.querySelectorAll(".wallet-card").length === 3`)
	wallet := text("main")
	for _, want := range []string{"Bridge Welder", "Northwind College", "Harbour Pilot", "Harbour Guild", "Teamwork"} {
		if !strings.Contains(wallet, want) {
			t.Errorf("the wallet lacks %q:\n%s", want, wallet)
		}
	}
	// The accepted award was verified in the background right after it was accepted.
	welderStatus := `(Array.from(document.querySelectorAll(".wallet-card")).find(c => c.innerText.includes("Bridge Welder")) || document.body).querySelector(".tag")`
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(`+welderStatus+` || {innerText: ""}).innerText`))
		if err == nil && s == "Verified" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the accepted award's status is %q (%v), want Verified", s, err)
		}
		step("reload the wallet", chromedp.Reload(), chromedp.WaitVisible("#held-title"))
	}
	waitForJS(t, ctx, `Array.from(document.querySelectorAll(".wallet-card img")).every(i => i.complete && i.naturalWidth > 0)`)
	takeScreenshot(t, ctx, "earner-wallet.png")

	// 3. Share to LinkedIn from the award page: the "Add to profile" link, field by field.
	step("open the award page as its earner", chromedp.Navigate(awardPage), chromedp.WaitVisible("#share-title"))
	href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector(".share-panel a.button").href`))
	if err != nil || href != awardPage+"/share/linkedin_profile" {
		t.Fatalf("LinkedIn button href %q (%v)", href, err)
	}
	res, err := browserlessClient(t).Get(href)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	loc, err := url.Parse(res.Header.Get("Location"))
	if err != nil || res.StatusCode != 302 || loc.Scheme+"://"+loc.Host+loc.Path != "https://www.linkedin.com/profile/add" {
		t.Fatalf("LinkedIn redirect: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	issued := aw["issued_at"].(string) // RFC 3339
	want := url.Values{"startTask": {"CERTIFICATION_NAME"}, "name": {"Bridge Welder"}, "organizationId": {"1337"},
		"issueYear": {issued[:4]}, "issueMonth": {strings.TrimPrefix(issued[5:7], "0")}, "certUrl": {awardPage}, "certId": {awardID}}
	if diff := cmpValues(want, loc.Query()); diff != "" {
		t.Errorf("LinkedIn fields: %s", diff)
	}
	takeScreenshot(t, ctx, "earner-share.png")

	// 4. A CV with the three badges, shared, and its PDF.
	step("make a CV",
		chromedp.Navigate(srv.BaseURL+"/wallet/cvs"), chromedp.WaitVisible("#new-cv-title"),
		chromedp.SendKeys("#title", "Grace Hopper: bridges and harbours"), chromedp.Click(`main button[type="submit"]`),
		chromedp.WaitVisible("#sections-title"))
	const add = `section[aria-labelledby="add-title"] details:nth-of-type(1) `
	step("add a badges section with every badge",
		chromedp.Click(add+`> summary`), chromedp.WaitVisible(add+`input[type="checkbox"]`))
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[int](`(() => { const bs = document.querySelectorAll('`+add+`input[type="checkbox"]'); bs.forEach(b => b.checked = true); return bs.length; })()`)); err != nil {
		t.Fatal(err)
	}
	step("save the section", chromedp.Click(add+`button[type="submit"]`))
	waitForJS(t, ctx, `document.querySelectorAll("ol.cv-sections > li").length === 1`)
	step("share the CV", chromedp.Click(`form[action$="/share"] button`), chromedp.WaitVisible("#share-url"))
	shareURL, err := chromedp.Run(ctx, chromedp.Value("#share-url"))
	if err != nil || !strings.HasPrefix(shareURL, srv.BaseURL+"/cv/") {
		t.Fatalf("share URL %q, %v", shareURL, err)
	}
	takeScreenshot(t, ctx, "earner-cv.png")
	cvPDF := browserDownload(t, ctx, shareURL+".pdf", "application/pdf")
	pdfText, codes := readPDF(t, cvPDF, "earner-cv-pdf")
	for _, want := range []string{"Grace Hopper: bridges and harbours", "Bridge Welder", "Northwind College", "Harbour Pilot",
		"Harbour Guild", "Teamwork", "Verify: " + awardPage} {
		if !strings.Contains(pdfText, want) {
			t.Errorf("the CV's PDF lacks %q:\n%s", want, pdfText)
		}
	}
	if !slices.Contains(codes, awardPage) {
		t.Errorf("the CV's QR codes %q do not open %s", codes, awardPage)
	}

	// 5. The award's certificate.
	cert := browserDownload(t, ctx, awardPage+"/certificate.pdf", "application/pdf")
	certText, certCodes := readPDF(t, cert, "earner-certificate")
	for _, want := range []string{"Grace Hopper", "Bridge Welder", "Northwind College", awardPage} {
		if !strings.Contains(certText, want) {
			t.Errorf("the certificate lacks %q:\n%s", want, certText)
		}
	}
	if len(certCodes) != 1 || certCodes[0] != awardPage {
		t.Errorf("the certificate's QR code opens %q, want %s", certCodes, awardPage)
	}
	if p := console.problems(); len(p) > 0 {
		t.Errorf("the browser console reported problems:\n%s", strings.Join(p, "\n"))
	}
}

// browserDownload fetches u in the page (with its cookies) and returns the body, failing
// unless it answers 200 with the content type.
func browserDownload(t *testing.T, ctx context.Context, u, contentType string) []byte {
	t.Helper()
	b64, err := chromedp.Run(ctx, chromedp.Evaluate[string](`fetch(`+strconv.Quote(u)+`)
		.then(r => { if (!r.ok || r.headers.get("Content-Type") !== `+strconv.Quote(contentType)+`) throw new Error("status " + r.status + " " + r.headers.get("Content-Type")); return r.arrayBuffer(); })
		.then(b => { let s = ""; for (const c of new Uint8Array(b)) s += String.fromCharCode(c); return btoa(s); })`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("download %s: %v", u, err)
	}
	body, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	return body
}

// readPDF returns a PDF's text (every page) and the QR codes of its first page rendered at
// 150 dpi; the rendered page is kept as a screenshot.
func readPDF(t *testing.T, pdf []byte, name string) (string, []string) {
	t.Helper()
	if !strings.HasPrefix(string(pdf), "%PDF-") {
		t.Fatalf("%s is not a PDF: %q", name, pdf[:min(len(pdf), 20)])
	}
	path := pdftest.WritePDF(t, pdftest.OutDir(t), name+".pdf", pdf)
	pages := pdftest.RenderPages(t, path, 150)
	png, err := os.ReadFile(pages[0])
	if err != nil {
		t.Fatal(err)
	}
	saveScreenshot(t, name+"-page1.png", png)
	return pdftest.Text(t, path, 0), pdftest.QRCodes(t, pages[0])
}

// cmpValues says how got differs from want (every field of want, and no other), or "".
func cmpValues(want, got url.Values) string {
	var diffs []string
	for k := range want {
		if got.Get(k) != want.Get(k) {
			diffs = append(diffs, k+" = "+strconv.Quote(got.Get(k))+", want "+strconv.Quote(want.Get(k)))
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			diffs = append(diffs, "unexpected "+k+" = "+strconv.Quote(got.Get(k)))
		}
	}
	return strings.Join(diffs, "; ")
}

// apiCaller returns a function that POSTs JSON to the API with the token and an idempotency
// key and returns the decoded 201 answer (anything else fails the test).
func apiCaller(t *testing.T, base, token string) func(path, body, key string) map[string]any {
	return func(path, body, key string) map[string]any {
		t.Helper()
		req, _ := http.NewRequest("POST", base+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", key)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil || res.StatusCode != 201 {
			t.Fatalf("POST %s: %d %s", path, res.StatusCode, b)
		}
		return m
	}
}
