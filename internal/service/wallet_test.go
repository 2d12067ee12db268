package service

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"github.com/rosettebadges/rosette/internal/testenv"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/store"
	"github.com/rosettebadges/rosette/internal/store/storetest"
	"github.com/rosettebadges/rosette/openbadges/bake"
	"github.com/rosettebadges/rosette/openbadges/did"
	"github.com/rosettebadges/rosette/openbadges/fetch"
	"github.com/rosettebadges/rosette/openbadges/key"
	"github.com/rosettebadges/rosette/openbadges/proof"
	"github.com/rosettebadges/rosette/openbadges/verify"
)

const (
	fixtureOB3     = "digitalcredentials-vc-test-fixtures/verifiableCredentials/v2/dataIntegrityProof/didKey/legacyRegistry-noStatus-noExpiry-basicOBv3.json"
	fixtureHeart   = "concentricsky-openbadges-bakery/openbadges_bakery/testfiles/public_domain_heart.png"
	fixtureSVG     = "concentricsky-openbadges-bakery/openbadges_bakery/testfiles/unbaked_example.svg"
	fixtureUnbaked = "mozilla-openbadges-bakery/test/unbaked.png"
)

// otherPlatform is another badge platform publishing hosted OB 2.0 assertions on loopback:
// /assertions/{name}.json, their badge class and issuer. Revoked assertions answer 410; down
// makes every request fail with 503.
type otherPlatform struct {
	srv     *httptest.Server
	mu      sync.Mutex
	revoked map[string]bool
	down    bool
	hits    atomic.Int64
}

func newOtherPlatform(t *testing.T) *otherPlatform {
	t.Helper()
	p := &otherPlatform{revoked: map[string]bool{}}
	p.srv = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(p.srv.Close)
	return p
}

func (p *otherPlatform) assertionURL(name string) string {
	return p.srv.URL + "/assertions/" + name + ".json"
}

func (p *otherPlatform) assertion(name string) string {
	u := p.srv.URL
	return `{"@context":"https://w3id.org/openbadges/v2","type":"Assertion","id":"` + p.assertionURL(name) + `",
 "recipient":{"type":"email","hashed":false,"identity":"sam@example.org"},
 "issuedOn":"2026-01-15T10:00:00Z","badge":"` + u + `/badge.json","verification":{"type":"hosted"}}`
}

func (p *otherPlatform) serve(w http.ResponseWriter, r *http.Request) {
	p.hits.Add(1)
	p.mu.Lock()
	down, revoked := p.down, p.revoked[r.URL.Path]
	p.mu.Unlock()
	u := p.srv.URL
	var doc string
	switch {
	case down:
		http.Error(w, "down", http.StatusServiceUnavailable)
		return
	case revoked:
		http.Error(w, "gone", http.StatusGone)
		return
	case strings.HasPrefix(r.URL.Path, "/assertions/") && strings.HasSuffix(r.URL.Path, ".json"):
		doc = p.assertion(strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/assertions/"), ".json"))
	case r.URL.Path == "/badge.json":
		doc = `{"@context":"https://w3id.org/openbadges/v2","type":"BadgeClass","id":"` + u + `/badge.json","name":"Harbour Pilot",
 "description":"Brings ships in.","image":"https://images.example/pilot.png","criteria":"` + u + `/criteria.html","issuer":"` + u + `/issuer.json"}`
	case r.URL.Path == "/issuer.json":
		doc = `{"@context":"https://w3id.org/openbadges/v2","type":"Issuer","id":"` + u + `/issuer.json","name":"Harbour Guild","url":"` + u + `","email":"guild@example.org"}`
	default:
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/ld+json")
	w.Write([]byte(doc))
}

func (p *otherPlatform) set(f func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f()
}

// countingVerifier counts verifications (to see that an expiry needs no network).
type countingVerifier struct {
	v *verify.Verifier
	n atomic.Int64
}

func (c *countingVerifier) Verify(ctx context.Context, in []byte) *verify.Report {
	c.n.Add(1)
	return c.v.Verify(ctx, in)
}

func (c *countingVerifier) VerifyURL(ctx context.Context, u string) *verify.Report {
	c.n.Add(1)
	return c.v.VerifyURL(ctx, u)
}

type walletFixture struct {
	issuersFixture
	wallet   *Wallet
	verifier *countingVerifier
	earner   *badge.User
	other    *badge.User
}

func newWalletFixture(t *testing.T, newStore func(testing.TB) *store.Store) walletFixture {
	t.Helper()
	f := newIssuers(t, newStore, "earner", "other")
	v := &countingVerifier{v: verify.New(verify.Options{Fetcher: fetch.NewClient(fetch.Options{AllowPrivate: true}), Now: f.clock.Now})}
	w := NewWallet(WalletOptions{Store: f.st, Verifier: v, Clock: f.clock})
	return walletFixture{issuersFixture: f, wallet: w, verifier: v, earner: f.users["earner"], other: f.users["other"]}
}

// signedOB3JWT returns the fixture credential re-issued as a VC-JWT by a did:key of ours,
// with the given id, name and dates (validUntil "" for none).
func signedOB3JWT(t *testing.T, id, name, validFrom, validUntil string) string {
	t.Helper()
	var cred map[string]any
	if err := json.Unmarshal(testenv.ReadFixture(t, fixtureOB3), &cred); err != nil {
		t.Fatal(err)
	}
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{9}, ed25519.SeedSize))
	d, vm, err := did.KeyDID(priv.Public())
	if err != nil {
		t.Fatal(err)
	}
	delete(cred, "proof")
	cred["id"], cred["validFrom"] = id, validFrom
	if validUntil != "" {
		cred["validUntil"] = validUntil
	}
	cred["issuer"].(map[string]any)["id"] = d
	cred["credentialSubject"].(map[string]any)["achievement"].(map[string]any)["name"] = name
	payload, err := json.Marshal(cred)
	if err != nil {
		t.Fatal(err)
	}
	k, err := key.NewPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	tok, err := proof.SignJWT(payload, k, proof.JWTOptions{KeyID: vm})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func bakeFixture(t *testing.T, rel string, payload string) []byte {
	t.Helper()
	b, err := bake.Bake(testenv.ReadFixture(t, rel), bake.OB2, []byte(payload))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestWallet(t *testing.T) {
	storetest.Each(t, func(t *testing.T, newStore func(testing.TB) *store.Store) {
		for name, f := range map[string]func(*testing.T, walletFixture){
			"ImportForms":   testWalletImportForms,
			"JWTByURL":      testWalletJWTByURL,
			"NotABadge":     testWalletNotABadge,
			"Upsert":        testWalletUpsert,
			"Ownership":     testWalletOwnership,
			"RecheckRevoke": testWalletRecheckRevoke,
			"RecheckExpiry": testWalletRecheckExpiry,
			"Unreachable":   testWalletUnreachable,
			"RecheckJob":    testWalletRecheckJob,
			"RecheckBatch":  testWalletRecheckBatches,
		} {
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				f(t, newWalletFixture(t, newStore))
			})
		}
	})
}

func testWalletImportForms(t *testing.T, f walletFixture) {
	ctx := context.Background()
	p := newOtherPlatform(t)
	ob3 := testenv.ReadFixture(t, fixtureOB3)
	jwt := signedOB3JWT(t, "urn:uuid:6f1c3a52-0d1e-4c59-9a39-2f1f4a3e2d11", "Signed Teamwork", "2026-01-01T00:00:00Z", "")
	tests := []struct {
		name                     string
		in                       WalletInput
		format, imageType, badge string
		issuer                   string
		sourceURL                string
		status                   string
	}{
		{"OB 2.0 hosted URL", WalletInput{URL: p.assertionURL("url"), Source: "import"}, "ob2-json", "", "Harbour Pilot", "Harbour Guild", p.assertionURL("url"), "verified"},
		{"OB 2.0 hosted JSON pasted", WalletInput{Data: []byte(p.assertion("json")), Source: "import"}, "ob2-json", "", "Harbour Pilot", "Harbour Guild", "", "verified"},
		{"OB 2.0 baked PNG", WalletInput{Data: bakeFixture(t, fixtureHeart, p.assertionURL("png")), Source: "import"}, "ob2-json", "image/png", "Harbour Pilot", "Harbour Guild", p.assertionURL("png"), "verified"},
		{"OB 2.0 baked SVG", WalletInput{Data: bakeFixture(t, fixtureSVG, p.assertionURL("svg")), Source: "import"}, "ob2-json", "image/svg+xml", "Harbour Pilot", "Harbour Guild", p.assertionURL("svg"), "verified"},
		{"OB 3.0 JSON", WalletInput{Data: ob3, Source: "api"}, "ob3-json", "", "Teamwork", "Example Corp", "", "verified"},
		{"OB 3.0 VC-JWT", WalletInput{Data: []byte(jwt + "\n"), Source: "import"}, "ob3-jwt", "", "Signed Teamwork", "Example Corp", "", "verified"},
	}
	for i, tc := range tests {
		f.clock.Advance(time.Second) // newest first
		item, created, err := f.wallet.Add(ctx, f.earner, tc.in)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if !created {
			t.Errorf("%s: created = false", tc.name)
		}
		rep := f.wallet.Report(item)
		if item.Format != tc.format || item.ImageType != tc.imageType || item.Name != tc.badge || item.IssuerName != tc.issuer ||
			item.SourceURL != tc.sourceURL || item.VerifyStatus != tc.status || item.Source != tc.in.Source || rep == nil {
			t.Errorf("%s: item format %q image %q name %q issuer %q source %q status %q (report %+v)", tc.name, item.Format,
				item.ImageType, item.Name, item.IssuerName, item.SourceURL, item.VerifyStatus, rep)
		}
		if tc.imageType != "" && !bytes.Equal(item.Image, tc.in.Data) {
			t.Errorf("%s: the baked image is not kept as uploaded", tc.name)
		}
		if item.IssuedAt.IsZero() || !item.CheckedAt.Equal(f.clock.Now()) || !item.NextCheckAt.Equal(f.clock.Now().Add(24*time.Hour)) {
			t.Errorf("%s: issued %v checked %v next %v", tc.name, item.IssuedAt, item.CheckedAt, item.NextCheckAt)
		}
		got, err := f.wallet.Item(ctx, f.earner, item.ID)
		if err != nil || got.CredentialKey != item.CredentialKey || got.Name != item.Name {
			t.Errorf("%s: Item = %+v, %v", tc.name, got, err)
		}
		if _, total, _ := f.wallet.Items(ctx, f.earner, 0, 0); total != i+1 {
			t.Errorf("%s: %d items, want %d", tc.name, total, i+1)
		}
	}
	// The held credentials: JSON as JSON, the JWT as the token.
	held, total, err := f.wallet.Credentials(ctx, f.earner, 2, 0)
	if err != nil || total != len(tests) || len(held) != 2 {
		t.Fatalf("Credentials = %d of %d, %v", len(held), total, err)
	}
	if held[0].Format != "ob3-jwt" || string(held[0].Credential) != jwt || held[1].Format != "ob3-json" || !json.Valid(held[1].Credential) {
		t.Errorf("held %q %q / %q", held[0].Format, held[0].Credential, held[1].Format)
	}
}

// testWalletJWTByURL: a VC-JWT published at a URL is kept as the signed token, not as its
// decoded payload, so that what the wallet hands out (the API, the export) still verifies.
func testWalletJWTByURL(t *testing.T, f walletFixture) {
	ctx := context.Background()
	jwt := signedOB3JWT(t, "urn:uuid:0b6f3c1e-8f0e-4b8e-9a55-1c1d2e3f4a5b", "Published Teamwork", "2026-01-01T00:00:00Z", "")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/jwt")
		w.Write([]byte(jwt))
	}))
	t.Cleanup(srv.Close)
	item, created, err := f.wallet.Add(ctx, f.earner, WalletInput{URL: srv.URL + "/credential.jwt", Source: "import"})
	if err != nil || !created {
		t.Fatalf("Add = %v, %v", created, err)
	}
	if item.Format != "ob3-jwt" || string(item.Credential) != jwt || item.VerifyStatus != "verified" || item.SourceURL != srv.URL+"/credential.jwt" {
		t.Errorf("item format %q status %q source %q credential %.40q", item.Format, item.VerifyStatus, item.SourceURL, item.Credential)
	}
}

func testWalletNotABadge(t *testing.T, f walletFixture) {
	ctx := context.Background()
	p := newOtherPlatform(t)
	for name, in := range map[string]WalletInput{
		"text":                 {Data: []byte("hello there"), Source: "import"},
		"binary":               {Data: []byte{0, 1, 2, 3, 0xff}, Source: "import"},
		"JSON not a badge":     {Data: []byte(`{"name":"x"}`), Source: "import"},
		"broken JSON":          {Data: []byte(`{"@context":`), Source: "import"},
		"image without badge":  {Data: testenv.ReadFixture(t, fixtureUnbaked), Source: "import"},
		"plain VC":             {Data: []byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"issuer":"did:example:1","credentialSubject":{"id":"did:example:2"}}`), Source: "import"},
		"empty":                {Data: []byte("  \n"), Source: "import"},
		"too large":            {Data: bytes.Repeat([]byte("a"), MaxWalletInput+1), Source: "import"},
		"bad URL":              {URL: "ftp://example.org/a", Source: "import"},
		"both":                 {Data: []byte("{}"), URL: "https://example.org/a", Source: "import"},
		"unknown source":       {Data: testenv.ReadFixture(t, fixtureOB3), Source: "award"},
		"URL that is no badge": {URL: p.srv.URL + "/missing", Source: "import"},
	} {
		_, _, err := f.wallet.Add(ctx, f.earner, in)
		if !errors.Is(err, badge.Invalid) && !errors.Is(err, badge.Unavailable) {
			t.Errorf("%s: err = %v, want Invalid or Unavailable", name, err)
		}
	}
	if _, _, err := f.wallet.Add(ctx, nil, WalletInput{Data: []byte("{}"), Source: "import"}); !errors.Is(err, badge.Unauthorized) {
		t.Errorf("no user: %v", err)
	}
	if items, total, err := f.wallet.Items(ctx, f.earner, 10, 0); err != nil || total != 0 || len(items) != 0 {
		t.Errorf("after refused input: %d items, %v", total, err)
	}
}

func testWalletUpsert(t *testing.T, f walletFixture) {
	ctx := context.Background()
	id := "urn:uuid:0a4b1c9e-5d2f-4e8a-b6c7-d8e9f0a1b2c3"
	add := func(jwt string) (*WalletItem, bool) {
		t.Helper()
		item, created, err := f.wallet.Add(ctx, f.earner, WalletInput{Data: []byte(jwt), Source: "api"})
		if err != nil {
			t.Fatal(err)
		}
		return item, created
	}
	first, created := add(signedOB3JWT(t, id, "First", "2026-02-01T00:00:00Z", ""))
	if !created {
		t.Fatal("first add: created = false")
	}
	if err := f.st.Update(ctx, func(tx *store.Tx) error {
		_, err := tx.SetWalletItemVisibility(ctx, f.earner.ID, first.ID, "public", f.clock.Now())
		return err
	}); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(time.Hour)
	// The same issuer and id, newer: replaces (the id, visibility and creation stay).
	second, created := add(signedOB3JWT(t, " "+strings.Replace(id, "-", "%2D", 1), "Second", "2026-03-01T00:00:00Z", ""))
	if created || second.ID != first.ID || second.Name != "Second" || second.Visibility != "public" || !second.CreatedAt.Equal(first.CreatedAt) {
		t.Errorf("newer copy: created %v, item %+v", created, second)
	}
	// An older copy does not replace a newer one.
	third, created := add(signedOB3JWT(t, id, "Older", "2026-01-01T00:00:00Z", ""))
	if created || third.Name != "Second" {
		t.Errorf("older copy: created %v, name %q", created, third.Name)
	}
	// Another id is another item; so is the same credential in another wallet.
	if _, created := add(signedOB3JWT(t, id+"0", "Other", "2026-01-01T00:00:00Z", "")); !created {
		t.Error("another id: created = false")
	}
	if _, created, err := f.wallet.Add(ctx, f.other, WalletInput{Data: []byte(signedOB3JWT(t, id, "First", "2026-02-01T00:00:00Z", "")), Source: "import"}); err != nil || !created {
		t.Errorf("another earner: created %v, %v", created, err)
	}
	// Without an id: the content decides.
	ob3 := testenv.ReadFixture(t, fixtureOB3)
	var m map[string]any
	json.Unmarshal(ob3, &m)
	if _, ok := m["id"]; ok {
		a, c1, err1 := f.wallet.Add(ctx, f.earner, WalletInput{Data: ob3, Source: "import"})
		b, c2, err2 := f.wallet.Add(ctx, f.earner, WalletInput{Data: append([]byte("\n"), ob3...), Source: "import"})
		if err1 != nil || err2 != nil || !c1 || c2 || a.ID != b.ID {
			t.Errorf("same JSON twice: %v %v %v %v", c1, c2, err1, err2)
		}
		// A changed copy (failing its signature, same dates) does not replace a verified one.
		m["name"] = "Changed"
		changed, _ := json.Marshal(m)
		c, created, err := f.wallet.Add(ctx, f.earner, WalletInput{Data: changed, Source: "api"})
		if err != nil || created || c.ID != a.ID || c.VerifyStatus != WalletVerified || string(c.Credential) != string(a.Credential) {
			t.Errorf("changed copy: created %v, status %q, %v", created, c.VerifyStatus, err)
		}
	}
	// A full wallet takes no more new items (replacing one still works).
	full := NewWallet(WalletOptions{Store: f.st, Verifier: f.verifier, Clock: f.clock, MaxItems: 3})
	if _, _, err := full.Add(ctx, f.earner, WalletInput{Data: []byte(signedOB3JWT(t, id+"1", "Too many", "2026-01-01T00:00:00Z", "")), Source: "api"}); !errors.Is(err, badge.TooMany) {
		t.Errorf("full wallet: %v", err)
	}
	if _, created, err := full.Add(ctx, f.earner, WalletInput{Data: []byte(signedOB3JWT(t, id, "Third", "2026-04-01T00:00:00Z", "")), Source: "api"}); err != nil || created {
		t.Errorf("replace in a full wallet: %v, created %v", err, created)
	}
	if got := CredentialKey(" did:web:a.example ", "urn:uuid:1"); got != CredentialKey("did:web:a.example", "urn%3Auuid:1") {
		t.Error("CredentialKey does not unescape and trim")
	}
}

func testWalletOwnership(t *testing.T, f walletFixture) {
	ctx := context.Background()
	item, _, err := f.wallet.Add(ctx, f.earner, WalletInput{Data: testenv.ReadFixture(t, fixtureOB3), Source: "import"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.wallet.Item(ctx, f.other, item.ID); !errors.Is(err, badge.NotFound) {
		t.Errorf("another user's Item: %v", err)
	}
	if err := f.wallet.Remove(ctx, f.other, item.ID); !errors.Is(err, badge.NotFound) {
		t.Errorf("another user's Remove: %v", err)
	}
	if _, err := f.wallet.Check(ctx, f.other, item.ID); !errors.Is(err, badge.NotFound) {
		t.Errorf("another user's Check: %v", err)
	}
	if _, err := f.wallet.Held(ctx, f.other, item.ID); !errors.Is(err, badge.NotFound) {
		t.Errorf("another user's Held: %v", err)
	}
	if _, err := f.wallet.Item(ctx, f.earner, "nope"); !errors.Is(err, badge.NotFound) {
		t.Errorf("missing Item: %v", err)
	}
	if err := f.wallet.Remove(ctx, f.earner, item.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.wallet.Item(ctx, f.earner, item.ID); !errors.Is(err, badge.NotFound) {
		t.Errorf("removed Item: %v", err)
	}
}
