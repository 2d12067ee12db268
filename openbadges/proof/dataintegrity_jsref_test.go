package proof

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"testing"
	"time"

	"github.com/rosettebadges/rosette/openbadges/did"
	"github.com/rosettebadges/rosette/openbadges/key"
	"github.com/rosettebadges/rosette/tools/jsref"
)

// Cross-check with the JavaScript reference stack (jsonld.js safe mode, @digitalbazaar
// data-integrity and eddsa-rdfc-2022-cryptosuite): what we sign verifies there, and what it
// signs verifies here. Skips where node or tools/jsref/node_modules is absent.
func TestJavaScriptReferenceInterop(t *testing.T) {
	ctx := context.Background()
	c := canon(t)
	priv := seedHex(t, obSeed)
	pub := priv.Public().(ed25519.PublicKey)
	issuer, vm, err := did.KeyDID(pub)
	if err != nil {
		t.Fatal(err)
	}
	pubMB, _ := key.EncodeMultikey(pub)
	secMB, _ := key.EncodeSecretMultibase(priv)

	// Unsigned documents: the OB spec vector with a did:key issuer, and the W3C alumni one.
	ob, _ := decodeObject(withoutProof(t, fixtureOBSigned(t)))
	ob["issuer"].(map[string]any)["id"] = issuer
	obBytes, _ := json.Marshal(ob)
	w3c := w3cFile(t, "unsigned.json")
	created := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)

	var goSigned [][]byte
	var inputs []any
	for _, doc := range [][]byte{obBytes, w3c} {
		signed, err := SignDataIntegrity(ctx, c, doc, priv, ProofOptions{VerificationMethod: vm, Created: created})
		if err != nil {
			t.Fatal(err)
		}
		goSigned = append(goSigned, signed)
		var m any
		json.Unmarshal(signed, &m)
		inputs = append(inputs, map[string]any{"doc": m, "publicKeyMultibase": pubMB, "verificationMethod": vm, "controller": issuer})
	}
	res := jsref.Run(t, "verify.mjs", inputs)
	for i, r := range res {
		if r["verified"] != true {
			t.Errorf("document %d signed here does not verify in JavaScript: %v\n%s", i, r["error"], goSigned[i])
		}
	}

	var signInputs []any
	for _, doc := range [][]byte{obBytes, w3c} {
		var m any
		json.Unmarshal(doc, &m)
		signInputs = append(signInputs, map[string]any{"doc": m, "publicKeyMultibase": pubMB, "secretKeyMultibase": secMB,
			"verificationMethod": vm, "controller": issuer, "created": created.Format(time.RFC3339)})
	}
	for i, r := range jsref.Run(t, "sign.mjs", signInputs) {
		signed, ok := r["signed"]
		if !ok {
			t.Fatalf("JavaScript signing failed: %v", r["error"])
		}
		b, _ := json.Marshal(signed)
		results, err := VerifyDataIntegrity(ctx, c, &did.Resolver{}, b, issuer)
		if err != nil || len(results) != 1 || !results[0].Verified {
			t.Errorf("document %d signed in JavaScript does not verify here: %v %+v\n%s", i, err, results, b)
		}
		// Ed25519 is deterministic: both stacks write the same proofValue.
		ours := proofList(t, goSigned[i])[0]["proofValue"]
		theirs := proofList(t, b)[0]["proofValue"]
		if ours != theirs {
			t.Errorf("document %d: proofValue here %v, JavaScript %v", i, ours, theirs)
		}
	}
}
