package did_test

import (
	"context"
	"crypto/tls"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/rosettebadges/rosette/openbadges/did"
	"github.com/rosettebadges/rosette/openbadges/fetch"
	"github.com/rosettebadges/rosette/openbadges/key"
)

func TestInIssuerJWKSet(t *testing.T) {
	rs, _ := key.Generate(key.RS256)
	ec, _ := key.Generate(key.ES256)
	other, _ := key.Generate(key.ES256)
	set, err := key.PublicJWKSet(rs, ec)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := key.ParsePublicJWK(set); err == nil {
		t.Fatal("a JWK Set parsed as one JWK")
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/.well-known/jwks.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/jwk-set+json")
		w.Write(set)
	})
	srv := httptest.NewTLSServer(mux)
	t.Cleanup(srv.Close)
	r := &did.Resolver{Fetcher: fetch.NewClient(fetch.Options{AllowHosts: []string{"127.0.0.1"},
		TLSConfig: &tls.Config{RootCAs: srv.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs}})}
	ctx := context.Background()
	issuer := srv.URL + "/issuers/1"
	for _, tt := range []struct {
		k    *key.PrivateKey
		want bool
	}{{rs, true}, {ec, true}, {other, false}} {
		got, err := r.InIssuerJWKSet(ctx, issuer, tt.k.Public())
		if err != nil || got != tt.want {
			t.Errorf("%s key: %v, %v; want %v", tt.k.Alg, got, err, tt.want)
		}
	}
	if _, err := r.InIssuerJWKSet(ctx, "did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi", ec.Public()); err == nil {
		t.Error("a did:key issuer has no JWK Set")
	}
	if _, err := r.InIssuerJWKSet(ctx, "http://example.org/issuer", ec.Public()); err == nil {
		t.Error("an http issuer has no JWK Set")
	}
	mux2 := http.NewServeMux()
	srv2 := httptest.NewTLSServer(mux2)
	t.Cleanup(srv2.Close)
	r2 := &did.Resolver{Fetcher: fetch.NewClient(fetch.Options{AllowHosts: []string{"127.0.0.1"},
		TLSConfig: &tls.Config{RootCAs: srv2.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs}})}
	if _, err := r2.InIssuerJWKSet(ctx, srv2.URL+"/i", ec.Public()); !errors.Is(err, fetch.ErrStatus) {
		t.Errorf("no JWK Set published: %v", err)
	}
}
