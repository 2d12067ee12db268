// Package server owns Rosette's HTTP server: the listener, timeouts and graceful shutdown,
// the middleware chain every request passes through (request id, access log, metrics,
// security headers, body limits, panic recovery, cross-origin protection for browser
// routes), the health and readiness endpoints and the Prometheus metrics endpoint. It mounts
// the handlers of internal/web (and later internal/httpapi) and knows nothing of their pages.
package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"net/netip"
	"time"
)

// ErrorPages renders the page shown for an error status (404, 405, 403, 500, ...). The web
// package provides the real one; without it the server answers in plain text.
type ErrorPages interface {
	ServeError(w http.ResponseWriter, r *http.Request, status int)
}

// ReadyFunc reports whether the server can do useful work: the database is reachable and its
// migrations are current. A nil error means ready; the error text is shown on /readyz.
type ReadyFunc func(ctx context.Context) error

// Options configure a Server. Zero durations and sizes get safe defaults.
type Options struct {
	Logger          *slog.Logger
	ReadTimeout     time.Duration
	WriteTimeout    time.Duration
	IdleTimeout     time.Duration
	ShutdownTimeout time.Duration
	MaxBodyBytes    int64
	TLSCertFile     string // with TLSKeyFile: serve HTTPS
	TLSKeyFile      string
	HSTS            bool // send Strict-Transport-Security (also on when serving TLS)

	// TrustedProxies are the reverse proxies whose X-Forwarded-For and X-Forwarded-Proto
	// are believed; from any other peer those headers are removed.
	TrustedProxies []netip.Prefix
	// MetricsToken, when set, is the bearer token /metrics requires. Without it, /metrics
	// on the main listener answers only loopback clients whose request no proxy forwarded.
	MetricsToken string
	// MetricsSeparate takes /metrics off the main listener: it is served by ServeMetrics.
	MetricsSeparate bool
	// MetricsPprof adds Go's profiler (/debug/pprof/) to ServeMetrics's listener, behind the
	// same guard as /metrics. It is never on the main listener.
	MetricsPprof bool
	Ready        ReadyFunc
	Errors       ErrorPages
}

// Server is Rosette's HTTP server. Build it with New, mount handlers with Handle and
// HandleBrowser, then Serve.
type Server struct {
	opts    Options
	log     *slog.Logger
	mux     *http.ServeMux
	cop     *http.CrossOriginProtection
	metrics *metrics
	handler http.Handler
}

// New returns a Server with /healthz, /readyz and /metrics mounted.
func New(opts Options) *Server {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.ReadTimeout <= 0 {
		opts.ReadTimeout = 15 * time.Second
	}
	if opts.WriteTimeout <= 0 {
		opts.WriteTimeout = 30 * time.Second
	}
	if opts.IdleTimeout <= 0 {
		opts.IdleTimeout = 120 * time.Second
	}
	if opts.ShutdownTimeout <= 0 {
		opts.ShutdownTimeout = 15 * time.Second
	}
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = 1 << 20
	}
	if opts.TLSCertFile != "" {
		opts.HSTS = true
	}
	s := &Server{
		opts:    opts,
		log:     opts.Logger,
		mux:     http.NewServeMux(),
		cop:     http.NewCrossOriginProtection(),
		metrics: newMetrics(),
	}
	s.cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.log.LogAttrs(r.Context(), slog.LevelWarn, "cross-origin request refused",
			slog.String("request_id", w.Header().Get(requestIDHeader)),
			slog.String("origin", r.Header.Get("Origin")),
			slog.String("sec_fetch_site", r.Header.Get("Sec-Fetch-Site")))
		s.serveError(w, r, http.StatusForbidden)
	}))
	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.HandleFunc("GET /readyz", s.readyz)
	if !opts.MetricsSeparate {
		s.mux.Handle("GET /metrics", s.guardMetrics(s.metrics.handler(), true))
	}
	s.handler = s.chain(s.mux)
	return s
}

// Handle mounts h on pattern without cross-origin protection: for public reads and for
// bearer-token APIs, which browsers may call from other origins.
func (s *Server) Handle(pattern string, h http.Handler) { s.mux.Handle(pattern, h) }

// HandleBrowser mounts h on pattern behind cross-origin protection: for routes that rely on
// the session cookie, where a state-changing request from another site must be refused.
func (s *Server) HandleBrowser(pattern string, h http.Handler) {
	s.mux.Handle(pattern, s.cop.Handler(h))
}

// ServeHTTP runs a request through the whole middleware chain and the routes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Listen opens the TCP listener for addr ("127.0.0.1:8080", ":0", ...).
func Listen(ctx context.Context, addr string) (net.Listener, error) {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	return ln, nil
}

// TLS reports whether the server serves HTTPS.
func (s *Server) TLS() bool { return s.opts.TLSCertFile != "" && s.opts.TLSKeyFile != "" }

// Serve serves on ln until ctx is cancelled, then shuts down gracefully: it stops accepting,
// waits up to ShutdownTimeout for requests in flight, and returns nil. It returns an error
// if serving fails for another reason.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	return s.serve(ctx, ln, s, s.TLS())
}

// ServeMetrics serves only /metrics, over plain HTTP, on ln (the --metrics-addr listener)
// until ctx is cancelled, then shuts down like Serve. Anything else there is a 404. When
// MetricsToken is set it is required; otherwise every client of ln is answered.
func (s *Server) ServeMetrics(ctx context.Context, ln net.Listener) error {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", s.guardMetrics(s.metrics.handler(), false))
	if s.opts.MetricsPprof {
		mux.Handle("GET /debug/pprof/", s.guardMetrics(http.HandlerFunc(pprof.Index), false))
		mux.Handle("GET /debug/pprof/cmdline", s.guardMetrics(http.HandlerFunc(pprof.Cmdline), false))
		mux.Handle("GET /debug/pprof/profile", s.guardMetrics(http.HandlerFunc(pprof.Profile), false))
		mux.Handle("GET /debug/pprof/symbol", s.guardMetrics(http.HandlerFunc(pprof.Symbol), false))
		mux.Handle("GET /debug/pprof/trace", s.guardMetrics(http.HandlerFunc(pprof.Trace), false))
	}
	return s.serve(ctx, ln, mux, false)
}

func (s *Server) serve(ctx context.Context, ln net.Listener, h http.Handler, useTLS bool) error {
	hs := &http.Server{
		Handler:           h,
		ReadTimeout:       s.opts.ReadTimeout,
		ReadHeaderTimeout: min(s.opts.ReadTimeout, 10*time.Second),
		WriteTimeout:      s.opts.WriteTimeout,
		IdleTimeout:       s.opts.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	if useTLS {
		hs.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	errc := make(chan error, 1)
	go func() {
		if useTLS {
			errc <- hs.ServeTLS(ln, s.opts.TLSCertFile, s.opts.TLSKeyFile)
		} else {
			errc <- hs.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}
	s.log.Info("shutting down", slog.String("timeout", s.opts.ShutdownTimeout.String()))
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.opts.ShutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		hs.Close()
		return fmt.Errorf("graceful shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("http server: %w", err)
	}
	return nil
}

// serveError answers with the error page for status, or plain text without ErrorPages.
func (s *Server) serveError(w http.ResponseWriter, r *http.Request, status int) {
	if s.opts.Errors != nil {
		s.opts.Errors.ServeError(w, r, status)
		return
	}
	http.Error(w, http.StatusText(status), status)
}
