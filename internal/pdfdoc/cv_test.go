package pdfdoc

import (
	"bytes"
	"fmt"
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestRenderCVQuick(t *testing.T) {
	var buf bytes.Buffer
	if err := RenderCV(&buf, sampleCV(t, 14)); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(os.TempDir(), "pdfw", "cv.pdf")
	os.WriteFile(p, buf.Bytes(), 0o644)
	t.Log(p, buf.Len())
}

func TestRenderCertQuick(t *testing.T) {
	for _, l := range []Layout{LayoutClassic, LayoutModern} {
		for _, rev := range []bool{false, true} {
			c := Certificate{Layout: l, Recipient: "Zoë Ångström", BadgeName: "Open Data Practitioner (Level 2): Σύστημα ποιότητας",
				BadgeImage: Image{Data: testPNG(t, 300, 300, color.NRGBA{0x1d, 0x4e, 0x89, 255}), Type: "image/png"},
				IssuerName: "Øresund Institute of Technology", IssuerLogo: Image{Data: testPNG(t, 400, 120, color.NRGBA{0xb4, 0x53, 0x09, 255})},
				IssuedOn: time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC), ExpiresOn: time.Date(2028, 3, 14, 0, 0, 0, 0, time.UTC),
				Criteria:  strings.Repeat("Complete the open data course and publish a data set with documentation and a licence. ", 7),
				VerifyURL: "https://badges.example.org/awards/01JDXYZABCDEF", AwardID: "01JDXYZABCDEF"}
			if rev {
				c.RevokedOn = time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
				c.RevocationReason = "Issued in error"
			}
			var buf bytes.Buffer
			if err := RenderCertificate(&buf, c); err != nil {
				t.Fatal(err)
			}
			p := filepath.Join(os.TempDir(), "pdfw", fmt.Sprintf("cert-%s-%v.pdf", l, rev))
			os.WriteFile(p, buf.Bytes(), 0o644)
		}
	}
}
