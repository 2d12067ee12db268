// Package verify is Rosette's verifier: it takes any Open Badge input (a baked PNG or SVG,
// OB 0.5-2.0 JSON, OB 3.0 / VCDM 1.1 / VCDM 2.0 JSON, a CLR 2.0 credential, a compact JWS or
// VC-JWT, or a URL) and returns a Report: the detected kind and version, an ordered list of
// named checks (pass, fail, warn, skip) written for a non-expert, an overall verdict and the
// data to display. The public verification page and `rosette verify` use this same code.
//
// # Pipelines
//
// OB 2.0 follows the 1EdTech OB 2.0 validator's task order (OPEN-BADGES.md 1.3, 1.4): fetch
// the hosted assertion (410 Gone or "revoked": true means revoked), its BadgeClass and issuer
// Profile, the hosted id must lie in the issuer's verification scope (startsWith,
// allowedOrigins, default the issuer id's host), signed badges (JWS) are checked with the key
// named by verification.creator or the issuer's publicKey (the key must be listed by the
// issuer) and the issuer's revocationList, then timestamps, the assertion image (never a data
// URI), the recipient, extension nodes (against the JSON Schema their context names) and
// hosted endorsements (each with its own nested Report). OB 0.5 and 1.x badges are read for
// display and verified through their hosted URL when they have one.
//
// OB 3.0 and CLR 2.0 follow the 1EdTech OB 3.0 validator's order (OPEN-BADGES.md 2.6):
// JSON-LD safe mode, contexts and their order (older OB contexts warn), types, JSON Schema
// (and 1EdTechJsonSchemaValidator2019 credentialSchema entries), credential subject id or
// identifier, issuer (a bare URI issuer warns: the data model allows it), proof (Data
// Integrity or VC-JWT; one valid proof suffices; the key's controller must be the issuer),
// refresh once (1EdTechCredentialRefresh; a failure keeps the original), status
// (1EdTechRevocationList, BitstringStatusListEntry; the status list credential's own proof and
// validity period must hold), dates, the optional recipient, and endorsements anywhere in the
// tree, each with its own nested Report. A ClrCredential is verified, then each embedded
// credential (nested reports in Report.Credentials).
//
// # Verdict
//
// Every failed check carries the verdict it implies. The overall verdict is the most severe
// one, in this order:
//
//		invalid > revoked > expired > not_yet_valid > unverifiable > valid
//
//	  - invalid: the badge is malformed or was changed after it was issued: a proof that does
//	    not match, a JSON Schema or JSON-LD error, a required property missing, a key whose
//	    controller is not the issuer, an OB 2.0 hosted id outside the issuer's scope, a
//	    recipient that does not match the one asked for. Invalid beats everything: a revoked
//	    or expired mark on a forged document means nothing.
//	  - revoked: the issuer's status list, revocation list, 410 Gone or "revoked": true says so.
//	  - expired: validUntil / expirationDate / expires is in the past (Options.Now).
//	  - not_yet_valid: validFrom / issuanceDate / issuedOn is in the future.
//	  - unverifiable: something needed to decide could not be obtained or checked: the signing
//	    key or DID document could not be fetched, the status list could not be fetched, or the
//	    status list credential itself failed (its proof does not verify, it is expired or not
//	    yet valid, or it is not a BitstringStatusListCredential), an OB 2.0 badge with no hosted
//	    URL, a proof suite we do not support. We do not follow the OB 3.0 validator in treating
//	    an unreachable revocation list as a mere warning: a verifier that cannot see the status
//	    cannot say "valid". Unverifiable ranks below revoked, expired and not yet valid because
//	    those are definite facts worth showing even when another part could not be checked.
//
// Warnings (older contexts, a bare URI issuer, an invalid endorsement, ...) never change the
// verdict. Report.Valid is true only for the verdict valid. Input that is no badge at all
// (empty, garbage, an image with nothing baked in it) gets Report.InputError and the verdict
// invalid; `rosette verify` exits 2 for it.
//
// # Decisions where the standards or the official validators leave room
//
//   - Key provenance. A verificationMethod "<issuer-id>#z6Mk..." is NOT decoded from its
//     fragment (the 1EdTech OB 3.0 validator does): anyone can append their own key to an
//     issuer's URL, so the issuer URL is dereferenced for a controller document instead
//     (openbadges/did). For the same reason a VC-JWT whose key is only in its own "jwk"
//     header must be tied to the issuer: the key of a did:key issuer, or a key of the JWK Set
//     an https issuer publishes at /.well-known/jwks.json (implementation guide, "Key
//     provenance"). A key that is not the issuer's is invalid; with no JWK Set to look in,
//     the badge is unverifiable.
//   - A credential subject with neither id nor identifier is a warning: the data model makes
//     both optional and the validator does not enforce the verification section's rule; the
//     badge is authentic but cannot be matched to a person.
//   - JSON Schema: the canonical 1EdTech schema first; failures that are only JSON-LD compacted
//     forms (a single value for type, proof, credentialSchema, termsOfUse; an image IRI) are
//     warnings, as the validator downgrades what its JSON-LD schemas accept. VCDM 1.1
//     credentials are checked in their VCDM 2.0 form. Any other schema failure is invalid.
//   - Status lists shorter than the 131,072-entry minimum are read, with a warning.
//   - An OB 2.0 badge given as plain JSON is trusted only for its hosted URL; a SignedBadge
//     given as plain JSON (not as its JWS) is unverifiable.
//   - Unsigned OB 3.0 credentials are unverifiable, not invalid: nothing is wrong in them,
//     nothing proves them either.
//
// # Fetching
//
// All network access goes through Options.Fetcher (openbadges/fetch's client refuses private,
// loopback and link-local addresses and bounds time and size). With no Fetcher the verifier
// never touches the network and reports what it could not fetch as unverifiable.
package verify
