// Package pdftest reads PDFs back for tests as a reader would: text with pdftotext, metadata
// with pdfinfo, pages rendered with pdftoppm and QR codes decoded from them with zbarimg
// (Debian poppler-utils and zbar-tools, installed by scripts/testenv.sh; tests skip without
// them, and fail under ROSETTE_TEST_REQUIRE=1).
package pdftest

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/rosettebadges/rosette/internal/testenv"
)

// -pdfout keeps the rendered PDFs and page images in a directory, to look at them.
var pdfOut = flag.String("pdfout", "", "directory to keep the rendered PDFs and their page images in")

// Keep reports whether -pdfout was given (the PDFs and page images are kept to be looked at).
func Keep() bool { return *pdfOut != "" }

// OutDir is where a test writes its PDF and page images: -pdfout/<test name>, or a
// temporary directory; the path is logged either way.
func OutDir(t testing.TB) string {
	t.Helper()
	if *pdfOut == "" {
		return t.TempDir()
	}
	d := filepath.Join(*pdfOut, strings.ReplaceAll(t.Name(), "/", "_"))
	if err := os.MkdirAll(d, 0o755); err != nil {
		t.Fatal(err)
	}
	return d
}

func run(t testing.TB, name, pkg string, args ...string) []byte {
	t.Helper()
	var stderr bytes.Buffer
	cmd := exec.Command(testenv.Tool(t, name, pkg), args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	return out
}

// WritePDF saves the PDF in dir and returns its path.
func WritePDF(t testing.TB, dir, name string, pdf []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// Text is the text of the PDF's page (0: every page) as pdftotext reads it, with runs of
// spaces collapsed.
func Text(t testing.TB, path string, page int) string {
	t.Helper()
	args := []string{"-enc", "UTF-8"}
	if page > 0 {
		args = append(args, "-f", fmt.Sprint(page), "-l", fmt.Sprint(page))
	}
	out := run(t, "pdftotext", "poppler-utils", append(args, path, "-")...)
	return strings.Join(strings.Fields(string(out)), " ")
}

// Info is pdfinfo's key: value table.
func Info(t testing.TB, path string) map[string]string {
	t.Helper()
	m := map[string]string{}
	for _, l := range strings.Split(string(run(t, "pdfinfo", "poppler-utils", "-enc", "UTF-8", path)), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok {
			m[k] = strings.TrimSpace(v)
		}
	}
	return m
}

// RenderPages renders every page at dpi as PNG beside the PDF and returns their paths.
func RenderPages(t testing.TB, path string, dpi int) []string {
	t.Helper()
	prefix := strings.TrimSuffix(path, ".pdf")
	run(t, "pdftoppm", "poppler-utils", "-png", "-r", fmt.Sprint(dpi), path, prefix)
	pages, err := filepath.Glob(prefix + "-*.png")
	if err != nil || len(pages) == 0 {
		t.Fatalf("pdftoppm made no pages: %v", err)
	}
	sort.Strings(pages)
	t.Logf("pages rendered at %d dpi: %s", dpi, strings.Join(pages, " "))
	return pages
}

// QRCodes decodes every QR code in the PNG with zbarimg (none: empty).
func QRCodes(t testing.TB, png string) []string {
	t.Helper()
	bin := testenv.Tool(t, "zbarimg", "zbar-tools")
	out, err := exec.Command(bin, "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", png).Output()
	if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == 4 {
		return nil // no symbol found
	}
	if err != nil {
		t.Fatalf("zbarimg %s: %v", png, err)
	}
	var codes []string
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if l != "" {
			codes = append(codes, l)
		}
	}
	sort.Strings(codes)
	return codes
}

// Images counts the images drawn in the PDF (pdfimages -list, soft masks not counted).
func Images(t testing.TB, path string) int {
	t.Helper()
	n := 0
	lines := strings.Split(string(run(t, "pdfimages", "poppler-utils", "-list", path)), "\n")
	for _, l := range lines[min(2, len(lines)):] { // two header lines
		if f := strings.Fields(l); len(f) > 2 && f[2] == "image" {
			n++
		}
	}
	return n
}
