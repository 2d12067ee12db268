// Package key owns signing key pairs and their standard encodings: generation of Ed25519,
// P-256 and RSA-2048 keys, private and public JWKs (RFC 7517/7518) with RFC 7638 thumbprints,
// Multikey (multicodec + multibase) public keys, secret-key multibase for Ed25519, and PEM
// public keys (the OB 2.0 CryptographicKey publicKeyPem).
//
// It never reads files, environment or clocks; callers store and protect the bytes.
package key

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
)

// Algorithm names a key type together with the one signature algorithm used with it.
type Algorithm string

// The supported algorithms. The value is the name used on the command line and in storage;
// JWSAlg gives the JOSE "alg" value.
const (
	Ed25519 Algorithm = "Ed25519" // EdDSA over Curve25519; JWS alg "EdDSA"
	ES256   Algorithm = "ES256"   // ECDSA P-256 with SHA-256; JWS alg "ES256"
	RS256   Algorithm = "RS256"   // RSASSA-PKCS1-v1_5 with SHA-256, 2048-bit modulus; JWS alg "RS256"
)

// RSABits is the modulus size of generated RSA keys. Parsed RSA keys must be at least this big.
const RSABits = 2048

// Algorithms lists every supported algorithm, in a stable order.
func Algorithms() []Algorithm { return []Algorithm{Ed25519, ES256, RS256} }

// ParseAlgorithm accepts an algorithm name as used on the command line: "Ed25519" (or the
// JWS name "EdDSA"), "ES256" or "RS256". Matching is exact.
func ParseAlgorithm(s string) (Algorithm, error) {
	switch s {
	case "Ed25519", "EdDSA":
		return Ed25519, nil
	case "ES256":
		return ES256, nil
	case "RS256":
		return RS256, nil
	}
	return "", fmt.Errorf("key: unsupported algorithm %q (want Ed25519, ES256 or RS256)", s)
}

// JWSAlg returns the JOSE "alg" header value for a.
func (a Algorithm) JWSAlg() string {
	if a == Ed25519 {
		return "EdDSA"
	}
	return string(a)
}

// PrivateKey is a signing key with its algorithm and key id.
type PrivateKey struct {
	Alg Algorithm
	// KeyID is the JWK "kid". Generate and ParsePrivateJWK (when the JWK has none) set it to
	// the RFC 7638 SHA-256 thumbprint of the public key.
	KeyID string
	// Signer is an ed25519.PrivateKey, *ecdsa.PrivateKey (P-256) or *rsa.PrivateKey.
	Signer crypto.Signer
}

// Public returns the public half: ed25519.PublicKey, *ecdsa.PublicKey or *rsa.PublicKey.
func (k *PrivateKey) Public() crypto.PublicKey { return k.Signer.Public() }

// Generate makes a new key pair from crypto/rand with its thumbprint as KeyID.
func Generate(alg Algorithm) (*PrivateKey, error) {
	var s crypto.Signer
	switch alg {
	case Ed25519:
		_, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return nil, fmt.Errorf("key: generate Ed25519: %w", err)
		}
		s = priv
	case ES256:
		priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return nil, fmt.Errorf("key: generate P-256: %w", err)
		}
		s = priv
	case RS256:
		priv, err := rsa.GenerateKey(rand.Reader, RSABits)
		if err != nil {
			return nil, fmt.Errorf("key: generate RSA: %w", err)
		}
		s = priv
	default:
		return nil, fmt.Errorf("key: unsupported algorithm %q", alg)
	}
	return NewPrivateKey(s, "")
}

// NewPrivateKey wraps a signer, working out its algorithm. An empty kid becomes the RFC 7638
// thumbprint of the public key.
func NewPrivateKey(s crypto.Signer, kid string) (*PrivateKey, error) {
	if s == nil {
		return nil, errors.New("key: nil signer")
	}
	alg, err := AlgorithmOf(s.Public())
	if err != nil {
		return nil, err
	}
	if kid == "" {
		kid, err = Thumbprint(s.Public())
		if err != nil {
			return nil, err
		}
	}
	return &PrivateKey{Alg: alg, KeyID: kid, Signer: s}, nil
}

// AlgorithmOf returns the algorithm a public key is used with, or an error for key types and
// sizes this package does not support (RSA below 2048 bits, curves other than P-256).
func AlgorithmOf(pub crypto.PublicKey) (Algorithm, error) {
	switch p := pub.(type) {
	case ed25519.PublicKey:
		if len(p) != ed25519.PublicKeySize {
			return "", fmt.Errorf("key: Ed25519 public key has %d bytes", len(p))
		}
		return Ed25519, nil
	case *ecdsa.PublicKey:
		if p == nil || p.Curve != elliptic.P256() {
			return "", errors.New("key: only the P-256 curve is supported")
		}
		return ES256, nil
	case *rsa.PublicKey:
		if p == nil || p.N == nil || p.N.BitLen() < RSABits {
			return "", fmt.Errorf("key: RSA keys must have at least %d bits", RSABits)
		}
		return RS256, nil
	}
	return "", fmt.Errorf("key: unsupported public key type %T", pub)
}
