// Package ob2 is the Open Badges 2.0 data model: Assertion, BadgeClass, Profile (issuer),
// IdentityObject with salted identity hashes, VerificationObject, Evidence, Criteria,
// Alignment, Image, CryptographicKey, RevocationList and Endorsement.
//
// Parsing accepts the legal variants (an IRI or an embedded object for badge, issuer, image,
// criteria and evidence; one or many; the verify alias and hosted/signed type aliases) and
// upgrades OB 0.5, 1.0 and 1.1 assertions to the 2.0 shape for display. Unknown members
// are kept (Extra) and the original bytes are kept (Raw); signatures are checked on Raw.
// Marshalling writes the 2.0 form with the https://w3id.org/openbadges/v2 context.
package ob2
