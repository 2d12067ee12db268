package proof

import (
	"encoding/json"
	"testing"
)

// TestProofMembersAsMarshal checks the proof JSON SignDataIntegrity writes by hand against
// json.Marshal of the same proof.
func TestProofMembersAsMarshal(t *testing.T) {
	odd := []string{"", "plain", `q"uote`, `back\slash`, "<tag>&amp;", "tab\tnl\n\x01", "é", "\u2028\u2029",
		"bad\xffutf8", "did:key:z6Mk#z6Mk", "\x7f"}
	var proofs []newProof
	for _, s := range odd {
		proofs = append(proofs,
			newProof{Type: s, Cryptosuite: s, Created: s, VerificationMethod: s, ProofPurpose: s},
			newProof{Type: "t", ID: s, Cryptosuite: "c", Created: "d", VerificationMethod: s, ProofPurpose: "p", PreviousProof: s},
			newProof{Type: "t", ID: "i", Cryptosuite: s, Created: "d", VerificationMethod: "v", ProofPurpose: s, PreviousProof: []string{s, "x", s}},
		)
	}
	for _, p := range proofs {
		want, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		got := append(append([]byte{'{'}, p.appendMembers(nil)...), '}')
		if string(got) != string(want) {
			t.Errorf("appendMembers gave\n%s\nwant\n%s", got, want)
		}
	}
}
