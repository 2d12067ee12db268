package web

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"html/template"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/badgeimage"
	"github.com/rosettebadges/rosette/internal/identity"
	"github.com/rosettebadges/rosette/internal/markdown"
	"github.com/rosettebadges/rosette/internal/service"
)

// The caching of public responses: stored images never change (their URL is the hash of
// their bytes); documents and pages may, and are cached for five minutes.
const (
	ImageCacheControl    = "public, max-age=31536000, immutable"
	DocumentCacheControl = "public, max-age=300"
)

// SVGContentSecurityPolicy is sent with stored SVG images, opened directly or embedded: no
// script, no external fetch, inline styles and data: images only. The images are sanitized
// on upload already; this is the second line.
const SVGContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

var imageFileRE = regexp.MustCompile(`^([0-9a-f]{64})\.(png|svg)$`)

// openGraph is the Open Graph and Twitter card description of a public page (absolute URLs).
type openGraph struct {
	Type, Title, Description, URL, Image string
	Card                                 string // twitter:card; "" for summary_large_image with an image, else summary
	OEmbed                               string // the page's oEmbed (JSON) discovery URL, if any
}

// image serves a stored image: GET /images/{sha256}.png|.svg, 404 for an unknown id or an
// extension that is not the image's type.
func (s *Site) image(w http.ResponseWriter, r *http.Request) {
	m := imageFileRE.FindStringSubmatch(r.PathValue("file"))
	if m == nil {
		s.ServeError(w, r, http.StatusNotFound)
		return
	}
	img, err := s.badgeClasses.Image(r.Context(), m[1])
	if err != nil {
		s.fail(w, r, err)
		return
	}
	want := badgeimage.PNG
	if m[2] == "svg" {
		want = badgeimage.SVG
	}
	if img.MediaType != want {
		s.ServeError(w, r, http.StatusNotFound)
		return
	}
	h := w.Header()
	etag := `"` + img.ID + `"`
	h.Set("ETag", etag)
	h.Set("Cache-Control", ImageCacheControl)
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("X-Content-Type-Options", "nosniff")
	if img.MediaType == badgeimage.SVG {
		h.Set("Content-Security-Policy", SVGContentSecurityPolicy)
	}
	if etagMatch(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", img.MediaType)
	h.Set("Content-Length", strconv.Itoa(len(img.Bytes)))
	w.Write(img.Bytes)
}

func etagMatch(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

// sendDocument writes a public JSON document with its ETag (a hash of the body) and
// Cache-Control, or 304 when the client has it.
func (s *Site) sendDocument(w http.ResponseWriter, r *http.Request, contentType string, body []byte) {
	sum := sha256.Sum256(body)
	etag := `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`
	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Cache-Control", DocumentCacheControl)
	h.Set("Access-Control-Allow-Origin", "*")
	if etagMatch(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", contentType)
	w.Write(body)
}

type publicBadgePage struct {
	Frame
	B          *service.PublicBadgeClass
	ImageURL   string
	Criteria   template.HTML
	Expiry     string
	IssuerLogo logo
	JSONURL    string
}

// logo is how a page shows an issuer's logo: Src (a same-site path or data: URI, which the
// Content-Security-Policy allows) or, for a logo elsewhere, only a Link.
type logo struct {
	Src  template.URL
	Link string
}

// logoOf picks how to show the issuer's logo.
func (s *Site) logoOf(iss *badge.Issuer) logo {
	switch l := iss.LogoURL; {
	case l == "":
		return logo{}
	case strings.HasPrefix(l, "data:image/"):
		// Checked by badge.IssuerFields.Normalize; shown in <img>, where no script runs.
		return logo{Src: template.URL(l)}
	case s.urls.Base != "" && strings.HasPrefix(l, s.urls.Base+"/images/"):
		return logo{Src: template.URL(strings.TrimPrefix(l, s.urls.Base))}
	}
	return logo{Link: iss.LogoURL}
}

// summary cuts text to about n characters at a word boundary, for meta descriptions.
func summary(text string, n int) string {
	text = strings.Join(strings.Fields(text), " ")
	if utf8.RuneCountInString(text) <= n {
		return text
	}
	cut := string([]rune(text)[:n])
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return cut + "…"
}

// publicBadge is GET /badges/{id}: the badge class page to browsers, the OB 2.0 BadgeClass
// of the current version to JSON clients.
func (s *Site) publicBadge(w http.ResponseWriter, r *http.Request) {
	accept := r.Header.Get("Accept")
	w.Header().Add("Vary", "Accept")
	if !identity.WantsHTML(accept) {
		if ct, ok := identity.NegotiateLD(accept); ok {
			s.badgeDocument(w, r, ct, 0)
			return
		}
	}
	pb, err := s.badgeClasses.Public(r.Context(), r.PathValue("id"), 0)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := pb.Version.Fields
	p := &publicBadgePage{B: pb, Criteria: markdown.Render(f.CriteriaNarrative), Expiry: expiryWords(f.Expiry),
		ImageURL: imagePath(pb.Version.ImageID, pb.ImageMediaType), IssuerLogo: s.logoOf(pb.Issuer),
		JSONURL: s.urls.BadgeClassVersion(pb.Class.ID, pb.Version.Version)}
	p.Frame = Frame{Title: f.Name + " · " + pb.Issuer.Name, OG: &openGraph{Type: "website", Title: f.Name,
		Description: summary(f.Description, 200), URL: s.urls.BadgeClass(pb.Class.ID)}}
	if pb.Version.ImageID != "" {
		p.OG.Image = s.urls.Image(pb.Version.ImageID, pb.ImageMediaType)
	}
	s.render(w, r, http.StatusOK, "public_badge", p)
}

// publicBadgeVersion is GET /badges/{id}/versions/{n}: the OB 2.0 BadgeClass of version n.
func (s *Site) publicBadgeVersion(w http.ResponseWriter, r *http.Request) {
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 1 || strconv.Itoa(n) != r.PathValue("n") {
		s.ServeError(w, r, http.StatusNotFound)
		return
	}
	ct, ok := identity.NegotiateLD(r.Header.Get("Accept"))
	if !ok || identity.WantsHTML(r.Header.Get("Accept")) {
		ct = "application/ld+json" // one representation only
	}
	w.Header().Add("Vary", "Accept")
	s.badgeDocument(w, r, ct, n)
}

// badgeDocument writes the OB 2.0 BadgeClass of version n (0: the current one).
func (s *Site) badgeDocument(w http.ResponseWriter, r *http.Request, contentType string, n int) {
	pb, err := s.badgeClasses.Public(r.Context(), r.PathValue("id"), n)
	if errors.Is(err, badge.NotFound) {
		// JSON clients get a JSON answer, as from the other public documents.
		h := w.Header()
		h.Set("Content-Type", "application/json")
		h.Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusNotFound)
		json.NewEncoder(w).Encode(map[string]string{"error": "not_found", "message": badge.SafeMessage(err)})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	b, err := service.OB2BadgeClass(s.urls, pb.Issuer.ID, pb.Version, pb.ImageMediaType)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.sendDocument(w, r, contentType, b)
}

type publicIssuerPage struct {
	Frame
	Issuer  *badge.Issuer
	Logo    logo
	Classes []*service.PublicBadgeClass
	JSONURL string
}

// ImagePath is a listed badge class's image URL.
func (p *publicIssuerPage) ImagePath(c *service.PublicBadgeClass) string {
	return imagePath(c.Version.ImageID, c.ImageMediaType)
}

// PublicIssuer is the HTML issuer page, for identity.Handler's browsers (GET /issuers/{id}).
func (s *Site) PublicIssuer() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		iss, list, err := s.badgeClasses.PublicList(r.Context(), id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		p := &publicIssuerPage{Issuer: iss, Logo: s.logoOf(iss), Classes: list, JSONURL: s.urls.Profile(iss.ID)}
		p.Frame = Frame{Title: iss.Name, OG: &openGraph{Type: "profile", Title: iss.Name,
			Description: summary(iss.Description, 200), URL: s.urls.Profile(iss.ID)}}
		if p.Logo.Src != "" && !strings.HasPrefix(string(p.Logo.Src), "data:") {
			p.OG.Image = iss.LogoURL
		}
		s.render(w, r, http.StatusOK, "public_issuer", p)
	})
}
