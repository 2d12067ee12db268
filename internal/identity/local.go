package identity

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/rosettebadges/rosette/openbadges/fetch"
)

// LocalFetcher lets the installation verify its own badges without going through the
// network: requests for documents under Base (over http or https, since a did:web always
// resolves over https) are answered in process by Handler, the server that publishes them;
// every other URL goes to Next (the outbound client, which refuses private addresses). With
// Next nil, other URLs fail.
type LocalFetcher struct {
	Base    string
	Handler http.Handler
	Next    fetch.Fetcher
}

// errNoNetwork is returned for foreign URLs when there is no Next fetcher.
var errNoNetwork = errors.New("identity: only this installation's documents can be fetched")

// localFetchKey marks the context of a request made in process by a LocalFetcher.
type localFetchKey struct{}

// LocalFetch reports whether the request was made in process by a LocalFetcher (this
// installation's own verifier reading its documents): such fetches are not downloads.
func LocalFetch(r *http.Request) bool { return r.Context().Value(localFetchKey{}) != nil }

// Get implements fetch.Fetcher.
func (f *LocalFetcher) Get(ctx context.Context, rawURL, accept string) (*fetch.Response, error) {
	u, err := url.Parse(rawURL)
	base, berr := url.Parse(f.Base)
	if err != nil || berr != nil || (u.Scheme != "http" && u.Scheme != "https") || !strings.EqualFold(u.Host, base.Host) ||
		!strings.HasPrefix(u.Path, base.Path) {
		if f.Next == nil {
			return nil, errNoNetwork
		}
		return f.Next.Get(ctx, rawURL, accept)
	}
	ctx = context.WithValue(ctx, localFetchKey{}, true)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base.Scheme+"://"+base.Host+u.RequestURI(), nil)
	if err != nil {
		return nil, err
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	req.RemoteAddr = "127.0.0.1:0"
	rec := &recorder{header: http.Header{}}
	f.Handler.ServeHTTP(rec, req)
	if rec.code == 0 {
		rec.code = http.StatusOK
	}
	return &fetch.Response{URL: rawURL, StatusCode: rec.code, ContentType: rec.header.Get("Content-Type"),
		Body: rec.body.Bytes(), Header: rec.header}, nil
}

// recorder is the http.ResponseWriter of an in-process request.
type recorder struct {
	header http.Header
	code   int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(code int) {
	if r.code == 0 {
		r.code = code
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	r.WriteHeader(http.StatusOK)
	return r.body.Write(b)
}
