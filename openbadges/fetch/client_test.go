package fetch

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"
)

func newServer(t *testing.T, h http.Handler) (*httptest.Server, string) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	return srv, u.Port()
}

func TestGet(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/doc", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/ld+json; charset=utf-8")
		w.Write([]byte(`{"accept":"` + r.Header.Get("Accept") + `","ua":"` + r.Header.Get("User-Agent") + `"}`))
	})
	mux.HandleFunc("/gone", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "revoked", http.StatusGone) })
	mux.HandleFunc("/redirect", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/doc", http.StatusFound) })
	srv, _ := newServer(t, mux)
	c := NewClient(Options{AllowHosts: []string{"127.0.0.1"}})
	ctx := context.Background()

	r, err := c.Get(ctx, srv.URL+"/redirect#frag", "application/ld+json")
	if err != nil {
		t.Fatal(err)
	}
	if r.URL != srv.URL+"/doc" || r.StatusCode != 200 || r.MediaType() != "application/ld+json" {
		t.Fatalf("response = %+v", r)
	}
	if got, want := string(r.Body), `{"accept":"application/ld+json","ua":"rosette"}`; got != want {
		t.Fatalf("body = %s, want %s", got, want)
	}
	if StatusError(r) != nil {
		t.Fatal("StatusError on 200")
	}

	r, err = c.Get(ctx, srv.URL+"/gone", "")
	if err != nil {
		t.Fatal(err)
	}
	if r.StatusCode != http.StatusGone || r.OK() {
		t.Fatalf("status = %d", r.StatusCode)
	}
	var fe *Error
	if err := StatusError(r); !errors.Is(err, ErrStatus) || !errors.As(err, &fe) || fe.StatusCode != 410 {
		t.Fatalf("StatusError = %v", err)
	}
}

func TestRefusals(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) { w.Write(make([]byte, 2000)) })
	mux.HandleFunc("/bigchunked", func(w http.ResponseWriter, r *http.Request) {
		for range 20 {
			w.Write(make([]byte, 100))
			w.(http.Flusher).Flush()
		}
	})
	mux.HandleFunc("/exact", func(w http.ResponseWriter, r *http.Request) { w.Write(make([]byte, 1000)) })
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop", http.StatusFound) })
	mux.HandleFunc("/toftp", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "ftp://example.com/x", http.StatusFound)
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	srv, port := newServer(t, mux)
	// localhost resolves to loopback too, but only "127.0.0.1" is allowed by name.
	mux.HandleFunc("/tolocalhost", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://localhost:"+port+"/exact", http.StatusFound)
	})
	tlsSrv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, srv.URL+"/exact", http.StatusFound)
	}))
	t.Cleanup(tlsSrv.Close)
	downgrade := NewClient(Options{AllowHosts: []string{"127.0.0.1"}, TLSConfig: tlsSrv.Client().Transport.(*http.Transport).TLSClientConfig})
	allowed := NewClient(Options{AllowHosts: []string{"127.0.0.1"}, MaxBytes: 1000, MaxRedirects: 3, Timeout: 200 * time.Millisecond})
	ctx := context.Background()

	tests := []struct {
		name string
		c    *Client
		url  string
		want error
	}{
		{"loopback by default", NewClient(Options{}), srv.URL + "/exact", ErrForbiddenAddress},
		{"localhost by default", NewClient(Options{}), "http://localhost:" + port + "/exact", ErrForbiddenAddress},
		{"redirect to a host not allowed", allowed, srv.URL + "/tolocalhost", ErrForbiddenAddress},
		{"too large", allowed, srv.URL + "/big", ErrTooLarge},
		{"too large, chunked", allowed, srv.URL + "/bigchunked", ErrTooLarge},
		{"redirect loop", allowed, srv.URL + "/loop", ErrTooManyRedirects},
		{"redirect to ftp", allowed, srv.URL + "/toftp", ErrUnsupportedScheme},
		{"ftp", allowed, "ftp://127.0.0.1/x", ErrUnsupportedScheme},
		{"file", allowed, "file:///etc/passwd", ErrUnsupportedScheme},
		{"no host", allowed, "http:///x", ErrBadURL},
		{"https to http redirect", downgrade, tlsSrv.URL + "/", ErrInsecureRedirect},
		{"timeout", allowed, srv.URL + "/slow", ErrTimeout},
		{"unspecified address", NewClient(Options{}), "http://0.0.0.0:" + port + "/exact", ErrForbiddenAddress},
		{"IPv4-mapped loopback", NewClient(Options{}), "http://[::ffff:127.0.0.1]:" + port + "/exact", ErrForbiddenAddress},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := tt.c.Get(ctx, tt.url, "")
			if !errors.Is(err, tt.want) {
				t.Fatalf("Get = %v, %v; want %v", r, err, tt.want)
			}
			var fe *Error
			if !errors.As(err, &fe) {
				t.Fatalf("error %T is not *fetch.Error", err)
			}
		})
	}
	// Exactly MaxBytes is fine.
	if r, err := allowed.Get(ctx, srv.URL+"/exact", ""); err != nil || len(r.Body) != 1000 {
		t.Fatalf("exact = %v", err)
	}
	// AllowPrivate lifts the address check.
	if _, err := NewClient(Options{AllowPrivate: true}).Get(ctx, "http://localhost:"+port+"/exact", ""); err != nil {
		t.Fatal(err)
	}
	// Cancellation is honoured.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := allowed.Get(cctx, srv.URL+"/exact", ""); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled Get = %v", err)
	}
}

func TestPublicAddr(t *testing.T) {
	for s, want := range map[string]bool{
		"93.184.215.14": true, "2606:2800:21f:cb07:6820:80da:af6b:8b2c": true, "8.8.8.8": true,
		"127.0.0.1": false, "10.1.2.3": false, "172.16.0.1": false, "192.168.1.1": false,
		"169.254.169.254": false, "100.64.0.1": false, "0.0.0.0": false, "224.0.0.1": false,
		"255.255.255.255": false, "::1": false, "::": false, "fe80::1": false, "fd00::1": false,
		"::ffff:10.0.0.1": false, "64:ff9b::a00:1": false, "2002:a00:1::": false, "ff02::1": false,
		"198.18.0.1": false, "192.0.2.1": false,
	} {
		if got := publicAddr(netip.MustParseAddr(s)); got != want {
			t.Errorf("publicAddr(%s) = %v, want %v", s, got, want)
		}
	}
}

func TestStatic(t *testing.T) {
	s := Static{"https://example.org/a": {Body: []byte("x"), ContentType: "text/plain"}}
	r, err := s.Get(context.Background(), "https://example.org/a#k", "")
	if err != nil || r.StatusCode != 200 || string(r.Body) != "x" || r.URL != "https://example.org/a" {
		t.Fatalf("Get = %+v, %v", r, err)
	}
	r, err = s.Get(context.Background(), "https://example.org/b", "")
	if err != nil || r.StatusCode != 404 {
		t.Fatalf("missing = %+v, %v", r, err)
	}
	if !strings.Contains((&Error{URL: "u", Err: ErrStatus, StatusCode: 404}).Error(), "404") {
		t.Fatal("Error() lacks status")
	}
}
