package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/identity"
	"github.com/rosettebadges/rosette/internal/server"
	"github.com/rosettebadges/rosette/internal/service"
	"github.com/rosettebadges/rosette/internal/store"
	"github.com/rosettebadges/rosette/openbadges/verify"
)

// TestWalletAwardItemRecheck: an award of this installation held in a wallet is verified in
// process (identity.LocalFetcher, no network); after its issuer revokes it, the next periodic
// re-check shows it revoked. Its held credential is the award's signed OB 3.0 credential.
func TestWalletAwardItemRecheck(t *testing.T) {
	ctx := context.Background()
	ps := newPublicSite(t)
	local := &identity.LocalFetcher{Base: ps.ts.URL, Handler: ps.ts.Config.Handler}
	w := service.NewWallet(service.WalletOptions{Store: ps.st, Awards: ps.awards, Clock: ps.clock,
		Verifier: verify.New(verify.Options{Fetcher: local, Now: ps.clock.Now})})
	a := ps.issue(t, badge.AwardRequest{Recipient: badge.Recipient{Identity: "admin@x.org", Name: "Admin"}})
	cred, err := ps.awards.Credential(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		ID     string `json:"id"`
		Issuer struct {
			ID string `json:"id"`
		} `json:"issuer"`
	}
	if err := json.Unmarshal(cred, &doc); err != nil {
		t.Fatal(err)
	}
	// The item as accepting the award records it (the claim pages do that): due at once.
	now := ps.clock.Now()
	item := &store.WalletItem{ID: "held-award", UserID: ps.admin.ID, Source: "award", AwardID: a.ID, State: "accepted",
		Format: "ob3-json", CredentialKey: service.CredentialKey(doc.Issuer.ID, doc.ID), Name: "Welder",
		VerifyStatus: "unchecked", VerifyReport: "{}", NextCheckAt: now, Visibility: "private", CreatedAt: now, UpdatedAt: now}
	if err := ps.st.Update(ctx, func(tx *store.Tx) error { return tx.InsertWalletItem(ctx, item) }); err != nil {
		t.Fatal(err)
	}
	if n, err := w.RecheckDue(ctx); n != 1 || err != nil {
		t.Fatalf("first check: %d, %v", n, err)
	}
	got, _ := w.Item(ctx, ps.admin, item.ID)
	if got.VerifyStatus != service.WalletVerified {
		t.Fatalf("award item status %q: %s", got.VerifyStatus, got.VerifyReport)
	}
	held, _, err := w.Credentials(ctx, ps.admin, 10, 0)
	if err != nil || len(held) != 1 || held[0].Format != "ob3-json" || string(held[0].Credential) != string(cred) {
		t.Errorf("held credentials %+v, %v", held, err)
	}
	// Importing the same credential finds the award item and leaves it as it is.
	same, created, err := w.Add(ctx, ps.admin, service.WalletInput{Data: cred, Source: "import"})
	if err != nil || created || same.ID != item.ID || same.Source != "award" {
		t.Errorf("import of the held award: created %v, item %+v, %v", created, same, err)
	}

	// Its page links to the public award page.
	site, err := New(Options{Accounts: &tokenAccounts{users: map[string]*badge.User{"token-admin": ps.admin}}, WalletItems: w,
		URLs: ps.urls, Clock: ps.clock})
	if err != nil {
		t.Fatal(err)
	}
	srv := server.New(server.Options{Errors: site})
	site.Register(srv)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	req, _ := http.NewRequest(http.MethodGet, ts.URL+"/wallet/items/"+item.ID, nil)
	req.AddCookie(&http.Cookie{Name: SessionCookie, Value: "token-admin"})
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	page := read(t, resp)
	wantStatus(t, "award item page", page, http.StatusOK)
	mustContain(t, page, `<a href="`+ps.urls.Award(a.ID)+`">`, "(awarded here)", `<h1 id="item-title">Welder</h1>`)

	if _, err := ps.awards.Revoke(ctx, ps.admin, a.ID, "Issued by mistake"); err != nil {
		t.Fatal(err)
	}
	ps.clock.Advance(25 * time.Hour)
	if n, err := w.RecheckDue(ctx); n != 1 || err != nil {
		t.Fatalf("re-check: %d, %v", n, err)
	}
	got, _ = w.Item(ctx, ps.admin, item.ID)
	if got.VerifyStatus != service.WalletRevoked || !got.NextCheckAt.IsZero() {
		t.Errorf("after revocation: status %q, next %v", got.VerifyStatus, got.NextCheckAt)
	}
}
