package proof

// OB 2.0 signed assertions (OB 2.0 §Signed verification, OPEN-BADGES 1.3 and P15): a compact
// JWS whose payload is the Assertion JSON, verified with the CryptographicKey named by
// verification.creator (or, failing that, one of the issuer Profile's publicKey ids).

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/rosettebadges/rosette/openbadges/did"
	"github.com/rosettebadges/rosette/openbadges/key"
)

// SignOB2 signs an OB 2.0 Assertion. The payload is the assertion bytes exactly as given (they
// must be one JSON object); the header is {"alg":"RS256"} (or ES256/EdDSA for such keys: OB 2.0
// recommends RS256 and the 1EdTech validator only checks RS256).
func SignOB2(assertion []byte, k *key.PrivateKey) (string, error) {
	if _, err := parseJWTObject(assertion); err != nil {
		return "", fmt.Errorf("%w: assertion: %v", ErrJWSMalformed, err)
	}
	if k == nil {
		return "", fmt.Errorf("%w: no signing key", ErrJWSKey)
	}
	return signCompactJWS(k, []byte(`{"alg":"`+k.Alg.JWSAlg()+`"}`), assertion)
}

// OB2Result is a verified OB 2.0 signed assertion.
type OB2Result struct {
	Assertion []byte // the JWS payload, byte for byte
	Header    JWSHeader
	// Method is the key that verified the signature. For an OB 2.0 CryptographicKey its
	// Controller is the key's owner; the caller checks it against the issuer Profile (and that
	// the Profile's publicKey lists Method.ID).
	Method *did.VerificationMethod
}

// VerifyOB2 verifies an OB 2.0 signed assertion. The key comes from the assertion's
// verification.creator (alias verify.creator) when present; otherwise from issuerKeys, the
// issuer Profile's publicKey ids, tried in order. Keys are resolved through r (an https
// CryptographicKey with publicKeyPem, or any method did.Resolver understands). Header members
// other than alg, kid, typ and jwk are refused; the jwk and kid headers are never trusted as
// the key of an OB 2.0 assertion.
func VerifyOB2(ctx context.Context, compact string, r KeyResolver, issuerKeys ...string) (*OB2Result, error) {
	p, err := parseCompactJWS(compact)
	if err != nil {
		return nil, err
	}
	for name := range p.raw {
		switch name {
		case "alg", "kid", "typ", "jwk":
		default:
			return nil, fmt.Errorf("%w: %q", ErrJWSHeader, name)
		}
	}
	o, err := parseJWTObject(p.payload)
	if err != nil {
		return nil, fmt.Errorf("%w: payload is not an assertion: %v", ErrJWSMalformed, err)
	}
	candidates := issuerKeys
	if c := ob2Creator(o); c != "" {
		candidates = []string{c}
	}
	if len(candidates) == 0 {
		return nil, fmt.Errorf("%w: the assertion has no verification.creator and no issuer keys were given", ErrJWSKey)
	}
	if r == nil {
		return nil, fmt.Errorf("%w: no resolver", ErrJWSKey)
	}
	var errs []error
	for _, id := range candidates {
		vm, err := r.ResolveMethod(ctx, id)
		if err != nil {
			errs = append(errs, fmt.Errorf("%w: %s: %w", ErrJWSKey, id, err))
			continue
		}
		if err := verifyJWSSignature(p, vm.PublicKey); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", id, err))
			continue
		}
		return &OB2Result{Assertion: p.payload, Header: p.header, Method: vm}, nil
	}
	return nil, errors.Join(errs...)
}

// ob2Creator returns verification.creator (or verify.creator), an IRI string or {id}.
func ob2Creator(o jwtObject) string {
	for _, name := range []string{"verification", "verify"} {
		v, ok := o.get(name)
		if !ok {
			continue
		}
		var ver struct {
			Creator json.RawMessage `json:"creator"`
		}
		if json.Unmarshal(v, &ver) == nil && len(ver.Creator) > 0 {
			return jwtIDOf(ver.Creator)
		}
	}
	return ""
}
