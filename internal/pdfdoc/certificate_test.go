package pdfdoc

import (
	"bytes"
	"image/color"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rosettebadges/rosette/internal/pdfdoc/pdftest"
)

func sampleCertificate(t testing.TB, layout Layout) Certificate {
	t.Helper()
	return Certificate{
		Layout:     layout,
		Recipient:  "Zoë Ångström",
		BadgeName:  "Open Data Practitioner: Σύστημα ποιότητας",
		BadgeImage: Image{Data: testPNG(t, 300, 300, color.NRGBA{0x1d, 0x4e, 0x89, 255}), Type: "image/png"},
		IssuerName: "Øresund Институт",
		IssuerLogo: Image{Data: testPNG(t, 400, 160, color.NRGBA{0xb4, 0x53, 0x09, 255}), Type: "image/png"},
		IssuedOn:   time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC),
		ExpiresOn:  time.Date(2028, 3, 14, 9, 0, 0, 0, time.UTC),
		Criteria: "Publish a data set with documentation and an open licence, and review two data sets " +
			"published by others. Ελέγξτε την ποιότητα. Проверьте качество.",
		VerifyURL: "https://badges.example.org/awards/j4oy7hy7kxvfthh7docy3jarya",
		AwardID:   "j4oy7hy7kxvfthh7docy3jarya",
		Created:   time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC),
	}
}

// TestRenderCertificate renders each layout, reads the text back with pdftotext and the QR
// code with zbarimg from a 150 dpi rendering, and checks the metadata.
func TestRenderCertificate(t *testing.T) {
	for _, layout := range []Layout{LayoutClassic, LayoutModern} {
		for _, tc := range []struct {
			name    string
			change  func(*Certificate)
			want    []string
			notWant []string
		}{
			{"named", func(*Certificate) {}, []string{"Zoë Ångström", "14 March 2026", "14 March 2028"}, []string{"REVOKED", "holder of this badge"}},
			{"hidden name", func(c *Certificate) { c.Recipient = "" }, []string{"The holder of this badge"}, []string{"Zoë"}},
			{"revoked", func(c *Certificate) {
				c.RevokedOn = time.Date(2026, 5, 2, 0, 0, 0, 0, time.UTC)
				c.RevocationReason = "Issued in error"
			}, []string{"REVOKED on 2 May 2026: Issued in error", "Zoë Ångström"}, nil},
			{"no expiry", func(c *Certificate) { c.ExpiresOn = time.Time{} }, []string{"14 March 2026"}, []string{"2028"}},
		} {
			t.Run(string(layout)+"/"+tc.name, func(t *testing.T) {
				c := sampleCertificate(t, layout)
				tc.change(&c)
				var buf bytes.Buffer
				if err := RenderCertificate(&buf, c); err != nil {
					t.Fatal(err)
				}
				dir := pdftest.OutDir(t)
				path := pdftest.WritePDF(t, dir, "certificate.pdf", buf.Bytes())
				text := pdftest.Text(t, path, 0)
				for _, w := range append(tc.want, "Open Data Practitioner: Σύστημα ποιότητας", "Øresund Институт",
					"Ελέγξτε την ποιότητα. Проверьте качество.", c.VerifyURL, c.AwardID) {
					if !strings.Contains(text, w) {
						t.Errorf("text lacks %q:\n%s", w, text)
					}
				}
				if !strings.Contains(strings.ToLower(text), "certificate of achievement") {
					t.Errorf("text lacks the title:\n%s", text)
				}
				for _, w := range tc.notWant {
					if strings.Contains(text, w) {
						t.Errorf("text has %q:\n%s", w, text)
					}
				}
				info := pdftest.Info(t, path)
				wantPage := "841.89 x 595.28 pts (A4)"
				if layout == LayoutModern {
					wantPage = "595.28 x 841.89 pts (A4)"
				}
				if info["Pages"] != "1" || info["Page size"] != wantPage || info["Creator"] != "Rosette" ||
					info["Author"] != "Øresund Институт" || !strings.HasPrefix(info["Title"], "Certificate: Open Data Practitioner") {
					t.Errorf("pdfinfo = %v", info)
				}
				pages := pdftest.RenderPages(t, path, 150)
				if got := pdftest.QRCodes(t, pages[0]); !cmp.Equal(got, []string{c.VerifyURL}) {
					t.Errorf("QR codes = %q, want the award page %q", got, c.VerifyURL)
				}
			})
		}
	}
}

// TestRenderCertificateImages: an SVG badge image, an unreadable one and a missing logo
// still make a certificate (with the initials placeholder), never an error.
func TestRenderCertificateImages(t *testing.T) {
	for name, change := range map[string]func(*Certificate){
		"svg": func(c *Certificate) { c.BadgeImage = Image{Data: []byte(testSVG), Type: "image/svg+xml"} },
		"garbage": func(c *Certificate) {
			c.BadgeImage = Image{Data: []byte("\x89PNG\r\n\x1a\nnot really"), Type: "image/png"}
		},
		"no logo":  func(c *Certificate) { c.IssuerLogo = Image{} },
		"svg logo": func(c *Certificate) { c.IssuerLogo = Image{Data: []byte(testSVG), Type: "image/svg+xml"} },
		"huge text": func(c *Certificate) {
			c.BadgeName = strings.Repeat("Very long badge name ", 30)
			c.Criteria = strings.Repeat("word ", 2000)
		},
		"control chr": func(c *Certificate) { c.Recipient = "Ada\x00\x1b[31m Lovelace\t\u2028"; c.BadgeName = "a\xffb" },
	} {
		for _, layout := range []Layout{LayoutClassic, LayoutModern} {
			t.Run(name+"/"+string(layout), func(t *testing.T) {
				c := sampleCertificate(t, layout)
				change(&c)
				var buf bytes.Buffer
				if err := RenderCertificate(&buf, c); err != nil {
					t.Fatal(err)
				}
				if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
					t.Fatalf("not a PDF: %q", buf.Bytes()[:min(20, buf.Len())])
				}
				if pdftest.Keep() { // kept to be looked at
					pdftest.RenderPages(t, pdftest.WritePDF(t, pdftest.OutDir(t), "certificate.pdf", buf.Bytes()), 50)
				}
			})
		}
	}
}

func FuzzRenderCertificate(f *testing.F) {
	f.Add([]byte(testSVG), "image/svg+xml", "Zoë", "Badge")
	f.Add(testPNG(f, 20, 20, color.NRGBA{1, 2, 3, 255}), "image/png", "", "")
	f.Add([]byte("GIF89a"), "image/gif", "李小龍", "\u202e")
	f.Fuzz(func(t *testing.T, img []byte, typ, recipient, badge string) {
		c := Certificate{BadgeImage: Image{Data: img, Type: typ}, IssuerLogo: Image{Data: img, Type: typ},
			Recipient: recipient, BadgeName: badge, IssuerName: badge, Criteria: recipient, VerifyURL: "https://x.example/a/" + badge, AwardID: recipient}
		var buf bytes.Buffer
		if err := RenderCertificate(&buf, c); err != nil {
			t.Fatal(err)
		}
	})
}

func BenchmarkRenderCertificate(b *testing.B) {
	for _, layout := range []Layout{LayoutClassic, LayoutModern} {
		b.Run(string(layout), func(b *testing.B) {
			c := sampleCertificate(b, layout)
			b.ReportAllocs()
			for b.Loop() {
				var buf bytes.Buffer
				if err := RenderCertificate(&buf, c); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
