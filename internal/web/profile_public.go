package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/rosettebadges/rosette/internal/markdown"
	"github.com/rosettebadges/rosette/internal/server"
	"github.com/rosettebadges/rosette/internal/service"
)

// profileImagesCSP is the page policy of the public profile pages, which show the pictures of
// badges from other platforms (https images from anywhere; the site's own policy otherwise).
var profileImagesCSP = strings.Replace(server.ContentSecurityPolicy, "img-src 'self' data:", "img-src 'self' data: https:", 1)

// badgeCard is a badge on a public profile: where its card links (the award's public page
// for a badge of this installation, the read-only imported-badge page otherwise).
type badgeCard struct {
	*service.ProfileBadge
	Href  string
	Image string // "" when it has none that may be shown
}

type publicCollection struct {
	*service.Collection
	Cards []badgeCard
}

type publicProfilePage struct {
	Frame
	P           *service.Profile
	Name        string
	Bio         template.HTML
	Cards       []badgeCard
	Collections []publicCollection
	Skills      []service.Skill
	Preview     bool // the earner's own preview
	Hidden      bool // (preview) visitors get "not found" now
}

// cardOf makes the card of a badge of the profile with this handle.
func (s *Site) cardOf(handle string, b *service.ProfileBadge) badgeCard {
	c := badgeCard{ProfileBadge: b, Href: "/u/" + handle + "/badges/" + url.PathEscape(b.ID)}
	if b.Source == "award" && b.AwardID != "" {
		c.Href = s.urls.Award(b.AwardID)
	}
	if u, err := url.Parse(b.ImageURL); err == nil && (u.Scheme == "https" || (u.Scheme == "" && u.Host == "" && len(b.ImageURL) > 1 && b.ImageURL[0] == '/')) {
		c.Image = b.ImageURL
	} else if err == nil && u.Scheme == "http" && s.urls.Base != "" {
		if base, err := url.Parse(s.urls.Base); err == nil && base.Host == u.Host {
			c.Image = b.ImageURL // this installation's own images (plain-HTTP deployments)
		}
	}
	return c
}

// displayName is the name a public page shows for a profile.
func displayName(p *service.Profile) string {
	if p.DisplayName != "" {
		return p.DisplayName
	}
	return p.Handle
}

// robots sets the page's search-engine policy: noindex unless the earner chose to be found.
func robots(w http.ResponseWriter, f *Frame, discoverable bool) {
	if !discoverable {
		f.NoIndex = true
		w.Header().Set("X-Robots-Tag", "noindex")
	}
}

// publicProfile is the public page of an earner: /u/{handle}. It is a 404 when the profile
// is not public or a safeguarding mode (site or account) is on, the same page as for a handle
// nobody has.
func (s *Site) publicProfile(w http.ResponseWriter, r *http.Request) {
	pp, err := s.profiles.PublicProfile(r.Context(), r.PathValue("handle"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.publicProfilePage(pp)
	robots(w, &p.Frame, pp.Profile.Discoverable)
	w.Header().Set("Content-Security-Policy", profileImagesCSP)
	s.render(w, r, http.StatusOK, "profile_public", p)
}

// profilePreview shows the signed-in earner their profile as the public would see it once
// public, even while it is private or in safeguarding mode (never indexed).
func (s *Site) profilePreview(w http.ResponseWriter, r *http.Request) {
	pp, err := s.profiles.PreviewProfile(r.Context(), userFrom(r.Context()))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.publicProfilePage(pp)
	p.Preview, p.Hidden = true, pp.Hidden
	p.Frame.OG = nil
	robots(w, &p.Frame, false)
	w.Header().Set("Content-Security-Policy", profileImagesCSP)
	s.render(w, r, http.StatusOK, "profile_public", p)
}

func (s *Site) publicProfilePage(pp *service.PublicProfile) *publicProfilePage {
	h := pp.Profile.Handle
	p := &publicProfilePage{P: pp.Profile, Name: displayName(pp.Profile), Bio: markdown.Render(pp.Profile.Bio), Skills: pp.Skills}
	for _, b := range pp.Badges {
		p.Cards = append(p.Cards, s.cardOf(h, b))
	}
	for _, c := range pp.Collections {
		pc := publicCollection{Collection: c}
		for _, b := range c.Badges {
			pc.Cards = append(pc.Cards, s.cardOf(h, b))
		}
		p.Collections = append(p.Collections, pc)
	}
	desc := pp.Profile.Headline
	if desc == "" {
		desc = "The badges of " + p.Name + "."
	}
	p.Frame = Frame{Title: p.Name, OG: &openGraph{Type: "profile", Title: p.Name, Description: desc,
		URL: s.urls.Base + "/u/" + h, Card: "summary"}}
	return p
}

type publicProfileBadgePage struct {
	Frame
	Name string
	P    *service.Profile
	Card badgeCard
}

// publicProfileBadge is the read-only page of a public badge on a public profile:
// /u/{handle}/badges/{item}. A badge of this installation has its own award page, where this
// one sends the visitor.
func (s *Site) publicProfileBadge(w http.ResponseWriter, r *http.Request) {
	prof, b, err := s.profiles.PublicBadge(r.Context(), r.PathValue("handle"), r.PathValue("item"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	card := s.cardOf(prof.Handle, b)
	if b.Source == "award" && b.AwardID != "" {
		http.Redirect(w, r, card.Href, http.StatusSeeOther)
		return
	}
	p := &publicProfileBadgePage{Name: displayName(prof), P: prof, Card: card}
	p.Frame = Frame{Title: b.Name + " · " + p.Name, OG: &openGraph{Type: "article", Title: b.Name, Description: b.Description,
		URL: s.urls.Base + card.Href, Image: card.Image, Card: "summary"}}
	robots(w, &p.Frame, prof.Discoverable)
	w.Header().Set("Content-Security-Policy", profileImagesCSP)
	s.render(w, r, http.StatusOK, "profile_badge", p)
}
