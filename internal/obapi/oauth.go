package obapi

import (
	"errors"
	"net"
	"net/http"
	"strings"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/service"
)

// oauthError writes an OAuth error body (RFC 6749 5.2, RFC 7591 3.2.2), never cached.
func (a *API) oauthError(w http.ResponseWriter, r *http.Request, err error) {
	var oe *service.OAuthError
	code, desc, status := "server_error", "The request could not be served.", http.StatusInternalServerError
	switch {
	case errors.As(err, &oe):
		code, desc, status = oe.Code, oe.Description, http.StatusBadRequest
		if oe.Code == "invalid_client" {
			status = http.StatusUnauthorized
			w.Header().Set("WWW-Authenticate", `Basic realm="rosette"`)
		}
	case errors.Is(err, badge.TooMany):
		code, desc, status = "temporarily_unavailable", badge.SafeMessage(err), http.StatusTooManyRequests
		w.Header().Set("Retry-After", "3600")
	default:
		a.log.ErrorContext(r.Context(), "obapi: oauth request failed", "path", r.URL.Path, "error", err.Error())
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	a.writeJSON(w, status, map[string]string{"error": code, "error_description": desc})
}

// clientAddr is the request's client IP (internal/server resolves trusted proxies).
func clientAddr(r *http.Request) string {
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return host
	}
	return strings.Trim(r.RemoteAddr, "[]")
}

// register is RFC 7591 dynamic client registration (POST /oauth/register, JSON).
func (a *API) register(w http.ResponseWriter, r *http.Request) {
	body, ok, err := readBody(r, 64<<10)
	if err != nil || !ok {
		a.oauthError(w, r, &service.OAuthError{Code: "invalid_client_metadata", Description: "The registration request could not be read or is too large.", Kind: badge.Invalid})
		return
	}
	reg, err := service.ParseClientRegistration(body, a.opts.AllowLoopbackHTTP)
	if err != nil {
		a.oauthError(w, r, err)
		return
	}
	out, err := a.opts.OAuth.Register(r.Context(), reg, clientAddr(r))
	if err != nil {
		a.oauthError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	a.writeJSON(w, http.StatusCreated, out)
}

// token is the token endpoint (POST /oauth/token): authorization_code and refresh_token.
func (a *API) token(w http.ResponseWriter, r *http.Request) {
	body, _, err := readBody(r, 16<<10)
	if err != nil {
		a.oauthError(w, r, &service.OAuthError{Code: "invalid_request", Description: "The request could not be read.", Kind: badge.Invalid})
		return
	}
	req, err := service.ParseTokenRequest(r.Header.Get("Authorization"), r.Header.Get("Content-Type"), body)
	if err != nil {
		a.oauthError(w, r, err)
		return
	}
	resp, err := a.opts.OAuth.Token(r.Context(), req)
	if err != nil {
		a.oauthError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	a.writeJSON(w, http.StatusOK, resp)
}

// revoke is RFC 7009 token revocation (POST /oauth/revoke): 200 with an empty body, also
// for an unknown token.
func (a *API) revoke(w http.ResponseWriter, r *http.Request) {
	body, _, err := readBody(r, 16<<10)
	if err != nil {
		a.oauthError(w, r, &service.OAuthError{Code: "invalid_request", Description: "The request could not be read.", Kind: badge.Invalid})
		return
	}
	id, secret, form, err := service.ParseClientForm(r.Header.Get("Authorization"), r.Header.Get("Content-Type"), body)
	if err != nil {
		a.oauthError(w, r, err)
		return
	}
	if err := a.opts.OAuth.Revoke(r.Context(), id, secret, form.Get("token")); err != nil {
		a.oauthError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
}
