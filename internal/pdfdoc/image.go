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
	pdf   *fpdf.Fpdf
	seen  map[string]bool
	types map[string]string // name -> fpdf image type ("PNG", "JPG")
}

func newImages(pdf *fpdf.Fpdf) *images {
	return &images{pdf: pdf, seen: map[string]bool{}, types: map[string]string{}}
}

// register prepares img for drawing and returns its name in the document, or "" when it
// cannot be drawn (SVG, unknown type, undecodable bytes): the caller draws a placeholder.
//
// Every raster picture is decoded with the standard library first (outside bytes are not
// handed to fpdf's parsers unchecked). An 8-bit, non-interlaced PNG or a JPEG no larger than
// maxImagePixels goes in as it is; anything else (GIF, 16-bit or interlaced PNG, which fpdf
// refuses, or a larger picture) is scaled down and written again as an 8-bit PNG.
func (im *images) register(img Image) string {
	if len(img.Data) == 0 || len(img.Data) > maxImageBytes {
		return ""
	}
	if isSVG(img) {
		inner, ok := svgRaster(img.Data)
		if !ok {
			return ""
		}
		img = inner
	}
	sum := sha256.Sum256(img.Data)
	name := "img-" + hex.EncodeToString(sum[:12])
	if im.seen[name] {
		return name
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(img.Data))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxDecodedPixels {
		return ""
	}
	src, _, err := image.Decode(bytes.NewReader(img.Data))
	if err != nil {
		return ""
	}
	small := cfg.Width <= maxImagePixels && cfg.Height <= maxImagePixels
	var data []byte
	var typ string
	switch {
	case small && format == "png" && fpdfReadsPNG(img.Data):
		data, typ = img.Data, "PNG"
	case small && format == "jpeg":
		data, typ = img.Data, "JPG"
	default:
		var buf bytes.Buffer
		enc := png.Encoder{CompressionLevel: png.BestSpeed}
		if err := enc.Encode(&buf, downscale(src, maxImagePixels)); err != nil {
			return ""
		}
		data, typ = buf.Bytes(), "PNG"
	}
	if !im.add(name, typ, data) {
		return ""
	}
	im.seen[name] = true
	return name
}

// add registers the image with fpdf; a picture fpdf cannot read after all leaves the
// document as it was (error cleared) and reports false.
func (im *images) add(name, typ string, data []byte) (ok bool) {
	defer func() {
		if recover() != nil {
			im.pdf.ClearError()
			ok = false
		}
	}()
	im.pdf.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: typ}, bytes.NewReader(data))
	if im.pdf.Err() {
		im.pdf.ClearError()
		return false
	}
	im.types[name] = typ
	return true
}

// fpdfReadsPNG reports whether the PNG's header is one fpdf reads: bit depth 8 and no
// interlacing (the standard library has decoded the file already).
func fpdfReadsPNG(b []byte) bool {
	// signature (8), IHDR length (4) and type (4), width (4), height (4), then bit depth,
	// colour type, compression, filter, interlace
	return len(b) > 29 && string(b[12:16]) == "IHDR" && b[24] == 8 && b[28] == 0
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
	im.pdf.ImageOptions(name, x+(w-dw)/2, y+(h-dh)/2, dw, dh, false, fpdf.ImageOptions{ImageType: im.types[name]}, 0, "")
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
	pdf.Text(cx-sw/2, cy+d*0.11, s)
	setText(pdf, ink)
	setDraw(pdf, rule)
	pdf.SetLineWidth(0.2)
}
