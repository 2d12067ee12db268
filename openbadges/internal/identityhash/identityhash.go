// Package identityhash computes and compares Open Badges recipient identity hashes
// ("sha256$<hex>" or "md5$<hex>" over identifier+salt in UTF-8), shared by the OB 2.0
// IdentityObject and the OB 3.0 IdentityObject.
package identityhash

import (
	"crypto/md5"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"strings"
)

// Sum returns "sha256$" + hex(sha256(identifier+salt)) or, for alg "md5", the md5 form.
func Sum(alg, identifier, salt string) (string, error) {
	data := []byte(identifier + salt)
	switch strings.ToLower(alg) {
	case "sha256":
		s := sha256.Sum256(data)
		return "sha256$" + hex.EncodeToString(s[:]), nil
	case "md5":
		s := md5.Sum(data)
		return "md5$" + hex.EncodeToString(s[:]), nil
	}
	return "", fmt.Errorf("identity hash: unsupported algorithm %q (sha256 or md5)", alg)
}

// Split parses "alg$hex" into its algorithm (lower case) and hex digest, checking the digest
// length for the algorithm. ok is false for anything else (e.g. a plaintext identity).
func Split(hash string) (alg, digest string, ok bool) {
	alg, digest, found := strings.Cut(hash, "$")
	if !found {
		return "", "", false
	}
	alg = strings.ToLower(alg)
	want := map[string]int{"sha256": 64, "md5": 32}[alg]
	if want == 0 || len(digest) != want {
		return "", "", false
	}
	if _, err := hex.DecodeString(digest); err != nil {
		return "", "", false
	}
	return alg, digest, true
}

// Match reports whether identifier (with salt) hashes to hash. The hex digest is compared
// case-insensitively, as issuers write either case.
func Match(hash, identifier, salt string) bool {
	alg, digest, ok := Split(hash)
	if !ok {
		return false
	}
	sum, err := Sum(alg, identifier, salt)
	if err != nil {
		return false
	}
	got := strings.ToLower(digest)
	want := sum[len(alg)+1:]
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}
