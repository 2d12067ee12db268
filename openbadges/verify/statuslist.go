package verify

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// minStatusEntries is the Bitstring Status List minimum (16 KiB of bits), for herd privacy.
const minStatusEntries = 131072

// maxStatusBytes bounds a decompressed status list (a gzip bomb gets an error).
const maxStatusBytes = 16 << 20

// bitstringEntry reads the status of entry (a BitstringStatusListEntry or
// StatusList2021Entry) in the list credential: the value at statusListIndex, statusSize bits
// wide, most significant bit first (OPEN-BADGES.md P18). It returns whether the value is
// non-zero and the number of entries of the list.
func bitstringEntry(entry, list object) (set bool, entries int, err error) {
	subject, _ := list["credentialSubject"].(map[string]any)
	if subject == nil {
		return false, 0, errors.New("the status list credential has no credentialSubject")
	}
	if p := str(entry, "statusPurpose"); p != "" {
		purposes := stringList(subject["statusPurpose"])
		ok := false
		for _, lp := range purposes {
			ok = ok || lp == p
		}
		if !ok {
			return false, 0, fmt.Errorf("status purpose %q is not the list's %v", p, purposes)
		}
	}
	index, err := nonNegative(entry["statusListIndex"])
	if err != nil {
		return false, 0, fmt.Errorf("statusListIndex: %v", err)
	}
	size := 1
	if v, ok := entry["statusSize"]; ok {
		if size, err = nonNegative(v); err != nil || size < 1 || size > 8 {
			return false, 0, fmt.Errorf("statusSize %v is not 1 to 8", v)
		}
	}
	bits, err := decodeEncodedList(str(subject, "encodedList"))
	if err != nil {
		return false, 0, err
	}
	entries = len(bits) * 8 / size
	if index >= entries {
		return false, entries, fmt.Errorf("statusListIndex %d is beyond the list's %d entries", index, entries)
	}
	for b := index * size; b < (index+1)*size; b++ {
		if bits[b/8]>>(7-b%8)&1 == 1 {
			set = true
		}
	}
	return set, entries, nil
}

// nonNegative reads a statusListIndex / statusSize: a string of digits (the W3C form) or a
// JSON number (seen in the wild).
func nonNegative(v any) (int, error) {
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case json.Number:
		s = x.String()
	case float64:
		s = strconv.FormatFloat(x, 'f', -1, 64)
	default:
		return 0, fmt.Errorf("%v is not a number", v)
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%q is not a non-negative integer", s)
	}
	return n, nil
}

// decodeEncodedList decodes multibase base64url (prefix "u", no padding) of a GZIP
// bitstring; the bare base64url of StatusList2021 is accepted too.
func decodeEncodedList(s string) ([]byte, error) {
	if s == "" {
		return nil, errors.New("the status list has no encodedList")
	}
	raw := strings.TrimPrefix(s, "u")
	if !strings.HasPrefix(s, "u") && !strings.HasPrefix(s, "H4sI") {
		return nil, errors.New("encodedList is not multibase base64url")
	}
	gz, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(raw, "="))
	if err != nil {
		return nil, fmt.Errorf("encodedList is not base64url: %v", err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, fmt.Errorf("encodedList is not GZIP: %v", err)
	}
	bits, err := io.ReadAll(io.LimitReader(zr, maxStatusBytes+1))
	if err != nil {
		return nil, fmt.Errorf("encodedList does not decompress: %v", err)
	}
	if len(bits) > maxStatusBytes {
		return nil, errors.New("encodedList is larger than 16 MiB")
	}
	if len(bits) == 0 {
		return nil, errors.New("encodedList is empty")
	}
	return bits, nil
}
