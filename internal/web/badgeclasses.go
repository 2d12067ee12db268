package web

import (
	"context"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/badgeimage"
	"github.com/rosettebadges/rosette/internal/links"
	"github.com/rosettebadges/rosette/internal/markdown"
	"github.com/rosettebadges/rosette/internal/service"
)

// BadgeClasses is what the badge class pages need of the badge classes service
// (*service.BadgeClasses). The admin methods take the signed-in user and check the
// permission themselves; Public, PublicList and Image are for anyone.
type BadgeClasses interface {
	Create(ctx context.Context, actor *badge.User, issuerID string, f badge.BadgeClassFields, image []byte) (*badge.BadgeClass, error)
	Update(ctx context.Context, actor *badge.User, id string, f badge.BadgeClassFields, image []byte) (*badge.BadgeClass, error)
	Get(ctx context.Context, actor *badge.User, id string) (*badge.BadgeClass, error)
	ListForIssuer(ctx context.Context, actor *badge.User, issuerID string) ([]*badge.BadgeClass, error)
	Versions(ctx context.Context, actor *badge.User, id string) ([]*badge.BadgeClassVersion, error)
	Public(ctx context.Context, id string, version int) (*service.PublicBadgeClass, error)
	PublicList(ctx context.Context, issuerID string) (*badge.Issuer, []*service.PublicBadgeClass, error)
	Image(ctx context.Context, id string) (*badgeimage.Image, error)
}

type badgeListPage struct {
	Frame
	Issuer    *badge.Issuer
	Classes   []*badge.BadgeClass
	CanDesign bool
}

type badgeFormPage struct {
	Frame
	Issuer *badge.Issuer
	Class  *badge.BadgeClass // nil on the new badge class form
	Form   badgeForm
	Errors formErrors
}

// AchievementTypes are the select's choices, with the current value if it is an ext: term.
func (p *badgeFormPage) AchievementTypes() []string {
	if slices.Contains(achievementTypes, p.Form.AchievementType) {
		return achievementTypes
	}
	return append(slices.Clone(achievementTypes), p.Form.AchievementType)
}

// Action is where the form posts.
func (p *badgeFormPage) Action() string {
	if p.Class != nil {
		return "/admin/badges/" + p.Class.ID + "/edit"
	}
	return "/admin/issuers/" + p.Issuer.ID + "/badges/new"
}

type badgeClassPage struct {
	Frame
	Issuer    *badge.Issuer
	Class     *badge.BadgeClass
	Versions  []*badge.BadgeClassVersion
	ImageURL  string
	Criteria  template.HTML
	Expiry    string
	CanDesign bool
	CanAward  bool
}

// imagePath is the site-relative URL of a stored image ("" for none).
func imagePath(imageID, mediaType string) string {
	if imageID == "" {
		return ""
	}
	return links.URLs{}.Image(imageID, mediaType)
}

// ImagePath is the thumbnail URL of a listed badge class.
func (p *badgeListPage) ImagePath(bc *badge.BadgeClass) string {
	return imagePath(bc.ImageID, bc.ImageMediaType)
}

// issuerFor loads the issuer with the user's role, and refuses (403) those who may not do
// action; false when the response is written.
func (s *Site) issuerFor(w http.ResponseWriter, r *http.Request, issuerID string, action badge.Action) (*badge.Issuer, badge.Role, bool) {
	u := userFrom(r.Context())
	iss, role, err := s.issuers.Get(r.Context(), u, issuerID)
	if err != nil {
		s.fail(w, r, err)
		return nil, "", false
	}
	if !can(u, role, action) {
		s.serveError(w, r, http.StatusForbidden, "You are not allowed to do this for this issuer.")
		return nil, "", false
	}
	return iss, role, true
}

// badgeList lists the issuer's badge classes.
func (s *Site) badgeList(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	iss, role, ok := s.issuerFor(w, r, r.PathValue("id"), badge.ActView)
	if !ok {
		return
	}
	list, err := s.badgeClasses.ListForIssuer(r.Context(), u, iss.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "badges", &badgeListPage{Frame: Frame{Title: "Badges of " + iss.Name, Nav: "issuers"},
		Issuer: iss, Classes: list, CanDesign: can(u, role, badge.ActDesignBadge)})
}

// badgeNew shows the empty badge class form.
func (s *Site) badgeNew(w http.ResponseWriter, r *http.Request) {
	iss, _, ok := s.issuerFor(w, r, r.PathValue("id"), badge.ActDesignBadge)
	if !ok {
		return
	}
	s.render(w, r, http.StatusOK, "badge_form", &badgeFormPage{Frame: Frame{Title: "New badge", Nav: "issuers"},
		Issuer: iss, Form: formOf(badge.BadgeClassFields{}), Errors: formErrors{}})
}

// badgeCreate creates the badge class from the posted form and its uploaded image. The
// "add more alignments" button shows the form again with more rows, saving nothing.
func (s *Site) badgeCreate(w http.ResponseWriter, r *http.Request) {
	iss, _, ok := s.issuerFor(w, r, r.PathValue("id"), badge.ActDesignBadge)
	if !ok {
		return
	}
	p := &badgeFormPage{Frame: Frame{Title: "New badge", Nav: "issuers"}, Issuer: iss, Errors: formErrors{}}
	img, err := parseBadgeUpload(r, "image")
	p.Form = badgeFormFrom(r)
	if err == nil && r.PostFormValue("add_alignments") != "" {
		p.Form = p.Form.withMoreRows()
		s.render(w, r, http.StatusOK, "badge_form", p)
		return
	}
	var bc *badge.BadgeClass
	if err == nil {
		bc, err = s.badgeClasses.Create(r.Context(), userFrom(r.Context()), iss.ID, p.Form.fields(), img)
	}
	if err != nil {
		if !s.formFailure(w, r, err, p.Errors) {
			return
		}
		s.render(w, r, statusOf(err), "badge_form", p)
		return
	}
	s.setFlash(w, r, "badge-created")
	redirect(w, r, "/admin/badges/"+bc.ID)
}

// loadBadge loads the badge class and its issuer for the signed-in user, refusing those who
// may not do action; false when the response is written.
func (s *Site) loadBadge(w http.ResponseWriter, r *http.Request, action badge.Action) (*badge.BadgeClass, *badge.Issuer, badge.Role, bool) {
	bc, err := s.badgeClasses.Get(r.Context(), userFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return nil, nil, "", false
	}
	iss, role, ok := s.issuerFor(w, r, bc.IssuerID, action)
	return bc, iss, role, ok
}

// badgeShow is the badge class's admin page.
func (s *Site) badgeShow(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	bc, iss, role, ok := s.loadBadge(w, r, badge.ActView)
	if !ok {
		return
	}
	vs, err := s.badgeClasses.Versions(r.Context(), u, bc.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := &badgeClassPage{Frame: Frame{Title: bc.Fields.Name, Nav: "issuers"}, Issuer: iss, Class: bc, Versions: vs,
		Criteria: markdown.Render(bc.Fields.CriteriaNarrative), Expiry: expiryWords(bc.Fields.Expiry),
		CanDesign: can(u, role, badge.ActDesignBadge), CanAward: can(u, role, badge.ActAward)}
	p.ImageURL = imagePath(bc.ImageID, bc.ImageMediaType)
	s.render(w, r, http.StatusOK, "badge", p)
}

// badgeEdit shows the form filled with the current version.
func (s *Site) badgeEdit(w http.ResponseWriter, r *http.Request) {
	bc, iss, _, ok := s.loadBadge(w, r, badge.ActDesignBadge)
	if !ok {
		return
	}
	s.render(w, r, http.StatusOK, "badge_form", &badgeFormPage{Frame: Frame{Title: "Edit " + bc.Fields.Name, Nav: "issuers"},
		Issuer: iss, Class: bc, Form: formOf(bc.Fields), Errors: formErrors{}})
}

// badgeUpdate saves the form as a new version; without a new file the image is kept.
func (s *Site) badgeUpdate(w http.ResponseWriter, r *http.Request) {
	bc, iss, _, ok := s.loadBadge(w, r, badge.ActDesignBadge)
	if !ok {
		return
	}
	p := &badgeFormPage{Frame: Frame{Title: "Edit " + bc.Fields.Name, Nav: "issuers"}, Issuer: iss, Class: bc, Errors: formErrors{}}
	img, err := parseBadgeUpload(r, "image")
	p.Form = badgeFormFrom(r)
	if err == nil && r.PostFormValue("add_alignments") != "" {
		p.Form = p.Form.withMoreRows()
		s.render(w, r, http.StatusOK, "badge_form", p)
		return
	}
	var saved *badge.BadgeClass
	if err == nil {
		saved, err = s.badgeClasses.Update(r.Context(), userFrom(r.Context()), bc.ID, p.Form.fields(), img)
	}
	if err != nil {
		if !s.formFailure(w, r, err, p.Errors) {
			return
		}
		s.render(w, r, statusOf(err), "badge_form", p)
		return
	}
	if saved.Version == bc.Version {
		s.setFlash(w, r, "badge-unchanged")
	} else {
		s.setFlash(w, r, "badge-saved")
	}
	redirect(w, r, "/admin/badges/"+bc.ID)
}

// expiryWords says the expiry rule in words.
func expiryWords(e badge.Expiry) string {
	switch e.Kind {
	case badge.ExpiryFixed:
		if d, err := time.Parse(time.DateOnly, e.Date); err == nil {
			return "Awards expire at the end of " + d.Format("2 January 2006") + " (UTC)."
		}
		return "Awards expire at the end of " + e.Date + " (UTC)."
	case badge.ExpiryDuration:
		unit := e.Unit
		if e.Count == 1 {
			unit = unit[:len(unit)-1]
		}
		return "Awards expire " + strconv.Itoa(e.Count) + " " + unit + " after they are issued."
	}
	return "Awards do not expire."
}
