package server

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"
)

// doFrom sends a request as if it came from the peer remote ("ip:port").
func doFrom(s http.Handler, remote, method, target string, header http.Header) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, nil)
	r.RemoteAddr = remote
	for k, vs := range header {
		for _, v := range vs {
			r.Header.Add(k, v)
		}
	}
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	return w
}

func prefixes(t *testing.T, cidrs ...string) []netip.Prefix {
	t.Helper()
	var out []netip.Prefix
	for _, c := range cidrs {
		out = append(out, netip.MustParsePrefix(c))
	}
	return out
}

func TestTrustedProxies(t *testing.T) {
	trusted := prefixes(t, "10.0.0.0/8", "2001:db8:1::/48")
	tests := []struct {
		name       string
		trusted    []netip.Prefix
		remote     string
		header     http.Header
		wantClient string
		wantProto  string // X-Forwarded-Proto as the handler sees it
		wantHSTS   bool
	}{
		{"no proxies configured: headers ignored and removed", nil, "10.0.0.1:4000",
			http.Header{"X-Forwarded-For": {"203.0.113.9"}, "X-Forwarded-Proto": {"https"}}, "10.0.0.1:4000", "", false},
		{"untrusted peer: headers ignored and removed", trusted, "198.51.100.7:4000",
			http.Header{"X-Forwarded-For": {"203.0.113.9"}, "X-Forwarded-Proto": {"https"}}, "198.51.100.7:4000", "", false},
		{"trusted peer, one hop", trusted, "10.0.0.1:4000",
			http.Header{"X-Forwarded-For": {"203.0.113.9"}, "X-Forwarded-Proto": {"https"}}, "203.0.113.9", "https", true},
		{"rightmost untrusted hop wins over a spoofed leftmost one", trusted, "10.0.0.1:4000",
			http.Header{"X-Forwarded-For": {"1.2.3.4, 203.0.113.9, 10.0.0.2"}}, "203.0.113.9", "", false},
		{"several header lines are one list", trusted, "10.0.0.1:4000",
			http.Header{"X-Forwarded-For": {"1.2.3.4", "203.0.113.9,10.9.9.9"}}, "203.0.113.9", "", false},
		{"every hop trusted: the leftmost is the client", trusted, "10.0.0.1:4000",
			http.Header{"X-Forwarded-For": {"10.0.0.3, 10.0.0.2"}}, "10.0.0.3", "", false},
		{"garbage hop ends the walk at the last trusted one", trusted, "10.0.0.1:4000",
			http.Header{"X-Forwarded-For": {"203.0.113.9, not-an-ip, 10.0.0.2"}}, "10.0.0.2", "", false},
		{"hop with a port, IPv6 proxy", trusted, "[2001:db8:1::5]:4000",
			http.Header{"X-Forwarded-For": {"[2001:db8:2::7]:1234"}, "X-Forwarded-Proto": {"HTTP"}}, "2001:db8:2::7", "http", false},
		{"trusted peer without header", trusted, "10.0.0.1:4000", nil, "10.0.0.1:4000", "", false},
		{"unknown proto dropped", trusted, "10.0.0.1:4000",
			http.Header{"X-Forwarded-Proto": {"gopher"}}, "10.0.0.1:4000", "", false},
		{"rightmost proto wins", trusted, "10.0.0.1:4000",
			http.Header{"X-Forwarded-Proto": {"http, https"}}, "10.0.0.1:4000", "https", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, logs := newTestServer(t, Options{TrustedProxies: tc.trusted})
			var gotRemote, gotProto, gotXFF string
			s.Handle("GET /who", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				gotRemote, gotProto, gotXFF = r.RemoteAddr, r.Header.Get("X-Forwarded-Proto"), r.Header.Get("X-Forwarded-For")
			}))
			w := doFrom(s, tc.remote, "GET", "/who", tc.header)
			if gotRemote != tc.wantClient || gotProto != tc.wantProto {
				t.Errorf("handler saw RemoteAddr %q proto %q, want %q %q", gotRemote, gotProto, tc.wantClient, tc.wantProto)
			}
			if tc.trusted == nil || !strings.HasPrefix(tc.remote, "10.") && !strings.HasPrefix(tc.remote, "[2001:db8:1:") {
				if gotXFF != "" {
					t.Errorf("X-Forwarded-For from an untrusted peer reached the handler: %q", gotXFF)
				}
			}
			if got := w.Header().Get("Strict-Transport-Security") != ""; got != tc.wantHSTS {
				t.Errorf("HSTS sent = %v, want %v", got, tc.wantHSTS)
			}
			var line struct {
				RemoteAddr string `json:"remote_addr"`
				ProxyAddr  string `json:"proxy_addr"`
			}
			if err := json.Unmarshal([]byte(strings.TrimSpace(logs.String())), &line); err != nil {
				t.Fatalf("access log %q: %v", logs, err)
			}
			if line.RemoteAddr != tc.wantClient {
				t.Errorf("access log remote_addr %q, want %q", line.RemoteAddr, tc.wantClient)
			}
			if tc.wantClient != tc.remote && line.ProxyAddr != tc.remote {
				t.Errorf("access log proxy_addr %q, want %q", line.ProxyAddr, tc.remote)
			}
		})
	}
}

func TestMetricsAccess(t *testing.T) {
	const tok = "metrics-s3cret"
	loop := "127.0.0.1:5000"
	tests := []struct {
		name   string
		opts   Options
		remote string
		header http.Header
		want   int
	}{
		{"default: loopback", Options{}, loop, nil, 200},
		{"default: IPv6 loopback", Options{}, "[::1]:5000", nil, 200},
		{"default: remote client", Options{}, "198.51.100.7:5000", nil, 404},
		{"default: local proxy forwarding", Options{}, loop, http.Header{"X-Forwarded-For": {"203.0.113.9"}}, 404},
		{"default: local proxy with Forwarded", Options{}, loop, http.Header{"Forwarded": {"for=203.0.113.9"}}, 404},
		{"default: trusted proxy forwarding a remote client", Options{TrustedProxies: prefixes(t, "127.0.0.1/32")}, loop,
			http.Header{"X-Forwarded-For": {"203.0.113.9"}}, 404},
		{"token: missing", Options{MetricsToken: tok}, loop, nil, 401},
		{"token: wrong", Options{MetricsToken: tok}, loop, http.Header{"Authorization": {"Bearer nope"}}, 401},
		{"token: basic scheme", Options{MetricsToken: tok}, loop, http.Header{"Authorization": {"Basic " + tok}}, 401},
		{"token: right, remote client", Options{MetricsToken: tok}, "198.51.100.7:5000", http.Header{"Authorization": {"Bearer " + tok}}, 200},
		{"token: scheme case-insensitive", Options{MetricsToken: tok}, "198.51.100.7:5000", http.Header{"Authorization": {"bearer " + tok}}, 200},
		{"separate listener: not on the main one", Options{MetricsSeparate: true}, loop, nil, 404},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := newTestServer(t, tc.opts)
			w := doFrom(s, tc.remote, "GET", "/metrics", tc.header)
			if w.Code != tc.want {
				t.Fatalf("/metrics = %d, want %d (%q)", w.Code, tc.want, w.Body)
			}
			if tc.want == 200 && !strings.Contains(w.Body.String(), "rosette_http_requests_in_flight") {
				t.Errorf("/metrics body lacks the metrics")
			}
			if tc.want == 401 && w.Header().Get("WWW-Authenticate") == "" {
				t.Errorf("401 without WWW-Authenticate")
			}
		})
	}
}

func TestServeMetricsListener(t *testing.T) {
	for _, tc := range []struct {
		name  string
		token string
		auth  string
		want  int
	}{
		{"no token: anyone reaching the address", "", "", 200},
		{"token required", "t0k", "", 401},
		{"token given", "t0k", "Bearer t0k", 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := newTestServer(t, Options{MetricsSeparate: true, MetricsToken: tc.token, MetricsPprof: true})
			ln, err := Listen(context.Background(), "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- s.ServeMetrics(ctx, ln) }()
			t.Cleanup(func() {
				cancel()
				if err := <-done; err != nil {
					t.Errorf("ServeMetrics: %v", err)
				}
			})
			get := func(path string) (int, string) {
				req, _ := http.NewRequest("GET", "http://"+ln.Addr().String()+path, nil)
				if tc.auth != "" {
					req.Header.Set("Authorization", tc.auth)
				}
				c := &http.Client{Timeout: 10 * time.Second}
				resp, err := c.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				return resp.StatusCode, string(b)
			}
			if code, body := get("/metrics"); code != tc.want || (code == 200 && !strings.Contains(body, "go_goroutines")) {
				t.Errorf("/metrics = %d", code)
			}
			if code, _ := get("/healthz"); code != 404 {
				t.Errorf("/healthz on the metrics listener = %d, want 404", code)
			}
			// --metrics-pprof: the profiler is there, behind the same guard.
			if code, body := get("/debug/pprof/"); code != tc.want || (code == 200 && !strings.Contains(body, "goroutine")) {
				t.Errorf("/debug/pprof/ on the metrics listener = %d", code)
			}
		})
	}
	// Never on the main listener.
	s, _ := newTestServer(t, Options{MetricsSeparate: true, MetricsPprof: true})
	if w := doFrom(s, "127.0.0.1:5000", "GET", "/debug/pprof/", nil); w.Code != 404 {
		t.Errorf("/debug/pprof/ on the main listener = %d", w.Code)
	}
}
