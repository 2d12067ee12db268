package verify

import (
	"context"
	"crypto"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/rosettebadges/rosette/openbadges/did"
	"github.com/rosettebadges/rosette/openbadges/fetch"
	"github.com/rosettebadges/rosette/openbadges/proof"
	"github.com/rosettebadges/rosette/openbadges/status"
)

// keyUnreachable reports whether a key error comes from not getting the key (a fetch
// failure or a timeout) rather than from the key or signature being wrong.
func keyUnreachable(err error) bool {
	var fe *fetch.Error
	return errors.As(err, &fe) || errors.Is(err, context.DeadlineExceeded)
}

// jwtRegistered are the JWT claims that are not part of a VCDM 2.0 credential.
var jwtRegistered = []string{"iss", "sub", "jti", "nbf", "exp", "iat", "aud"}

// unverifiedCredential is the credential inside a VC-JWT payload, for display when the JWT
// does not verify.
func unverifiedCredential(payload object) object {
	if vc := obj(payload, "vc"); vc != nil {
		return vc
	}
	c := make(object, len(payload))
	for k, v := range payload {
		if !slices.Contains(jwtRegistered, k) {
			c[k] = v
		}
	}
	return c
}

// jwtCredential verifies a VC-JWT: the JWS and its claims, then the credential inside it.
func (r *run) jwtCredential(ctx context.Context, token string, payload object, format string) *Report {
	info := &jwtInfo{}
	res, err := proof.VerifyJWT(ctx, token, r.v.deps.resolver)
	var raw []byte
	var cred object
	switch {
	case err != nil:
		info.verified = err
		info.unverifiable = errors.Is(err, proof.ErrJWSKey) && keyUnreachable(err)
		cred = unverifiedCredential(payload)
		raw = marshal(cred)
	default:
		raw = res.Credential
		if cred, err = decodeObject(raw); err != nil {
			return inputError(format, "the credential in the token is not a JSON object")
		}
		info.method = orDefault(res.Method.ID, "the key in the token's jwk header")
		if res.Method.Controller == "" {
			// A key carried in the token itself (jwk) or a JWK without "iss": the signature
			// holds, but only the issuer's own key material can show the key is the issuer's.
			bound, berr := r.keyOfIssuer(ctx, res.Claims.Iss, res.Method.PublicKey)
			switch {
			case bound:
				res.Warnings = nil
				info.method += " (found among the issuer's keys)"
			case berr != nil:
				info.verified = fmt.Errorf("%w: %s; %v", proof.ErrJWSController, strings.Join(res.Warnings, "; "), berr)
				info.unverifiable = true
			default:
				info.verified = fmt.Errorf("%w: the key is not among the keys the issuer publishes", proof.ErrJWSController)
			}
		}
	}
	rep := r.credential(ctx, raw, cred, format, info)
	if res != nil && err == nil {
		for _, w := range res.Warnings {
			rep.warn("Signature", "A detail of the signed token is not as the standard asks; the signature still holds.", w)
		}
	}
	return rep
}

// ob2Signed verifies an OB 2.0 signed assertion (JWS): the key named by
// verification.creator or the issuer's publicKey, key ownership, the issuer's revocation
// list, then the same data, date and recipient checks as a hosted badge.
func (r *run) ob2Signed(ctx context.Context, token string, a object, format string) *Report {
	version := ob2Version(a)
	rep := &Report{Kind: "Assertion", Version: version, Format: format, Credential: marshal(a)}
	bc, is := r.ob2Graph(ctx, rep, a)
	rep.Display = displayOB2(a, bc, is)
	if bc == nil || is == nil {
		return rep
	}
	var issuerKeys []string
	for _, k := range list(is["publicKey"]) {
		if id := idOf(k); id != "" {
			issuerKeys = append(issuerKeys, id)
		}
	}
	res, err := proof.VerifyOB2(ctx, token, r.v.deps.resolver, issuerKeys...)
	switch {
	case err != nil && errors.Is(err, proof.ErrJWSKey) && !errors.Is(err, proof.ErrJWSSignature):
		eff, msg := Invalid, "The key that signed the badge is not usable."
		if keyUnreachable(err) {
			eff, msg = Unverifiable, "The issuer's key could not be obtained, so the signature could not be checked."
		}
		rep.fail("Signature", eff, msg, err.Error())
	case err != nil:
		rep.fail("Signature", Invalid, "The issuer's signature does not match the badge: it was changed after it was issued, or was not signed by its issuer.", err.Error())
	default:
		rep.pass("Signature", "The issuer's signature matches the badge: nothing was changed after it was issued.")
		switch {
		case !slices.Contains(issuerKeys, res.Method.ID):
			rep.failf("Key owner", Invalid, "The key that signed the badge is not one its issuer lists as its own.", "%s is not in the issuer's publicKey %v", res.Method.ID, issuerKeys)
		case res.Method.Controller != "" && res.Method.Controller != str(is, "id"):
			rep.failf("Key owner", Invalid, "The key that signed the badge belongs to someone other than its issuer.", "key owner %s, issuer %s", res.Method.Controller, str(is, "id"))
		default:
			rep.pass("Key owner", "The signing key is one the issuer lists as its own.")
		}
	}
	r.ob2Data(rep, a, bc, is, version)
	r.ob2RevocationList(ctx, rep, a, is)
	r.ob2Dates(rep, a, version)
	r.ob2Recipient(rep, a)
	r.ob2Extensions(ctx, rep, a, bc, is)
	r.ob2Endorsements(ctx, rep, a, bc, is)
	return rep
}

// ob2RevocationList checks the issuer's OB 2.0 revocation list for a signed assertion.
func (r *run) ob2RevocationList(ctx context.Context, rep *Report, a, is object) {
	const name = "Revocation"
	u := idOf(is["revocationList"])
	if u == "" {
		rep.skip(name, "The issuer publishes no revocation list.")
		return
	}
	r.checkRevocationList(ctx, rep, name, u, "application/ld+json, application/json", status.ParseOB2RevocationList, str(a, "id"), str(a, "uid"))
}

// keyOfIssuer tells whether pub is the issuer's: the key of a did:key issuer, or a key in the
// JWK Set an https issuer publishes at /.well-known/jwks.json (OB 3.0 implementation guide,
// "Key provenance"). An error means it could not be found out.
func (r *run) keyOfIssuer(ctx context.Context, issuer string, pub crypto.PublicKey) (bool, error) {
	eq, ok := pub.(interface{ Equal(crypto.PublicKey) bool })
	if !ok {
		return false, fmt.Errorf("unsupported key type %T", pub)
	}
	if strings.HasPrefix(issuer, "did:key:") {
		ip, err := did.ParseKeyDID(issuer)
		if err != nil {
			return false, err
		}
		return eq.Equal(ip), nil
	}
	js, ok := r.v.deps.resolver.(interface {
		InIssuerJWKSet(ctx context.Context, issuerID string, pub crypto.PublicKey) (bool, error)
	})
	if !ok {
		return false, errors.New("no way to look up the issuer's keys")
	}
	return js.InIssuerJWKSet(ctx, issuer, pub)
}
