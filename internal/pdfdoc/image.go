package pdfdoc

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/color"
	"image/draw"
	_ "image/gif" // decoders for badge images
	_ "image/jpeg"
	"image/png"
	"strings"

	"codeberg.org/go-pdf/fpdf"
)

// maxImagePixels bounds the side of a picture placed in a document: 600 px is 300 dpi at
// 50 mm, more than any badge or logo in these layouts is printed at.
const maxImagePixels = 600

// maxImageBytes and maxDecodedPixels refuse pictures too large to be worth decoding.
const (
	maxImageBytes    = 8 << 20
	maxDecodedPixels = 40_000_000
)

// images registers pictures with one document, once per distinct content.
type images struct {
	pdf  *fpdf.Fpdf
	seen map[string]bool
}

func newImages(pdf *fpdf.Fpdf) *images { return &images{pdf: pdf, seen: map[string]bool{}} }

// register prepares img for drawing and returns its name in the document, or "" when it
// cannot be drawn (SVG, unknown type, undecodable bytes): the caller draws a placeholder.
//
// Raster pictures are decoded with the standard library and written again as 8-bit PNG,
// scaled down to maxImagePixels: fpdf's own PNG reader refuses interlaced and 16-bit files,
// and a failed read would spoil the whole document.
func (im *images) register(img Image) string {
	if len(img.Data) == 0 || len(img.Data) > maxImageBytes || isSVG(img) {
		return ""
	}
	sum := sha256.Sum256(img.Data)
	name := "img-" + hex.EncodeToString(sum[:12])
	if im.seen[name] {
		return name
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(img.Data))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxDecodedPixels {
		return ""
	}
	src, _, err := image.Decode(bytes.NewReader(img.Data))
	if err != nil {
		return ""
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, downscale(src, maxImagePixels)); err != nil {
		return ""
	}
	im.pdf.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "PNG"}, &buf)
	if im.pdf.Err() {
		return ""
	}
	im.seen[name] = true
	return name
}

func isSVG(img Image) bool {
	if strings.HasPrefix(strings.ToLower(img.Type), "image/svg") {
		return true
	}
	head := img.Data
	if len(head) > 512 {
		head = head[:512]
	}
	s := strings.ToLower(string(head))
	return strings.Contains(s, "<svg") || strings.HasPrefix(strings.TrimSpace(s), "<?xml")
}

// downscale returns src as NRGBA no larger than max pixels on its longer side, averaging
// the source pixels that fall into each target pixel.
func downscale(src image.Image, max int) image.Image {
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	if w <= max && h <= max {
		dst := image.NewNRGBA(image.Rect(0, 0, w, h))
		draw.Draw(dst, dst.Bounds(), src, b.Min, draw.Src)
		return dst
	}
	tw, th := max, h*max/w
	if h > w {
		tw, th = w*max/h, max
	}
	if tw < 1 {
		tw = 1
	}
	if th < 1 {
		th = 1
	}
	dst := image.NewNRGBA(image.Rect(0, 0, tw, th))
	for y := 0; y < th; y++ {
		y0, y1 := b.Min.Y+y*h/th, b.Min.Y+(y+1)*h/th
		if y1 == y0 {
			y1++
		}
		for x := 0; x < tw; x++ {
			x0, x1 := b.Min.X+x*w/tw, b.Min.X+(x+1)*w/tw
			if x1 == x0 {
				x1++
			}
			var r, g, bl, a, n uint64
			for sy := y0; sy < y1; sy++ {
				for sx := x0; sx < x1; sx++ {
					c := color.NRGBA64Model.Convert(src.At(sx, sy)).(color.NRGBA64)
					// weight colour by alpha so transparent pixels do not darken edges
					r += uint64(c.R) * uint64(c.A)
					g += uint64(c.G) * uint64(c.A)
					bl += uint64(c.B) * uint64(c.A)
					a += uint64(c.A)
					n++
				}
			}
			var out color.NRGBA
			if a > 0 {
				out = color.NRGBA{
					R: uint8(r / a >> 8), G: uint8(g / a >> 8), B: uint8(bl / a >> 8),
					A: uint8(a / n >> 8),
				}
			}
			dst.SetNRGBA(x, y, out)
		}
	}
	return dst
}

// drawImage places img in the box (x, y, w, h) keeping its aspect ratio and centring it;
// when it cannot be drawn, a round placeholder with label's initials takes its place.
func (im *images) drawImage(img Image, label string, x, y, w, h float64) {
	name := im.register(img)
	if name == "" {
		placeholder(im.pdf, label, x, y, w, h)
		return
	}
	info := im.pdf.GetImageInfo(name)
	iw, ih := info.Width(), info.Height()
	dw, dh := w, w*ih/iw
	if dh > h {
		dw, dh = h*iw/ih, h
	}
	im.pdf.ImageOptions(name, x+(w-dw)/2, y+(h-dh)/2, dw, dh, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
}

// placeholder draws a pale disc with the initials of label, centred in the box.
func placeholder(pdf *fpdf.Fpdf, label string, x, y, w, h float64) {
	d := w
	if h < d {
		d = h
	}
	cx, cy := x+w/2, y+h/2
	setFill(pdf, paleFill)
	setDraw(pdf, accent)
	pdf.SetLineWidth(0.6)
	pdf.Circle(cx, cy, d/2-0.4, "FD")
	setText(pdf, accent)
	font(pdf, true, d*0.9) // points ~ 0.35 mm; initials about a third of the disc
	s := initials(label)
	sw := pdf.GetStringWidth(s)
	size, _ := pdf.GetFontSize()
	_ = size
	pdf.Text(cx-sw/2, cy+d*0.11, s)
	setText(pdf, ink)
	setDraw(pdf, rule)
	pdf.SetLineWidth(0.2)
}
