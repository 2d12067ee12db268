package key_test

import (
	"testing"

	"github.com/rosettebadges/rosette/openbadges/key"
)

func BenchmarkDecodeMultikey(b *testing.B) {
	for _, alg := range []key.Algorithm{key.Ed25519, key.ES256} {
		k, _ := key.Generate(alg)
		s, _ := key.EncodeMultikey(k.Public())
		b.Run(string(alg), func(b *testing.B) {
			for b.Loop() {
				if _, err := key.DecodeMultikey(s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
