package proof

import (
	"encoding/binary"
	"math/bits"
)

// The base58btc text (Bitcoin alphabet) of Ed25519 signatures, written and read without
// allocating: an eddsa-rdfc-2022 proofValue is "z" and the signature in base58btc. The
// results are exactly github.com/mr-tron/base58's (TestSignatureBase58Random compares):
// each leading zero byte is a '1', then the digits of the rest as a big number.

// b58Alphabet is the Bitcoin alphabet: digit d is b58Alphabet[d].
const b58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

// b58Ones is enough '1's for the leading zero bytes of a signature.
const b58Ones = "1111111111111111111111111111111111111111111111111111111111111111"

// b58ChunkBase is 58^10, the base of the ten-digit chunks the big number is converted in.
const b58ChunkBase = 430804206899405824

// b58Powers are the powers of 58 up to 58^10.
var b58Powers = [11]uint64{1, 58, 3364, 195112, 11316496, 656356768, 38068692544,
	2207984167552, 128063081718016, 7427658739644928, b58ChunkBase}

// b58Digits is the value of each byte as a base58btc digit, -1 for bytes that are none (an
// immutable table).
var b58Digits = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for d := range len(b58Alphabet) {
		t[b58Alphabet[d]] = int8(d)
	}
	return t
}()

// b58MaxLen is the longest base58btc text of ed25519.SignatureSize bytes.
const b58MaxLen = 88

// appendSignatureBase58 appends the base58btc text of sig (at most 64 bytes) to dst.
func appendSignatureBase58(dst, sig []byte) []byte {
	zeros := 0
	for zeros < len(sig) && sig[zeros] == 0 {
		zeros++
	}
	dst = append(dst, b58Ones[:zeros]...)
	// The number, in big-endian words right-aligned in w.
	var padded [64]byte
	copy(padded[64-len(sig):], sig)
	var w [8]uint64
	for i := range w {
		w[i] = binary.BigEndian.Uint64(padded[8*i:])
	}
	start := 0
	for start < len(w) && w[start] == 0 {
		start++
	}
	// Ten-digit chunks, least significant first: the number divided by 58^10 until zero.
	var chunks [10]uint64
	n := 0
	for start < len(w) {
		var rem uint64
		for i := start; i < len(w); i++ {
			w[i], rem = bits.Div64(rem, w[i], b58ChunkBase)
		}
		chunks[n] = rem
		n++
		for start < len(w) && w[start] == 0 {
			start++
		}
	}
	// The digits, from the last: each chunk but the most significant has ten.
	var text [b58MaxLen + 2]byte
	pos := len(text)
	for i := range n {
		c := chunks[i]
		if i < n-1 {
			for range 10 {
				pos--
				text[pos] = b58Alphabet[c%58]
				c /= 58
			}
			continue
		}
		for c > 0 {
			pos--
			text[pos] = b58Alphabet[c%58]
			c /= 58
		}
	}
	return append(dst, text[pos:]...)
}

// decodeSignatureBase58 returns the 64 bytes the base58btc text s stands for: ok is whether
// base58.Decode(s) succeeds with 64 bytes (then sig is its result).
func decodeSignatureBase58(s string) (sig [64]byte, ok bool) {
	if len(s) == 0 {
		return sig, false
	}
	zeros := 0
	for zeros < len(s) && s[zeros] == '1' {
		zeros++
	}
	if zeros > len(sig) {
		return sig, false
	}
	payload := s[zeros:]
	// The number, in little-endian words: each chunk of digits multiplies it by a power of
	// 58 and adds the chunk's value. Past 512 bits it is too long (then s is refused, as it
	// is when a digit is invalid: base58.Decode fails or its result is longer).
	var w [8]uint64
	first := len(payload) % 10
	if first == 0 {
		first = 10
	}
	for off := 0; off < len(payload); {
		k := 10
		if off == 0 {
			k = first
		}
		var c uint64
		for _, ch := range []byte(payload[off : off+k]) {
			d := b58Digits[ch]
			if d < 0 {
				return sig, false
			}
			c = c*58 + uint64(d)
		}
		carry, mul := c, b58Powers[k]
		for i := range w {
			hi, lo := bits.Mul64(w[i], mul)
			var cc uint64
			w[i], cc = bits.Add64(lo, carry, 0)
			carry = hi + cc
		}
		if carry != 0 {
			return sig, false
		}
		off += k
	}
	for i := range w {
		binary.BigEndian.PutUint64(sig[56-8*i:], w[i])
	}
	// base58.Decode gives the zeros, then the number's bytes from its first non-zero one.
	numLen := len(sig)
	for numLen > 0 && sig[len(sig)-numLen] == 0 {
		numLen--
	}
	return sig, zeros+numLen == len(sig)
}
