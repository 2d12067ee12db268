package proof

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mr-tron/base58"

	"github.com/rosettebadges/rosette/openbadges/did"
	"github.com/rosettebadges/rosette/openbadges/internal/fixture"
)

const (
	obIssuer = "https://example.edu/issuers/565049"
	obMethod = obIssuer + "#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"
	obSeed   = "6241a409e6707bb640a0140a8a32bc3d193c33a661747284d6adfa4ed4180be4"
)

type obVectors struct {
	OB  vector `json:"obv3p0"`
	CLR vector `json:"clrv2p0"`
}

type vector struct {
	SignedCredential     string         `json:"signedCredential"`
	ProofOptions         map[string]any `json:"proofOptions"`
	CanonicalDocument    string         `json:"canonicalDocument"`
	CanonicalProofConfig string         `json:"canonicalProofConfig"`
	DocumentHashHex      string         `json:"documentHashHex"`
	ProofHashHex         string         `json:"proofHashHex"`
	SignatureHex         string         `json:"signatureHex"`
	ProofValue           string         `json:"proofValue"`
}

var vectorDir = []string{"openbadges-specification", "ob_v3p0", "impl", "test-vectors"}

func readVectors(t *testing.T) obVectors {
	t.Helper()
	var v obVectors
	if err := json.Unmarshal(fixture.Read(t, append(vectorDir, "README-vectors.json")...), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func vectorFile(t *testing.T, name string) []byte {
	t.Helper()
	return fixture.Read(t, append(vectorDir, strings.Split(name, "/")...)...)
}

func obResolver(t testing.TB) testResolver {
	priv := seedHex(t, obSeed)
	return testResolver{fixed: map[string]*did.VerificationMethod{
		obMethod: {ID: obMethod, Type: "Multikey", Controller: obIssuer, PublicKey: priv.Public()},
	}}
}

// withoutProof returns the document with "proof" removed, re-marshalled (meaning kept).
func withoutProof(t testing.TB, signed []byte) []byte {
	t.Helper()
	m, err := decodeObject(signed)
	if err != nil {
		t.Fatal(err)
	}
	delete(m, "proof")
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// checkHashes checks the canonical forms' hashes, the signature and the proofValue.
func checkHashes(t *testing.T, priv ed25519.PrivateKey, canonProof, canonDoc []byte, v vector) {
	t.Helper()
	ph, dh := sha256.Sum256(canonProof), sha256.Sum256(canonDoc)
	if got := hex.EncodeToString(ph[:]); got != v.ProofHashHex {
		t.Errorf("proof hash %s, want %s", got, v.ProofHashHex)
	}
	if got := hex.EncodeToString(dh[:]); got != v.DocumentHashHex {
		t.Errorf("document hash %s, want %s", got, v.DocumentHashHex)
	}
	sig := ed25519.Sign(priv, combine(canonProof, canonDoc))
	if got := hex.EncodeToString(sig); got != v.SignatureHex {
		t.Errorf("signature %s, want %s", got, v.SignatureHex)
	}
	if got := "z" + base58.Encode(sig); got != v.ProofValue {
		t.Errorf("proofValue %s, want %s", got, v.ProofValue)
	}
}

func TestOBVectorGolden(t *testing.T) {
	ctx := context.Background()
	v := readVectors(t).OB
	c := canon(t)
	signed := vectorFile(t, v.SignedCredential)
	doc, err := decodeObject(signed)
	if err != nil {
		t.Fatal(err)
	}
	cfg := map[string]any{}
	for k, val := range v.ProofOptions {
		cfg[k] = val
	}
	cfg["@context"] = doc["@context"]
	unsecured, _ := unsecuredDocument(doc, nil, nil)
	canonDoc, err := c.Canonicalize(ctx, unsecured)
	if err != nil {
		t.Fatal(err)
	}
	canonProof, err := c.Canonicalize(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(vectorFile(t, v.CanonicalDocument)), string(canonDoc)); diff != "" {
		t.Errorf("canonical document (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(string(vectorFile(t, v.CanonicalProofConfig)), string(canonProof)); diff != "" {
		t.Errorf("canonical proof config (-want +got):\n%s", diff)
	}
	priv := seedHex(t, obSeed)
	checkHashes(t, priv, canonProof, canonDoc, v)

	// Signing the unsigned credential with the vector's options gives the same proofValue.
	created, _ := time.Parse(time.RFC3339, v.ProofOptions["created"].(string))
	out, err := SignDataIntegrity(ctx, c, withoutProof(t, signed), priv, ProofOptions{VerificationMethod: obMethod, Created: created})
	if err != nil {
		t.Fatal(err)
	}
	m, _ := decodeObject(out)
	ps := m["proof"].([]any)
	if got := ps[0].(map[string]any)["proofValue"]; got != v.ProofValue {
		t.Errorf("SignDataIntegrity proofValue %v, want %s", got, v.ProofValue)
	}

	// The published signed credential (proof as an object) and ours (proof array) verify.
	for name, b := range map[string][]byte{"published": signed, "ours": out} {
		res, err := VerifyDataIntegrity(ctx, c, obResolver(t), b, obIssuer)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(res) != 1 || !res[0].Verified {
			t.Errorf("%s: %+v", name, res)
		}
	}
}

// The CLR 2.0 context is not among the offline contexts, so this vector is checked from its
// published canonical N-Quads on: hashes, signature, proofValue, and the proof's bytes.
func TestCLRVectorFromCanonicalForms(t *testing.T) {
	v := readVectors(t).CLR
	checkHashes(t, seedHex(t, obSeed), vectorFile(t, v.CanonicalProofConfig), vectorFile(t, v.CanonicalDocument), v)
	doc, err := decodeObject(vectorFile(t, v.SignedCredential))
	if err != nil {
		t.Fatal(err)
	}
	if got := proofValues(doc)[0].(map[string]any)["proofValue"]; got != v.ProofValue {
		t.Errorf("signed credential proofValue %v, want %s", got, v.ProofValue)
	}
}

var w3cDir = []string{"w3c-vc-di-eddsa", "TestVectors"}

func w3cFile(t *testing.T, elem ...string) []byte {
	t.Helper()
	return fixture.Read(t, append(append([]string{}, w3cDir...), elem...)...)
}

func w3cText(t *testing.T, elem ...string) string {
	t.Helper()
	return strings.TrimSpace(string(w3cFile(t, elem...)))
}

func TestW3CVectorsGolden(t *testing.T) {
	ctx := context.Background()
	c := canon(t)
	var kp struct{ PrivateKeyMultibase string }
	if err := json.Unmarshal(w3cFile(t, "keyPair.json"), &kp); err != nil {
		t.Fatal(err)
	}
	priv := secretFromMultibase(t, kp.PrivateKeyMultibase)
	for _, tc := range []struct {
		dir, cfg, canonDoc, canonProof, docHash, proofHash, sigHex, sig58, signed string
	}{
		{"eddsa-rdfc-2022", "proofConfigDataInt.json", "canonDocDataInt.txt", "proofCanonDataInt.txt", "docHashDataInt.txt", "proofHashDataInt.txt", "sigHexDataInt.txt", "sigBTC58DataInt.txt", "signedDataInt.json"},
		{"Ed25519Signature2020", "proofConfigEdSig.json", "canonDocEdSig.txt", "proofCanonEdSig.txt", "docHashEdSig.txt", "proofHashEdSig.txt", "sigHexEdSig.txt", "sigBTC58EdSig.txt", "signedEdSig.json"},
	} {
		t.Run(tc.dir, func(t *testing.T) {
			signed := w3cFile(t, tc.dir, tc.signed)
			doc, _ := decodeObject(signed)
			unsecured, _ := unsecuredDocument(doc, nil, nil)
			cfg, _ := decodeObject(w3cFile(t, tc.dir, tc.cfg))
			canonDoc, err := c.Canonicalize(ctx, unsecured)
			if err != nil {
				t.Fatal(err)
			}
			canonProof, err := c.Canonicalize(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(w3cFile(t, tc.dir, tc.canonDoc)), string(canonDoc)); diff != "" {
				t.Errorf("canonical document (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(string(w3cFile(t, tc.dir, tc.canonProof)), string(canonProof)); diff != "" {
				t.Errorf("canonical proof (-want +got):\n%s", diff)
			}
			ph, dh := sha256.Sum256(canonProof), sha256.Sum256(canonDoc)
			if got, want := hex.EncodeToString(dh[:]), w3cText(t, tc.dir, tc.docHash); got != want {
				t.Errorf("doc hash %s, want %s", got, want)
			}
			if got, want := hex.EncodeToString(ph[:]), w3cText(t, tc.dir, tc.proofHash); got != want {
				t.Errorf("proof hash %s, want %s", got, want)
			}
			sig := ed25519.Sign(priv, combine(canonProof, canonDoc))
			if got, want := hex.EncodeToString(sig), w3cText(t, tc.dir, tc.sigHex); !strings.EqualFold(got, want) {
				t.Errorf("signature %s, want %s", got, want)
			}
			if got, want := "z"+base58.Encode(sig), w3cText(t, tc.dir, tc.sig58); got != want && base58.Encode(sig) != want {
				t.Errorf("signature base58 %s, want %s", got, want)
			}
			res, err := VerifyDataIntegrity(ctx, c, testResolver{}, signed, "")
			if err != nil {
				t.Fatal(err)
			}
			if len(res) != 1 || !res[0].Verified {
				t.Fatalf("verify: %+v", res)
			}
			// The issuer is an https URL and the key a did:key: the controller check refuses.
			res, _ = VerifyDataIntegrity(ctx, c, testResolver{}, signed, "https://vc.example/issuers/5678")
			if res[0].Verified || !errorsIs(res[0].Err, ErrController) {
				t.Errorf("controller check: %+v", res[0])
			}
			if tc.dir != "eddsa-rdfc-2022" {
				return
			}
			created, _ := time.Parse(time.RFC3339, cfg["created"].(string))
			out, err := SignDataIntegrity(ctx, c, w3cFile(t, "unsigned.json"), priv, ProofOptions{
				VerificationMethod: cfg["verificationMethod"].(string), Created: created})
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(out, []byte(proofValues(doc)[0].(map[string]any)["proofValue"].(string))) {
				t.Errorf("SignDataIntegrity did not reproduce the vector's proofValue:\n%s", out)
			}
		})
	}
}

// combine is the eddsa-rdfc-2022 hash data of two canonical forms, as the specification
// writes it: SHA-256 of the proof configuration, then of the document.
func combine(canonProof, canonDoc []byte) []byte {
	ph := sha256.Sum256(canonProof)
	dh := sha256.Sum256(canonDoc)
	return append(ph[:], dh[:]...)
}
