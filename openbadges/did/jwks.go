package did

import (
	"context"
	"crypto"
	"encoding/json"
	"fmt"
	"net/url"

	"github.com/rosettebadges/rosette/openbadges/key"
)

// AcceptJWKSet is the Accept header sent for JWK Sets.
const AcceptJWKSet = "application/jwk-set+json, application/json;q=0.9"

// JWKSetURL returns https://{authority}/.well-known/jwks.json for an https issuer id.
func JWKSetURL(issuerID string) (string, error) {
	u, err := url.Parse(issuerID)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil {
		return "", fmt.Errorf("did: issuer %q is not an https URL, so it has no JWK Set", issuerID)
	}
	return "https://" + u.Host + "/.well-known/jwks.json", nil
}

// InIssuerJWKSet reports whether pub is one of the keys in the JWK Set published at the
// issuer's authority (OB 3.0 implementation guide, "Key provenance"): the way to tie a VC-JWT
// whose key came in a "jwk" header, or from a kid URL without controller, to an https issuer.
// Entries that are not usable public keys are skipped.
func (r *Resolver) InIssuerJWKSet(ctx context.Context, issuerID string, pub crypto.PublicKey) (bool, error) {
	u, err := JWKSetURL(issuerID)
	if err != nil {
		return false, err
	}
	if r == nil || r.Fetcher == nil {
		return false, fmt.Errorf("did: cannot fetch %s: the resolver has no Fetcher", u)
	}
	resp, err := r.Fetcher.Get(ctx, u, AcceptJWKSet)
	if err != nil {
		return false, fmt.Errorf("did: %w", err)
	}
	if err := fetchStatus(resp); err != nil {
		return false, err
	}
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(resp.Body, &set); err != nil {
		return false, fmt.Errorf("did: %s is not a JWK Set: %w", u, err)
	}
	want, ok := pub.(interface{ Equal(crypto.PublicKey) bool })
	if !ok {
		return false, fmt.Errorf("did: unsupported key type %T", pub)
	}
	for _, k := range set.Keys {
		if p, err := key.ParsePublicJWK(k); err == nil && want.Equal(p) {
			return true, nil
		}
	}
	return false, nil
}
