package jsondec

import (
	"math/bits"
	"unicode/utf16"
	"unicode/utf8"
)

// str decodes the string at d.s[d.i] == '"'. Plain strings (no escape, valid UTF-8) are
// substrings of the input.
func (d *decoder) str() (string, error) {
	s, _, err := d.strPlain()
	return s, err
}

// strPlain is str also reporting whether the string is plain: then it is d.s[start:d.i-1],
// start being the offset just past the opening quote.
func (d *decoder) strPlain() (string, bool, error) {
	start := d.i + 1
	j, plain := scanPlain(d.s, start)
	if j < len(d.s) && d.s[j] == '"' {
		d.i = j + 1
		v := d.s[start:j]
		if !plain && !utf8.ValidString(v) { // not plain: a byte of 0x80 or above
			return string(unquoteSlow(v)), false, nil
		}
		return v, true, nil
	}
	return d.strSpecial(start, j)
}

// strSpecial finishes the string starting at start whose first special byte (not a quote)
// is at j: a backslash, a control character, or the end of the input.
func (d *decoder) strSpecial(start, j int) (string, bool, error) {
	if j >= len(d.s) {
		d.i = len(d.s)
		return "", false, d.syntax("unexpected end of JSON input")
	}
	if c := d.s[j]; c != '\\' {
		d.i = j
		return "", false, d.syntax("invalid character %q in string literal", c)
	}
	s, err := d.escaped(start)
	return s, false, err
}

// scanPlain returns the offset of the first quote, backslash or control character of s from
// j on (len(s) if none), and whether it is a quote with every byte before it (from j) below
// 0x80: then s[j:end] is a plain string.
func scanPlain(s string, j int) (int, bool) {
	var acc uint64
	// Eight bytes at a time: a byte is flagged when it is below 0x20 or its xor with a quote
	// or a backslash is zero, by the borrow of a subtraction into its high bit, its own high
	// bit clear (a quote's and a backslash's are, so x's stands for those of the xors). The
	// lowest flagged byte is exact: a false flag needs a borrow from a lower, flagged byte.
	for ; j <= len(s)-8; j += 8 {
		x := load64(s[j:])
		q, b := x^(ones*'"'), x^(ones*'\\')
		if m := ((q - ones) | (b - ones) | (x - ones*0x20)) &^ x & highs; m != 0 {
			k := bits.TrailingZeros64(m) &^ 7 // the flagged byte's bit offset
			acc |= x & (1<<k - 1)
			return j + k/8, acc&highs == 0 && byte(x>>k) == '"'
		}
		acc |= x
	}
	for ; j < len(s); j++ {
		c := s[j]
		if c == '"' || c == '\\' || c < 0x20 {
			return j, acc&highs == 0 && c == '"'
		}
		acc |= uint64(c)
	}
	return j, false
}

// escaped finishes a string starting at start that holds a backslash: it finds the closing
// quote, checking the escapes, then unescapes as encoding/json does.
func (d *decoder) escaped(start int) (string, error) {
	j := start
	for j < len(d.s) {
		c := d.s[j]
		switch {
		case c == '"':
			d.i = j + 1
			return string(unquoteSlow(d.s[start:j])), nil
		case c == '\\':
			if j+1 >= len(d.s) {
				d.i = len(d.s)
				return "", d.syntax("unexpected end of JSON input")
			}
			switch d.s[j+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				j += 2
			case 'u':
				if j+6 > len(d.s) {
					d.i = len(d.s)
					return "", d.syntax("unexpected end of JSON input")
				}
				for k := j + 2; k < j+6; k++ {
					if !isHex(d.s[k]) {
						d.i = k
						return "", d.syntax("invalid character %q in \\u hexadecimal character escape", d.s[k])
					}
				}
				j += 6
			default:
				d.i = j + 1
				return "", d.syntax("invalid character %q in string escape code", d.s[j+1])
			}
		case c < 0x20:
			d.i = j
			return "", d.syntax("invalid character %q in string literal", c)
		default:
			j++
		}
	}
	d.i = len(d.s)
	return "", d.syntax("unexpected end of JSON input")
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func hexVal(s string) rune {
	var r rune
	for i := 0; i < 4; i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		default:
			c = c - 'A' + 10
		}
		r = r<<4 | rune(c)
	}
	return r
}

// unquoteSlow unescapes the body of a checked JSON string exactly as encoding/json's
// unquoteBytes: lone surrogates and invalid UTF-8 bytes become U+FFFD.
func unquoteSlow(s string) []byte {
	b := make([]byte, 0, len(s)+2*utf8.UTFMax)
	for r := 0; r < len(s); {
		c := s[r]
		switch {
		case c == '\\':
			switch e := s[r+1]; e {
			case '"', '\\', '/', '\'':
				b = append(b, e)
				r += 2
			case 'b':
				b = append(b, '\b')
				r += 2
			case 'f':
				b = append(b, '\f')
				r += 2
			case 'n':
				b = append(b, '\n')
				r += 2
			case 'r':
				b = append(b, '\r')
				r += 2
			case 't':
				b = append(b, '\t')
				r += 2
			case 'u':
				rr := hexVal(s[r+2:])
				r += 6
				if utf16.IsSurrogate(rr) {
					if r+6 <= len(s) && s[r] == '\\' && s[r+1] == 'u' {
						if dec := utf16.DecodeRune(rr, hexVal(s[r+2:])); dec != utf8.RuneError {
							r += 6
							b = utf8.AppendRune(b, dec)
							break
						}
					}
					rr = utf8.RuneError
				}
				b = utf8.AppendRune(b, rr)
			}
		case c < utf8.RuneSelf:
			b = append(b, c)
			r++
		default:
			rr, size := utf8.DecodeRuneInString(s[r:])
			r += size
			b = utf8.AppendRune(b, rr)
		}
	}
	return b
}

// ones and highs are the byte-parallel constants of load64's callers: 0x01 and 0x80 in each
// byte of a uint64.
const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// load64 returns the first 8 bytes of s as a little-endian uint64 (one load).
func load64(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}
