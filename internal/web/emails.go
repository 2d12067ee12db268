package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/service"
)

// emailsPage is /account/emails: the account's addresses, and a form adding one.
type emailsPage struct {
	Frame
	Emails []service.EmailAddress
	Email  string
	Errors formErrors
}

func (s *Site) emailsData(w http.ResponseWriter, r *http.Request) (*emailsPage, bool) {
	es, err := s.earners.Emails(r.Context(), userFrom(r.Context()))
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	return &emailsPage{Frame: Frame{Title: "Email addresses", Nav: "account"}, Emails: es, Errors: formErrors{}}, true
}

// emailsPage lists the account's addresses: GET /account/emails.
func (s *Site) emailsPage(w http.ResponseWriter, r *http.Request) {
	if p, ok := s.emailsData(w, r); ok {
		s.render(w, r, http.StatusOK, "emails", p)
	}
}

// emailAdd adds an address and sends it a verification link.
func (s *Site) emailAdd(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, badge.E(badge.Invalid, "The form could not be read.", err))
		return
	}
	email := strings.TrimSpace(r.PostForm.Get("email"))
	if _, err := s.earners.AddEmail(r.Context(), userFrom(r.Context()), email); err != nil {
		s.emailFailure(w, r, err, email)
		return
	}
	s.setFlash(w, r, "email-added")
	redirect(w, r, "/account/emails")
}

// emailFailure shows the page again with the service's message.
func (s *Site) emailFailure(w http.ResponseWriter, r *http.Request, err error, email string) {
	if errors.Is(err, badge.NotFound) {
		s.serveError(w, r, http.StatusNotFound, badge.SafeMessage(err))
		return
	}
	p, ok := s.emailsData(w, r)
	if !ok {
		return
	}
	if !s.formFailure(w, r, err, p.Errors) {
		return
	}
	if m := p.Errors["email"]; m != "" && email == "" {
		p.Errors[""], p.Errors["email"] = m, ""
	}
	p.Email = email
	s.render(w, r, statusOf(err), "emails", p)
}

func emailID(r *http.Request) int64 {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	return id
}

// emailPrimary makes an address the primary one.
func (s *Site) emailPrimary(w http.ResponseWriter, r *http.Request) {
	if err := s.earners.MakePrimary(r.Context(), userFrom(r.Context()), emailID(r)); err != nil {
		s.emailFailure(w, r, err, "")
		return
	}
	s.setFlash(w, r, "email-primary")
	redirect(w, r, "/account/emails")
}

// emailRemove removes an address.
func (s *Site) emailRemove(w http.ResponseWriter, r *http.Request) {
	if err := s.earners.RemoveEmail(r.Context(), userFrom(r.Context()), emailID(r)); err != nil {
		s.emailFailure(w, r, err, "")
		return
	}
	s.setFlash(w, r, "email-removed")
	redirect(w, r, "/account/emails")
}

// emailVerify follows the link of a verification email: GET /account/emails/verify/{token}.
// No sign-in is needed (the link proves control of the address).
func (s *Site) emailVerify(w http.ResponseWriter, r *http.Request) {
	noStoreClaim(w)
	if _, err := s.earners.VerifyEmail(r.Context(), r.PathValue("token")); err != nil {
		if errors.Is(err, badge.NotFound) || errors.Is(err, badge.Invalid) || errors.Is(err, badge.Conflict) {
			s.serveError(w, r, statusOf(err), badge.SafeMessage(err))
			return
		}
		s.fail(w, r, err)
		return
	}
	s.setFlash(w, r, "email-verified")
	if userFrom(r.Context()) != nil {
		redirect(w, r, "/account/emails")
		return
	}
	redirect(w, r, "/login?next=/wallet")
}

// mergePage is /account/merge: another account's email and password.
type mergePage struct {
	Frame
	Email  string
	Errors formErrors
}

func (s *Site) mergeForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "merge", &mergePage{Frame: Frame{Title: "Merge accounts", Nav: "account"}})
}

// mergeSubmit merges the other account into the signed-in one.
func (s *Site) mergeSubmit(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, badge.E(badge.Invalid, "The form could not be read.", err))
		return
	}
	p := &mergePage{Frame: Frame{Title: "Merge accounts", Nav: "account"}, Email: strings.TrimSpace(r.PostForm.Get("email")), Errors: formErrors{}}
	password := r.PostForm.Get("password")
	if p.Email == "" {
		p.Errors["email"] = "Enter the email address of the other account."
	}
	if password == "" {
		p.Errors["password"] = "Enter the password of the other account."
	}
	if len(p.Errors) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, "merge", p)
		return
	}
	if _, err := s.earners.Merge(r.Context(), userFrom(r.Context()), p.Email, password, clientAddr(r)); err != nil {
		if errors.Is(err, badge.Unauthorized) {
			p.Errors[""] = badge.SafeMessage(err)
			s.render(w, r, http.StatusUnprocessableEntity, "merge", p)
			return
		}
		if !s.formFailure(w, r, err, p.Errors) {
			return
		}
		s.render(w, r, statusOf(err), "merge", p)
		return
	}
	s.setFlash(w, r, "accounts-merged")
	redirect(w, r, "/wallet")
}
