package httpapi

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/rosettebadges/rosette/internal/store"
	"github.com/rosettebadges/rosette/internal/store/storetest"
)

func svgURI(svg string) string {
	return "data:image/svg+xml;base64," + base64.StdEncoding.EncodeToString([]byte(svg))
}

const plainSVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle cx="5" cy="5" r="4"/></svg>`

func badgeBody(name string) map[string]any {
	return map[string]any{"name": name, "description": "Shows " + name + ".", "criteria_narrative": "Do **it**.", "image": svgURI(plainSVG)}
}

func TestAuthentication(t *testing.T) {
	f := newFixture(t, storetest.NewSQLite)
	good := f.token("owner", "", "issuers:read")
	path := "/api/v1/issuers/" + f.issuer.ID
	for _, tt := range []struct {
		name, auth, challenge string
	}{
		{"no header", "", `Bearer realm="rosette"`},
		{"unknown token", "Bearer rst_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", `Bearer realm="rosette", error="invalid_token"`},
		{"not bearer", "Basic " + good, `Bearer realm="rosette", error="invalid_token"`},
		{"empty bearer", "Bearer ", `Bearer realm="rosette", error="invalid_token"`},
	} {
		r := f.do("GET", path, "", nil, "Authorization", tt.auth)
		if r.status != http.StatusUnauthorized || r.code() != "unauthorized" || r.header.Get("WWW-Authenticate") != tt.challenge {
			t.Errorf("%s: %d %s, challenge %q", tt.name, r.status, r.body, r.header.Get("WWW-Authenticate"))
		}
	}
	// A browser session cookie never authenticates an API call.
	r := f.do("GET", path, "", nil, "Cookie", "rosette_session="+good)
	if r.status != http.StatusUnauthorized {
		t.Errorf("cookie: %d", r.status)
	}
	if r := f.do("GET", path, good, nil, "Authorization", "bearer "+good); r.status != http.StatusOK {
		t.Errorf("lower-case scheme: %d %s", r.status, r.body)
	}
	// Revoked tokens stop at once.
	list, _ := f.tokens.List(context.Background(), f.users["owner"], f.users["owner"].ID)
	if _, err := f.tokens.Revoke(context.Background(), f.users["owner"], list[0].ID); err != nil {
		t.Fatal(err)
	}
	if r := f.do("GET", path, good, nil); r.status != http.StatusUnauthorized {
		t.Errorf("revoked: %d", r.status)
	}
	// The OpenAPI document needs no token; unknown endpoints and methods are JSON errors.
	if r := f.do("GET", "/api/v1/openapi.json", "", nil); r.status != http.StatusOK || !strings.Contains(string(r.body), `"openapi": "3.1.0"`) {
		t.Errorf("openapi.json: %d", r.status)
	}
	if r := f.do("GET", "/api/v1/nothing", "", nil); r.status != http.StatusNotFound || r.code() != "not_found" {
		t.Errorf("unknown endpoint: %d %s", r.status, r.body)
	}
	if r := f.do("DELETE", path, "", nil); r.status != http.StatusMethodNotAllowed || r.header.Get("Allow") != "GET, PATCH" || r.code() != "invalid_request" {
		t.Errorf("wrong method: %d %s allow %q", r.status, r.body, r.header.Get("Allow"))
	}
}

// TestScopesAndRoles: each endpoint needs its scope, the user's role and the token's issuer.
func TestScopesAndRoles(t *testing.T) {
	f := newFixture(t, storetest.NewSQLite)
	ctx := context.Background()
	bc, err := f.bcs.Create(ctx, f.users["owner"], f.issuer.ID, badgeFields("Seed"), testPNG(t, 8))
	if err != nil {
		t.Fatal(err)
	}
	seedTok := f.token("owner", "", "awards:write")
	seed := f.do("POST", "/api/v1/badges/"+bc.ID+"/awards", seedTok, map[string]any{"recipient": map[string]any{"identity": "ada@example.org"}})
	if seed.status != http.StatusCreated {
		t.Fatalf("seed award: %d %s", seed.status, seed.body)
	}
	awardID := seed.json(t)["id"].(string)
	type op struct {
		method, path string
		body         func() any
		ok           int
	}
	ops := map[string]op{
		"get issuer":   {"GET", "/api/v1/issuers/" + f.issuer.ID, nil, 200},
		"patch issuer": {"PATCH", "/api/v1/issuers/" + f.issuer.ID, func() any { return map[string]any{"description": "D"} }, 200},
		"list badges":  {"GET", "/api/v1/issuers/" + f.issuer.ID + "/badges", nil, 200},
		"create badge": {"POST", "/api/v1/issuers/" + f.issuer.ID + "/badges", func() any { return badgeBody("New") }, 201},
		"patch badge":  {"PATCH", "/api/v1/badges/" + bc.ID, func() any { return map[string]any{"level": "L"} }, 200},
		"award":        {"POST", "/api/v1/badges/" + bc.ID + "/awards", func() any { return map[string]any{"recipient": map[string]any{"identity": "bob@example.org"}} }, 201},
		"get award":    {"GET", "/api/v1/awards/" + awardID, nil, 200},
		"list awards":  {"GET", "/api/v1/badges/" + bc.ID + "/awards", nil, 200},
		"revoke":       {"POST", "/api/v1/awards/" + awardID + "/revoke", func() any { return map[string]any{"reason": "Test."} }, 200},
	}
	// What each scope writes (reading is allowed by every scope).
	writes := map[string]string{"issuers:write": "patch issuer", "badges:write": "create badge patch badge", "awards:write": "award",
		"awards:revoke": "revoke"}
	roleWrites := map[string]string{"owner": "patch issuer create badge patch badge award revoke", "editor": "patch issuer create badge patch badge",
		"awarder": "award revoke", "viewer": ""}
	for _, who := range []string{"owner", "editor", "awarder", "viewer"} {
		for _, scope := range []string{"issuers:read", "issuers:write", "badges:read", "badges:write", "awards:read", "awards:write", "awards:revoke"} {
			for _, restrict := range []string{"", f.issuer.ID, f.other.ID} {
				if restrict == f.other.ID && who != "owner" {
					continue
				}
				tok := f.token(who, restrict, scope)
				for name, o := range ops {
					isWrite := o.method != "GET"
					want := o.ok
					switch {
					case restrict == f.other.ID:
						want = 403
					case isWrite && !(strings.Contains(writes[scope], name) && strings.Contains(roleWrites[who], name)):
						want = 403
					}
					var body any
					if o.body != nil {
						body = o.body()
					}
					r := f.do(o.method, o.path, tok, body)
					if r.status != want {
						t.Errorf("%s with %s (issuer %q): %s = %d, want %d: %s", who, scope, restrict, name, r.status, want, r.body)
					}
					if want == 403 && r.code() != "forbidden" {
						t.Errorf("%s: code %q", name, r.code())
					}
				}
			}
		}
	}
	// Strangers see nothing; creating issuers needs a site admin's unrestricted issuers:write.
	if r := f.do("GET", "/api/v1/issuers/"+f.issuer.ID, f.token("stranger", "", "issuers:read"), nil); r.status != 403 {
		t.Errorf("stranger: %d", r.status)
	}
	for _, tt := range []struct {
		who, restrict, scope string
		want                 int
	}{
		{"admin", "", "issuers:write", 201},
		{"admin", f.issuer.ID, "issuers:write", 403},
		{"admin", "", "issuers:read", 403},
		{"owner", "", "issuers:write", 403},
	} {
		r := f.do("POST", "/api/v1/issuers", f.token(tt.who, tt.restrict, tt.scope), map[string]any{"name": "New issuer"})
		if r.status != tt.want {
			t.Errorf("create issuer as %s with %s restricted %q: %d %s", tt.who, tt.scope, tt.restrict, r.status, r.body)
		}
	}
	// A restricted token lists only its issuer.
	r := f.do("GET", "/api/v1/issuers", f.token("owner", f.other.ID, "issuers:read"), nil)
	if items := r.json(t)["items"].([]any); len(items) != 1 || items[0].(map[string]any)["id"] != f.other.ID {
		t.Errorf("restricted list: %s", r.body)
	}
}

func TestIdempotency(t *testing.T) {
	storetest.Each(t, func(t *testing.T, newStore func(testing.TB) *store.Store) {
		f := newFixture(t, newStore)
		tok := f.token("owner", "", "badges:write", "awards:write")
		path := "/api/v1/issuers/" + f.issuer.ID + "/badges"
		first := f.do("POST", path, tok, badgeBody("Once"), "Idempotency-Key", "k-1")
		if first.status != 201 || first.header.Get("Idempotent-Replayed") != "" {
			t.Fatalf("first: %d %s", first.status, first.body)
		}
		again := f.do("POST", path, tok, badgeBody("Once"), "Idempotency-Key", "k-1")
		if again.status != 201 || again.header.Get("Idempotent-Replayed") != "true" || string(again.body) != string(first.body) ||
			again.header.Get("Location") == "" || again.header.Get("Location") != first.header.Get("Location") {
			t.Errorf("replay: %d %q %s", again.status, again.header.Get("Idempotent-Replayed"), again.body)
		}
		list := f.do("GET", path, tok, nil)
		if n := list.json(t)["total"]; n != 1.0 {
			t.Errorf("%v badge classes after a replay, want 1", n)
		}
		if r := f.do("POST", path, tok, badgeBody("Twice"), "Idempotency-Key", "k-1"); r.status != 422 || r.code() != "idempotency_key_reused" {
			t.Errorf("reused: %d %s", r.status, r.body)
		}
		// Another token's key of the same name is another key.
		if r := f.do("POST", path, f.token("owner", "", "badges:write"), badgeBody("Other"), "Idempotency-Key", "k-1"); r.status != 201 || r.header.Get("Idempotent-Replayed") != "" {
			t.Errorf("other token: %d %s", r.status, r.body)
		}
		// While the first request runs, a repeat is refused.
		u, err := f.tokens.Authenticate(context.Background(), tok)
		if err != nil {
			t.Fatal(err)
		}
		body := `{"recipient":{"identity":"ada@example.org"}}`
		bcID := first.json(t)["id"].(string)
		awards := "/api/v1/badges/" + bcID + "/awards"
		if _, err := f.idem.Begin(context.Background(), u, "k-2", "POST "+awards, []byte(body)); err != nil {
			t.Fatal(err)
		}
		if r := f.do("POST", awards, tok, body, "Idempotency-Key", "k-2"); r.status != 409 || r.code() != "idempotency_key_in_use" {
			t.Errorf("in progress: %d %s", r.status, r.body)
		}
		// Client errors are replayed too; a bad key is a clear error.
		bad := f.do("POST", awards, tok, `{"recipient":{"identity":"not an address"}}`, "Idempotency-Key", "k-3")
		if bad.status != 422 || bad.code() != "validation_failed" {
			t.Fatalf("invalid award: %d %s", bad.status, bad.body)
		}
		if r := f.do("POST", awards, tok, `{"recipient":{"identity":"not an address"}}`, "Idempotency-Key", "k-3"); r.status != 422 || r.header.Get("Idempotent-Replayed") != "true" {
			t.Errorf("replayed error: %d %s", r.status, r.body)
		}
		if r := f.do("POST", awards, tok, body, "Idempotency-Key", "has space"); r.status != 422 || r.json(t)["error"].(map[string]any)["fields"] == nil {
			t.Errorf("bad key: %d %s", r.status, r.body)
		}
		// Awards: the key also makes the award itself unique, and a batch's items too.
		a1 := f.do("POST", awards, tok, body, "Idempotency-Key", "k-4")
		a2 := f.do("POST", awards, tok, body, "Idempotency-Key", "k-4")
		if a1.status != 201 || a1.json(t)["id"] != a2.json(t)["id"] {
			t.Errorf("award replay: %s / %s", a1.body, a2.body)
		}
		batch := `{"awards":[{"recipient":{"identity":"b1@example.org"}},{"recipient":{"identity":"b2@example.org"}}]}`
		b1 := f.do("POST", awards, tok, batch, "Idempotency-Key", "k-5")
		if b1.status != 201 || len(b1.json(t)["awards"].([]any)) != 2 {
			t.Fatalf("batch: %d %s", b1.status, b1.body)
		}
		if b2 := f.do("POST", awards, tok, batch, "Idempotency-Key", "k-5"); string(b2.body) != string(b1.body) {
			t.Errorf("batch replay differs")
		}
		if n := f.do("GET", awards, tok, nil).json(t)["total"]; n != 3.0 {
			t.Errorf("%v awards, want 3", n)
		}
	})
}

func TestValidation(t *testing.T) {
	f := newFixture(t, storetest.NewSQLite)
	admin := f.token("admin", "", "issuers:write")
	owner := f.token("owner", "", "issuers:write", "badges:write", "awards:write", "awards:revoke")
	errOf := func(r response) (string, map[string]any) {
		e, _ := r.json(t)["error"].(map[string]any)
		fields, _ := e["fields"].(map[string]any)
		return e["code"].(string), fields
	}
	// Field problems: every one at once, named by member.
	r := f.do("POST", "/api/v1/issuers", admin, map[string]any{"name": "", "website": "acme", "logo_url": "ftp://x"})
	code, fields := errOf(r)
	if r.status != 422 || code != "validation_failed" || fields["name"] == nil || fields["website"] == nil || fields["logo_url"] == nil {
		t.Errorf("issuer fields: %d %s", r.status, r.body)
	}
	r = f.do("POST", "/api/v1/issuers/"+f.issuer.ID+"/badges", owner, map[string]any{"name": "X", "image": "data:image/png;base64,!!"})
	if code, fields = errOf(r); r.status != 422 || code != "validation_failed" || fields["image"] == nil || fields["description"] == nil || fields["criteria"] == nil {
		t.Errorf("badge fields: %d %s", r.status, r.body)
	}
	r = f.do("POST", "/api/v1/issuers/"+f.issuer.ID+"/badges", owner, map[string]any{"name": "X", "description": "D", "criteria_url": "https://x.org"})
	if code, fields = errOf(r); r.status != 422 || code != "validation_failed" || fields["image"] != "An image (PNG or SVG) is required." {
		t.Errorf("missing image: %d %s", r.status, r.body)
	}
	// Malformed requests.
	for _, tt := range []struct {
		name, body, ctype string
		status            int
		field             string
	}{
		{"unknown member", `{"name":"A","colour":"red"}`, "application/json", 400, "colour"},
		{"wrong type", `{"name":7}`, "application/json", 400, "name"},
		{"not an object", `["name"]`, "application/json", 400, ""},
		{"two objects", `{"name":"A"}{"name":"B"}`, "application/json", 400, ""},
		{"syntax", `{"name":`, "application/json", 400, ""},
		{"empty", ``, "application/json", 400, ""},
		{"form", `name=A`, "application/x-www-form-urlencoded", 415, ""},
		{"latin-1", `{"name":"A"}`, "application/json; charset=iso-8859-1", 415, ""},
		{"too large", `{"name":"` + strings.Repeat("a", 1<<20) + `"}`, "application/json", 413, ""},
	} {
		r := f.do("POST", "/api/v1/issuers", admin, tt.body, "Content-Type", tt.ctype)
		code, fields := errOf(r)
		if r.status != tt.status || code != "invalid_request" || (tt.field != "" && fields[tt.field] == nil) {
			t.Errorf("%s: %d %s", tt.name, r.status, r.body)
		}
	}
	// Batches name the item and member at fault; nothing is issued.
	bc := f.do("POST", "/api/v1/issuers/"+f.issuer.ID+"/badges", owner, badgeBody("B")).json(t)["id"].(string)
	r = f.do("POST", "/api/v1/badges/"+bc+"/awards", owner, `{"awards":[{"recipient":{"identity":"ok@example.org"}},{"recipient":{"identity":"nope"}},{"recipient":{"type":"did","identity":"x"}}]}`)
	if code, fields = errOf(r); r.status != 422 || code != "validation_failed" || fields["awards[1].recipient.identity"] == nil || fields["awards[2].recipient.identity"] == nil || len(fields) != 2 {
		t.Errorf("batch errors: %d %s", r.status, r.body)
	}
	if n := f.do("GET", "/api/v1/badges/"+bc+"/awards", owner, nil).json(t)["total"]; n != 0.0 {
		t.Errorf("a failed batch issued %v awards", n)
	}
	if r := f.do("POST", "/api/v1/badges/"+bc+"/awards", owner, `{"awards":[]}`); r.status != 422 {
		t.Errorf("empty batch: %d %s", r.status, r.body)
	}
	many := `{"awards":[` + strings.Repeat(`{"recipient":{"identity":"a@example.org"}},`, 1000) + `{"recipient":{"identity":"a@example.org"}}]}`
	if r := f.do("POST", "/api/v1/badges/"+bc+"/awards", owner, many); r.status != 422 || !strings.Contains(string(r.body), "1 to 1000") {
		t.Errorf("1001 awards: %d %s", r.status, r.body)
	}
	// Revocation needs a reason; unknown ids are 404.
	aw := f.do("POST", "/api/v1/badges/"+bc+"/awards", owner, `{"recipient":{"identity":"r@example.org"},"notify":false}`).json(t)["id"].(string)
	if r := f.do("POST", "/api/v1/awards/"+aw+"/revoke", owner, `{}`); r.status != 422 {
		t.Errorf("revoke without reason: %d %s", r.status, r.body)
	}
	r = f.do("POST", "/api/v1/awards/"+aw+"/revoke", owner, `{"reason":"Wrong person."}`)
	if m := r.json(t); r.status != 200 || m["status"] != "revoked" || m["revocation_reason"] != "Wrong person." {
		t.Errorf("revoke: %d %s", r.status, r.body)
	}
	for _, p := range []string{"/api/v1/awards/nope", "/api/v1/badges/nope", "/api/v1/issuers/nope"} {
		if r := f.do("GET", p, owner, nil); r.status != 404 || r.code() != "not_found" {
			t.Errorf("%s: %d", p, r.status)
		}
	}
}

func TestPaging(t *testing.T) {
	f := newFixture(t, storetest.NewSQLite)
	tok := f.token("owner", "", "badges:write")
	path := "/api/v1/issuers/" + f.issuer.ID + "/badges"
	for i := range 5 {
		if r := f.do("POST", path, tok, badgeBody(fmt.Sprintf("Badge %d", i))); r.status != 201 {
			t.Fatal(r.status, string(r.body))
		}
	}
	r := f.do("GET", path+"?limit=2&offset=2", tok, nil)
	m := r.json(t)
	items := m["items"].([]any)
	if len(items) != 2 || m["total"] != 5.0 || m["limit"] != 2.0 || m["offset"] != 2.0 || items[0].(map[string]any)["name"] != "Badge 2" {
		t.Errorf("page: %s", r.body)
	}
	base := f.urls.Base + path
	want := `<` + base + `?limit=2&offset=4>; rel="next", <` + base + `?limit=2&offset=0>; rel="prev"`
	if got := r.header.Get("Link"); got != want {
		t.Errorf("Link = %s\nwant   %s", got, want)
	}
	if r := f.do("GET", path+"?offset=4&limit=2", tok, nil); r.header.Get("Link") != `<`+base+`?limit=2&offset=2>; rel="prev"` || len(r.json(t)["items"].([]any)) != 1 {
		t.Errorf("last page: %s %s", r.header.Get("Link"), r.body)
	}
	if r := f.do("GET", path+"?offset=50", tok, nil); len(r.json(t)["items"].([]any)) != 0 {
		t.Errorf("past the end: %s", r.body)
	}
	if r := f.do("GET", path, tok, nil); r.header.Get("Link") != "" || r.json(t)["limit"] != 50.0 {
		t.Errorf("one page: %s %s", r.header.Get("Link"), r.body)
	}
	for _, q := range []string{"limit=0", "limit=201", "limit=x", "offset=-1"} {
		if r := f.do("GET", path+"?"+q, tok, nil); r.status != 400 || r.code() != "invalid_request" {
			t.Errorf("%s: %d %s", q, r.status, r.body)
		}
	}
	if r := f.do("GET", "/api/v1/issuers?limit=1", tok, nil); r.json(t)["total"] != 2.0 || !strings.Contains(r.header.Get("Link"), `rel="next"`) {
		t.Errorf("issuers page: %s", r.body)
	}
}
