package cli

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/rosettebadges/rosette/internal/badge"
)

// TestBrowserAwardPage issues an award through the services, beside a running `rosette serve`
// on the same SQLite database, opens its public page in Chromium and sees it verified (by the
// real verifier, in process), without console errors under the strict Content-Security-Policy.
func TestBrowserAwardPage(t *testing.T) {
	dataDir := t.TempDir()
	srv := bootServe(t, true, "--addr", "127.0.0.1:0", "--data-dir", dataDir)
	in := openInstallation(t, srv, dataDir)
	a := in.award(t, in.admin(t, "ada@example.org", "Ada Admin"),
		badge.IssuerFields{Name: "Northwind College", Website: "https://northwind.example"},
		badge.BadgeClassFields{Name: "Bridge Welder", Description: "Welds bridges that stay up.", CriteriaNarrative: "Weld a **bridge** and pass the load test.",
			Tags: []string{"welding", "safety"}, Alignments: []badge.Alignment{{Name: "ESCO welding", URL: "https://esco.example/welding", Framework: "ESCO"}}},
		badge.AwardRequest{Recipient: badge.Recipient{Identity: "grace@example.org", Name: "Grace Hopper"},
			Narrative: "Welded the *Northwind* footbridge.",
			Evidence:  []badge.Evidence{{URL: "https://northwind.example/bridge", Name: "Photos of the bridge"}}})

	bctx := browser(t)
	console := watchConsole(bctx)
	step, text := browserSteps(t, bctx, srv)
	step("open the award page", chromedp.Navigate(srv.BaseURL+"/awards/"+a.ID), chromedp.WaitVisible(".verdict-heading"))
	if s := text(".verdict-heading"); s != "Verified" {
		t.Errorf("verdict = %q, want Verified\nserver log:\n%s", s, srv.Logs())
	}
	if s := text("#award-title"); s != "Bridge Welder" {
		t.Errorf("heading = %q", s)
	}
	if s := text(".award-recipient"); !strings.Contains(s, "Grace Hopper") {
		t.Errorf("recipient line = %q", s)
	}
	// The badge image, served from /images/{sha256}.png, shows.
	waitForJS(t, bctx, `(() => { const i = document.querySelector(".award-image"); return !!i && i.complete && i.naturalWidth > 0; })()`)
	step("open the checks", chromedp.Click(".report-checks summary"), chromedp.WaitVisible(".report-checks .check"))
	takeScreenshot(t, bctx, "award-page.png")
	if p := console.problems(); len(p) > 0 {
		t.Errorf("the browser console reported problems:\n%s", strings.Join(p, "\n"))
	}
}

// discPNG is a 128x128 badge image: a disc on a transparent background.
func discPNG() []byte {
	const side = 128
	img := image.NewNRGBA(image.Rect(0, 0, side, side))
	for y := range side {
		for x := range side {
			if dx, dy := x-side/2, y-side/2; dx*dx+dy*dy < (side/2-2)*(side/2-2) {
				img.Set(x, y, color.NRGBA{R: 180, G: 83, B: 9, A: 255})
			}
		}
	}
	var b bytes.Buffer
	png.Encode(&b, img)
	return b.Bytes()
}
