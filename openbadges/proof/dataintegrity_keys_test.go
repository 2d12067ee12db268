package proof

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"testing"

	"github.com/mr-tron/base58"

	"github.com/rosettebadges/rosette/openbadges/did"
	"github.com/rosettebadges/rosette/openbadges/jsonld"
	"github.com/rosettebadges/rosette/openbadges/key"
)

// testResolver resolves fixed methods, and did:key methods with did.Resolver, without I/O.
type testResolver struct {
	fixed map[string]*did.VerificationMethod
}

func (r testResolver) ResolveMethod(ctx context.Context, id string) (*did.VerificationMethod, error) {
	if vm, ok := r.fixed[id]; ok {
		return vm, nil
	}
	return (&did.Resolver{}).ResolveMethod(ctx, id)
}

// secretFromMultibase decodes 0x8026 + seed (32 bytes) or seed||pub (64 bytes).
func secretFromMultibase(t testing.TB, mb string) ed25519.PrivateKey {
	t.Helper()
	priv, err := key.DecodeSecretMultibase(mb)
	if err != nil {
		t.Fatalf("secret key multibase %q: %v", mb, err)
	}
	return priv
}

func seedHex(t testing.TB, h string) ed25519.PrivateKey {
	t.Helper()
	b, err := hex.DecodeString(h)
	if err != nil {
		t.Fatal(err)
	}
	return ed25519.NewKeyFromSeed(b)
}

func multikeyOf(pub ed25519.PublicKey) string {
	return "z" + base58.Encode(append([]byte{0xed, 0x01}, pub...))
}

func TestTestKeys(t *testing.T) {
	// The OB vector's key: seed and published multikey must agree.
	priv := seedHex(t, "6241a409e6707bb640a0140a8a32bc3d193c33a661747284d6adfa4ed4180be4")
	if got, want := multikeyOf(priv.Public().(ed25519.PublicKey)), "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"; got != want {
		t.Fatalf("multikey %s, want %s", got, want)
	}
	long := secretFromMultibase(t, "zrv2bqTbNwCTsRrHFcJCPjVAduh4Ezcnoq1A3ZxH1GWTNkxipLVuaAoMFmze2gFN9oNXfJjufxSHWVZzsJiUsMHFMcx")
	if !bytes.Equal(long, priv) {
		t.Fatal("64-byte secret multibase does not match the seed")
	}
}

// canon is the canonicalizer Rosette signs with: jsonld's Processor in safe mode over the
// embedded contexts.
func canon(testing.TB) Canonicalizer {
	return jsonld.NewProcessor(jsonld.WithLoader(jsonld.NewLoader()))
}
