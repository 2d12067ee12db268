package service

import (
	"context"
	"strings"
	"testing"

	"github.com/rosettebadges/rosette/openbadges/verify"
)

// FuzzWalletItem feeds arbitrary input through the verifier (no network) and the wallet's
// reading of its report: it never panics, and what it accepts has a credential, a key and a
// known format.
func FuzzWalletItem(f *testing.F) {
	for _, s := range []string{"", "hello", "{}", `{"@context":"https://w3id.org/openbadges/v2","type":"Assertion","id":"urn:uuid:1","badge":{"name":"x","issuer":{"id":"https://i.example"}},"verification":{"type":"hosted"}}`,
		`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential","OpenBadgeCredential"],"id":"urn:x","issuer":{"id":"did:example:1"},"validFrom":"2020-01-01","credentialSubject":{"achievement":{"name":"n"}}}`,
		"eyJhbGciOiJFZERTQSJ9.eyJ2YyI6e319.c2ln", "\x89PNG\r\n\x1a\n", "<svg/>", "https://example.org/a.json"} {
		f.Add([]byte(s))
	}
	v := verify.New(verify.Options{})
	f.Fuzz(func(t *testing.T, data []byte) {
		rep := v.Verify(context.Background(), data)
		item, err := itemFromReport(WalletInput{Data: data, Source: "import"}, rep)
		if err != nil {
			return
		}
		if len(item.Credential) == 0 || item.CredentialKey == "" {
			t.Fatalf("accepted item without credential or key: %+v", item)
		}
		switch item.Format {
		case "ob2-json", "ob2-jws", "ob3-json", "ob3-jwt":
		default:
			t.Fatalf("format %q", item.Format)
		}
		if len(item.ImageURL) > maxWalletImageURL || strings.ContainsAny(item.IssuerURL, " \n") {
			t.Fatalf("summary %q %q", item.ImageURL, item.IssuerURL)
		}
	})
}

// FuzzParseBadgeTime: any text parses to a UTC time or the zero time, without panicking.
func FuzzParseBadgeTime(f *testing.F) {
	for _, s := range []string{"2026-01-02", "2026-01-02T03:04:05Z", "2026-01-02T03:04:05.5+02:00", "1700000000", "-1", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got := parseBadgeTime(s); !got.IsZero() && got.Location().String() != "UTC" {
			t.Fatalf("%q: %v not UTC", s, got)
		}
	})
}
