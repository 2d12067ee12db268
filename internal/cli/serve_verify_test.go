package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/png"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/google/go-cmp/cmp"

	"github.com/rosettebadges/rosette/openbadges/bake"
)

// TestServeVerifyPage checks the wiring of the verification page in `rosette serve`: the
// fetcher refuses loopback addresses unless --fetch-allow-private is given, the JSON answer
// is the JSON of `rosette verify --json`, and the log holds nothing of the badge.
func TestServeVerifyPage(t *testing.T) {
	hosted := ob2Server(t)
	assertion := hosted.URL + "/assertion.json"
	verifyJSON := func(t *testing.T, srv *running) (int, []byte) {
		t.Helper()
		req, err := http.NewRequest(http.MethodGet, srv.BaseURL+"/verify?url="+url.QueryEscape(assertion), nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Accept", "application/json")
		resp, err := browserlessClient(t).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, b
	}
	decode := func(t *testing.T, b []byte) map[string]any {
		t.Helper()
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%v\n%s", err, b)
		}
		return m
	}

	t.Run("refused by default", func(t *testing.T) {
		srv := bootServe(t, true, "--addr", "127.0.0.1:0", "--data-dir", t.TempDir(), "--workers", "0")
		status, b := verifyJSON(t, srv)
		if rep := decode(t, b); status != http.StatusOK || rep["verdict"] != "unverifiable" || !strings.Contains(string(b), "address not allowed") {
			t.Errorf("status %d, report:\n%s", status, b)
		}
	})
	t.Run("allowed with --fetch-allow-private", func(t *testing.T) {
		srv := bootServe(t, true, "--addr", "127.0.0.1:0", "--data-dir", t.TempDir(), "--workers", "0", "--fetch-allow-private")
		status, b := verifyJSON(t, srv)
		if status != http.StatusOK {
			t.Fatalf("status %d\n%s", status, b)
		}
		var out, errb bytes.Buffer
		if code := Main(context.Background(), Env{Args: []string{"verify", "--json", "--allow-host", "127.0.0.1", assertion},
			Stdout: &out, Stderr: &errb, Stdin: strings.NewReader("")}); code != ExitOK {
			t.Fatalf("rosette verify: exit %d\n%s", code, errb.String())
		}
		if diff := cmp.Diff(decode(t, out.Bytes()), decode(t, b)); diff != "" {
			t.Errorf("the page's JSON differs from rosette verify --json (-cli +page):\n%s", diff)
		}
		if logs := srv.Logs(); !strings.Contains(logs, `"badge verified"`) || strings.Contains(logs, "Awesome Robotics") ||
			strings.Contains(logs, "assertion.json") {
			t.Errorf("the log should say a badge was verified and nothing of it:\n%s", logs)
		}
	})
}

// TestBrowserVerifyPage opens the public verification page without signing in, pastes a
// credential, then uploads a baked image, and looks at the reports.
func TestBrowserVerifyPage(t *testing.T) {
	valid, err := os.ReadFile(dccFixture(t, "v2/dataIntegrityProof/didKey/legacyRegistry-noStatus-noExpiry-basicOBv3.json"))
	if err != nil {
		t.Fatal(err)
	}
	var img bytes.Buffer
	if err := png.Encode(&img, image.NewRGBA(image.Rect(0, 0, 8, 8))); err != nil {
		t.Fatal(err)
	}
	baked, err := bake.Bake(img.Bytes(), bake.OB3, valid)
	if err != nil {
		t.Fatal(err)
	}
	bakedFile := filepath.Join(t.TempDir(), "badge.png")
	if err := os.WriteFile(bakedFile, baked, 0o600); err != nil {
		t.Fatal(err)
	}

	srv := bootServe(t, true, "--addr", "127.0.0.1:0", "--data-dir", t.TempDir(), "--workers", "0")
	ctx := browser(t)
	console := watchConsole(ctx)
	step, text := browserSteps(t, ctx, srv)

	step("open the page from the navigation",
		chromedp.Navigate(srv.BaseURL+"/login"), chromedp.WaitVisible(`nav a[href="/verify"]`),
		chromedp.Click(`nav a[href="/verify"]`), chromedp.WaitVisible("#verify-title"))
	takeScreenshot(t, ctx, "verify-form.png")

	step("submit nothing", chromedp.Click(`main button[type="submit"]`), chromedp.WaitVisible("#form-error"))
	if s := text("#form-error"); !strings.Contains(s, "Nothing to verify") {
		t.Errorf("empty form error = %q", s)
	}

	step("paste a credential and verify",
		chromedp.SetValue("#text", string(valid)),
		chromedp.Click(`main button[type="submit"]`),
		chromedp.WaitVisible("#verdict"))
	if s := text("#verdict .verdict-heading"); s != "Verified" {
		t.Errorf("verdict after paste = %q", s)
	}
	if s := text(".badge-facts h2"); s != "Teamwork" {
		t.Errorf("badge name = %q", s)
	}
	takeScreenshot(t, ctx, "verify-report.png")

	step("upload the baked image",
		chromedp.SetUploadFiles("#file", []string{bakedFile}),
		chromedp.Click(`main button[type="submit"]`))
	waitForJS(t, ctx, `(document.querySelector(".verdict-what") || {textContent: ""}).textContent.includes("baked PNG")`)
	if s := text("#verdict .verdict-heading"); s != "Verified" {
		t.Errorf("verdict after upload = %q", s)
	}
	step("open a check's technical detail", chromedp.Click(".check-detail summary"), chromedp.WaitVisible(".check-detail pre"))
	takeScreenshot(t, ctx, "verify-baked.png")

	hugeFile := filepath.Join(t.TempDir(), "huge.png")
	if err := os.WriteFile(hugeFile, bytes.Repeat([]byte{0}, 6<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	step("upload a file over 5 MiB",
		chromedp.SetUploadFiles("#file", []string{hugeFile}),
		chromedp.Click(`main button[type="submit"]`))
	waitForJS(t, ctx, `(document.querySelector("#form-error") || {textContent: ""}).textContent.includes("larger than 5 MiB")`)

	if p := console.problems(); len(p) > 0 {
		t.Errorf("the browser console reported problems:\n%s", strings.Join(p, "\n"))
	}
}
