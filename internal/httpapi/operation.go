package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strings"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/service"
)

// maxBody is the largest JSON request body accepted.
const maxBody = 1 << 20

// operation wraps an operation's handler: bearer authentication (unless public), the request
// body (content type, size), Idempotency-Key replay for POST and PATCH, and the response.
func (a *API) operation(method string, public bool, h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := &call{r: r, w: w}
		if !public {
			u, err := a.authenticate(r)
			if err != nil {
				w.Header().Set("WWW-Authenticate", wwwAuthenticate(r))
				a.fail(w, r, err)
				return
			}
			c.user = u
		}
		if method == http.MethodPost || method == http.MethodPatch {
			body, err := readBody(w, r, method)
			if err != nil {
				a.fail(w, r, err)
				return
			}
			c.body = body
		}
		key := r.Header.Get("Idempotency-Key")
		if key == "" || c.user == nil || (method != http.MethodPost && method != http.MethodPatch) {
			status, v, err := h(c)
			if err == errWritten {
				return
			}
			if err != nil {
				a.fail(w, r, err)
				return
			}
			a.writeJSON(w, status, v)
			return
		}
		a.idempotent(c, key, h)
	})
}

// idempotent runs h at most once per Idempotency-Key of the token: the first request records
// its response, a repeat of the same request gets it again (Idempotent-Replayed: true).
func (a *API) idempotent(c *call, key string, h handler) {
	w, r := c.w, c.r
	if err := service.CheckIdempotencyKey(key); err != nil {
		a.fail(w, r, err)
		return
	}
	methodPath := r.Method + " " + r.URL.EscapedPath()
	if q := r.URL.RawQuery; q != "" {
		methodPath += "?" + q
	}
	stored, err := a.opts.Idempotency.Begin(c.ctx(), c.user, key, methodPath, c.body)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if stored != nil {
		w.Header().Set("Idempotent-Replayed", "true")
		if stored.Location != "" {
			w.Header().Set("Location", stored.Location)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(stored.Status)
		w.Write(stored.Body)
		return
	}
	status, v, herr := h(c)
	var body []byte
	if herr != nil {
		status, body = a.errorResponse(r.Context(), herr)
	} else {
		body = a.encode(r.Context(), v)
	}
	// Server errors and throttling are worth retrying: the key is forgotten. Anything else,
	// success or a client error, is what a repeat gets.
	ctx := c.ctx()
	if status >= 500 || status == http.StatusTooManyRequests {
		err = a.opts.Idempotency.Abandon(ctx, c.user, key)
	} else {
		err = a.opts.Idempotency.Finish(ctx, c.user, key, status, w.Header().Get("Location"), body)
	}
	if err != nil {
		a.log.ErrorContext(ctx, "recording an idempotent response", "error", err.Error(), "request_id", w.Header().Get("X-Request-Id"))
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(body)
}

// authenticate reads the bearer token. Cookies are never looked at.
func (a *API) authenticate(r *http.Request) (*badge.User, error) {
	h := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	if h == "" {
		return nil, badge.Errorf(badge.Unauthorized, "An API token is required: send Authorization: Bearer <token>.")
	}
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return nil, badge.Errorf(badge.Unauthorized, "The Authorization header must be: Bearer <token>.")
	}
	return a.opts.Tokens.Authenticate(r.Context(), strings.TrimSpace(token))
}

// wwwAuthenticate is the challenge of a 401: RFC 6750, with error="invalid_token" when a
// token was given.
func wwwAuthenticate(r *http.Request) string {
	if r.Header.Get("Authorization") == "" {
		return `Bearer realm="rosette"`
	}
	return `Bearer realm="rosette", error="invalid_token"`
}

// readBody checks the Content-Type (application/json or another +json type, and for PATCH
// application/merge-patch+json) and reads at most maxBody bytes.
func readBody(w http.ResponseWriter, r *http.Request, method string) ([]byte, error) {
	ct := r.Header.Get("Content-Type")
	mt, params, err := mime.ParseMediaType(ct)
	if ct == "" || err != nil || !(mt == "application/json" || strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json")) {
		return nil, &requestError{status: http.StatusUnsupportedMediaType, msg: "The request body must be JSON (Content-Type: application/json)."}
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return nil, &requestError{status: http.StatusUnsupportedMediaType, msg: "The request body must be UTF-8 JSON."}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, &requestError{status: http.StatusRequestEntityTooLarge, msg: "The request body is too large (at most 1 MiB)."}
	}
	if err != nil {
		return nil, &requestError{status: http.StatusBadRequest, msg: "The request body could not be read."}
	}
	return body, nil
}

// encode marshals a response value (a trailing newline included).
func (a *API) encode(ctx context.Context, v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		a.log.LogAttrs(ctx, slog.LevelError, "encoding an API response", slog.String("error", err.Error()))
		_, body := a.errorResponse(ctx, badge.E(badge.Internal, "Something went wrong on our side.", err))
		return body
	}
	return b.Bytes()
}

// writeJSON sends v as JSON with status; 204 has no body.
func (a *API) writeJSON(w http.ResponseWriter, status int, v any) {
	if status == http.StatusNoContent {
		w.WriteHeader(status)
		return
	}
	body := a.encode(context.Background(), v)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(body)
}

// fail sends err as an API error.
func (a *API) fail(w http.ResponseWriter, r *http.Request, err error) {
	status, body := a.errorResponse(r.Context(), err)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(body)
}
