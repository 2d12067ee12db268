// Package identity serves the public identity documents of issuers, which verifiers fetch to
// tie a signature to an issuer: the OB 2.0 issuer Profile, the did:web DID document, the JWK
// Set and the OB 2.0 CryptographicKey of each key. It owns the URLs of these documents
// (URLs), builds them from service.Issuers' public data, and answers with ETag and
// Cache-Control so a CDN may cache them. Every key ever used, active or retired, stays
// published, so old badges still verify after a rotation.
package identity

import "github.com/rosettebadges/rosette/internal/links"

// URLs are the public URLs of the installation (see package links).
type URLs = links.URLs
