package web

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/links"
	"github.com/rosettebadges/rosette/internal/server"
	"github.com/rosettebadges/rosette/internal/service"
	"github.com/rosettebadges/rosette/internal/store"
	"github.com/rosettebadges/rosette/internal/store/storetest"
)

// pdfText stands in for internal/pdf's renderer in these tests: a "PDF" of the document's text.
type pdfText struct{}

func (pdfText) RenderCV(_ context.Context, w io.Writer, doc *service.CVDocument) error {
	fmt.Fprintf(w, "%%PDF-test %s\n", doc.Title)
	for _, s := range doc.Sections {
		fmt.Fprintf(w, "%s: %d badges %s\n", s.Title, len(s.Badges), s.Text)
	}
	return nil
}

type cvSite struct {
	ts      *httptest.Server
	st      *store.Store
	acc     *service.Accounts
	clients map[string]*http.Client // "ada", "bob" signed in; "anon" not
	users   map[string]*badge.User
}

const cvPassword = "correct horse battery"

func newCVSite(t *testing.T) *cvSite {
	t.Helper()
	ctx := context.Background()
	st := storetest.NewSQLite(t)
	clock := badge.NewFakeClock(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))
	acc := service.NewAccounts(st, clock, nil, service.AccountsOptions{
		Hasher: service.NewPasswordHasher(service.PasswordParams{MemoryKiB: 64, Time: 1, Threads: 1}, 4)})
	urls := links.URLs{Base: testBase}
	cvs := service.NewCVs(service.CVsOptions{Store: st, URLs: urls, Clock: clock, Renderer: pdfText{}})
	data := &service.AccountData{Accounts: acc,
		Export:   service.NewAccountExport(service.AccountExportOptions{Store: st, CVs: cvs, URLs: urls, Clock: clock}),
		Deletion: service.NewAccountDeletion(service.AccountDeletionOptions{Store: st, Accounts: acc, Clock: clock})}
	s, err := New(Options{Accounts: acc, URLs: urls, Clock: clock, CVs: cvs, AccountData: data})
	if err != nil {
		t.Fatal(err)
	}
	srv := server.New(server.Options{Errors: s})
	s.Register(srv)
	cs := &cvSite{ts: httptest.NewServer(srv), st: st, acc: acc, clients: map[string]*http.Client{}, users: map[string]*badge.User{}}
	t.Cleanup(cs.ts.Close)
	base, _ := url.Parse(cs.ts.URL)
	for _, n := range []string{"ada", "bob", "anon"} {
		jar, _ := cookiejar.New(nil)
		cs.clients[n] = &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		if n == "anon" {
			continue
		}
		u, err := acc.CreateUser(ctx, n+"@example.org", strings.ToUpper(n[:1])+n[1:], cvPassword, n == "bob")
		if err != nil {
			t.Fatal(err)
		}
		cs.users[n] = u
		_, sess, err := acc.Login(ctx, n+"@example.org", cvPassword, "127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		jar.SetCookies(base, []*http.Cookie{{Name: SessionCookie, Value: sess.Token}})
	}
	// Ada holds an imported badge with an image.
	now := clock.Now()
	w := &store.WalletItem{ID: "item-knots", UserID: cs.users["ada"].ID, Source: "import", State: "accepted", Format: "ob3-json",
		Credential: []byte(`{"id":"https://other.example/c/1"}`), Image: testPNG(t, 4), ImageType: "image/png",
		CredentialKey: "k1", Name: "Knots", IssuerName: "Harbour School", VerifyStatus: "verified", VerifyReport: "{}",
		Visibility: "private", CreatedAt: now, UpdatedAt: now}
	if err := st.Update(ctx, func(tx *store.Tx) error { return tx.InsertWalletItem(ctx, w) }); err != nil {
		t.Fatal(err)
	}
	return cs
}

func (cs *cvSite) get(t *testing.T, who, path string) response {
	t.Helper()
	return get(t, cs.clients[who], cs.ts.URL+path)
}

func (cs *cvSite) post(t *testing.T, who, path string, form url.Values) response {
	t.Helper()
	return post(t, cs.clients[who], cs.ts.URL+path, form)
}

func (cs *cvSite) raw(t *testing.T, who, path string) (*http.Response, []byte) {
	t.Helper()
	resp, err := cs.clients[who].Get(cs.ts.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

func noInlineCode(t *testing.T, path string, r response) {
	t.Helper()
	if m := inlineStyle.FindString(r.body); m != "" {
		t.Errorf("%s has inline code %q", path, m)
	}
	for _, tag := range scriptTag.FindAllString(r.body, -1) {
		if !strings.Contains(tag, " src=") {
			t.Errorf("%s has an inline script %q", path, tag)
		}
	}
}

var shareURL = regexp.MustCompile(`value="` + regexp.QuoteMeta(testBase) + `/cv/([A-Za-z0-9_-]+)"`)

func TestCVBuilderPages(t *testing.T) {
	cs := newCVSite(t)
	if r := cs.get(t, "anon", "/wallet/cvs"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/login") {
		t.Errorf("signed out: %d %s", r.status, r.location)
	}
	r := cs.post(t, "ada", "/wallet/cvs", url.Values{"title": {" "}})
	wantStatus(t, "empty title", r, http.StatusUnprocessableEntity)
	mustContain(t, r, "Give the CV a title.", `aria-invalid="true"`)
	r = cs.post(t, "ada", "/wallet/cvs", url.Values{"title": {"Sea jobs"}})
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/wallet/cvs/") {
		t.Fatalf("create: %d %q", r.status, r.location)
	}
	cv := r.location
	r = cs.get(t, "ada", cv)
	wantStatus(t, "builder", r, http.StatusOK)
	mustContain(t, r, "Sea jobs", "The CV is made.", "No sections yet.", "Share by link", `value="item-knots"`, "Knots")
	noInlineCode(t, cv, r)

	// Sections: text, then badges; a bad links section comes back with its error and input.
	if r := cs.post(t, "ada", cv+"/sections", url.Values{"kind": {"text"}, "title": {"About me"}, "text": {"Sailor and welder."}}); r.status != http.StatusSeeOther {
		t.Fatalf("add text: %d %s", r.status, r.body)
	}
	if r := cs.post(t, "ada", cv+"/sections", url.Values{"kind": {"badges"}, "item": {"item-knots"}}); r.status != http.StatusSeeOther {
		t.Fatalf("add badges: %d %s", r.status, r.body)
	}
	r = cs.post(t, "ada", cv+"/sections", url.Values{"kind": {"links"}, "links": {"Portfolio | ftp://x.example"}})
	wantStatus(t, "bad link", r, http.StatusUnprocessableEntity)
	mustContain(t, r, "Line 1:", "Portfolio | ftp://x.example", `<details open>`)
	r = cs.post(t, "ada", cv+"/sections", url.Values{"kind": {"badges"}, "item": {"someone-elses"}})
	wantStatus(t, "foreign badge", r, http.StatusUnprocessableEntity)
	mustContain(t, r, "Choose badges from your wallet.")

	order := func() []string {
		r := cs.get(t, "ada", cv)
		var out []string
		for _, m := range regexp.MustCompile(`<li id="section-([a-z0-9]+)" class="cv-section">\s*<h3>([^<]+)`).FindAllStringSubmatch(r.body, -1) {
			out = append(out, strings.TrimSpace(m[2]))
		}
		return out
	}
	if got := order(); strings.Join(got, ",") != "About me,Badges" {
		t.Fatalf("order = %q", got)
	}
	r = cs.get(t, "ada", cv)
	ids := regexp.MustCompile(`<li id="section-([a-z0-9]+)"`).FindAllStringSubmatch(r.body, -1)
	if len(ids) != 2 {
		t.Fatalf("section ids %v", ids)
	}
	textID, badgesID := ids[0][1], ids[1][1]
	if r := cs.post(t, "ada", cv+"/sections/"+badgesID+"/move", url.Values{"dir": {"up"}}); r.status != http.StatusSeeOther {
		t.Fatalf("move: %d", r.status)
	}
	if got := order(); strings.Join(got, ",") != "Badges,About me" {
		t.Errorf("after move up = %q", got)
	}
	if r := cs.post(t, "ada", cv+"/sections/"+textID, url.Values{"kind": {"text"}, "title": {"Profile"}, "text": {"Sailor."}}); r.status != http.StatusSeeOther {
		t.Fatalf("edit: %d %s", r.status, r.body)
	}
	if got := order(); strings.Join(got, ",") != "Badges,Profile" {
		t.Errorf("after edit = %q", got)
	}
	// Bob cannot see or change Ada's CV.
	wantStatus(t, "bob reads", cs.get(t, "bob", cv), http.StatusNotFound)
	wantStatus(t, "bob moves", cs.post(t, "bob", cv+"/sections/"+textID+"/move", url.Values{"dir": {"up"}}), http.StatusNotFound)
	wantStatus(t, "bob shares", cs.post(t, "bob", cv+"/share", nil), http.StatusNotFound)
	wantStatus(t, "bob's PDF", cs.get(t, "bob", cv+".pdf"), http.StatusNotFound)

	// The owner's PDF.
	resp, body := cs.raw(t, "ada", cv+".pdf")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(body, []byte("%PDF")) ||
		!bytes.Contains(body, []byte("Badges: 1 badges")) {
		t.Errorf("owner PDF: %d %s %q", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}

	// Share; the link works signed out, read-only and not indexed; stop sharing kills it.
	if r := cs.post(t, "ada", cv+"/share", nil); r.status != http.StatusSeeOther {
		t.Fatalf("share: %d", r.status)
	}
	m := shareURL.FindStringSubmatch(cs.get(t, "ada", cv).body)
	if m == nil {
		t.Fatal("no share URL on the builder")
	}
	token := m[1]
	resp, body = cs.raw(t, "anon", "/cv/"+token)
	page := response{status: resp.StatusCode, body: string(body)}
	wantStatus(t, "shared page", page, http.StatusOK)
	mustContain(t, page, "Sea jobs", "Ada", "Knots", "Harbour School", "Sailor.", `<meta name="robots" content="noindex">`,
		`href="https://other.example/c/1"`, "/cv/"+token+"/badges/item-knots/image", "/cv/"+token+".pdf")
	if strings.Contains(page.body, "/sections/") || strings.Contains(page.body, "<form method=\"post\" action=\"/wallet") {
		t.Error("the shared page has builder forms")
	}
	if resp.Header.Get("X-Robots-Tag") == "" || resp.Header.Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("shared page headers: %v", resp.Header)
	}
	noInlineCode(t, "/cv/TOKEN", page)
	resp, body = cs.raw(t, "anon", "/cv/"+token+"/badges/item-knots/image")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/png" || !bytes.HasPrefix(body, []byte("\x89PNG")) {
		t.Errorf("shared image: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	resp, body = cs.raw(t, "anon", "/cv/"+token+".pdf")
	if resp.StatusCode != http.StatusOK || !bytes.HasPrefix(body, []byte("%PDF-test Sea jobs")) {
		t.Errorf("shared PDF: %d %q", resp.StatusCode, body)
	}
	wantStatus(t, "unknown token", cs.get(t, "anon", "/cv/not-a-token"), http.StatusNotFound)
	if r := cs.post(t, "ada", cv+"/unshare", nil); r.status != http.StatusSeeOther {
		t.Fatalf("unshare: %d", r.status)
	}
	wantStatus(t, "old link", cs.get(t, "anon", "/cv/"+token), http.StatusNotFound)
	wantStatus(t, "old PDF link", cs.get(t, "anon", "/cv/"+token+".pdf"), http.StatusNotFound)

	// Remove a section, rename and delete the CV.
	if r := cs.post(t, "ada", cv+"/sections/"+badgesID+"/remove", nil); r.status != http.StatusSeeOther {
		t.Fatalf("remove: %d", r.status)
	}
	if got := order(); strings.Join(got, ",") != "Profile" {
		t.Errorf("after remove = %q", got)
	}
	if r := cs.post(t, "ada", cv+"/title", url.Values{"title": {"Harbour jobs"}}); r.status != http.StatusSeeOther {
		t.Fatalf("rename: %d", r.status)
	}
	mustContain(t, cs.get(t, "ada", "/wallet/cvs"), "Harbour jobs")
	if r := cs.post(t, "ada", cv+"/delete", nil); r.status != http.StatusSeeOther || r.location != "/wallet/cvs" {
		t.Fatalf("delete: %d %s", r.status, r.location)
	}
	wantStatus(t, "deleted CV", cs.get(t, "ada", cv), http.StatusNotFound)
}

func TestAccountExportPage(t *testing.T) {
	cs := newCVSite(t)
	if r := cs.post(t, "ada", "/wallet/cvs", url.Values{"title": {"Sea jobs"}}); r.status != http.StatusSeeOther {
		t.Fatal(r.status)
	}
	// The account page links to both; the navigation to the CVs.
	mustContain(t, cs.get(t, "ada", "/account/password"), `href="/account/export"`, `href="/account/delete"`, `href="/wallet/cvs"`)
	r := cs.get(t, "ada", "/account/export")
	wantStatus(t, "form", r, http.StatusOK)
	mustContain(t, r, "Export your data", `type="password"`)
	noInlineCode(t, "/account/export", r)
	r = cs.post(t, "ada", "/account/export", url.Values{"password": {"wrong"}})
	wantStatus(t, "wrong password", r, http.StatusUnauthorized)
	mustContain(t, r, "The password is incorrect.", `aria-invalid="true"`)

	resp, err := cs.clients["ada"].PostForm(cs.ts.URL+"/account/export", url.Values{"password": {cvPassword}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/zip" ||
		!strings.HasPrefix(resp.Header.Get("Content-Disposition"), `attachment; filename="rosette-data-2026-11-23.zip"`) {
		t.Fatalf("export: %d %v", resp.StatusCode, resp.Header)
	}
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	got := strings.Join(names, ",")
	for _, want := range []string{"account.json", "credentials/item-knots.json", "images/item-knots.png", "README.txt", ".pdf"} {
		if !strings.Contains(got, want) {
			t.Errorf("export lacks %s: %s", want, got)
		}
	}
	if r := cs.get(t, "anon", "/account/export"); r.status != http.StatusSeeOther {
		t.Errorf("signed out: %d", r.status)
	}
}

func TestAccountDeletePage(t *testing.T) {
	cs := newCVSite(t)
	r := cs.get(t, "ada", "/account/delete")
	wantStatus(t, "form", r, http.StatusOK)
	mustContain(t, r, "Type DELETE to confirm", "Badges issued to you stay")
	noInlineCode(t, "/account/delete", r)
	r = cs.post(t, "ada", "/account/delete", url.Values{"password": {cvPassword}, "confirm": {"yes"}})
	wantStatus(t, "wrong word", r, http.StatusUnprocessableEntity)
	mustContain(t, r, "Type DELETE in capital letters to confirm.")
	r = cs.post(t, "ada", "/account/delete", url.Values{"password": {"nope"}, "confirm": {"DELETE"}})
	wantStatus(t, "wrong password", r, http.StatusUnauthorized)
	// Bob is the only administrator.
	r = cs.post(t, "bob", "/account/delete", url.Values{"password": {cvPassword}, "confirm": {"DELETE"}})
	wantStatus(t, "last admin", r, http.StatusForbidden)
	mustContain(t, r, "only site administrator")

	r = cs.post(t, "ada", "/account/delete", url.Values{"password": {cvPassword}, "confirm": {"DELETE"}})
	if r.status != http.StatusSeeOther || r.location != "/login" {
		t.Fatalf("delete: %d %s %s", r.status, r.location, r.body)
	}
	mustContain(t, cs.get(t, "ada", "/login"), "Your account and its data are deleted.")
	if r := cs.get(t, "ada", "/wallet/cvs"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/login") {
		t.Errorf("after deletion: %d %s", r.status, r.location)
	}
	if _, _, err := cs.acc.Login(context.Background(), "ada@example.org", cvPassword, "127.0.0.1"); err == nil {
		t.Error("the deleted account can still sign in")
	}
}
