package web

import (
	"errors"
	"net/http"

	"github.com/rosettebadges/rosette/internal/badge"
)

type homePage struct {
	Frame
	SetupNeeded  bool
	CanAddIssuer bool // the "Add an issuer" step links to the form (site admins, issuer pages on)
	IssuerCount  int  // issuers the user works on (all, for site admins)
}

type passwordPage struct {
	Frame
	Errors formErrors
}

// home is the dashboard for signed-in people. Visitors are sent to sign in, or told how to
// finish setting up when nobody has an account yet.
func (s *Site) home(w http.ResponseWriter, r *http.Request) {
	if userFrom(r.Context()) == nil {
		needed, err := s.accounts.SetupNeeded(r.Context())
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if !needed {
			redirect(w, r, "/login")
			return
		}
		s.render(w, r, http.StatusOK, "home", &homePage{Frame: Frame{Title: "Welcome", Narrow: true}, SetupNeeded: true})
		return
	}
	if s.earners != nil && !s.isStaff(r, userFrom(r.Context())) {
		redirect(w, r, "/wallet") // earners land on their wallet
		return
	}
	p := &homePage{Frame: Frame{Title: "Dashboard", Nav: "home"}, CanAddIssuer: s.issuers != nil && userFrom(r.Context()).IsAdmin}
	if s.issuers != nil {
		ms, err := s.issuers.ListForUser(r.Context(), userFrom(r.Context()))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		p.IssuerCount = len(ms)
	}
	s.render(w, r, http.StatusOK, "home", p)
}

func (s *Site) passwordForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "password", &passwordPage{Frame: Frame{Title: "Change password", Nav: "account"}})
}

// passwordSubmit changes the signed-in person's password; their other sessions end.
func (s *Site) passwordSubmit(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, badge.E(badge.Invalid, "The form could not be read.", err))
		return
	}
	u := userFrom(r.Context())
	p := &passwordPage{Frame: Frame{Title: "Change password", Nav: "account"}, Errors: formErrors{}}
	current, next := r.PostForm.Get("current_password"), r.PostForm.Get("new_password")
	if current == "" {
		p.Errors["current_password"] = "Enter your current password."
	}
	// The service checks the new password against the rules (field "new_password"); only
	// the confirmation, which exists only on this form, is checked here.
	if next != r.PostForm.Get("new_password_confirm") {
		p.Errors["new_password_confirm"] = "The two new passwords are different."
	}
	if len(p.Errors) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, "password", p)
		return
	}
	err := s.accounts.ChangePassword(r.Context(), u.ID, current, next, sessionToken(r))
	if err != nil {
		if errors.Is(err, badge.Unauthorized) {
			p.Errors["current_password"] = "This is not your current password."
			s.render(w, r, http.StatusUnprocessableEntity, "password", p)
			return
		}
		if !s.formFailure(w, r, err, p.Errors) {
			return
		}
		s.render(w, r, statusOf(err), "password", p)
		return
	}
	s.setFlash(w, r, "password-changed")
	redirect(w, r, "/")
}
