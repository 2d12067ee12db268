// Package fakeweb is a loopback HTTP server standing in for the Internet in the library's
// tests: a document put under "https://host/path" is served at the server's URL +
// "/host/path", and Web.Fetcher rewrites every http(s) URL that way before fetching it
// through a real fetch.Client allowed to reach the loopback address. DCC serves the Digital
// Credentials Consortium fixtures where their credentials expect them.
package fakeweb

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/rosettebadges/rosette/openbadges/fetch"
	"github.com/rosettebadges/rosette/openbadges/internal/fixture"
)

// Web is the loopback server and the documents it serves.
type Web struct {
	srv  *httptest.Server
	mu   sync.Mutex
	docs map[string]doc
	hits map[string]int
}

type doc struct {
	status int
	body   []byte
}

// New starts an empty Web, closed when the test ends.
func New(t testing.TB) *Web {
	t.Helper()
	w := &Web{docs: map[string]doc{}, hits: map[string]int{}}
	w.srv = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		k := strings.TrimPrefix(r.URL.Path, "/")
		if r.URL.RawQuery != "" {
			k += "?" + r.URL.RawQuery
		}
		w.mu.Lock()
		d, ok := w.docs[k]
		w.hits[k]++
		w.mu.Unlock()
		if !ok {
			http.NotFound(rw, r)
			return
		}
		rw.Header().Set("Content-Type", "application/json")
		rw.WriteHeader(d.status)
		rw.Write(d.body)
	}))
	t.Cleanup(w.srv.Close)
	return w
}

// key maps an outside URL to the server's path key.
func key(u string) string {
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

// Put serves body at the outside URL u with status 200.
func (w *Web) Put(u string, body []byte) { w.PutStatus(u, http.StatusOK, body) }

// PutStatus serves body at the outside URL u with the given status.
func (w *Web) PutStatus(u string, status int, body []byte) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.docs[key(u)] = doc{status: status, body: body}
}

// Count reports how many times u was requested.
func (w *Web) Count(u string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.hits[key(u)]
}

// Fetcher returns a fetcher that routes every http(s) URL to the loopback server; the
// response keeps the outside URL.
func (w *Web) Fetcher() fetch.Fetcher {
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
	resp, err := r.base.Get(ctx, r.to+"/"+key(strings.SplitN(u, "#", 2)[0]), accept)
	if resp != nil {
		resp.URL = u
	}
	return resp, err
}

// DCC serves the DCC fixtures' DID documents and status lists at the URLs their credentials
// name (the lists are published under two origins, with the same bits), and the OB 3.0 JSON
// Schemas some of them reference, from the specification's published copies.
func DCC(t testing.TB) *Web {
	t.Helper()
	w := New(t)
	const dcc = "digitalcredentials-vc-test-fixtures"
	root := fixture.Path(t, dcc)
	for _, d := range []string{"legacy", "oidf"} {
		w.Put("https://digitalcredentials.github.io/vc-test-fixtures/dids/"+d+"/did.json", fixture.Read(t, dcc, "dids", d, "did.json"))
	}
	lists, err := os.ReadDir(filepath.Join(root, "statusLists", "didkey-ed25519Signature2020"))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range lists {
		b := fixture.Read(t, dcc, "statusLists", "didkey-ed25519Signature2020", l.Name())
		w.Put("https://digitalcredentials.github.io/vc-test-fixtures/statusLists/didkey-ed25519Signature2020/"+l.Name(), b)
		w.Put("https://raw.githubusercontent.com/digitalcredentials/verifier-core/refs/heads/main/src/test-fixtures/status/"+l.Name(), b)
	}
	for name, file := range map[string]string{
		"ob_v3p0_achievementcredential_schema.json": "achievementcredential.json",
		"ob_v3p0_endorsementcredential_schema.json": "endorsementcredential.json",
	} {
		w.Put("https://purl.imsglobal.org/spec/ob/v3p0/schema/json/"+name,
			fixture.Read(t, "openbadges-specification", "gh-pages-docs", "docs", "schema", file))
	}
	return w
}
