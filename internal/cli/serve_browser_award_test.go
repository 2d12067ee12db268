package cli

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/keys"
	"github.com/rosettebadges/rosette/internal/links"
	"github.com/rosettebadges/rosette/internal/service"
	"github.com/rosettebadges/rosette/internal/store"
	"github.com/rosettebadges/rosette/openbadges/jsonld"
)

// TestBrowserAwardPage issues an award through the services, beside a running `rosette serve`
// on the same SQLite database, opens its public page in Chromium and sees it verified (by the
// real verifier, in process), without console errors under the strict Content-Security-Policy.
func TestBrowserAwardPage(t *testing.T) {
	dataDir := t.TempDir()
	srv := bootServe(t, true, "--addr", "127.0.0.1:0", "--data-dir", dataDir)
	ctx := context.Background()

	// The installation's own master key and database, as the server uses them.
	master, _, err := keys.LoadOrCreateMasterKeyFile(filepath.Join(dataDir, "master.key"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, "", dataDir, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	now := time.Now().UTC()
	u := &store.User{Email: "ada@example.org", EmailKey: "ada@example.org", Name: "Ada Admin", PasswordHash: "!", IsAdmin: true, CreatedAt: now, UpdatedAt: now}
	if err := st.Update(ctx, func(tx *store.Tx) error { return tx.InsertUser(ctx, u) }); err != nil {
		t.Fatal(err)
	}
	admin := &badge.User{ID: u.ID, Email: u.Email, IsAdmin: true}
	clock := badge.SystemClock{}
	km := keys.NewManager(st, master)
	iss, err := service.NewIssuers(st, km, clock, nil).Create(ctx, admin, badge.IssuerFields{Name: "Northwind College", Website: "https://northwind.example"}, admin.ID)
	if err != nil {
		t.Fatal(err)
	}
	bc, err := service.NewBadgeClasses(st, clock, nil).Create(ctx, admin, iss.ID, badge.BadgeClassFields{
		Name: "Bridge Welder", Description: "Welds bridges that stay up.", CriteriaNarrative: "Weld a **bridge** and pass the load test.",
		Tags: []string{"welding", "safety"}, Alignments: []badge.Alignment{{Name: "ESCO welding", URL: "https://esco.example/welding", Framework: "ESCO"}},
	}, discPNG())
	if err != nil {
		t.Fatal(err)
	}
	awards := service.NewAwards(service.AwardsOptions{Store: st, Keys: km, URLs: links.URLs{Base: srv.BaseURL}, Clock: clock,
		Canonicalizer: jsonld.NewProcessor(jsonld.WithLoader(jsonld.NewLoader()))})
	a, err := awards.Issue(ctx, admin, badge.AwardRequest{BadgeClassID: bc.ID,
		Recipient: badge.Recipient{Identity: "grace@example.org", Name: "Grace Hopper"},
		Narrative: "Welded the *Northwind* footbridge.",
		Evidence:  []badge.Evidence{{URL: "https://northwind.example/bridge", Name: "Photos of the bridge"}}})
	if err != nil || !a.Signed {
		t.Fatalf("issue: %v (signed %v)", err, a != nil && a.Signed)
	}

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
	// The stored images are served by /images/{sha256}.png (the badge class pages' route): when
	// it is mounted, the badge image must show.
	if resp, err := browserlessClient(t).Get(srv.BaseURL + "/images/" + bc.ImageID + ".png"); err == nil {
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			loaded, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`document.querySelector(".award-image").naturalWidth > 0`))
			if err != nil || !loaded {
				t.Errorf("the badge image did not load: %v", err)
			}
		} else {
			t.Logf("no image route (%d): the badge image is not checked", resp.StatusCode)
		}
	}
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
