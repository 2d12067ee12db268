package verify

import (
	"context"
	"testing"
)

// BenchmarkVerifyOB3 verifies a typical signed OB 3.0 credential (eddsa-rdfc-2022, did:key,
// no status: no network) end to end: JSON-LD safe mode, schema, proof, dates.
func BenchmarkVerifyOB3(b *testing.B) {
	in := readFixture(b, "digitalcredentials-vc-test-fixtures", "verifiableCredentials", "v2", "dataIntegrityProof", "didKey", "legacyRegistry-noStatus-noExpiry-basicOBv3.json")
	v := New(Options{Now: fixedNow})
	if rep := v.Verify(context.Background(), in); !rep.Valid {
		b.Fatalf("verdict %s", rep.Verdict)
	}
	b.ReportAllocs()
	for b.Loop() {
		if rep := v.Verify(context.Background(), in); !rep.Valid {
			b.Fatal(rep.Verdict)
		}
	}
}
