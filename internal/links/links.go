// Package links owns the public URLs of everything Rosette publishes: issuer profiles and
// identity documents, badge classes, images, awards and their documents, status lists and the
// verify page. Every document that names a URL builds it here, from the installation's base
// URL, so the URLs in signed credentials and the routes that answer them cannot drift apart.
package links

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/rosettebadges/rosette/openbadges/did"
)

// URLs derives the public URLs and identifiers from the installation's base URL.
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

// IssuerRevocationList is the issuer's OB 2.0 RevocationList (named by its Profile's
// revocationList): BASE/issuers/{id}/revocations.json.
func (u URLs) IssuerRevocationList(issuerID string) string {
	return u.Profile(issuerID) + "/revocations.json"
}

// CredentialRevocationList is the issuer's 1EdTech Revocation List (VCRL 1.0), named by the
// credentialStatus of OB 3.0 credentials whose issuer uses that method:
// BASE/issuers/{id}/credential-revocations.json.
func (u URLs) CredentialRevocationList(issuerID string) string {
	return u.Profile(issuerID) + "/credential-revocations.json"
}

// StatusList is the issuer's n-th Bitstring Status List credential (n from 0; each list has
// status.MinEntries entries): BASE/issuers/{id}/status/{n}.
func (u URLs) StatusList(issuerID string, n int) string {
	return u.Profile(issuerID) + "/status/" + strconv.Itoa(n)
}

// BadgeClass is a badge class's public page (HTML; OB 2.0 BadgeClass JSON of the current
// version to JSON clients): BASE/badges/{id}.
func (u URLs) BadgeClass(badgeClassID string) string {
	return u.Base + "/badges/" + url.PathEscape(badgeClassID)
}

// BadgeClassVersion is the OB 2.0 BadgeClass of one version (what OB 2.0 assertions name as
// their badge) and the OB 3.0 Achievement id: BASE/badges/{id}/versions/{n}.
func (u URLs) BadgeClassVersion(badgeClassID string, version int) string {
	return u.BadgeClass(badgeClassID) + "/versions/" + strconv.Itoa(version)
}

// Image is a stored image by its id (sha256 hex of its bytes), served forever with immutable
// caching: BASE/images/{id}.png or .svg, by media type.
func (u URLs) Image(imageID, mediaType string) string {
	ext := ".png"
	if mediaType == "image/svg+xml" {
		ext = ".svg"
	}
	return u.Base + "/images/" + url.PathEscape(imageID) + ext
}

// Award is an award's one public URL: an HTML page to browsers, the OB 3.0 credential to
// JSON-LD clients, and the OB 3.0 credential's id: BASE/awards/{id}.
func (u URLs) Award(awardID string) string {
	return u.Base + "/awards/" + url.PathEscape(awardID)
}

// AwardCredential is the signed OB 3.0 credential (eddsa-rdfc-2022): BASE/awards/{id}/credential.json.
func (u URLs) AwardCredential(awardID string) string { return u.Award(awardID) + "/credential.json" }

// AwardJWT is the VC-JWT form of the credential: BASE/awards/{id}/credential.jwt.
func (u URLs) AwardJWT(awardID string) string { return u.Award(awardID) + "/credential.jwt" }

// AwardAssertion is the OB 2.0 hosted assertion and its id: BASE/awards/{id}/assertion.json.
func (u URLs) AwardAssertion(awardID string) string { return u.Award(awardID) + "/assertion.json" }

// AwardImage is the badge image baked with the OB 3.0 credential, ext "png" or "svg":
// BASE/awards/{id}/image.png.
func (u URLs) AwardImage(awardID, ext string) string { return u.Award(awardID) + "/image." + ext }

// AwardAssertionImage is the badge image baked with the OB 2.0 assertion, ext "png" or
// "svg" (the assertion's image): BASE/awards/{id}/assertion.png.
func (u URLs) AwardAssertionImage(awardID, ext string) string {
	return u.Award(awardID) + "/assertion." + ext
}

// Claim is the link in an award's notification email with which the recipient claims it
// (token: the claim token): BASE/claim/{token}.
func (u URLs) Claim(token string) string { return u.Base + "/claim/" + url.PathEscape(token) }

// Verify is the public verification page: BASE/verify.
func (u URLs) Verify() string { return u.Base + "/verify" }

// VerifyOf is the linkable verification of the badge at target (an award's credential URL,
// say): BASE/verify?url={target}, which verifies it when opened.
func (u URLs) VerifyOf(target string) string {
	return u.Base + "/verify?" + url.Values{"url": {target}}.Encode()
}
