package status_test

import (
	"testing"

	"github.com/rosettebadges/rosette/openbadges/status"
)

// FuzzStatusDocuments feeds fetched documents to every parser of this package: list
// credentials (and Check against a fixed entry), both kinds of revocation list, and hosted
// assertion bodies.
func FuzzStatusDocuments(f *testing.F) {
	f.Add([]byte(`{"type":["VerifiableCredential","BitstringStatusListCredential"],"credentialSubject":{"type":"BitstringStatusList","statusPurpose":"revocation","encodedList":"uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"}}`))
	f.Add([]byte(`{"type":"RevocationList","revokedAssertions":["urn:uuid:1",{"id":"urn:uuid:2","revocationReason":"x"}],"revokedCredential":[{"id":"urn:uuid:3"}]}`))
	entry := &status.Entry{Type: status.TypeEntry, StatusPurpose: "revocation", StatusListIndex: 23, StatusSize: 1, StatusListCredential: "https://x"}
	f.Fuzz(func(t *testing.T, b []byte) {
		if l, err := status.ParseListCredential(b); err == nil {
			_, _ = status.Check(entry, l, status.CheckOptions{AllowShortList: true})
		}
		if l, err := status.ParseRevocationList(b); err == nil {
			l.Lookup("urn:uuid:1", "")
		}
		if l, err := status.ParseOB2RevocationList(b); err == nil {
			l.Lookup("urn:uuid:1", "1")
		}
		_, _ = status.HostedAssertionStatus(200, b)
		_, _ = status.HostedAssertionStatus(410, b)
	})
}
