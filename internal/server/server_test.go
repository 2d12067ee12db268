package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// pagesStub renders error pages as "error page N" so tests can tell them from the mux's text.
type pagesStub struct{}

func (pagesStub) ServeError(w http.ResponseWriter, r *http.Request, status int) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	fmt.Fprintf(w, "error page %d", status)
}

func newTestServer(t *testing.T, opts Options) (*Server, *bytes.Buffer) {
	t.Helper()
	var logs bytes.Buffer
	opts.Logger = slog.New(slog.NewJSONHandler(&logs, nil))
	if opts.Errors == nil {
		opts.Errors = pagesStub{}
	}
	s := New(opts)
	s.Handle("GET /hello", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hello")
	}))
	s.HandleBrowser("POST /change", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "changed")
	}))
	s.Handle("POST /api/change", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "api changed")
	}))
	s.Handle("GET /panic", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		panic("boom")
	}))
	s.Handle("POST /echo", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			http.Error(w, "too large", http.StatusRequestEntityTooLarge)
			return
		}
		w.Write(b)
	}))
	return s, &logs
}

func do(s http.Handler, method, target string, body io.Reader, header map[string]string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, body)
	for k, v := range header {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	return w
}

func TestSecurityHeaders(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		hsts bool
	}{
		{"plain http", Options{}, false},
		{"https base url", Options{HSTS: true}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newTestServer(t, tt.opts)
			w := do(s, "GET", "/hello", nil, nil)
			want := map[string]string{
				"Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
				"X-Content-Type-Options":  "nosniff",
				"Referrer-Policy":         "strict-origin-when-cross-origin",
				"X-Frame-Options":         "DENY",
			}
			for k, v := range want {
				if got := w.Header().Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
			if w.Header().Get("Permissions-Policy") == "" {
				t.Error("no Permissions-Policy")
			}
			if got := w.Header().Get("Strict-Transport-Security") != ""; got != tt.hsts {
				t.Errorf("HSTS sent = %v, want %v", got, tt.hsts)
			}
		})
	}
}

func TestRequestID(t *testing.T) {
	s, logs := newTestServer(t, Options{})
	tests := []struct {
		name, in string
		kept     bool
	}{
		{"sane id is echoed", "abc-123_X.y:z", true},
		{"none is generated", "", false},
		{"unsafe characters are replaced", "abc\"<script>", false},
		{"too long is replaced", strings.Repeat("a", 129), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logs.Reset()
			h := map[string]string{}
			if tt.in != "" {
				h["X-Request-Id"] = tt.in
			}
			w := do(s, "GET", "/hello?token=secret", nil, h)
			got := w.Header().Get("X-Request-Id")
			if tt.kept && got != tt.in {
				t.Errorf("request id = %q, want %q", got, tt.in)
			}
			if !tt.kept && (got == tt.in || !saneRequestID(got)) {
				t.Errorf("request id = %q, want a fresh one", got)
			}
			var line map[string]any
			if err := json.Unmarshal(logs.Bytes(), &line); err != nil {
				t.Fatalf("access log is not one JSON line: %v\n%s", err, logs)
			}
			if line["request_id"] != got || line["route"] != "GET /hello" || line["status"] != float64(200) {
				t.Errorf("access log = %v", line)
			}
			if strings.Contains(logs.String(), "secret") {
				t.Errorf("access log contains the query string: %s", logs)
			}
		})
	}
}

// TestAccessLogLeavesOutPathTokens: a route with a {token} in its path (claim links) is
// logged by its pattern, not its path.
func TestAccessLogLeavesOutPathTokens(t *testing.T) {
	s, logs := newTestServer(t, Options{})
	s.Handle("GET /claim/{token}", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	do(s, "GET", "/claim/s3cret-token", nil, nil)
	var line map[string]any
	if err := json.Unmarshal(logs.Bytes(), &line); err != nil {
		t.Fatalf("access log is not one JSON line: %v\n%s", err, logs)
	}
	if line["path"] != "/claim/{token}" || strings.Contains(logs.String(), "s3cret") {
		t.Errorf("access log = %s", logs)
	}
}

func TestUnroutedRequestsGetErrorPages(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	tests := []struct {
		method, path string
		status       int
	}{
		{"GET", "/nowhere", 404},
		{"DELETE", "/hello", 405},
		{"GET", "/change", 405},
	}
	for _, tt := range tests {
		w := do(s, tt.method, tt.path, nil, nil)
		if w.Code != tt.status || w.Body.String() != fmt.Sprintf("error page %d", tt.status) {
			t.Errorf("%s %s = %d %q, want the %d error page", tt.method, tt.path, w.Code, w.Body, tt.status)
		}
	}
}

func TestCrossOriginProtection(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	tests := []struct {
		name, path string
		header     map[string]string
		status     int
	}{
		{"same origin browser route", "/change", map[string]string{"Sec-Fetch-Site": "same-origin"}, 200},
		{"no browser headers", "/change", nil, 200},
		{"cross-site browser route", "/change", map[string]string{"Sec-Fetch-Site": "cross-site"}, 403},
		{"foreign origin browser route", "/change", map[string]string{"Origin": "https://evil.example"}, 403},
		{"cross-site API route", "/api/change", map[string]string{"Sec-Fetch-Site": "cross-site"}, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := do(s, "POST", "http://rosette.example"+tt.path, nil, tt.header)
			if w.Code != tt.status {
				t.Fatalf("status = %d, want %d (%s)", w.Code, tt.status, w.Body)
			}
			if tt.status == 403 && w.Body.String() != "error page 403" {
				t.Errorf("body = %q, want the 403 page", w.Body)
			}
		})
	}
}

func TestPanicIsRecoveredAndLoggedOnce(t *testing.T) {
	s, logs := newTestServer(t, Options{})
	w := do(s, "GET", "/panic", nil, nil)
	if w.Code != 500 || w.Body.String() != "error page 500" {
		t.Fatalf("got %d %q, want the 500 page", w.Code, w.Body)
	}
	if n := strings.Count(logs.String(), `"panic serving request"`); n != 1 {
		t.Errorf("panic logged %d times, want once:\n%s", n, logs)
	}
	if !strings.Contains(logs.String(), `"status":500`) {
		t.Errorf("access log does not record 500:\n%s", logs)
	}
}

func TestBodyLimit(t *testing.T) {
	s, _ := newTestServer(t, Options{MaxBodyBytes: 10})
	if w := do(s, "POST", "/echo", strings.NewReader("0123456789"), nil); w.Code != 200 {
		t.Errorf("body at the limit: %d", w.Code)
	}
	if w := do(s, "POST", "/echo", strings.NewReader("0123456789A"), nil); w.Code != 413 {
		t.Errorf("body over the limit: %d, want 413", w.Code)
	}
}

func TestHealthAndReadiness(t *testing.T) {
	var readyErr error
	s, _ := newTestServer(t, Options{Ready: func(context.Context) error { return readyErr }})
	if w := do(s, "GET", "/healthz", nil, nil); w.Code != 200 {
		t.Errorf("/healthz = %d", w.Code)
	}
	if w := do(s, "GET", "/readyz", nil, nil); w.Code != 200 {
		t.Errorf("/readyz = %d while ready", w.Code)
	}
	readyErr = errors.New("migrations pending")
	w := do(s, "GET", "/readyz", nil, nil)
	if w.Code != 503 || !strings.Contains(w.Body.String(), "migrations pending") {
		t.Errorf("/readyz = %d %q while not ready", w.Code, w.Body)
	}
}

func TestMetrics(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	do(s, "GET", "/hello", nil, nil)
	do(s, "GET", "/hello/x/y", nil, nil)
	body := doFrom(s, "127.0.0.1:5000", "GET", "/metrics", nil).Body.String()
	for _, want := range []string{
		`rosette_http_requests_total{code="200",method="GET",route="GET /hello"} 1`,
		`rosette_http_requests_total{code="404",method="GET",route="unmatched"} 1`,
		`rosette_http_request_duration_seconds_count{method="GET",route="GET /hello"} 1`,
		`rosette_http_requests_in_flight 1`, // the /metrics request itself
		`go_goroutines `,
		`process_start_time_seconds `,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	// A second server has its own registry.
	s2, _ := newTestServer(t, Options{})
	if strings.Contains(doFrom(s2, "127.0.0.1:5000", "GET", "/metrics", nil).Body.String(), `route="GET /hello"`) {
		t.Error("two servers share metrics")
	}
}

func TestServeShutsDownGracefully(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	entered, release := make(chan struct{}), make(chan struct{})
	s.Handle("GET /slow", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		<-release
		io.WriteString(w, "finished")
	}))
	ln, err := Listen(context.Background(), "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- s.Serve(ctx, ln) }()

	got := make(chan string, 1)
	go func() {
		resp, err := http.Get("http://" + ln.Addr().String() + "/slow")
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		got <- string(b)
	}()
	<-entered
	cancel()
	// New connections are refused once shutdown has begun; the request in flight finishes.
	for {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			break
		}
		c.Close()
	}
	close(release)
	if b := <-got; b != "finished" {
		t.Errorf("request in flight got %q", b)
	}
	if err := <-served; err != nil {
		t.Errorf("Serve = %v, want nil", err)
	}
}
