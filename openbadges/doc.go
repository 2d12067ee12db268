// Package openbadges is the root of Rosette's Go library of the Open Badges standards
// (1EdTech Open Badges 2.0 and 3.0, W3C Verifiable Credentials). Its packages import nothing
// of Rosette's server and may be used on their own:
//
//   - jsonld: embedded contexts, an offline document loader, safe mode, RDFC-1.0
//   - ob2, ob3: the data models
//   - proof: eddsa-rdfc-2022 Data Integrity, VC-JWT, OB 2.0 JWS
//   - key, did: key pairs and their encodings, did:key and did:web
//   - status: 1EdTech Revocation List and Bitstring Status List
//   - bake: baking and unbaking PNG and SVG
//   - verify: any input to a report of named checks
package openbadges
