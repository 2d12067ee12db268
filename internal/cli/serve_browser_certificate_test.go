package cli

import (
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/google/go-cmp/cmp"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/pdfdoc/pdftest"
)

// TestBrowserCertificate issues an award beside a running `rosette serve`, follows the
// "Download certificate (PDF)" link of its public page in Chromium, downloads the PDF it
// points to from the server, and reads it back: text with pdftotext, the QR code from a
// 150 dpi rendering with zbarimg (the award's page URL). The rendered page is saved as a
// screenshot (certificate-modern.png).
func TestBrowserCertificate(t *testing.T) {
	dataDir := t.TempDir()
	srv := bootServe(t, true, "--addr", "127.0.0.1:0", "--data-dir", dataDir)
	in := openInstallation(t, srv, dataDir)
	a := in.award(t, in.admin(t, "ada@example.org", "Ada Admin"),
		badge.IssuerFields{Name: "Северный колледж", CertificateLayout: badge.CertificateModern},
		badge.BadgeClassFields{Name: "Bridge Welder", Description: "Welds bridges that stay up.",
			CriteriaNarrative: "Weld a **bridge** and pass the load test.\n\n- Safety course\n- Two supervised welds"},
		badge.AwardRequest{Recipient: badge.Recipient{Identity: "zoe@example.org", Name: "Zoë Ångström"}})

	bctx := browser(t)
	step, text := browserSteps(t, bctx, srv)
	link := `a[href$="/certificate.pdf"]`
	step("open the award page", chromedp.Navigate(srv.BaseURL+"/awards/"+a.ID), chromedp.WaitVisible(link))
	if s := text(link); s != "Download certificate (PDF)" {
		t.Errorf("link text = %q", s)
	}
	href, err := chromedp.Run(bctx, chromedp.Evaluate[string](`document.querySelector('a[href$="/certificate.pdf"]').href`))
	if err != nil {
		t.Fatal(err)
	}
	if want := srv.BaseURL + "/awards/" + a.ID + "/certificate.pdf"; href != want {
		t.Errorf("link = %q, want %q", href, want)
	}

	resp, err := browserlessClient(t).Get(href)
	if err != nil {
		t.Fatal(err)
	}
	pdf, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" ||
		!strings.HasPrefix(resp.Header.Get("Content-Disposition"), `attachment; filename="certificate-bridge-welder-`) {
		t.Fatalf("download: %v, %d, %v", err, resp.StatusCode, resp.Header)
	}
	dir := pdftest.OutDir(t)
	path := pdftest.WritePDF(t, dir, "certificate.pdf", pdf)
	txt := pdftest.Text(t, path, 0)
	for _, w := range []string{"Zoë Ångström", "Bridge Welder", "Северный колледж", "Weld a bridge and pass the load test.",
		"• Safety course", a.ID, a.IssuedAt.Format("2 January 2006")} {
		if !strings.Contains(txt, w) {
			t.Errorf("certificate lacks %q:\n%s", w, txt)
		}
	}
	pages := pdftest.RenderPages(t, path, 150)
	if codes := pdftest.QRCodes(t, pages[0]); !cmp.Equal(codes, []string{srv.BaseURL + "/awards/" + a.ID}) {
		t.Errorf("QR codes %q, want the award page", codes)
	}
	png, err := os.ReadFile(pages[0])
	if err != nil {
		t.Fatal(err)
	}
	saveScreenshot(t, "certificate-modern.png", png)
}
