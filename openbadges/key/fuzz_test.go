package key_test

import (
	"testing"

	"github.com/rosettebadges/rosette/openbadges/key"
)

// FuzzParseKeyEncodings feeds the same bytes to every other key parser: PEM public keys (OB
// 2.0 publicKeyPem comes from the network), private JWKs and secret multibase values.
func FuzzParseKeyEncodings(f *testing.F) {
	f.Add([]byte("-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n-----END PUBLIC KEY-----\n"))
	f.Add([]byte(`{"kty":"OKP","crv":"Ed25519","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}`))
	f.Add([]byte("z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if pub, err := key.ParsePublicKeyPEM(string(b)); err == nil {
			if _, err := key.AlgorithmOf(pub); err != nil {
				t.Fatalf("PEM key of unsupported kind accepted: %v", err)
			}
		}
		if k, err := key.ParsePrivateJWK(b); err == nil {
			out, err := k.MarshalJWK()
			if err != nil {
				t.Fatal(err)
			}
			if _, err := key.ParsePrivateJWK(out); err != nil {
				t.Fatalf("re-parse of %s: %v", out, err)
			}
		}
		if priv, err := key.DecodeSecretMultibase(string(b)); err == nil && len(priv) != 64 {
			t.Fatalf("secret of %d bytes", len(priv))
		}
	})
}
