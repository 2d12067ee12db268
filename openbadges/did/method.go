// Package did owns decentralized identifiers and verification methods: did:key and did:web
// identifiers, DID and controller documents (parse and emit), and the resolution of a
// verification method id (did:key, did:web, or an https URL) to a public key, through a
// fetch.Fetcher. It also holds the key-provenance rule of Open Badges 3.0: the controller of
// the verification method must be the issuer.
package did

import (
	"crypto"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/mr-tron/base58"

	"github.com/rosettebadges/rosette/openbadges/key"
)

// Verification method types this package reads. It writes Multikey (Ed25519, P-256) and
// JsonWebKey (RSA).
const (
	TypeMultikey                   = "Multikey"
	TypeJsonWebKey                 = "JsonWebKey"
	TypeJsonWebKey2020             = "JsonWebKey2020"
	TypeEd25519VerificationKey2020 = "Ed25519VerificationKey2020"
	TypeEd25519VerificationKey2018 = "Ed25519VerificationKey2018"
	// TypeCryptographicKey is the OB 2.0 key class (publicKeyPem, owner).
	TypeCryptographicKey = "CryptographicKey"
)

// VerificationMethod is a public key with its id, type and controller.
type VerificationMethod struct {
	ID         string
	Type       string
	Controller string
	// PublicKey is an ed25519.PublicKey, *ecdsa.PublicKey (P-256) or *rsa.PublicKey.
	PublicKey crypto.PublicKey
}

// NewMethod returns the verification method id for pub controlled by controller: a Multikey
// for Ed25519 and P-256 keys, a JsonWebKey for RSA keys.
func NewMethod(id, controller string, pub crypto.PublicKey) (*VerificationMethod, error) {
	alg, err := key.AlgorithmOf(pub)
	if err != nil {
		return nil, err
	}
	t := TypeMultikey
	if alg == key.RS256 {
		t = TypeJsonWebKey
	}
	return &VerificationMethod{ID: id, Type: t, Controller: controller, PublicKey: pub}, nil
}

// vmJSON is the wire form of a verification method.
type vmJSON struct {
	Context            any             `json:"@context,omitempty"`
	ID                 string          `json:"id"`
	Type               json.RawMessage `json:"type"`
	Controller         string          `json:"controller,omitempty"`
	Owner              string          `json:"owner,omitempty"`
	PublicKeyMultibase string          `json:"publicKeyMultibase,omitempty"`
	PublicKeyJwk       json.RawMessage `json:"publicKeyJwk,omitempty"`
	PublicKeyBase58    string          `json:"publicKeyBase58,omitempty"`
	PublicKeyPem       string          `json:"publicKeyPem,omitempty"`
}

// MarshalJSON writes the method with publicKeyMultibase (Multikey and
// Ed25519VerificationKey2020), publicKeyJwk (JsonWebKey, JsonWebKey2020), publicKeyBase58
// (Ed25519VerificationKey2018) or owner + publicKeyPem (CryptographicKey).
func (vm VerificationMethod) MarshalJSON() ([]byte, error) {
	t, _ := json.Marshal(vm.Type)
	out := vmJSON{ID: vm.ID, Type: t, Controller: vm.Controller}
	var err error
	switch vm.Type {
	case TypeMultikey, TypeEd25519VerificationKey2020:
		out.PublicKeyMultibase, err = key.EncodeMultikey(vm.PublicKey)
	case TypeJsonWebKey, TypeJsonWebKey2020:
		var m map[string]any
		if m, err = key.PublicJWK(vm.PublicKey, ""); err == nil {
			out.PublicKeyJwk, err = json.Marshal(m)
		}
	case TypeEd25519VerificationKey2018:
		p, ok := vm.PublicKey.(ed25519.PublicKey)
		if !ok {
			return nil, fmt.Errorf("did: %s needs an Ed25519 key", vm.Type)
		}
		out.PublicKeyBase58 = base58.Encode(p)
	case TypeCryptographicKey:
		out.Controller, out.Owner = "", vm.Controller
		out.PublicKeyPem, err = key.PublicKeyPEM(vm.PublicKey)
	default:
		return nil, fmt.Errorf("did: cannot write verification method type %q", vm.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("did: verification method %s: %w", vm.ID, err)
	}
	return json.Marshal(out)
}

// UnmarshalJSON reads a verification method of any type listed above. The key material must
// fit the type: a Multikey needs publicKeyMultibase, an Ed25519VerificationKey2020 an Ed25519
// Multikey, a JsonWebKey a public JWK without private members, and so on. A CryptographicKey's
// owner becomes its Controller.
func (vm *VerificationMethod) UnmarshalJSON(b []byte) error {
	var in vmJSON
	if err := json.Unmarshal(b, &in); err != nil {
		return fmt.Errorf("did: verification method: %w", err)
	}
	t, err := singleType(in.Type)
	if err != nil {
		return err
	}
	if in.ID == "" {
		return errors.New("did: verification method has no id")
	}
	out := VerificationMethod{ID: in.ID, Type: t, Controller: in.Controller}
	switch t {
	case TypeMultikey, TypeEd25519VerificationKey2020:
		if in.PublicKeyMultibase == "" {
			return fmt.Errorf("did: %s %s has no publicKeyMultibase", t, in.ID)
		}
		out.PublicKey, err = key.DecodeMultikey(in.PublicKeyMultibase)
		if _, ok := out.PublicKey.(ed25519.PublicKey); err == nil && t == TypeEd25519VerificationKey2020 && !ok {
			err = errors.New("not an Ed25519 key")
		}
	case TypeJsonWebKey, TypeJsonWebKey2020:
		if len(in.PublicKeyJwk) == 0 {
			return fmt.Errorf("did: %s %s has no publicKeyJwk", t, in.ID)
		}
		out.PublicKey, err = key.ParsePublicJWK(in.PublicKeyJwk)
	case TypeEd25519VerificationKey2018:
		var raw []byte
		raw, err = base58.Decode(in.PublicKeyBase58)
		if err == nil && len(raw) != ed25519.PublicKeySize {
			err = fmt.Errorf("publicKeyBase58 holds %d bytes, want 32", len(raw))
		}
		out.PublicKey = ed25519.PublicKey(raw)
	case TypeCryptographicKey:
		if out.Controller == "" {
			out.Controller = in.Owner
		}
		out.PublicKey, err = key.ParsePublicKeyPEM(in.PublicKeyPem)
	default:
		return fmt.Errorf("did: unsupported verification method type %q", t)
	}
	if err != nil {
		return fmt.Errorf("did: verification method %s: %w", in.ID, err)
	}
	*vm = out
	return nil
}

// singleType reads a "type" that is a string or an array holding one known type.
func singleType(raw json.RawMessage) (string, error) {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s, nil
	}
	var ss []string
	if err := json.Unmarshal(raw, &ss); err != nil || len(ss) == 0 {
		return "", errors.New("did: verification method has no type")
	}
	for _, s := range ss {
		switch s {
		case TypeMultikey, TypeJsonWebKey, TypeJsonWebKey2020, TypeEd25519VerificationKey2020,
			TypeEd25519VerificationKey2018, TypeCryptographicKey:
			return s, nil
		}
	}
	return ss[0], nil
}

// CheckController enforces the key provenance rule (OB 3.0 implementation guide; OPEN-BADGES
// P9): the verification method's controller must equal the issuer id. For did:key methods the
// controller is the DID itself, so the issuer must be that DID.
func CheckController(vm *VerificationMethod, issuerID string) error {
	if vm == nil {
		return errors.New("did: no verification method")
	}
	if issuerID == "" {
		return errors.New("did: the issuer has no id")
	}
	if vm.Controller == "" {
		return fmt.Errorf("did: verification method %s names no controller", vm.ID)
	}
	if vm.Controller != issuerID {
		return fmt.Errorf("did: verification method %s is controlled by %s, not by the issuer %s", vm.ID, vm.Controller, issuerID)
	}
	return nil
}
