package pdfdoc

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
)

// CV is an earner's curriculum vitae as it is printed: a header about the person, then the
// sections in the order the earner chose.
type CV struct {
	// Title names the document (PDF title metadata and the small line above the name).
	Title    string
	Person   Person
	Sections []Section
	// Created, when not zero, is written as the creation date (tests fix it so output is
	// reproducible); otherwise fpdf writes the current time.
	Created time.Time
}

// Person is the CV's header.
type Person struct {
	Name     string
	Headline string
	// Contact lines are printed under the headline, one short line each
	// ("ada@example.org", "+44 20 7946 0000", "London").
	Contact []string
}

// SectionKind says what a Section holds.
type SectionKind string

// The kinds of section. Each kind reads only its own field of Section.
const (
	SectionBadges  SectionKind = "badges"  // Section.Badges
	SectionText    SectionKind = "text"    // Section.Paragraphs
	SectionLinks   SectionKind = "links"   // Section.Links
	SectionContact SectionKind = "contact" // Section.Contact
	SectionSkills  SectionKind = "skills"  // Section.Skills
)

// Section is one block of the CV under its heading.
type Section struct {
	Kind    SectionKind
	Heading string

	Badges     []CVBadge
	Paragraphs []string
	Links      []Link
	Contact    []ContactLine
	Skills     []Skill
}

// CVBadge is one badge row: its picture, what it is, who issued it, when, and where it is
// verified (printed as a QR code and a link).
type CVBadge struct {
	Image     Image
	Name      string
	Issuer    string
	IssuedOn  time.Time
	ExpiresOn time.Time // zero: does not expire
	VerifyURL string
}

// Link is a labelled web address.
type Link struct {
	Label string
	URL   string
}

// ContactLine is a labelled contact detail ("Email", "ada@example.org").
type ContactLine struct {
	Label string
	Value string
}

// Skill is a skill name with how many held badges carry it.
type Skill struct {
	Name  string
	Count int
}

// The CV page: A4 portrait, in millimetres, and its type scale in points.
const (
	cvMarginX   = 18.0
	cvMarginTop = 18.0
	cvMarginBot = 20.0
	cvPageW     = 210.0
	cvPageH     = 297.0
	cvContentW  = cvPageW - 2*cvMarginX

	sizeName     = 22.0
	sizeHeadline = 12.5
	sizeHeading  = 13.0
	sizeBody     = 10.0
	sizeSmall    = 8.5
	sizeTiny     = 7.5

	badgeRowH = 30.0 // one badge row, never split across pages
	badgeImg  = 24.0
	badgeQR   = 25.0
)

// RenderCV writes cv as a PDF to w.
func RenderCV(w io.Writer, cv CV) error {
	title := oneLine(cv.Title)
	name := oneLine(cv.Person.Name)
	if title == "" {
		title = name
	}
	pdf := newDoc("P", title, name, cv.Created)
	pdf.SetMargins(cvMarginX, cvMarginTop, cvMarginX)
	pdf.SetAutoPageBreak(true, cvMarginBot)
	pdf.AliasNbPages("{nb}")
	pdf.SetFooterFunc(func() {
		pdf.SetY(-12)
		font(pdf, false, sizeTiny)
		setText(pdf, muted)
		left := name
		if title != "" && title != name {
			left = strings.TrimPrefix(name+" · "+title, " · ")
		}
		pdf.CellFormat(cvContentW/2, 4, fitText(pdf, left, cvContentW/2-2), "", 0, "L", false, 0, "")
		pdf.CellFormat(cvContentW/2, 4, fmt.Sprintf("Page %d of {nb}", pdf.PageNo()), "", 0, "R", false, 0, "")
		setText(pdf, ink)
	})
	pdf.AddPage()
	r := &cvRenderer{pdf: pdf, im: newImages(pdf)}
	r.header(title, name, cv.Person)
	for _, s := range cv.Sections {
		r.section(s)
	}
	if pdf.Err() {
		return fmt.Errorf("pdfdoc: render CV: %w", pdf.Error())
	}
	return pdf.Output(w)
}

type cvRenderer struct {
	pdf *fpdf.Fpdf
	im  *images
}

// room reports whether h millimetres fit above the bottom margin of the current page.
func (r *cvRenderer) room(h float64) bool {
	return r.pdf.GetY()+h <= cvPageH-cvMarginBot
}

// need starts a new page unless h millimetres fit on this one.
func (r *cvRenderer) need(h float64) {
	if !r.room(h) {
		r.pdf.AddPage()
	}
}

func (r *cvRenderer) header(title, name string, p Person) {
	pdf := r.pdf
	if title != "" && title != name {
		font(pdf, true, sizeSmall)
		setText(pdf, accent)
		pdf.CellFormat(cvContentW, 5, strings.ToUpper(title), "", 1, "L", false, 0, "")
	}
	font(pdf, true, sizeName)
	setText(pdf, ink)
	pdf.MultiCell(cvContentW, 10, name, "", "L", false)
	if h := oneLine(p.Headline); h != "" {
		font(pdf, false, sizeHeadline)
		setText(pdf, muted)
		pdf.MultiCell(cvContentW, 6.5, h, "", "L", false)
	}
	var contact []string
	for _, c := range p.Contact {
		if c = oneLine(c); c != "" {
			contact = append(contact, c)
		}
	}
	if len(contact) > 0 {
		pdf.Ln(1)
		font(pdf, false, sizeSmall+0.5)
		setText(pdf, ink)
		pdf.MultiCell(cvContentW, 4.6, strings.Join(contact, "   ·   "), "", "L", false)
	}
	pdf.Ln(3)
	setDraw(pdf, accent)
	pdf.SetLineWidth(0.8)
	y := pdf.GetY()
	pdf.Line(cvMarginX, y, cvMarginX+cvContentW, y)
	pdf.SetLineWidth(0.2)
	setDraw(pdf, rule)
	pdf.Ln(4)
	setText(pdf, ink)
}

// heading prints a section heading, keeping it on the same page as first millimetres of
// what follows.
func (r *cvRenderer) heading(text string, first float64) {
	text = oneLine(text)
	const h = 11.0
	r.need(h + first)
	if text == "" {
		return
	}
	pdf := r.pdf
	pdf.Ln(2)
	font(pdf, true, sizeHeading)
	setText(pdf, accent)
	pdf.CellFormat(cvContentW, 7, text, "", 1, "L", false, 0, "")
	y := pdf.GetY()
	setDraw(pdf, rule)
	pdf.Line(cvMarginX, y, cvMarginX+cvContentW, y)
	pdf.Ln(2)
	setText(pdf, ink)
}

func (r *cvRenderer) section(s Section) {
	switch s.Kind {
	case SectionBadges:
		if len(s.Badges) == 0 {
			return
		}
		r.heading(s.Heading, badgeRowH)
		for i, b := range s.Badges {
			if !r.room(badgeRowH) {
				r.pdf.AddPage()
				if h := oneLine(s.Heading); h != "" {
					r.heading(h+" (continued)", badgeRowH)
				}
			}
			r.badge(b, i == len(s.Badges)-1)
		}
	case SectionText:
		r.heading(s.Heading, 12)
		font(r.pdf, false, sizeBody)
		for _, p := range s.Paragraphs {
			if p = strings.TrimSpace(clean(p)); p == "" {
				continue
			}
			r.pdf.MultiCell(cvContentW, 5.2, p, "", "L", false)
			r.pdf.Ln(2)
		}
	case SectionLinks:
		if len(s.Links) == 0 {
			return
		}
		r.heading(s.Heading, 10)
		for _, l := range s.Links {
			r.link(l)
		}
	case SectionContact:
		if len(s.Contact) == 0 {
			return
		}
		r.heading(s.Heading, 6)
		for _, c := range s.Contact {
			r.contact(c)
		}
	case SectionSkills:
		if len(s.Skills) == 0 {
			return
		}
		r.heading(s.Heading, 8)
		r.skills(s.Skills)
	}
	r.pdf.Ln(2)
}

// badge draws one badge row; a row never splits across pages.
func (r *cvRenderer) badge(b CVBadge, last bool) {
	pdf := r.pdf
	r.need(badgeRowH)
	x, y := cvMarginX, pdf.GetY()
	name := oneLine(b.Name)
	r.im.drawImage(b.Image, name, x, y+(badgeRowH-badgeImg)/2-1, badgeImg, badgeImg)

	tx := x + badgeImg + 6
	tw := cvContentW - badgeImg - 6 - badgeQR - 4
	pdf.SetXY(tx, y+2)
	font(pdf, true, 11)
	setText(pdf, ink)
	lines := pdf.SplitText(name, tw)
	if len(lines) > 2 {
		lines = append(lines[:1], fitText(pdf, strings.Join(lines[1:], " "), tw-2))
	}
	for _, l := range lines {
		pdf.SetX(tx)
		pdf.CellFormat(tw, 5.2, l, "", 1, "L", false, 0, "")
	}
	if issuer := oneLine(b.Issuer); issuer != "" {
		font(pdf, false, 9.5)
		pdf.SetX(tx)
		pdf.CellFormat(tw, 4.8, fitText(pdf, issuer, tw-2), "", 1, "L", false, 0, "")
	}
	var dates []string
	if d := formatDate(b.IssuedOn); d != "" {
		dates = append(dates, "Issued "+d)
	}
	if d := formatDate(b.ExpiresOn); d != "" {
		dates = append(dates, "Expires "+d)
	}
	if len(dates) > 0 {
		font(pdf, false, sizeSmall)
		setText(pdf, muted)
		pdf.SetX(tx)
		pdf.CellFormat(tw, 4.4, strings.Join(dates, "   ·   "), "", 1, "L", false, 0, "")
	}
	if u := strings.TrimSpace(b.VerifyURL); u != "" {
		font(pdf, false, sizeTiny)
		setText(pdf, accent)
		pdf.SetX(tx)
		pdf.CellFormat(tw, 4, fitText(pdf, "Verify: "+u, tw-2), "", 1, "L", false, 0, u)
		setText(pdf, ink)
		qx := x + cvContentW - badgeQR
		if drawQR(pdf, u, qx, y+(badgeRowH-badgeQR)/2-1, badgeQR) {
			pdf.LinkString(qx, y+(badgeRowH-badgeQR)/2-1, badgeQR, badgeQR, u)
		}
	}
	setText(pdf, ink)
	pdf.SetXY(cvMarginX, y+badgeRowH)
	if !last {
		setDraw(pdf, rule)
		pdf.Line(tx, y+badgeRowH-0.5, x+cvContentW, y+badgeRowH-0.5)
	}
	pdf.Ln(1)
}

func (r *cvRenderer) link(l Link) {
	pdf := r.pdf
	u := strings.TrimSpace(l.URL)
	label := oneLine(l.Label)
	if label == "" && u == "" {
		return
	}
	r.need(10)
	if label != "" {
		font(pdf, true, sizeBody)
		pdf.CellFormat(cvContentW, 5, fitText(pdf, label, cvContentW-2), "", 1, "L", false, 0, u)
	}
	if u != "" {
		font(pdf, false, sizeSmall)
		setText(pdf, accent)
		pdf.CellFormat(cvContentW, 4.5, fitText(pdf, u, cvContentW-2), "", 1, "L", false, 0, u)
		setText(pdf, ink)
	}
	pdf.Ln(1.5)
}

func (r *cvRenderer) contact(c ContactLine) {
	pdf := r.pdf
	label, value := oneLine(c.Label), oneLine(c.Value)
	if label == "" && value == "" {
		return
	}
	const lw = 38.0
	r.need(6)
	font(pdf, true, sizeSmall+0.5)
	setText(pdf, muted)
	pdf.CellFormat(lw, 5.4, fitText(pdf, label, lw-3), "", 0, "L", false, 0, "")
	font(pdf, false, sizeBody)
	setText(pdf, ink)
	pdf.MultiCell(cvContentW-lw, 5.4, value, "", "L", false)
}

// skills flows the skills as rounded chips, "Name  3", line by line.
func (r *cvRenderer) skills(skills []Skill) {
	pdf := r.pdf
	const h, gap, pad = 7.0, 2.5, 3.0
	x := cvMarginX
	r.need(h)
	y := pdf.GetY()
	for _, s := range skills {
		name := oneLine(s.Name)
		if name == "" {
			continue
		}
		font(pdf, false, sizeSmall+0.5)
		name = fitText(pdf, name, cvContentW-30)
		nw := pdf.GetStringWidth(name)
		count := ""
		cw := 0.0
		if s.Count > 0 {
			count = strconv.Itoa(s.Count)
			font(pdf, true, sizeTiny)
			cw = pdf.GetStringWidth(count) + 3
		}
		w := pad + nw + pad + cw
		if x+w > cvMarginX+cvContentW {
			x = cvMarginX
			y += h + gap
			pdf.SetY(y)
			if !r.room(h) {
				pdf.AddPage()
				y = pdf.GetY()
			}
		}
		setFill(pdf, paleFill)
		setDraw(pdf, rule)
		pdf.RoundedRect(x, y, w, h, 2, "1234", "FD")
		font(pdf, false, sizeSmall+0.5)
		setText(pdf, ink)
		pdf.Text(x+pad, y+h/2+1.1, name)
		if count != "" {
			font(pdf, true, sizeTiny)
			setText(pdf, accent)
			pdf.Text(x+pad+nw+pad, y+h/2+1.0, count)
		}
		x += w + gap
	}
	setText(pdf, ink)
	pdf.SetXY(cvMarginX, y+h+gap)
}
