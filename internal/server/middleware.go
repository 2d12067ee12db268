package server

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"
)

const requestIDHeader = "X-Request-Id"

// ContentSecurityPolicy is sent on every response: no inline script or style, nothing from
// other origins, no framing.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; " +
	"img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; " +
	"frame-ancestors 'none'"

// permissionsPolicy turns off browser features Rosette never uses.
const permissionsPolicy = "accelerometer=(), camera=(), geolocation=(), gyroscope=(), " +
	"magnetometer=(), microphone=(), payment=(), usb=()"

// chain wraps the routes in the middleware every request passes through, outermost first:
// client resolution (trusted proxies), request id and security headers, then access log,
// metrics and panic recovery, then the body limit, then error pages for requests no route
// matched.
func (s *Server) chain(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		peer := r.RemoteAddr
		r = s.resolveConn(r)
		id := r.Header.Get(requestIDHeader)
		if !saneRequestID(id) {
			id = newRequestID()
		}
		h := w.Header()
		h.Set(requestIDHeader, id)
		h.Set("Content-Security-Policy", ContentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.Set("Permissions-Policy", permissionsPolicy)
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if s.opts.HSTS || connOf(r).https {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}

		sw := &statusWriter{ResponseWriter: w}
		r.Body = http.MaxBytesReader(sw, r.Body, s.opts.MaxBodyBytes)
		s.metrics.inFlight.Inc()
		defer func() {
			s.metrics.inFlight.Dec()
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.LogAttrs(r.Context(), slog.LevelError, "panic serving request",
					slog.String("request_id", id),
					slog.String("panic", fmt.Sprint(v)),
					slog.String("stack", string(debug.Stack())))
				if !sw.wroteHeader {
					s.serveError(sw, r, http.StatusInternalServerError)
				} else {
					sw.status = http.StatusInternalServerError
				}
			}
			route := r.Pattern
			if route == "" {
				route = "unmatched"
			}
			status := sw.status
			if status == 0 {
				status = http.StatusOK
			}
			elapsed := time.Since(start)
			s.metrics.observe(route, r.Method, status, elapsed)
			path := r.URL.Path // never the query: it may hold a token
			if strings.Contains(route, "{token}") {
				// Nor a token in the path (claim links): the route's path pattern says enough.
				_, path, _ = strings.Cut(route, " ")
			}
			attrs := []slog.Attr{
				slog.String("request_id", id),
				slog.String("method", r.Method),
				slog.String("path", path),
				slog.String("route", route),
				slog.Int("status", status),
				slog.Int64("bytes", sw.bytes),
				slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000),
				slog.String("remote_addr", r.RemoteAddr), // the client, after trusted proxies
				slog.String("user_agent", r.UserAgent()),
			}
			if peer != r.RemoteAddr {
				attrs = append(attrs, slog.String("proxy_addr", peer))
			}
			s.log.LogAttrs(r.Context(), slog.LevelInfo, "http request", attrs...)
		}()

		// The mux answers unrouted requests (no pattern matched) itself in plain text;
		// catch those answers and show the error page instead.
		iw := &unroutedWriter{statusWriter: sw, r: r}
		mux.ServeHTTP(iw, r)
		if iw.intercepted != 0 {
			s.serveError(sw, r, iw.intercepted)
		}
	})
}

// saneRequestID accepts a caller's request id if it is short and made of safe characters.
func saneRequestID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for _, c := range []byte(id) {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case c == '-', c == '_', c == '.', c == ':':
		default:
			return false
		}
	}
	return true
}

func newRequestID() string {
	var b [12]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// statusWriter records the status and size of a response.
type statusWriter struct {
	http.ResponseWriter
	status      int
	bytes       int64
	wroteHeader bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wroteHeader {
		w.status = code
		if code >= 200 {
			w.wroteHeader = true
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the real writer (Flush, deadlines).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// unroutedWriter swallows the mux's own plain-text 404 and 405 answers (given only when no
// pattern matched) so that the error page can be shown instead.
type unroutedWriter struct {
	*statusWriter
	r           *http.Request
	intercepted int
}

func (w *unroutedWriter) WriteHeader(code int) {
	if w.r.Pattern == "" && (code == http.StatusNotFound || code == http.StatusMethodNotAllowed) {
		w.intercepted = code
		return
	}
	w.statusWriter.WriteHeader(code)
}

func (w *unroutedWriter) Write(b []byte) (int, error) {
	if w.intercepted != 0 {
		return len(b), nil
	}
	return w.statusWriter.Write(b)
}

func (w *unroutedWriter) Unwrap() http.ResponseWriter { return w.statusWriter }
