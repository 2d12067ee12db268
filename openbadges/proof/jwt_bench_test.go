package proof

import (
	"context"
	"testing"

	"github.com/rosettebadges/rosette/openbadges/key"
)

// reportOpsPerCPUSecond reports ops/cpu-s for a loop that started when cpu0 = processCPU():
// the rate on a core of its own (see reportCredsPerSecond). Run with -cpu 1.
func reportOpsPerCPUSecond(b *testing.B, cpu0 int64) {
	if cpu0 > 0 {
		if ns := processCPU() - cpu0; ns > 0 {
			b.ReportMetric(float64(b.N)/(float64(ns)/1e9), "ops/cpu-s")
		}
	}
}

// BenchmarkSignJWT signs a VCDM 2.0 OB 3.0 credential as a VC-JWT per algorithm. RS256
// (RSA-2048) is bound by the private-key operation.
func BenchmarkSignJWT(b *testing.B) {
	keys := jwtTestKeys(b)
	for _, alg := range key.Algorithms() {
		tk := keys[alg]
		cred := jwtTestCredential(tk.issuer)
		b.Run(string(alg), func(b *testing.B) {
			b.ReportAllocs()
			cpu0 := processCPU()
			for b.Loop() {
				if _, err := SignJWT(cred, tk.k, JWTOptions{KeyID: tk.kid}); err != nil {
					b.Fatal(err)
				}
			}
			reportOpsPerCPUSecond(b, cpu0)
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
			cpu0 := processCPU()
			for b.Loop() {
				if _, err := VerifyJWT(ctx, jwt, r); err != nil {
					b.Fatal(err)
				}
			}
			reportOpsPerCPUSecond(b, cpu0)
		})
	}
}
