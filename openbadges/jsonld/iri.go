package jsonld

import "strings"

// isAbsoluteIRI mirrors jsonld.js's _isAbsoluteIri: /^([A-Za-z][A-Za-z0-9+-.]*|_):[^\s]*$/
// (the class "+-." is the range '+'..'.', so ',' is allowed in a scheme). Blank node
// identifiers ("_:x") count as absolute. No regular expression.
func isAbsoluteIRI(s string) bool {
	i := strings.IndexByte(s, ':')
	if i <= 0 {
		return false
	}
	if !(i == 1 && s[0] == '_') {
		c := s[0]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
			return false
		}
		for j := 1; j < i; j++ {
			c := s[j]
			if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c >= '+' && c <= '.') {
				return false
			}
		}
	}
	return !hasJSSpace(s[i+1:])
}

// isRDFIRI is isAbsoluteIRI for an IRI that becomes an RDF term (a subject, predicate, object,
// type or datatype): it also refuses the characters an N-Quads IRIREF may not hold (controls,
// space, <>"{}|^`\\). jsonld.js lets them through (its test is only for whitespace) and writes
// canonical N-Quads that no N-Quads parser accepts; safe mode reports them here instead.
//
// It is isAbsoluteIRI(s) with no byte iriForbidden marks, in one pass over s: the ASCII spaces of
// JavaScript's \s are forbidden bytes, so only an IRI with non-ASCII bytes needs hasJSSpace.
func isRDFIRI(s string) bool {
	i := strings.IndexByte(s, ':')
	if i <= 0 || !isScheme(s[:i]) {
		return false
	}
	var acc uint8
	j := 0
	for ; j+4 <= len(s); j += 4 {
		acc |= iriClass[s[j]] | iriClass[s[j+1]] | iriClass[s[j+2]] | iriClass[s[j+3]]
	}
	for ; j < len(s); j++ {
		acc |= iriClass[s[j]]
	}
	if acc&iriForbiddenByte != 0 {
		return false
	}
	return acc&iriNonASCII == 0 || !hasJSSpace(s[i+1:])
}

// isScheme reports whether the part of an IRI before its first colon is a scheme as
// isAbsoluteIRI takes it, or "_".
func isScheme(s string) bool {
	if s == "_" {
		return true
	}
	c := s[0]
	if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
		return false
	}
	for j := 1; j < len(s); j++ {
		c := s[j]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c >= '+' && c <= '.') {
			return false
		}
	}
	return true
}

// iriClass classes the bytes of an IRI for isRDFIRI. Immutable.
var iriClass = func() (t [256]uint8) {
	for c := range 256 {
		if iriForbidden[c] {
			t[c] |= iriForbiddenByte
		}
		if c >= 0x80 {
			t[c] |= iriNonASCII
		}
	}
	return t
}()

const (
	iriForbiddenByte = 1 << iota // see iriForbidden
	iriNonASCII
)

// iriForbidden marks the bytes an N-Quads IRIREF may not hold. Immutable.
var iriForbidden = func() (t [256]bool) {
	for c := range 0x21 {
		t[c] = true
	}
	for _, c := range []byte("<>\"{}|^`\\") {
		t[c] = true
	}
	return t
}()

// hasJSSpace reports whether s contains a character of JavaScript's \s class.
func hasJSSpace(s string) bool {
	i := 0
	// Eight bytes at a time while all are ASCII above the space.
	for ; i+8 <= len(s); i += 8 {
		x := load64(s[i : i+8])
		if ((x-0x0101010101010101*0x21)&^x|x)&0x8080808080808080 != 0 {
			break
		}
	}
	for ; i < len(s); i++ {
		c := s[i]
		if c < 0x80 {
			if c == ' ' || c >= '\t' && c <= '\r' {
				return true
			}
			continue
		}
		// Slow path for non-ASCII.
		for _, r := range s[i:] {
			if isJSSpace(r) {
				return true
			}
		}
		return false
	}
	return false
}

func isJSSpace(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\v', '\f', '\r', 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF:
		return true
	}
	return r >= 0x2000 && r <= 0x200A
}

// isBlankID reports whether s is a blank node identifier.
func isBlankID(s string) bool { return strings.HasPrefix(s, "_:") }

// load64 returns the first 8 bytes of s as a little-endian uint64 (one load).
func load64(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}
