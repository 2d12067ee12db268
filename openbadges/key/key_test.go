package key_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"strings"
	"testing"

	"github.com/rosettebadges/rosette/openbadges/internal/fixture"
	"github.com/rosettebadges/rosette/openbadges/key"
)

func TestGenerateJWKRoundTrip(t *testing.T) {
	for _, alg := range key.Algorithms() {
		t.Run(string(alg), func(t *testing.T) {
			k, err := key.Generate(alg)
			if err != nil {
				t.Fatal(err)
			}
			if k.Alg != alg {
				t.Fatalf("Alg = %q", k.Alg)
			}
			tp, err := key.Thumbprint(k.Public())
			if err != nil || k.KeyID != tp {
				t.Fatalf("KeyID = %q, thumbprint %q (%v)", k.KeyID, tp, err)
			}
			b, err := k.MarshalJWK()
			if err != nil {
				t.Fatal(err)
			}
			var m map[string]any
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatal(err)
			}
			if m["kid"] != k.KeyID || m["alg"] != alg.JWSAlg() || m["d"] == nil {
				t.Fatalf("JWK = %s", b)
			}
			k2, err := key.ParsePrivateJWK(b)
			if err != nil {
				t.Fatal(err)
			}
			if k2.Alg != alg || k2.KeyID != k.KeyID || !k2.Public().(interface{ Equal(crypto.PublicKey) bool }).Equal(k.Public()) {
				t.Fatalf("round trip changed the key")
			}
			// The parsed key signs what the original's public key verifies.
			msg := []byte("rosette")
			sig, digest := sign(t, k2, msg)
			if !verify(k.Public(), msg, digest, sig) {
				t.Fatal("signature from parsed key does not verify")
			}
			// Its public JWK parses and has no private member.
			pm, err := key.PublicJWK(k.Public(), k.KeyID)
			if err != nil {
				t.Fatal(err)
			}
			for _, priv := range []string{"d", "p", "q", "dp", "dq", "qi"} {
				if _, ok := pm[priv]; ok {
					t.Fatalf("public JWK has %q", priv)
				}
			}
			pb, _ := json.Marshal(pm)
			pub, err := key.ParsePublicJWK(pb)
			if err != nil {
				t.Fatal(err)
			}
			if a, _ := key.AlgorithmOf(pub); a != alg {
				t.Fatalf("public JWK alg %q", a)
			}
			// A private JWK is never accepted as a public one.
			if _, err := key.ParsePublicJWK(b); err == nil {
				t.Fatal("ParsePublicJWK accepted a JWK with d")
			}
			// PEM round trip.
			p, err := key.PublicKeyPEM(k.Public())
			if err != nil {
				t.Fatal(err)
			}
			pub2, err := key.ParsePublicKeyPEM(p)
			if err != nil {
				t.Fatal(err)
			}
			if !pub2.(interface{ Equal(crypto.PublicKey) bool }).Equal(k.Public()) {
				t.Fatal("PEM round trip changed the key")
			}
		})
	}
}

func sign(t *testing.T, k *key.PrivateKey, msg []byte) (sig, digest []byte) {
	t.Helper()
	var opts crypto.SignerOpts = crypto.Hash(0)
	digest = msg
	if k.Alg != key.Ed25519 {
		h := sha256.Sum256(msg)
		digest, opts = h[:], crypto.SHA256
	}
	sig, err := k.Signer.Sign(rand.Reader, digest, opts)
	if err != nil {
		t.Fatal(err)
	}
	return sig, digest
}

func verify(pub crypto.PublicKey, msg, digest, sig []byte) bool {
	switch p := pub.(type) {
	case ed25519.PublicKey:
		return ed25519.Verify(p, msg, sig)
	case *ecdsa.PublicKey:
		return ecdsa.VerifyASN1(p, digest, sig)
	case *rsa.PublicKey:
		return rsa.VerifyPKCS1v15(p, crypto.SHA256, digest, sig) == nil
	}
	return false
}

// RFC 8037 appendix A: the Ed25519 JWK of the RFC 8032 test key and its RFC 7638 thumbprint.
func TestRFC8037Vector(t *testing.T) {
	const jwk = `{"kty":"OKP","crv":"Ed25519","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}`
	k, err := key.ParsePrivateJWK([]byte(jwk))
	if err != nil {
		t.Fatal(err)
	}
	if want := "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"; k.KeyID != want {
		t.Fatalf("thumbprint = %s, want %s", k.KeyID, want)
	}
	if got := hex.EncodeToString(k.Signer.(ed25519.PrivateKey).Seed()); got != "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60" {
		t.Fatalf("seed = %s", got)
	}
}

func TestMultikeyVectors(t *testing.T) {
	var v struct {
		Key struct {
			PublicKeyHex       string
			PrivateKeySeedHex  string
			PublicKeyMultibase string
			SecretKeyMultibase string
		}
	}
	if err := json.Unmarshal(fixture.Read(t, "openbadges-specification/ob_v3p0/impl/test-vectors/README-vectors.json"), &v); err != nil {
		t.Fatal(err)
	}
	pubHex, _ := hex.DecodeString(v.Key.PublicKeyHex)
	pub, err := key.DecodeMultikey(v.Key.PublicKeyMultibase)
	if err != nil {
		t.Fatal(err)
	}
	if !pub.(ed25519.PublicKey).Equal(ed25519.PublicKey(pubHex)) {
		t.Fatalf("decoded %x, want %x", pub, pubHex)
	}
	if s, _ := key.EncodeMultikey(ed25519.PublicKey(pubHex)); s != v.Key.PublicKeyMultibase {
		t.Fatalf("EncodeMultikey = %s", s)
	}
	// 64-byte secret form (seed || pub).
	priv, err := key.DecodeSecretMultibase(v.Key.SecretKeyMultibase)
	if err != nil {
		t.Fatal(err)
	}
	if hex.EncodeToString(priv.Seed()) != v.Key.PrivateKeySeedHex {
		t.Fatalf("seed %x", priv.Seed())
	}
	if s, _ := key.EncodeSecretMultibase(priv); s != v.Key.SecretKeyMultibase {
		t.Fatalf("EncodeSecretMultibase = %s", s)
	}

	// 32-byte secret form (W3C vc-di-eddsa keyPair.json).
	var kp struct{ PublicKeyMultibase, PrivateKeyMultibase string }
	if err := json.Unmarshal(fixture.Read(t, "w3c-vc-di-eddsa/TestVectors/keyPair.json"), &kp); err != nil {
		t.Fatal(err)
	}
	priv, err = key.DecodeSecretMultibase(kp.PrivateKeyMultibase)
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := key.EncodeMultikey(priv.Public()); s != kp.PublicKeyMultibase {
		t.Fatalf("public of W3C secret = %s, want %s", s, kp.PublicKeyMultibase)
	}
}

func TestMultikeyP256(t *testing.T) {
	for range 20 {
		k, err := key.Generate(key.ES256)
		if err != nil {
			t.Fatal(err)
		}
		s, err := key.EncodeMultikey(k.Public())
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(s, "zDn") {
			t.Fatalf("P-256 Multikey %s does not start with zDn", s)
		}
		pub, err := key.DecodeMultikey(s)
		if err != nil {
			t.Fatal(err)
		}
		if !pub.(*ecdsa.PublicKey).Equal(k.Public()) {
			t.Fatal("P-256 Multikey round trip changed the key")
		}
	}
}

func TestDecodeMultikeyRejects(t *testing.T) {
	for _, s := range []string{
		"",
		"z",
		"u7QE", // base64url multibase
		"z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hw",                                             // short
		"zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme",                                           // secp256k1 prefix 0xe701
		"zrv2bqTbNwCTsRrHFcJCPjVAduh4Ezcnoq1A3ZxH1GWTNkxipLVuaAoMFmze2gFN9oNXfJjufxSHWVZzsJiUsMHFMcx", // secret key
		"z0OIl", // not base58
	} {
		if _, err := key.DecodeMultikey(s); err == nil {
			t.Errorf("DecodeMultikey(%q) succeeded", s)
		}
	}
}

func TestParseJWKRejects(t *testing.T) {
	for name, j := range map[string]string{
		"no kty":          `{"crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}`,
		"secp256k1":       `{"kty":"EC","crv":"secp256k1","x":"AA","y":"AA"}`,
		"X25519":          `{"kty":"OKP","crv":"X25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}`,
		"short x":         `{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHUR"}`,
		"padded":          `{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo="}`,
		"P-256 off curve": `{"kty":"EC","crv":"P-256","x":"AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","y":"AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}`,
		"RSA 512":         `{"kty":"RSA","n":"` + strings.Repeat("A", 85) + `","e":"AQAB"}`,
		"oct":             `{"kty":"oct","k":"AAAA"}`,
		"not json":        `{`,
	} {
		if _, err := key.ParsePublicJWK([]byte(j)); err == nil {
			t.Errorf("%s: ParsePublicJWK succeeded", name)
		}
	}
	// A private JWK whose x does not match d.
	bad := `{"kty":"OKP","crv":"Ed25519","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A","x":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}`
	if _, err := key.ParsePrivateJWK([]byte(bad)); err == nil {
		t.Error("ParsePrivateJWK accepted mismatched x and d")
	}
	wrongAlg := `{"kty":"OKP","crv":"Ed25519","alg":"RS256","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}`
	if _, err := key.ParsePrivateJWK([]byte(wrongAlg)); err == nil {
		t.Error("ParsePrivateJWK accepted alg RS256 on an Ed25519 key")
	}
}

// The Mozilla bakery's RSA test key pair: PKIX public PEM and PKCS #1 private key agree.
func TestParsePublicKeyPEMFixture(t *testing.T) {
	pub, err := key.ParsePublicKeyPEM(string(fixture.Read(t, "mozilla-openbadges-bakery/test/rsa-public.pem")))
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(fixture.Read(t, "mozilla-openbadges-bakery/test/rsa-private.pem"))
	priv, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if !priv.PublicKey.Equal(pub) {
		t.Fatal("public PEM does not match the private key")
	}
	// The same key as PKCS #1 "RSA PUBLIC KEY".
	p1 := pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&priv.PublicKey)})
	if _, err := key.ParsePublicKeyPEM(string(p1)); err != nil {
		t.Fatal(err)
	}
	if _, err := key.ParsePublicKeyPEM("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"); err == nil {
		t.Fatal("accepted a certificate block")
	}
	k, err := key.NewPrivateKey(priv, "")
	if err != nil || k.Alg != key.RS256 {
		t.Fatalf("NewPrivateKey(rsa) = %v, %v", k, err)
	}
}

func FuzzParsePublicJWK(f *testing.F) {
	f.Add([]byte(`{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}`))
	f.Add([]byte(`{"kty":"EC","crv":"P-256","x":"AQ","y":"AQ"}`))
	f.Add([]byte(`{"kty":"RSA","n":"AQ","e":"AQAB"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		pub, err := key.ParsePublicJWK(b)
		if err != nil {
			return
		}
		if _, err := key.Thumbprint(pub); err != nil {
			t.Fatalf("parsed key has no thumbprint: %v", err)
		}
	})
}

func FuzzDecodeMultikey(f *testing.F) {
	f.Add("z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi")
	f.Add("zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169")
	f.Fuzz(func(t *testing.T, s string) {
		pub, err := key.DecodeMultikey(s)
		if err != nil {
			return
		}
		again, err := key.EncodeMultikey(pub)
		if err != nil {
			t.Fatal(err)
		}
		if again != s {
			t.Fatalf("re-encoded %q as %q", s, again)
		}
	})
}
