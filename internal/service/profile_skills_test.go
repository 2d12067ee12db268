package service

import (
	"encoding/base64"
	"github.com/rosettebadges/rosette/internal/testenv"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func jwtOf(payload string) []byte {
	enc := base64.RawURLEncoding.EncodeToString
	return []byte(enc([]byte(`{"alg":"EdDSA"}`)) + "." + enc([]byte(payload)) + "." + enc([]byte("sig")))
}

func TestExtractSkills(t *testing.T) {
	requirements := Alignment{TargetName: "Requirements Analysis",
		TargetURL: "https://credentialfinder.org/credential/20229/Requirements_Analysis",
		Framework: "Edmonds College Course Catalog", Code: "ce-cf4dee18-7cea-443a-b920-158a0762c6bf"}
	tests := []struct {
		name string
		in   func(t *testing.T) []byte
		want CredentialSkills
	}{
		{"OB 3.0 with alignments (DCC fixture)", func(t *testing.T) []byte {
			return testenv.ReadFixture(t, "digitalcredentials-vc-test-fixtures/verifiableCredentials/v2/dataIntegrityProof/didKey/legacyRegistry-noStatus-noExpiry-alignments.json")
		}, CredentialSkills{Alignments: []Alignment{requirements,
			{TargetName: "Requirements Analysis", TargetURL: "https://credentialfinder.org/credential/20229/Requirements_Analysis"}}}},
		{"OB 3.0 without skills (1EdTech test vector)", func(t *testing.T) []byte {
			return testenv.ReadFixture(t, "openbadges-specification/ob_v3p0/impl/test-vectors/obv3p0/signed-credential.json")
		}, CredentialSkills{}},
		{"OB 2.0 badge class without skills (validator sample)", func(t *testing.T) []byte {
			return testenv.ReadFixture(t, "openbadges-validator-core/test_components/2_0_basic_badgeclass.json")
		}, CredentialSkills{}},
		{"OB 2.0 hosted assertion: badge is a URL", func(t *testing.T) []byte {
			return testenv.ReadFixture(t, "openbadges-validator-core/test_components/2_0_basic_assertion.json")
		}, CredentialSkills{}},
		{"OB 2.0 assertion with an embedded badge class", func(*testing.T) []byte {
			return []byte(`{"type":"Assertion","badge":{"type":"BadgeClass","name":"Knots","tags":["Sailing","knots ","sailing",""],
				"alignment":{"targetName":"Rope work","targetUrl":"https://ex.org/rope","targetFramework":"RYA","targetCode":"R1"}}}`)
		}, CredentialSkills{Tags: []string{"Sailing", "knots"}, Alignments: []Alignment{{TargetName: "Rope work", TargetURL: "https://ex.org/rope", Framework: "RYA", Code: "R1"}}}},
		{"OB 3.0 tag as a string, subject as a list", func(*testing.T) []byte {
			return []byte(`{"type":["VerifiableCredential"],"credentialSubject":[{"achievement":{"tag":"Go","alignment":[{"targetName":"Go","targetUrl":"https://go.dev"},{"targetName":7}]}}]}`)
		}, CredentialSkills{Tags: []string{"Go"}, Alignments: []Alignment{{TargetName: "Go", TargetURL: "https://go.dev"}}}},
		{"VC-JWT: the vc claim", func(*testing.T) []byte {
			return jwtOf(`{"iss":"x","vc":{"credentialSubject":{"achievement":{"tag":["Welding"]}}}}`)
		}, CredentialSkills{Tags: []string{"Welding"}}},
		{"OB 2.0 JWS: the payload is the assertion", func(*testing.T) []byte {
			return jwtOf(`{"badge":{"tags":["First aid"]}}`)
		}, CredentialSkills{Tags: []string{"First aid"}}},
		{"not a credential", func(*testing.T) []byte { return []byte("garbage.!!.x") }, CredentialSkills{}},
		{"empty", func(*testing.T) []byte { return nil }, CredentialSkills{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ExtractSkills(tt.in(t))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ExtractSkills (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMergeSkills(t *testing.T) {
	a := SkillBadge{ItemID: "a", Name: "Knots", IssuerName: "Harbour"}
	b := SkillBadge{ItemID: "b", Name: "Rigging", IssuerName: "Other school"}
	c := SkillBadge{ItemID: "c", Name: "Go basics", IssuerName: "Gophers"}
	got := MergeSkills([]SkillSource{
		{a, CredentialSkills{Tags: []string{"Sailing", "Rope work"}, Alignments: []Alignment{{TargetName: "Rope work", TargetURL: "https://ex.org/rope", Code: "R1"}}}},
		{b, CredentialSkills{Tags: []string{"SAILING"}, Alignments: []Alignment{{TargetName: "Ropework (RYA)", TargetURL: "https://ex.org/rope", Framework: "RYA"}}}},
		{c, CredentialSkills{Tags: []string{"Go"}, Alignments: []Alignment{{TargetName: "go"}}}},
	})
	want := []Skill{
		{Name: "Rope work", URL: "https://ex.org/rope", Framework: "RYA", Code: "R1", Badges: []SkillBadge{a, b}},
		{Name: "Sailing", Badges: []SkillBadge{a, b}},
		{Name: "go", Badges: []SkillBadge{c}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("MergeSkills (-want +got):\n%s", diff)
	}
}

func FuzzExtractSkills(f *testing.F) {
	f.Add([]byte(`{"badge":{"tags":["a"],"alignment":[{"targetName":"x"}]}}`))
	f.Add(jwtOf(`{"vc":{"credentialSubject":{"achievement":{"tag":"t"}}}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		s := ExtractSkills(b)
		for _, tag := range s.Tags {
			if tag == "" {
				t.Fatal("empty tag")
			}
		}
		MergeSkills([]SkillSource{{SkillBadge{ItemID: "x"}, s}})
	})
}
