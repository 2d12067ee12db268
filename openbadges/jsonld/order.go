package jsonld

import "unicode/utf8"

// compareUTF16 orders two UTF-8 strings as JavaScript's default sort does: by UTF-16 code
// units. rdf-canonize sorts N-Quads that way (RDFC-1.0 says code point order); the two differ
// only where one line has a character U+E000-U+FFFF and the other a supplementary character
// at the same place. We follow rdf-canonize, so signatures interoperate with the JavaScript
// stack; CanonOptions.CodePointOrder selects the specification's order.
func compareUTF16(a, b []byte) int {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	if i == len(a) || i == len(b) {
		return len(a) - len(b)
	}
	if a[i] < 0x80 && b[i] < 0x80 {
		return int(a[i]) - int(b[i])
	}
	// Back up to the start of the rune that differs.
	for i > 0 && !utf8.RuneStart(a[i]) {
		i--
	}
	ra, _ := utf8.DecodeRune(a[i:])
	rb, _ := utf8.DecodeRune(b[i:])
	return utf16Key(ra) - utf16Key(rb)
}

// utf16Key maps a code point to a key that sorts like its first UTF-16 code unit (and then
// like the code point): supplementary characters (surrogates D800-DFFF) sort below E000-FFFF.
func utf16Key(r rune) int {
	if r >= 0xE000 && r <= 0xFFFF {
		return int(r) + 0x200000
	}
	return int(r)
}
