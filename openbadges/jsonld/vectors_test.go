package jsonld

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rosettebadges/rosette/openbadges/internal/fixture"
)

func readJSON(t testing.TB, elem ...string) map[string]any {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(fixture.Read(t, elem...)))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

// splitProof returns the document without proof and the proof config (proof without
// proofValue, with the document's @context), as eddsa-rdfc-2022 canonicalizes them.
func splitProof(t testing.TB, signed map[string]any) (doc, proofConfig map[string]any) {
	t.Helper()
	doc = map[string]any{}
	for k, v := range signed {
		if k != "proof" {
			doc[k] = v
		}
	}
	p := signed["proof"]
	if a, ok := p.([]any); ok {
		p = a[0]
	}
	pm, ok := p.(map[string]any)
	if !ok {
		t.Fatalf("no proof object")
	}
	proofConfig = map[string]any{}
	for k, v := range pm {
		if k != "proofValue" {
			proofConfig[k] = v
		}
	}
	proofConfig["@context"] = signed["@context"]
	return doc, proofConfig
}

type vectorCase struct {
	name string
	doc  func(t testing.TB) any
	want []string // fixture path of the expected canonical N-Quads
	// needs names a context the case needs that is not published in the fixtures (so it is
	// not embedded); the case skips saying so while it is absent.
	needs string
}

const clrContext = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"

func vectorCases() []vectorCase {
	ob := []string{"openbadges-specification", "ob_v3p0", "impl", "test-vectors"}
	w3c := []string{"w3c-vc-di-eddsa", "TestVectors"}
	signedPart := func(path []string, proof bool) func(t testing.TB) any {
		return func(t testing.TB) any {
			d, p := splitProof(t, readJSON(t, path...))
			if proof {
				return p
			}
			return d
		}
	}
	plain := func(path ...string) func(t testing.TB) any {
		return func(t testing.TB) any { return readJSON(t, path...) }
	}
	j := func(a []string, b ...string) []string { return append(append([]string{}, a...), b...) }
	return []vectorCase{
		{"ob3-document", signedPart(j(ob, "obv3p0", "signed-credential.json"), false), j(ob, "obv3p0", "document-canon.txt"), ""},
		{"ob3-proof", signedPart(j(ob, "obv3p0", "signed-credential.json"), true), j(ob, "obv3p0", "proof-canon.txt"), ""},
		{"clr2-document", signedPart(j(ob, "clrv2p0", "signed-credential.json"), false), j(ob, "clrv2p0", "document-canon.txt"), clrContext},
		{"clr2-proof", signedPart(j(ob, "clrv2p0", "signed-credential.json"), true), j(ob, "clrv2p0", "proof-canon.txt"), clrContext},
		{"w3c-alumni-document", plain(j(w3c, "unsigned.json")...), j(w3c, "eddsa-rdfc-2022", "canonDocDataInt.txt"), ""},
		{"w3c-alumni-proof", plain(j(w3c, "eddsa-rdfc-2022", "proofConfigDataInt.json")...), j(w3c, "eddsa-rdfc-2022", "proofCanonDataInt.txt"), ""},
		{"w3c-employ-document", plain(j(w3c, "employmentAuth.json")...), j(w3c, "eddsa-rdfc-2022", "employ", "canonDocDataInt.txt"), "https://w3id.org/citizenship/v4rc1"},
		{"w3c-employ-proof", plain(j(w3c, "eddsa-rdfc-2022", "employ", "proofConfigDataInt.json")...), j(w3c, "eddsa-rdfc-2022", "employ", "proofCanonDataInt.txt"), "https://w3id.org/citizenship/v4rc1"},
	}
}

func TestPublishedVectors(t *testing.T) {
	procs := map[string]*Processor{"default": NewProcessor(), "general": NewProcessor(WithGeneralPathOnly())}
	for _, tc := range vectorCases() {
		for pname, p := range procs {
			t.Run(tc.name+"/"+pname, func(t *testing.T) {
				if tc.needs != "" {
					if _, ok := EmbeddedContext(tc.needs); !ok {
						t.Skipf("context %s is not in ../shared/fixtures, so it is not embedded", tc.needs)
					}
				}
				want := fixture.Read(t, tc.want...)
				got, err := p.Canonicalize(context.Background(), tc.doc(t))
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(string(want), string(got)); diff != "" {
					t.Errorf("mismatch (-want +got):\n%s", diff)
				}
			})
		}
	}
}
