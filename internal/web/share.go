package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/service"
)

// Shares is what the sharing pages need of the sharing service (*service.Shares).
type Shares interface {
	Record(e service.ShareEvent) bool
	SharePanel(ctx context.Context, actor *badge.User, awardID string) (*service.Share, error)
	Holds(ctx context.Context, actor *badge.User, a *badge.Award) (bool, error)
	PanelFor(ctx context.Context, actor *badge.User, p *service.PublicAward) (*service.Share, error)
	ShareRedirect(ctx context.Context, actor *badge.User, awardID, channel, referrer string) (string, error)
	AwardCounts(ctx context.Context, actor *badge.User, awardID string) ([]service.ShareCount, error)
	ImageSize(ctx context.Context, p *service.PublicAward) (w, h int, ok bool)
}

// embedCSP is the policy of the embeddable award card: any site may frame it (the one route
// that allows framing), and it loads nothing but this site's stylesheet and images.
const embedCSP = "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; " +
	"form-action 'none'; frame-ancestors *"

// Sizes of the embed card's iframe, in CSS pixels.
const (
	embedWidth  = 360
	embedHeight = 440
)

// registerShare mounts the sharing routes (only with PublicAwards and Shares).
func (s *Site) registerShare(r Router) {
	if s.shares == nil || s.publicAwards == nil {
		return
	}
	// Public, framed by other sites or fetched by them: no session, no cookies.
	r.Handle("GET /awards/{id}/embed", http.HandlerFunc(s.awardEmbed))
	r.Handle("GET /oembed", http.HandlerFunc(s.oembed))
	// Share links: the target is built by the service, never read from the request.
	r.HandleBrowser("GET /awards/{id}/share/{channel}", s.withUser(s.shareRedirect))
	r.HandleBrowser("GET /wallet/share/{id}", s.withUser(s.requireUser(s.sharePage)))
}

// embedCard is the data of the embeddable card (template "embed-card").
type embedCard struct {
	CSS       string
	Name      string
	Image     string
	Issuer    string
	Recipient string
	Issued    string
	Status    badge.AwardStatus
	Signed    bool
	Page      string // the award page (absolute: the card is shown on other sites)
}

// awardEmbed serves the iframe card: GET /awards/{id}/embed (?preview=1: the earner's own
// preview, not counted).
func (s *Site) awardEmbed(w http.ResponseWriter, r *http.Request) {
	p, err := s.publicAwards.Public(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a := p.Award
	css, _ := s.assets.url("share.css")
	c := &embedCard{CSS: css, Name: p.BadgeClass.Fields.Name, Issuer: p.Issuer.Name, Issued: a.IssuedAt.Format("2 January 2006"),
		Status: a.Status(s.clock.Now()), Signed: a.Signed && p.Credential != nil, Page: s.urls.Award(a.ID)}
	if !a.RecipientNameHidden {
		c.Recipient = a.Recipient.Name
	}
	if p.BadgeClass.ImageID != "" {
		c.Image = s.localPath(s.urls.Image(p.BadgeClass.ImageID, p.ImageMediaType))
	}
	var buf strings.Builder
	if err := s.pages.byName["share"].ExecuteTemplate(&buf, "embed-card", c); err != nil {
		s.logError(w, r, "rendering the embed card", err)
		http.Error(w, "Internal Server Error", http.StatusInternalServerError)
		return
	}
	if r.URL.Query().Get("preview") == "" {
		s.shares.Record(service.ShareEvent{AwardID: a.ID, Kind: service.EventEmbedView, Channel: "embed", Referrer: r.Referer()})
	}
	h := w.Header()
	h.Set("Content-Security-Policy", embedCSP)
	h.Del("X-Frame-Options")
	h.Set("Cross-Origin-Resource-Policy", "cross-origin")
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "public, no-cache")
	w.WriteHeader(http.StatusOK)
	w.Write([]byte(buf.String()))
}

// embedSnippet is the iframe code that shows the award's card on another site (frameborder
// rather than an inline style, so that the snippet shown in our pages has none).
func (s *Site) embedSnippet(awardID, title string, width, height int) string {
	return `<iframe src="` + htmlAttr(s.urls.Award(awardID)+"/embed") + `" width="` + strconv.Itoa(width) + `" height="` +
		strconv.Itoa(height) + `" title="` + htmlAttr(title) + `" loading="lazy" frameborder="0"></iframe>`
}

// signatureSnippet is the email-signature fragment: the badge image (absolute URL, alt text,
// fixed size), linked to the award page. It uses the border attribute rather than an inline
// style, which every email program honours and which keeps our pages free of style text.
func (s *Site) signatureSnippet(p *service.PublicAward) string {
	alt := p.BadgeClass.Fields.Name + " badge from " + p.Issuer.Name + ", verified"
	img := ""
	if p.BadgeClass.ImageID != "" {
		img = s.urls.Image(p.BadgeClass.ImageID, p.ImageMediaType)
	}
	return `<a href="` + htmlAttr(s.urls.Award(p.Award.ID)) + `" target="_blank" rel="noopener"><img src="` + htmlAttr(img) +
		`" alt="` + htmlAttr(alt) + `" width="80" height="80" border="0"></a>`
}

// htmlAttr escapes a value for a double-quoted HTML attribute.
func htmlAttr(v string) string {
	return strings.NewReplacer("&", "&amp;", `"`, "&#34;", "<", "&lt;", ">", "&gt;", "'", "&#39;").Replace(v)
}

// shareLink is one share button.
type shareLink struct {
	Label, Href string
}

// sharePanel is the earner's share panel (template "share-panel"), on the award page and on
// the share page.
type sharePanel struct {
	AwardID        string
	Name           string
	LinkedIn       string // our redirect to LinkedIn's "Add to profile"
	Links          []shareLink
	Embed          string // the iframe code
	EmbedPreview   string // path of the card, not counted
	Signature      string // the email-signature HTML
	SignatureImage string // local path of the image the signature shows, "" if none
	SignatureAlt   string
	Downloads      []download
	Page           string // the award page (absolute)
	Revoked        bool
	Script         string // the copy buttons' script
}

func (s *Site) sharePanelOf(sh *service.Share) *sharePanel {
	p := sh.Public
	id := p.Award.ID
	base := s.localPath(s.urls.Award(id)) + "/share/"
	name := p.BadgeClass.Fields.Name
	js, _ := s.assets.url("share.js")
	pn := &sharePanel{AwardID: id, Name: name, LinkedIn: base + service.ChannelLinkedInProfile,
		Links: []shareLink{
			{"Post on LinkedIn", base + service.ChannelLinkedInPost},
			{"Post on X", base + service.ChannelX},
			{"Share on Facebook", base + service.ChannelFacebook},
			{"Send by email", base + service.ChannelEmail},
		},
		Embed:        s.embedSnippet(id, name+": a verified badge", embedWidth, embedHeight),
		EmbedPreview: s.localPath(s.urls.Award(id)) + "/embed?preview=1",
		Signature:    s.signatureSnippet(p),
		SignatureAlt: name + " badge from " + p.Issuer.Name + ", verified",
		Page:         sh.PageURL,
		Revoked:      !p.Award.RevokedAt.IsZero(),
		Script:       js,
	}
	if p.BadgeClass.ImageID != "" {
		pn.SignatureImage = s.localPath(s.urls.Image(p.BadgeClass.ImageID, p.ImageMediaType))
	}
	if p.Award.Signed && p.Credential != nil {
		pn.Downloads = s.awardDownloads(id, p.ImageMediaType)
	}
	return pn
}

// sharePageData is the data of the share page.
type sharePageData struct {
	Frame
	Share *sharePanel
}

// sharePage is the earner's share page for one award: GET /wallet/share/{id}.
func (s *Site) sharePage(w http.ResponseWriter, r *http.Request) {
	sh, err := s.shares.SharePanel(r.Context(), userFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "share", &sharePageData{Frame: Frame{Title: "Share " + sh.Public.BadgeClass.Fields.Name, Nav: "wallet"},
		Share: s.sharePanelOf(sh)})
}

// shareRedirect records a share click and sends the visitor on: GET /awards/{id}/share/{channel}.
func (s *Site) shareRedirect(w http.ResponseWriter, r *http.Request) {
	target, err := s.shares.ShareRedirect(r.Context(), userFrom(r.Context()), r.PathValue("id"), r.PathValue("channel"), r.Referer())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Location", target)
	w.WriteHeader(http.StatusFound)
}

// recordAwardView counts a view of the public award page, unless the viewer is its earner;
// it returns the earner's share panel when the viewer is the earner. Anonymous views cost no
// read; a signed-in viewer costs one (the award, to compare addresses).
func (s *Site) recordAwardView(r *http.Request, id string) *sharePanel {
	if s.shares == nil || r.Method != http.MethodGet {
		return nil
	}
	u := userFrom(r.Context())
	if u == nil {
		s.shares.Record(service.ShareEvent{AwardID: id, Kind: service.EventView, Referrer: r.Referer()})
		return nil
	}
	p, err := s.publicAwards.Public(r.Context(), id)
	if err != nil {
		return nil
	}
	if held, err := s.shares.Holds(r.Context(), u, p.Award); err == nil && held {
		// The earner's own view is not counted; the panel shows unless safeguarding is on.
		if sh, err := s.shares.PanelFor(r.Context(), u, p); err == nil {
			panel := s.sharePanelOf(sh)
			panel.Downloads = nil // the award page lists them already
			return panel
		}
		return nil
	}
	s.shares.Record(service.ShareEvent{AwardID: id, UserID: u.ID, Kind: service.EventView, Referrer: r.Referer()})
	return nil
}

// oembedDoc is an oEmbed 1.0 "rich" response (https://oembed.com/ section 2.3.4).
type oembedDoc struct {
	Version         string `json:"version"`
	Type            string `json:"type"`
	Title           string `json:"title"`
	AuthorName      string `json:"author_name"`
	AuthorURL       string `json:"author_url"`
	ProviderName    string `json:"provider_name"`
	ProviderURL     string `json:"provider_url"`
	CacheAge        int    `json:"cache_age"`
	HTML            string `json:"html"`
	Width           int    `json:"width"`
	Height          int    `json:"height"`
	ThumbnailURL    string `json:"thumbnail_url,omitempty"`
	ThumbnailWidth  int    `json:"thumbnail_width,omitempty"`
	ThumbnailHeight int    `json:"thumbnail_height,omitempty"`
}

// oembedURL is the oEmbed endpoint's URL for the award page at pageURL (JSON).
func (s *Site) oembedURL(pageURL string) string {
	return s.urls.Base + "/oembed?" + url.Values{"url": {pageURL}, "format": {"json"}}.Encode()
}

// awardIDFromURL returns the award id of one of this site's award pages (base: the site's
// base URL): the same scheme and host (case-insensitively), the path /awards/{id} under the
// base path, nothing after the id; ok false otherwise.
func awardIDFromURL(base, raw string) (string, bool) {
	if raw == "" || len(raw) > 2048 {
		return "", false
	}
	b, err := url.Parse(base)
	if err != nil {
		return "", false
	}
	u, err := url.Parse(raw)
	if err != nil || u.Opaque != "" || u.User != nil || u.Fragment != "" || u.RawQuery != "" {
		return "", false
	}
	if !strings.EqualFold(u.Scheme, b.Scheme) || !strings.EqualFold(u.Host, b.Host) {
		return "", false
	}
	rest, ok := strings.CutPrefix(u.Path, strings.TrimSuffix(b.Path, "/")+"/awards/")
	if !ok || rest == "" || strings.Contains(rest, "/") || len(rest) > 128 {
		return "", false
	}
	for _, c := range rest {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return "", false
		}
	}
	return rest, true
}

// oembed answers GET /oembed?url=<award page>&format=json[&maxwidth=&maxheight=].
func (s *Site) oembed(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	switch q.Get("format") {
	case "", "json":
	case "xml":
		oembedError(w, http.StatusNotImplemented, "Only format=json is supported.")
		return
	default:
		oembedError(w, http.StatusNotImplemented, "Unknown format.")
		return
	}
	id, ok := awardIDFromURL(s.urls.Base, q.Get("url"))
	if !ok {
		oembedError(w, http.StatusNotFound, "That is not the address of a badge of this site.")
		return
	}
	width, height := embedWidth, embedHeight
	for name, v := range map[string]*int{"maxwidth": &width, "maxheight": &height} {
		if raw := q.Get(name); raw != "" {
			n, err := strconv.Atoi(raw)
			if err != nil || n < 1 {
				oembedError(w, http.StatusBadRequest, name+" must be a positive whole number.")
				return
			}
			*v = min(*v, n)
		}
	}
	p, err := s.publicAwards.Public(r.Context(), id)
	if err != nil {
		if badge.KindOf(err) == badge.NotFound {
			oembedError(w, http.StatusNotFound, "There is no such badge.")
			return
		}
		s.fail(w, r, err)
		return
	}
	name := p.BadgeClass.Fields.Name
	doc := oembedDoc{Version: "1.0", Type: "rich", Title: name, AuthorName: p.Issuer.Name, AuthorURL: s.urls.Profile(p.Issuer.ID),
		ProviderName: "Rosette", ProviderURL: s.urls.Base + "/", CacheAge: 3600,
		HTML: s.embedSnippet(id, name+": a verified badge", width, height), Width: width, Height: height}
	if p.BadgeClass.ImageID != "" {
		if tw, th, ok := s.shares.ImageSize(r.Context(), p); ok {
			doc.ThumbnailURL, doc.ThumbnailWidth, doc.ThumbnailHeight = s.urls.Image(p.BadgeClass.ImageID, p.ImageMediaType), tw, th
		}
	}
	s.shares.Record(service.ShareEvent{AwardID: id, Kind: service.EventEmbedView, Channel: "oembed", Referrer: r.Referer()})
	writeOEmbed(w, http.StatusOK, "public, max-age=3600", doc)
}

// oembedError answers an oEmbed request that cannot be served.
func oembedError(w http.ResponseWriter, status int, msg string) {
	writeOEmbed(w, status, "no-store", map[string]string{"error": msg})
}

func writeOEmbed(w http.ResponseWriter, status int, cache string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, `{"error":"internal error"}`, http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Cache-Control", cache)
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// shareCounts are the award's share event counts for its admin page; nil when the site
// counts nothing or the viewer may not see reports (the page then shows no table).
func (s *Site) shareCounts(r *http.Request, awardID string) []service.ShareCount {
	if s.shares == nil {
		return nil
	}
	c, err := s.shares.AwardCounts(r.Context(), userFrom(r.Context()), awardID)
	if err != nil {
		return nil
	}
	return c
}

// ShareCountsShown reports whether the admin award page shows the share counts table
// (empty counts still show "None yet").
func (p *awardPage) ShareCountsShown() bool { return p.ShareCounts != nil }
