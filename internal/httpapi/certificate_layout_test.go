package httpapi

import (
	"testing"

	"github.com/rosettebadges/rosette/internal/store/storetest"
)

// TestIssuerCertificateLayout: the issuer resource carries certificate_layout; PATCH changes
// it, leaving it out (or null) keeps it, an unknown layout is a validation error at its member.
func TestIssuerCertificateLayout(t *testing.T) {
	f := newFixture(t, storetest.NewSQLite)
	tok := f.token("owner", "", "issuers:write")
	path := "/api/v1/issuers/" + f.issuer.ID
	if r := f.do("GET", path, tok, nil); r.json(t)["certificate_layout"] != "classic" {
		t.Errorf("default: %s", r.body)
	}
	if r := f.do("PATCH", path, tok, `{"certificate_layout":"modern"}`); r.status != 200 || r.json(t)["certificate_layout"] != "modern" {
		t.Errorf("set modern: %d %s", r.status, r.body)
	}
	for _, body := range []string{`{"website":"https://acme.example"}`, `{"certificate_layout":null}`} {
		if r := f.do("PATCH", path, tok, body); r.status != 200 || r.json(t)["certificate_layout"] != "modern" {
			t.Errorf("%s: %d %s", body, r.status, r.body)
		}
	}
	r := f.do("PATCH", path, tok, `{"certificate_layout":"baroque"}`)
	e, _ := r.json(t)["error"].(map[string]any)
	if fields, _ := e["fields"].(map[string]any); r.status != 422 || fields["certificate_layout"] == nil {
		t.Errorf("baroque: %d %s", r.status, r.body)
	}
}
