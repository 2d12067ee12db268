package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/service"
)

// The stable error codes of the API (docs/API.md lists them; clients switch on them).
const (
	codeInvalidRequest       = "invalid_request"        // 400, 413, 415, 405: the request itself is malformed
	codeValidationFailed     = "validation_failed"      // 422: well-formed, but some members are wrong (see fields)
	codeUnauthorized         = "unauthorized"           // 401: no valid API token
	codeForbidden            = "forbidden"              // 403: the token or its user may not do this
	codeNotFound             = "not_found"              // 404
	codeConflict             = "conflict"               // 409: changed meanwhile, or exists already
	codeIdempotencyKeyReused = "idempotency_key_reused" // 422: the key was used with another request
	codeIdempotencyKeyInUse  = "idempotency_key_in_use" // 409: the first request with the key still runs
	codeTooManyRequests      = "too_many_requests"      // 429
	codeUnavailable          = "unavailable"            // 503: a dependency is down; retry later
	codeInternal             = "internal"               // 500
)

// errorJSON is the body of every error response: {"error": {...}}.
type errorJSON struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

func errorBody(code, msg string, fields map[string]string) errorJSON {
	return errorJSON{Error: errorDetail{Code: code, Message: msg, Fields: fields}}
}

// requestError is a malformed request, found by this package before any service is called.
type requestError struct {
	status int // 400 by default
	msg    string
	fields map[string]string
}

func (e *requestError) Error() string { return e.msg }

// badRequest is a 400 invalid_request about one member (field "" for none).
func badRequest(field, msg string) error {
	e := &requestError{status: http.StatusBadRequest, msg: msg}
	if field != "" {
		e.fields = map[string]string{field: msg}
	}
	return e
}

// fieldNames maps the service's field names to the API's member names where they differ.
var fieldNames = map[string]string{"logo": "logo_url"}

// errorResponse maps an error to its status and body: the only place the API turns badge
// kinds into HTTP. Internal errors are logged with their cause and shown generically.
func (a *API) errorResponse(ctx context.Context, err error) (int, []byte) {
	status, body := classify(err)
	if status >= 500 {
		a.log.LogAttrs(ctx, slog.LevelError, "API request failed", slog.String("error", err.Error()))
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(body)
	return status, b.Bytes()
}

func classify(err error) (int, errorJSON) {
	var re *requestError
	if errors.As(err, &re) {
		st := re.status
		if st == 0 {
			st = http.StatusBadRequest
		}
		return st, errorBody(codeInvalidRequest, re.msg, re.fields)
	}
	switch {
	case err == service.ErrIdempotencyKeyReused:
		return http.StatusUnprocessableEntity, errorBody(codeIdempotencyKeyReused, badge.SafeMessage(err), nil)
	case err == service.ErrIdempotencyKeyInUse:
		return http.StatusConflict, errorBody(codeIdempotencyKeyInUse, badge.SafeMessage(err), nil)
	}
	var fields map[string]string
	for f, m := range badge.FieldMessages(err) {
		if fields == nil {
			fields = map[string]string{}
		}
		if n, ok := fieldNames[f]; ok {
			f = n
		}
		fields[f] = m
	}
	msg := badge.SafeMessage(err)
	switch badge.KindOf(err) {
	case badge.Invalid:
		if len(fields) > 1 {
			msg = "Some members of the request are not valid; see fields."
		}
		return http.StatusUnprocessableEntity, errorBody(codeValidationFailed, msg, fields)
	case badge.NotFound:
		return http.StatusNotFound, errorBody(codeNotFound, msg, nil)
	case badge.Conflict:
		return http.StatusConflict, errorBody(codeConflict, msg, nil)
	case badge.Unauthorized:
		return http.StatusUnauthorized, errorBody(codeUnauthorized, msg, nil)
	case badge.Forbidden:
		return http.StatusForbidden, errorBody(codeForbidden, msg, fields)
	case badge.TooMany:
		return http.StatusTooManyRequests, errorBody(codeTooManyRequests, msg, nil)
	case badge.Unavailable:
		return http.StatusServiceUnavailable, errorBody(codeUnavailable, msg, nil)
	}
	return http.StatusInternalServerError, errorBody(codeInternal, "Something went wrong on our side. Please try again later.", nil)
}
