// Package obapi owns the standard APIs an earner's wallet serves to other platforms, and the
// HTTP side of the OAuth 2.0 server that protects them: RFC 7591 client registration
// (/oauth/register), the token endpoint (/oauth/token), RFC 7009 revocation (/oauth/revoke),
// the Open Badges 3.0 API (/ims/ob/v3p0: discovery, credentials, profile) and Badge Connect
// 2.1 (/.well-known/badgeconnect.json, /ims/ob/v2p1: assertions, profile). The authorization
// endpoint is a page of the web site (internal/web), where the earner signs in and consents.
// Business rules stay in internal/service (OAuth, WalletAPI); this package maps their errors
// to each API's error format.
package obapi

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/service"
)

// The OAuth endpoints (the authorization endpoint is web's /oauth/authorize).
const (
	RegisterPath  = "/oauth/register"
	AuthorizePath = "/oauth/authorize"
	TokenPath     = "/oauth/token"
	RevokePath    = "/oauth/revoke"
	OB3Base       = "/ims/ob/v3p0"
	OB21Base      = "/ims/ob/v2p1"
	ManifestPath  = "/.well-known/badgeconnect.json"
)

// OAuth is what the endpoints need of the OAuth server (*service.OAuth).
type OAuth interface {
	Register(ctx context.Context, reg *service.ClientRegistration, addr string) (*service.RegisteredClient, error)
	Token(ctx context.Context, req *service.TokenRequest) (*service.TokenResponse, error)
	Revoke(ctx context.Context, clientID, secret, token string) error
	Authenticate(ctx context.Context, token string) (*service.OAuthAccess, error)
}

// Wallet is what the APIs need of the wallet (*service.WalletAPI).
type Wallet interface {
	OB3Credentials(ctx context.Context, userID int64, limit, offset int, since time.Time) (*service.APIPage, error)
	OB3Upsert(ctx context.Context, userID int64, doc []byte, jws bool) (bool, error)
	OB21Assertions(ctx context.Context, userID int64, limit, offset int, since time.Time) (*service.APIPage, error)
	OB21Add(ctx context.Context, userID int64, assertion json.RawMessage, signed string) (bool, error)
	Profile(ctx context.Context, userID int64) (*service.APIProfile, error)
	PutProfile(ctx context.Context, userID int64, p service.APIProfile) (*service.APIProfile, error)
}

// Router is where the APIs mount their routes (*server.Server): none uses cookies, so none
// needs cross-origin protection.
type Router interface {
	Handle(pattern string, h http.Handler)
}

// Options configure the APIs.
type Options struct {
	OAuth  OAuth
	Wallet Wallet
	Base   string // the installation's base URL, no trailing slash
	// Name is the platform's name in discovery and the manifest (default "Rosette"); Image
	// its image URL (optional); TermsURL and PrivacyURL its terms of service and privacy
	// policy (default the base URL).
	Name, Image, TermsURL, PrivacyURL string
	// AllowLoopbackHTTP accepts http loopback URIs in registrations (development and tests).
	AllowLoopbackHTTP bool
	Logger            *slog.Logger
}

// API serves the endpoints. Build it with New and mount it with Register.
type API struct {
	opts Options
	log  *slog.Logger
}

// New checks the options.
func New(opts Options) (*API, error) {
	if opts.OAuth == nil || opts.Wallet == nil || opts.Base == "" {
		return nil, errors.New("obapi: the OAuth server, the wallet and the base URL are required")
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Name == "" {
		opts.Name = "Rosette"
	}
	if opts.TermsURL == "" {
		opts.TermsURL = opts.Base + "/"
	}
	if opts.PrivacyURL == "" {
		opts.PrivacyURL = opts.Base + "/"
	}
	return &API{opts: opts, log: opts.Logger}, nil
}

// Register mounts every route.
func (a *API) Register(r Router) {
	r.Handle("POST "+RegisterPath, http.HandlerFunc(a.register))
	r.Handle("POST "+TokenPath, http.HandlerFunc(a.token))
	r.Handle("POST "+RevokePath, http.HandlerFunc(a.revoke))

	r.Handle("GET "+OB3Base+"/discovery", http.HandlerFunc(a.discovery))
	r.Handle("GET "+OB3Base+"/credentials", a.guarded(service.ScopeOB3CredentialRead, a.ob3Error, a.getCredentials))
	r.Handle("POST "+OB3Base+"/credentials", a.guarded(service.ScopeOB3CredentialUpsert, a.ob3Error, a.upsertCredential))
	r.Handle("GET "+OB3Base+"/profile", a.guarded(service.ScopeOB3ProfileRead, a.ob3Error, a.getProfile))
	r.Handle("PUT "+OB3Base+"/profile", a.guarded(service.ScopeOB3ProfileUpdate, a.ob3Error, a.putProfile))
	r.Handle(OB3Base+"/", notFound(a.ob3Error, OB3Base+"/discovery", OB3Base+"/credentials", OB3Base+"/profile"))

	r.Handle("GET "+ManifestPath, http.HandlerFunc(a.manifest))
	r.Handle("GET "+OB21Base+"/assertions", a.guarded(service.ScopeOB21AssertionRead, a.ob21Error, a.getAssertions))
	r.Handle("POST "+OB21Base+"/assertions", a.guarded(service.ScopeOB21AssertionCreate, a.ob21Error, a.postAssertion))
	r.Handle("GET "+OB21Base+"/profile", a.guarded(service.ScopeOB21ProfileRead, a.ob21Error, a.getProfile21))
	r.Handle("POST "+OB21Base+"/profile", a.guarded(service.ScopeOB21ProfileUpdate, a.ob21Error, a.postProfile21))
	r.Handle(OB21Base+"/", notFound(a.ob21Error, OB21Base+"/assertions", OB21Base+"/profile"))
}

// maxBody bounds a request body of the APIs (a credential with embedded images).
const maxBody = 4 << 20

// readBody reads the whole request body, at most limit bytes; ok is false if it is longer.
func readBody(r *http.Request, limit int64) ([]byte, bool, error) {
	b, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return nil, false, err
	}
	return b, int64(len(b)) <= limit, nil
}

func (a *API) writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		a.log.Error("obapi: encode response", "error", err.Error())
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(b)
}

// bearer returns the access token of an Authorization: Bearer header, or "".
func bearer(r *http.Request) string {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(tok)
}

// access is the checked bearer token of a request, for the API handlers.
type access = service.OAuthAccess

// authorize checks the bearer token and the scope: it returns the access, or the HTTP status
// and message of the failure (writing the WWW-Authenticate header of RFC 6750).
func (a *API) authorize(w http.ResponseWriter, r *http.Request, scope string) (*access, int, string) {
	tok := bearer(r)
	if tok == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="rosette"`)
		return nil, http.StatusUnauthorized, "An access token is required (Authorization: Bearer)."
	}
	acc, err := a.opts.OAuth.Authenticate(r.Context(), tok)
	if err != nil {
		if errors.Is(err, badge.Unauthorized) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="rosette", error="invalid_token"`)
			return nil, http.StatusUnauthorized, "The access token is not valid, or has expired or been revoked."
		}
		a.log.ErrorContext(r.Context(), "obapi: authenticate", "error", err.Error())
		return nil, http.StatusInternalServerError, "The access token could not be checked."
	}
	if !acc.Has(scope) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="rosette", error="insufficient_scope", scope="`+scope+`"`)
		return nil, http.StatusForbidden, "The access token was not granted the scope " + scope + "."
	}
	return acc, 0, ""
}

// statusOf maps a service error kind to an HTTP status.
func statusOf(err error) int {
	switch {
	case errors.Is(err, badge.Invalid):
		return http.StatusBadRequest
	case errors.Is(err, badge.NotFound):
		return http.StatusNotFound
	case errors.Is(err, badge.Conflict):
		return http.StatusConflict
	case errors.Is(err, badge.Unauthorized):
		return http.StatusUnauthorized
	case errors.Is(err, badge.Forbidden):
		return http.StatusForbidden
	case errors.Is(err, badge.TooMany):
		return http.StatusTooManyRequests
	case errors.Is(err, badge.Unavailable):
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// message is the safe message of a service error (internal errors are logged once here).
func (a *API) message(r *http.Request, err error) string {
	if statusOf(err) == http.StatusInternalServerError {
		a.log.ErrorContext(r.Context(), "obapi: request failed", "path", r.URL.Path, "error", err.Error())
	}
	return badge.SafeMessage(err)
}
