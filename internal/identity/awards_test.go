package identity

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/keys"
	"github.com/rosettebadges/rosette/internal/server"
	"github.com/rosettebadges/rosette/internal/service"
	"github.com/rosettebadges/rosette/internal/store"
	"github.com/rosettebadges/rosette/internal/store/storetest"
	"github.com/rosettebadges/rosette/openbadges/did"
	"github.com/rosettebadges/rosette/openbadges/fetch"
	"github.com/rosettebadges/rosette/openbadges/jsonld"
	"github.com/rosettebadges/rosette/openbadges/verify"
)

func TestPrefersHTML(t *testing.T) {
	for accept, want := range map[string]bool{
		"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8": true,
		"application/ld+json, application/json":                           false,
		"application/json, text/html;q=0.5":                               false,
		"":                                                                false,
		"*/*":                                                             false,
		"text/html;q=0":                                                   false,
	} {
		if got := PrefersHTML(accept); got != want {
			t.Errorf("PrefersHTML(%q) = %v", accept, got)
		}
	}
}

// TestAwardDocuments issues awards through the service, serves them over TLS on loopback,
// and verifies them with the verifier as any outside verifier would (did:web, status list,
// hosted assertion over HTTPS), then in process with LocalFetcher; revocation shows at once.
func TestAwardDocuments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, newStore func(testing.TB) *store.Store) {
		t.Parallel()
		ctx := context.Background()
		st := newStore(t)
		master, _ := keys.ParseMasterKey(keys.NewMasterKey())
		km := keys.NewManager(st, master)
		clock := badge.NewFakeClock(t0)
		issuers := service.NewIssuers(st, km, clock, nil)
		u := &store.User{Email: "admin@x.org", EmailKey: "admin@x.org", PasswordHash: "x", IsAdmin: true, CreatedAt: t0, UpdatedAt: t0}
		if err := st.Update(ctx, func(tx *store.Tx) error { return tx.InsertUser(ctx, u) }); err != nil {
			t.Fatal(err)
		}
		admin := &badge.User{ID: u.ID, IsAdmin: true}
		srv := server.New(server.Options{})
		ih := &Handler{Issuers: issuers}
		ah := &AwardHandler{}
		ih.Register(srv)
		ah.Register(srv)
		ts := httptest.NewTLSServer(srv)
		t.Cleanup(ts.Close)
		ih.URLs = URLs{Base: ts.URL}
		awards := service.NewAwards(service.AwardsOptions{Store: st, Keys: km, URLs: ih.URLs, Clock: clock,
			Canonicalizer: jsonld.NewProcessor(jsonld.WithLoader(jsonld.NewLoader()))})
		ah.Awards = awards

		iss, err := issuers.Create(ctx, admin, badge.IssuerFields{Name: "Acme Academy"}, 0)
		if err != nil {
			t.Fatal(err)
		}
		var img bytes.Buffer
		png.Encode(&img, image.NewGray(image.Rect(0, 0, 4, 4)))
		bc, err := service.NewBadgeClasses(st, clock, nil).Create(ctx, admin, iss.ID,
			badge.BadgeClassFields{Name: "Welder", Description: "Welds.", CriteriaNarrative: "Weld."}, img.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		a, err := awards.Issue(ctx, admin, badge.AwardRequest{BadgeClassID: bc.ID, Recipient: badge.Recipient{Identity: "ada@example.org"}})
		if err != nil {
			t.Fatal(err)
		}

		client := fetch.NewClient(fetch.Options{AllowHosts: []string{"127.0.0.1"}, TLSConfig: ts.Client().Transport.(*http.Transport).TLSClientConfig})
		remote := verify.New(verify.Options{Fetcher: client, Resolver: &did.Resolver{Fetcher: client}, Now: clock.Now,
			Recipient: "ada@example.org"})
		local := &LocalFetcher{Base: ts.URL, Handler: srv}
		inProcess := verify.New(verify.Options{Fetcher: local, Resolver: &did.Resolver{Fetcher: local}, Now: clock.Now})
		check := func(what string, r *verify.Report, want verify.Verdict) {
			t.Helper()
			if r.Verdict != want {
				t.Errorf("%s: verdict %s, want %s", what, r.Verdict, want)
				for _, c := range r.Checks {
					t.Logf("  %s %s: %s", c.Status, c.Name, c.Message)
				}
			}
		}
		credURL := ts.URL + "/awards/" + a.ID
		check("credential URL", remote.VerifyURL(ctx, credURL), verify.Valid)
		check("credential URL, in process", inProcess.VerifyURL(ctx, credURL), verify.Valid)
		// The OB 2.0 forms need the badge class documents (served by internal/web) and are
		// verified end to end by the server tests in internal/cli.
		for _, doc := range []string{"/image.png", "/credential.jwt"} {
			resp, body := (&env{ts: ts}).get(t, "/awards/"+a.ID+doc, "")
			if resp.StatusCode != 200 {
				t.Fatalf("%s: %d %s", doc, resp.StatusCode, body)
			}
			check(doc, remote.Verify(ctx, body), verify.Valid)
		}
		// Signed credentials and JWTs are served from memory after the first time, with the
		// same bytes and ETag; a client that has them gets 304.
		for _, doc := range []string{"/credential.json", "/credential.jwt"} {
			r1, b1 := (&env{ts: ts}).get(t, "/awards/"+a.ID+doc, "")
			r2, b2 := (&env{ts: ts}).get(t, "/awards/"+a.ID+doc, "")
			if string(b1) != string(b2) || r1.Header.Get("ETag") == "" || r1.Header.Get("ETag") != r2.Header.Get("ETag") {
				t.Errorf("%s served twice differs", doc)
			}
			if r3, _ := (&env{ts: ts}).get(t, "/awards/"+a.ID+doc, "", "If-None-Match", r1.Header.Get("ETag")); r3.StatusCode != http.StatusNotModified {
				t.Errorf("%s with its ETag: %d", doc, r3.StatusCode)
			}
		}
		if n := ah.docs.len(); n != 2 {
			t.Errorf("%d documents cached, want 2", n)
		}
		// A browser gets no JSON when an HTML page is there.
		ah.HTML = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("<html>page</html>")) })
		if _, body := (&env{ts: ts}).get(t, "/awards/"+a.ID, "text/html,*/*;q=0.8"); string(body) != "<html>page</html>" {
			t.Errorf("browser got %s", body)
		}

		if _, err := awards.Revoke(ctx, admin, a.ID, "Issued by mistake"); err != nil {
			t.Fatal(err)
		}
		check("revoked credential", remote.VerifyURL(ctx, credURL), verify.Revoked)
		check("revoked credential, in process", inProcess.VerifyURL(ctx, credURL), verify.Revoked)
		if resp, _ := (&env{ts: ts}).get(t, "/awards/"+a.ID+"/assertion.json", ""); resp.StatusCode != http.StatusGone {
			t.Errorf("revoked assertion: %d", resp.StatusCode)
		}
		if resp, _ := (&env{ts: ts}).get(t, "/awards/nope", ""); resp.StatusCode != http.StatusNotFound {
			t.Errorf("unknown award: %d", resp.StatusCode)
		}
	})
}
