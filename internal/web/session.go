package web

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/service"
)

// SessionCookie is the name of the cookie holding the session token.
const SessionCookie = "rosette_session"

type userKey struct{}

// userFrom returns the signed-in user of a request, or nil.
func userFrom(ctx context.Context) *badge.User {
	u, _ := ctx.Value(userKey{}).(*badge.User)
	return u
}

func sessionToken(r *http.Request) string {
	c, err := r.Cookie(SessionCookie)
	if err != nil {
		return ""
	}
	return c.Value
}

// withUser looks up the session cookie and puts the signed-in user, if any, in the request
// context. An unknown or expired session is simply no user (and the cookie is cleared).
func (s *Site) withUser(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok := sessionToken(r)
		if tok == "" {
			next(w, r)
			return
		}
		u, err := s.accounts.SessionUser(r.Context(), tok)
		switch {
		case err == nil:
			r = r.WithContext(context.WithValue(r.Context(), userKey{}, u))
		case errors.Is(err, badge.Unauthorized), errors.Is(err, badge.NotFound):
			s.clearSession(w, r)
		default:
			s.fail(w, r, err)
			return
		}
		next(w, r)
	}
}

// requireUser sends visitors who are not signed in to the sign-in page, remembering where
// they were going.
func (s *Site) requireUser(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if userFrom(r.Context()) == nil {
			if r.Method != http.MethodGet {
				s.ServeError(w, r, http.StatusUnauthorized)
				return
			}
			s.setFlash(w, r, "signin-needed")
			redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()))
			return
		}
		next(w, r)
	}
}

func (s *Site) setSession(w http.ResponseWriter, r *http.Request, sess *service.Session) {
	http.SetCookie(w, &http.Cookie{
		Name: SessionCookie, Value: sess.Token, Path: "/", Expires: sess.ExpiresAt.UTC(),
		HttpOnly: true, Secure: s.secureCookie(r), SameSite: http.SameSiteLaxMode,
	})
}

// secureCookie reports whether cookies set in answer to r are marked Secure: always when the
// base URL is https (Options.SecureCookies), and also when r itself came over HTTPS, directly
// or through a trusted proxy (internal/server keeps X-Forwarded-Proto only from the
// --trusted-proxies and removes it from every other peer; a forged one could only make a
// cookie stricter).
func (s *Site) secureCookie(r *http.Request) bool {
	return s.secure || r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https"
}

func (s *Site) clearSession(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{
		Name: SessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.secureCookie(r), SameSite: http.SameSiteLaxMode,
	})
}

// localPath returns next if it is a path on this site, and "/" otherwise, so that a sign-in
// link cannot send anyone to another site.
func localPath(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") ||
		strings.HasPrefix(next, "/\\") || strings.ContainsAny(next, "\r\n\t") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" {
		return "/"
	}
	return next
}

// clientAddr is the remote IP of the request, for throttling sign-in attempts. RemoteAddr is
// "host:port" from the connection, or a bare IP when the server resolved the client behind
// a trusted proxy (internal/server, --trusted-proxies).
func clientAddr(r *http.Request) string {
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return host
	}
	return strings.Trim(r.RemoteAddr, "[]")
}

// logError logs an unexpected error once, with the request id.
func (s *Site) logError(w http.ResponseWriter, r *http.Request, msg string, err error) {
	s.log.LogAttrs(r.Context(), slog.LevelError, msg,
		slog.String("request_id", w.Header().Get("X-Request-Id")), slog.String("error", err.Error()))
}
