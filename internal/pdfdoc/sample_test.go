package pdfdoc

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strconv"
	"testing"
	"time"
)

// testPNG draws a w x h badge-like picture: a coloured disc on a transparent ground.
func testPNG(t testing.TB, w, h int, c color.NRGBA) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	cx, cy, rad := w/2, h/2, min(w, h)/2-2
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			dx, dy := x-cx, y-cy
			if dx*dx+dy*dy <= rad*rad {
				img.SetNRGBA(x, y, c)
				if (dx*dx+dy*dy)*4 <= rad*rad {
					img.SetNRGBA(x, y, color.NRGBA{255, 255, 255, 255})
				}
			}
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const testSVG = `<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><circle cx="50" cy="50" r="40" fill="teal"/></svg>`

// sampleCV is a CV of about three pages with every kind of section and UTF-8 text in
// Latin, Greek and Cyrillic.
func sampleCV(t testing.TB, badges int) CV {
	t.Helper()
	issued := time.Date(2026, 3, 14, 10, 0, 0, 0, time.UTC)
	var bs []CVBadge
	colours := []color.NRGBA{{0x1d, 0x4e, 0x89, 255}, {0xb4, 0x53, 0x09, 255}, {0x15, 0x80, 0x3d, 255}}
	for i := range badges {
		b := CVBadge{
			Name:      fmt.Sprintf("Open Data Practitioner, level %02d", i+1),
			Issuer:    "Øresund Institute of Technology",
			IssuedOn:  issued.AddDate(0, -i, 0),
			VerifyURL: "https://badges.example.org/awards/01JD" + strconv.Itoa(1000+i) + "XYZ",
			Image:     Image{Data: testPNG(t, 200, 200, colours[i%3]), Type: "image/png"},
		}
		if i%2 == 1 {
			b.ExpiresOn = issued.AddDate(2, 0, 0)
		}
		if i%4 == 3 {
			b.Image = Image{Data: []byte(testSVG), Type: "image/svg+xml"}
			b.Name = fmt.Sprintf("Σύστημα ποιότητας — Системы качества %02d", i+1)
		}
		bs = append(bs, b)
	}
	return CV{
		Title: "Curriculum vitae",
		Person: Person{
			Name:     "Zoë Ångström",
			Headline: "Data engineer · Инженер данных · Μηχανικός δεδομένων",
			Contact:  []string{"zoe@example.org", "+46 8 123 456 78", "Malmö, Sweden"},
		},
		Created: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC),
		Sections: []Section{
			{Kind: SectionText, Heading: "About me", Paragraphs: []string{
				"I build data pipelines that people can trust: tested, documented and easy to change. " +
					"For eight years I have worked with public-sector open data in Sweden and Denmark.",
				"Языки: шведский, английский, русский. Γλώσσες: ελληνικά (βασικά).",
			}},
			{Kind: SectionBadges, Heading: "Badges", Badges: bs},
			{Kind: SectionSkills, Heading: "Skills", Skills: []Skill{
				{"Open data", 5}, {"Python", 3}, {"Go", 2}, {"PostgreSQL", 2}, {"Data quality", 4},
				{"Accessibility", 1}, {"Статистика", 1}, {"Project management", 2}, {"Teaching", 1},
			}},
			{Kind: SectionLinks, Heading: "Links", Links: []Link{
				{"Portfolio", "https://zoe.example.org/"},
				{"Code", "https://git.example.org/zoe"},
			}},
			{Kind: SectionContact, Heading: "Contact", Contact: []ContactLine{
				{"Email", "zoe@example.org"}, {"Phone", "+46 8 123 456 78"}, {"Address", "Storgatan 1, 211 34 Malmö"},
			}},
		},
	}
}
