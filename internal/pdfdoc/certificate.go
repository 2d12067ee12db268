package pdfdoc

import (
	"fmt"
	"io"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
)

// Layout is the design of a certificate.
type Layout string

// The certificate layouts.
const (
	// LayoutClassic is landscape A4 with a double border and centred text.
	LayoutClassic Layout = "classic"
	// LayoutModern is portrait A4 with a coloured band, a large badge image and a details
	// panel.
	LayoutModern Layout = "modern"
)

// Certificate is what a printed award certificate shows.
type Certificate struct {
	Layout Layout // unknown or "": LayoutClassic
	// Recipient is the earner's name; "" when the award has none or the earner hid it
	// (the certificate then says "the holder of this badge").
	Recipient  string
	BadgeName  string
	BadgeImage Image
	IssuerName string
	IssuerLogo Image // no Data: no logo
	IssuedOn   time.Time
	ExpiresOn  time.Time // zero: does not expire
	// Criteria is a plain-text summary of what the badge asks (already shortened).
	Criteria string
	// VerifyURL is the award's public page, which verifies it: printed and as a QR code.
	VerifyURL string
	AwardID   string
	// RevokedOn, when not zero, stamps the certificate REVOKED with the date and reason.
	RevokedOn        time.Time
	RevocationReason string
	// Created, when not zero, is the PDF creation date (fixed for reproducible output).
	Created time.Time
}

// RenderCertificate writes the certificate as a one-page PDF to w.
func RenderCertificate(w io.Writer, c Certificate) error {
	badgeName := oneLine(c.BadgeName)
	title := badgeName
	if r := oneLine(c.Recipient); r != "" {
		title = badgeName + " · " + r
	}
	var pdf *fpdf.Fpdf
	switch c.Layout {
	case LayoutModern:
		pdf = newDoc("P", "Certificate: "+title, oneLine(c.IssuerName), c.Created)
		pdf.SetAutoPageBreak(false, 0)
		pdf.AddPage()
		modernCertificate(pdf, newImages(pdf), c)
	default:
		pdf = newDoc("L", "Certificate: "+title, oneLine(c.IssuerName), c.Created)
		pdf.SetAutoPageBreak(false, 0)
		pdf.AddPage()
		classicCertificate(pdf, newImages(pdf), c)
	}
	pdf.SetSubject("Certificate of the Open Badge "+badgeName+" (award "+oneLine(c.AwardID)+")", true)
	if pdf.Err() {
		return fmt.Errorf("pdfdoc: render certificate: %w", pdf.Error())
	}
	return pdf.Output(w)
}

// centred writes one line of text centred on cx at baseline y, shortened to fit w.
func centred(pdf *fpdf.Fpdf, s string, cx, y, w float64) {
	s = fitText(pdf, s, w)
	pdf.Text(cx-pdf.GetStringWidth(s)/2, y, s)
}

// wrapped writes text in lines of at most w millimetres, aligned "L" or "C" around x
// (left edge for "L", centre for "C"), from baseline y, at most maxLines (the last one
// shortened with an ellipsis), and returns the baseline after the last line.
func wrapped(pdf *fpdf.Fpdf, text string, x, y, w, lineH float64, align string, maxLines int) float64 {
	var lines []string
	for _, para := range strings.Split(clean(text), "\n") {
		if para = strings.TrimSpace(para); para == "" {
			continue
		}
		lines = append(lines, pdf.SplitText(para, w+2*pdf.GetCellMargin())...)
	}
	if len(lines) > maxLines {
		rest := strings.Join(lines[maxLines-1:], " ")
		lines = append(lines[:maxLines-1], fitText(pdf, rest, w))
	}
	for _, l := range lines {
		l = fitText(pdf, l, w)
		if align == "C" {
			pdf.Text(x-pdf.GetStringWidth(l)/2, y, l)
		} else {
			pdf.Text(x, y, l)
		}
		y += lineH
	}
	return y
}

func recipientLine(c Certificate) (string, bool) {
	if r := oneLine(c.Recipient); r != "" {
		return r, true
	}
	return "The holder of this badge", false
}

func dateLines(c Certificate) []string {
	out := []string{"Issued " + formatDate(c.IssuedOn)}
	if d := formatDate(c.ExpiresOn); d != "" {
		out = append(out, "Expires "+d)
	}
	return out
}

// classicCertificate: landscape A4 (297 x 210 mm), double border, centred text, badge image
// on the left, QR code on the right.
func classicCertificate(pdf *fpdf.Fpdf, im *images, c Certificate) {
	const W, H = 297.0, 210.0
	cx := W / 2
	setDraw(pdf, accent)
	pdf.SetLineWidth(1.6)
	pdf.Rect(9, 9, W-18, H-18, "D")
	pdf.SetLineWidth(0.35)
	pdf.Rect(13, 13, W-26, H-26, "D")
	for _, p := range [][2]float64{{13, 13}, {W - 13, 13}, {13, H - 13}, {W - 13, H - 13}} {
		setFill(pdf, accent)
		pdf.Circle(p[0], p[1], 1.6, "F")
	}

	y := 24.0
	if len(c.IssuerLogo.Data) > 0 {
		im.drawImage(c.IssuerLogo, c.IssuerName, cx-30, y, 60, 18)
		y += 22
	} else {
		y += 4
	}
	font(pdf, true, 10)
	setText(pdf, muted)
	centred(pdf, strings.ToUpper(oneLine(c.IssuerName)), cx, y+2, 200)

	font(pdf, true, 24)
	setText(pdf, accent)
	centred(pdf, "Certificate of Achievement", cx, y+16, 200)

	font(pdf, false, 12)
	setText(pdf, muted)
	centred(pdf, "This certifies that", cx, y+28, 200)
	name, named := recipientLine(c)
	font(pdf, true, 30)
	if !named {
		font(pdf, true, 22)
	}
	setText(pdf, ink)
	centred(pdf, name, cx, y+42, 170)
	setDraw(pdf, rule)
	pdf.SetLineWidth(0.3)
	pdf.Line(cx-60, y+46, cx+60, y+46)

	font(pdf, false, 12)
	setText(pdf, muted)
	centred(pdf, "has earned the badge", cx, y+55, 200)
	font(pdf, true, 19)
	setText(pdf, accent)
	by := wrapped(pdf, oneLine(c.BadgeName), cx, y+65, 150, 8, "C", 2)

	if crit := strings.TrimSpace(c.Criteria); crit != "" {
		font(pdf, false, 9)
		setText(pdf, muted)
		wrapped(pdf, crit, cx, by+2, 150, 4.3, "C", 6)
	}

	// badge image, left; QR code, right; both level with the badge name
	im.drawImage(c.BadgeImage, c.BadgeName, 24, 70, 46, 46)

	qr := 38.0
	qx, qy := W-24-qr, 150.0
	if u := strings.TrimSpace(c.VerifyURL); u != "" && drawQR(pdf, u, qx, qy, qr) {
		pdf.LinkString(qx, qy, qr, qr, u)
		font(pdf, false, 7)
		setText(pdf, muted)
		centred(pdf, "Scan to verify", qx+qr/2, qy+qr+2.5, 60)
	}

	// footer: dates and issuer on the left, URL and award id centred
	font(pdf, true, 9.5)
	setText(pdf, ink)
	fy := 165.0
	pdf.Text(24, fy, fitText(pdf, "Issued by "+oneLine(c.IssuerName), 90))
	font(pdf, false, 9.5)
	for i, d := range dateLines(c) {
		pdf.Text(24, fy+5.5*float64(i+1), d)
	}
	font(pdf, false, 8)
	setText(pdf, accent)
	if u := strings.TrimSpace(c.VerifyURL); u != "" {
		s := fitText(pdf, u, 130)
		x := cx - pdf.GetStringWidth(s)/2
		pdf.Text(x, 183, s)
		pdf.LinkString(x, 180, pdf.GetStringWidth(s), 4, u)
	}
	setText(pdf, muted)
	font(pdf, false, 7.5)
	centred(pdf, "Verify this certificate at the address above. Award ID "+oneLine(c.AwardID), cx, 188, 150)
	revokedStamp(pdf, c, W, H, 15.5)
}

// modernCertificate: portrait A4 (210 x 297 mm), coloured band with the issuer, the badge
// image overlapping it, the name and badge, a details panel and the QR code.
func modernCertificate(pdf *fpdf.Fpdf, im *images, c Certificate) {
	const W, H = 210.0, 297.0
	const mx = 20.0
	cx := W / 2
	setFill(pdf, accent)
	pdf.Rect(0, 0, W, 78, "F")
	y := 18.0
	if len(c.IssuerLogo.Data) > 0 {
		pdf.SetFillColor(255, 255, 255)
		pdf.RoundedRect(mx, 14, 44, 22, 3, "1234", "F")
		im.drawImage(c.IssuerLogo, c.IssuerName, mx+3, 16, 38, 18)
		font(pdf, true, 13)
		pdf.SetTextColor(255, 255, 255)
		wrapped(pdf, oneLine(c.IssuerName), mx+52, 23, W-2*mx-52, 6, "L", 2)
	} else {
		font(pdf, true, 13)
		pdf.SetTextColor(255, 255, 255)
		wrapped(pdf, oneLine(c.IssuerName), mx, 25, W-2*mx, 6, "L", 2)
	}
	font(pdf, false, 10)
	pdf.SetTextColor(0xd6, 0xe4, 0xf5)
	pdf.Text(mx, y+34, "CERTIFICATE OF ACHIEVEMENT")

	// the badge image on a white disc across the band's edge
	pdf.SetFillColor(255, 255, 255)
	setDraw(pdf, rule)
	pdf.SetLineWidth(0.4)
	pdf.Circle(cx, 80, 29, "FD")
	im.drawImage(c.BadgeImage, c.BadgeName, cx-24, 56, 48, 48)

	font(pdf, false, 12)
	setText(pdf, muted)
	centred(pdf, "This certifies that", cx, 124, 170)
	name, named := recipientLine(c)
	font(pdf, true, 28)
	if !named {
		font(pdf, true, 20)
	}
	setText(pdf, ink)
	centred(pdf, name, cx, 138, W-2*mx)
	font(pdf, false, 12)
	setText(pdf, muted)
	centred(pdf, "has earned the badge", cx, 149, 170)
	font(pdf, true, 18)
	setText(pdf, accent)
	y = wrapped(pdf, oneLine(c.BadgeName), cx, 160, W-2*mx-10, 7.5, "C", 2)

	// details panel
	py := y + 2
	setFill(pdf, paleFill)
	pdf.RoundedRect(mx, py, W-2*mx, 22, 3, "1234", "F")
	cols := [][2]string{{"ISSUED", formatDate(c.IssuedOn)}, {"EXPIRES", "Does not expire"}, {"AWARD ID", oneLine(c.AwardID)}}
	if d := formatDate(c.ExpiresOn); d != "" {
		cols[1][1] = d
	}
	x := mx + 6
	for i, share := range []float64{0.28, 0.28, 0.44} { // the award id is the longest
		cw := (W - 2*mx) * share
		font(pdf, true, 7.5)
		setText(pdf, muted)
		pdf.Text(x, py+8, cols[i][0])
		font(pdf, false, 10)
		setText(pdf, ink)
		pdf.Text(x, py+15, fitText(pdf, cols[i][1], cw-8))
		x += cw
	}
	y = py + 30

	if crit := strings.TrimSpace(c.Criteria); crit != "" {
		font(pdf, true, 10)
		setText(pdf, accent)
		pdf.Text(mx, y, "Criteria")
		font(pdf, false, 9)
		setText(pdf, ink)
		wrapped(pdf, crit, mx, y+6, W-2*mx, 4.4, "L", 8)
	}

	// bottom: QR code and how to verify
	setDraw(pdf, rule)
	pdf.SetLineWidth(0.3)
	pdf.Line(mx, 242, W-mx, 242)
	qr := 36.0
	qx, qy := W-mx-qr, 248.0
	if u := strings.TrimSpace(c.VerifyURL); u != "" && drawQR(pdf, u, qx, qy, qr) {
		pdf.LinkString(qx, qy, qr, qr, u)
	}
	font(pdf, true, 10)
	setText(pdf, ink)
	pdf.Text(mx, 256, "Verify this certificate")
	font(pdf, false, 9)
	setText(pdf, muted)
	wrapped(pdf, "Scan the code or open the address below: the page shows whether this badge is valid, expired or revoked.", mx, 262, W-2*mx-qr-8, 4.4, "L", 3)
	font(pdf, false, 8)
	setText(pdf, accent)
	if u := strings.TrimSpace(c.VerifyURL); u != "" {
		s := fitText(pdf, u, W-2*mx-qr-8)
		pdf.Text(mx, 277, s)
		pdf.LinkString(mx, 274, pdf.GetStringWidth(s), 4, u)
	}
	font(pdf, false, 8)
	setText(pdf, muted)
	pdf.Text(mx, 283, fitText(pdf, "Issued by "+oneLine(c.IssuerName), W-2*mx-qr-8))
	revokedStamp(pdf, c, W, H, 2.5)
}

// revokedStamp marks a revoked award's certificate: a large diagonal REVOKED across the
// page and the date and reason in a banner at top.
func revokedStamp(pdf *fpdf.Fpdf, c Certificate, W, H, top float64) {
	if c.RevokedOn.IsZero() {
		return
	}
	pdf.TransformBegin()
	pdf.TransformRotate(28, W/2, H/2)
	pdf.SetAlpha(0.35, "Normal")
	font(pdf, true, 96)
	setText(pdf, danger)
	s := "REVOKED"
	pdf.Text(W/2-pdf.GetStringWidth(s)/2, H/2+12, s)
	pdf.SetAlpha(1, "Normal")
	pdf.TransformEnd()

	msg := "REVOKED on " + formatDate(c.RevokedOn)
	if r := oneLine(c.RevocationReason); r != "" {
		msg += ": " + r
	}
	font(pdf, true, 10)
	w := W - 40
	msg = fitText(pdf, msg, w-8)
	setFill(pdf, colour{0xfe, 0xe2, 0xe2})
	pdf.RoundedRect(20, top, w, 8, 2, "1234", "F")
	setText(pdf, danger)
	pdf.Text(W/2-pdf.GetStringWidth(msg)/2, top+5.6, msg)
	setText(pdf, ink)
}
