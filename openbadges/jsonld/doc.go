// Package jsonld owns Rosette's JSON-LD processing for signing and verifying credentials:
// the published context documents embedded at their exact URLs with an offline loader, JSON-LD
// 1.1 expansion and conversion to RDF in safe mode (every term must expand to an absolute IRI,
// no relative @type or @id, as jsonld.js's safe mode), RDFC-1.0 canonicalization with bounded
// work (poison graphs are refused with ErrPoisonGraph), and a canonical N-Quads parser and
// serializer (RDFC-1.0 escaping).
//
// A Processor is the entry point: Canonicalize(ctx, doc) gives the canonical N-Quads that
// eddsa-rdfc-2022 hashes. CanonicalizeNQuads runs RDFC-1.0 on N-Quads input.
package jsonld
