package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/jobs"
	"github.com/rosettebadges/rosette/internal/keys"
	"github.com/rosettebadges/rosette/internal/links"
	"github.com/rosettebadges/rosette/internal/server"
	"github.com/rosettebadges/rosette/internal/service"
	"github.com/rosettebadges/rosette/internal/store"
	"github.com/rosettebadges/rosette/openbadges/jsonld"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

var start = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

// fixture is the API over a real database behind the real server chain: an issuer "Acme"
// owned by owner, with an editor, awarder and viewer; a stranger who is not staff; a site
// admin; and a second issuer "Other" owned by owner.
type fixture struct {
	t        *testing.T
	srv      *httptest.Server
	st       *store.Store
	clock    *badge.FakeClock
	api      *API
	issuers  *service.Issuers
	bcs      *service.BadgeClasses
	tokens   *service.Tokens
	idem     *service.Idempotency
	users    map[string]*badge.User
	issuer   *badge.Issuer
	other    *badge.Issuer
	urls     links.URLs
	validate bool // check every response against the OpenAPI document
}

func newFixture(t *testing.T, newStore func(testing.TB) *store.Store) *fixture {
	t.Helper()
	ctx := context.Background()
	st := newStore(t)
	master, err := keys.ParseMasterKey(keys.NewMasterKey())
	if err != nil {
		t.Fatal(err)
	}
	clock := badge.NewFakeClock(start)
	km := keys.NewManager(st, master)
	f := &fixture{t: t, st: st, clock: clock, users: map[string]*badge.User{}, urls: links.URLs{Base: "https://badges.example.org"}, validate: true}
	f.issuers = service.NewIssuers(st, km, clock, nil)
	f.bcs = service.NewBadgeClasses(st, clock, nil)
	f.tokens = service.NewTokens(st, clock, nil)
	f.idem = service.NewIdempotency(st, clock, nil)
	q := jobs.New(st, nil, clock, jobs.Options{})
	awards := service.NewAwards(service.AwardsOptions{Store: st, Keys: km, Queue: q, URLs: f.urls, Clock: clock,
		Canonicalizer: jsonld.NewProcessor(jsonld.WithLoader(jsonld.NewLoader()))})
	for _, n := range []string{"admin", "owner", "editor", "awarder", "viewer", "stranger"} {
		u := &store.User{Email: n + "@x.org", EmailKey: n + "@x.org", Name: n, PasswordHash: "x", IsAdmin: n == "admin", CreatedAt: start, UpdatedAt: start}
		if err := st.Update(ctx, func(tx *store.Tx) error { return tx.InsertUser(ctx, u) }); err != nil {
			t.Fatal(err)
		}
		f.users[n] = &badge.User{ID: u.ID, Email: u.Email, Name: n, IsAdmin: u.IsAdmin}
	}
	if f.issuer, err = f.issuers.Create(ctx, f.users["admin"], badge.IssuerFields{Name: "Acme"}, f.users["owner"].ID); err != nil {
		t.Fatal(err)
	}
	if f.other, err = f.issuers.Create(ctx, f.users["admin"], badge.IssuerFields{Name: "Other"}, f.users["owner"].ID); err != nil {
		t.Fatal(err)
	}
	for _, r := range []badge.Role{badge.RoleEditor, badge.RoleAwarder, badge.RoleViewer} {
		if _, err := f.issuers.AddMember(ctx, f.users["owner"], f.issuer.ID, string(r)+"@x.org", r); err != nil {
			t.Fatal(err)
		}
	}
	f.api, err = New(Options{Tokens: f.tokens, Idempotency: f.idem, Issuers: f.issuers, BadgeClasses: f.bcs, Awards: awards,
		URLs: f.urls, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	s := server.New(server.Options{})
	f.api.Register(s)
	f.srv = httptest.NewServer(s)
	t.Cleanup(f.srv.Close)
	return f
}

// token makes an API token of the user, limited to issuerID ("" for none) and scopes.
func (f *fixture) token(user, issuerID string, scopes ...string) string {
	f.t.Helper()
	u := f.users[user]
	text, _, err := f.tokens.Create(context.Background(), u, u.ID, issuerID, "test", scopes, time.Time{})
	if err != nil {
		f.t.Fatal(err)
	}
	return text
}

// response is an API response.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("response is not a JSON object: %v\n%s", err, r.body)
	}
	return m
}

func (r response) code() string {
	var e errorJSON
	json.Unmarshal(r.body, &e)
	return e.Error.Code
}

// do sends a request; body is sent as is when it is a string or []byte, else as JSON.
// headers are name, value pairs. Every response is checked against the OpenAPI document.
func (f *fixture) do(method, path, token string, body any, headers ...string) response {
	f.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			f.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, f.srv.URL+path, rd)
	if err != nil {
		f.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := f.srv.Client().Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		f.t.Fatal(err)
	}
	r := response{status: res.StatusCode, header: res.Header, body: b}
	if cc := res.Header.Get("Cache-Control"); strings.HasPrefix(path, Prefix) && cc != "no-store" {
		f.t.Errorf("%s %s: Cache-Control %q", method, path, cc)
	}
	if f.validate && strings.HasPrefix(path, Prefix) {
		checkAgainstOpenAPI(f.t, method, path, r)
	}
	return r
}

func testPNG(t testing.TB, side int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, side, side))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// The OpenAPI document, compiled once for the whole package's tests.
var (
	oaOnce     sync.Once
	oaCompiler *jsonschema.Compiler
	oaDoc      map[string]any
	oaPaths    []oaPath
	oaMu       sync.Mutex
	oaSchemas  = map[string]*jsonschema.Schema{}
	oaErr      error
)

const oaURL = "https://rosette.test/openapi.json"

type oaPath struct {
	template string
	re       *regexp.Regexp
}

func loadOpenAPI(t *testing.T) {
	t.Helper()
	oaOnce.Do(func() {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(openAPIDoc))
		if err != nil {
			oaErr = err
			return
		}
		oaDoc = doc.(map[string]any)
		oaCompiler = jsonschema.NewCompiler()
		if oaErr = oaCompiler.AddResource(oaURL, doc); oaErr != nil {
			return
		}
		for p := range oaDoc["paths"].(map[string]any) {
			re := regexp.MustCompile("^" + Prefix + regexp.MustCompile(`\\\{[a-z]+\\\}`).ReplaceAllString(regexp.QuoteMeta(p), `[^/]+`) + "$")
			oaPaths = append(oaPaths, oaPath{template: p, re: re})
		}
	})
	if oaErr != nil {
		t.Fatalf("openapi.json: %v", oaErr)
	}
}

func pointerEscape(s string) string {
	s = strings.ReplaceAll(s, "~", "~0")
	s = strings.ReplaceAll(s, "/", "~1")
	return strings.NewReplacer("{", "%7B", "}", "%7D").Replace(s)
}

// checkAgainstOpenAPI fails the test unless the OpenAPI document describes the response:
// the operation, its status, and (for JSON bodies) the body by the response's schema.
func checkAgainstOpenAPI(t *testing.T, method, path string, r response) {
	t.Helper()
	loadOpenAPI(t)
	path, _, _ = strings.Cut(path, "?")
	var tmpl string
	for _, p := range oaPaths {
		if p.re.MatchString(path) {
			tmpl = p.template
		}
	}
	m := strings.ToLower(method)
	item, _ := oaDoc["paths"].(map[string]any)[tmpl].(map[string]any)
	op, _ := item[m].(map[string]any)
	if op == nil {
		if r.status != http.StatusNotFound && r.status != http.StatusMethodNotAllowed {
			t.Errorf("%s %s: undocumented operation answered %d", method, path, r.status)
		}
		return
	}
	status := http.StatusText(r.status)
	resp, ok := op["responses"].(map[string]any)[itoa(r.status)].(map[string]any)
	if !ok {
		t.Errorf("%s %s: status %d (%s) is not documented", method, path, r.status, status)
		return
	}
	ptr := "#/paths/" + pointerEscape(tmpl) + "/" + m + "/responses/" + itoa(r.status)
	if ref, ok := resp["$ref"].(string); ok {
		ptr = ref
	}
	if len(r.body) == 0 || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
		return
	}
	ptr += "/content/application~1json/schema"
	oaMu.Lock()
	sch, ok := oaSchemas[ptr]
	if !ok {
		var err error
		sch, err = oaCompiler.Compile(oaURL + ptr)
		if err != nil {
			oaMu.Unlock()
			t.Fatalf("compile %s: %v", ptr, err)
		}
		oaSchemas[ptr] = sch
	}
	oaMu.Unlock()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(r.body))
	if err != nil {
		t.Errorf("%s %s: body is not JSON: %v", method, path, err)
		return
	}
	if err := sch.Validate(inst); err != nil {
		t.Errorf("%s %s %d: body does not match %s: %v\n%s", method, path, r.status, ptr, err, r.body)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func badgeFields(name string) badge.BadgeClassFields {
	return badge.BadgeClassFields{Name: name, Description: "Shows " + name + ".", CriteriaNarrative: "Do **it**."}
}
