package jsonld

import (
	"math/rand/v2"
	"testing"
)

// TestIsRDFIRIOnePass checks isRDFIRI against its definition, isAbsoluteIRI(s) &&
// !hasIRIForbidden(s), on chosen IRIs and on random strings over the bytes that matter.
func TestIsRDFIRIOnePass(t *testing.T) {
	cases := []string{
		"", ":", "_:", "_:b0", "a:", "a:b", "1a:b", "a1+-.,:b", "a_b:c", "https://example.org/x",
		"urn:a b", "urn:a\tb", "urn:a<b", "urn:a>b", "urn:a\"b", "urn:a{b", "urn:a}b", "urn:a|b",
		"urn:a^b", "urn:a`b", "urn:a\\b", "urn:a\x7fb", "urn:é", "urn:a\u00a0b", "urn:a\u2028",
		"urn:\u3000", "urn:\ufeff", "urn:a\u200ab", "\u00a0:x", "a\u00a0:x", "urn:abcdefgh\u2009",
		"urn:\xff\xfe", "https://example.org/" + string(rune(0x205f)) + "x",
	}
	want := func(s string) bool { return isAbsoluteIRI(s) && !hasIRIForbidden(s) }
	for _, s := range cases {
		if got := isRDFIRI(s); got != want(s) {
			t.Errorf("isRDFIRI(%q) = %v, want %v", s, got, !got)
		}
	}
	alphabet := []string{"a", "Z", "0", ":", "_", "+", ",", "/", " ", "\t", "<", "^", "\x7f", "\u00a0", "\u2028", "\u3000", "é", "\xe2", "\x80", "\xa8"}
	r := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		b := make([]byte, 0, 24)
		for range r.IntN(24) {
			b = append(b, alphabet[r.IntN(len(alphabet))]...)
		}
		s := string(b)
		if got := isRDFIRI(s); got != want(s) {
			t.Fatalf("isRDFIRI(%q) = %v, want %v", s, got, !got)
		}
	}
}

// hasIRIForbidden reports whether s holds a byte iriForbidden marks.
func hasIRIForbidden(s string) bool {
	for i := range len(s) {
		if iriForbidden[s[i]] {
			return true
		}
	}
	return false
}
