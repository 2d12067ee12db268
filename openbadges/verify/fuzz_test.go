package verify

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzVerify feeds arbitrary bytes to the verifier: it must never panic, must always return
// a report with a verdict, and does no network (no Fetcher).
func FuzzVerify(f *testing.F) {
	for _, s := range []string{"", "{}", "[]", "null", `{"@context":"https://w3id.org/openbadges/v2","recipient":{},"badge":{}}`,
		`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":"VerifiableCredential","proof":{}}`,
		"eyJhbGciOiJSUzI1NiJ9.eyJ2YyI6e319.c2ln", "https://example.org/badge.json", "\x89PNG\r\n\x1a\n", "<svg/>"} {
		f.Add([]byte(s))
	}
	if d := os.Getenv("ROSETTE_FIXTURES"); d != "" {
		for _, p := range []string{
			"digitalcredentials-vc-test-fixtures/verifiableCredentials/v2/dataIntegrityProof/didKey/legacyRegistry-noStatus-noExpiry-basicOBv3.json",
			"openbadges-specification/ob_v3p0/impl/test-vectors/obv3p0/signed-credential.json",
			"openbadges-validator-core/test_components/2_0_basic_assertion.json",
		} {
			if b, err := os.ReadFile(filepath.Join(d, p)); err == nil {
				f.Add(b)
			}
		}
	}
	v := New(Options{Now: func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }})
	f.Fuzz(func(t *testing.T, in []byte) {
		rep := v.Verify(context.Background(), in)
		if rep == nil || rep.Verdict == "" || rep.Kind == "" {
			t.Fatalf("incomplete report %+v", rep)
		}
		if rep.Valid != (rep.Verdict == Valid) {
			t.Fatalf("valid %v with verdict %s", rep.Valid, rep.Verdict)
		}
		for _, c := range rep.Checks {
			if c.Status == Fail && c.Effect == "" {
				t.Fatalf("failed check without effect: %+v", c)
			}
		}
	})
}
