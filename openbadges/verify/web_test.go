package verify

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/rosettebadges/rosette/openbadges/fetch"
	"github.com/rosettebadges/rosette/openbadges/internal/fixture"
)

// web is a loopback HTTP server standing in for the Internet: a document put under
// "https://host/path" is served at srv.URL + "/host/path", and web.Fetcher rewrites every
// http(s) URL that way before fetching it through a real fetch.Client allowed to reach
// the loopback address.
type web struct {
	srv  *httptest.Server
	mu   sync.Mutex
	docs map[string]webDoc
	hits map[string]int
}

type webDoc struct {
	status int
	ctype  string
	body   []byte
}

func newWeb(t *testing.T) *web {
	t.Helper()
	w := &web{docs: map[string]webDoc{}, hits: map[string]int{}}
	w.srv = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		key := strings.TrimPrefix(r.URL.Path, "/")
		if r.URL.RawQuery != "" {
			key += "?" + r.URL.RawQuery
		}
		w.mu.Lock()
		d, ok := w.docs[key]
		w.hits[key]++
		w.mu.Unlock()
		if !ok {
			http.NotFound(rw, r)
			return
		}
		if d.ctype != "" {
			rw.Header().Set("Content-Type", d.ctype)
		}
		rw.WriteHeader(d.status)
		rw.Write(d.body)
	}))
	t.Cleanup(w.srv.Close)
	return w
}

// key maps an outside URL to the server's path key.
func webKey(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return u
	}
	k := p.Host + p.EscapedPath()
	if p.RawQuery != "" {
		k += "?" + p.RawQuery
	}
	return k
}

func (w *web) put(u string, body []byte) { w.putStatus(u, 200, body) }

func (w *web) putStatus(u string, status int, body []byte) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.docs[webKey(u)] = webDoc{status: status, body: body, ctype: "application/json"}
}

func (w *web) count(u string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.hits[webKey(u)]
}

// Fetcher returns a fetcher that routes every URL to the loopback server.
func (w *web) Fetcher() fetch.Fetcher {
	host := strings.TrimPrefix(w.srv.URL, "http://")
	h, _, _ := strings.Cut(host, ":")
	return rewriter{base: fetch.NewClient(fetch.Options{AllowHosts: []string{h}}), to: w.srv.URL}
}

type rewriter struct {
	base fetch.Fetcher
	to   string
}

func (r rewriter) Get(ctx context.Context, u, accept string) (*fetch.Response, error) {
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") {
		return r.base.Get(ctx, u, accept)
	}
	resp, err := r.base.Get(ctx, r.to+"/"+webKey(strings.SplitN(u, "#", 2)[0]), accept)
	if resp != nil {
		resp.URL = u
	}
	return resp, err
}

func readFixture(t testing.TB, elem ...string) []byte {
	t.Helper()
	return fixture.Read(t, elem...)
}
