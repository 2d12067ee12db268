package proof

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/rosettebadges/rosette/openbadges/key"
	"github.com/rosettebadges/rosette/openbadges/ob3"
	"github.com/rosettebadges/rosette/tools/jsref"
)

var update = flag.Bool("update", false, "rewrite testdata/large-credential.json from largeCredentialDoc")

// largeCredentialFile is the large OB 3.0 credential of the benchmarks (unsigned): 20
// alignments, result descriptions and results, evidence, and an embedded endorsement that
// carries its own eddsa-rdfc-2022 proof. TestLargeCredential rebuilds it with
// largeCredentialDoc and checks it against the OB 3.0 schema and safe mode.
const largeCredentialFile = "testdata/large-credential.json"

const (
	largeIssuer   = obIssuer // signed with the spec vector's key (obSeed, obMethod)
	largeValidFor = "2024-09-01T00:00:00Z"
)

// largeCredentialDoc builds the large credential deterministically. The endorsement's proof is
// made with SignDataIntegrity (Ed25519 is deterministic, created is fixed).
func largeCredentialDoc(tb testing.TB) []byte {
	tb.Helper()
	ctx := []any{ContextVCv2, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"}
	issuer := map[string]any{
		"id": largeIssuer, "type": []any{"Profile"}, "name": "Example University",
		"url": "https://example.edu", "email": "registrar@example.edu",
		"description": "A public university issuing micro-credentials for its continuing education programme.",
		"image":       map[string]any{"id": "https://example.edu/logo.png", "type": "Image", "caption": "Example University logo"},
	}
	var alignments, descriptions, results, evidence []any
	for i := 1; i <= 20; i++ {
		alignments = append(alignments, map[string]any{
			"type":              []any{"Alignment"},
			"targetName":        fmt.Sprintf("Competency %02d: collaborative problem solving, level %d", i, 1+i%4),
			"targetUrl":         fmt.Sprintf("https://frameworks.example.org/cf/items/%04d", 1000+i),
			"targetDescription": fmt.Sprintf("The learner demonstrates competency %d of the collaboration framework in a supervised project.", i),
			"targetFramework":   "Example Collaboration Framework 2024",
			"targetCode":        fmt.Sprintf("ECF-%02d", i),
			"targetType":        "CFItem",
		})
	}
	for i := 1; i <= 5; i++ {
		id := fmt.Sprintf("urn:uuid:1b0f5a74-0000-4c8e-9b4a-00000000000%d", i)
		descriptions = append(descriptions, map[string]any{
			"id": id, "type": []any{"ResultDescription"},
			"name":          fmt.Sprintf("Module %d final assessment", i),
			"resultType":    "LetterGrade",
			"allowedValue":  []any{"A", "B", "C", "D", "F"},
			"requiredValue": "C",
		})
		results = append(results, map[string]any{
			"type":              []any{"Result"},
			"resultDescription": id,
			"value":             string(rune('A' + i%3)),
			"status":            "Completed",
		})
		evidence = append(evidence, map[string]any{
			"id":          fmt.Sprintf("https://portfolio.example.com/learners/4711/projects/%d", i),
			"type":        []any{"Evidence"},
			"name":        fmt.Sprintf("Project %d portfolio entry", i),
			"description": "A reviewed write-up of the team project, with the supervisor's assessment.",
			"narrative":   "The learner led a team of four through the design, build and evaluation phases.",
			"genre":       "Portfolio",
			"audience":    "Employers",
		})
	}
	achievement := map[string]any{
		"id":              "https://example.edu/achievements/collaborative-engineering",
		"type":            []any{"Achievement"},
		"achievementType": "Certificate",
		"name":            "Collaborative Engineering Certificate",
		"description":     "Awarded to learners who complete five project modules and demonstrate the twenty competencies of the collaboration framework.",
		"criteria": map[string]any{
			"id":        "https://example.edu/achievements/collaborative-engineering/criteria",
			"narrative": "Complete all five modules with a grade of C or better and submit a project portfolio reviewed by two assessors.",
		},
		"image":             map[string]any{"id": "https://example.edu/badges/collab.png", "type": "Image"},
		"creator":           issuer,
		"alignment":         alignments,
		"resultDescription": descriptions,
		"tag":               []any{"engineering", "teamwork", "project management"},
		"inLanguage":        "en",
		"version":           "2024.1",
		"humanCode":         "CEC-2024",
		"fieldOfStudy":      "Engineering",
	}
	endorsement := map[string]any{
		"@context":  ctx,
		"id":        "https://endorser.example.org/endorsements/collaborative-engineering",
		"type":      []any{"VerifiableCredential", "EndorsementCredential"},
		"name":      "Industry endorsement of the Collaborative Engineering Certificate",
		"issuer":    map[string]any{"id": largeIssuer, "type": []any{"Profile"}, "name": "Example Engineering Council"},
		"validFrom": "2024-01-15T00:00:00Z",
		"credentialSubject": map[string]any{
			"id": achievement["id"], "type": []any{"EndorsementSubject"},
			"endorsementComment": "The council recognises this certificate as evidence of professional collaboration skills.",
		},
	}
	signedEndorsement := signForTest(tb, endorsement)
	cred := map[string]any{
		"@context":    ctx,
		"id":          "urn:uuid:8d3f2f2a-3c6d-4d8b-9d47-2a4c7b9e1f10",
		"type":        []any{"VerifiableCredential", "OpenBadgeCredential"},
		"name":        "Collaborative Engineering Certificate",
		"description": "Certificate with full results, evidence and an endorsement.",
		"issuer":      issuer,
		"validFrom":   largeValidFor,
		"validUntil":  "2029-09-01T00:00:00Z",
		"credentialSubject": map[string]any{
			"id":                "did:example:ebfeb1f712ebc6f1c276e12ec21",
			"type":              []any{"AchievementSubject"},
			"activityStartDate": "2023-09-01T00:00:00Z",
			"activityEndDate":   "2024-06-30T00:00:00Z",
			"creditsEarned":     30,
			"term":              "2023-2024",
			"narrative":         "Completed all modules; led the capstone team.",
			"achievement":       achievement,
			"result":            results,
		},
		"evidence":    evidence,
		"endorsement": []any{signedEndorsement},
	}
	b, err := json.MarshalIndent(cred, "", "  ")
	if err != nil {
		tb.Fatal(err)
	}
	return append(b, '\n')
}

func signForTest(tb testing.TB, doc map[string]any) any {
	tb.Helper()
	raw, err := json.Marshal(doc)
	if err != nil {
		tb.Fatal(err)
	}
	signed, err := SignDataIntegrity(context.Background(), canon(tb), raw, seedHex(tb, obSeed), ProofOptions{
		VerificationMethod: obMethod, Created: time.Date(2024, 1, 15, 9, 30, 0, 0, time.UTC),
	})
	if err != nil {
		tb.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(signed, &out); err != nil {
		tb.Fatal(err)
	}
	return out
}

// largeCredential reads testdata/large-credential.json.
func largeCredential(tb testing.TB) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.FromSlash(largeCredentialFile))
	if err != nil {
		tb.Fatalf("%v (regenerate with go test ./openbadges/proof -run TestLargeCredential -update)", err)
	}
	return b
}

// TestLargeCredential checks the benchmark's large credential: the file is what
// largeCredentialDoc builds, it passes the OB 3.0 AchievementCredential schema (and its
// endorsement the EndorsementCredential schema), canonicalizes in safe mode, and both it and
// its embedded endorsement sign and verify.
func TestLargeCredential(t *testing.T) {
	want := largeCredentialDoc(t)
	if *update {
		if err := os.WriteFile(filepath.FromSlash(largeCredentialFile), want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got := largeCredential(t)
	if !bytes.Equal(got, want) {
		t.Fatalf("%s is stale: run go test ./openbadges/proof -run TestLargeCredential -update", largeCredentialFile)
	}
	sv, err := ob3.NewSchemaValidator()
	if err != nil {
		t.Fatal(err)
	}
	if err := sv.ValidateCredential(got); err != nil {
		t.Fatalf("OB 3.0 schema: %v", err)
	}
	m, err := decodeObject(got)
	if err != nil {
		t.Fatal(err)
	}
	end, err := json.Marshal(m["endorsement"].([]any)[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := sv.ValidateEndorsement(end); err != nil {
		t.Fatalf("OB 3.0 endorsement schema: %v", err)
	}
	ctx := context.Background()
	nq, err := canon(t).Canonicalize(ctx, m) // the Processor refuses anything safe mode refuses
	if err != nil {
		t.Fatalf("safe mode: %v", err)
	}
	if n := bytes.Count(nq, []byte("\n")); n < 200 {
		t.Errorf("large credential has only %d quads", n)
	}
	if res, err := VerifyDataIntegrity(ctx, canon(t), obResolver(t), end, largeIssuer); err != nil || !res[0].Verified {
		t.Fatalf("embedded endorsement does not verify: %v %+v", err, res)
	}
	signed := signLarge(t, got)
	if res, err := VerifyDataIntegrity(ctx, canon(t), obResolver(t), signed, largeIssuer); err != nil || !res[0].Verified {
		t.Fatalf("signed large credential does not verify: %v %+v", err, res)
	}
}

// signLarge signs doc with the benchmark's key and options.
func signLarge(tb testing.TB, doc []byte) []byte {
	tb.Helper()
	signed, err := SignDataIntegrity(context.Background(), canon(tb), doc, seedHex(tb, obSeed), benchProofOptions)
	if err != nil {
		tb.Fatal(err)
	}
	return signed
}

var benchProofOptions = ProofOptions{VerificationMethod: obMethod, Created: time.Date(2024, 9, 1, 12, 0, 0, 0, time.UTC)}

// TestLargeCredentialJavaScript signs the large credential with the JavaScript reference
// stack (tools/jsref sign.mjs, safe mode) and expects the proofValue Rosette writes: the
// benchmarks of both stacks do the same work. Skips where node or node_modules is absent.
func TestLargeCredentialJavaScript(t *testing.T) {
	priv := seedHex(t, obSeed)
	pubMB, _ := key.EncodeMultikey(priv.Public().(ed25519.PublicKey))
	secMB, _ := key.EncodeSecretMultibase(priv)
	doc := largeCredential(t)
	var m any
	if err := json.Unmarshal(doc, &m); err != nil {
		t.Fatal(err)
	}
	in := map[string]any{"doc": m, "publicKeyMultibase": pubMB, "secretKeyMultibase": secMB,
		"verificationMethod": obMethod, "controller": obIssuer, "created": benchProofOptions.Created.Format(time.RFC3339)}
	r := jsref.Run(t, "sign.mjs", []any{in})[0]
	signed, ok := r["signed"]
	if !ok {
		t.Fatalf("JavaScript signing failed: %v", r["error"])
	}
	b, _ := json.Marshal(signed)
	ours := proofList(t, signLarge(t, doc))[0]["proofValue"]
	if theirs := proofList(t, b)[0]["proofValue"]; ours != theirs {
		t.Errorf("proofValue here %v, JavaScript %v", ours, theirs)
	}
}
