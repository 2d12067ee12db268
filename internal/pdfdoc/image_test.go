package pdfdoc

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"strings"
	"testing"
	"time"

	"codeberg.org/go-pdf/fpdf"
)

func encoded(t testing.TB, enc func(io.Writer, image.Image) error, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := enc(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestRegisterImage: every raster form a badge may come in is drawn; what cannot be drawn
// reports "" (the placeholder), and the document stays usable either way.
func TestRegisterImage(t *testing.T) {
	rgba := image.NewNRGBA(image.Rect(0, 0, 40, 40))
	for i := range rgba.Pix {
		rgba.Pix[i] = uint8(i)
	}
	wide := image.NewRGBA64(image.Rect(0, 0, 1300, 200)) // 16-bit, larger than maxImagePixels
	pal := image.NewPaletted(image.Rect(0, 0, 10, 10), color.Palette{color.Black, color.White})
	for _, tc := range []struct {
		name string
		data []byte
		ok   bool
	}{
		{"png rgba", encoded(t, png.Encode, rgba), true},
		{"png 16-bit large", encoded(t, png.Encode, wide), true},
		{"png paletted", encoded(t, png.Encode, pal), true},
		{"jpeg", encoded(t, func(w io.Writer, m image.Image) error { return jpeg.Encode(w, m, nil) }, rgba), true},
		{"gif", encoded(t, func(w io.Writer, m image.Image) error { return gif.Encode(w, m, nil) }, pal), true},
		{"svg", []byte(testSVG), false},
		{"svg wrapping a png", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="40" height="40"><rect width="40" height="40" fill="none"/><image width="40" height="40" xlink:href="data:image/png;base64,` + base64.StdEncoding.EncodeToString(encoded(t, png.Encode, rgba)) + `"/></svg>`), true},
		{"svg with two images", []byte(`<svg><image href="data:image/png;base64,` + base64.StdEncoding.EncodeToString(encoded(t, png.Encode, rgba)) + `"/><image href="data:image/png;base64,AAAA"/></svg>`), false},
		{"svg image by URL", []byte(`<svg><image href="https://x.example/a.png"/></svg>`), false},
		{"truncated png", encoded(t, png.Encode, rgba)[:60], false},
		{"text", []byte("hello"), false},
		{"empty", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pdf := newDoc("P", "t", "", time.Time{})
			pdf.AddPage()
			im := newImages(pdf)
			if got := im.register(Image{Data: tc.data}) != ""; got != tc.ok {
				t.Errorf("registered = %v, want %v", got, tc.ok)
			}
			im.drawImage(Image{Data: tc.data}, "Ab Cd", 10, 10, 30, 30)
			if err := pdf.Output(io.Discard); err != nil {
				t.Errorf("document spoiled: %v", err)
			}
		})
	}
}

func FuzzRegisterImage(f *testing.F) {
	f.Add(encoded(f, png.Encode, image.NewNRGBA(image.Rect(0, 0, 3, 3))))
	f.Add(encoded(f, func(w io.Writer, m image.Image) error { return jpeg.Encode(w, m, nil) }, image.NewGray(image.Rect(0, 0, 3, 3))))
	f.Add([]byte("GIF89a\x01\x00\x01\x00"))
	f.Add([]byte(`<svg><image href="data:image/png;base64,` + base64.StdEncoding.EncodeToString(encoded(f, png.Encode, image.NewGray(image.Rect(0, 0, 2, 2)))) + `"/></svg>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		// A document without the embedded font (parsing it would make each run slow): the
		// picture is drawn when it registers; the placeholder is TestRegisterImage's.
		pdf := fpdf.New("P", "mm", "A4", "")
		pdf.AddPage()
		im := newImages(pdf)
		if im.register(Image{Data: data}) != "" {
			im.drawImage(Image{Data: data}, "X", 10, 10, 30, 30)
		}
		if err := pdf.Output(io.Discard); err != nil {
			t.Fatalf("document spoiled: %v", err)
		}
	})
}

func TestFitText(t *testing.T) {
	pdf := newDoc("P", "t", "", time.Time{})
	pdf.AddPage()
	font(pdf, false, 10)
	long := strings.Repeat("Σύστημα ", 2000)
	for _, w := range []float64{0.1, 5, 30, 100} {
		got := fitText(pdf, long, w)
		if pdf.GetStringWidth(got) > w && got != "…" {
			t.Errorf("width %v: %q is %v wide", w, got, pdf.GetStringWidth(got))
		}
		if !strings.HasSuffix(got, "…") {
			t.Errorf("width %v: %q has no ellipsis", w, got)
		}
		// one more rune would not fit
		if n := len([]rune(got)); w > 5 && pdf.GetStringWidth(string([]rune(long)[:n])+"…") <= w {
			t.Errorf("width %v: %q could be longer", w, got)
		}
	}
	if got := fitText(pdf, "short", 100); got != "short" {
		t.Errorf("short text changed: %q", got)
	}
}
