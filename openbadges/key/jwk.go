package key

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
)

// jwk is the JSON shape of every JWK this package reads or writes.
type jwk struct {
	Kty string `json:"kty"`
	Crv string `json:"crv,omitempty"`
	Alg string `json:"alg,omitempty"`
	Kid string `json:"kid,omitempty"`
	Use string `json:"use,omitempty"`
	X   string `json:"x,omitempty"`
	Y   string `json:"y,omitempty"`
	N   string `json:"n,omitempty"`
	E   string `json:"e,omitempty"`
	D   string `json:"d,omitempty"`
	P   string `json:"p,omitempty"`
	Q   string `json:"q,omitempty"`
	DP  string `json:"dp,omitempty"`
	DQ  string `json:"dq,omitempty"`
	QI  string `json:"qi,omitempty"`
}

var b64 = base64.RawURLEncoding

// MarshalJWK returns the private key as a JWK with "kid" and "alg" set.
func (k *PrivateKey) MarshalJWK() ([]byte, error) {
	j, err := publicJWK(k.Public())
	if err != nil {
		return nil, err
	}
	j.Kid = k.KeyID
	j.Alg = k.Alg.JWSAlg()
	switch s := k.Signer.(type) {
	case ed25519.PrivateKey:
		j.D = b64.EncodeToString(s.Seed())
	case *ecdsa.PrivateKey:
		d, err := s.Bytes()
		if err != nil {
			return nil, fmt.Errorf("key: %w", err)
		}
		j.D = b64.EncodeToString(d)
	case *rsa.PrivateKey:
		if len(s.Primes) != 2 {
			return nil, errors.New("key: multi-prime RSA keys are not supported")
		}
		s.Precompute()
		j.D = b64.EncodeToString(s.D.Bytes())
		j.P = b64.EncodeToString(s.Primes[0].Bytes())
		j.Q = b64.EncodeToString(s.Primes[1].Bytes())
		j.DP = b64.EncodeToString(s.Precomputed.Dp.Bytes())
		j.DQ = b64.EncodeToString(s.Precomputed.Dq.Bytes())
		j.QI = b64.EncodeToString(s.Precomputed.Qinv.Bytes())
	default:
		return nil, fmt.Errorf("key: cannot export private key of type %T", k.Signer)
	}
	return json.Marshal(j)
}

// ParsePrivateJWK reads a private JWK (OKP Ed25519, EC P-256 or RSA of at least 2048 bits).
// The public members must match the private ones. A missing "kid" becomes the thumbprint. An
// "alg" member, when present, must agree with the key type.
func ParsePrivateJWK(b []byte) (*PrivateKey, error) {
	var j jwk
	if err := strictUnmarshal(b, &j); err != nil {
		return nil, fmt.Errorf("key: private JWK: %w", err)
	}
	if j.D == "" {
		return nil, errors.New(`key: private JWK has no "d"`)
	}
	pub, err := j.public()
	if err != nil {
		return nil, err
	}
	d, err := decodeB64("d", j.D)
	if err != nil {
		return nil, err
	}
	var s crypto.Signer
	switch p := pub.(type) {
	case ed25519.PublicKey:
		if len(d) != ed25519.SeedSize {
			return nil, fmt.Errorf(`key: Ed25519 JWK "d" has %d bytes, want 32`, len(d))
		}
		priv := ed25519.NewKeyFromSeed(d)
		if !bytes.Equal(priv.Public().(ed25519.PublicKey), p) {
			return nil, errors.New(`key: Ed25519 JWK "x" does not match "d"`)
		}
		s = priv
	case *ecdsa.PublicKey:
		priv, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), d)
		if err != nil {
			return nil, fmt.Errorf(`key: P-256 JWK "d": %w`, err)
		}
		if !priv.PublicKey.Equal(p) {
			return nil, errors.New(`key: P-256 JWK "x"/"y" do not match "d"`)
		}
		s = priv
	case *rsa.PublicKey:
		priv, err := j.rsaPrivate(p, d)
		if err != nil {
			return nil, err
		}
		s = priv
	}
	k, err := NewPrivateKey(s, j.Kid)
	if err != nil {
		return nil, err
	}
	if j.Alg != "" && j.Alg != k.Alg.JWSAlg() {
		return nil, fmt.Errorf("key: JWK alg %q does not fit a %s key", j.Alg, k.Alg)
	}
	return k, nil
}

func (j *jwk) rsaPrivate(pub *rsa.PublicKey, d []byte) (*rsa.PrivateKey, error) {
	if j.P == "" || j.Q == "" {
		return nil, errors.New(`key: RSA JWK without "p" and "q" is not supported`)
	}
	p, err := decodeB64("p", j.P)
	if err != nil {
		return nil, err
	}
	q, err := decodeB64("q", j.Q)
	if err != nil {
		return nil, err
	}
	priv := &rsa.PrivateKey{
		PublicKey: *pub,
		D:         new(big.Int).SetBytes(d),
		Primes:    []*big.Int{new(big.Int).SetBytes(p), new(big.Int).SetBytes(q)},
	}
	if err := priv.Validate(); err != nil {
		return nil, fmt.Errorf("key: RSA JWK: %w", err)
	}
	priv.Precompute()
	return priv, nil
}

// PublicJWK returns the public JWK of pub as a JSON object (members kty, crv, x, y, n, e and,
// when kid is not empty, kid). It never contains private members.
func PublicJWK(pub crypto.PublicKey, kid string) (map[string]any, error) {
	j, err := publicJWK(pub)
	if err != nil {
		return nil, err
	}
	j.Kid = kid
	b, err := json.Marshal(j)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	return m, nil
}

// ParsePublicJWK reads a public JWK. It refuses a JWK that carries any private member ("d",
// "p", "q", "dp", "dq", "qi"): a public key must never travel with its secret. Unknown
// members such as "use", "key_ops" or "iss" are ignored.
func ParsePublicJWK(b []byte) (crypto.PublicKey, error) {
	var raw map[string]json.RawMessage
	if err := strictUnmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("key: public JWK: %w", err)
	}
	for _, m := range []string{"d", "p", "q", "dp", "dq", "qi", "oth", "k"} {
		if _, ok := raw[m]; ok {
			return nil, fmt.Errorf("key: public JWK contains private member %q", m)
		}
	}
	var j jwk
	if err := json.Unmarshal(b, &j); err != nil {
		return nil, fmt.Errorf("key: public JWK: %w", err)
	}
	return j.public()
}

func publicJWK(pub crypto.PublicKey) (*jwk, error) {
	if _, err := AlgorithmOf(pub); err != nil {
		return nil, err
	}
	switch p := pub.(type) {
	case ed25519.PublicKey:
		return &jwk{Kty: "OKP", Crv: "Ed25519", X: b64.EncodeToString(p)}, nil
	case *ecdsa.PublicKey:
		raw, err := p.Bytes() // 0x04 || X || Y
		if err != nil {
			return nil, fmt.Errorf("key: %w", err)
		}
		return &jwk{Kty: "EC", Crv: "P-256", X: b64.EncodeToString(raw[1:33]), Y: b64.EncodeToString(raw[33:])}, nil
	case *rsa.PublicKey:
		return &jwk{Kty: "RSA", N: b64.EncodeToString(p.N.Bytes()), E: b64.EncodeToString(big.NewInt(int64(p.E)).Bytes())}, nil
	}
	return nil, fmt.Errorf("key: unsupported public key type %T", pub)
}

// public decodes the public members of j.
func (j *jwk) public() (crypto.PublicKey, error) {
	switch j.Kty {
	case "OKP":
		if j.Crv != "Ed25519" {
			return nil, fmt.Errorf("key: unsupported OKP curve %q", j.Crv)
		}
		x, err := decodeB64("x", j.X)
		if err != nil {
			return nil, err
		}
		if len(x) != ed25519.PublicKeySize {
			return nil, fmt.Errorf(`key: Ed25519 JWK "x" has %d bytes, want 32`, len(x))
		}
		return ed25519.PublicKey(x), nil
	case "EC":
		if j.Crv != "P-256" {
			return nil, fmt.Errorf("key: unsupported EC curve %q", j.Crv)
		}
		x, err := decodeB64("x", j.X)
		if err != nil {
			return nil, err
		}
		y, err := decodeB64("y", j.Y)
		if err != nil {
			return nil, err
		}
		if len(x) != 32 || len(y) != 32 {
			return nil, errors.New(`key: P-256 JWK "x" and "y" must be 32 bytes each`)
		}
		pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), append(append([]byte{4}, x...), y...))
		if err != nil {
			return nil, fmt.Errorf("key: P-256 JWK: %w", err)
		}
		return pub, nil
	case "RSA":
		n, err := decodeB64("n", j.N)
		if err != nil {
			return nil, err
		}
		e, err := decodeB64("e", j.E)
		if err != nil {
			return nil, err
		}
		if len(e) == 0 || len(e) > 4 || (len(n) > 0 && n[0] == 0) {
			return nil, errors.New("key: malformed RSA JWK")
		}
		ei := new(big.Int).SetBytes(e)
		if ei.Int64() < 3 || ei.Bit(0) == 0 {
			return nil, errors.New(`key: RSA JWK "e" must be odd and at least 3`)
		}
		pub := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(ei.Int64())}
		if _, err := AlgorithmOf(pub); err != nil {
			return nil, err
		}
		return pub, nil
	case "":
		return nil, errors.New(`key: JWK has no "kty"`)
	}
	return nil, fmt.Errorf("key: unsupported JWK kty %q", j.Kty)
}

// Thumbprint returns the RFC 7638 JWK thumbprint (SHA-256, base64url without padding) of pub.
func Thumbprint(pub crypto.PublicKey) (string, error) {
	j, err := publicJWK(pub)
	if err != nil {
		return "", err
	}
	// RFC 7638 §3.2: the required members only, in lexicographic order, no whitespace.
	var s string
	switch j.Kty {
	case "OKP":
		s = `{"crv":"` + j.Crv + `","kty":"OKP","x":"` + j.X + `"}`
	case "EC":
		s = `{"crv":"` + j.Crv + `","kty":"EC","x":"` + j.X + `","y":"` + j.Y + `"}`
	case "RSA":
		s = `{"e":"` + j.E + `","kty":"RSA","n":"` + j.N + `"}`
	}
	sum := sha256.Sum256([]byte(s))
	return b64.EncodeToString(sum[:]), nil
}

func decodeB64(member, s string) ([]byte, error) {
	if s == "" {
		return nil, fmt.Errorf("key: JWK member %q is missing", member)
	}
	b, err := b64.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("key: JWK member %q is not base64url without padding: %w", member, err)
	}
	return b, nil
}

// strictUnmarshal decodes one JSON object and rejects trailing data.
func strictUnmarshal(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data after the JSON object")
	}
	return nil
}
