package httpapi

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Paging limits.
const (
	defaultLimit = 50
	maxLimit     = 200
)

// page is a paged list response: {"items": [...], "total", "limit", "offset"}.
type page[T any] struct {
	Items  []T `json:"items"`
	Total  int `json:"total"`
	Limit  int `json:"limit"`
	Offset int `json:"offset"`
}

// paging reads ?limit (1..200, default 50) and ?offset (>= 0, default 0).
func paging(r *http.Request) (limit, offset int, err error) {
	q := r.URL.Query()
	limit, offset = defaultLimit, 0
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxLimit {
			return 0, 0, badRequest("limit", fmt.Sprintf("limit must be a whole number from 1 to %d.", maxLimit))
		}
		limit = n
	}
	if s := q.Get("offset"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return 0, 0, badRequest("offset", "offset must be a whole number of at least 0.")
		}
		offset = n
	}
	return limit, offset, nil
}

// slicePage cuts one page out of a whole list.
func slicePage[T any](all []T, limit, offset int) page[T] {
	p := page[T]{Items: []T{}, Total: len(all), Limit: limit, Offset: offset}
	if offset < len(all) {
		p.Items = all[offset:min(len(all), offset+limit)]
	}
	return p
}

// setLinks sets the Link header (RFC 8288) of a page: rel="next" when there are more items,
// rel="prev" when the page is not the first. The URLs are absolute, on the public base URL.
func (a *API) setLinks(c *call, total, limit, offset int) {
	link := func(off int, rel string) string {
		q := c.r.URL.Query()
		q.Set("limit", strconv.Itoa(limit))
		q.Set("offset", strconv.Itoa(off))
		u := url.URL{Path: c.r.URL.Path, RawQuery: q.Encode()}
		return fmt.Sprintf(`<%s%s>; rel="%s"`, a.opts.URLs.Base, u.String(), rel)
	}
	var links []string
	if offset+limit < total {
		links = append(links, link(offset+limit, "next"))
	}
	if offset > 0 {
		links = append(links, link(max(0, offset-limit), "prev"))
	}
	if len(links) > 0 {
		c.w.Header().Set("Link", strings.Join(links, ", "))
	}
}
