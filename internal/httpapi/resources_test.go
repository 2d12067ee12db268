package httpapi

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"github.com/rosettebadges/rosette/internal/store/storetest"
)

func TestPatch(t *testing.T) {
	f := newFixture(t, storetest.NewSQLite)
	tok := f.token("owner", "", "issuers:write", "badges:write")
	body := badgeBody("Patchy")
	body["tags"] = []string{"a", "b"}
	body["level"] = "Basic"
	body["credits"] = 2.5
	body["expiry"] = map[string]any{"kind": "duration", "count": 2, "unit": "years"}
	created := f.do("POST", "/api/v1/issuers/"+f.issuer.ID+"/badges", tok, body)
	if created.status != 201 {
		t.Fatalf("%d %s", created.status, created.body)
	}
	c := created.json(t)
	if c["credits"] != "2.5" || c["version"] != 1.0 || !strings.HasSuffix(c["image"].(string), ".svg") || c["url"] != f.urls.BadgeClass(c["id"].(string)) {
		t.Errorf("created: %s", created.body)
	}
	path := "/api/v1/badges/" + c["id"].(string)
	r := f.do("PATCH", path, tok, `{"level":"Advanced"}`, "Content-Type", "application/merge-patch+json")
	m := r.json(t)
	if r.status != 200 || m["level"] != "Advanced" || m["version"] != 2.0 || m["name"] != "Patchy" || m["credits"] != "2.5" ||
		len(m["tags"].([]any)) != 2 || m["image"] != c["image"] || m["expiry"] == nil {
		t.Errorf("patch one member: %s", r.body)
	}
	// null clears; the same values again make no new version.
	r = f.do("PATCH", path, tok, `{"level":null,"expiry":null,"tags":null}`)
	if m = r.json(t); m["level"] != "" || m["expiry"] != nil || len(m["tags"].([]any)) != 0 || m["version"] != 3.0 {
		t.Errorf("clear: %s", r.body)
	}
	if r = f.do("PATCH", path, tok, `{"name":"Patchy"}`); r.json(t)["version"] != 3.0 {
		t.Errorf("no change: %s", r.body)
	}
	// A required member cannot be cleared; a new image replaces the old one.
	if r = f.do("PATCH", path, tok, `{"name":null}`); r.status != 422 {
		t.Errorf("clearing name: %d %s", r.status, r.body)
	}
	png := "data:image/png;base64," + base64.StdEncoding.EncodeToString(testPNG(t, 16))
	if r = f.do("PATCH", path, tok, map[string]any{"image": png}); !strings.HasSuffix(r.json(t)["image"].(string), ".png") {
		t.Errorf("new image: %s", r.body)
	}
	if r = f.do("PATCH", path, tok, `{"colour":"red"}`); r.status != 400 {
		t.Errorf("unknown member: %d", r.status)
	}
	// Issuers the same way.
	ipath := "/api/v1/issuers/" + f.issuer.ID
	if r = f.do("PATCH", ipath, tok, `{"website":"https://acme.example","linkedin_org":"42"}`); r.json(t)["website"] != "https://acme.example" || r.json(t)["name"] != "Acme" {
		t.Errorf("issuer patch: %s", r.body)
	}
	if r = f.do("PATCH", ipath, tok, `{"website":null}`); r.json(t)["website"] != "" || r.json(t)["linkedin_org"] != "42" {
		t.Errorf("issuer clear: %s", r.body)
	}
	if r = f.do("GET", ipath, tok, nil); r.json(t)["url"] != f.urls.Profile(f.issuer.ID) || r.json(t)["role"] != "owner" {
		t.Errorf("issuer: %s", r.body)
	}
}

// TestSVGSanitized: an SVG given as a data URI is stored without its script, handlers and
// external references.
func TestSVGSanitized(t *testing.T) {
	f := newFixture(t, storetest.NewSQLite)
	tok := f.token("owner", "", "badges:write")
	body := badgeBody("Evil")
	body["image"] = svgURI(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" onload="alert(1)"><script>alert(2)</script>` +
		`<image xlink:href="https://evil.example/x.png"/><circle cx="5" cy="5" r="4" onclick="alert(3)"/></svg>`)
	r := f.do("POST", "/api/v1/issuers/"+f.issuer.ID+"/badges", tok, body)
	if r.status != 201 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	bc, err := f.bcs.Get(context.Background(), f.users["owner"], r.json(t)["id"].(string))
	if err != nil {
		t.Fatal(err)
	}
	img, err := f.bcs.Image(context.Background(), bc.ImageID)
	if err != nil {
		t.Fatal(err)
	}
	s := string(img.Bytes)
	for _, bad := range []string{"script", "alert", "onload", "onclick", "evil.example"} {
		if strings.Contains(s, bad) {
			t.Errorf("stored SVG still has %q:\n%s", bad, s)
		}
	}
	if !strings.Contains(s, "<circle") {
		t.Errorf("stored SVG lost its drawing:\n%s", s)
	}
	// Percent-encoded data URIs work too; a type that does not match the bytes does not.
	body["image"] = "data:image/svg+xml," + strings.ReplaceAll(strings.ReplaceAll(plainSVG, " ", "%20"), "#", "%23")
	if r := f.do("POST", "/api/v1/issuers/"+f.issuer.ID+"/badges", tok, body); r.status != 201 {
		t.Errorf("percent-encoded: %d %s", r.status, r.body)
	}
	body["image"] = "data:image/png;base64," + base64.StdEncoding.EncodeToString([]byte(plainSVG))
	if r := f.do("POST", "/api/v1/issuers/"+f.issuer.ID+"/badges", tok, body); r.status != 422 {
		t.Errorf("mismatched type: %d %s", r.status, r.body)
	}
}

func TestAwards(t *testing.T) {
	f := newFixture(t, storetest.NewSQLite)
	tok := f.token("owner", f.issuer.ID, "badges:write", "awards:write", "awards:revoke")
	bc := f.do("POST", "/api/v1/issuers/"+f.issuer.ID+"/badges", tok, badgeBody("Award me")).json(t)["id"].(string)
	r := f.do("POST", "/api/v1/badges/"+bc+"/awards", tok, map[string]any{
		"recipient": map[string]any{"identity": "Ada@Example.org", "name": "Ada"}, "narrative": "Did it.",
		"evidence": []map[string]any{{"url": "https://example.org/e", "name": "Proof"}}, "issued_at": "2026-11-20T10:00:00Z", "notify": false})
	if r.status != 201 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	m := r.json(t)
	id := m["id"].(string)
	if m["url"] != f.urls.Award(id) || m["credential_url"] != f.urls.AwardCredential(id) || m["assertion_url"] != f.urls.AwardAssertion(id) ||
		m["status"] != "active" || m["issued_at"] != "2026-11-20T10:00:00Z" || m["recipient"].(map[string]any)["identity"] != "ada@example.org" ||
		m["badge_id"] != bc || m["expires_at"] != nil || r.header.Get("Location") != f.urls.Base+"/api/v1/awards/"+id {
		t.Errorf("award: %s", r.body)
	}
	if g := f.do("GET", "/api/v1/awards/"+id, tok, nil); string(g.body) != string(r.body) || g.json(t)["evidence"].([]any)[0].(map[string]any)["name"] != "Proof" {
		t.Errorf("get differs from create:\n%s\n%s", g.body, r.body)
	}
	created := f.do("POST", "/api/v1/issuers", f.token("admin", "", "issuers:write"), `{"name":"Fresh"}`)
	if g := f.do("GET", "/api/v1/issuers/"+created.json(t)["id"].(string), f.token("admin", "", "issuers:read"), nil); string(g.body) != string(created.body) {
		t.Errorf("issuer get differs from create:\n%s\n%s", g.body, created.body)
	}
	if l := f.do("GET", "/api/v1/badges/"+bc+"/awards?limit=1", tok, nil); l.json(t)["total"] != 1.0 {
		t.Errorf("list: %s", l.body)
	}
}

// TestAwardBatchOfAThousand: the largest batch fits the body limit and is issued in one call.
func TestAwardBatchOfAThousand(t *testing.T) {
	if testing.Short() {
		t.Skip("issues and signs 1,000 awards")
	}
	f := newFixture(t, storetest.NewSQLite)
	f.validate = false // 1,000 awards: checked once below instead
	tok := f.token("owner", "", "badges:write", "awards:write")
	bc := f.do("POST", "/api/v1/issuers/"+f.issuer.ID+"/badges", tok, badgeBody("Many")).json(t)["id"].(string)
	var b strings.Builder
	b.WriteString(`{"awards":[`)
	for i := range 1000 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"recipient":{"identity":"person%d@example.org","name":"Person %d"},"narrative":"Completed the course.","notify":false}`, i, i)
	}
	b.WriteString(`]}`)
	r := f.do("POST", "/api/v1/badges/"+bc+"/awards", tok, b.String(), "Idempotency-Key", "thousand")
	if r.status != 201 {
		t.Fatalf("%d %.500s", r.status, r.body)
	}
	checkAgainstOpenAPI(t, "POST", "/api/v1/badges/"+bc+"/awards", r)
	awards := r.json(t)["awards"].([]any)
	if len(awards) != 1000 || awards[999].(map[string]any)["recipient"].(map[string]any)["identity"] != "person999@example.org" {
		t.Fatalf("%d awards", len(awards))
	}
	if n := f.do("GET", "/api/v1/badges/"+bc+"/awards?limit=1", tok, nil).json(t)["total"]; n != 1000.0 {
		t.Errorf("total %v", n)
	}
}
