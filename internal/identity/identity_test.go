package identity

import (
	"context"
	"crypto"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/keys"
	"github.com/rosettebadges/rosette/internal/server"
	"github.com/rosettebadges/rosette/internal/service"
	"github.com/rosettebadges/rosette/internal/store"
	"github.com/rosettebadges/rosette/internal/store/storetest"
	"github.com/rosettebadges/rosette/openbadges/did"
	"github.com/rosettebadges/rosette/openbadges/fetch"
	"github.com/rosettebadges/rosette/openbadges/key"
	"github.com/rosettebadges/rosette/openbadges/proof"
)

var t0 = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

type env struct {
	ts       *httptest.Server
	urls     URLs
	svc      *service.Issuers
	km       *keys.Manager
	admin    *badge.User
	resolver *did.Resolver
}

// newEnv serves the identity routes over TLS on 127.0.0.1 through the real server middleware,
// with a resolver whose fetch.Client trusts that server and may reach the loopback address.
func newEnv(t *testing.T, newStore func(testing.TB) *store.Store) *env {
	t.Helper()
	ctx := context.Background()
	st := newStore(t)
	master, _ := keys.ParseMasterKey(keys.NewMasterKey())
	km := keys.NewManager(st, master)
	svc := service.NewIssuers(st, km, badge.NewFakeClock(t0), nil)
	u := &store.User{Email: "admin@x.org", EmailKey: "admin@x.org", PasswordHash: "x", IsAdmin: true, CreatedAt: t0, UpdatedAt: t0}
	if err := st.Update(ctx, func(tx *store.Tx) error { return tx.InsertUser(ctx, u) }); err != nil {
		t.Fatal(err)
	}
	h := &Handler{Issuers: svc}
	srv := server.New(server.Options{})
	h.Register(srv)
	ts := httptest.NewTLSServer(srv)
	t.Cleanup(ts.Close)
	h.URLs = URLs{Base: ts.URL}
	client := fetch.NewClient(fetch.Options{AllowHosts: []string{"127.0.0.1"}, TLSConfig: ts.Client().Transport.(*http.Transport).TLSClientConfig})
	return &env{ts: ts, urls: h.URLs, svc: svc, km: km, admin: &badge.User{ID: u.ID, IsAdmin: true},
		resolver: &did.Resolver{Fetcher: client}}
}

func (e *env) get(t *testing.T, path, accept string, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", e.ts.URL+path, nil)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := e.ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func TestIdentity(t *testing.T) {
	storetest.Each(t, func(t *testing.T, newStore func(testing.TB) *store.Store) {
		t.Parallel()
		testIdentity(t, newEnv(t, newStore))
	})
}

func testIdentity(t *testing.T, e *env) {
	ctx := context.Background()
	iss, err := e.svc.Create(ctx, e.admin, badge.IssuerFields{Name: "Acme Academy", Email: "badges@acme.example",
		Website: "https://acme.example", Description: "We teach.", LogoURL: "https://acme.example/logo.png"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	profileURL := e.ts.URL + "/issuers/" + iss.ID
	issuerDID, err := e.urls.DID(iss.ID)
	if err != nil {
		t.Fatal(err)
	}
	if want := "did:web:127.0.0.1%3A" + e.ts.URL[strings.LastIndex(e.ts.URL, ":")+1:] + ":issuers:" + iss.ID; issuerDID != want {
		t.Fatalf("DID = %s, want %s", issuerDID, want)
	}
	ed, err := e.km.Signer(ctx, iss.ID, key.Ed25519)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := e.km.Signer(ctx, iss.ID, key.RS256)
	if err != nil {
		t.Fatal(err)
	}

	// The profile, negotiated.
	resp, body := e.get(t, "/issuers/"+iss.ID, "application/ld+json")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/ld+json" {
		t.Fatalf("profile: %d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	var prof map[string]any
	json.Unmarshal(body, &prof)
	keyURL := profileURL + "/keys/" + rs.KeyID
	want := map[string]any{"@context": "https://w3id.org/openbadges/v2", "type": "Issuer", "id": profileURL, "name": "Acme Academy",
		"url": "https://acme.example", "email": "badges@acme.example", "description": "We teach.", "image": "https://acme.example/logo.png",
		"publicKey":      []any{keyURL},
		"revocationList": profileURL + "/revocations.json",
		"verification":   map[string]any{"type": "VerificationObject", "startsWith": []any{e.ts.URL + "/"}}}
	if got, _ := json.Marshal(prof); string(got) != mustJSON(want) {
		t.Errorf("profile =\n%s\nwant\n%s", got, mustJSON(want))
	}
	if resp.Header.Get("Cache-Control") != CacheControl || resp.Header.Get("ETag") == "" {
		t.Errorf("profile cache headers: %v", resp.Header)
	}
	if r2, _ := e.get(t, "/issuers/"+iss.ID, "application/json"); r2.Header.Get("Content-Type") != "application/json" {
		t.Errorf("Accept json: %s", r2.Header.Get("Content-Type"))
	}
	if r2, _ := e.get(t, "/issuers/"+iss.ID, ""); r2.Header.Get("Content-Type") != "application/ld+json" {
		t.Errorf("no Accept: %s", r2.Header.Get("Content-Type"))
	}
	// Without an HTML handler, browsers are told there is JSON only.
	if r2, b2 := e.get(t, "/issuers/"+iss.ID, "text/html"); r2.StatusCode != 406 || !strings.Contains(string(b2), "not_acceptable") {
		t.Errorf("Accept text/html: %d %s", r2.StatusCode, b2)
	}
	if r2, b2 := e.get(t, "/issuers/"+iss.ID, "", "If-None-Match", resp.Header.Get("ETag")); r2.StatusCode != 304 || len(b2) != 0 {
		t.Errorf("If-None-Match: %d", r2.StatusCode)
	}

	// The DID document and the JWKS list both keys.
	resp, body = e.get(t, "/issuers/"+iss.ID+"/did.json", "")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/did+ld+json" || resp.Header.Get("ETag") == "" {
		t.Fatalf("did.json: %d %v", resp.StatusCode, resp.Header)
	}
	doc, err := did.ParseDocument(body)
	if err != nil || doc.ID != issuerDID || len(doc.VerificationMethod) != 2 || len(doc.AssertionMethod) != 2 {
		t.Fatalf("DID document %s: %v", body, err)
	}
	resp, body = e.get(t, "/issuers/"+iss.ID+"/jwks.json", "")
	if resp.Header.Get("Content-Type") != "application/jwk-set+json" || strings.Contains(string(body), `"d"`) {
		t.Errorf("jwks: %s %s", resp.Header.Get("Content-Type"), body)
	}
	for _, k := range []*key.PrivateKey{ed, rs} {
		vm, err := e.resolver.ResolveMethod(ctx, e.urls.JWKS(iss.ID)+"#"+k.KeyID)
		if err != nil || !vm.PublicKey.(interface{ Equal(crypto.PublicKey) bool }).Equal(k.Public()) {
			t.Errorf("JWKS %s: %v", k.KeyID, err)
		}
	}

	// A signature by the issuer's Ed25519 key, as a VC-JWT whose kid is the did:web method,
	// resolves to a method controlled by the issuer.
	jwtVerify := func(k *key.PrivateKey) error {
		vmID, _ := e.urls.VerificationMethod(iss.ID, k.KeyID)
		cred := `{"@context":["https://www.w3.org/ns/credentials/v2"],"id":"urn:uuid:6a0f0d9c-1d1b-4a43-9a39-1f7f3c1c6f11",` +
			`"type":["VerifiableCredential"],"issuer":"` + issuerDID + `","validFrom":"2026-01-01T00:00:00Z",` +
			`"credentialSubject":{"id":"did:example:ann"}}`
		jwt, err := proof.SignJWT([]byte(cred), k, proof.JWTOptions{KeyID: vmID})
		if err != nil {
			return err
		}
		res, err := proof.VerifyJWT(ctx, jwt, e.resolver)
		if err != nil {
			return err
		}
		if !res.KeyBound || res.Method.ID != vmID {
			return errors.New("key not bound to the issuer")
		}
		return did.CheckController(res.Method, issuerDID)
	}
	for _, k := range []*key.PrivateKey{ed, rs} {
		if err := jwtVerify(k); err != nil {
			t.Errorf("VC-JWT by %s key: %v", k.Alg, err)
		}
	}

	// An OB 2.0 signed assertion by the RSA key, checked against the CryptographicKey URL.
	ob2Verify := func(k *key.PrivateKey) error {
		creator := profileURL + "/keys/" + k.KeyID
		assertion := `{"@context":"https://w3id.org/openbadges/v2","type":"Assertion","id":"urn:uuid:2a3b","verification":{"type":"SignedBadge","creator":"` + creator + `"}}`
		jws, err := proof.SignOB2([]byte(assertion), k)
		if err != nil {
			return err
		}
		res, err := proof.VerifyOB2(ctx, jws, e.resolver)
		if err != nil {
			return err
		}
		if res.Method.Controller != profileURL {
			return errors.New("owner " + res.Method.Controller)
		}
		return nil
	}
	if err := ob2Verify(rs); err != nil {
		t.Errorf("OB 2.0 JWS: %v", err)
	}
	resp, body = e.get(t, "/issuers/"+iss.ID+"/keys/"+rs.KeyID, "")
	if resp.Header.Get("Content-Type") != "application/ld+json" || !strings.Contains(string(body), `"owner":"`+profileURL+`"`) {
		t.Errorf("key document: %s %s", resp.Header.Get("Content-Type"), body)
	}

	// Rotation: new keys sign, the old ones stay published and their signatures still verify.
	if _, err := e.svc.RotateKeys(ctx, e.admin, iss.ID); err != nil {
		t.Fatal(err)
	}
	ed2, _ := e.km.Signer(ctx, iss.ID, key.Ed25519)
	rs2, _ := e.km.Signer(ctx, iss.ID, key.RS256)
	if ed2.KeyID == ed.KeyID || rs2.KeyID == rs.KeyID {
		t.Fatal("rotation kept the same keys")
	}
	for _, k := range []*key.PrivateKey{ed, rs, ed2, rs2} {
		if err := jwtVerify(k); err != nil {
			t.Errorf("after rotation, VC-JWT by %s %s: %v", k.Alg, k.KeyID, err)
		}
	}
	for _, k := range []*key.PrivateKey{rs, rs2} {
		if err := ob2Verify(k); err != nil {
			t.Errorf("after rotation, OB 2.0 JWS by %s: %v", k.KeyID, err)
		}
	}
	_, body = e.get(t, "/issuers/"+iss.ID, "")
	if n := strings.Count(string(body), "/keys/"); n != 2 {
		t.Errorf("profile lists %d RSA keys after rotation, want 2", n)
	}

	// Unknown issuer and key.
	for _, p := range []string{"/issuers/nope", "/issuers/nope/did.json", "/issuers/nope/jwks.json", "/issuers/" + iss.ID + "/keys/nope"} {
		if r, b := e.get(t, p, ""); r.StatusCode != 404 || r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("%s: %d %s %s", p, r.StatusCode, r.Header.Get("Content-Type"), b)
		}
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestNegotiateLD(t *testing.T) {
	tests := []struct{ accept, ct string }{
		{"", "application/ld+json"},
		{"application/ld+json", "application/ld+json"},
		{"application/json", "application/json"},
		{"application/json, application/ld+json;q=0.5", "application/ld+json"},
		{"text/html,application/xhtml+xml,*/*;q=0.8", "application/ld+json"},
		{"text/html", ""},
		{"application/ld+json;q=0, application/json", "application/json"},
		{"garbage;;;", ""},
	}
	for _, tt := range tests {
		if ct, _ := NegotiateLD(tt.accept); ct != tt.ct {
			t.Errorf("NegotiateLD(%q) = %q, want %q", tt.accept, ct, tt.ct)
		}
	}
}

func TestWantsHTML(t *testing.T) {
	for accept, want := range map[string]bool{
		"": false, "text/html": true, "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8": true,
		"application/xhtml+xml": true, "application/ld+json": false, "*/*": false, "text/html;q=0, application/json": false,
		"application/json, text/html;q=0.1": true, "garbage;;;": false,
	} {
		if got := WantsHTML(accept); got != want {
			t.Errorf("WantsHTML(%q) = %v, want %v", accept, got, want)
		}
	}
}

// TestProfileHTMLFallback checks that with an HTML handler browsers get the page and JSON
// clients still get the Profile.
func TestProfileHTMLFallback(t *testing.T) {
	st := storetest.NewSQLite(t)
	master, _ := keys.ParseMasterKey(keys.NewMasterKey())
	svc := service.NewIssuers(st, keys.NewManager(st, master), badge.NewFakeClock(t0), nil)
	page := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte("<h1>page of " + r.PathValue("id") + "</h1>"))
	})
	h := &Handler{Issuers: svc, URLs: URLs{Base: "https://badges.example"}, HTML: page}
	srv := server.New(server.Options{})
	h.Register(srv)
	for _, tt := range []struct{ accept, ct, body string }{
		{"text/html,application/xhtml+xml,*/*;q=0.8", "text/html; charset=utf-8", "<h1>page of i1</h1>"},
		{"application/ld+json", "", `"error":"not_found"`}, // JSON clients get the JSON answer (no such issuer)
	} {
		req := httptest.NewRequest("GET", "/issuers/i1", nil)
		req.Header.Set("Accept", tt.accept)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if !strings.Contains(rec.Body.String(), tt.body) || (tt.ct != "" && rec.Header().Get("Content-Type") != tt.ct) ||
			!strings.Contains(rec.Header().Get("Vary"), "Accept") && tt.ct != "" {
			t.Errorf("Accept %q: %d %v %s", tt.accept, rec.Code, rec.Header(), rec.Body)
		}
	}
}

func TestURLs(t *testing.T) {
	u := URLs{Base: "http://localhost:8080"}
	if d, err := u.DID("abc"); err != nil || d != "did:web:localhost%3A8080:issuers:abc" {
		t.Errorf("DID = %s, %v", d, err)
	}
	u = URLs{Base: "https://badges.example.org"}
	if d, _ := u.VerificationMethod("abc", "k1"); d != "did:web:badges.example.org:issuers:abc#k1" {
		t.Errorf("VerificationMethod = %s", d)
	}
	if k := u.Key("abc", "k/1"); k != "https://badges.example.org/issuers/abc/keys/k%2F1" {
		t.Errorf("Key = %s", k)
	}
}

func FuzzNegotiateLD(f *testing.F) {
	f.Add("application/json;q=0.5, */*")
	f.Add("text/html")
	f.Fuzz(func(t *testing.T, accept string) {
		WantsHTML(accept)
		ct, ok := NegotiateLD(accept)
		if ok != (ct != "") || (ok && ct != "application/ld+json" && ct != "application/json") {
			t.Fatalf("NegotiateLD(%q) = %q, %v", accept, ct, ok)
		}
		etagMatch(accept, `"x"`)
	})
}
