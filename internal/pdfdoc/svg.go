package pdfdoc

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"strings"
)

// svgRaster returns the raster picture an SVG badge image wraps, when it is one: many badge
// designers export an SVG whose only drawing is one <image> with a data: PNG or JPEG. fpdf
// cannot draw SVG and no small Go library rasterises it, so other SVGs get the initials
// placeholder. ok is false when the SVG is not such a wrapper.
func svgRaster(data []byte) (Image, bool) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = false
	var found *Image
	drawn := 0 // drawing elements other than the one image
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		el, isStart := tok.(xml.StartElement)
		if !isStart {
			continue
		}
		switch el.Name.Local {
		case "image":
			if found != nil {
				return Image{}, false
			}
			for _, a := range el.Attr {
				if a.Name.Local != "href" {
					continue
				}
				if img, ok := dataImage(strings.TrimSpace(a.Value)); ok {
					found = &img
				}
			}
			if found == nil {
				return Image{}, false
			}
		case "path", "circle", "ellipse", "rect", "polygon", "polyline", "line", "text", "use":
			drawn++
		}
	}
	// A frame or a few shapes around the picture are tolerated; a real vector drawing is not.
	if found == nil || drawn > 3 {
		return Image{}, false
	}
	return *found, true
}

// dataImage decodes a data:image/png or image/jpeg base64 URI.
func dataImage(uri string) (Image, bool) {
	rest, ok := strings.CutPrefix(uri, "data:")
	if !ok {
		return Image{}, false
	}
	meta, payload, ok := strings.Cut(rest, ",")
	typ, isBase64 := strings.CutSuffix(meta, ";base64")
	if !ok || !isBase64 || (typ != "image/png" && typ != "image/jpeg") {
		return Image{}, false
	}
	b, err := base64.StdEncoding.DecodeString(strings.Map(func(r rune) rune {
		if r == ' ' || r == '\n' || r == '\r' || r == '\t' {
			return -1
		}
		return r
	}, payload))
	if err != nil || len(b) == 0 {
		return Image{}, false
	}
	return Image{Data: b, Type: typ}, true
}
