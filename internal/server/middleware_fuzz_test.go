package server

import (
	"net/http"
	"net/http/httptest"
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
