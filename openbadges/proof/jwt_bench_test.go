package proof

import (
	"context"
	"testing"

	"github.com/rosettebadges/rosette/openbadges/key"
)

func BenchmarkSignJWT(b *testing.B) {
	keys := jwtTestKeys(b)
	for _, alg := range key.Algorithms() {
		tk := keys[alg]
		cred := jwtTestCredential(tk.issuer)
		b.Run(string(alg), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := SignJWT(cred, tk.k, JWTOptions{KeyID: tk.kid}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkVerifyJWT includes key resolution: did:key decoding for Ed25519 and ES256, an
// in-memory controller document (parsed each time) for RS256.
func BenchmarkVerifyJWT(b *testing.B) {
	keys := jwtTestKeys(b)
	r := jwtTestResolver(b, keys[key.RS256].k)
	ctx := context.Background()
	for _, alg := range key.Algorithms() {
		tk := keys[alg]
		jwt, err := SignJWT(jwtTestCredential(tk.issuer), tk.k, JWTOptions{KeyID: tk.kid})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(string(alg), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := VerifyJWT(ctx, jwt, r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
