package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/server"
	"github.com/rosettebadges/rosette/internal/service"
)

// OAuth is what the consent and connected apps pages need of the OAuth server
// (*service.OAuth).
type OAuth interface {
	CheckAuthorizeRequest(ctx context.Context, q url.Values) (*service.AuthorizeRequest, error)
	Approve(ctx context.Context, user *badge.User, req *service.AuthorizeRequest) (string, error)
	Deny(req *service.AuthorizeRequest) string
	Apps(ctx context.Context, user *badge.User) ([]service.ConnectedApp, error)
	RevokeApp(ctx context.Context, user *badge.User, grantID int64) error
}

// authorizeParams are the query parameters of an authorization request, carried through
// the consent form.
var authorizeParams = []string{"client_id", "redirect_uri", "response_type", "scope", "state", "code_challenge", "code_challenge_method"}

type consentParam struct{ Name, Value string }

type consentPage struct {
	Frame
	Request *service.AuthorizeRequest
	Scopes  []service.OAuthScope
	Params  []consentParam
}

type appsPage struct {
	Frame
	Apps []service.ConnectedApp
}

// registerOAuth mounts the authorization endpoint (consent) and the connected apps page.
func (s *Site) registerOAuth(r Router) {
	if s.oauth == nil {
		return
	}
	r.HandleBrowser("GET /oauth/authorize", s.withUser(s.authorizeGet))
	r.HandleBrowser("POST /oauth/authorize", s.withUser(s.requireUser(s.authorizePost)))
	r.HandleBrowser("GET /account/apps", s.withUser(s.requireUser(s.appList)))
	r.HandleBrowser("POST /account/apps/{id}/revoke", s.withUser(s.requireUser(s.appRevoke)))
}

// authorizeCheck checks an authorization request. It answers the request itself (an error
// page, or a redirect with the error to the client) and returns nil when it is not good.
func (s *Site) authorizeCheck(w http.ResponseWriter, r *http.Request, q url.Values) *service.AuthorizeRequest {
	req, err := s.oauth.CheckAuthorizeRequest(r.Context(), q)
	if err == nil {
		return req
	}
	var oe *service.OAuthError
	if !errors.As(err, &oe) {
		s.fail(w, r, err)
		return nil
	}
	if req == nil { // the client or redirect URI is wrong: never redirect there
		status := http.StatusBadRequest
		if oe.Code == "invalid_client" {
			status = http.StatusNotFound
		}
		s.serveError(w, r, status, "This link to connect an application is not valid: "+oe.Description)
		return nil
	}
	http.Redirect(w, r, req.ErrorRedirect(err), http.StatusSeeOther)
	return nil
}

// authorizeGet is the authorization endpoint: after sign-in, the earner sees what the
// application asks for and allows or denies it.
func (s *Site) authorizeGet(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	req := s.authorizeCheck(w, r, q)
	if req == nil {
		return
	}
	if userFrom(r.Context()) == nil {
		s.setFlash(w, r, "signin-needed")
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	p := &consentPage{Frame: Frame{Title: "Connect " + req.Client.Name, Narrow: true}, Request: req, Scopes: req.ScopeList()}
	for _, k := range authorizeParams {
		if v := q.Get(k); v != "" {
			p.Params = append(p.Params, consentParam{k, v})
		}
	}
	// The answer is a redirect to the application: let the form go there.
	if u, err := url.Parse(req.RedirectURI); err == nil {
		origin := u.Scheme + "://" + u.Host
		w.Header().Set("Content-Security-Policy", strings.Replace(server.ContentSecurityPolicy,
			"form-action 'self'", "form-action 'self' "+origin, 1))
	}
	s.render(w, r, http.StatusOK, "oauth_consent", p)
}

// authorizePost records the earner's answer and sends them back to the application.
func (s *Site) authorizePost(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, badge.E(badge.Invalid, "The form could not be read.", err))
		return
	}
	q := url.Values{}
	for _, k := range authorizeParams {
		if v, ok := r.PostForm[k]; ok {
			q[k] = v
		}
	}
	req := s.authorizeCheck(w, r, q)
	if req == nil {
		return
	}
	if r.PostForm.Get("decision") != "allow" {
		http.Redirect(w, r, s.oauth.Deny(req), http.StatusSeeOther)
		return
	}
	to, err := s.oauth.Approve(r.Context(), userFrom(r.Context()), req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// appList shows the applications the earner connected, with a Revoke button each.
func (s *Site) appList(w http.ResponseWriter, r *http.Request) {
	apps, err := s.oauth.Apps(r.Context(), userFrom(r.Context()))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "oauth_apps", &appsPage{Frame: Frame{Title: "Connected apps", Nav: "apps"}, Apps: apps})
}

// appRevoke disconnects an application: every token it holds stops working.
func (s *Site) appRevoke(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.serveError(w, r, http.StatusNotFound, "")
		return
	}
	if err := s.oauth.RevokeApp(r.Context(), userFrom(r.Context()), id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.setFlash(w, r, "app-revoked")
	redirect(w, r, "/account/apps")
}
