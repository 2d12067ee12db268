// Package identity serves the public identity documents of issuers, which verifiers fetch to
// tie a signature to an issuer: the OB 2.0 issuer Profile, the did:web DID document, the JWK
// Set and the OB 2.0 CryptographicKey of each key. It owns the URLs of these documents
// (URLs), builds them from service.Issuers' public data, and answers with ETag and
// Cache-Control so a CDN may cache them. Every key ever used, active or retired, stays
// published, so old badges still verify after a rotation.
package identity

import (
	"net/url"
	"strings"

	"github.com/rosettebadges/rosette/openbadges/did"
)

// URLs derives the public URLs and identifiers of issuers from the installation's base URL.
type URLs struct {
	Base string // config.BaseURL: absolute http(s), no trailing slash
}

// Profile is the issuer's stable profile URL, its OB 2.0 Profile id: BASE/issuers/{id}.
func (u URLs) Profile(issuerID string) string {
	return u.Base + "/issuers/" + url.PathEscape(issuerID)
}

// DIDDocument is the URL of the issuer's DID document: BASE/issuers/{id}/did.json.
func (u URLs) DIDDocument(issuerID string) string { return u.Profile(issuerID) + "/did.json" }

// JWKS is the URL of the issuer's JWK Set: BASE/issuers/{id}/jwks.json.
func (u URLs) JWKS(issuerID string) string { return u.Profile(issuerID) + "/jwks.json" }

// Key is the URL of one key's OB 2.0 CryptographicKey: BASE/issuers/{id}/keys/{kid}.
func (u URLs) Key(issuerID, kid string) string {
	return u.Profile(issuerID) + "/keys/" + url.PathEscape(kid)
}

// DID is the issuer's did:web, did.WebDID(BASE/issuers/{id}); it resolves to DIDDocument.
// did:web always means https: with an http base URL (local development) the DID is that of
// the https form of the URL, which others can only resolve once it is served over https.
func (u URLs) DID(issuerID string) (string, error) {
	p := u.Profile(issuerID)
	if rest, ok := strings.CutPrefix(p, "http://"); ok {
		p = "https://" + rest
	}
	return did.WebDID(p)
}

// VerificationMethod is the id of a key in the DID document: DID#kid.
func (u URLs) VerificationMethod(issuerID, kid string) (string, error) {
	d, err := u.DID(issuerID)
	if err != nil {
		return "", err
	}
	return d + "#" + kid, nil
}
