package did_test

import (
	"context"
	"crypto/ed25519"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rosettebadges/rosette/openbadges/did"
	"github.com/rosettebadges/rosette/openbadges/fetch"
	"github.com/rosettebadges/rosette/openbadges/internal/fakeweb"
	"github.com/rosettebadges/rosette/openbadges/internal/fixture"
	"github.com/rosettebadges/rosette/openbadges/key"
)

func TestKeyDID(t *testing.T) {
	// The OB 3.0 test vector key.
	pub, _ := hex.DecodeString("4bdeafde2ea8beefadd8c699b5c7e0704cf51154d52e17b20b71337ca04cc5a5")
	d, vm, err := did.KeyDID(ed25519.PublicKey(pub))
	if err != nil {
		t.Fatal(err)
	}
	const mk = "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"
	if d != "did:key:"+mk || vm != d+"#"+mk {
		t.Fatalf("KeyDID = %s, %s", d, vm)
	}
	got, err := (&did.Resolver{}).ResolveMethod(context.Background(), vm)
	if err != nil {
		t.Fatal(err)
	}
	if got.Controller != d || got.ID != vm || got.Type != did.TypeMultikey || !got.PublicKey.(ed25519.PublicKey).Equal(ed25519.PublicKey(pub)) {
		t.Fatalf("resolved %+v", got)
	}
	if err := did.CheckController(got, d); err != nil {
		t.Fatal(err)
	}
	if err := did.CheckController(got, "https://example.edu/issuers/565049"); err == nil {
		t.Fatal("CheckController accepted another issuer")
	}
	// P-256 did:key.
	k, _ := key.Generate(key.ES256)
	d2, vm2, err := did.KeyDID(k.Public())
	if err != nil || !strings.HasPrefix(d2, "did:key:zDn") {
		t.Fatalf("P-256 KeyDID = %s, %v", d2, err)
	}
	if _, err := (&did.Resolver{}).ResolveMethod(context.Background(), vm2); err != nil {
		t.Fatal(err)
	}
	// RSA has no did:key here.
	rk, _ := key.Generate(key.RS256)
	if _, _, err := did.KeyDID(rk.Public()); err == nil {
		t.Fatal("KeyDID accepted an RSA key")
	}
}

func TestResolveDIDKeyForms(t *testing.T) {
	const d = "did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"
	ctx := context.Background()
	strict := &did.Resolver{}
	if _, err := strict.ResolveMethod(ctx, d); err == nil {
		t.Error("bare did:key accepted by default")
	}
	lenient := &did.Resolver{AllowBareDIDKey: true}
	if vm, err := lenient.ResolveMethod(ctx, d); err != nil || vm.ID != d+"#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi" {
		t.Errorf("bare did:key with AllowBareDIDKey = %v, %v", vm, err)
	}
	for _, bad := range []string{
		d + "#key-1",
		"did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hw#x",
		"did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme#zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme",
		"did:example:123#k",
		"urn:uuid:1234",
		"did:web:example.com#key", // no fetcher
		"https://example.com/key", // no fetcher
	} {
		if _, err := strict.ResolveMethod(ctx, bad); err == nil {
			t.Errorf("ResolveMethod(%q) succeeded", bad)
		}
	}
}

func TestWebDID(t *testing.T) {
	tests := []struct{ url, did, doc string }{
		{"https://example.com", "did:web:example.com", "https://example.com/.well-known/did.json"},
		{"https://example.com/", "did:web:example.com", "https://example.com/.well-known/did.json"},
		{"https://Example.COM/.well-known/did.json", "did:web:example.com", "https://example.com/.well-known/did.json"},
		{"https://w3c-ccg.github.io/user/alice", "did:web:w3c-ccg.github.io:user:alice", "https://w3c-ccg.github.io/user/alice/did.json"},
		{"https://example.com:3000/user/alice/did.json", "did:web:example.com%3A3000:user:alice", "https://example.com:3000/user/alice/did.json"},
		{"https://digitalcredentials.github.io/vc-test-fixtures/dids/oidf", "did:web:digitalcredentials.github.io:vc-test-fixtures:dids:oidf", "https://digitalcredentials.github.io/vc-test-fixtures/dids/oidf/did.json"},
	}
	for _, tt := range tests {
		got, err := did.WebDID(tt.url)
		if err != nil || got != tt.did {
			t.Errorf("WebDID(%q) = %q, %v; want %q", tt.url, got, err, tt.did)
		}
		doc, err := did.WebDocumentURL(tt.did)
		if err != nil || doc != tt.doc {
			t.Errorf("WebDocumentURL(%q) = %q, %v; want %q", tt.did, doc, err, tt.doc)
		}
	}
	for _, bad := range []string{"http://example.com", "https://user@example.com", "https://example.com/a?b=c", "https://exa_mple.com", "https://example.com/a//b", "ftp://example.com"} {
		if got, err := did.WebDID(bad); err == nil {
			t.Errorf("WebDID(%q) = %q", bad, got)
		}
	}
	for _, bad := range []string{"did:web:", "did:key:z6Mk", "did:web:example.com::a", "did:web:exa/mple.com", "did:web:example.com%3Aab", "did:web:example.com:..", "did:web:evil.com%2Fx", "did:web:evil.com%40good.com"} {
		if got, err := did.WebDocumentURL(bad); err == nil {
			t.Errorf("WebDocumentURL(%q) = %q", bad, got)
		}
	}
}

func TestParseFixtureDocuments(t *testing.T) {
	const mk = "z6MkjXe1vZvPRqFuc9nRBtZ3e1Y9XKDFSbjFAfzLfW2bD6cZ"
	for _, name := range []string{"oidf", "legacy"} {
		t.Run(name, func(t *testing.T) {
			doc, err := did.ParseDocument(fixture.Read(t, "digitalcredentials-vc-test-fixtures/dids", name, "did.json"))
			if err != nil {
				t.Fatal(err)
			}
			id := "did:web:digitalcredentials.github.io:vc-test-fixtures:dids:" + name
			if doc.ID != id {
				t.Fatalf("id = %s", doc.ID)
			}
			vm, ok := doc.Method(id + "#" + mk)
			if !ok || !doc.IsAssertionMethod(vm.ID) || vm.Controller != id {
				t.Fatalf("method = %+v, %v; assertion %v", vm, ok, doc.AssertionMethod)
			}
			if len(doc.VerificationMethod) != 1 {
				t.Fatalf("%d methods, want 1 (deduplicated)", len(doc.VerificationMethod))
			}
			want, _ := key.DecodeMultikey(mk)
			if !want.(ed25519.PublicKey).Equal(vm.PublicKey) {
				t.Fatal("wrong key")
			}
		})
	}
}

func TestDocumentRoundTrip(t *testing.T) {
	const d = "did:web:example.com:issuers:1"
	ed, _ := key.Generate(key.Ed25519)
	ec, _ := key.Generate(key.ES256)
	rs, _ := key.Generate(key.RS256)
	var vms []*did.VerificationMethod
	for i, k := range []*key.PrivateKey{ed, ec, rs} {
		vm, err := did.NewMethod("#key-"+string(rune('1'+i)), "", k.Public())
		if err != nil {
			t.Fatal(err)
		}
		vms = append(vms, vm)
	}
	doc := did.NewWebDocument(d, vms...)
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	back, err := did.ParseDocument(b)
	if err != nil {
		t.Fatal(err)
	}
	b2, err := json.Marshal(back)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(b), string(b2)); diff != "" {
		t.Fatalf("round trip (-want +got):\n%s", diff)
	}
	if !strings.Contains(string(b), `"type":"JsonWebKey"`) || !strings.Contains(string(b), did.ContextJWK) {
		t.Fatalf("RSA method not a JsonWebKey: %s", b)
	}
	if back.VerificationMethod[0].ID != d+"#key-1" || back.VerificationMethod[0].Controller != d {
		t.Fatalf("relative id not made absolute: %+v", back.VerificationMethod[0])
	}
}

func TestParseDocumentRejects(t *testing.T) {
	for name, doc := range map[string]string{
		"no id":           `{"verificationMethod":[]}`,
		"bad key":         `{"id":"did:web:a","verificationMethod":[{"id":"#k","type":"Multikey","publicKeyMultibase":"z6Mk"}]}`,
		"unknown type":    `{"id":"did:web:a","verificationMethod":[{"id":"#k","type":"X","publicKeyMultibase":"z6MkjXe1vZvPRqFuc9nRBtZ3e1Y9XKDFSbjFAfzLfW2bD6cZ"}]}`,
		"private jwk":     `{"id":"did:web:a","assertionMethod":[{"id":"#k","type":"JsonWebKey","publicKeyJwk":{"kty":"OKP","crv":"Ed25519","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}}]}`,
		"two keys one id": `{"id":"did:web:a","verificationMethod":[{"id":"#k","type":"Multikey","publicKeyMultibase":"z6MkjXe1vZvPRqFuc9nRBtZ3e1Y9XKDFSbjFAfzLfW2bD6cZ"},{"id":"#k","type":"Multikey","publicKeyMultibase":"z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"}]}`,
		"trailing":        `{"id":"did:web:a"} {}`,
		"not object":      `[]`,
	} {
		if _, err := did.ParseDocument([]byte(doc)); err == nil {
			t.Errorf("%s: ParseDocument succeeded", name)
		}
	}
}

func TestResolveDIDWebFixtures(t *testing.T) {
	r := &did.Resolver{Fetcher: fakeweb.DCC(t).Fetcher()}
	ctx := context.Background()
	for _, name := range []string{"oidf", "legacy"} {
		d := "did:web:digitalcredentials.github.io:vc-test-fixtures:dids:" + name
		vm, err := r.ResolveMethod(ctx, d+"#z6MkjXe1vZvPRqFuc9nRBtZ3e1Y9XKDFSbjFAfzLfW2bD6cZ")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := did.CheckController(vm, d); err != nil {
			t.Fatal(err)
		}
		if _, err := r.ResolveMethod(ctx, d+"#other"); !errors.Is(err, did.ErrNotFound) {
			t.Fatalf("unknown fragment: %v", err)
		}
	}
	// badDidWeb.png's method: the document does not exist (404).
	if _, err := r.ResolveMethod(ctx, "did:web:digitalcredentials.github.io:dcc-did-web-bad#z6MknNQD1WHLGGraFi6zcbGevuAgkVfdyCdtZnQTGWVVvR5Q"); !errors.Is(err, fetch.ErrStatus) {
		t.Fatalf("bad did:web: %v", err)
	}
}

// A did:web served over TLS from loopback, plus https key documents of every shape.
func TestResolveOverTLS(t *testing.T) {
	ed, _ := key.Generate(key.Ed25519)
	rs, _ := key.Generate(key.RS256)
	mux := http.NewServeMux()
	srv := httptest.NewTLSServer(mux)
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	webDID := "did:web:" + strings.ReplaceAll(u.Host, ":", "%3A") + ":issuers:7"
	edVM, _ := did.NewMethod("#key-1", "", ed.Public())
	unlisted, _ := did.NewMethod(webDID+"#key-2", webDID, ed.Public())
	doc := did.NewWebDocument(webDID, edVM)
	doc.VerificationMethod = append(doc.VerificationMethod, *unlisted) // not an assertionMethod
	serveJSON(mux, "/issuers/7/did.json", doc)

	issuer := srv.URL + "/issuers/8"
	ctrl := did.NewWebDocument(issuer, &did.VerificationMethod{ID: issuer + "#key", Type: did.TypeMultikey, PublicKey: ed.Public()})
	serveJSON(mux, "/issuers/8", ctrl)
	pem, _ := key.PublicKeyPEM(rs.Public())
	serveJSON(mux, "/keys/ob2", map[string]any{"@context": "https://w3id.org/openbadges/v2", "type": "CryptographicKey", "id": srv.URL + "/keys/ob2", "owner": srv.URL + "/issuers/9", "publicKeyPem": pem})
	jwk, _ := key.PublicJWK(rs.Public(), "rsa-1")
	jwk["iss"] = srv.URL + "/issuers/9"
	serveJSON(mux, "/keys/jwk", jwk)
	serveJSON(mux, "/.well-known/jwks.json", map[string]any{"keys": []any{jwk}})
	mk, _ := key.EncodeMultikey(ed.Public())
	serveJSON(mux, "/keys/mk", map[string]any{"id": srv.URL + "/keys/mk", "type": "Multikey", "controller": issuer, "publicKeyMultibase": mk})
	// The OB 3.0 validator's fragment shortcut must NOT be honoured: this issuer page has no keys.
	serveJSON(mux, "/issuers/10", map[string]any{"id": srv.URL + "/issuers/10", "type": "Profile"})

	pool := srv.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
	r := &did.Resolver{Fetcher: fetch.NewClient(fetch.Options{AllowHosts: []string{"127.0.0.1"}, TLSConfig: &tls.Config{RootCAs: pool}})}
	ctx := context.Background()
	tests := []struct {
		id, controller string
		alg            key.Algorithm
	}{
		{webDID + "#key-1", webDID, key.Ed25519},
		{issuer + "#key", issuer, key.Ed25519},
		{srv.URL + "/keys/ob2", srv.URL + "/issuers/9", key.RS256},
		{srv.URL + "/keys/jwk", srv.URL + "/issuers/9", key.RS256},
		{srv.URL + "/.well-known/jwks.json#rsa-1", srv.URL + "/issuers/9", key.RS256},
		{srv.URL + "/keys/mk", issuer, key.Ed25519},
	}
	for _, tt := range tests {
		vm, err := r.ResolveMethod(ctx, tt.id)
		if err != nil {
			t.Errorf("%s: %v", tt.id, err)
			continue
		}
		if alg, _ := key.AlgorithmOf(vm.PublicKey); vm.Controller != tt.controller || alg != tt.alg || vm.ID != tt.id {
			t.Errorf("%s: got %+v", tt.id, vm)
		}
	}
	for _, bad := range []string{
		webDID + "#key-2",                    // not an assertionMethod
		srv.URL + "/issuers/10#" + mk,        // fragment shortcut
		srv.URL + "/.well-known/jwks.json#x", // no such kid
		"did:web:" + strings.ReplaceAll(u.Host, ":", "%3A") + ":nothing#k",
	} {
		if vm, err := r.ResolveMethod(ctx, bad); err == nil {
			t.Errorf("ResolveMethod(%s) = %+v", bad, vm)
		}
	}
	// A did:web document claiming another DID is refused.
	mux.HandleFunc("/liar/did.json", func(w http.ResponseWriter, r *http.Request) {
		b, _ := json.Marshal(doc)
		w.Write(b)
	})
	if _, err := r.ResolveMethod(ctx, "did:web:"+strings.ReplaceAll(u.Host, ":", "%3A")+":liar#key-1"); err == nil {
		t.Error("accepted a DID document for another DID")
	}
}

func serveJSON(mux *http.ServeMux, path string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(b)
	})
}

func FuzzParseDocument(f *testing.F) {
	f.Add([]byte(`{"id":"did:web:a","verificationMethod":[{"id":"#k","type":"Multikey","publicKeyMultibase":"z6MkjXe1vZvPRqFuc9nRBtZ3e1Y9XKDFSbjFAfzLfW2bD6cZ"}],"assertionMethod":["#k"]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		doc, err := did.ParseDocument(b)
		if err != nil {
			return
		}
		out, err := json.Marshal(doc)
		if err != nil {
			return // e.g. a CryptographicKey without Multikey encoding
		}
		if _, err := did.ParseDocument(out); err != nil {
			t.Fatalf("re-parse of %s: %v", out, err)
		}
	})
}

func FuzzWebDocumentURL(f *testing.F) {
	f.Add("did:web:example.com%3A3000:user:alice")
	f.Fuzz(func(t *testing.T, s string) {
		u, err := did.WebDocumentURL(s)
		if err != nil {
			return
		}
		p, err := url.Parse(u)
		if err != nil || p.Scheme != "https" || p.User != nil || p.RawQuery != "" || p.Fragment != "" {
			t.Fatalf("WebDocumentURL(%q) = %q", s, u)
		}
	})
}
