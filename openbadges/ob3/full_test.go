package ob3

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"testing"
	"time"

	"github.com/rosettebadges/rosette/openbadges/did"
	"github.com/rosettebadges/rosette/openbadges/jsonld"
	"github.com/rosettebadges/rosette/openbadges/proof"
)

// A credential using every class of the model (results, rubric, related, identifiers,
// address, endorsements, schema, status, refresh, terms of use) is emitted in a form the
// OB 3.0 JSON Schema accepts, and parses back to the same bytes.
func TestFullCredentialPassesSchema(t *testing.T) {
	v := newValidator(t)
	credits, lat := 3.5, 48.85
	endorsement, err := NewEndorsement(EndorsementParams{ID: "urn:uuid:e2", Issuer: Profile{ID: "https://endorser.example"},
		ValidFrom: time.Unix(1700000000, 0), Name: "E", Subject: EndorsementSubject{ID: "https://example.org/issuers/1"}})
	if err != nil {
		t.Fatal(err)
	}
	id, _ := NewHashedIdentity("emailAddress", "learner@example.org", "pepper")
	p := CredentialParams{
		ID: "https://example.org/credentials/42",
		Issuer: Profile{
			ID: "https://example.org/issuers/1", Name: "Example", URL: "https://example.org", Email: "badges@example.org", Phone: "+33100000000",
			Description: "An issuer", Image: &Image{ID: "data:image/png;base64,iVBORw0KGgo=", Caption: "logo"},
			Address:         &Address{Type: Strings{"Address"}, AddressCountry: "France", Geo: &GeoCoordinates{Type: "GeoCoordinates", Latitude: lat, Longitude: 2.35}},
			OtherIdentifier: []IdentifierEntry{{Type: "IdentifierEntry", Identifier: "12345", IdentifierType: "sourcedId"}},
			ParentOrg:       &Profile{ID: "https://example.org", Name: "Parent"},
			Endorsement:     []EndorsementCredential{*endorsement},
			Official:        "Registrar", DateOfBirth: "",
		},
		ValidFrom: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), ValidUntil: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC),
		AwardedDate: time.Date(2025, 1, 1, 0, 0, 0, 500_000_000, time.UTC),
		Name:        "Data Science", Description: "Course completion", Image: &Image{ID: "https://example.org/badge.png"},
		Subject: AchievementSubject{
			ID: "did:example:learner", Identifier: []IdentityObject{id}, CreditsEarned: &credits,
			ActivityStartDate: "2024-09-01T00:00:00Z", ActivityEndDate: "2024-12-20T00:00:00Z",
			LicenseNumber: "L-1", Narrative: "Did the work.", Role: "Student", Term: "Fall 2024",
			Source: &Profile{ID: "https://example.org/departments/ds", Name: "Department"},
			Result: []Result{
				{ResultDescription: "urn:uuid:rd1", Value: "A", Status: "Completed"},
				{ResultDescription: "urn:uuid:rd2", AchievedLevel: "urn:uuid:lvl1", Alignment: []Alignment{{TargetName: "T", TargetURL: "https://example.org/t", TargetType: "CFItem"}}},
			},
			Achievement: &Achievement{
				ID: "https://example.org/achievements/ds", Name: "Data Science", Description: "Intro course",
				AchievementType: "Course", CreditsAvailable: &credits, FieldOfStudy: "Statistics", HumanCode: "DS101",
				InLanguage: "en-US", Specialization: "ML", Tag: Strings{"data", "ml"}, Version: "2",
				Criteria:        &Criteria{ID: "https://example.org/achievements/ds/criteria", Narrative: "Pass the exam."},
				Creator:         &Profile{ID: "https://example.org/issuers/1", Name: "Example"},
				Related:         []Related{{ID: "https://example.org/achievements/ds-fr", Type: Strings{"Related"}, InLanguage: "fr"}},
				OtherIdentifier: []IdentifierEntry{{Type: "IdentifierEntry", Identifier: "DS-101", IdentifierType: "identifier"}},
				ResultDescription: []ResultDescription{
					{ID: "urn:uuid:rd1", Type: Strings{"ResultDescription"}, Name: "Grade", ResultType: "LetterGrade", AllowedValue: Strings{"A", "B", "C"}, RequiredValue: "C"},
					{ID: "urn:uuid:rd2", Type: Strings{"ResultDescription"}, Name: "Rubric", ResultType: "RubricCriterionLevel",
						RubricCriterionLevel: []RubricCriterionLevel{{ID: "urn:uuid:lvl1", Type: Strings{"RubricCriterionLevel"}, Name: "Mastered", Points: "4"}}},
				},
			},
		},
		Evidence:         []Evidence{{ID: "https://example.org/evidence/1", Name: "Project", Narrative: "A project", Genre: "Report", Audience: "Teachers"}},
		CredentialSchema: []CredentialSchema{{ID: SchemaAchievementCredential, Type: TypeJSONSchemaValidator}},
		CredentialStatus: &CredentialStatus{ID: "https://example.org/revocations", Type: TypeRevocationList},
		RefreshService:   &RefreshService{ID: "https://example.org/refresh/42", Type: TypeCredentialRefresh},
		TermsOfUse:       []TermsOfUse{{Type: "https://example.org/vocab#PrivacyPolicy", ID: "https://example.org/privacy"}},
	}
	c, err := NewCredential(p)
	if err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	if err := v.ValidateCredential(out); err != nil {
		t.Fatalf("schema: %v\n%s", err, out)
	}
	back, err := ParseCredential(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := back.Validate(); err != nil {
		t.Error(err)
	}
	again, _ := json.Marshal(back)
	if string(again) != string(out) {
		t.Errorf("round trip changed the bytes:\n%s\n%s", out, again)
	}
	// Every term is defined by the contexts NewCredential chose: signing (JSON-LD safe mode)
	// accepts it, and the signed form still passes the schema.
	priv := ed25519.NewKeyFromSeed(make([]byte, 32))
	signed, err := proof.SignDataIntegrity(context.Background(), jsonld.NewProcessor(jsonld.WithLoader(jsonld.NewLoader())), out, priv,
		proof.ProofOptions{VerificationMethod: "https://example.org/issuers/1#key-1", Created: time.Unix(1735689600, 0)})
	if err != nil {
		t.Fatalf("sign: %v", err)
	}
	if err := v.ValidateCredential(signed); err != nil {
		t.Errorf("signed form: %v", err)
	}
	if c.AwardedDate != "2025-01-01T00:00:00.5Z" {
		t.Errorf("awardedDate %s", c.AwardedDate)
	}
}

// An endorsement signed on its own and embedded in a credential keeps its exact bytes (Raw)
// through parsing, so it verifies; its re-marshalled model is not what was signed.
func TestEmbeddedEndorsementRawVerifies(t *testing.T) {
	ctx := context.Background()
	c := jsonld.NewProcessor(jsonld.WithLoader(jsonld.NewLoader()))
	priv := ed25519.NewKeyFromSeed(make([]byte, 32))
	issuer, vm, err := did.KeyDID(priv.Public())
	if err != nil {
		t.Fatal(err)
	}
	e, err := NewEndorsement(EndorsementParams{ID: "urn:uuid:e3", Issuer: Profile{ID: issuer, Name: "Endorser"},
		ValidFrom: time.Unix(1700000000, 0), Name: "Endorsement", Subject: EndorsementSubject{ID: "https://example.org/achievements/1", EndorsementComment: "Good."}})
	if err != nil {
		t.Fatal(err)
	}
	eb, _ := json.MarshalIndent(e, "", "    ")
	signedE, err := proof.SignDataIntegrity(ctx, c, eb, priv, proof.ProofOptions{VerificationMethod: vm, Created: time.Unix(1700000000, 0)})
	if err != nil {
		t.Fatal(err)
	}
	cred, _ := NewCredential(validParams())
	cb, _ := json.Marshal(cred)
	// Embed the signed endorsement's bytes as they are.
	doc := string(cb[:len(cb)-1]) + `,"endorsement":[` + string(signedE) + `]}`
	back, err := ParseCredential([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Endorsement) != 1 || string(back.Endorsement[0].Raw) != string(signedE) {
		t.Fatalf("Raw of the embedded endorsement differs")
	}
	res, err := proof.VerifyDataIntegrity(ctx, c, &did.Resolver{}, back.Endorsement[0].Raw, issuer)
	if err != nil || len(res) != 1 || !res[0].Verified {
		t.Fatalf("%v %+v", err, res)
	}
}
