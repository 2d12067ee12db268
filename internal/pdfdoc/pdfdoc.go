// Package pdfdoc owns Rosette's printable documents: the earner's CV and the award
// certificate, rendered as A4 PDFs with an embedded UTF-8 font (DejaVu Sans), badge images
// and vector QR codes that open each badge's verification page.
//
// It knows nothing about the database or HTTP: callers fill a CV or a Certificate and call
// RenderCV or RenderCertificate.
package pdfdoc

import (
	_ "embed"
	"strings"
	"time"
	"unicode"

	"codeberg.org/go-pdf/fpdf"
)

//go:embed fonts/DejaVuSans.ttf
var fontRegular []byte

//go:embed fonts/DejaVuSans-Bold.ttf
var fontBold []byte

// family is the name the embedded font is registered under in every document.
const family = "DejaVu"

// Creator is written into every document's Creator metadata.
const Creator = "Rosette"

// Image is a picture to place in a document: its bytes and its media type
// ("image/png", "image/jpeg", "image/gif" or "image/svg+xml"). SVG and any picture that
// cannot be decoded are drawn as a placeholder with the initials of the thing it shows.
type Image struct {
	Data []byte
	Type string
}

// colour is an RGB triple.
type colour struct{ r, g, b int }

var (
	ink      = colour{0x1f, 0x29, 0x37}
	muted    = colour{0x5b, 0x65, 0x73}
	accent   = colour{0x1d, 0x4e, 0x89}
	rule     = colour{0xc9, 0xd1, 0xdb}
	paleFill = colour{0xee, 0xf2, 0xf7}
	danger   = colour{0xb4, 0x1c, 0x1c}
)

// newDoc starts an A4 document in millimetres with the embedded font registered and the
// metadata set. created, when not zero, fixes the creation date (so output is reproducible).
func newDoc(orientation, title, author string, created time.Time) *fpdf.Fpdf {
	pdf := fpdf.New(orientation, "mm", "A4", "")
	pdf.AddUTF8FontFromBytes(family, "", fontRegular)
	pdf.AddUTF8FontFromBytes(family, "B", fontBold)
	pdf.SetTitle(title, true)
	if author != "" {
		pdf.SetAuthor(author, true)
	}
	pdf.SetCreator(Creator, true)
	pdf.SetProducer(Creator, true)
	if !created.IsZero() {
		pdf.SetCreationDate(created)
		pdf.SetModificationDate(created)
	}
	pdf.SetTextColor(ink.r, ink.g, ink.b)
	pdf.SetDrawColor(rule.r, rule.g, rule.b)
	return pdf
}

func setText(pdf *fpdf.Fpdf, c colour) { pdf.SetTextColor(c.r, c.g, c.b) }
func setDraw(pdf *fpdf.Fpdf, c colour) { pdf.SetDrawColor(c.r, c.g, c.b) }
func setFill(pdf *fpdf.Fpdf, c colour) { pdf.SetFillColor(c.r, c.g, c.b) }
func font(pdf *fpdf.Fpdf, bold bool, size float64) {
	style := ""
	if bold {
		style = "B"
	}
	pdf.SetFont(family, style, size)
}

// formatDate writes a date as "2 January 2026" in UTC; the zero time is "".
func formatDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2 January 2006")
}

// initials returns up to two upper-case initials of name ("Open Data Basics" -> "OD").
func initials(name string) string {
	var b strings.Builder
	n := 0
	for _, word := range strings.Fields(name) {
		for _, r := range word {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				b.WriteRune(unicode.ToUpper(r))
				n++
			}
			break
		}
		if n == 2 {
			break
		}
	}
	if n == 0 {
		return "?"
	}
	return b.String()
}

// clean makes outside text safe to draw: control characters other than newline become
// spaces and runs of spaces inside a line collapse.
func clean(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n':
			return r
		case r == '\t', unicode.IsControl(r):
			return ' '
		case r == unicode.ReplacementChar:
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, " "))
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.Join(strings.Fields(l), " ")
	}
	return strings.Join(lines, "\n")
}

// oneLine is clean without newlines.
func oneLine(s string) string { return strings.Join(strings.Fields(clean(s)), " ") }

// fitText shortens s with an ellipsis until it fits width w in the current font (a binary
// search over the rune count: long texts cost a few measurements, not one per rune).
func fitText(pdf *fpdf.Fpdf, s string, w float64) string {
	if pdf.GetStringWidth(s) <= w {
		return s
	}
	r := []rune(s)
	cut := func(n int) string { return strings.TrimRight(string(r[:n]), " ") + "…" }
	lo, hi := 0, len(r)-1 // cut(lo) fits (or lo is 0); cut(hi+1) does not
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if pdf.GetStringWidth(cut(mid)) <= w {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	if lo == 0 {
		return "…"
	}
	return cut(lo)
}
