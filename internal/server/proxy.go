package server

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// conn is what the server learned about a request's origin before handling it: the client
// address (after trusted proxies), whether it came over HTTPS, and whether a proxy forwarded
// it at all (any X-Forwarded-For or Forwarded header, trusted or not).
type conn struct {
	client    netip.Addr // invalid when RemoteAddr does not parse
	https     bool
	forwarded bool
}

type connKey struct{}

// connOf returns what resolveConn recorded for r.
func connOf(r *http.Request) conn {
	c, _ := r.Context().Value(connKey{}).(conn)
	return c
}

// resolveConn works out the client of r. When the peer is a trusted proxy, the client is the
// rightmost X-Forwarded-For hop that is not itself a trusted proxy (r.RemoteAddr is replaced
// by it) and X-Forwarded-Proto says whether the client used HTTPS (it is normalised to "http"
// or "https", or removed). From any other peer both headers are removed, so nothing after
// this can be fooled by them. The result is also recorded in the request context.
func (s *Server) resolveConn(r *http.Request) *http.Request {
	c := conn{
		client:    parseHost(r.RemoteAddr),
		https:     r.TLS != nil,
		forwarded: r.Header.Get("X-Forwarded-For") != "" || r.Header.Get("Forwarded") != "",
	}
	if c.client.IsValid() && s.trusted(c.client) {
		if client := s.forwardedClient(c.client, r.Header.Values("X-Forwarded-For")); client != c.client {
			c.client = client
			r.RemoteAddr = client.String()
		}
		switch lastToken(r.Header.Values("X-Forwarded-Proto")) {
		case "https":
			c.https = true
			r.Header.Set("X-Forwarded-Proto", "https")
		case "http":
			r.Header.Set("X-Forwarded-Proto", "http")
		default:
			r.Header.Del("X-Forwarded-Proto")
		}
	} else {
		r.Header.Del("X-Forwarded-For")
		r.Header.Del("X-Forwarded-Proto")
	}
	return r.WithContext(context.WithValue(r.Context(), connKey{}, c))
}

// trusted reports whether a is one of the configured reverse proxies.
func (s *Server) trusted(a netip.Addr) bool {
	for _, p := range s.opts.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// forwardedClient walks X-Forwarded-For from the right, starting at the trusted peer, and
// returns the first hop that is not a trusted proxy. A hop that does not parse ends the walk
// (everything left of it is unverifiable): the last trusted hop is the client then, as it is
// when every hop is trusted.
func (s *Server) forwardedClient(peer netip.Addr, values []string) netip.Addr {
	hops := strings.Split(strings.Join(values, ","), ",")
	client := peer
	for i := len(hops) - 1; i >= 0; i-- {
		h := strings.TrimSpace(hops[i])
		a := parseHost(h)
		if !a.IsValid() {
			break
		}
		if !s.trusted(a) {
			return a
		}
		client = a
	}
	return client
}

// parseHost parses an address with or without a port ("192.0.2.1", "192.0.2.1:80",
// "[2001:db8::1]:80", "2001:db8::1"); IPv4-mapped IPv6 becomes IPv4 and zones are dropped.
func parseHost(s string) netip.Addr {
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap().WithZone("")
	}
	host, _, err := net.SplitHostPort(s)
	if err != nil {
		return netip.Addr{}
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}
	}
	return a.Unmap().WithZone("")
}

// lastToken is the rightmost comma-separated entry of a header's values, lower-cased.
func lastToken(values []string) string {
	if len(values) == 0 {
		return ""
	}
	v := values[len(values)-1]
	if i := strings.LastIndexByte(v, ','); i >= 0 {
		v = v[i+1:]
	}
	return strings.ToLower(strings.TrimSpace(v))
}
