package did_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rosettebadges/rosette/openbadges/did"
	"github.com/rosettebadges/rosette/openbadges/fetch"
	"github.com/rosettebadges/rosette/openbadges/internal/fakeweb"
	"github.com/rosettebadges/rosette/openbadges/internal/fixture"
)

// Every verification method of every DCC credential resolves (did:key directly, did:web from
// the fixture documents on a loopback server) and is controlled by the credential's issuer,
// except badDidWeb, whose DID document does not exist.
func TestDCCCredentialMethods(t *testing.T) {
	root := fixture.Path(t, "digitalcredentials-vc-test-fixtures")
	r := &did.Resolver{Fetcher: fakeweb.DCC(t).Fetcher()}
	ctx := context.Background()
	resolved := 0
	err := filepath.Walk(filepath.Join(root, "verifiableCredentials"), func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var vc struct {
			Issuer json.RawMessage `json:"issuer"`
			Proof  json.RawMessage `json:"proof"`
		}
		if err := json.Unmarshal(b, &vc); err != nil {
			return nil // not a credential
		}
		var issuer string
		if json.Unmarshal(vc.Issuer, &issuer) != nil {
			var o struct{ ID string }
			_ = json.Unmarshal(vc.Issuer, &o)
			issuer = o.ID
		}
		var proofs []struct{ VerificationMethod string }
		if json.Unmarshal(vc.Proof, &proofs) != nil {
			var one struct{ VerificationMethod string }
			_ = json.Unmarshal(vc.Proof, &one)
			proofs = append(proofs, one)
		}
		name := strings.TrimPrefix(path, root+"/")
		for _, p := range proofs {
			vm, err := r.ResolveMethod(ctx, p.VerificationMethod)
			if strings.Contains(name, "badDidWeb") {
				if !errors.Is(err, fetch.ErrStatus) {
					t.Errorf("%s: %v", name, err)
				}
				continue
			}
			if err != nil {
				t.Errorf("%s: %s: %v", name, p.VerificationMethod, err)
				continue
			}
			if err := did.CheckController(vm, issuer); err != nil {
				t.Errorf("%s: %v", name, err)
			}
			resolved++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if resolved < 100 {
		t.Fatalf("only %d methods resolved", resolved)
	}
	t.Logf("%d verification methods resolved and bound to their issuer", resolved)
}
