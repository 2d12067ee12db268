package proof

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rosettebadges/rosette/openbadges/did"
	"github.com/rosettebadges/rosette/openbadges/fetch"
	"github.com/rosettebadges/rosette/openbadges/internal/fixture"
	"github.com/rosettebadges/rosette/openbadges/jsonld"
)

// Every signed credential of the Digital Credentials Consortium fixtures (VCDM 1.1 and 2.0;
// eddsa-rdfc-2022, Ed25519Signature2020 and both as a proof set; did:key and did:web issuers,
// the did:web documents served from the fixtures) verifies, with the controller check
// against the issuer id.
func TestDCCFixturesVerify(t *testing.T) {
	ctx := context.Background()
	c := canon(t)
	dir := fixture.Path(t, "digitalcredentials-vc-test-fixtures")
	static := fetch.Static{}
	for _, name := range []string{"legacy", "oidf"} {
		b, err := os.ReadFile(filepath.Join(dir, "dids", name, "did.json"))
		if err != nil {
			t.Fatal(err)
		}
		u := "https://digitalcredentials.github.io/vc-test-fixtures/dids/" + name + "/did.json"
		static[u] = &fetch.Response{URL: u, StatusCode: 200, ContentType: "application/json", Body: b}
	}
	r := &did.Resolver{Fetcher: static}
	var n, proofs, legacy, noContext int
	missing := map[string]bool{}
	err := filepath.WalkDir(filepath.Join(dir, "verifiableCredentials"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		var head struct {
			Issuer any `json:"issuer"`
		}
		if json.Unmarshal(b, &head) != nil {
			t.Logf("%s: not JSON, skipped", p)
			return nil
		}
		issuer, _ := head.Issuer.(string)
		if m, ok := head.Issuer.(map[string]any); ok {
			issuer, _ = m["id"].(string)
		}
		rel, _ := filepath.Rel(dir, p)
		res, err := VerifyDataIntegrity(ctx, c, r, b, issuer)
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			return nil
		}
		n++
		// The file name says what to expect: "...-tampered" (the credential was changed) and
		// "badDidWeb" (unresolvable key) must fail; "tamperedStatus" is about the status list.
		wantValid := !strings.HasSuffix(rel, "-tampered.json") && !strings.Contains(rel, "badDidWeb")
		for _, pr := range res {
			if errors.Is(pr.Err, jsonld.ErrContextNotFound) {
				noContext++
				missing[pr.Err.Error()[strings.LastIndex(pr.Err.Error(), " ")+1:]] = true
			}
			proofs++
			if pr.Type == TypeEd25519Signature2020 {
				legacy++
			}
			if pr.Verified != wantValid {
				t.Errorf("%s: proof %d (%s %s): verified=%v, want %v: %v", rel, pr.Index, pr.Type, pr.Cryptosuite, pr.Verified, wantValid, pr.Err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 80 {
		t.Errorf("only %d credentials checked", n)
	}
	if noContext > 0 {
		t.Errorf("%d proofs not checkable offline, contexts not embedded: %v", noContext, missing)
	}
	t.Logf("%d credentials, %d proofs checked (%d Ed25519Signature2020)", n, proofs, legacy)
}
