// Package httpapi owns Rosette's REST API, /api/v1: bearer API token authentication (never
// cookies), JSON requests and responses with stable snake_case members, the error format and
// its stable codes (the one place badge error kinds become HTTP statuses for the API),
// Idempotency-Key replay on every POST and PATCH, paging, and the OpenAPI 3.1 document and the
// docs page rendered from it. Business rules stay in internal/service.
package httpapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/badgeimage"
	"github.com/rosettebadges/rosette/internal/links"
	"github.com/rosettebadges/rosette/internal/service"
)

// Prefix is where the API is mounted.
const Prefix = "/api/v1"

// Tokens authenticates API calls (*service.Tokens).
type Tokens interface {
	Authenticate(ctx context.Context, text string) (*badge.User, error)
}

// Idempotency records and replays responses by Idempotency-Key (*service.Idempotency).
type Idempotency interface {
	Begin(ctx context.Context, actor *badge.User, key, methodPath string, body []byte) (*service.StoredResponse, error)
	Finish(ctx context.Context, actor *badge.User, key string, status int, location string, body []byte) error
	Abandon(ctx context.Context, actor *badge.User, key string) error
}

// Issuers is what the API needs of the issuers service (*service.Issuers).
type Issuers interface {
	Create(ctx context.Context, actor *badge.User, f badge.IssuerFields, ownerID int64) (*badge.Issuer, error)
	Get(ctx context.Context, actor *badge.User, id string) (*badge.Issuer, badge.Role, error)
	Update(ctx context.Context, actor *badge.User, id string, f badge.IssuerFields) (*badge.Issuer, error)
	ListForUser(ctx context.Context, actor *badge.User) ([]badge.Membership, error)
}

// BadgeClasses is what the API needs of the badge classes service (*service.BadgeClasses).
type BadgeClasses interface {
	Create(ctx context.Context, actor *badge.User, issuerID string, f badge.BadgeClassFields, image []byte) (*badge.BadgeClass, error)
	Update(ctx context.Context, actor *badge.User, id string, f badge.BadgeClassFields, image []byte) (*badge.BadgeClass, error)
	Get(ctx context.Context, actor *badge.User, id string) (*badge.BadgeClass, error)
	ListForIssuer(ctx context.Context, actor *badge.User, issuerID string) ([]*badge.BadgeClass, error)
	Image(ctx context.Context, id string) (*badgeimage.Image, error)
}

// Router is where the API mounts its routes; *server.Server is one. Only Handle is used:
// the API authenticates with bearer tokens, so it needs no cross-origin protection.
type Router interface {
	Handle(pattern string, h http.Handler)
}

// Options configure the API.
type Options struct {
	Tokens       Tokens
	Idempotency  Idempotency
	Issuers      Issuers
	BadgeClasses BadgeClasses
	Awards       Awards
	URLs         links.URLs
	Clock        badge.Clock // for award status; the system clock when nil
	Logger       *slog.Logger
}

// API is the /api/v1 handler. Build it with New and mount it with Register.
type API struct {
	opts   Options
	log    *slog.Logger
	mux    *http.ServeMux
	routes []route
	docs   *docsPage
	media  mediaTypes
}

// route is one operation: its pattern and whether it answers without a token.
type route struct {
	method, path string
	public       bool
}

// handler is an operation: it returns the status and the value to send as JSON, or an error.
type handler func(c *call) (int, any, error)

// call is one API request being served.
type call struct {
	r    *http.Request
	w    http.ResponseWriter
	user *badge.User // nil on public routes
	body []byte      // the request body (POST and PATCH), at most maxBody bytes
}

func (c *call) ctx() context.Context { return c.r.Context() }

// New returns the API with every route.
func New(opts Options) (*API, error) {
	if opts.Tokens == nil || opts.Idempotency == nil || opts.Issuers == nil || opts.BadgeClasses == nil || opts.Awards == nil {
		return nil, errors.New("httpapi: the tokens, idempotency, issuers, badge classes and awards services are required")
	}
	if opts.Clock == nil {
		opts.Clock = badge.SystemClock{}
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	a := &API{opts: opts, log: opts.Logger, mux: http.NewServeMux(), media: mediaTypes{m: map[string]string{}}}
	a.handle("GET /api/v1/openapi.json", true, a.openAPI)
	a.handle("GET /api/v1/issuers", false, a.listIssuers)
	a.handle("POST /api/v1/issuers", false, a.createIssuer)
	a.handle("GET /api/v1/issuers/{id}", false, a.getIssuer)
	a.handle("PATCH /api/v1/issuers/{id}", false, a.patchIssuer)
	a.handle("GET /api/v1/issuers/{id}/badges", false, a.listBadges)
	a.handle("POST /api/v1/issuers/{id}/badges", false, a.createBadge)
	a.handle("GET /api/v1/badges/{id}", false, a.getBadge)
	a.handle("PATCH /api/v1/badges/{id}", false, a.patchBadge)
	a.handle("GET /api/v1/badges/{id}/awards", false, a.listAwards)
	a.handle("POST /api/v1/badges/{id}/awards", false, a.createAwards)
	a.handle("GET /api/v1/awards/{id}", false, a.getAward)
	a.handle("POST /api/v1/awards/{id}/revoke", false, a.revokeAward)
	docs, err := newDocsPage(opts.URLs.Base)
	if err != nil {
		return nil, err
	}
	a.docs = docs
	return a, nil
}

// handle registers an operation on the API's own mux.
func (a *API) handle(pattern string, public bool, h handler) {
	method, path, _ := strings.Cut(pattern, " ")
	a.routes = append(a.routes, route{method: method, path: path, public: public})
	a.mux.Handle(pattern, a.operation(method, public, h))
}

// Routes lists every operation as "METHOD /path" (the OpenAPI document must describe each).
func (a *API) Routes() []string {
	out := make([]string, len(a.routes))
	for i, r := range a.routes {
		out[i] = r.method + " " + r.path
	}
	return out
}

// Register mounts the API under /api/v1 and its docs page at /api/docs.
func (a *API) Register(r Router) {
	r.Handle(Prefix+"/", a)
	r.Handle("GET /api/docs", http.HandlerFunc(a.docs.serve))
	r.Handle("GET /api/docs/docs.css", http.HandlerFunc(a.docs.serveCSS))
}

// ServeHTTP routes an API request. Every response is JSON and never cached; a request no
// operation matches gets a JSON 404 or 405.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if _, pattern := a.mux.Handler(r); pattern == "" {
		status := http.StatusNotFound
		if allow := a.allowed(r); allow != "" {
			w.Header().Set("Allow", allow)
			status = http.StatusMethodNotAllowed
		}
		code, msg := codeNotFound, "There is no such API endpoint."
		if status == http.StatusMethodNotAllowed {
			code, msg = codeInvalidRequest, "This method is not allowed here."
		}
		a.writeJSON(w, status, errorBody(code, msg, nil))
		return
	}
	a.mux.ServeHTTP(w, r)
}

// allowed returns the methods some route answers for r's path, comma-separated, or "".
func (a *API) allowed(r *http.Request) string {
	var methods []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodPut, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, p := a.mux.Handler(probe); p != "" {
			methods = append(methods, m)
		}
	}
	return strings.Join(methods, ", ")
}

// mediaTypes remembers the media type of stored images by id (immutable: the id is the hash
// of the bytes), so listing badge classes does not read every image. Bounded.
type mediaTypes struct {
	mu sync.Mutex
	m  map[string]string
}

// imageURL returns the public URL of a stored image, or "" when there is none.
func (a *API) imageURL(ctx context.Context, id string) string {
	if id == "" {
		return ""
	}
	a.media.mu.Lock()
	mt, ok := a.media.m[id]
	a.media.mu.Unlock()
	if !ok {
		img, err := a.opts.BadgeClasses.Image(ctx, id)
		if err != nil {
			a.log.WarnContext(ctx, "badge image lookup", "image_id", id, "error", err.Error())
			return ""
		}
		mt = img.MediaType
		a.media.mu.Lock()
		if len(a.media.m) >= 10000 {
			clear(a.media.m)
		}
		a.media.m[id] = mt
		a.media.mu.Unlock()
	}
	return a.opts.URLs.Image(id, mt)
}
