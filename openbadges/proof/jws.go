package proof

// Compact JWS (RFC 7515) as used by VC-JWT (OB 3.0) and OB 2.0 signed assertions: signing
// with a key.PrivateKey, strict header parsing, and verification through go-jose v4 with an
// algorithm allow-list.

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	jose "github.com/go-jose/go-jose/v4"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"

	"github.com/rosettebadges/rosette/openbadges/key"
)

// Errors of JWS and VC-JWT processing, for errors.Is. Messages wrapping them say what exactly
// failed.
var (
	ErrJWSMalformed  = errors.New("malformed JWS")
	ErrJWSHeader     = errors.New("JWS header not allowed")
	ErrJWSKey        = errors.New("JWS key unusable")
	ErrJWSSignature  = errors.New("JWS signature does not verify")
	ErrJWTClaims     = errors.New("JWT claims do not match the credential")
	ErrJWSController = errors.New("JWS key is not controlled by the issuer")
)

// JWSAlgorithms is the allow-list of JWS "alg" values accepted on input: RS256 (required by
// OB 3.0 and the OB 2.0 default), ES256 and EdDSA. "none", HMAC and every other algorithm are
// refused before any key is looked at.
var jwsAlgorithms = []jose.SignatureAlgorithm{jose.RS256, jose.ES256, jose.EdDSA}

// KeyResolver dereferences a key id (a JWS "kid", an OB 2.0 verification.creator) to a
// verification method. It is the same contract as MethodResolver; *did.Resolver implements it.
type KeyResolver = MethodResolver

// JWSHeader is the protected header of a VC-JWT or OB 2.0 JWS.
type JWSHeader struct {
	Alg string         `json:"alg"`
	Kid string         `json:"kid,omitempty"`
	JWK map[string]any `json:"jwk,omitempty"`
	Typ string         `json:"typ,omitempty"`
}

// jwsParts is a compact JWS split and decoded, signature not yet checked.
type jwsParts struct {
	compact string
	header  JWSHeader
	raw     map[string]json.RawMessage // the header members as sent
	payload []byte
}

// parseCompactJWS splits and decodes a compact JWS: three base64url (no padding) parts, a
// header that is one JSON object without duplicate members, an allowed "alg", and no "crit"
// or "b64" (unencoded payloads are not used by either format).
func parseCompactJWS(compact string) (*jwsParts, error) {
	compact = strings.TrimSpace(compact)
	parts := strings.Split(compact, ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("%w: want 3 dot-separated parts, got %d", ErrJWSMalformed, len(parts))
	}
	hb, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		return nil, fmt.Errorf("%w: header is not base64url: %v", ErrJWSMalformed, err)
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, fmt.Errorf("%w: payload is not base64url: %v", ErrJWSMalformed, err)
	}
	if _, err := base64.RawURLEncoding.DecodeString(parts[2]); err != nil || parts[2] == "" {
		return nil, fmt.Errorf("%w: signature is missing or not base64url", ErrJWSMalformed)
	}
	raw, err := jwsObjectMembers(hb)
	if err != nil {
		return nil, fmt.Errorf("%w: header: %v", ErrJWSMalformed, err)
	}
	var h JWSHeader
	if err := json.Unmarshal(hb, &h); err != nil {
		return nil, fmt.Errorf("%w: header: %v", ErrJWSMalformed, err)
	}
	if !slices.Contains(jwsAlgorithms, jose.SignatureAlgorithm(h.Alg)) {
		return nil, fmt.Errorf("%w: alg %q (allowed: RS256, ES256, EdDSA)", ErrJWSHeader, h.Alg)
	}
	for _, m := range []string{"crit", "b64"} {
		if _, ok := raw[m]; ok {
			return nil, fmt.Errorf("%w: %q", ErrJWSHeader, m)
		}
	}
	return &jwsParts{compact: compact, header: h, raw: raw, payload: payload}, nil
}

// jwsObjectMembers decodes one JSON object into its members, refusing duplicate names (which
// readers resolve differently) and trailing data.
func jwsObjectMembers(b []byte) (map[string]json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, errors.New("not a JSON object")
	}
	out := map[string]json.RawMessage{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		name := tok.(string)
		if _, dup := out[name]; dup {
			return nil, fmt.Errorf("duplicate member %q", name)
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		out[name] = v
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("trailing data after the JSON object")
	}
	return out, nil
}

// verifyJWSSignature checks the signature of p with pub through go-jose, after checking that
// the key type fits the header's alg.
func verifyJWSSignature(p *jwsParts, pub crypto.PublicKey) error {
	alg, err := key.AlgorithmOf(pub)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrJWSKey, err)
	}
	if alg.JWSAlg() != p.header.Alg {
		return fmt.Errorf("%w: header alg %s does not fit a %s key", ErrJWSKey, p.header.Alg, alg)
	}
	obj, err := jose.ParseSignedCompact(p.compact, jwsAlgorithms)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrJWSMalformed, err)
	}
	payload, err := obj.Verify(pub)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrJWSSignature, err)
	}
	if !bytes.Equal(payload, p.payload) {
		return fmt.Errorf("%w: payload mismatch", ErrJWSMalformed)
	}
	return nil
}

// signCompactJWS returns header.payload.signature for the given header JSON and payload.
func signCompactJWS(k *key.PrivateKey, header, payload []byte) (string, error) {
	if k == nil || k.Signer == nil {
		return "", fmt.Errorf("%w: no signing key", ErrJWSKey)
	}
	enc := base64.RawURLEncoding
	// One buffer: header.payload, then .signature (at most 512 bytes for RSA-2048).
	buf := make([]byte, 0, enc.EncodedLen(len(header))+enc.EncodedLen(len(payload))+2+enc.EncodedLen(512))
	buf = enc.AppendEncode(buf, header)
	buf = append(buf, '.')
	buf = enc.AppendEncode(buf, payload)
	input := buf
	var sig []byte
	var err error
	switch k.Alg {
	case key.Ed25519:
		sig, err = k.Signer.Sign(rand.Reader, input, crypto.Hash(0))
	case key.ES256, key.RS256:
		h := sha256.Sum256(input)
		sig, err = k.Signer.Sign(rand.Reader, h[:], crypto.SHA256)
		if err == nil && k.Alg == key.ES256 {
			sig, err = jwsECDSARaw(sig)
		}
	default:
		return "", fmt.Errorf("%w: unsupported algorithm %q", ErrJWSKey, k.Alg)
	}
	if err != nil {
		return "", fmt.Errorf("proof: signing: %w", err)
	}
	buf = append(buf, '.')
	buf = enc.AppendEncode(buf, sig)
	return string(buf), nil
}

// jwsECDSARaw turns an ASN.1 ECDSA P-256 signature into the JWS form R || S (RFC 7518 §3.4).
// The DER is read with cryptobyte: SEQUENCE { INTEGER r, INTEGER s }, both positive and at
// most 256 bits.
func jwsECDSARaw(der []byte) ([]byte, error) {
	bad := errors.New("malformed ECDSA signature")
	var seq, r, s cryptobyte.String
	in := cryptobyte.String(der)
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !in.Empty() ||
		!seq.ReadASN1(&r, cbasn1.INTEGER) || !seq.ReadASN1(&s, cbasn1.INTEGER) || !seq.Empty() {
		return nil, bad
	}
	out := make([]byte, 64)
	for i, n := range [2]cryptobyte.String{r, s} {
		// A positive DER INTEGER: no sign bit set, a leading zero only before a high bit.
		if len(n) == 0 || n[0]&0x80 != 0 || (len(n) > 1 && n[0] == 0 && n[1]&0x80 == 0) {
			return nil, bad
		}
		if n[0] == 0 {
			n = n[1:]
		}
		if len(n) > 32 {
			return nil, bad
		}
		copy(out[32*i+32-len(n):32*i+32], n)
	}
	return out, nil
}

var jwtB64 = base64.RawURLEncoding
