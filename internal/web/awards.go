package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/service"
	"github.com/rosettebadges/rosette/internal/store"
)

// Awards is what the award admin pages need of the awards service (*service.Awards). Every
// method takes the signed-in user and checks the permission itself.
type Awards interface {
	Issue(ctx context.Context, actor *badge.User, req badge.AwardRequest) (*badge.Award, error)
	Get(ctx context.Context, actor *badge.User, id string) (*badge.Award, error)
	ListForBadgeClass(ctx context.Context, actor *badge.User, badgeClassID string, limit, offset int) ([]*badge.Award, int, error)
	Revoke(ctx context.Context, actor *badge.User, id, reason string) (*badge.Award, error)
	RevokeMany(ctx context.Context, actor *badge.User, badgeClassID string, refs []string, reason string) (int, error)
}

// evidenceRows is how many evidence rows the award form offers.
const evidenceRows = 3

// awardsPerPage is the length of a page of the awards list.
const awardsPerPage = 50

type awardFormPage struct {
	Frame
	Class      *badge.BadgeClass
	Issuer     *badge.Issuer
	Form       awardForm
	Errors     formErrors
	Recipients []badge.RecipientType
}

// awardForm is the award form as typed.
type awardForm struct {
	Key           string // idempotency key: a double submission makes one award
	Recipient     string
	RecipientType string
	Name          string
	Narrative     string
	Evidence      []badge.Evidence
	Issued        string // YYYY-MM-DD
	Expires       string
	Notify        bool
}

type awardListPage struct {
	Frame
	Class     *badge.BadgeClass
	Issuer    *badge.Issuer
	Awards    []awardRow
	Total     int
	Page      int
	Pages     int
	CanAward  bool
	CanRevoke bool
	Revoke    revokeManyForm
	PrevPage  int
	NextPage  int
	ShowPager bool
}

// revokeManyForm is the bulk revocation form as typed, with its problems.
type revokeManyForm struct {
	Refs     string
	Reason   string
	Errors   formErrors
	Problems []string // one per line that matched no award
}

type awardRow struct {
	*badge.Award
	Status badge.AwardStatus
}

type awardPage struct {
	Frame
	Award     *badge.Award
	Status    badge.AwardStatus
	Class     *badge.BadgeClass
	Issuer    *badge.Issuer
	CanRevoke bool
	Errors    formErrors
	Reason    string
	Public    string // the award's public URL path
	// Response is what the recipient did with the claim link (nil without the earner pages).
	Response *store.AwardResponse
	// ShareCounts are the award's share events by kind and channel (nil: not shown).
	ShareCounts []service.ShareCount
}

func newFormKey() string {
	var b [16]byte
	rand.Read(b[:])
	return "form:" + hex.EncodeToString(b[:])
}

// classAndIssuer loads the badge class and its issuer with the user's role on it.
func (s *Site) classAndIssuer(r *http.Request, id string) (*badge.BadgeClass, *badge.Issuer, badge.Role, error) {
	u := userFrom(r.Context())
	bc, err := s.badgeClasses.Get(r.Context(), u, id)
	if err != nil {
		return nil, nil, "", err
	}
	iss, role, err := s.issuers.Get(r.Context(), u, bc.IssuerID)
	if err != nil {
		return nil, nil, "", err
	}
	return bc, iss, role, nil
}

// awardNew shows the form to award a badge class to one recipient.
func (s *Site) awardNew(w http.ResponseWriter, r *http.Request) {
	bc, iss, role, err := s.classAndIssuer(r, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !can(userFrom(r.Context()), role, badge.ActAward) {
		s.serveError(w, r, http.StatusForbidden, "You are not allowed to award this issuer's badges.")
		return
	}
	s.render(w, r, http.StatusOK, "award_form", s.awardFormPage(bc, iss, awardForm{Key: newFormKey(), Notify: true}, nil))
}

func (s *Site) awardFormPage(bc *badge.BadgeClass, iss *badge.Issuer, f awardForm, errs formErrors) *awardFormPage {
	for len(f.Evidence) < evidenceRows {
		f.Evidence = append(f.Evidence, badge.Evidence{})
	}
	if errs == nil {
		errs = formErrors{}
	}
	return &awardFormPage{Frame: Frame{Title: "Award " + bc.Fields.Name, Nav: "issuers"}, Class: bc, Issuer: iss, Form: f, Errors: errs,
		Recipients: []badge.RecipientType{badge.RecipientEmail, badge.RecipientURL, badge.RecipientPhone, badge.RecipientDID}}
}

func awardFormFrom(r *http.Request) awardForm {
	f := r.PostForm
	af := awardForm{Key: f.Get("key"), Recipient: f.Get("recipient"), RecipientType: f.Get("recipient_type"), Name: f.Get("recipient_name"),
		Narrative: f.Get("narrative"), Issued: f.Get("issued"), Expires: f.Get("expires"), Notify: f.Get("notify") == "on"}
	for i := range evidenceRows {
		n := strconv.Itoa(i)
		af.Evidence = append(af.Evidence, badge.Evidence{URL: f.Get("evidence_url_" + n), Name: f.Get("evidence_name_" + n),
			Narrative: f.Get("evidence_narrative_" + n)})
	}
	return af
}

// parseDay reads a YYYY-MM-DD form date ("" is the zero time) as midnight UTC.
func parseDay(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, true
	}
	t, err := time.Parse("2006-01-02", s)
	return t, err == nil
}

// awardCreate issues the award and shows it.
func (s *Site) awardCreate(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, badge.E(badge.Invalid, "The form could not be read.", err))
		return
	}
	u, id := userFrom(r.Context()), r.PathValue("id")
	f := awardFormFrom(r)
	errs := formErrors{}
	req := badge.AwardRequest{BadgeClassID: id, Recipient: badge.Recipient{Identity: f.Recipient, Name: f.Name},
		Narrative: f.Narrative, Evidence: f.Evidence, Notify: f.Notify, Key: f.Key}
	if t, err := badge.ParseRecipientType(f.RecipientType); err != nil {
		errs["recipient_type"] = badge.SafeMessage(err)
	} else {
		req.Recipient.Type = t
	}
	var ok bool
	if req.IssuedAt, ok = parseDay(f.Issued); !ok {
		errs["issued"] = "Issue date must be a date, like 2026-11-23."
	}
	if req.ExpiresAt, ok = parseDay(f.Expires); !ok {
		errs["expires"] = "Expiry date must be a date, like 2027-11-23."
	}
	var a *badge.Award
	var err error
	if len(errs) == 0 {
		a, err = s.awards.Issue(r.Context(), u, req)
		if err == nil {
			s.setFlash(w, r, "award-issued")
			redirect(w, r, "/admin/awards/"+url.PathEscape(a.ID))
			return
		}
		if !errors.Is(err, badge.Invalid) && !errors.Is(err, badge.Conflict) {
			s.fail(w, r, err)
			return
		}
	}
	bc, iss, role, gerr := s.classAndIssuer(r, id)
	if gerr != nil {
		s.fail(w, r, gerr)
		return
	}
	if !can(u, role, badge.ActAward) { // the service checks the request before the permission
		s.serveError(w, r, http.StatusForbidden, "You are not allowed to award this issuer's badges.")
		return
	}
	if err != nil {
		s.formFailure(w, r, err, errs)
	}
	s.render(w, r, http.StatusUnprocessableEntity, "award_form", s.awardFormPage(bc, iss, f, errs))
}

// awardList lists a badge class's awards, newest first, a page at a time.
func (s *Site) awardList(w http.ResponseWriter, r *http.Request) {
	s.renderAwardList(w, r, http.StatusOK, revokeManyForm{Errors: formErrors{}})
}

// awardRevokeMany revokes the awards named one per line (ids or recipients) with one reason.
func (s *Site) awardRevokeMany(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, badge.E(badge.Invalid, "The form could not be read.", err))
		return
	}
	f := revokeManyForm{Refs: r.PostForm.Get("awards"), Reason: r.PostForm.Get("reason"), Errors: formErrors{}}
	refs := strings.Split(strings.ReplaceAll(f.Refs, "\r\n", "\n"), "\n")
	n, err := s.awards.RevokeMany(r.Context(), userFrom(r.Context()), r.PathValue("id"), refs, f.Reason)
	if err == nil {
		s.setFlash(w, r, "awards-revoked")
		redirect(w, r, "/admin/badges/"+url.PathEscape(r.PathValue("id"))+"/awards?revoked="+strconv.Itoa(n))
		return
	}
	var be *service.BatchError
	if errors.As(err, &be) {
		for _, it := range be.Items {
			f.Problems = append(f.Problems, fmt.Sprintf("Line %d: %s", it.Index+1, badge.SafeMessage(it.Err)))
		}
		f.Errors["awards"] = "Nothing was revoked: fix or remove these lines."
	} else if !s.formFailure(w, r, err, f.Errors) {
		return
	}
	s.renderAwardList(w, r, http.StatusUnprocessableEntity, f)
}

func (s *Site) renderAwardList(w http.ResponseWriter, r *http.Request, status int, rf revokeManyForm) {
	u, id := userFrom(r.Context()), r.PathValue("id")
	bc, iss, role, err := s.classAndIssuer(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	page = max(page, 1)
	list, total, err := s.awards.ListForBadgeClass(r.Context(), u, id, awardsPerPage, (page-1)*awardsPerPage)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	now := time.Now()
	p := &awardListPage{Frame: Frame{Title: "Awards of " + bc.Fields.Name, Nav: "issuers"}, Class: bc, Issuer: iss, Total: total,
		Page: page, Pages: max(1, (total+awardsPerPage-1)/awardsPerPage), CanAward: can(u, role, badge.ActAward),
		CanRevoke: can(u, role, badge.ActRevoke), Revoke: rf}
	for _, a := range list {
		p.Awards = append(p.Awards, awardRow{Award: a, Status: a.Status(now)})
	}
	p.ShowPager = p.Pages > 1
	if page > 1 {
		p.PrevPage = page - 1
	}
	if page < p.Pages {
		p.NextPage = page + 1
	}
	s.render(w, r, status, "awards", p)
}

// awardShow is an award's admin page: its details, public links, and revocation.
func (s *Site) awardShow(w http.ResponseWriter, r *http.Request) {
	s.renderAward(w, r, http.StatusOK, "", nil)
}

func (s *Site) renderAward(w http.ResponseWriter, r *http.Request, status int, reason string, errs formErrors) {
	u, id := userFrom(r.Context()), r.PathValue("id")
	a, err := s.awards.Get(r.Context(), u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	bc, iss, role, err := s.classAndIssuer(r, a.BadgeClassID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if errs == nil {
		errs = formErrors{}
	}
	st := a.Status(time.Now())
	p := &awardPage{Frame: Frame{Title: bc.Fields.Name + " for " + a.Recipient.Identity, Nav: "issuers"},
		Award: a, Status: st, Class: bc, Issuer: iss, CanRevoke: st != badge.AwardRevoked && can(u, role, badge.ActRevoke),
		Errors: errs, Reason: reason, Public: s.urls.Award(a.ID), ShareCounts: s.shareCounts(r, a.ID)}
	if s.earners != nil {
		if p.Response, err = s.earners.AwardResponse(r.Context(), a.ID); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.render(w, r, status, "award", p)
}

// awardRevoke revokes the award with the reason given.
func (s *Site) awardRevoke(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, badge.E(badge.Invalid, "The form could not be read.", err))
		return
	}
	id, reason := r.PathValue("id"), r.PostForm.Get("reason")
	_, err := s.awards.Revoke(r.Context(), userFrom(r.Context()), id, reason)
	if err == nil {
		s.setFlash(w, r, "award-revoked")
		redirect(w, r, "/admin/awards/"+url.PathEscape(id))
		return
	}
	errs := formErrors{}
	if !s.formFailure(w, r, err, errs) {
		return
	}
	s.renderAward(w, r, http.StatusUnprocessableEntity, reason, errs)
}
