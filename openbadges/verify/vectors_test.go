package verify

import (
	"context"
	"testing"

	"github.com/rosettebadges/rosette/openbadges/internal/fakeweb"
	"github.com/rosettebadges/rosette/openbadges/jsonld"
)

const (
	vectorIssuer = "https://example.edu/issuers/565049"
	vectorKey    = "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"
)

// vectorController is the controller document the issuer of the spec vectors would publish
// at its id: the verifier dereferences the issuer URL instead of decoding the key from the
// verificationMethod's fragment (the shortcut of the 1EdTech validator, which would let anyone
// sign for any https issuer by appending their own key as a fragment).
const vectorController = `{
 "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
 "id": "` + vectorIssuer + `",
 "verificationMethod": [{"id": "` + vectorIssuer + `#` + vectorKey + `", "type": "Multikey",
   "controller": "` + vectorIssuer + `", "publicKeyMultibase": "` + vectorKey + `"}],
 "assertionMethod": ["` + vectorIssuer + `#` + vectorKey + `"]
}`

func TestSpecVectors(t *testing.T) {
	tests := []struct {
		dir, kind  string
		controller bool
		want       Verdict
		nested     int
	}{
		{"obv3p0", "AchievementCredential", true, Valid, 0},
		{"clrv2p0", "ClrCredential", true, Valid, 1},
		{"obv3p0", "AchievementCredential", false, Unverifiable, 0},
		{"clrv2p0", "ClrCredential", false, Unverifiable, 1},
	}
	for _, tc := range tests {
		name := tc.dir
		if !tc.controller {
			name += " without controller document"
		}
		t.Run(name, func(t *testing.T) {
			w := fakeweb.New(t)
			if tc.controller {
				w.Put(vectorIssuer, []byte(vectorController))
			}
			want := tc.want
			if _, ok := jsonld.EmbeddedContext(ctxCLR201); tc.kind == "ClrCredential" && !ok {
				// No public copy of the CLR 2.0.1 context is embedded (none is in the
				// fixtures or on npm): without it nothing can be canonicalized.
				want = Unverifiable
				tc.nested = 0
			}
			in := readFixture(t, "openbadges-specification", "ob_v3p0", "impl", "test-vectors", tc.dir, "signed-credential.json")
			rep := New(Options{Fetcher: w.Fetcher(), Now: fixedNow}).Verify(context.Background(), in)
			if rep.Verdict != want || rep.Kind != tc.kind {
				t.Fatalf("verdict %s kind %s, want %s %s\n%s", rep.Verdict, rep.Kind, want, tc.kind, dump(t, rep))
			}
			if len(rep.Credentials) != tc.nested {
				t.Errorf("%d nested credentials, want %d", len(rep.Credentials), tc.nested)
			}
			for _, c := range rep.Credentials {
				if c.Verdict != want {
					t.Errorf("nested credential verdict %s\n%s", c.Verdict, dump(t, c))
				}
			}
			if rep.Display.IssuerName == "" || rep.Display.Name == "" {
				t.Errorf("display %+v", rep.Display)
			}
		})
	}
}
