// Package fetch is the one outbound HTTP path of the openbadges library: hosted assertions,
// badge classes and issuer profiles, did:web documents, verification methods, status and
// revocation lists all come through a Fetcher.
//
// Client, the standard Fetcher, refuses private, loopback, link-local, unspecified and
// multicast addresses unless configured otherwise. The check runs on the address actually
// dialled (net.Dialer.Control), so neither DNS rebinding nor a redirect can slip past it. It
// allows only http and https, bounds time, body size and redirects, and ignores proxy
// settings from the environment.
package fetch

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Fetcher gets a document by URL. accept is the Accept header to send ("" for none).
// Implementations return a Response for every HTTP status (the caller decides what a 404 or
// 410 means) and an error only when no response was received or it broke a limit.
type Fetcher interface {
	Get(ctx context.Context, url string, accept string) (*Response, error)
}

// Response is a fetched document.
type Response struct {
	URL         string // the final URL, after redirects
	StatusCode  int
	ContentType string // the Content-Type header as sent
	Body        []byte
	Header      http.Header
}

// OK reports whether the status is 200 to 299.
func (r *Response) OK() bool { return r.StatusCode >= 200 && r.StatusCode <= 299 }

// MediaType returns the Content-Type without parameters, lower-cased.
func (r *Response) MediaType() string {
	t, _, _ := strings.Cut(r.ContentType, ";")
	return strings.ToLower(strings.TrimSpace(t))
}

// Sentinel errors, matched with errors.Is on the *Error a Fetcher returns.
var (
	ErrForbiddenAddress  = errors.New("address not allowed")
	ErrUnsupportedScheme = errors.New("only http and https URLs can be fetched")
	ErrTooLarge          = errors.New("response body exceeds the size limit")
	ErrTooManyRedirects  = errors.New("too many redirects")
	ErrInsecureRedirect  = errors.New("redirect from https to http refused")
	ErrTimeout           = errors.New("timed out")
	ErrBadURL            = errors.New("malformed URL")
	ErrStatus            = errors.New("unexpected HTTP status")
)

// Error is the error of a failed fetch.
type Error struct {
	URL string
	Err error // one of the sentinel errors above, or the underlying cause
	// StatusCode is set for ErrStatus (see StatusError).
	StatusCode int
}

func (e *Error) Error() string {
	if e.StatusCode != 0 {
		return fmt.Sprintf("fetch %s: %v %d", e.URL, e.Err, e.StatusCode)
	}
	return fmt.Sprintf("fetch %s: %v", e.URL, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// StatusError returns an *Error wrapping ErrStatus for a response that is not 2xx, and nil
// for one that is. Callers that need a document use it after Get.
func StatusError(r *Response) error {
	if r.OK() {
		return nil
	}
	return &Error{URL: r.URL, Err: ErrStatus, StatusCode: r.StatusCode}
}
