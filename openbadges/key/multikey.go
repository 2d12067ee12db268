package key

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"errors"
	"fmt"

	"github.com/mr-tron/base58"
)

// Multicodec prefixes (unsigned varints) of the key encodings this package reads and writes.
var (
	prefixEd25519Pub  = []byte{0xed, 0x01} // ed25519-pub 0xed
	prefixP256Pub     = []byte{0x80, 0x24} // p256-pub 0x1200, compressed point
	prefixEd25519Priv = []byte{0x80, 0x26} // ed25519-priv 0x1300
)

// EncodeMultikey returns the Multikey publicKeyMultibase of pub: "z" + base58btc of the
// multicodec prefix and key. Ed25519 keys (0xed01 + 32 bytes) start "z6Mk"; P-256 keys
// (0x8024 + 33-byte compressed point) start "zDn".
func EncodeMultikey(pub crypto.PublicKey) (string, error) {
	switch p := pub.(type) {
	case ed25519.PublicKey:
		if len(p) != ed25519.PublicKeySize {
			return "", fmt.Errorf("key: Ed25519 public key has %d bytes", len(p))
		}
		return "z" + base58.Encode(append(append([]byte{}, prefixEd25519Pub...), p...)), nil
	case *ecdsa.PublicKey:
		if _, err := AlgorithmOf(p); err != nil {
			return "", err
		}
		raw, err := p.Bytes()
		if err != nil {
			return "", fmt.Errorf("key: %w", err)
		}
		c := make([]byte, 0, 35)
		c = append(c, prefixP256Pub...)
		c = append(c, 2|raw[64]&1)
		c = append(c, raw[1:33]...)
		return "z" + base58.Encode(c), nil
	}
	return "", fmt.Errorf("key: no Multikey encoding for %T", pub)
}

// DecodeMultikey reads a Multikey publicKeyMultibase value. Only base58btc ("z") with the
// Ed25519 (0xed01, 32 bytes) or P-256 (0x8024, 33-byte compressed point) prefix is accepted;
// every other prefix or length is an error.
func DecodeMultikey(s string) (crypto.PublicKey, error) {
	b, err := decodeBase58btc(s)
	if err != nil {
		return nil, err
	}
	switch {
	case bytes.HasPrefix(b, prefixEd25519Pub):
		k := b[len(prefixEd25519Pub):]
		if len(k) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("key: Ed25519 Multikey has %d key bytes, want 32", len(k))
		}
		return ed25519.PublicKey(bytes.Clone(k)), nil
	case bytes.HasPrefix(b, prefixP256Pub):
		k := b[len(prefixP256Pub):]
		if len(k) != 33 || (k[0] != 2 && k[0] != 3) {
			return nil, errors.New("key: P-256 Multikey must hold a 33-byte compressed point")
		}
		x, y := elliptic.UnmarshalCompressed(elliptic.P256(), k)
		if x == nil {
			return nil, errors.New("key: P-256 Multikey is not a point on the curve")
		}
		raw := make([]byte, 65)
		raw[0] = 4
		x.FillBytes(raw[1:33])
		y.FillBytes(raw[33:])
		return ecdsa.ParseUncompressedPublicKey(elliptic.P256(), raw)
	case bytes.HasPrefix(b, prefixEd25519Priv):
		return nil, errors.New("key: this Multikey is a secret key, not a public key")
	}
	if len(b) >= 2 {
		return nil, fmt.Errorf("key: unsupported Multikey prefix 0x%02x%02x", b[0], b[1])
	}
	return nil, errors.New("key: Multikey too short")
}

// EncodeSecretMultibase returns the secretKeyMultibase of an Ed25519 key in the 64-byte form
// (0x8026 + seed || public key) that digitalbazaar libraries and the OB test vector use.
func EncodeSecretMultibase(priv ed25519.PrivateKey) (string, error) {
	if len(priv) != ed25519.PrivateKeySize {
		return "", errors.New("key: Ed25519 private key must have 64 bytes")
	}
	return "z" + base58.Encode(append(append([]byte{}, prefixEd25519Priv...), priv...)), nil
}

// DecodeSecretMultibase reads an Ed25519 secretKeyMultibase: "z" + base58btc of 0x8026
// followed by either the 32-byte seed (W3C vc-di-eddsa keyPair.json) or the 64-byte
// seed || public key (OB 3.0 test vector, digitalbazaar). In the 64-byte form the public half
// must match the seed.
func DecodeSecretMultibase(s string) (ed25519.PrivateKey, error) {
	b, err := decodeBase58btc(s)
	if err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(b, prefixEd25519Priv) {
		return nil, errors.New("key: secret multibase does not start with the ed25519-priv prefix 0x8026")
	}
	k := b[len(prefixEd25519Priv):]
	switch len(k) {
	case ed25519.SeedSize:
		return ed25519.NewKeyFromSeed(k), nil
	case ed25519.PrivateKeySize:
		priv := ed25519.NewKeyFromSeed(k[:32])
		if !bytes.Equal(priv[32:], k[32:]) {
			return nil, errors.New("key: secret multibase public half does not match its seed")
		}
		return priv, nil
	}
	return nil, fmt.Errorf("key: secret multibase holds %d key bytes, want 32 or 64", len(k))
}

// DecodeBase58btc decodes a multibase base58btc string ("z" prefix), as used by Multikey,
// did:key and Data Integrity proofValue.
func DecodeBase58btc(s string) ([]byte, error) { return decodeBase58btc(s) }

func decodeBase58btc(s string) ([]byte, error) {
	if len(s) < 2 || s[0] != 'z' {
		return nil, errors.New(`key: multibase value must be base58btc (start with "z")`)
	}
	b, err := base58.Decode(s[1:])
	if err != nil {
		return nil, fmt.Errorf("key: multibase value is not base58btc: %w", err)
	}
	return b, nil
}
