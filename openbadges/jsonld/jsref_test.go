package jsonld

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rosettebadges/rosette/openbadges/internal/fixture"
	"github.com/rosettebadges/rosette/tools/jsref"
)

type refCase struct {
	name string
	doc  any
}

// compareWithJS canonicalizes every case with p and with jsonld.js + rdf-canonize (as the
// eddsa-rdfc-2022 cryptosuite calls them) and requires the same N-Quads, or both to refuse.
func compareWithJS(t *testing.T, p *Processor, cases []refCase) {
	t.Helper()
	inputs := make([]any, len(cases))
	for i, c := range cases {
		inputs[i] = map[string]any{"doc": c.doc}
	}
	res := jsref.Run(t, "canonize.mjs", inputs)
	agreeOK, agreeErr := 0, 0
	for i, c := range cases {
		got, err := p.Canonicalize(context.Background(), c.doc)
		jsOut, jsOK := res[i]["nquads"].(string)
		switch {
		case err == nil && jsOK:
			if diff := cmp.Diff(jsOut, string(got)); diff != "" {
				t.Errorf("%s: differs from jsonld.js (-js +go):\n%s", c.name, diff)
				continue
			}
			agreeOK++
		case err != nil && !jsOK:
			agreeErr++
			// The default processor must refuse for jsonld.js's reason.
			var se *SafeModeError
			details, _ := res[i]["details"].(map[string]any)
			jsCode, _ := details["code"].(string)
			if !p.noFast && errors.As(err, &se) && jsCode != "" {
				found := false
				for _, pr := range se.Problems {
					found = found || pr.Code == jsCode
				}
				if !found {
					t.Errorf("%s: jsonld.js refuses with %q, we with %v", c.name, jsCode, se.Problems)
				}
			}
		case err != nil:
			t.Errorf("%s: we refuse (%v), jsonld.js canonicalizes", c.name, err)
		default:
			t.Errorf("%s: jsonld.js refuses (%v), we canonicalize:\n%s", c.name, res[i]["error"], got)
		}
	}
	t.Logf("%d cases: %d identical N-Quads, %d refused by both", len(cases), agreeOK, agreeErr)
}

func fixtureCredentials(t *testing.T) []refCase {
	t.Helper()
	var cases []refCase
	for _, dir := range []string{"digitalcredentials-vc-test-fixtures", filepath.Join("openbadges-validator-core", "test_components")} {
		cases = append(cases, jsonDocsUnder(t, fixture.Path(t, dir))...)
	}
	for _, vc := range vectorCases() {
		if vc.needs != "" {
			if _, ok := EmbeddedContext(vc.needs); !ok {
				continue
			}
		}
		cases = append(cases, refCase{vc.name, vc.doc(t)})
	}
	return cases
}

// jsonDocsUnder returns every JSON-LD document (with @context) under root, and for signed
// ones the document without proof and the proof configuration.
func jsonDocsUnder(t *testing.T, root string) []refCase {
	t.Helper()
	var cases []refCase
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var v map[string]any
		if json.Unmarshal(b, &v) != nil || v["@context"] == nil {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		cases = append(cases, refCase{rel, v})
		if pr, ok := v["proof"]; ok {
			doc, pc := splitProofLoose(v, pr)
			cases = append(cases, refCase{rel + "#document", doc})
			if pc != nil {
				cases = append(cases, refCase{rel + "#proof", pc})
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return cases
}

func splitProofLoose(signed map[string]any, pr any) (map[string]any, map[string]any) {
	doc := map[string]any{}
	for k, v := range signed {
		if k != "proof" {
			doc[k] = v
		}
	}
	if a, ok := pr.([]any); ok && len(a) > 0 {
		pr = a[0]
	}
	pm, ok := pr.(map[string]any)
	if !ok {
		return doc, nil
	}
	pc := map[string]any{}
	for k, v := range pm {
		if k != "proofValue" && k != "jws" {
			pc[k] = v
		}
	}
	pc["@context"] = signed["@context"]
	return doc, pc
}

// edgeCases are documents on the edges jsonld.js and json-gold disagree on: @json literals,
// @direction, control characters, numbers, language tags, lists.
func edgeCases(t *testing.T) []refCase {
	t.Helper()
	ctx := `{"@vocab":"https://ex.org/v#","j":{"@id":"https://ex.org/v#j","@type":"@json"},"l":{"@id":"https://ex.org/v#l","@container":"@list"},"d":{"@id":"https://ex.org/v#d","@type":"http://www.w3.org/2001/XMLSchema#double"},"dt":{"@id":"https://ex.org/v#dt","@type":"http://www.w3.org/2001/XMLSchema#dateTime"}}`
	docs := map[string]string{
		"json-object":       `{"@context":` + ctx + `,"@id":"https://ex.org/s","j":{"b":[1,2.5,"x"],"a":null,"c":{"z":true,"y":1e21}}}`,
		"json-array":        `{"@context":` + ctx + `,"@id":"https://ex.org/s","j":[1,{"b":2,"a":"\u00e9\u0007"},[]]}`,
		"json-scalars":      `{"@context":` + ctx + `,"@id":"https://ex.org/s","j":"str","p":{"@value":true,"@type":"@json"},"q":{"@value":null,"@type":"@json"},"r":{"@value":1.50,"@type":"@json"}}`,
		"direction":         `{"@context":` + ctx + `,"@id":"https://ex.org/s","p":[{"@value":"abc","@direction":"rtl"},{"@value":"abc","@language":"AR-eg","@direction":"ltr"}]}`,
		"direction-ctx":     `{"@context":[` + ctx + `,{"@direction":"rtl","@language":"he"}],"@id":"https://ex.org/s","p":"שלום"}`,
		"control-chars":     `{"@context":` + ctx + `,"@id":"https://ex.org/s","p":"a\u0000b\u0001c\u0007d\u0008e\u0009f\u000ag\u000bh\u000ci\u000dj\u001fk\u007fl\"m\\n\u0080o\u2028p\ud83d\ude00"}`,
		"numbers":           `{"@context":` + ctx + `,"@id":"https://ex.org/s","p":[12345678.119140625,-12345678.119140625,12345678.123046875,99999999.99999999,0,-0,1,-1,1.0,1.5,-2.25,1e20,1e21,123456789012345678901234,0.1,1e-7,-1e-7,1.5e-7,5e-324,1.7976931348623157e308,0.000001,9007199254740993,3.141592653589793],"d":["1.5","abc","  2e3x",5]}`,
		"language":          `{"@context":` + ctx + `,"@id":"https://ex.org/s","p":{"@value":"x","@language":"EN-GB"}}`,
		"list":              `{"@context":` + ctx + `,"@id":"https://ex.org/s","l":[1,"a",{"@id":"https://ex.org/o"},{"q":"nested"}],"m":{"@list":[]}}`,
		"blank-nodes":       `{"@context":` + ctx + `,"@id":"https://ex.org/s","p":[{"q":"1"},{"q":"1"},{"@id":"_:x","q":{"@id":"_:x"}}]}`,
		"graph":             `{"@context":` + ctx + `,"@id":"https://ex.org/s","p":{"@graph":{"@id":"https://ex.org/g1","q":"1"}}}`,
		"duplicate-values":  `{"@context":` + ctx + `,"@id":"https://ex.org/s","p":["x",{"@value":"x","@index":"i"},{"@value":"x","@index":"i"},0,1e-7,5e-324,{"@id":"https://ex.org/o"},{"@id":"https://ex.org/o","q":"1"}],"q":[{"@value":"abc","@direction":"rtl"},{"@value":"abc","@direction":"ltr"}],"@type":["https://ex.org/T","https://ex.org/T"],"j":[{"a":1},{"a":1}]}`,
		"utf16-order":       `{"@context":` + ctx + `,"@id":"https://ex.org/s","p":["a\ufffd","a\ud83d\ude00","a\ue000x","a\u00e9",{"q":"b\ufffd"},{"q":"b\ud83d\ude00"}]}`,
		"vc2-json-literals": `{"@context":["https://www.w3.org/ns/credentials/v2"],"id":"urn:x","type":["VerifiableCredential","JsonSchemaCredential"],"issuer":"https://ex.org/i","validFrom":"2024-01-01T00:00:00Z","credentialSubject":{"id":"https://ex.org/schema","type":"JsonSchema","jsonSchema":{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","properties":{"b":{"type":"number","maximum":1e21,"minimum":-0.5,"multipleOf":0.1},"a":{"const":"\u0007\u00e9\ud83d\ude00","enum":[null,true,1.0,100]}}}},"_sd":["abc","def"]}`,
		"dates":             `{"@context":` + ctx + `,"@id":"https://ex.org/s","dt":"2024-01-01T00:00:00Z"}`,
		"undefined-term":    `{"@context":{"p":"https://ex.org/p"},"@id":"https://ex.org/s","p":"x","nope":"y"}`,
		"relative-type":     `{"@context":{"p":"https://ex.org/p"},"@id":"https://ex.org/s","@type":"Rel","p":"x"}`,
		"relative-id":       `{"@context":{"p":"https://ex.org/p"},"@id":"rel/1","p":"x"}`,
		"relative-object":   `{"@context":{"p":{"@id":"https://ex.org/p","@type":"@id"}},"@id":"https://ex.org/s","p":"rel/2"}`,
		"space-in-id":       `{"@context":{"p":"https://ex.org/p"},"@id":"https://ex.org/a b","p":"x"}`,
		// Node-map duplicates about a blank node without @id (the fast path drops them among
		// a property's values), and cases where it must not: two keys for one property,
		// rdf:type both as @type and as a property.
		"blank-duplicates": `{"@context":` + ctx + `,"@id":"https://ex.org/s","p":{"q":["x","x",{"@value":"x","@index":"i"},{"@value":"x","@index":"i"},{"@id":"https://ex.org/o"},{"@id":"https://ex.org/o"},1,1.0,true,true,{"@value":"x","@language":"en"},{"@value":"x","@language":"EN"}]}}`,
		"blank-aliases":    `{"@context":[` + ctx + `,{"q2":"https://ex.org/v#q"}],"@id":"https://ex.org/s","p":{"q":"x","q2":["x","y"],"https://ex.org/v#q":["y","z"]}}`,
		"blank-rdf-type":   `{"@context":` + ctx + `,"@id":"https://ex.org/s","p":{"@type":"https://ex.org/T","http://www.w3.org/1999/02/22-rdf-syntax-ns#type":[{"@id":"https://ex.org/T"},{"@id":"https://ex.org/U"}]}}`,
	}
	// Inputs where json-gold's expansion (the general path) differs from jsonld.js; found by
	// FuzzCanonicalize. The fast path must follow jsonld.js.
	for name, s := range jsonGoldDivergences {
		docs[name] = s
	}
	var cases []refCase
	for name, s := range docs {
		cases = append(cases, refCase{name, decode(t, s)})
	}
	return cases
}

func TestAgainstJavaScriptReference(t *testing.T) {
	cases := append(fixtureCredentials(t), edgeCases(t)...)
	var generalCases []refCase
	for _, c := range cases {
		if _, diverges := jsonGoldDivergences[c.name]; !diverges {
			generalCases = append(generalCases, c)
		}
	}
	t.Run("default", func(t *testing.T) { compareWithJS(t, NewProcessor(), cases) })
	t.Run("general", func(t *testing.T) { compareWithJS(t, NewProcessor(WithGeneralPathOnly()), generalCases) })
}

var jsonGoldDivergences = map[string]string{
	"empty-object":    `{}`,
	"only-empty-type": `{"@type":[]}`,
	"id-and-no-types": `{"@id":"urn:x","@type":[]}`,
	"at-colon-key":    `{"@:":0}`,
	"json-as-type":    `{"@type":"@json"}`,
	"empty-key-vocab": `{"@context":{"@vocab":"A0000:000000000","0":{"@container":"@list"}},"":""}`,
	"empty-key":       `{"":0}`,
}

// TestJSONGoldDivergences: on these inputs json-gold's expansion and jsonld.js disagree; the
// default Processor (fast path) must give jsonld.js's answer.
func TestJSONGoldDivergences(t *testing.T) {
	var cases []refCase
	for name, s := range jsonGoldDivergences {
		cases = append(cases, refCase{name, decode(t, s)})
	}
	compareWithJS(t, NewProcessor(), cases)
}
