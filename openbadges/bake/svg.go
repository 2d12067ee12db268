package bake

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
)

// svgDecoder returns a strict XML decoder over img that knows the HTML entities and accepts
// only UTF-8 (offsets must be byte offsets of img). Entities declared in the DOCTYPE internal
// subset (common in SVG exported by illustration tools) are learnt as they are read.
func svgDecoder(img []byte) *xml.Decoder {
	d := xml.NewDecoder(bytes.NewReader(img))
	d.Strict = true
	d.Entity = make(map[string]string, len(xml.HTMLEntity))
	for k, v := range xml.HTMLEntity {
		d.Entity[k] = v
	}
	d.CharsetReader = func(charset string, r io.Reader) (io.Reader, error) {
		switch strings.ToLower(charset) {
		case "utf-8", "utf8", "us-ascii", "ascii":
			return r, nil
		case "iso-8859-1", "latin1", "windows-1252":
			if isASCII(img) { // then the bytes mean the same in UTF-8
				return r, nil
			}
		}
		return nil, fmt.Errorf("%w: SVG encoding %q is not supported (use UTF-8)", ErrMalformed, charset)
	}
	return d
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

var entityDecl = regexp.MustCompile(`<!ENTITY\s+([A-Za-z_][\w.-]*)\s+(?:"([^"]*)"|'([^']*)')\s*>`)

func learnEntities(d *xml.Decoder, dir xml.Directive) {
	for _, m := range entityDecl.FindAllSubmatch(dir, -1) {
		v := m[2]
		if len(m[3]) > 0 {
			v = m[3]
		}
		if _, ok := d.Entity[string(m[1])]; !ok && !bytes.ContainsAny(v, "&<") {
			d.Entity[string(m[1])] = string(v)
		}
	}
}

// svgBadgeKind says whether an element is a badge element, and of which kind. An undeclared
// "openbadges" prefix (seen in hand-made files) is read by the local name.
func svgBadgeKind(n xml.Name) (Kind, bool) {
	for _, k := range Kinds() {
		if n.Space == k.Namespace() && n.Local == k.Element() {
			return k, true
		}
	}
	if n.Space == "openbadges" {
		switch n.Local {
		case "assertion":
			return OB2, true
		case "credential":
			return OB3, true
		}
	}
	return "", false
}

// UnbakeSVG extracts the badge from an SVG: the first element {http://openbadges.org}assertion,
// {https://purl.imsglobal.org/ob/v3p0}credential or {https://purl.imsglobal.org/clr/v2p0}credential.
// The payload is its text content (usually CDATA; surrounding whitespace trimmed) or, when
// that is empty, its verify attribute.
func UnbakeSVG(img []byte) (*Baked, error) {
	d := svgDecoder(img)
	depth := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return nil, ErrNotBaked
		}
		if err != nil {
			return nil, fmt.Errorf("%w: SVG: %v", ErrMalformed, err)
		}
		switch t := tok.(type) {
		case xml.Directive:
			learnEntities(d, t)
		case xml.StartElement:
			if depth == 0 && t.Name.Local != "svg" {
				return nil, fmt.Errorf("%w: the root element is <%s>, not <svg>", ErrNotImage, t.Name.Local)
			}
			depth++
			kind, ok := svgBadgeKind(t.Name)
			if !ok {
				continue
			}
			b := &Baked{Kind: kind, Format: "svg"}
			for _, a := range t.Attr {
				if a.Name.Local == "verify" && (a.Name.Space == "" || a.Name.Space == t.Name.Space) {
					b.Verify = a.Value
				}
			}
			content, err := svgElementText(d)
			if err != nil {
				return nil, err
			}
			b.Payload = []byte(strings.Trim(content, " \t\r\n"))
			if len(b.Payload) == 0 {
				b.Payload = []byte(strings.TrimSpace(b.Verify))
			}
			if err := checkPayload(kind, b.Payload); err != nil {
				return nil, err
			}
			return b, nil
		case xml.EndElement:
			depth--
		}
	}
}

// svgElementText returns the character data directly inside the element just opened.
func svgElementText(d *xml.Decoder) (string, error) {
	var sb strings.Builder
	depth := 1
	for depth > 0 {
		tok, err := d.Token()
		if err != nil {
			return "", fmt.Errorf("%w: SVG badge element: %v", ErrMalformed, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
		case xml.CharData:
			if depth == 1 {
				sb.Write(t)
			}
		}
	}
	return sb.String(), nil
}

// svgEdit replaces img[start:end] with text.
type svgEdit struct {
	start, end int
	text       []byte
}

// SVG bakes payload into an SVG. The badge element (prefix "openbadges", namespace declared on
// the element itself) goes right after the root <svg> start tag: a JWS or URL in the verify
// attribute of an empty element; JSON in CDATA (for OB 2.0 JSON, verify holds the assertion's
// http(s) id when it has one). Existing badge elements of any kind are removed, as are
// <script> and <handler> elements, event handler attributes (on*), srcdoc attributes and
// attributes whose value is a javascript:, vbscript: or HTML data: URL. Everything else is kept byte for byte: the file is spliced at
// offsets from encoding/xml, never re-serialized.
func SVG(img []byte, kind Kind, payload []byte) ([]byte, error) {
	if !kind.valid() {
		return nil, fmt.Errorf("%w: %q", ErrUnknownKind, kind)
	}
	if err := checkPayload(kind, payload); err != nil {
		return nil, err
	}
	el, err := svgElement(kind, payload)
	if err != nil {
		return nil, err
	}
	edits, err := svgEdits(img, el)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	out.Grow(len(img) + len(el))
	last := 0
	for _, e := range edits {
		out.Write(img[last:e.start])
		out.Write(e.text)
		last = e.end
	}
	out.Write(img[last:])
	return out.Bytes(), nil
}

// svgEdits walks img and plans the removals, attribute cleanups and the insertion of el.
func svgEdits(img, el []byte) ([]svgEdit, error) {
	d := svgDecoder(img)
	var edits []svgEdit
	depth := 0
	rooted := false
	// skipUntil is the depth at which a removed element ends; 0 when not inside one.
	skipUntil, skipStart := 0, 0
	for {
		start := int(d.InputOffset())
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: SVG: %v", ErrMalformed, err)
		}
		end := int(d.InputOffset())
		switch t := tok.(type) {
		case xml.Directive:
			learnEntities(d, t)
		case xml.StartElement:
			depth++
			if skipUntil > 0 {
				continue
			}
			if depth == 1 {
				if t.Name.Local != "svg" {
					return nil, fmt.Errorf("%w: the root element is <%s>, not <svg>", ErrNotImage, t.Name.Local)
				}
				tag, err := cleanStartTag(img[start:end], t)
				if err != nil {
					return nil, err
				}
				if bytes.HasSuffix(tag, []byte("/>")) { // <svg .../>: open it to hold the badge
					tag = append(append(append(tag[:len(tag)-2:len(tag)-2], '>'), el...), "</svg>"...)
				} else {
					tag = append(tag[:len(tag):len(tag)], el...)
				}
				edits = append(edits, svgEdit{start, end, tag})
				rooted = true
				continue
			}
			if _, badge := svgBadgeKind(t.Name); badge || removedElement(t.Name) {
				skipUntil, skipStart = depth, start
				continue
			}
			if unsafeAttrs(t) {
				tag, err := cleanStartTag(img[start:end], t)
				if err != nil {
					return nil, err
				}
				edits = append(edits, svgEdit{start, end, tag})
			}
		case xml.EndElement:
			if skipUntil == depth {
				edits = append(edits, svgEdit{skipStart, end, nil})
				skipUntil = 0
			}
			depth--
		}
	}
	if !rooted {
		return nil, fmt.Errorf("%w: no <svg> element", ErrNotImage)
	}
	sort.Slice(edits, func(i, j int) bool { return edits[i].start < edits[j].start })
	return edits, nil
}

// unsafeAttrs reports whether a start tag has an event handler or a script URL.
func unsafeAttrs(t xml.StartElement) bool {
	for _, a := range t.Attr {
		if unsafeAttr(a) {
			return true
		}
	}
	return false
}

func unsafeAttr(a xml.Attr) bool {
	if a.Name.Space == "xmlns" || (a.Name.Space == "" && a.Name.Local == "xmlns") {
		return false
	}
	if name := strings.ToLower(a.Name.Local); strings.HasPrefix(name, "on") || name == "srcdoc" {
		return true
	}
	v := strings.Map(func(r rune) rune {
		if r <= ' ' || r == 0x7f {
			return -1
		}
		return r
	}, strings.ToLower(a.Value))
	for _, p := range scriptURLPrefixes {
		if strings.HasPrefix(v, p) {
			return true
		}
	}
	return false
}

// scriptURLPrefixes start attribute values that run script when followed (compared after
// lower-casing and removing whitespace and control characters, as browsers do).
var scriptURLPrefixes = []string{"javascript:", "vbscript:", "data:text/html", "data:application/xhtml+xml"}

// removedElement reports the elements dropped whole from a baked SVG: scripts, and SVG Tiny 1.2 event
// handler elements.
func removedElement(n xml.Name) bool {
	l := strings.ToLower(n.Local)
	return l == "script" || l == "handler"
}

// cleanStartTag removes unsafe attributes from the raw bytes of a start tag. The raw
// attributes are matched, in order, to those the XML decoder read (with entities resolved),
// so an encoded "&#106;avascript:" is caught too.
func cleanStartTag(raw []byte, t xml.StartElement) ([]byte, error) {
	spans, err := attrSpans(raw)
	if err != nil || len(spans) != len(t.Attr) {
		return nil, fmt.Errorf("%w: cannot read the attributes of <%s>", ErrMalformed, t.Name.Local)
	}
	out := make([]byte, 0, len(raw))
	last := 0
	for i, sp := range spans {
		if unsafeAttr(t.Attr[i]) {
			out = append(out, raw[last:sp[0]]...)
			last = sp[1]
		}
	}
	return append(out, raw[last:]...), nil
}

// attrSpans lexes a well-formed start tag and returns, per attribute, the span from the
// whitespace before its name to the end of its quoted value.
func attrSpans(tag []byte) ([][2]int, error) {
	isSpace := func(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }
	i := 1
	for i < len(tag) && !isSpace(tag[i]) && tag[i] != '/' && tag[i] != '>' {
		i++
	}
	var spans [][2]int
	for {
		ws := i
		for i < len(tag) && isSpace(tag[i]) {
			i++
		}
		if i >= len(tag) {
			return nil, errors.New("unterminated tag")
		}
		if tag[i] == '/' || tag[i] == '>' {
			return spans, nil
		}
		for i < len(tag) && tag[i] != '=' && !isSpace(tag[i]) {
			i++
		}
		for i < len(tag) && isSpace(tag[i]) {
			i++
		}
		if i >= len(tag) || tag[i] != '=' {
			return nil, errors.New("attribute without value")
		}
		i++
		for i < len(tag) && isSpace(tag[i]) {
			i++
		}
		if i >= len(tag) || (tag[i] != '"' && tag[i] != '\'') {
			return nil, errors.New("unquoted attribute")
		}
		q := tag[i]
		j := bytes.IndexByte(tag[i+1:], q)
		if j < 0 {
			return nil, errors.New("unterminated attribute value")
		}
		i += j + 2
		spans = append(spans, [2]int{ws, i})
	}
}

// svgElement writes the badge element for payload.
func svgElement(kind Kind, payload []byte) ([]byte, error) {
	p := strings.TrimSpace(string(payload))
	var b bytes.Buffer
	b.WriteString(`<openbadges:` + kind.Element() + ` xmlns:openbadges="` + kind.Namespace() + `"`)
	attr := func(v string) {
		b.WriteString(` verify="`)
		_ = xml.EscapeText(&b, []byte(v))
		b.WriteString(`"`)
	}
	if !strings.HasPrefix(p, "{") { // a JWS or (OB 2.0) a URL
		attr(p)
		b.WriteString(`/>`)
		return b.Bytes(), nil
	}
	if kind == OB2 {
		var a struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(payload, &a) == nil && (strings.HasPrefix(a.ID, "https://") || strings.HasPrefix(a.ID, "http://")) {
			attr(a.ID)
		}
	}
	b.WriteString(`><![CDATA[`)
	// "]]>" cannot appear in CDATA: close the section after "]]" and open a new one.
	b.WriteString(strings.ReplaceAll(string(payload), "]]>", "]]]]><![CDATA[>"))
	b.WriteString(`]]></openbadges:` + kind.Element() + `>`)
	return b.Bytes(), nil
}
