package badgeimage

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
)

// Namespaces of SVG documents.
const (
	nsSVG   = "http://www.w3.org/2000/svg"
	nsXLink = "http://www.w3.org/1999/xlink"
)

// svgElements are the elements SanitizeSVG keeps (in the SVG namespace). Every other element
// is dropped with everything inside it: notably script, style, foreignObject, a, iframe,
// animate/set (which can rewrite href), and anything of another namespace.
var svgElements = map[string]bool{
	"svg": true, "g": true, "defs": true, "title": true, "desc": true, "symbol": true, "use": true,
	"path": true, "rect": true, "circle": true, "ellipse": true, "line": true, "polyline": true,
	"polygon": true, "text": true, "tspan": true, "linearGradient": true, "radialGradient": true,
	"stop": true, "clipPath": true, "mask": true, "pattern": true, "image": true, "filter": true,
	"feGaussianBlur": true, "feOffset": true, "feBlend": true, "feColorMatrix": true,
	"feFlood": true, "feComposite": true, "feMerge": true, "feMergeNode": true, "feDropShadow": true,
}

// svgAttributes are the attributes SanitizeSVG keeps (no namespace), besides href and
// xlink:href, which are kept only as a #fragment or a data:image/(png|jpeg|gif|webp) URI.
// Every other attribute is dropped: notably every on* event handler and xmlns declarations
// (the root gets its own). A kept value that mentions url( other than url(#...), or
// javascript:, vbscript:, data:text, @import or expression(, is dropped too.
var svgAttributes = map[string]bool{
	"id": true, "class": true, "x": true, "y": true, "x1": true, "y1": true, "x2": true, "y2": true,
	"cx": true, "cy": true, "r": true, "rx": true, "ry": true, "fx": true, "fy": true, "dx": true, "dy": true,
	"width": true, "height": true, "d": true, "points": true, "viewBox": true, "preserveAspectRatio": true,
	"version": true, "transform": true, "style": true, "color": true, "display": true, "visibility": true,
	"fill": true, "fill-opacity": true, "fill-rule": true, "opacity": true,
	"stroke": true, "stroke-width": true, "stroke-opacity": true, "stroke-linecap": true,
	"stroke-linejoin": true, "stroke-dasharray": true, "stroke-dashoffset": true, "stroke-miterlimit": true,
	"font-family": true, "font-size": true, "font-weight": true, "font-style": true,
	"text-anchor": true, "dominant-baseline": true, "letter-spacing": true, "text-decoration": true,
	"offset": true, "stop-color": true, "stop-opacity": true, "gradientUnits": true,
	"gradientTransform": true, "spreadMethod": true, "clip-path": true, "clip-rule": true,
	"clipPathUnits": true, "mask": true, "maskUnits": true, "maskContentUnits": true,
	"patternUnits": true, "patternContentUnits": true, "patternTransform": true,
	"filter": true, "filterUnits": true, "primitiveUnits": true, "in": true, "in2": true,
	"result": true, "stdDeviation": true, "mode": true, "type": true, "values": true,
	"operator": true, "k1": true, "k2": true, "k3": true, "k4": true,
	"flood-color": true, "flood-opacity": true,
}

var safeDataImages = []string{"data:image/png;", "data:image/jpeg;", "data:image/gif;", "data:image/webp;"}

const maxSVGDepth = 64

// SanitizeSVG parses an SVG document with encoding/xml and writes back only what the
// allow-lists above permit: the root must be <svg> in the SVG namespace; a DOCTYPE or any
// other <!...> directive (and so every <!ENTITY>) makes it refuse the document, as do
// malformed XML, unknown entities and nesting deeper than 64; comments and processing
// instructions are dropped; text is re-escaped. The output starts with <svg
// xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">.
func SanitizeSVG(data []byte) ([]byte, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	var out bytes.Buffer
	depth, skip := 0, 0 // skip > 0: inside a dropped element, at that depth
	rootSeen, rootDone := false, false
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, errors.New("the SVG is not well-formed XML")
		}
		switch t := tok.(type) {
		case xml.Directive:
			return nil, errors.New("the SVG has a DOCTYPE or entity declaration")
		case xml.StartElement:
			if rootDone {
				return nil, errors.New("the SVG has more than one root element")
			}
			depth++
			if depth > maxSVGDepth {
				return nil, errors.New("the SVG is nested too deeply")
			}
			if !rootSeen {
				rootSeen = true
				if t.Name.Space != nsSVG || t.Name.Local != "svg" {
					return nil, errors.New("the root element is not an SVG <svg>")
				}
			}
			if skip > 0 {
				continue
			}
			if t.Name.Space != nsSVG || !svgElements[t.Name.Local] {
				skip = depth
				continue
			}
			out.WriteString("<" + t.Name.Local)
			if depth == 1 {
				out.WriteString(` xmlns="` + nsSVG + `" xmlns:xlink="` + nsXLink + `"`)
			}
			for _, a := range t.Attr {
				name, ok := attrName(a)
				if !ok || !safeValue(name, a.Value) {
					continue
				}
				out.WriteString(" " + name + `="`)
				xml.EscapeText(&out, []byte(a.Value))
				out.WriteString(`"`)
			}
			out.WriteString(">")
		case xml.EndElement:
			if skip == 0 {
				out.WriteString("</" + t.Name.Local + ">")
			} else if skip == depth {
				skip = 0
			}
			depth--
			if depth == 0 {
				rootDone = true
			}
		case xml.CharData:
			if depth == 0 {
				if len(bytes.TrimSpace(t)) > 0 {
					return nil, errors.New("the SVG has text outside its root element")
				}
				continue
			}
			if skip == 0 {
				xml.EscapeText(&out, t)
			}
		case xml.Comment, xml.ProcInst:
			// dropped
		}
	}
	if !rootDone {
		return nil, errors.New("the SVG has no <svg> element")
	}
	return out.Bytes(), nil
}

// attrName returns the name to write for a, and false if a is not allowed.
func attrName(a xml.Attr) (string, bool) {
	switch a.Name.Space {
	case "":
		if a.Name.Local == "href" || svgAttributes[a.Name.Local] {
			return a.Name.Local, true
		}
	case nsXLink:
		if a.Name.Local == "href" {
			return "xlink:href", true
		}
	}
	return "", false
}

// safeValue reports whether the value of an allowed attribute may be kept.
func safeValue(name, v string) bool {
	l := strings.ToLower(strings.Join(strings.Fields(v), ""))
	// Drop control characters that browsers ignore inside schemes ("java\x00script:").
	l = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, l)
	if name == "href" || name == "xlink:href" {
		if strings.HasPrefix(l, "#") {
			return !strings.ContainsAny(l, "<>\"'")
		}
		for _, p := range safeDataImages {
			if strings.HasPrefix(l, p) {
				return true
			}
		}
		return false
	}
	for _, bad := range []string{"javascript:", "vbscript:", "data:text", "@import", "expression(", "&#", "\\"} {
		if strings.Contains(l, bad) {
			return false
		}
	}
	for rest := l; ; {
		i := strings.Index(rest, "url(")
		if i < 0 {
			return true
		}
		rest = strings.TrimLeft(rest[i+4:], `"'`)
		if !strings.HasPrefix(rest, "#") {
			return false
		}
	}
}
