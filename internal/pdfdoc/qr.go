package pdfdoc

import (
	"codeberg.org/go-pdf/fpdf"
	qrcode "github.com/skip2/go-qrcode"
)

// drawQR draws a QR code of text as vector squares in a size x size box at (x, y). The box
// includes a white quiet zone of four modules on each side, as the QR standard asks.
// A text too long for a QR code draws nothing and reports false.
func drawQR(pdf *fpdf.Fpdf, text string, x, y, size float64) bool {
	q, err := qrcode.New(text, qrcode.Medium)
	if err != nil {
		return false
	}
	q.DisableBorder = true
	bm := q.Bitmap()
	n := len(bm)
	if n == 0 {
		return false
	}
	const quiet = 4
	m := size / float64(n+2*quiet)
	pdf.SetFillColor(255, 255, 255)
	pdf.Rect(x, y, size, size, "F")
	pdf.SetFillColor(0, 0, 0)
	ox, oy := x+quiet*m, y+quiet*m
	for r, row := range bm {
		for c := 0; c < len(row); {
			if !row[c] {
				c++
				continue
			}
			start := c
			for c < len(row) && row[c] {
				c++
			}
			// a hair of overlap so renderers leave no seams between runs
			pdf.Rect(ox+float64(start)*m, oy+float64(r)*m, float64(c-start)*m, m+0.01, "F")
		}
	}
	return true
}
