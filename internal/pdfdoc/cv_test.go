package pdfdoc

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rosettebadges/rosette/internal/pdfdoc/pdftest"
)

// TestRenderCV renders a three-page CV with every kind of section and checks it as a reader
// would: the text of each page (pdftotext), that no badge row is split across pages, the page
// numbers, the metadata, and every QR code decoded from 150 dpi renderings (zbarimg) equal
// to the badges' verification URLs.
func TestRenderCV(t *testing.T) {
	cv := sampleCV(t, 14)
	var buf bytes.Buffer
	if err := RenderCV(&buf, cv); err != nil {
		t.Fatal(err)
	}
	dir := pdftest.OutDir(t)
	path := pdftest.WritePDF(t, dir, "cv.pdf", buf.Bytes())

	info := pdftest.Info(t, path)
	if info["Pages"] != "3" || info["Page size"] != "595.28 x 841.89 pts (A4)" || info["Title"] != "Curriculum vitae" ||
		info["Author"] != "Zoë Ångström" || info["Creator"] != "Rosette" {
		t.Errorf("pdfinfo = %v", info)
	}
	all := pdftest.Text(t, path, 0)
	for _, w := range []string{"Zoë Ångström", "Data engineer · Инженер данных · Μηχανικός δεδομένων", "zoe@example.org",
		"About me", "Языки: шведский, английский, русский. Γλώσσες: ελληνικά (βασικά).", "Badges", "Skills", "Статистика",
		"Links", "Portfolio", "https://git.example.org/zoe", "Contact", "Storgatan 1, 211 34 Malmö",
		"Øresund Institute of Technology", "Issued 14 March 2026", "Expires 14 March 2028"} {
		if !strings.Contains(all, w) {
			t.Errorf("CV text lacks %q", w)
		}
	}
	var urls []string
	pageOf := map[string]int{}
	for n := 1; n <= 3; n++ {
		text := pdftest.Text(t, path, n)
		if want := fmt.Sprintf("Page %d of 3", n); !strings.Contains(text, want) {
			t.Errorf("page %d lacks %q: %s", n, want, text)
		}
		for i, b := range cvBadges(cv) {
			name, url := b.Name, b.VerifyURL
			hasName, hasURL := strings.Contains(text, name), strings.Contains(text, url)
			if hasName != hasURL {
				t.Errorf("badge %d split across pages: page %d has name %v, URL %v", i, n, hasName, hasURL)
			}
			if hasName {
				pageOf[name] = n
			}
		}
	}
	for _, b := range cvBadges(cv) {
		urls = append(urls, b.VerifyURL)
		if pageOf[b.Name] == 0 {
			t.Errorf("badge %q on no page", b.Name)
		}
	}
	sort.Strings(urls)
	var codes []string
	for _, png := range pdftest.RenderPages(t, path, 150) {
		codes = append(codes, pdftest.QRCodes(t, png)...)
	}
	sort.Strings(codes)
	if d := cmp.Diff(urls, codes); d != "" {
		t.Errorf("QR codes decoded from the pages (-want +got):\n%s", d)
	}
}

// cvBadges returns the badges of every badge section, in order.
func cvBadges(cv CV) []CVBadge {
	var out []CVBadge
	for _, s := range cv.Sections {
		if s.Kind == SectionBadges {
			out = append(out, s.Badges...)
		}
	}
	return out
}

// TestRenderCVEdges: an empty CV, empty sections, an unknown kind and hostile text still
// make a PDF.
func TestRenderCVEdges(t *testing.T) {
	for name, cv := range map[string]CV{
		"empty":          {},
		"empty sections": {Person: Person{Name: "A"}, Sections: []Section{{Kind: SectionBadges, Heading: "B"}, {Kind: SectionText}, {Kind: SectionLinks}, {Kind: SectionContact}, {Kind: SectionSkills}}},
		"unknown kind":   {Sections: []Section{{Kind: "video", Heading: "V"}}},
		"hostile text": {Title: "\x00\x1b", Person: Person{Name: strings.Repeat("Name ", 100), Contact: []string{"\u202e", strings.Repeat("x", 500)}},
			Sections: []Section{{Kind: SectionText, Heading: strings.Repeat("H", 300), Paragraphs: []string{strings.Repeat("long ", 5000), "a\xffb"}},
				{Kind: SectionSkills, Skills: []Skill{{strings.Repeat("S", 400), 1}, {"", 0}}},
				{Kind: SectionBadges, Badges: []CVBadge{{Name: strings.Repeat("N ", 200), VerifyURL: strings.Repeat("https://x.example/", 300)}}}}},
	} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := RenderCV(&buf, cv); err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
				t.Fatal("not a PDF")
			}
		})
	}
}

func FuzzRenderCV(f *testing.F) {
	f.Add("Zoë", "Σύστημα", "https://x.example/a", []byte(testSVG))
	f.Add("", "", "", []byte{})
	f.Fuzz(func(t *testing.T, name, text, url string, img []byte) {
		cv := CV{Title: text, Person: Person{Name: name, Headline: text, Contact: []string{url}},
			Sections: []Section{
				{Kind: SectionText, Heading: name, Paragraphs: []string{text}},
				{Kind: SectionBadges, Heading: text, Badges: []CVBadge{{Name: name, Issuer: text, VerifyURL: url, Image: Image{Data: img}}}},
				{Kind: SectionLinks, Links: []Link{{name, url}}},
				{Kind: SectionContact, Contact: []ContactLine{{name, text}}},
				{Kind: SectionSkills, Skills: []Skill{{text, len(name)}}},
			}}
		var buf bytes.Buffer
		if err := RenderCV(&buf, cv); err != nil {
			t.Fatal(err)
		}
	})
}

// BenchmarkRenderCV renders the three-page CV of TestRenderCV (14 badges with images and
// QR codes).
func BenchmarkRenderCV(b *testing.B) {
	cv := sampleCV(b, 14)
	b.ReportAllocs()
	for b.Loop() {
		var buf bytes.Buffer
		if err := RenderCV(&buf, cv); err != nil {
			b.Fatal(err)
		}
	}
}
