package web

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/bulk"
	"github.com/rosettebadges/rosette/internal/jobs"
	"github.com/rosettebadges/rosette/internal/keys"
	"github.com/rosettebadges/rosette/internal/server"
	"github.com/rosettebadges/rosette/internal/service"
	"github.com/rosettebadges/rosette/internal/store"
	"github.com/rosettebadges/rosette/internal/store/storetest"
)

// countingAwards stands in for service.Awards behind the bulk job in the page tests: it
// makes one award per key.
type countingAwards struct {
	mu    sync.Mutex
	byKey map[string]*badge.Award
}

func (c *countingAwards) IssueBatch(_ context.Context, _ *badge.User, reqs []badge.AwardRequest) ([]*badge.Award, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]*badge.Award, len(reqs))
	for i, r := range reqs {
		if c.byKey[r.Key] == nil {
			c.byKey[r.Key] = &badge.Award{ID: fmt.Sprint(len(c.byKey)), Recipient: r.Recipient, CreatedAt: time.Now()}
		}
		out[i] = c.byKey[r.Key]
	}
	return out, nil
}

type bulkSite struct {
	ts      *httptest.Server
	queue   *jobs.Queue
	bc      *badge.BadgeClass
	clients map[string]*http.Client
}

// newBulkSite runs the pages on the real issuers, badge classes and bulk services on SQLite,
// with an owner, an awarder, a viewer and a stranger, and one badge class.
func newBulkSite(t *testing.T, maxBody ...int64) *bulkSite {
	t.Helper()
	ctx := context.Background()
	st := storetest.NewSQLite(t)
	master, err := keys.ParseMasterKey(keys.NewMasterKey())
	if err != nil {
		t.Fatal(err)
	}
	clock := badge.SystemClock{}
	issuers := service.NewIssuers(st, keys.NewManager(st, master), clock, nil)
	acc := &tokenAccounts{users: map[string]*badge.User{}}
	users := map[string]*badge.User{}
	for _, n := range []string{"owner", "awarder", "viewer", "stranger"} {
		u := &store.User{Email: n + "@x.org", EmailKey: n + "@x.org", Name: "User " + n, PasswordHash: "x", CreatedAt: time.Now(), UpdatedAt: time.Now()}
		if err := st.Update(ctx, func(tx *store.Tx) error { return tx.InsertUser(ctx, u) }); err != nil {
			t.Fatal(err)
		}
		users[n] = &badge.User{ID: u.ID, Email: u.Email, Name: u.Name}
		acc.users["token-"+n] = users[n]
	}
	iss, err := issuers.Create(ctx, service.System, badge.IssuerFields{Name: "Acme"}, users["owner"].ID)
	if err != nil {
		t.Fatal(err)
	}
	for n, r := range map[string]badge.Role{"awarder": badge.RoleAwarder, "viewer": badge.RoleViewer} {
		if _, err := issuers.AddMember(ctx, users["owner"], iss.ID, n+"@x.org", r); err != nil {
			t.Fatal(err)
		}
	}
	var img bytes.Buffer
	png.Encode(&img, image.NewGray(image.Rect(0, 0, 8, 8)))
	bs := &bulkSite{clients: map[string]*http.Client{}}
	bs.bc, err = service.NewBadgeClasses(st, clock, nil).Create(ctx, users["owner"], iss.ID,
		badge.BadgeClassFields{Name: "Welder", Description: "Welds.", CriteriaNarrative: "Weld."}, img.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	bs.queue = jobs.New(st, nil, clock, jobs.Options{Workers: 1})
	bulkSvc := service.NewBulk(st, bs.queue, &countingAwards{byKey: map[string]*badge.Award{}}, clock, nil)
	bulkSvc.Register()
	s, err := New(Options{Accounts: acc, Issuers: issuers, Bulk: bulkSvc})
	if err != nil {
		t.Fatal(err)
	}
	limit := int64(25 << 20)
	if len(maxBody) > 0 {
		limit = maxBody[0]
	}
	srv := server.New(server.Options{Errors: s, MaxBodyBytes: limit})
	s.Register(srv)
	bs.ts = httptest.NewServer(srv)
	t.Cleanup(bs.ts.Close)
	base, _ := url.Parse(bs.ts.URL)
	for n := range users {
		jar, _ := cookiejar.New(nil)
		jar.SetCookies(base, []*http.Cookie{{Name: SessionCookie, Value: "token-" + n}})
		bs.clients[n] = &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	return bs
}

func (bs *bulkSite) get(t *testing.T, who, path string) response {
	t.Helper()
	return get(t, bs.clients[who], bs.ts.URL+path)
}

func (bs *bulkSite) post(t *testing.T, who, path string, form url.Values) response {
	t.Helper()
	return post(t, bs.clients[who], bs.ts.URL+path, form)
}

// upload posts the upload form with a file (none when data is nil).
func (bs *bulkSite) upload(t *testing.T, who, filename string, data []byte, notify bool) response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if data != nil {
		fw, err := mw.CreateFormFile("file", filename)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(data)
	}
	if notify {
		mw.WriteField("notify", "1")
	}
	mw.Close()
	resp, err := bs.clients[who].Post(bs.ts.URL+"/admin/badges/"+bs.bc.ID+"/bulk", mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	return read(t, resp)
}

func (bs *bulkSite) work(t *testing.T) {
	t.Helper()
	for {
		ran, err := bs.queue.WorkOne(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if !ran {
			return
		}
	}
}

func TestBulkPagesPermissions(t *testing.T) {
	bs := newBulkSite(t)
	r := bs.upload(t, "owner", "a.csv", []byte("email\nada@example.org\n"), false)
	wantStatus(t, "owner upload", r, http.StatusSeeOther)
	page := r.location
	for who, want := range map[string]int{"owner": http.StatusOK, "awarder": http.StatusOK, "viewer": http.StatusForbidden, "stranger": http.StatusForbidden} {
		wantStatus(t, who+" form", bs.get(t, who, "/admin/badges/"+bs.bc.ID+"/bulk"), want)
		wantStatus(t, who+" page", bs.get(t, who, page), want)
		if want != http.StatusOK {
			wantStatus(t, who+" upload", bs.upload(t, who, "b.csv", []byte("email\nbob@example.org\n"), false), want)
			wantStatus(t, who+" confirm", bs.post(t, who, page+"/confirm", nil), want)
			wantStatus(t, who+" cancel", bs.post(t, who, page+"/cancel", nil), want)
		}
	}
	wantStatus(t, "missing badge class", bs.get(t, "owner", "/admin/badges/nope/bulk"), http.StatusNotFound)
	wantStatus(t, "missing upload", bs.get(t, "owner", "/admin/bulk/nope"), http.StatusNotFound)
	anon := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if r := get(t, anon, bs.ts.URL+page); r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/login") {
		t.Errorf("signed out: %d %s", r.status, r.location)
	}
}

func TestBulkUploadPreviewConfirmProgress(t *testing.T) {
	bs := newBulkSite(t)
	form := bs.get(t, "awarder", "/admin/badges/"+bs.bc.ID+"/bulk")
	mustContain(t, form, "<h1>Award in bulk</h1>", `enctype="multipart/form-data"`, `href="/admin/bulk/example.csv"`,
		`name="notify" value="1" checked`, "Welder", "Acme")

	// A file with one bad row: the preview lists it, and issuing needs the skip choice.
	data := "E-mail;Name;Issued\r\nada@example.org;Ada;2026-01-02\r\nnot-an-address;Bob;\r\ncy@example.org;Cy;tomorrow\r\ndee@example.org;<b>Dee</b>;\r\n"
	r := bs.upload(t, "awarder", "class list.csv", []byte(data), true)
	wantStatus(t, "upload", r, http.StatusSeeOther)
	page := r.location
	if !strings.HasPrefix(page, "/admin/bulk/") {
		t.Fatalf("redirect to %q", page)
	}
	r = bs.get(t, "awarder", page)
	wantStatus(t, "preview", r, http.StatusOK)
	mustContain(t, r, "<h1>class list.csv</h1>", "<dt>Rows</dt><dd>4</dd>", "<dt>Ready to issue</dt><dd>2</dd>",
		"<dt>With errors</dt><dd>2</dd>", "Rows with errors (2)",
		`<tr><th scope="row">3</th><td><code>email</code></td><td>Email address &#34;not-an-address&#34; is not valid.</td></tr>`,
		`<tr><th scope="row">4</th><td><code>issued</code></td><td>Write the date as YYYY-MM-DD`,
		"Issue 2 badges and skip the 2 invalid rows", "Upload a corrected file", "&lt;b&gt;Dee&lt;/b&gt;", "2026-01-02")
	if strings.Contains(r.body, `http-equiv="refresh"`) {
		t.Error("the preview refreshes itself")
	}
	r = bs.post(t, "awarder", page+"/confirm", nil)
	wantStatus(t, "confirm without skipping", r, http.StatusUnprocessableEntity)
	mustContain(t, r, "2 rows have errors. Upload a corrected file, or choose to skip the invalid rows.")
	wantStatus(t, "confirm skipping", bs.post(t, "awarder", page+"/confirm", url.Values{"skip_invalid": {"1"}}), http.StatusSeeOther)
	r = bs.get(t, "awarder", page)
	mustContain(t, r, `<meta http-equiv="refresh" content="2">`, `<progress id="progress" max="4" value="0">`, "Waiting to start",
		"Issuing has started", "Stop issuing")
	wantStatus(t, "confirm twice", bs.post(t, "awarder", page+"/confirm", url.Values{"skip_invalid": {"1"}}), http.StatusConflict)

	bs.work(t)
	r = bs.get(t, "awarder", page)
	mustContain(t, r, `<progress id="progress" max="4" value="4">`, "4 of 4 rows processed (100%)", "<dt>Issued now</dt><dd>2</dd>",
		"<dt>Not issued</dt><dd>2", `href="/admin/badges/`+bs.bc.ID+`/awards"`, "See the awards")
	if strings.Contains(r.body, `http-equiv="refresh"`) {
		t.Error("a finished upload refreshes itself")
	}
	// Another upload. (Whether its rows count as already issued is the awards table's to
	// say, which this fake issuer does not write: the service tests check that.)
	r = bs.upload(t, "awarder", "again.csv", []byte("email,issued\nada@example.org,2026-01-02\n"), false)
	again := r.location
	r = bs.get(t, "awarder", again)
	mustContain(t, r, `<button type="submit" class="button button-primary">Issue 1 badge</button>`)
	bs.post(t, "awarder", again+"/confirm", nil)
	bs.work(t)
	mustContain(t, bs.get(t, "awarder", again), "1 of 1 rows processed (100%)", "See the awards")
	// Both uploads are listed on the form.
	mustContain(t, bs.get(t, "awarder", "/admin/badges/"+bs.bc.ID+"/bulk"), "Recent uploads", `href="`+page+`">class list.csv</a>`, `href="`+again+`">again.csv</a>`)
}

func TestBulkUploadFileErrors(t *testing.T) {
	bs := newBulkSite(t)
	for _, tt := range []struct {
		name string
		data []byte
		want string
	}{
		{"no file", nil, `id="file-error">Choose a CSV file to upload.`},
		{"unknown column", []byte("email,grade\nada@example.org,A\n"), `id="file-error">Line 1: Unknown column &#34;grade&#34;.`},
		{"latin-1", []byte("email,name\nada@example.org,Ad\xe9\n"), `id="file-error">Line 2: The file is not UTF-8 text`},
		{"empty", []byte{}, `id="file-error">The file is empty.`},
	} {
		r := bs.upload(t, "awarder", "x.csv", tt.data, false)
		wantStatus(t, tt.name, r, http.StatusUnprocessableEntity)
		mustContain(t, r, tt.want, `aria-invalid="true"`, "<h1>Award in bulk</h1>")
		if strings.Contains(r.body, `name="notify" value="1" checked`) {
			t.Errorf("%s: the notify choice was not kept", tt.name)
		}
	}
}

func TestBulkCancelAndExample(t *testing.T) {
	bs := newBulkSite(t)
	r := bs.upload(t, "awarder", "a.csv", []byte("email\nada@example.org\n"), false)
	page := r.location
	r = bs.post(t, "awarder", page+"/cancel", nil)
	wantStatus(t, "cancel", r, http.StatusSeeOther)
	if r.location != "/admin/badges/"+bs.bc.ID+"/bulk" {
		t.Errorf("cancel goes to %q", r.location)
	}
	mustContain(t, bs.get(t, "awarder", page), "Cancelled", "Upload a file")
	wantStatus(t, "cancel twice", bs.post(t, "awarder", page+"/cancel", nil), http.StatusConflict)

	resp, err := bs.clients["awarder"].Get(bs.ts.URL + "/admin/bulk/example.csv")
	if err != nil {
		t.Fatal(err)
	}
	ex := read(t, resp)
	if ex.status != http.StatusOK || ex.body != bulk.ExampleCSV || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" ||
		!strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("example: %d %q %v", ex.status, ex.body, resp.Header)
	}
}

func TestBulkUploadOverServerLimit(t *testing.T) {
	bs := newBulkSite(t, 64<<10)
	data := []byte("email\n" + strings.Repeat("someone@example.org\n", 5000))
	r := bs.upload(t, "awarder", "big.csv", data, false)
	wantStatus(t, "too large", r, http.StatusRequestEntityTooLarge)
	mustContain(t, r, "Too much data")
}
