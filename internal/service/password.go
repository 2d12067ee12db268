package service

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"github.com/rosettebadges/rosette/internal/badge"
)

// PasswordParams are argon2id parameters.
type PasswordParams struct {
	MemoryKiB uint32
	Time      uint32
	Threads   uint8
}

// OWASPParams returns the OWASP Password Storage Cheat Sheet minimum for argon2id: m=19 MiB,
// t=2, p=1 (about 40 ms per hash on the reference machine).
func OWASPParams() PasswordParams { return PasswordParams{MemoryKiB: 19 * 1024, Time: 2, Threads: 1} }

const (
	saltLen = 16
	keyLen  = 32
	// MinPasswordLen is the shortest password accepted, in characters.
	MinPasswordLen = 10
	// MaxPasswordLen bounds the work an attacker can ask of the hasher, in bytes.
	MaxPasswordLen = 1024
)

// PasswordHasher hashes and verifies passwords with argon2id in PHC string format
// ($argon2id$v=19$m=...,t=...,p=...$salt$hash), at most `concurrency` at a time so that a burst
// of sign-ins cannot exhaust memory (each hash holds MemoryKiB).
type PasswordHasher struct {
	params PasswordParams
	sem    chan struct{}
}

// NewPasswordHasher returns a hasher using params (zero = OWASPParams) and at most concurrency
// hashes at once (< 1 = 2).
func NewPasswordHasher(params PasswordParams, concurrency int) *PasswordHasher {
	if params == (PasswordParams{}) {
		params = OWASPParams()
	}
	if concurrency < 1 {
		concurrency = 2
	}
	return &PasswordHasher{params: params, sem: make(chan struct{}, concurrency)}
}

func (h *PasswordHasher) acquire(ctx context.Context) error {
	select {
	case h.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return badge.E(badge.Unavailable, "The server is busy. Please try again.", ctx.Err())
	}
}

func (h *PasswordHasher) release() { <-h.sem }

// Hash returns the PHC string of password with a new random salt.
func (h *PasswordHasher) Hash(ctx context.Context, password string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", badge.E(badge.Internal, "Could not hash the password.", err)
	}
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, h.params.Time, h.params.MemoryKiB, h.params.Threads, keyLen)
	h.release()
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version,
		h.params.MemoryKiB, h.params.Time, h.params.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Verify reports whether password matches the PHC string phc (whatever parameters it was
// made with, within sane bounds). A malformed phc is an Internal error.
func (h *PasswordHasher) Verify(ctx context.Context, password, phc string) (bool, error) {
	p, salt, want, err := parsePHC(phc)
	if err != nil {
		return false, badge.E(badge.Internal, "Stored password hash is unreadable.", err)
	}
	if err := h.acquire(ctx); err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.MemoryKiB, p.Threads, uint32(len(want)))
	h.release()
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

func parsePHC(s string) (p PasswordParams, salt, key []byte, err error) {
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, fmt.Errorf("not an argon2id PHC string")
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return p, nil, nil, fmt.Errorf("unsupported argon2 version %q", parts[2])
	}
	var m, t, th uint64
	if n, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &th); err != nil || n != 3 {
		return p, nil, nil, fmt.Errorf("bad argon2 parameters %q", parts[3])
	}
	if m < 8 || m > 1<<20 || t < 1 || t > 20 || th < 1 || th > 16 {
		return p, nil, nil, fmt.Errorf("argon2 parameters out of range %q", parts[3])
	}
	b64 := base64.RawStdEncoding
	if salt, err = b64.DecodeString(parts[4]); err != nil || len(salt) < 8 {
		return p, nil, nil, fmt.Errorf("bad salt")
	}
	if key, err = b64.DecodeString(parts[5]); err != nil || len(key) < 16 || len(key) > 64 {
		return p, nil, nil, fmt.Errorf("bad hash")
	}
	return PasswordParams{MemoryKiB: uint32(m), Time: uint32(t), Threads: uint8(th)}, salt, key, nil
}

// CheckPassword applies the password rules: at least MinPasswordLen characters, at most
// MaxPasswordLen bytes, valid UTF-8, and not one character repeated. The error is an Invalid
// *badge.Error on field "password".
func CheckPassword(pw string) error {
	bad := func(format string, args ...any) error {
		return badge.FieldError(badge.Invalid, "password", fmt.Sprintf(format, args...), nil)
	}
	if pw == "" {
		return bad("Password is required.")
	}
	if !utf8.ValidString(pw) {
		return bad("Password must be valid text.")
	}
	if n := utf8.RuneCountInString(pw); n < MinPasswordLen {
		return bad("Password must be at least %d characters long (it has %d).", MinPasswordLen, n)
	}
	if len(pw) > MaxPasswordLen {
		return bad("Password must be at most %d bytes long.", MaxPasswordLen)
	}
	first, _ := utf8.DecodeRuneInString(pw)
	if strings.Trim(pw, string(first)) == "" {
		return bad("Password must not be one character repeated.")
	}
	return nil
}
