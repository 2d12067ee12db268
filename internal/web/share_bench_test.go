package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/rosettebadges/rosette/internal/badge"
)

// BenchmarkAwardPageViews: the public award page for an anonymous visitor, without and with
// view counting (Shares, its events written every second by Run meanwhile, on SQLite). The
// difference is the cost of recording a view on the page's path.
func BenchmarkAwardPageViews(b *testing.B) {
	ps := newPublicSite(b)
	a := ps.issue(b, badge.AwardRequest{Recipient: badge.Recipient{Identity: "ada@example.org", Name: "Ada"}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { ps.shares.Run(ctx); close(done) }()
	b.Cleanup(func() { cancel(); <-done })
	handler := ps.site.AwardPage()
	shares := ps.site.shares
	for _, bb := range []struct {
		name   string
		shares Shares
	}{{"without-events", nil}, {"with-events", shares}} {
		b.Run(bb.name, func(b *testing.B) {
			ps.site.shares = bb.shares
			req := httptest.NewRequest(http.MethodGet, "/awards/"+a.ID, nil)
			req.SetPathValue("id", a.ID)
			req.Header.Set("Accept", browserAccept)
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					w := httptest.NewRecorder()
					handler.ServeHTTP(w, req)
					if w.Code != http.StatusOK {
						b.Fatalf("status %d", w.Code)
					}
				}
			})
		})
	}
	ps.site.shares = shares
}
