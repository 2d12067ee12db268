package fetch

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// Options configure a Client. Zero values take the defaults named on each field.
type Options struct {
	// AllowHosts lists host names or IP literals (without port, compared case-insensitively)
	// that may resolve to otherwise refused addresses, e.g. "127.0.0.1" for a test server or
	// an intranet issuer. Public addresses are always allowed.
	AllowHosts []string
	// AllowPrivate turns the address check off entirely.
	AllowPrivate bool
	// Timeout bounds a whole Get, redirects and body included. Default 10s.
	Timeout time.Duration
	// MaxBytes bounds the body; a longer body is an ErrTooLarge error. Default 2 MiB.
	MaxBytes int64
	// MaxRedirects bounds the redirects followed. Default 5; negative means none.
	MaxRedirects int
	// UserAgent is sent on every request. Default "rosette".
	UserAgent string
	// TLSConfig, when set, replaces the default TLS settings (e.g. a private root CA).
	TLSConfig *tls.Config
}

// Defaults of Options.
const (
	DefaultTimeout      = 10 * time.Second
	DefaultMaxBytes     = 2 << 20
	DefaultMaxRedirects = 5
	DefaultUserAgent    = "rosette"
)

// Client is the standard Fetcher. It is safe for concurrent use.
type Client struct {
	opts  Options
	allow map[string]bool
	http  *http.Client
}

// NewClient returns a Client with opts. Redirects are followed up to MaxRedirects, only to
// http or https URLs, and never from https down to http.
func NewClient(opts Options) *Client {
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = DefaultMaxBytes
	}
	if opts.MaxRedirects == 0 {
		opts.MaxRedirects = DefaultMaxRedirects
	} else if opts.MaxRedirects < 0 {
		opts.MaxRedirects = 0
	}
	if opts.UserAgent == "" {
		opts.UserAgent = DefaultUserAgent
	}
	c := &Client{opts: opts, allow: map[string]bool{}}
	for _, h := range opts.AllowHosts {
		c.allow[normalizeHost(h)] = true
	}
	tr := &http.Transport{
		Proxy:                 nil, // a proxy would dial on our behalf and defeat the address check
		DialContext:           c.dial,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          32,
		IdleConnTimeout:       60 * time.Second,
		TLSClientConfig:       opts.TLSConfig,
		TLSHandshakeTimeout:   opts.Timeout,
		ResponseHeaderTimeout: opts.Timeout,
	}
	c.http = &http.Client{
		Transport: tr,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > c.opts.MaxRedirects {
				return ErrTooManyRedirects
			}
			if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
				return ErrUnsupportedScheme
			}
			if req.URL.Scheme == "http" && via[len(via)-1].URL.Scheme == "https" {
				return ErrInsecureRedirect
			}
			return nil
		},
	}
	return c
}

func normalizeHost(h string) string {
	h = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(h), "."))
	return strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")
}

// dial connects to addr ("host:port"). Unless the host is allowed by name, every address the
// dialer tries is checked in Control, after DNS resolution and right before connect.
func (c *Client) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	d := &net.Dialer{Timeout: c.opts.Timeout, KeepAlive: 30 * time.Second}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	if !c.opts.AllowPrivate && !c.allow[normalizeHost(host)] {
		d.Control = func(_, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return fmt.Errorf("%w: %s", ErrForbiddenAddress, address)
			}
			if !publicAddr(ap.Addr()) {
				return fmt.Errorf("%w: %s is not a public address", ErrForbiddenAddress, ap.Addr())
			}
			return nil
		}
	}
	return d.DialContext(ctx, network, addr)
}

// publicAddr reports whether a is a globally routable unicast address.
func publicAddr(a netip.Addr) bool {
	a = a.Unmap()
	if !a.IsValid() || a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() ||
		a.IsLinkLocalMulticast() || a.IsInterfaceLocalMulticast() || a.IsMulticast() ||
		a.IsUnspecified() {
		return false
	}
	for _, p := range refusedPrefixes {
		if p.Contains(a) {
			return false
		}
	}
	return true
}

// refusedPrefixes are special-purpose ranges beyond what netip classifies (RFC 6890 and
// successors): shared address space, "this network", benchmarking, documentation, reserved,
// broadcast, NAT64 and 6to4/Teredo (which embed IPv4 addresses), discard, ORCHID and ULA.
var refusedPrefixes = func() []netip.Prefix {
	var ps []netip.Prefix
	for _, s := range []string{
		"0.0.0.0/8", "100.64.0.0/10", "192.0.0.0/24", "192.0.2.0/24", "198.18.0.0/15",
		"198.51.100.0/24", "203.0.113.0/24", "240.0.0.0/4", "255.255.255.255/32",
		"64:ff9b::/96", "64:ff9b:1::/48", "100::/64", "2001::/32", "2001:db8::/32", "2002::/16",
		"2001:10::/28", "2001:20::/28", "fc00::/7",
	} {
		ps = append(ps, netip.MustParsePrefix(s))
	}
	return ps
}()

// Get fetches rawURL. See Fetcher.
func (c *Client) Get(ctx context.Context, rawURL string, accept string) (*Response, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, &Error{URL: rawURL, Err: ErrBadURL}
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, &Error{URL: rawURL, Err: ErrUnsupportedScheme}
	}
	if u.Host == "" {
		return nil, &Error{URL: rawURL, Err: ErrBadURL}
	}
	u.Fragment, u.RawFragment = "", ""
	ctx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, &Error{URL: rawURL, Err: err}
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	req.Header.Set("User-Agent", c.opts.UserAgent)
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, c.wrap(ctx, rawURL, err)
	}
	defer resp.Body.Close()
	if resp.ContentLength > c.opts.MaxBytes {
		return nil, &Error{URL: resp.Request.URL.String(), Err: ErrTooLarge}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, c.opts.MaxBytes+1))
	if err != nil {
		return nil, c.wrap(ctx, rawURL, err)
	}
	if int64(len(body)) > c.opts.MaxBytes {
		return nil, &Error{URL: resp.Request.URL.String(), Err: ErrTooLarge}
	}
	return &Response{
		URL:         resp.Request.URL.String(),
		StatusCode:  resp.StatusCode,
		ContentType: resp.Header.Get("Content-Type"),
		Body:        body,
		Header:      resp.Header,
	}, nil
}

// wrap turns a transport error into an *Error carrying the most specific sentinel.
func (c *Client) wrap(ctx context.Context, rawURL string, err error) error {
	for _, s := range []error{ErrForbiddenAddress, ErrTooManyRedirects, ErrUnsupportedScheme, ErrInsecureRedirect} {
		if errors.Is(err, s) {
			return &Error{URL: rawURL, Err: fmt.Errorf("%w (%v)", s, err)}
		}
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return &Error{URL: rawURL, Err: fmt.Errorf("%w after %v: %w", ErrTimeout, c.opts.Timeout, err)}
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return &Error{URL: rawURL, Err: fmt.Errorf("%w: %w", ErrTimeout, err)}
	}
	return &Error{URL: rawURL, Err: err}
}
