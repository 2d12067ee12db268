package badgeimage

import (
	"bytes"
	"errors"
	"image"
	"image/png"
	"strings"
	"testing"

	"github.com/rosettebadges/rosette/internal/badge"
)

func pngBytes(t testing.TB, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestPreparePNG(t *testing.T) {
	data := pngBytes(t, 16, 16)
	img, err := Prepare(data)
	if err != nil {
		t.Fatal(err)
	}
	if img.MediaType != PNG || !bytes.Equal(img.Bytes, data) || len(img.ID) != 64 {
		t.Errorf("Prepare = %s %d bytes id %q", img.MediaType, len(img.Bytes), img.ID)
	}
	for name, data := range map[string][]byte{
		"empty":     nil,
		"too wide":  pngBytes(t, 2049, 1),
		"truncated": data[:20],
		"too big":   append(append([]byte{}, pngSignature...), make([]byte, MaxPNGBytes)...),
		"not svg":   []byte("GIF89a"),
		"big svg":   []byte(`<svg xmlns="http://www.w3.org/2000/svg">` + strings.Repeat(" ", MaxSVGBytes) + `</svg>`),
	} {
		_, err := Prepare(data)
		if !errors.Is(err, badge.Invalid) || badge.FieldMessages(err)["image"] == "" {
			t.Errorf("Prepare(%s) = %v, want an Invalid image field error", name, err)
		}
	}
}

func TestSanitizeSVG(t *testing.T) {
	const head = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">`
	tests := []struct{ name, in, want string }{
		{"plain", `<?xml version="1.0"?><!-- c --><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle cx="5" cy="5" r="4" fill="red"/></svg>`,
			`<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10"><circle cx="5" cy="5" r="4" fill="red"></circle></svg>`},
		{"script", head + `<script>alert(1)</script><g><script xlink:href="https://x"/></g></svg>`, head + `<g></g></svg>`},
		{"foreignObject", head + `<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject></svg>`, head + `</svg>`},
		{"handlers", head + `<rect onload="alert(1)" onClick="x" width="1"/></svg>`, head + `<rect width="1"></rect></svg>`},
		{"external href", head + `<use xlink:href="https://evil.example/a.svg#x"/><use href="#ok"/><image href="http://x/y.png"/></svg>`,
			head + `<use></use><use href="#ok"></use><image></image></svg>`},
		{"javascript href", head + `<use href=" JaVa&#x0A;script:alert(1)"/></svg>`, head + `<use></use></svg>`},
		{"data image", head + `<image href="data:image/png;base64,AAAA"/><image href="data:image/svg+xml;base64,AAAA"/><image href="data:text/html,x"/></svg>`,
			head + `<image href="data:image/png;base64,AAAA"></image><image></image><image></image></svg>`},
		{"url in style", head + `<rect style="fill:url(https://x/y)" fill="url(#g)"/><rect style="background:url( 'javascript:x')"/></svg>`,
			head + `<rect fill="url(#g)"></rect><rect></rect></svg>`},
		{"style element", head + `<style>@import url(https://x)</style><text x="1">a &lt; b</text></svg>`, head + `<text x="1">a &lt; b</text></svg>`},
		{"other namespace", head + `<x:evil xmlns:x="urn:x"><circle r="1"/></x:evil><a href="https://x"><circle/></a></svg>`, head + `</svg>`},
		{"animate", head + `<animate attributeName="href" to="javascript:alert(1)"/><set attributeName="onclick"/></svg>`, head + `</svg>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := SanitizeSVG([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("SanitizeSVG =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestSanitizeSVGRefuses(t *testing.T) {
	for name, in := range map[string]string{
		"doctype":   `<!DOCTYPE svg [<!ENTITY x "boom">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>`,
		"entity":    `<svg xmlns="http://www.w3.org/2000/svg">&x;</svg>`,
		"not svg":   `<html xmlns="http://www.w3.org/1999/xhtml"></html>`,
		"no ns":     `<svg></svg>`,
		"malformed": `<svg xmlns="http://www.w3.org/2000/svg"><g></svg>`,
		"two roots": `<svg xmlns="http://www.w3.org/2000/svg"/><svg xmlns="http://www.w3.org/2000/svg"/>`,
		"empty":     ``,
		"deep":      `<svg xmlns="http://www.w3.org/2000/svg">` + strings.Repeat("<g>", 70) + strings.Repeat("</g>", 70) + `</svg>`,
	} {
		if got, err := SanitizeSVG([]byte(in)); err == nil {
			t.Errorf("SanitizeSVG(%s) = %q, want an error", name, got)
		}
	}
}

func FuzzSanitizeSVG(f *testing.F) {
	f.Add([]byte(`<svg xmlns="http://www.w3.org/2000/svg"><rect onload="x" style="fill:url(#a)"/><script>x</script></svg>`))
	f.Add([]byte(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><use xlink:href="#a"/><text>&amp;</text></svg>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := SanitizeSVG(data)
		if err != nil {
			return
		}
		again, err := SanitizeSVG(out)
		if err != nil {
			t.Fatalf("sanitized output does not parse: %v\n%s", err, out)
		}
		if !bytes.Equal(again, out) {
			t.Fatalf("not idempotent:\n%s\n%s", out, again)
		}
		low := strings.ToLower(string(out))
		for _, bad := range []string{"<script", "<foreignobject", "javascript:", "<!"} {
			if strings.Contains(low, bad) {
				t.Fatalf("output contains %q:\n%s", bad, out)
			}
		}
	})
}
