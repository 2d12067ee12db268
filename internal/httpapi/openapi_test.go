package httpapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/rosettebadges/rosette/internal/store/storetest"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// TestOpenAPIDocument: the document is OpenAPI 3.1, describes exactly the registered routes,
// and its component schemas compile and accept their own examples.
func TestOpenAPIDocument(t *testing.T) {
	loadOpenAPI(t)
	if v, _ := oaDoc["openapi"].(string); !regexp.MustCompile(`^3\.1\.\d+$`).MatchString(v) {
		t.Errorf("openapi = %q, want 3.1.x", v)
	}
	f := newFixture(t, storetest.NewSQLite)
	registered := f.api.Routes()
	var documented []string
	for path, item := range oaDoc["paths"].(map[string]any) {
		for method, op := range item.(map[string]any) {
			documented = append(documented, strings.ToUpper(method)+" "+Prefix+path)
			o := op.(map[string]any)
			if o["operationId"] == nil || o["summary"] == nil || o["responses"] == nil {
				t.Errorf("%s %s lacks operationId, summary or responses", method, path)
			}
			if _, ok := o["x-scopes"]; !ok {
				t.Errorf("%s %s does not name its scope (x-scopes)", method, path)
			}
			if method == "post" || method == "patch" {
				params, _ := json.Marshal(o["parameters"])
				if !bytes.Contains(params, []byte("IdempotencyKey")) {
					t.Errorf("%s %s does not document Idempotency-Key", method, path)
				}
			}
		}
	}
	slices.Sort(registered)
	slices.Sort(documented)
	for _, r := range registered {
		if !slices.Contains(documented, r) {
			t.Errorf("route %s is not documented", r)
		}
	}
	for _, d := range documented {
		if !slices.Contains(registered, d) {
			t.Errorf("documented %s is not a route", d)
		}
	}
	// Every component schema compiles, and its example (if any) is valid.
	for name, s := range oaDoc["components"].(map[string]any)["schemas"].(map[string]any) {
		sch, err := oaCompiler.Compile(oaURL + "#/components/schemas/" + name)
		if err != nil {
			t.Errorf("schema %s: %v", name, err)
			continue
		}
		if ex, ok := s.(map[string]any)["example"]; ok {
			if err := sch.Validate(ex); err != nil {
				t.Errorf("schema %s: its example is not valid: %v", name, err)
			}
		}
	}
	// Responses' own examples too.
	for name, r := range oaDoc["components"].(map[string]any)["responses"].(map[string]any) {
		ex := r.(map[string]any)["content"].(map[string]any)["application/json"].(map[string]any)["example"]
		sch, err := oaCompiler.Compile(oaURL + "#/components/responses/" + name + "/content/application~1json/schema")
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(ex); err != nil {
			t.Errorf("response %s: example not valid: %v", name, err)
		}
	}
	// The schemas are strict: an unknown member in a response would be caught.
	sch, _ := oaCompiler.Compile(oaURL + "#/components/schemas/Issuer")
	inst, _ := jsonschema.UnmarshalJSON(strings.NewReader(`{"id":"x","name":"n","description":"","website":"","email":"","logo_url":"","linkedin_org":"","url":"https://x","created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z","extra":1}`))
	if sch.Validate(inst) == nil {
		t.Error("Issuer schema accepts unknown members")
	}
}

// TestDocsPage: /api/docs is server-rendered HTML naming every operation, with curl examples,
// and works without JavaScript.
func TestDocsPage(t *testing.T) {
	f := newFixture(t, storetest.NewSQLite)
	res, err := f.srv.Client().Get(f.srv.URL + "/api/docs")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	b.ReadFrom(res.Body)
	res.Body.Close()
	page := b.String()
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("status %d, %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	for _, r := range f.api.Routes() {
		method, path, _ := strings.Cut(r, " ")
		if !strings.Contains(page, ">"+method+"</span> <code>"+path+"</code>") {
			t.Errorf("docs page lacks %s", r)
		}
	}
	for _, want := range []string{"curl \\\n  -X POST", "Authorization: Bearer $ROSETTE_TOKEN", "Idempotency-Key: $(uuidgen)",
		f.urls.Base + "/api/v1/issuers", "idempotency_key_reused", "rosette token create", `href="/api/docs/docs.css"`, "schema-BadgeClass"} {
		if !strings.Contains(page, want) {
			t.Errorf("docs page lacks %q", want)
		}
	}
	if strings.Contains(page, "<script") {
		t.Error("docs page has a script")
	}
	res, err = f.srv.Client().Get(f.srv.URL + "/api/docs/docs.css")
	if err != nil || res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/css") {
		t.Errorf("docs.css: %v %v", res, err)
	}
}
