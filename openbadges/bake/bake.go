// Package bake owns baking: embedding an Open Badge (OB 2.0 assertion, OB 3.0 credential or
// CLR 2.0 credential) in a PNG (one uncompressed iTXt chunk) or SVG (one namespaced element
// right after the root <svg> start tag), and extracting it again. Images are edited as bytes:
// PNG chunks are walked and spliced, SVG is spliced at offsets found with encoding/xml, so
// nothing else in the image changes.
package bake

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// Kind says what is baked and chooses the PNG keyword and the SVG namespace and element.
type Kind string

// The three kinds of baked payload.
const (
	OB2 Kind = "openbadges"          // OB 2.0 assertion: PNG keyword openbadges, SVG http://openbadges.org <assertion>
	OB3 Kind = "openbadgecredential" // OB 3.0 credential: https://purl.imsglobal.org/ob/v3p0 <credential>
	CLR Kind = "clrcredential"       // CLR 2.0 credential: https://purl.imsglobal.org/clr/v2p0 <credential>
)

// Keyword returns the PNG iTXt keyword of k.
func (k Kind) Keyword() string { return string(k) }

// Namespace returns the SVG namespace of k.
func (k Kind) Namespace() string {
	switch k {
	case OB2:
		return "http://openbadges.org"
	case OB3:
		return "https://purl.imsglobal.org/ob/v3p0"
	case CLR:
		return "https://purl.imsglobal.org/clr/v2p0"
	}
	return ""
}

// Element returns the local name of k's SVG element.
func (k Kind) Element() string {
	if k == OB2 {
		return "assertion"
	}
	return "credential"
}

func (k Kind) valid() bool { return k == OB2 || k == OB3 || k == CLR }

// Kinds lists every kind.
func Kinds() []Kind { return []Kind{OB2, OB3, CLR} }

// Baked is what an image carries.
type Baked struct {
	Kind Kind
	// Format is "png" or "svg".
	Format string
	// Payload is the baked text: a compact JWS, a JSON credential or assertion, or (OB 2.0
	// only) the URL of a hosted assertion. For SVG it is the element content (CDATA, trimmed)
	// when there is one, else the verify attribute.
	Payload []byte
	// Verify is the SVG verify attribute, when present (for a hosted OB 2.0 SVG, the assertion
	// URL beside the JSON content).
	Verify string
	// Legacy is true for a pre-specification PNG whose tEXt chunk "openbadges" holds a URL.
	Legacy bool
}

// Errors for errors.Is.
var (
	ErrNotBaked      = errors.New("the image carries no badge")
	ErrNotImage      = errors.New("not a PNG or SVG image")
	ErrMalformed     = errors.New("malformed image")
	ErrBadPayload    = errors.New("baked payload is not a JWS, JSON object or hosted URL")
	ErrUnknownKind   = errors.New("unknown badge kind")
	ErrUnsafePayload = errors.New("payload cannot be baked")
)

// Unbake extracts the badge from a PNG or SVG image, telling the formats apart by content.
func Unbake(img []byte) (*Baked, error) {
	switch {
	case bytes.HasPrefix(img, pngSignature):
		return UnbakePNG(img)
	case looksLikeSVG(img):
		return UnbakeSVG(img)
	}
	return nil, ErrNotImage
}

// Bake embeds payload in img (PNG or SVG, told apart by content).
func Bake(img []byte, kind Kind, payload []byte) ([]byte, error) {
	switch {
	case bytes.HasPrefix(img, pngSignature):
		return PNG(img, kind, payload)
	case looksLikeSVG(img):
		return SVG(img, kind, payload)
	}
	return nil, ErrNotImage
}

func looksLikeSVG(b []byte) bool {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	b = bytes.TrimLeft(b, " \t\r\n")
	if !bytes.HasPrefix(b, []byte("<")) {
		return false
	}
	head := b
	if len(head) > 4096 {
		head = head[:4096]
	}
	return bytes.Contains(head, []byte("<svg"))
}

// checkPayload accepts what a baked image may carry: a compact JWS or a JSON object for every
// kind, and an http(s) URL for OB 2.0 only (hosted assertions; OB 3.0 never bakes a URL).
func checkPayload(kind Kind, p []byte) error {
	s := strings.TrimSpace(string(p))
	switch {
	case s == "":
		return fmt.Errorf("%w: empty", ErrBadPayload)
	case looksLikeJWS(s):
		return nil
	case strings.HasPrefix(s, "{"):
		var v map[string]json.RawMessage
		if err := json.Unmarshal([]byte(s), &v); err != nil {
			return fmt.Errorf("%w: invalid JSON: %v", ErrBadPayload, err)
		}
		return nil
	}
	if u, err := url.Parse(s); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
		if kind == OB2 {
			return nil
		}
		return fmt.Errorf("%w: only OB 2.0 images may carry a URL", ErrBadPayload)
	}
	head := s
	if len(head) > 40 {
		head = head[:40] + "..."
	}
	return fmt.Errorf("%w: %q", ErrBadPayload, head)
}

func looksLikeJWS(s string) bool {
	if strings.Count(s, ".") != 2 || len(s) < 5 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

// DetectKind tells from a payload (JSON or compact JWS) whether it is an OB 2.0 assertion, an
// OB 3.0 credential or a CLR 2.0 credential. A JWS is judged by its payload; VC-JWTs of VCDM
// 1.1 by their vc claim. URLs are OB 2.0 hosted assertions.
func DetectKind(payload []byte) (Kind, error) {
	s := strings.TrimSpace(string(payload))
	doc := []byte(s)
	if looksLikeJWS(s) {
		part := strings.Split(s, ".")[1]
		b, err := base64URLDecode(part)
		if err != nil {
			return "", fmt.Errorf("%w: JWS payload is not base64url", ErrBadPayload)
		}
		doc = b
	} else if !strings.HasPrefix(s, "{") {
		if err := checkPayload(OB2, payload); err != nil {
			return "", err
		}
		return OB2, nil
	}
	var m struct {
		Context json.RawMessage `json:"@context"`
		Type    json.RawMessage `json:"type"`
		VC      json.RawMessage `json:"vc"`
		Badge   json.RawMessage `json:"badge"`
	}
	if err := json.Unmarshal(doc, &m); err != nil {
		return "", fmt.Errorf("%w: %v", ErrBadPayload, err)
	}
	if len(m.VC) > 0 {
		if err := json.Unmarshal(m.VC, &m); err != nil {
			return "", fmt.Errorf("%w: vc claim: %v", ErrBadPayload, err)
		}
	}
	ctx, typ := string(m.Context), string(m.Type)
	switch {
	case strings.Contains(typ, `"ClrCredential"`) || strings.Contains(ctx, "purl.imsglobal.org/spec/clr/"):
		return CLR, nil
	case strings.Contains(ctx, "w3id.org/openbadges") || strings.Contains(ctx, "openbadgespec.org") ||
		(len(m.Context) == 0 && len(m.Badge) > 0) || strings.Contains(typ, `"Assertion"`):
		return OB2, nil
	case strings.Contains(ctx, "credentials/v") || strings.Contains(ctx, "2018/credentials"):
		return OB3, nil
	}
	return "", fmt.Errorf("%w: cannot tell whether this is OB 2.0, OB 3.0 or CLR", ErrUnknownKind)
}
