package proof

// Base58btc (the Bitcoin alphabet) for proof values, as github.com/mr-tron/base58 encodes and
// decodes it, without its allocations: the number is held in 32-bit words and converted five
// base-58 digits at a time (58^5 < 2^30), dividing by a constant, which compiles to a
// multiplication.

const base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

// base58Chunk is 58^5, the base of the chunks of five digits.
const base58Chunk = 58 * 58 * 58 * 58 * 58

// base58Digit maps a byte to its base-58 value, or -1 when it is not a digit.
var base58Digit = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for i := range len(base58Alphabet) {
		t[base58Alphabet[i]] = int8(i)
	}
	return t
}()

// base58Len bounds the length of the base58 form of n bytes (log 256 / log 58 < 1.38).
func base58Len(n int) int { return n*138/100 + 1 }

// appendBase58 appends the base58btc form of src to dst: a '1' for each leading zero byte,
// then the digits of the rest read as a big-endian number.
func appendBase58(dst, src []byte) []byte {
	zeros := 0
	for zeros < len(src) && src[zeros] == 0 {
		zeros++
	}
	for range zeros {
		dst = append(dst, '1')
	}
	src = src[zeros:]
	if len(src) == 0 {
		return dst
	}
	// The number as big-endian 32-bit words, the first one partial.
	var wordsBuf [16]uint32
	var words []uint32
	if n := (len(src) + 3) / 4; n <= len(wordsBuf) {
		words = wordsBuf[:n]
	} else {
		words = make([]uint32, n)
	}
	first, i := len(src)-4*(len(words)-1), 0 // the bytes of the first word; the next byte
	for j := range words {
		k := 4
		if j == 0 {
			k = first
		}
		var w uint32
		for ; k > 0; k-- {
			w = w<<8 | uint32(src[i])
			i++
		}
		words[j] = w
	}
	// Divide by 58^5 until nothing is left, collecting the remainders: the chunks of five
	// digits, least significant first.
	var chunksBuf [20]uint32
	chunks := chunksBuf[:0]
	for start := 0; start < len(words); {
		var rem uint64
		for j := start; j < len(words); j++ {
			cur := rem<<32 | uint64(words[j])
			q := cur / base58Chunk
			rem = cur - q*base58Chunk
			words[j] = uint32(q)
		}
		chunks = append(chunks, uint32(rem))
		for start < len(words) && words[start] == 0 {
			start++
		}
	}
	// The most significant chunk (not zero: the number is not) without leading zeros, the
	// others with their five digits.
	var digits [5]byte
	k := len(digits)
	for v := chunks[len(chunks)-1]; v > 0; v /= 58 {
		k--
		digits[k] = base58Alphabet[v%58]
	}
	dst = append(dst, digits[k:]...)
	for c := len(chunks) - 2; c >= 0; c-- {
		v := chunks[c]
		for d := len(digits) - 1; d >= 0; d-- {
			digits[d] = base58Alphabet[v%58]
			v /= 58
		}
		dst = append(dst, digits[:]...)
	}
	return dst
}

// appendBase58Decoded appends the bytes whose base58btc form is s to dst: a zero byte for
// each leading '1', then the rest's number in big-endian bytes without leading zeros. It
// reports false, as base58.Decode fails, when s is empty or holds a byte that is not a digit.
func appendBase58Decoded(dst []byte, s string) ([]byte, bool) {
	if len(s) == 0 {
		return dst, false
	}
	zeros := 0
	for zeros < len(s) && s[zeros] == '1' {
		zeros++
	}
	// The number as little-endian 32-bit words, multiplied by 58^n and added to n digits
	// at a time.
	var wordsBuf [24]uint32
	words := wordsBuf[:0]
	for rest := s[zeros:]; len(rest) > 0; {
		n := min(5, len(rest))
		chunk, mult := uint64(0), uint64(1)
		for i := range n {
			d := base58Digit[rest[i]]
			if d < 0 {
				return dst, false
			}
			chunk = chunk*58 + uint64(d)
			mult *= 58
		}
		rest = rest[n:]
		carry := chunk
		for j, w := range words {
			cur := uint64(w)*mult + carry
			words[j] = uint32(cur)
			carry = cur >> 32
		}
		if carry > 0 {
			words = append(words, uint32(carry))
		}
	}
	for range zeros {
		dst = append(dst, 0)
	}
	if len(words) == 0 {
		return dst, true
	}
	top, started := words[len(words)-1], false // top is not zero: words grow by a carry
	for shift := 24; shift >= 0; shift -= 8 {
		if b := byte(top >> shift); started || b != 0 {
			dst = append(dst, b)
			started = true
		}
	}
	for j := len(words) - 2; j >= 0; j-- {
		w := words[j]
		dst = append(dst, byte(w>>24), byte(w>>16), byte(w>>8), byte(w))
	}
	return dst, true
}
