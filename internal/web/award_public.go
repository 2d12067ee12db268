package web

import (
	"bytes"
	"context"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/markdown"
	"github.com/rosettebadges/rosette/internal/server"
	"github.com/rosettebadges/rosette/internal/service"
	"github.com/rosettebadges/rosette/openbadges/verify"
)

// PublicAwards is what the public award page and claim links need of the awards service
// (*service.Awards). Neither needs anyone signed in.
type PublicAwards interface {
	PublicState(ctx context.Context, id string) (*service.AwardState, error)
	Public(ctx context.Context, id string) (*service.PublicAward, error)
	ClaimTarget(ctx context.Context, token string) (string, error)
}

// AwardVerifier verifies an award's signed credential for its public page; internal/cli
// builds it (the verifier over identity.LocalFetcher: this installation's documents in
// process, others through the outbound fetcher).
type AwardVerifier func(ctx context.Context, credential []byte) *verify.Report

// awardVerifyTimeout bounds one verification of an award page; it runs detached from the
// request, so that a visitor leaving does not waste the result the next one needs.
const awardVerifyTimeout = 20 * time.Second

// beingIssuedRefresh is how often the "being issued" page reloads itself, in seconds.
const beingIssuedRefresh = 3

// publicAwardPage is the data of the public award page: the frame (with its Open Graph tags)
// and the body, rendered once per award state and cached with its verification report.
type publicAwardPage struct {
	Frame
	Body  template.HTML
	Share *sharePanel // the earner's share panel, when the earner is the viewer
}

// awardBody is the data of the award page's body (template "award-body").
type awardBody struct {
	Award  *badge.Award
	Issuer *badge.Issuer
	Badge  badge.BadgeClassFields
	Status badge.AwardStatus
	// Recipient is the name shown ("" when the award has none or the earner hid it).
	Recipient  string
	NameHidden bool
	Image      string       // path of the badge image, "" if none
	IssuerLogo template.URL // http(s) or data:image/ URI, "" if none
	IssuerPage string       // path of the issuer's public page
	BadgePage  string       // path of the badge class's public page
	Criteria   template.HTML
	Narrative  template.HTML
	Evidence   []evidenceView
	Alignments []badge.Alignment // URL kept only when http(s)
	Report     template.HTML     // the rendered verification report
	Downloads  []download
	VerifyURL  string // "Verify independently": the public verification page on this award
	NotSigned  bool   // recorded, not yet signed: the page says so and reloads itself
}

// download is one link in the page's downloads list.
type download struct {
	Label, Href, Note string
}

// AwardPage is the public award page: plug it into identity.AwardHandler.HTML, which answers
// browsers at /awards/{id} with it and JSON-LD clients with the credential. Nil when the site
// has no PublicAwards.
func (s *Site) AwardPage() http.Handler {
	if s.publicAwards == nil {
		return nil
	}
	return s.withUser(s.awardPublic)
}

// cachedAwardPage is an award page as cached: everything but the frame's per-visitor parts
// (who is signed in, the flash message).
type cachedAwardPage struct {
	title string
	og    *openGraph
	csp   string // "" for the global policy
	body  template.HTML
	// anonymous is the whole page as shown to a visitor who is not signed in and has no
	// flash message (most visitors), kept once rendered.
	anonymous atomic.Pointer[[]byte]
}

// awardPublic renders the award page. The award's state is read from the database on every
// view (one small query), so a revocation on another node shows at once; the page for that
// state, verification report included, comes from the cache, and is built (one more query, a
// verification and the body's rendering) only when the state is new.
func (s *Site) awardPublic(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	st, err := s.publicAwards.PublicState(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	now := s.clock.Now()
	share := s.recordAwardView(r, id)
	if !st.Signed {
		// Being issued: nothing to verify yet, and nothing cached.
		pg, err := s.buildAwardPage(r, id, now, false)
		if err != nil {
			s.awardPageFailed(w, r, err)
			return
		}
		s.renderAwardPage(w, r, pg.cachedAwardPage, beingIssuedRefresh, share)
		return
	}
	key := reportKey{awardID: id, signed: true, hidden: st.RecipientNameHidden, issuerUpdated: st.IssuerUpdatedAt.UnixNano()}
	if !st.RevokedAt.IsZero() {
		key.revokedAt = st.RevokedAt.UnixNano()
	}
	pg, _, err := s.reports.get(r.Context(), key, now, []time.Time{st.ExpiresAt, st.IssuedAt},
		func() (*cachedAwardPage, verify.Verdict, error) {
			pg, err := s.buildAwardPage(r, id, now, true)
			if err != nil {
				return nil, "", err
			}
			return pg.cachedAwardPage, pg.verdict, nil
		})
	if err != nil {
		s.awardPageFailed(w, r, err)
		return
	}
	s.renderAwardPage(w, r, pg, 0, share)
}

// builtAwardPage is a freshly built page and the verdict of its verification.
type builtAwardPage struct {
	*cachedAwardPage
	verdict verify.Verdict
}

// buildAwardPage reads the award and renders its page (verifying it first when verifyIt).
func (s *Site) buildAwardPage(r *http.Request, id string, now time.Time, verifyIt bool) (*builtAwardPage, error) {
	p, err := s.publicAwards.Public(r.Context(), id)
	if err != nil {
		return nil, err
	}
	a := p.Award
	recipient := a.Recipient.Name
	if a.RecipientNameHidden {
		recipient = ""
	}
	pg := &builtAwardPage{cachedAwardPage: &cachedAwardPage{title: p.BadgeClass.Fields.Name, og: s.awardOpenGraph(p, recipient)}}
	if logo := imageURL(p.Issuer.LogoURL); strings.HasPrefix(string(logo), "http") {
		// The logo is on another site: allow images from its origin on this page only.
		if u, err := url.Parse(string(logo)); err == nil {
			pg.csp = strings.Replace(server.ContentSecurityPolicy, "img-src 'self' data:", "img-src 'self' data: "+u.Scheme+"://"+u.Host, 1)
		}
	}
	var report template.HTML
	if verifyIt && a.Signed && p.Credential != nil {
		if report, pg.verdict, err = s.verifyAwardReport(r, p.Credential); err != nil {
			return nil, err
		}
	} else {
		pg.title = "Being issued · " + pg.title
	}
	pg.body, err = s.renderAwardBody(s.awardBody(p, recipient, now, report))
	return pg, err
}

// renderAwardPage writes the page; for a visitor who is not signed in and has no flash
// message, it is the same bytes every time, rendered once.
func (s *Site) renderAwardPage(w http.ResponseWriter, r *http.Request, pg *cachedAwardPage, refresh int, share *sharePanel) {
	if pg.csp != "" {
		w.Header().Set("Content-Security-Policy", pg.csp)
	}
	_, flashErr := r.Cookie(flashCookie)
	anonymous := refresh == 0 && userFrom(r.Context()) == nil && flashErr != nil
	if anonymous {
		if b := pg.anonymous.Load(); b != nil {
			writePage(w, http.StatusOK, *b)
			return
		}
	}
	b, ok := s.execute(w, r, "award_public", &publicAwardPage{Frame: Frame{Title: pg.title, OG: pg.og, Refresh: refresh}, Body: pg.body, Share: share})
	if !ok {
		return
	}
	if anonymous {
		pg.anonymous.Store(&b)
	}
	writePage(w, http.StatusOK, b)
}

func (s *Site) awardPageFailed(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, context.Canceled) || r.Context().Err() != nil {
		return // the visitor left (the database driver may say so in its own words)
	}
	s.fail(w, r, err)
}

// awardBody gathers what the page body shows.
func (s *Site) awardBody(p *service.PublicAward, recipient string, now time.Time, report template.HTML) *awardBody {
	a, v := p.Award, p.BadgeClass
	b := &awardBody{
		Award:      a,
		Issuer:     p.Issuer,
		Badge:      v.Fields,
		Status:     a.Status(now),
		Recipient:  recipient,
		NameHidden: a.RecipientNameHidden,
		IssuerLogo: imageURL(p.Issuer.LogoURL),
		IssuerPage: s.localPath(s.urls.Profile(p.Issuer.ID)),
		BadgePage:  s.localPath(s.urls.BadgeClass(a.BadgeClassID)),
		VerifyURL:  s.localPath(s.urls.VerifyOf(s.urls.Award(a.ID))),
		NotSigned:  !a.Signed || p.Credential == nil,
		Report:     report,
	}
	if v.ImageID != "" {
		b.Image = s.localPath(s.urls.Image(v.ImageID, p.ImageMediaType))
	}
	if v.Fields.CriteriaNarrative != "" {
		b.Criteria = markdown.Render(v.Fields.CriteriaNarrative)
	}
	if a.Narrative != "" {
		b.Narrative = markdown.Render(a.Narrative)
	}
	for _, e := range a.Evidence {
		ev := evidenceView{Name: e.Name, URL: httpURL(e.URL)}
		if e.Narrative != "" {
			ev.Narrative = markdown.Render(e.Narrative)
		}
		if ev.Name == "" && ev.URL == "" && ev.Narrative == "" {
			continue
		}
		b.Evidence = append(b.Evidence, ev)
	}
	for _, al := range v.Fields.Alignments {
		al.URL = httpURL(al.URL)
		b.Alignments = append(b.Alignments, al)
	}
	if !b.NotSigned {
		b.Downloads = s.awardDownloads(a.ID, p.ImageMediaType)
	}
	return b
}

// renderAwardBody executes the page body template.
func (s *Site) renderAwardBody(b *awardBody) (template.HTML, error) {
	var buf bytes.Buffer
	if err := s.pages.byName["award_public"].ExecuteTemplate(&buf, "award-body", b); err != nil {
		return "", err
	}
	return template.HTML(buf.String()), nil
}

// verifyAwardReport runs the verifier over the signed credential and renders the compact
// report partial (verdict banner, checks folded in <details>).
func (s *Site) verifyAwardReport(r *http.Request, credential []byte) (template.HTML, verify.Verdict, error) {
	select {
	case s.awardVerifySlots <- struct{}{}:
	case <-r.Context().Done():
		return "", "", r.Context().Err()
	}
	defer func() { <-s.awardVerifySlots }()
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), awardVerifyTimeout)
	defer cancel()
	start := time.Now()
	rep := s.verifyAward(ctx, credential)
	s.log.LogAttrs(r.Context(), slog.LevelDebug, "award verified for its page",
		slog.String("award_id", r.PathValue("id")), slog.String("verdict", string(rep.Verdict)),
		slog.Duration("took", time.Since(start)))
	view := newReportView(rep)
	view.Compact = true
	var buf bytes.Buffer
	if err := s.pages.byName["award_public"].ExecuteTemplate(&buf, "report", &view); err != nil {
		return "", "", err
	}
	return template.HTML(buf.String()), rep.Verdict, nil
}

// awardOpenGraph is the Open Graph / Twitter card description of the award (absolute URLs).
func (s *Site) awardOpenGraph(p *service.PublicAward, recipient string) *openGraph {
	f := p.BadgeClass.Fields
	og := &openGraph{Type: "article", Title: f.Name, Description: f.Description, URL: s.urls.Award(p.Award.ID), Card: "summary"}
	if s.shares != nil {
		og.OEmbed = s.oembedURL(og.URL)
	}
	if recipient != "" {
		og.Title = f.Name + " · awarded to " + recipient
	}
	if p.BadgeClass.ImageID != "" {
		og.Image = s.urls.Image(p.BadgeClass.ImageID, p.ImageMediaType)
	}
	return og
}

// awardDownloads lists the award's documents; baked images come in the badge image's own
// format.
func (s *Site) awardDownloads(id, mediaType string) []download {
	out := []download{}
	if s.certificates != nil {
		out = append(out, download{"Download certificate (PDF)", s.localPath(s.urls.Award(id)) + "/certificate.pdf", "printable, with a QR code that verifies it"})
	}
	ext := ""
	switch mediaType {
	case "image/png":
		ext = "png"
	case "image/svg+xml":
		ext = "svg"
	}
	if ext != "" {
		up := strings.ToUpper(ext)
		out = append(out,
			download{"Badge image with the Open Badges 3.0 credential baked in (" + up + ")", s.localPath(s.urls.AwardImage(id, ext)), "for wallets and backpacks that import images"},
			download{"Badge image with the Open Badges 2.0 assertion baked in (" + up + ")", s.localPath(s.urls.AwardAssertionImage(id, ext)), "for older backpacks"})
	}
	return append(out,
		download{"Open Badges 3.0 credential (JSON-LD)", s.localPath(s.urls.AwardCredential(id)), "signed with a Data Integrity proof"},
		download{"Open Badges 3.0 credential (VC-JWT)", s.localPath(s.urls.AwardJWT(id)), "the same credential as a signed token"},
		download{"Open Badges 2.0 assertion (JSON)", s.localPath(s.urls.AwardAssertion(id)), "hosted verification"},
	)
}

// localPath is the path (and query) of one of this installation's public URLs, for links and
// images in its own pages: they then work whatever host name the page was reached by, and
// stay within the Content-Security-Policy's 'self'.
func (s *Site) localPath(abs string) string {
	u, err := url.Parse(abs)
	if err != nil || u.Path == "" {
		return abs
	}
	return u.RequestURI()
}

// claim follows the claim link of an award email: GET /claim/{token}. A valid token leads
// to the award's page with a word for the earner; any other is a 404 saying the link is not
// valid. Nothing is changed (accepting a badge into a wallet comes later).
func (s *Site) claim(w http.ResponseWriter, r *http.Request) {
	id, err := s.publicAwards.ClaimTarget(r.Context(), r.PathValue("token"))
	if err != nil {
		if badge.KindOf(err) == badge.NotFound {
			s.serveError(w, r, http.StatusNotFound, "This claim link is not valid. Check that the whole link from the email was opened; if it was, ask the issuer of the badge for a new one.")
			return
		}
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	s.setFlash(w, r, "award-claim")
	http.Redirect(w, r, s.localPath(s.urls.Award(id)), http.StatusSeeOther)
}
