package key

import "encoding/json"

// PublicJWKSet returns the JWK Set (RFC 7517 §5) of the public halves of keys, each with its
// kid and alg: the document an issuer serves at https://{authority}/.well-known/jwks.json
// (media type application/jwk-set+json) so verifiers can tie VC-JWT keys to it (OB 3.0
// implementation guide, "Key provenance"). It never contains private members.
func PublicJWKSet(keys ...*PrivateKey) ([]byte, error) {
	set := struct {
		Keys []map[string]any `json:"keys"`
	}{Keys: []map[string]any{}}
	for _, k := range keys {
		m, err := PublicJWK(k.Public(), k.KeyID)
		if err != nil {
			return nil, err
		}
		m["alg"] = k.Alg.JWSAlg()
		set.Keys = append(set.Keys, m)
	}
	return json.Marshal(set)
}
