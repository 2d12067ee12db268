package service

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/rosettebadges/rosette/internal/store/storetest"
	"github.com/rosettebadges/rosette/internal/testenv"
)

func runTool(t *testing.T, name, pkg string, args ...string) string {
	t.Helper()
	var stderr bytes.Buffer
	cmd := exec.Command(testenv.Tool(t, name, pkg), args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil && name != "zbarimg" { // zbarimg exits 4 when a page has no code
		t.Fatalf("%s: %v\n%s", name, err, stderr.String())
	}
	return string(out)
}

// TestCVPDF renders a CV with internal/pdfdoc and reads it back: the text (pdftotext) and
// every QR code (pdftoppm, then zbarimg), which must be the badges' verification URLs.
func TestCVPDF(t *testing.T) {
	ctx := context.Background()
	f := newCVFixture(t, storetest.NewSQLite)
	cvs := NewCVs(CVsOptions{Store: f.st, Awards: f.awards, URLs: f.urls, Clock: f.clock, Renderer: CVPDF{}})
	c, err := cvs.Create(ctx, f.earner, "Zoë's harbour CV")
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range []SectionInput{
		{Kind: SectionText, Title: "About", Text: "Welder in Tromsø — 10 years.\nSpeaks Norwegian."},
		{Kind: SectionBadges, Items: []string{"item-award", "item-https", "item-private"}},
		{Kind: SectionLinks, Links: []CVLink{{Label: "Portfolio", URL: "https://ada.example/p"}}},
		{Kind: SectionContact, Lines: []string{"Email: earner@example.org", "Tromsø, Norway"}},
	} {
		if _, err := cvs.AddSection(ctx, f.earner, c.ID, in); err != nil {
			t.Fatal(err)
		}
	}
	var pdf bytes.Buffer
	if err := cvs.PDF(ctx, f.earner, c.ID, &pdf); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdf.Bytes(), []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", pdf.Bytes()[:20])
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "cv.pdf")
	if d := os.Getenv("ROSETTE_CV_PDF_OUT"); d != "" {
		dir = d // keep the PDF and its pages to look at them
		path = filepath.Join(dir, "cv.pdf")
	}
	if err := os.WriteFile(path, pdf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(runTool(t, "pdftotext", "poppler-utils", "-enc", "UTF-8", path, "-")), " ")
	for _, want := range []string{"Zoë's harbour CV", "Ada Earner", "Welder in Tromsø — 10 years.", "Welder", "Acme",
		"Knots", "Harbour School", "Sailing", "Yacht Club", "Sailing: No verification link", "Portfolio", "Email earner@example.org", "Tromsø, Norway"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q:\n%s", want, text)
		}
	}
	runTool(t, "pdftoppm", "poppler-utils", "-r", "150", "-png", path, filepath.Join(dir, "page"))
	pages, _ := filepath.Glob(filepath.Join(dir, "page*.png"))
	if len(pages) == 0 {
		t.Fatal("no page images")
	}
	var codes []string
	for _, p := range pages {
		for _, line := range strings.Split(runTool(t, "zbarimg", "zbar-tools", "--quiet", "--raw", p), "\n") {
			if line = strings.TrimSpace(line); line != "" {
				codes = append(codes, line)
			}
		}
	}
	sort.Strings(codes)
	want := []string{f.urls.Award(f.award.ID), "https://other.example/credentials/1"}
	sort.Strings(want)
	if strings.Join(codes, " ") != strings.Join(want, " ") {
		t.Errorf("QR codes = %q, want %q", codes, want)
	}
}
