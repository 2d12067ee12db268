package verify

import (
	"context"
	"testing"
	"time"

	"github.com/rosettebadges/rosette/openbadges/jsonld"
	"github.com/rosettebadges/rosette/openbadges/proof"
)

// clrTestContext stands in for the CLR 2.0.1 context, of which no public copy is available
// here (OPEN-BADGES.md 4): it only lets this test exercise the CLR orchestration (the record,
// then each embedded credential). It is NOT the published context.
const clrTestContext = `{"@context": {"@version": 1.1, "@vocab": "https://purl.imsglobal.org/spec/clr/vocab.html#",
 "ClrCredential": "https://purl.imsglobal.org/spec/clr/vocab.html#ClrCredential",
 "ClrSubject": "https://purl.imsglobal.org/spec/clr/vocab.html#ClrSubject",
 "verifiableCredential": {"@id": "https://www.w3.org/2018/credentials#verifiableCredential", "@type": "@id", "@container": "@graph"}}}`

func TestCLR(t *testing.T) {
	is := newTestIssuer(t, 1)
	canon := jsonld.NewProcessor(jsonld.WithLoader(jsonld.NewLoader(jsonld.WithDocument(ctxCLR201, []byte(clrTestContext)))))
	clr := func(inner ...any) []byte {
		c := map[string]any{
			"@context":  []any{ctxVC2, ctxCLR201, ctxOB303, ctxOBExt},
			"id":        "urn:uuid:0c7b9e1e-3f43-4d54-9a59-7c7a5a1b2c3d",
			"type":      []any{"VerifiableCredential", "ClrCredential"},
			"name":      "Transcript",
			"issuer":    map[string]any{"id": is.did, "type": []any{"Profile"}, "name": "Example College"},
			"validFrom": "2024-01-01T00:00:00Z",
			"credentialSubject": map[string]any{"id": "did:example:learner", "type": []any{"ClrSubject"},
				"verifiableCredential": inner},
		}
		b, err := proof.SignDataIntegrity(context.Background(), canon, mustJSON(t, c), is.priv,
			proof.ProofOptions{VerificationMethod: is.vm, Created: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	good := is.signMap(t, is.badge())
	bad := is.signMap(t, is.badge())
	bad["name"] = "changed"
	expired := is.badge()
	expired["validUntil"] = "2025-01-01T00:00:00Z"
	tests := []struct {
		name  string
		in    []byte
		want  Verdict
		check Status
		inner []Verdict
	}{
		{"all valid", clr(good), Valid, Pass, []Verdict{Valid}},
		{"a tampered credential", clr(good, bad), Invalid, Fail, []Verdict{Valid, Invalid}},
		{"an expired credential warns", clr(is.signMap(t, expired)), Valid, Warn, []Verdict{Expired}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep := New(Options{Processor: canon, Now: fixedNow}).Verify(context.Background(), tc.in)
			if rep.Verdict != tc.want || rep.Kind != "ClrCredential" {
				t.Fatalf("verdict %s kind %s\n%s", rep.Verdict, rep.Kind, dump(t, rep))
			}
			if got := checkStatus(rep, "Credentials in the record"); got != tc.check {
				t.Errorf("record check %s, want %s", got, tc.check)
			}
			if len(rep.Credentials) != len(tc.inner) {
				t.Fatalf("%d nested reports", len(rep.Credentials))
			}
			for i, v := range tc.inner {
				if rep.Credentials[i].Verdict != v {
					t.Errorf("credential %d: %s, want %s\n%s", i, rep.Credentials[i].Verdict, v, dump(t, rep.Credentials[i]))
				}
			}
		})
	}
}
