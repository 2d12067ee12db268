package fetch

import (
	"context"
	"net/http"
	"strings"
)

// Static is a Fetcher over fixed documents keyed by URL (without fragment), for offline use
// such as pinned documents or tests. An unknown URL gives a 404 response. The map must not be
// changed while in use.
type Static map[string]*Response

// Get returns a copy of the document stored under url.
func (s Static) Get(ctx context.Context, url string, _ string) (*Response, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	url, _, _ = strings.Cut(url, "#")
	r, ok := s[url]
	if !ok {
		return &Response{URL: url, StatusCode: http.StatusNotFound, Header: http.Header{}}, nil
	}
	c := *r
	if c.URL == "" {
		c.URL = url
	}
	if c.StatusCode == 0 {
		c.StatusCode = http.StatusOK
	}
	if c.Header == nil {
		c.Header = http.Header{}
	}
	return &c, nil
}
