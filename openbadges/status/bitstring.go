// Package status owns credential status: the W3C Bitstring Status List (and the
// StatusList2021 it replaced), the 1EdTech Revocation List (VCRL 1.0) of OB 3.0, and OB 2.0
// revocation lists and hosted-assertion revocation (410 Gone). It builds the unsigned list
// documents an issuer publishes (signing them is the caller's job) and checks a credential's
// status entry against a list the caller fetched and verified. It does no I/O.
package status

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
)

// MinEntries is the smallest list size allowed by Bitstring Status List v1.0 (§3.1, the
// 16 KB = 131,072-entry herd-privacy minimum).
const MinEntries = 131072

// MaxDecodedBytes bounds a decompressed list (128 Mi entries of one bit), against gzip bombs.
const MaxDecodedBytes = 16 << 20

// Errors for errors.Is.
var (
	ErrMalformed  = errors.New("malformed status list")
	ErrShortList  = errors.New("status list shorter than the 131,072-entry minimum")
	ErrOutOfRange = errors.New("status list index out of range")
	ErrPurpose    = errors.New("status purpose does not match")
	ErrListType   = errors.New("not a status list credential")
)

// Bitstring is a list of fixed-size status entries, most significant bit first: entry i of
// size s occupies bits i*s .. i*s+s-1, and bit 0 is the high bit of byte 0.
type Bitstring struct {
	bits       []byte
	statusSize int
}

// NewBitstring returns a list of entries entries (at least MinEntries) of statusSize bits
// each (1 for revocation and suspension lists), all zero.
func NewBitstring(entries, statusSize int) (*Bitstring, error) {
	if statusSize < 1 || statusSize > 8 {
		return nil, fmt.Errorf("status: statusSize %d must be 1 to 8", statusSize)
	}
	if entries < MinEntries {
		return nil, fmt.Errorf("status: %d entries: %w", entries, ErrShortList)
	}
	n := (entries*statusSize + 7) / 8
	if n > MaxDecodedBytes {
		return nil, fmt.Errorf("status: %d entries exceed the %d-byte limit", entries, MaxDecodedBytes)
	}
	return &Bitstring{bits: make([]byte, n), statusSize: statusSize}, nil
}

// Len returns the number of entries.
func (b *Bitstring) Len() int { return len(b.bits) * 8 / b.statusSize }

// StatusSize returns the bits per entry.
func (b *Bitstring) StatusSize() int { return b.statusSize }

// Get returns the value of entry i.
func (b *Bitstring) Get(i int) (int, error) {
	if i < 0 || i >= b.Len() {
		return 0, fmt.Errorf("status: index %d of %d: %w", i, b.Len(), ErrOutOfRange)
	}
	v := 0
	for k := i * b.statusSize; k < (i+1)*b.statusSize; k++ {
		v = v<<1 | int(b.bits[k/8]>>(7-k%8)&1)
	}
	return v, nil
}

// Set gives entry i the value v (0 .. 2^statusSize-1).
func (b *Bitstring) Set(i, v int) error {
	if i < 0 || i >= b.Len() {
		return fmt.Errorf("status: index %d of %d: %w", i, b.Len(), ErrOutOfRange)
	}
	if v < 0 || v >= 1<<b.statusSize {
		return fmt.Errorf("status: value %d does not fit %d bits", v, b.statusSize)
	}
	for k := (i+1)*b.statusSize - 1; k >= i*b.statusSize; k-- {
		mask := byte(1) << (7 - k%8)
		if v&1 == 1 {
			b.bits[k/8] |= mask
		} else {
			b.bits[k/8] &^= mask
		}
		v >>= 1
	}
	return nil
}

// Encode returns the encodedList: multibase "u" + base64url without padding of the GZIP
// compressed bitstring.
func (b *Bitstring) Encode() (string, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return "", err
	}
	if _, err := zw.Write(b.bits); err != nil {
		return "", err
	}
	if err := zw.Close(); err != nil {
		return "", err
	}
	return "u" + base64.RawURLEncoding.EncodeToString(buf.Bytes()), nil
}

// DecodeBitstring reads an encodedList. Bitstring Status List values must carry the multibase
// "u" prefix; legacy (StatusList2021) values are bare base64url, accepted when legacy is true.
// Padding is tolerated on input. The list may be shorter than MinEntries: callers decide with
// ErrShortList (see Check).
func DecodeBitstring(encoded string, statusSize int, legacy bool) (*Bitstring, error) {
	if statusSize < 1 || statusSize > 8 {
		return nil, fmt.Errorf("status: statusSize %d must be 1 to 8", statusSize)
	}
	s := encoded
	switch {
	case len(s) > 0 && s[0] == 'u' && !legacy:
		s = s[1:]
	case legacy:
	default:
		return nil, fmt.Errorf("%w: encodedList must start with the multibase prefix \"u\"", ErrMalformed)
	}
	for len(s) > 0 && s[len(s)-1] == '=' {
		s = s[:len(s)-1]
	}
	z, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("%w: encodedList is not base64url: %v", ErrMalformed, err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(z))
	if err != nil {
		return nil, fmt.Errorf("%w: encodedList is not GZIP data: %v", ErrMalformed, err)
	}
	bits, err := io.ReadAll(io.LimitReader(zr, MaxDecodedBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%w: encodedList: %v", ErrMalformed, err)
	}
	if len(bits) > MaxDecodedBytes {
		return nil, fmt.Errorf("%w: decoded list exceeds %d bytes", ErrMalformed, MaxDecodedBytes)
	}
	if len(bits) == 0 {
		return nil, fmt.Errorf("%w: empty list", ErrMalformed)
	}
	return &Bitstring{bits: bits, statusSize: statusSize}, nil
}
