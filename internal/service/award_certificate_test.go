package service

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/links"
	"github.com/rosettebadges/rosette/internal/pdfdoc/pdftest"
	"github.com/rosettebadges/rosette/internal/store"
	"github.com/rosettebadges/rosette/internal/store/storetest"
)

func TestAwardCertificate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, newStore func(testing.TB) *store.Store) {
		t.Parallel()
		testAwardCertificate(t, newStore)
	})
}

// testAwardCertificate renders an award's certificate through its states (named, name
// hidden, modern layout with a logo, revoked) and reads each back: text with pdftotext, the
// QR code from a 150 dpi rendering with zbarimg (it must be the award's page URL).
func testAwardCertificate(t *testing.T, newStore func(testing.TB) *store.Store) {
	ctx := context.Background()
	f := newAwards(t, newStore)
	if _, err := f.svc.Update(ctx, f.users["owner"], f.issuer.ID, badge.IssuerFields{Name: "Øresund Академия"}); err != nil {
		t.Fatal(err)
	}
	req := emailReq(f.bc.ID, "zoe@example.org")
	req.Recipient.Name = "Zoë Ångström"
	a, err := f.awards.Issue(ctx, f.users["awarder"], req)
	if err != nil {
		t.Fatal(err)
	}
	issued, expires := a.IssuedAt.Format("2 January 2006"), a.ExpiresAt.Format("2 January 2006")
	if a.ExpiresAt.IsZero() {
		t.Fatal("the fixture badge class should expire")
	}
	check := func(name string, want, notWant []string, images int) string {
		t.Helper()
		file, err := f.awards.Certificate(ctx, a.ID)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if want := "certificate-welder-" + strings.ToLower(a.ID) + ".pdf"; file.Filename != want {
			t.Errorf("%s: filename %q, want %q", name, file.Filename, want)
		}
		dir := pdftest.OutDir(t)
		path := pdftest.WritePDF(t, dir, strings.ReplaceAll(name, " ", "-")+".pdf", file.PDF)
		text := pdftest.Text(t, path, 0)
		for _, w := range append(want, "Welder", "Øresund Академия", issued, "Do it.", f.urls.Award(a.ID), a.ID) {
			if !strings.Contains(text, w) {
				t.Errorf("%s: text lacks %q:\n%s", name, w, text)
			}
		}
		for _, w := range notWant {
			if strings.Contains(text, w) {
				t.Errorf("%s: text has %q:\n%s", name, w, text)
			}
		}
		if n := pdftest.Images(t, path); n != images {
			t.Errorf("%s: %d images, want %d", name, n, images)
		}
		pages := pdftest.RenderPages(t, path, 150)
		if got := pdftest.QRCodes(t, pages[0]); !cmp.Equal(got, []string{f.urls.Award(a.ID)}) {
			t.Errorf("%s: QR codes %q, want the award page", name, got)
		}
		return pdftest.Info(t, path)["Page size"]
	}

	size := check("classic", []string{"Zoë Ångström", "Issued " + issued, "Expires " + expires}, []string{"REVOKED"}, 1)
	if size != "841.89 x 595.28 pts (A4)" {
		t.Errorf("classic page size %q, want landscape A4", size)
	}

	if _, err := f.awards.SetRecipientNameHidden(ctx, f.users["admin"], a.ID, true); err != nil {
		t.Fatal(err)
	}
	check("hidden name", []string{"The holder of this badge"}, []string{"Zoë"}, 1)

	logo := "data:image/png;base64," + base64.StdEncoding.EncodeToString(colourPNG(t))
	if _, err := f.svc.Update(ctx, f.users["owner"], f.issuer.ID, badge.IssuerFields{Name: "Øresund Академия", LogoURL: logo,
		CertificateLayout: badge.CertificateModern}); err != nil {
		t.Fatal(err)
	}
	size = check("modern with logo", []string{"The holder of this badge", expires}, nil, 2)
	if size != "595.28 x 841.89 pts (A4)" {
		t.Errorf("modern page size %q, want portrait A4", size)
	}

	if _, err := f.awards.Revoke(ctx, f.users["awarder"], a.ID, "Issued in error"); err != nil {
		t.Fatal(err)
	}
	check("revoked", []string{"REVOKED on", "Issued in error"}, nil, 2)

	if _, err := f.awards.Certificate(ctx, "nope"); !errors.Is(err, badge.NotFound) {
		t.Errorf("unknown award: %v", err)
	}
	if _, err := f.svc.Update(ctx, f.users["owner"], f.issuer.ID, badge.IssuerFields{Name: "X", CertificateLayout: "baroque"}); badge.FieldMessages(err)["certificate_layout"] == "" {
		t.Errorf("layout baroque: %v, want a certificate_layout field error", err)
	}
}

func colourPNG(t testing.TB) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 60, 30))
	for y := range 30 {
		for x := range 60 {
			img.SetNRGBA(x, y, color.NRGBA{uint8(x * 4), 80, uint8(y * 8), 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestCertificateFilename(t *testing.T) {
	for _, tc := range []struct{ name, id, want string }{
		{"Welder", "AbC123", "certificate-welder-abc123.pdf"},
		{"Zoë's Ångström badge", "x", "certificate-zoe-s-angstrom-badge-x.pdf"},
		{"李小龍", "id", "certificate-id.pdf"},
		{`"; filename=evil.exe`, "../../etc", "certificate-filename-evil-exe-etc.pdf"},
		{strings.Repeat("long ", 40), "i", "certificate-long-long-long-long-long-long-long-long-long-long-long-long-i.pdf"},
	} {
		if got := certificateFilename(tc.name, tc.id); got != tc.want {
			t.Errorf("certificateFilename(%q, %q) = %q, want %q", tc.name, tc.id, got, tc.want)
		}
	}
}

func TestLogoImage(t *testing.T) {
	s := &Awards{urls: links.URLs{Base: "https://badges.example.org"}}
	png := colourPNG(t)
	for _, tc := range []struct {
		url, wantID string
		wantData    bool
	}{
		{"https://badges.example.org/images/abc.png", "abc", false},
		{"https://badges.example.org/images/abc.svg", "abc", false},
		{"https://badges.example.org/images/a/b.png", "", false},
		{"https://elsewhere.example/logo.png", "", false},
		{"data:image/png;base64," + base64.StdEncoding.EncodeToString(png), "", true},
		{"data:image/png,raw", "", false},
		{"data:image/png;base64,!!!", "", false},
		{"", "", false},
	} {
		id, img := s.logoImage(tc.url)
		if id != tc.wantID || (len(img.Data) > 0) != tc.wantData {
			t.Errorf("logoImage(%.40q) = %q, %d bytes", tc.url, id, len(img.Data))
		}
	}
}
