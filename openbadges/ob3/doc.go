// Package ob3 is the Open Badges 3.0 (and CLR-compatible) data model on W3C Verifiable
// Credentials 2.0: AchievementCredential / OpenBadgeCredential, EndorsementCredential,
// Achievement, Profile, AchievementSubject, Result, Evidence, Alignment, IdentityObject,
// Image and the VC members (credentialSchema, credentialStatus, refreshService, proof).
//
// Parsing accepts every legal form: a single value where an array is usual, a string or an
// object issuer and image, VCDM 1.1 issuanceDate/expirationDate and the v1 context. Unknown
// members are kept (Extra) and the original bytes are kept (Raw): verification must use Raw,
// never a re-marshal. Marshalling emits the strict form the OB 3.0 JSON Schemas require:
// arrays for multi-valued members, Image objects, no empty arrays, no nulls, proof as an
// array, and NewCredential orders @context as VC v2, OB 3.0.3, then extensions.json when a
// 1EdTech extension type is used.
package ob3
