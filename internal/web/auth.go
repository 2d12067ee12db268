package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/rosettebadges/rosette/internal/badge"
)

// formErrors are per-field messages keyed by the form field's name; "" is for the form.
type formErrors map[string]string

type setupPage struct {
	Frame
	Token  string
	Name   string
	Email  string
	Errors formErrors
}

type loginPage struct {
	Frame
	Email  string
	Next   string
	Errors formErrors
}

// setupForm shows the form creating the site administrator (GET /setup?token=...).
func (s *Site) setupForm(w http.ResponseWriter, r *http.Request) {
	needed, err := s.accounts.SetupNeeded(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !needed {
		s.setFlash(w, r, "setup-done")
		redirect(w, r, "/login")
		return
	}
	p := &setupPage{Frame: Frame{Title: "Set up Rosette", Narrow: true}, Token: r.URL.Query().Get("token")}
	if p.Token == "" {
		p.Errors = formErrors{"": "This page needs the setup link that rosette serve printed when it started. Open that link, including its token."}
	}
	s.render(w, r, http.StatusOK, "setup", p)
}

// setupSubmit creates the site administrator, signs them in and goes to the dashboard.
func (s *Site) setupSubmit(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, badge.E(badge.Invalid, "The form could not be read.", err))
		return
	}
	p := &setupPage{
		Frame:  Frame{Title: "Set up Rosette", Narrow: true},
		Token:  r.PostForm.Get("token"),
		Name:   strings.TrimSpace(r.PostForm.Get("name")),
		Email:  strings.TrimSpace(r.PostForm.Get("email")),
		Errors: formErrors{},
	}
	// The service checks the fields (and names the one at fault); only the confirmation,
	// which exists only on this form, is checked here.
	password, confirm := r.PostForm.Get("password"), r.PostForm.Get("password_confirm")
	if password != confirm {
		p.Errors["password_confirm"] = "The two passwords are different."
		s.render(w, r, http.StatusUnprocessableEntity, "setup", p)
		return
	}
	if _, err := s.accounts.CompleteSetup(r.Context(), p.Token, p.Email, p.Name, password); err != nil {
		if errors.Is(err, badge.Forbidden) { // a wrong or used setup link: say so on the form
			p.Errors[""] = badge.SafeMessage(err)
			s.render(w, r, http.StatusForbidden, "setup", p)
			return
		}
		if !s.formFailure(w, r, err, p.Errors) {
			return
		}
		s.render(w, r, statusOf(err), "setup", p)
		return
	}
	_, sess, err := s.accounts.Login(r.Context(), p.Email, password, clientAddr(r))
	if err != nil {
		s.setFlash(w, r, "setup-done")
		redirect(w, r, "/login")
		return
	}
	s.setSession(w, r, sess)
	s.setFlash(w, r, "welcome")
	redirect(w, r, "/")
}

// loginForm shows the sign-in page.
func (s *Site) loginForm(w http.ResponseWriter, r *http.Request) {
	next := localPath(r.URL.Query().Get("next"))
	if userFrom(r.Context()) != nil {
		redirect(w, r, next)
		return
	}
	s.render(w, r, http.StatusOK, "login", &loginPage{Frame: Frame{Title: "Sign in", Narrow: true}, Next: next})
}

// loginSubmit checks the email and password, starts a session and goes where the visitor
// was going. Too many failed attempts get the 429 page.
func (s *Site) loginSubmit(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, badge.E(badge.Invalid, "The form could not be read.", err))
		return
	}
	p := &loginPage{
		Frame:  Frame{Title: "Sign in", Narrow: true},
		Email:  strings.TrimSpace(r.PostForm.Get("email")),
		Next:   localPath(r.PostForm.Get("next")),
		Errors: formErrors{},
	}
	password := r.PostForm.Get("password")
	if p.Email == "" {
		p.Errors["email"] = "Enter your email address."
	}
	if password == "" {
		p.Errors["password"] = "Enter your password."
	}
	if len(p.Errors) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, "login", p)
		return
	}
	_, sess, err := s.accounts.Login(r.Context(), p.Email, password, clientAddr(r))
	if err != nil {
		if errors.Is(err, badge.Unauthorized) {
			p.Errors[""] = "The email address or password is not right."
			s.render(w, r, http.StatusUnauthorized, "login", p)
			return
		}
		if !s.formFailure(w, r, err, p.Errors) {
			return
		}
		s.render(w, r, statusOf(err), "login", p)
		return
	}
	s.setSession(w, r, sess)
	s.setFlash(w, r, "signed-in")
	redirect(w, r, p.Next)
}

// logout ends the session (POST /logout).
func (s *Site) logout(w http.ResponseWriter, r *http.Request) {
	if tok := sessionToken(r); tok != "" {
		if err := s.accounts.Logout(r.Context(), tok); err != nil &&
			!errors.Is(err, badge.NotFound) && !errors.Is(err, badge.Unauthorized) {
			s.fail(w, r, err)
			return
		}
	}
	s.clearSession(w, r)
	s.setFlash(w, r, "signed-out")
	redirect(w, r, "/login")
}

// formFailure files the messages of an Invalid or Conflict error into errs, each beside the
// field the service named (badge.FieldMessages; the service's field names are the forms'
// input names) or at the top of the form, and reports true, so that the form is shown again
// with them; any other error gets its error page and false.
func (s *Site) formFailure(w http.ResponseWriter, r *http.Request, err error, errs formErrors) bool {
	if !errors.Is(err, badge.Invalid) && !errors.Is(err, badge.Conflict) {
		s.fail(w, r, err)
		return false
	}
	fields := badge.FieldMessages(err)
	for k, v := range fields {
		errs[k] = v
	}
	if len(fields) == 0 {
		errs[""] = badge.SafeMessage(err)
	}
	return true
}
