// Package keys owns the issuers' signing keys: generating them (Ed25519 and RSA-2048 per
// issuer), protecting the private halves at rest, rotating them (retired keys stay published
// so old badges still verify), and handing out signers for issuing.
//
// Protection at rest: each private JWK is sealed with AES-256-GCM under a data key of its own,
// derived with HKDF-SHA256 from the installation's 32-byte master key, a random 16-byte salt
// and the issuer id and key id; the additional data is the issuer id and key id, so a sealed
// key copied to another row does not open. Sealed form: 0x01 || salt(16) || nonce(12) ||
// ciphertext+tag. The master key comes from config (ROSETTE_MASTER_KEY) or, for a zero-config
// SQLite install, from <data-dir>/master.key (LoadOrCreateMasterKeyFile). Keys are never logged.
package keys

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// MasterKey is the 32-byte secret every node of an installation shares.
type MasterKey struct{ b [32]byte }

// String never reveals the key.
func (MasterKey) String() string { return "MasterKey(redacted)" }

// GoString never reveals the key.
func (MasterKey) GoString() string { return "keys.MasterKey(redacted)" }

// ParseMasterKey reads the base64 (standard or URL alphabet, padded or not) of 32 bytes.
func ParseMasterKey(s string) (MasterKey, error) {
	s = strings.TrimSpace(s)
	var raw []byte
	var err error
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if raw, err = enc.DecodeString(s); err == nil {
			break
		}
	}
	if err != nil {
		return MasterKey{}, errors.New("keys: the master key is not base64 (generate one with: head -c 32 /dev/urandom | base64)")
	}
	if len(raw) != 32 {
		return MasterKey{}, fmt.Errorf("keys: the master key is %d bytes, want 32 (generate one with: head -c 32 /dev/urandom | base64)", len(raw))
	}
	var m MasterKey
	copy(m.b[:], raw)
	return m, nil
}

// NewMasterKey returns a new random master key in its base64 form.
func NewMasterKey() string {
	var b [32]byte
	rand.Read(b[:])
	return base64.StdEncoding.EncodeToString(b[:])
}

// LoadOrCreateMasterKeyFile reads the master key from path, or, if the file does not exist,
// creates it (mode 0600, never overwriting) with a new key. created says which.
func LoadOrCreateMasterKeyFile(path string) (m MasterKey, created bool, err error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		s := NewMasterKey()
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return MasterKey{}, false, fmt.Errorf("keys: create master key file: %w", err)
		}
		_, werr := f.WriteString(s + "\n")
		if err := errors.Join(werr, f.Sync(), f.Close()); err != nil {
			os.Remove(path)
			return MasterKey{}, false, fmt.Errorf("keys: write master key file: %w", err)
		}
		m, err = ParseMasterKey(s)
		return m, true, err
	}
	if err != nil {
		return MasterKey{}, false, fmt.Errorf("keys: read master key file: %w", err)
	}
	m, err = ParseMasterKey(string(b))
	if err != nil {
		return MasterKey{}, false, fmt.Errorf("%w (in %s)", err, path)
	}
	return m, false, nil
}

const (
	sealVersion = 1
	saltLen     = 16
	nonceLen    = 12
)

// ErrOpen is returned (wrapped) when a sealed key does not open: wrong master key, wrong
// issuer or key id, or damaged bytes.
var ErrOpen = errors.New("keys: sealed key does not open (wrong master key or damaged data)")

func aad(issuerID, kid string) []byte { return []byte(issuerID + "\x00" + kid) }

func (m MasterKey) aead(salt []byte, issuerID, kid string) (cipher.AEAD, error) {
	dk, err := hkdf.Key(sha256.New, m.b[:], salt, "rosette issuer key v1\x00"+issuerID+"\x00"+kid, 32)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(dk)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// Seal encrypts plaintext (a private JWK) for the key kid of issuer issuerID.
func (m MasterKey) Seal(issuerID, kid string, plaintext []byte) ([]byte, error) {
	out := make([]byte, 1+saltLen+nonceLen, 1+saltLen+nonceLen+len(plaintext)+16)
	out[0] = sealVersion
	rand.Read(out[1:])
	g, err := m.aead(out[1:1+saltLen], issuerID, kid)
	if err != nil {
		return nil, fmt.Errorf("keys: seal: %w", err)
	}
	return g.Seal(out, out[1+saltLen:], plaintext, aad(issuerID, kid)), nil
}

// Open decrypts what Seal made for the same issuer and key id; any mismatch is ErrOpen.
func (m MasterKey) Open(issuerID, kid string, sealed []byte) ([]byte, error) {
	if len(sealed) < 1+saltLen+nonceLen+16 || sealed[0] != sealVersion {
		return nil, ErrOpen
	}
	g, err := m.aead(sealed[1:1+saltLen], issuerID, kid)
	if err != nil {
		return nil, fmt.Errorf("keys: open: %w", err)
	}
	pt, err := g.Open(nil, sealed[1+saltLen:1+saltLen+nonceLen], sealed[1+saltLen+nonceLen:], aad(issuerID, kid))
	if err != nil {
		return nil, ErrOpen
	}
	return pt, nil
}
