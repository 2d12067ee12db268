package cli

import (
	"github.com/rosettebadges/rosette/internal/testenv"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/rosettebadges/rosette/openbadges/bake"
)

// harbourPlatform is "another platform": it publishes a hosted OB 2.0 assertion (with its
// badge class and issuer) on loopback, and can revoke it (410 Gone).
func harbourPlatform(t *testing.T, revoked *atomic.Bool) *httptest.Server {
	t.Helper()
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u := srv.URL
		var doc string
		switch r.URL.Path {
		case "/assertions/1.json":
			if revoked.Load() {
				http.Error(w, "revoked", http.StatusGone)
				return
			}
			doc = `{"@context":"https://w3id.org/openbadges/v2","type":"Assertion","id":"` + u + `/assertions/1.json",
 "recipient":{"type":"email","hashed":false,"identity":"ada@example.org"},
 "issuedOn":"2026-03-14T09:00:00Z","badge":"` + u + `/badge.json","verification":{"type":"hosted"}}`
		case "/badge.json":
			doc = `{"@context":"https://w3id.org/openbadges/v2","type":"BadgeClass","id":"` + u + `/badge.json","name":"Harbour Pilot",
 "description":"Brings ships safely into the harbour.","image":"` + u + `/badge.png","criteria":"` + u + `/criteria.html","issuer":"` + u + `/issuer.json"}`
		case "/issuer.json":
			doc = `{"@context":"https://w3id.org/openbadges/v2","type":"Issuer","id":"` + u + `/issuer.json","name":"Harbour Guild","url":"` + u + `","email":"guild@example.org"}`
		default:
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/ld+json")
		w.Write([]byte(doc))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestBrowserWalletImport: an earner imports a baked badge image from another platform on
// /wallet/import, sees it verified on its item page, then, after the issuer revoked it,
// checks again and sees "Revoked". The server's outbound client allows loopback
// (--fetch-allow-private), as the other platform runs on it.
func TestBrowserWalletImport(t *testing.T) {
	var revoked atomic.Bool
	other := harbourPlatform(t, &revoked)
	heart, err := os.ReadFile(testenv.FixturePath(t, "concentricsky-openbadges-bakery/openbadges_bakery/testfiles/public_domain_heart.png"))
	if err != nil {
		t.Fatal(err)
	}
	baked, err := bake.Bake(heart, bake.OB2, []byte(other.URL+"/assertions/1.json"))
	if err != nil {
		t.Fatal(err)
	}
	bakedFile := filepath.Join(t.TempDir(), "harbour-pilot.png")
	if err := os.WriteFile(bakedFile, baked, 0o600); err != nil {
		t.Fatal(err)
	}
	garbageFile := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(garbageFile, []byte("not a badge at all"), 0o600); err != nil {
		t.Fatal(err)
	}

	srv := bootServe(t, true, "--addr", "127.0.0.1:0", "--data-dir", t.TempDir(), "--workers", "0", "--fetch-allow-private")
	ctx := browser(t)
	console := watchConsole(ctx)
	step, text := browserSteps(t, ctx, srv)
	step("set up and sign in", setupAdmin(srv, "a long enough password")...)

	step("open the import page", chromedp.Navigate(srv.BaseURL+"/wallet/import"), chromedp.WaitVisible("#import-title"))
	takeScreenshot(t, ctx, "wallet-import-form.png")

	step("upload something that is no badge",
		chromedp.SetUploadFiles("#file", []string{garbageFile}),
		chromedp.Click(`main button[type="submit"]`))
	waitForJS(t, ctx, `(document.querySelector("#form-error") || {textContent: ""}).textContent.includes("not a badge")`)

	step("upload the baked image from the other platform",
		chromedp.SetUploadFiles("#file", []string{bakedFile}),
		chromedp.Click(`main button[type="submit"]`),
		chromedp.WaitVisible("#item-title"))
	if s := text(".flash"); !strings.Contains(s, "Verified") {
		t.Errorf("flash after import = %q", s)
	}
	if s := text("#item-title"); s != "Harbour Pilot" {
		t.Errorf("item title = %q", s)
	}
	if s := text(".award-issuer"); !strings.Contains(s, "Harbour Guild") {
		t.Errorf("issuer = %q", s)
	}
	if s := text("#item-status-tag"); s != "Verified" {
		t.Errorf("status = %q", s)
	}
	if s := text("#verdict .verdict-heading"); s != "Verified" {
		t.Errorf("report verdict = %q", s)
	}
	// The baked image shows, served by the wallet.
	waitForJS(t, ctx, `(() => { const i = document.querySelector(".award-image"); return !!i && i.complete && i.naturalWidth > 0 && i.getAttribute("src").startsWith("/wallet/items/"); })()`)
	takeScreenshot(t, ctx, "wallet-item-verified.png")

	revoked.Store(true)
	step("check again after the issuer revoked it",
		chromedp.Click("#check-again"),
		chromedp.WaitVisible("#item-title"))
	waitForJS(t, ctx, `(document.querySelector("#item-status-tag") || {textContent: ""}).textContent.includes("Revoked")`)
	if s := text(".flash"); !strings.Contains(s, "revoked") {
		t.Errorf("flash after the check = %q", s)
	}
	if s := text("#verdict .verdict-heading"); s != "Revoked" {
		t.Errorf("report verdict after the check = %q", s)
	}
	takeScreenshot(t, ctx, "wallet-item-revoked.png")

	if p := console.problems(); len(p) > 0 {
		t.Errorf("the browser console reported problems:\n%s", strings.Join(p, "\n"))
	}
}
