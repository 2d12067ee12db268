package web

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
)

// AccountData is what the data export and account deletion pages need (*service.AccountData).
type AccountData interface {
	Reauthenticate(ctx context.Context, userID int64, password, clientAddr string) error
	WriteExport(ctx context.Context, actor *badge.User, w io.Writer) error
	Delete(ctx context.Context, actor *badge.User, password, confirmation, clientAddr string) error
}

// registerAccountData mounts /account/export and /account/delete.
func (s *Site) registerAccountData(r Router) {
	if s.accountData == nil {
		return
	}
	signedIn := func(h http.HandlerFunc) http.Handler { return s.withUser(s.requireUser(h)) }
	r.HandleBrowser("GET /account/export", signedIn(s.exportForm))
	r.HandleBrowser("POST /account/export", signedIn(s.exportSubmit))
	r.HandleBrowser("GET /account/delete", signedIn(s.deleteForm))
	r.HandleBrowser("POST /account/delete", signedIn(s.deleteSubmit))
}

type accountDataPage struct {
	Frame
	Errors       formErrors
	Confirmation string // the word to type to delete
}

func (s *Site) accountDataRender(w http.ResponseWriter, r *http.Request, status int, name, title string, errs formErrors) {
	if errs == nil {
		errs = formErrors{}
	}
	s.render(w, r, status, name, &accountDataPage{Frame: Frame{Title: title, Nav: "account"}, Errors: errs,
		Confirmation: "DELETE"})
}

// exportForm asks for the password before the export.
func (s *Site) exportForm(w http.ResponseWriter, r *http.Request) {
	s.accountDataRender(w, r, http.StatusOK, "account_export", "Export your data", nil)
}

// reauthFailure puts a password check's failure on the form (wrong password, too many
// tries), or shows the error page; it reports whether the form is to be shown again.
func (s *Site) reauthFailure(w http.ResponseWriter, r *http.Request, err error, errs formErrors) bool {
	if errors.Is(err, badge.Unauthorized) || errors.Is(err, badge.TooMany) || errors.Is(err, badge.Invalid) ||
		errors.Is(err, badge.Forbidden) {
		fields := badge.FieldMessages(err)
		for k, v := range fields {
			errs[k] = v
		}
		if len(fields) == 0 {
			errs[""] = badge.SafeMessage(err)
		}
		return true
	}
	s.fail(w, r, err)
	return false
}

// exportSubmit checks the password, then streams the ZIP. A failure after the first bytes
// cannot become an error page: it is logged, and the download ends without the ZIP's
// directory, so that it does not open as if complete.
func (s *Site) exportSubmit(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, badge.E(badge.Invalid, "The form could not be read.", err))
		return
	}
	u := userFrom(r.Context())
	if err := s.accountData.Reauthenticate(r.Context(), u.ID, r.PostForm.Get("password"), clientAddr(r)); err != nil {
		errs := formErrors{}
		if s.reauthFailure(w, r, err, errs) {
			s.accountDataRender(w, r, statusOf(err), "account_export", "Export your data", errs)
		}
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/zip")
	h.Set("Content-Disposition", `attachment; filename="rosette-data-`+s.clock.Now().UTC().Format("2006-01-02")+`.zip"`)
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	out := &progressWriter{w: w, rc: http.NewResponseController(w)}
	if err := s.accountData.WriteExport(r.Context(), u, out); err != nil {
		s.log.LogAttrs(r.Context(), slog.LevelError, "data export failed", slog.Int64("user_id", u.ID),
			slog.String("request_id", w.Header().Get("X-Request-Id")), slog.String("error", err.Error()))
	}
}

// deleteForm explains what deleting the account does and asks for the password and the word.
func (s *Site) deleteForm(w http.ResponseWriter, r *http.Request) {
	s.accountDataRender(w, r, http.StatusOK, "account_delete", "Delete your account", nil)
}

// deleteSubmit deletes the account, signs out and goes to the home page.
func (s *Site) deleteSubmit(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, badge.E(badge.Invalid, "The form could not be read.", err))
		return
	}
	f := r.PostForm
	err := s.accountData.Delete(r.Context(), userFrom(r.Context()), f.Get("password"), f.Get("confirm"), clientAddr(r))
	if err != nil {
		errs := formErrors{}
		if s.reauthFailure(w, r, err, errs) {
			s.accountDataRender(w, r, statusOf(err), "account_delete", "Delete your account", errs)
		}
		return
	}
	s.clearSession(w, r)
	s.setFlash(w, r, "account-deleted")
	redirect(w, r, "/login")
}

// progressWriter moves the connection's write deadline forward while an export is being
// written, so that a large one is not cut by the server's write timeout while a stalled
// client still is: each write may take exportWriteWindow at most.
type progressWriter struct {
	w      io.Writer
	rc     *http.ResponseController
	bumped time.Time
}

const exportWriteWindow = 30 * time.Second

func (p *progressWriter) Write(b []byte) (int, error) {
	if now := time.Now(); now.Sub(p.bumped) > time.Second {
		p.rc.SetWriteDeadline(now.Add(exportWriteWindow)) // not supported: the server's timeout stands
		p.bumped = now
	}
	return p.w.Write(b)
}
