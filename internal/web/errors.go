package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/rosettebadges/rosette/internal/badge"
)

// errorPage is the data of the error page.
type errorPage struct {
	Frame
	Status  int
	Heading string
	Message string
	Hint    string
}

// errorTexts is the fixed wording of each error page.
var errorTexts = map[int]struct{ heading, message, hint string }{
	http.StatusBadRequest: {"Bad request",
		"The request could not be understood. It may have been cut short or altered on the way.",
		"Go back, reload the form and try again."},
	http.StatusUnauthorized: {"Please sign in",
		"You need to be signed in to do that.",
		"Sign in, then try again."},
	http.StatusForbidden: {"Not allowed",
		"You do not have permission to do that, or the request came from another site and was refused to protect your account.",
		"If you followed a link from another site, open Rosette directly and try again."},
	http.StatusNotFound: {"Page not found",
		"There is nothing at this address. The link may be mistyped or the page may have moved.",
		"Check the address, or start again from the dashboard."},
	http.StatusMethodNotAllowed: {"Not possible here",
		"This address exists, but it does not accept this kind of request.",
		"Go back and use the page's own buttons and forms."},
	http.StatusRequestEntityTooLarge: {"Too much data",
		"The form or file you sent is larger than Rosette accepts.",
		"Send something smaller."},
	http.StatusTooManyRequests: {"Too many attempts",
		"There have been too many attempts in a short time, so Rosette is pausing them to keep accounts safe.",
		"Wait a few minutes, then try again."},
	http.StatusInternalServerError: {"Something went wrong",
		"Rosette hit an unexpected problem and could not finish your request. Nothing was changed by the part that failed.",
		"Try again in a moment. If it keeps happening, tell your administrator the reference below."},
	http.StatusServiceUnavailable: {"Temporarily unavailable",
		"Rosette cannot reach something it needs right now.",
		"Try again in a moment."},
}

// ServeError renders the error page for status. The server uses it for requests no route
// matched, refused cross-origin requests and panics.
func (s *Site) ServeError(w http.ResponseWriter, r *http.Request, status int) {
	if userFrom(r.Context()) == nil && status != http.StatusInternalServerError {
		// Show the navigation of a signed-in person on pages no route matched, too. A
		// failure here only means the page shows no user.
		if tok := sessionToken(r); tok != "" {
			if u, err := s.accounts.SessionUser(r.Context(), tok); err == nil {
				r = r.WithContext(context.WithValue(r.Context(), userKey{}, u))
			}
		}
	}
	s.serveError(w, r, status, "")
}

func (s *Site) serveError(w http.ResponseWriter, r *http.Request, status int, message string) {
	t, ok := errorTexts[status]
	if !ok {
		t.heading = http.StatusText(status)
		t.message = "The request could not be completed."
	}
	if message == "" {
		message = t.message
	}
	s.render(w, r, status, "error", &errorPage{
		Frame:   Frame{Title: t.heading + " (" + strconv.Itoa(status) + ")", Narrow: true},
		Status:  status,
		Heading: t.heading,
		Message: message,
		Hint:    t.hint,
	})
}

// statusOf maps an error kind to an HTTP status: the one place pages do it.
func statusOf(err error) int {
	switch badge.KindOf(err) {
	case badge.Invalid:
		return http.StatusUnprocessableEntity
	case badge.NotFound:
		return http.StatusNotFound
	case badge.Conflict:
		return http.StatusConflict
	case badge.Unauthorized:
		return http.StatusUnauthorized
	case badge.Forbidden:
		return http.StatusForbidden
	case badge.TooMany:
		return http.StatusTooManyRequests
	case badge.Unavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// fail shows the error page for err. Internal errors are logged here, once; their cause is
// never shown.
func (s *Site) fail(w http.ResponseWriter, r *http.Request, err error) {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		s.ServeError(w, r, http.StatusRequestEntityTooLarge)
		return
	}
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		// The visitor left before the answer was ready: nothing failed on our side.
		return
	}
	status := statusOf(err)
	if status == http.StatusInternalServerError || status == http.StatusServiceUnavailable {
		s.logError(w, r, "request failed", err)
		s.ServeError(w, r, status)
		return
	}
	s.serveError(w, r, status, badge.SafeMessage(err))
}
