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
	j, plain := scanPlain(d.b, start)
	if !plain && j < len(d.b) && d.b[j] >= 0x80 {
		j = scanSpecial(d.b, j)
	}
	if j < len(d.b) && d.b[j] == '"' {
		d.i = j + 1
		if !plain && !utf8.Valid(d.b[start:j]) { // not plain: a byte of 0x80 or above
			return string(unquoteSlow(nil, d.b[start:j])), false, nil
		}
		return d.s[start:j], true, nil
	}
	return d.strSpecial(start, j)
}

// strSpecial finishes the string starting at start whose first special byte (not a quote)
// is at j: a backslash, a control character, or the end of the input.
func (d *decoder) strSpecial(start, j int) (string, bool, error) {
	end, err := d.specialEnd(start, j)
	if err != nil {
		return "", false, err
	}
	d.i = end + 1
	return string(unquoteSlow(nil, d.b[start:end])), false, nil
}

// specialEnd checks the string starting at start whose first special byte (not a quote) is
// at j and returns the offset of its closing quote.
func (d *decoder) specialEnd(start, j int) (int, error) {
	if j >= len(d.b) {
		d.i = len(d.b)
		return 0, d.syntax("unexpected end of JSON input")
	}
	if c := d.b[j]; c != '\\' {
		d.i = j
		return 0, d.syntax("invalid character %q in string literal", c)
	}
	return d.escapedEnd(start)
}

// scanPlain returns the offset of the first quote, backslash, control character or byte of
// 0x80 or above of s from j on (len(s) if none), and whether it is a quote: then s[j:end] is
// a plain string. When it is a byte of 0x80 or above, scanSpecial goes on from there.
func scanPlain[T text](s T, j int) (int, bool) {
	// Eight bytes at a time: a byte is flagged when its high bit is set, or it is below 0x20
	// or its xor with a quote or a backslash is zero, by the borrow of a subtraction into its
	// high bit. The lowest flagged byte is exact: a false flag needs a borrow from a lower,
	// flagged byte.
	// The constants are read from a table: they then stay in registers through the loop
	// rather than being loaded as immediates in each iteration.
	c := &scanConstants
	quotes, backslashes, minusOnes, minusSpaces, hi := c[0], c[1], c[2], c[3], c[4]
	for ; j <= len(s)-8; j += 8 {
		x := load64(s[j:])
		q, b := x^quotes, x^backslashes
		if m := ((q + minusOnes) | (b + minusOnes) | (x + minusSpaces) | x) & hi; m != 0 {
			k := bits.TrailingZeros64(m) &^ 7 // the flagged byte's bit offset
			return j + k/8, byte(x>>k) == '"'
		}
	}
	for ; j < len(s); j++ {
		if c := s[j]; c == '"' || c == '\\' || c < 0x20 || c >= 0x80 {
			return j, c == '"'
		}
	}
	return j, false
}

// scanConstants is an immutable table of scanPlain's constants: a quote, a backslash in each
// byte, -ones, -0x20 in each byte, highs.
var scanConstants = [5]uint64{ones * '"', ones * '\\', 1<<64 - ones, 1<<64 - ones*0x20, highs}

// scanSpecial returns the offset of the first quote, backslash or control character of s
// from j on (len(s) if none).
func scanSpecial(s []byte, j int) int {
	for ; j <= len(s)-8; j += 8 {
		x := load64(s[j:])
		q, b := x^(ones*'"'), x^(ones*'\\')
		if m := ((q - ones) | (b - ones) | (x - ones*0x20)) &^ x & highs; m != 0 {
			return j + bits.TrailingZeros64(m)/8
		}
	}
	for ; j < len(s); j++ {
		if c := s[j]; c == '"' || c == '\\' || c < 0x20 {
			return j
		}
	}
	return j
}

// escapedEnd checks the rest of a string starting at start that holds a backslash and
// returns the offset of its closing quote (its escapes checked, not decoded).
func (d *decoder) escapedEnd(start int) (int, error) {
	j := start
	for j < len(d.b) {
		c := d.b[j]
		switch {
		case c == '"':
			return j, nil
		case c == '\\':
			if j+1 >= len(d.b) {
				d.i = len(d.b)
				return 0, d.syntax("unexpected end of JSON input")
			}
			switch d.b[j+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				j += 2
			case 'u':
				if j+6 > len(d.b) {
					d.i = len(d.b)
					return 0, d.syntax("unexpected end of JSON input")
				}
				for k := j + 2; k < j+6; k++ {
					if !isHex(d.b[k]) {
						d.i = k
						return 0, d.syntax("invalid character %q in \\u hexadecimal character escape", d.b[k])
					}
				}
				j += 6
			default:
				d.i = j + 1
				return 0, d.syntax("invalid character %q in string escape code", d.b[j+1])
			}
		case c < 0x20:
			d.i = j
			return 0, d.syntax("invalid character %q in string literal", c)
		default:
			j++
		}
	}
	d.i = len(d.b)
	return 0, d.syntax("unexpected end of JSON input")
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func hexVal(s []byte) rune {
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

// unquoteSlow appends to b the body of a checked JSON string unescaped exactly as
// encoding/json's unquoteBytes: lone surrogates and invalid UTF-8 bytes become U+FFFD. A nil
// b is allocated at a size that usually fits.
func unquoteSlow(b, s []byte) []byte {
	if b == nil {
		b = make([]byte, 0, len(s)+2*utf8.UTFMax)
	}
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
			rr, size := utf8.DecodeRune(s[r:])
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

// text is the input of the decoders: the input as given, or a string copy of it, whose
// substrings are the decoded strings.
type text interface{ string | []byte }

// load64 returns the first 8 bytes of s as a little-endian uint64 (one load).
func load64[T text](s T) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}
