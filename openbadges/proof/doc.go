// Package proof creates and verifies the proofs that secure Open Badges: W3C Data Integrity
// proofs with the eddsa-rdfc-2022 cryptosuite (and verification of the legacy
// Ed25519Signature2020 suite), VC-JWT for OB 3.0 and JWS for OB 2.0 signed assertions.
//
// Verification always works on the original JSON bytes of a credential, never on a
// re-marshalled model: the signed meaning is what was received. The package does no I/O of
// its own; JSON-LD canonicalization and key resolution are passed in as small interfaces
// (Canonicalizer, MethodResolver).
package proof
