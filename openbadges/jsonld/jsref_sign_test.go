package jsonld

import (
	"testing"

	"github.com/rosettebadges/rosette/tools/jsref"
)

// TestJSRefSignVerify checks tools/jsref's sign.mjs and verify.mjs on the OB 3.0 spec vector:
// signing the unsigned credential with the published key must reproduce the published
// proofValue, and the published signed credential must verify.
func TestJSRefSignVerify(t *testing.T) {
	vec := readJSON(t, "openbadges-specification", "ob_v3p0", "impl", "test-vectors", "README-vectors.json")
	key := vec["key"].(map[string]any)
	ob := vec["obv3p0"].(map[string]any)
	signed := readJSON(t, "openbadges-specification", "ob_v3p0", "impl", "test-vectors", "obv3p0", "signed-credential.json")
	doc, _ := splitProof(t, signed)
	const vm = "https://example.edu/issuers/565049#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"
	const controller = "https://example.edu/issuers/565049"
	res := jsref.Run(t, "sign.mjs", []any{map[string]any{
		"doc": doc, "publicKeyMultibase": key["publicKeyMultibase"], "secretKeyMultibase": key["secretKeyMultibase"],
		"verificationMethod": vm, "controller": controller, "created": "2010-01-01T19:23:24Z",
	}})
	out, ok := res[0]["signed"].(map[string]any)
	if !ok {
		t.Fatalf("sign.mjs: %v", res[0]["error"])
	}
	proof := out["proof"].(map[string]any)
	if proof["proofValue"] != ob["proofValue"] {
		t.Errorf("proofValue = %v, want %v", proof["proofValue"], ob["proofValue"])
	}
	res = jsref.Run(t, "verify.mjs", []any{
		map[string]any{"doc": signed, "publicKeyMultibase": key["publicKeyMultibase"], "verificationMethod": vm, "controller": controller},
		map[string]any{"doc": doc, "publicKeyMultibase": key["publicKeyMultibase"], "verificationMethod": vm, "controller": controller},
	})
	if res[0]["verified"] != true {
		t.Errorf("signed vector does not verify: %v", res[0]["error"])
	}
	if res[1]["verified"] == true {
		t.Errorf("unsigned credential verified")
	}
}
