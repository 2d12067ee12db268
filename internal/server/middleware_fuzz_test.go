package server

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
)

// FuzzRequestID checks that whatever X-Request-Id a client sends, the id echoed back and
// logged is short and made of safe characters.
func FuzzRequestID(f *testing.F) {
	for _, s := range []string{"", "abc-123", "a\r\nb", "<script>", "ünïcode"} {
		f.Add(s)
	}
	s := New(Options{})
	f.Fuzz(func(t *testing.T, id string) {
		r := httptest.NewRequest("GET", "/healthz", nil)
		r.Header["X-Request-Id"] = []string{id}
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		got := w.Header().Get("X-Request-Id")
		if !saneRequestID(got) {
			t.Fatalf("request id %q echoed as %q", id, got)
		}
		if saneRequestID(id) && got != id {
			t.Fatalf("sane id %q replaced by %q", id, got)
		}
		if w.Code != http.StatusOK {
			t.Fatalf("status %d", w.Code)
		}
	})
}

// FuzzForwardedFor checks that whatever X-Forwarded-For a trusted proxy passes on, the client
// address the handler sees is a valid IP address that is either the peer or one of the hops.
func FuzzForwardedFor(f *testing.F) {
	for _, s := range []string{"", "203.0.113.9", "1.2.3.4, 10.0.0.2", "[::1]:80,,x", "10.0.0.9, ::ffff:10.1.1.1%eth0"} {
		f.Add(s, "https")
	}
	s := New(Options{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}})
	var seen string
	s.Handle("GET /who", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { seen = r.RemoteAddr }))
	f.Fuzz(func(t *testing.T, xff, proto string) {
		r := httptest.NewRequest("GET", "/who", nil)
		r.RemoteAddr = "10.0.0.1:4000"
		r.Header["X-Forwarded-For"] = []string{xff}
		r.Header["X-Forwarded-Proto"] = []string{proto}
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			t.Fatalf("status %d", w.Code)
		}
		if seen == "10.0.0.1:4000" {
			return
		}
		a, err := netip.ParseAddr(seen)
		if err != nil || a.Zone() != "" || a.Is4In6() {
			t.Fatalf("X-Forwarded-For %q gave client %q", xff, seen)
		}
	})
}
