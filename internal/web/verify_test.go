package web

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"github.com/rosettebadges/rosette/internal/testenv"
	"image"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rosettebadges/rosette/internal/server"
	"github.com/rosettebadges/rosette/openbadges/bake"
	"github.com/rosettebadges/rosette/openbadges/did"
	"github.com/rosettebadges/rosette/openbadges/fetch"
	"github.com/rosettebadges/rosette/openbadges/key"
	"github.com/rosettebadges/rosette/openbadges/proof"
	"github.com/rosettebadges/rosette/openbadges/verify"
)

// dccFixture reads a DCC test credential in place, or skips (fails under make test) when
// the fixtures are not next to the repository (as internal/cli's tests do).
func dccFixture(t *testing.T, rel string) []byte {
	t.Helper()
	return testenv.ReadFixture(t, "digitalcredentials-vc-test-fixtures/verifiableCredentials/"+rel)
}

const (
	validOB3    = "v2/dataIntegrityProof/didKey/legacyRegistry-noStatus-noExpiry-basicOBv3.json"
	tamperedOB3 = "v2/ed25519/didKey/legacy-noStatus-noExpiry-tampered.json"
)

// verifySite starts the pages with the verification page behind the real server middleware.
// allowPrivate is the fetcher's --fetch-allow-private.
func verifySite(t *testing.T, allowPrivate bool, opts Options) (*httptest.Server, *http.Client) {
	t.Helper()
	f := fetch.NewClient(fetch.Options{AllowPrivate: allowPrivate})
	opts.Accounts = newMemAccounts()
	opts.NewVerifier = func(recipient string) *verify.Verifier {
		return verify.New(verify.Options{Fetcher: f, Recipient: recipient})
	}
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := server.New(server.Options{Errors: s})
	s.Register(srv)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts, ts.Client()
}

// multipartBody builds a form with the given fields and, if name is set, one file.
func multipartBody(t *testing.T, fields map[string]string, name string, file []byte) (io.Reader, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(file)
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return &b, mw.FormDataContentType()
}

func postVerify(t *testing.T, c *http.Client, base string, fields map[string]string, name string, file []byte, accept string) (response, http.Header) {
	t.Helper()
	body, ct := multipartBody(t, fields, name, file)
	req, err := http.NewRequest(http.MethodPost, base+"/verify", body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", ct)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return read(t, resp), resp.Header
}

// checkRow returns the text of the report's check row named name, tags removed.
func checkRow(body, status, name string) bool {
	re := regexp.MustCompile(`(?s)<li class="check check-` + status + `">\s*<span class="check-status">[^<]*</span>\s*<span class="check-name">` + regexp.QuoteMeta(name) + `</span>`)
	return re.MatchString(body)
}

// bakedPNG bakes payload into a small PNG image.
func bakedPNG(t *testing.T, payload []byte) []byte {
	t.Helper()
	var img bytes.Buffer
	if err := png.Encode(&img, image.NewRGBA(image.Rect(0, 0, 4, 4))); err != nil {
		t.Fatal(err)
	}
	b, err := bake.Bake(img.Bytes(), bake.OB3, payload)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// vcJWT re-issues the valid fixture credential as a VC-JWT signed by a did:key of our own.
func vcJWT(t *testing.T) string {
	t.Helper()
	var cred map[string]any
	if err := json.Unmarshal(dccFixture(t, validOB3), &cred); err != nil {
		t.Fatal(err)
	}
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))
	d, vm, err := did.KeyDID(priv.Public())
	if err != nil {
		t.Fatal(err)
	}
	delete(cred, "proof")
	cred["issuer"].(map[string]any)["id"] = d
	payload, err := json.Marshal(cred)
	if err != nil {
		t.Fatal(err)
	}
	k, err := key.NewPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	tok, err := proof.SignJWT(payload, k, proof.JWTOptions{KeyID: vm})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// ob2Server serves a hosted OB 2.0 badge (assertion, badge class, issuer) on loopback.
func ob2Server(t *testing.T) *httptest.Server {
	t.Helper()
	docs := map[string]string{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d, ok := docs[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/ld+json")
		w.Write([]byte(d))
	}))
	t.Cleanup(srv.Close)
	u := srv.URL
	docs["/assertion.json"] = `{"@context":"https://w3id.org/openbadges/v2","type":"Assertion","id":"` + u + `/assertion.json",
 "recipient":{"type":"email","hashed":false,"identity":"sam@example.org"},
 "issuedOn":"2016-12-31T23:59:59Z","badge":"` + u + `/badge.json","verification":{"type":"hosted"}}`
	docs["/badge.json"] = `{"@context":"https://w3id.org/openbadges/v2","type":"BadgeClass","id":"` + u + `/badge.json","name":"Awesome Robotics Badge",
 "description":"For robots.","image":"https://images.example/badge.png","criteria":"` + u + `/criteria.html","issuer":"` + u + `/issuer.json","tags":["robots"]}`
	docs["/issuer.json"] = `{"@context":"https://w3id.org/openbadges/v2","type":"Issuer","id":"` + u + `/issuer.json","name":"Example Issuer","url":"` + u + `","email":"contact@example.org"}`
	return srv
}

func TestVerifyPageForm(t *testing.T) {
	ts, c := verifySite(t, false, Options{})
	r := get(t, c, ts.URL+"/verify")
	if r.status != http.StatusOK {
		t.Fatalf("GET /verify: %d", r.status)
	}
	mustContain(t, r, `<h1 id="verify-title">Verify a badge</h1>`, `enctype="multipart/form-data"`, `name="file"`, `name="text"`,
		`name="url"`, `name="recipient"`, `<a href="/verify" aria-current="page">Verify a badge</a>`)
	if strings.Contains(r.body, "<script>") || strings.Contains(r.body, " style=") {
		t.Error("the page has inline script or style")
	}
	// The navigation entry is on every page, for visitors too.
	mustContain(t, get(t, c, ts.URL+"/login"), `<a href="/verify">Verify a badge</a>`)
}

func TestVerifyPagePasteUploadAndErrors(t *testing.T) {
	ts, c := verifySite(t, false, Options{})
	valid := dccFixture(t, validOB3)
	tests := []struct {
		name     string
		fields   map[string]string
		file     string
		data     []byte
		status   int
		contains []string
		failed   string // a check that must be shown as failed
		passed   string // a check that must be shown as passed
	}{
		{"valid OB 3.0 credential pasted", map[string]string{"text": string(valid)}, "", nil, http.StatusOK,
			[]string{`<p class="verdict-heading">Verified</p>`, "Teamwork", "Example Corp", "Technical detail",
				"The credential as received", `&#34;credentialSubject&#34;`}, "", "Signature"},
		{"tampered credential pasted", map[string]string{"text": string(dccFixture(t, tamperedOB3))}, "", nil, http.StatusOK,
			[]string{`<p class="verdict-heading">Not valid</p>`, "does not match"}, "Signature", ""},
		{"baked PNG uploaded", nil, "badge.png", bakedPNG(t, valid), http.StatusOK,
			[]string{`<p class="verdict-heading">Verified</p>`, "read from a baked PNG image"}, "", "Baked image"},
		{"JSON file uploaded", nil, "badge.json", valid, http.StatusOK,
			[]string{`<p class="verdict-heading">Verified</p>`}, "", "Signature"},
		{"VC-JWT pasted", map[string]string{"text": vcJWT(t)}, "", nil, http.StatusOK,
			[]string{`<p class="verdict-heading">Verified</p>`, "signed token (VC-JWT)"}, "", "Signature"},
		{"recipient that does not match", map[string]string{"text": string(valid), "recipient": "did:example:someone-else"}, "", nil, http.StatusOK,
			[]string{`<p class="verdict-heading">Not valid</p>`}, "", ""},
		{"recipient that matches", map[string]string{"text": string(valid), "recipient": "did:example:ebfeb1f712ebc6f1c276e12ec21"}, "", nil, http.StatusOK,
			[]string{`<p class="verdict-heading">Verified</p>`}, "", ""},
		{"not a badge", map[string]string{"text": "hello there"}, "", nil, http.StatusOK,
			[]string{`<p class="verdict-heading">Not valid</p>`, "This is not a badge that can be read"}, "Input", ""},
		{"empty form", map[string]string{"text": "  ", "url": ""}, "", nil, http.StatusUnprocessableEntity,
			[]string{`role="alert"`, "Nothing to verify: choose a file, paste the badge, or give its web address."}, "", ""},
		{"two inputs", map[string]string{"text": string(valid), "url": "https://example.org/a.json"}, "", nil, http.StatusUnprocessableEntity,
			[]string{"Give the badge in one way only"}, "", ""},
		{"oversize upload", nil, "huge.png", bytes.Repeat([]byte("a"), maxVerifyInput+1), http.StatusRequestEntityTooLarge,
			[]string{"larger than 5 MiB"}, "", ""},
		{"oversize paste", map[string]string{"text": strings.Repeat("a", maxVerifyInput+1)}, "", nil, http.StatusRequestEntityTooLarge,
			[]string{"larger than 5 MiB"}, "", ""},
		{"URL without scheme", map[string]string{"url": "example.org/badge.json"}, "", nil, http.StatusUnprocessableEntity,
			[]string{`id="url-error"`, "starting with https://"}, "", ""},
		{"recipient too long", map[string]string{"text": string(valid), "recipient": strings.Repeat("x", 600)}, "", nil, http.StatusUnprocessableEntity,
			[]string{`id="recipient-error"`}, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, h := postVerify(t, c, ts.URL, tc.fields, tc.file, tc.data, "")
			if r.status != tc.status {
				t.Fatalf("status %d, want %d\n%s", r.status, tc.status, r.body)
			}
			mustContain(t, r, tc.contains...)
			if tc.failed != "" && !checkRow(r.body, "fail", tc.failed) {
				t.Errorf("the report does not show the check %q as failed", tc.failed)
			}
			if tc.passed != "" && !checkRow(r.body, "pass", tc.passed) {
				t.Errorf("the report does not show the check %q as passed", tc.passed)
			}
			if got := h.Get("Content-Security-Policy"); got != server.ContentSecurityPolicy {
				t.Errorf("CSP %q: a report without remote images keeps the strict policy", got)
			}
		})
	}
}

func TestVerifyPageURL(t *testing.T) {
	hosted := ob2Server(t)
	assertion := hosted.URL + "/assertion.json"
	t.Run("private address allowed", func(t *testing.T) {
		ts, c := verifySite(t, true, Options{})
		r, h := postVerify(t, c, ts.URL, map[string]string{"url": assertion}, "", nil, "")
		if r.status != http.StatusOK {
			t.Fatalf("status %d\n%s", r.status, r.body)
		}
		mustContain(t, r, `<p class="verdict-heading">Verified</p>`, "Awesome Robotics Badge", "Example Issuer",
			`<img class="badge-image" src="https://images.example/badge.png"`, "sam@example.org", "31 December 2016, 23:59 UTC")
		if got := h.Get("Content-Security-Policy"); !strings.Contains(got, "img-src 'self' data: https: http:") {
			t.Errorf("CSP %q does not allow the badge's remote image", got)
		}
		// The linkable form: GET /verify?url=...
		r = get(t, c, ts.URL+"/verify?"+url.Values{"url": {assertion}, "recipient": {"sam@example.org"}}.Encode())
		mustContain(t, r, `<p class="verdict-heading">Verified</p>`)
		r = get(t, c, ts.URL+"/verify?"+url.Values{"url": {assertion}, "recipient": {"kim@example.org"}}.Encode())
		mustContain(t, r, `<p class="verdict-heading">Not valid</p>`)
		r = get(t, c, ts.URL+"/verify?url=javascript:alert(1)")
		if r.status != http.StatusUnprocessableEntity {
			t.Errorf("a javascript: URL: status %d", r.status)
		}
	})
	t.Run("private address refused", func(t *testing.T) {
		ts, c := verifySite(t, false, Options{})
		r, _ := postVerify(t, c, ts.URL, map[string]string{"url": assertion}, "", nil, "")
		mustContain(t, r, `<p class="verdict-heading">Could not be verified</p>`, "address not allowed")
		if !checkRow(r.body, "fail", "Fetch") {
			t.Error("the failed fetch is not shown")
		}
	})
}

func TestVerifyPageJSON(t *testing.T) {
	hosted := ob2Server(t)
	ts, c := verifySite(t, true, Options{})
	decode := func(t *testing.T, r response) verify.Report {
		t.Helper()
		var rep verify.Report
		if err := json.Unmarshal([]byte(r.body), &rep); err != nil {
			t.Fatalf("%v\n%s", err, r.body)
		}
		return rep
	}
	r, h := postVerify(t, c, ts.URL, map[string]string{"text": string(dccFixture(t, validOB3))}, "", nil, "application/json")
	if r.status != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), "application/json") {
		t.Fatalf("status %d, type %q", r.status, h.Get("Content-Type"))
	}
	rep := decode(t, r)
	if !rep.Valid || rep.Verdict != verify.Valid || rep.Kind != "AchievementCredential" || rep.Display.Name != "Teamwork" || len(rep.Checks) < 5 {
		t.Errorf("report %+v", rep)
	}
	if rep.Credential != nil || strings.Contains(r.body, `"credential"`) {
		t.Error("the JSON report carries the credential: it must be the report alone, as rosette verify --json")
	}

	req, _ := http.NewRequest(http.MethodGet, ts.URL+"/verify?url="+url.QueryEscape(hosted.URL+"/assertion.json"), nil)
	req.Header.Set("Accept", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if rep := decode(t, read(t, resp)); rep.Verdict != verify.Valid || rep.Kind != "Assertion" || rep.Source == "" {
		t.Errorf("GET ?url= JSON report %+v", rep)
	}

	// A raw body (a program posting the badge itself), and JSON errors.
	req, _ = http.NewRequest(http.MethodPost, ts.URL+"/verify", bytes.NewReader(bakedPNG(t, dccFixture(t, validOB3))))
	req.Header.Set("Content-Type", "image/png")
	req.Header.Set("Accept", "application/json")
	if resp, err = c.Do(req); err != nil {
		t.Fatal(err)
	}
	if rep := decode(t, read(t, resp)); rep.Verdict != verify.Valid || rep.Format != "png" {
		t.Errorf("raw PNG body: report %+v", rep)
	}
	r, _ = postVerify(t, c, ts.URL, map[string]string{}, "", nil, "application/json")
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `"error": "Nothing to verify`) {
		t.Errorf("empty form as JSON: %d %s", r.status, r.body)
	}
}

func TestVerifyPageBusy(t *testing.T) {
	arrived, release := make(chan struct{}), make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-release
		http.NotFound(w, r)
	}))
	t.Cleanup(slow.Close)
	ts, c := verifySite(t, true, Options{VerifyConcurrency: 1, VerifyWait: time.Millisecond})
	done := make(chan response)
	go func() {
		resp, err := c.Get(ts.URL + "/verify?url=" + url.QueryEscape(slow.URL+"/a.json"))
		if err != nil {
			done <- response{}
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		done <- response{status: resp.StatusCode, body: string(b)}
	}()
	<-arrived // the one slot is taken
	r, h := postVerify(t, c, ts.URL, map[string]string{"text": "{}"}, "", nil, "")
	close(release)
	if r.status != http.StatusServiceUnavailable || h.Get("Retry-After") == "" {
		t.Errorf("second verification: status %d, Retry-After %q", r.status, h.Get("Retry-After"))
	}
	mustContain(t, r, "verifying many badges right now")
	if first := <-done; first.status != http.StatusOK {
		t.Errorf("first verification: status %d", first.status)
	}
	// The slot is free again.
	if r, _ := postVerify(t, c, ts.URL, map[string]string{"text": "{}"}, "", nil, ""); r.status != http.StatusOK {
		t.Errorf("after the first finished: status %d", r.status)
	}
}

func TestReportViewUntrustedValues(t *testing.T) {
	tests := []struct {
		image, link string
		wantImage   bool
		wantLink    bool
	}{
		{"https://example.org/a.png", "https://example.org", true, true},
		{"http://example.org/a.png", "http://example.org", true, true},
		{"data:image/png;base64,iVBORw0KGgo=", "mailto:a@example.org", true, false},
		{"data:image/svg+xml;base64,PHN2Zy8+", "javascript:alert(1)", true, false},
		{"DATA:IMAGE/SVG+XML,%3Csvg%2F%3E", "//example.org/x", true, false},
		{"data:text/html;base64,PHNjcmlwdD4=", "https://user:pw@example.org", false, false},
		{"javascript:alert(1)", "data:text/html,x", false, false},
		{"ftp://example.org/a.png", "", false, false},
	}
	for _, tc := range tests {
		v := newReportView(&verify.Report{Verdict: verify.Valid, Display: verify.Display{
			Name: "x", Image: tc.image, IssuerURL: tc.link, CriteriaURL: tc.link,
			Evidence: []verify.Evidence{{ID: tc.link, Name: "e"}}}})
		if (v.Badge.Image != "") != tc.wantImage {
			t.Errorf("image %q kept = %v", tc.image, v.Badge.Image != "")
		}
		if (v.Badge.IssuerURL != "") != tc.wantLink || (v.Badge.CriteriaURL != "") != tc.wantLink || (v.Badge.Evidence[0].URL != "") != tc.wantLink {
			t.Errorf("link %q kept: issuer %q criteria %q evidence %q", tc.link, v.Badge.IssuerURL, v.Badge.CriteriaURL, v.Badge.Evidence[0].URL)
		}
	}
	for verdict := range verdictTexts {
		if v := newReportView(&verify.Report{Verdict: verdict}); v.Heading == "" || v.Meaning == "" {
			t.Errorf("verdict %s has no words", verdict)
		}
	}
}

// TestReportPartialEscapes renders the partial with hostile values: all of it is escaped,
// and an SVG image only ever appears as an <img> source.
func TestReportPartialEscapes(t *testing.T) {
	s, err := New(Options{Accounts: newMemAccounts(), NewVerifier: func(string) *verify.Verifier { return nil }})
	if err != nil {
		t.Fatal(err)
	}
	rep := &verify.Report{Verdict: verify.Invalid, Checks: []verify.Check{{Name: "<b>x</b>", Status: verify.Fail, Message: `"><script>alert(1)</script>`, Detail: "<i>d</i>"}},
		Display:    verify.Display{Name: "<script>n</script>", Image: "data:image/svg+xml,<svg onload=alert(1)>", Criteria: "<img src=x onerror=alert(1)>"},
		Credential: json.RawMessage(`{"name":"</pre><script>alert(1)</script>"}`)}
	v := newReportView(rep)
	var b bytes.Buffer
	if err := s.pages.byName["verify"].ExecuteTemplate(&b, "report", v); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, bad := range []string{"<script", "<b>x", "<i>d", "<svg", "<img src=x"} {
		if strings.Contains(out, bad) {
			t.Errorf("the report lets %q through:\n%s", bad, out)
		}
	}
	if !strings.Contains(out, `<img class="badge-image" src="data:image/svg&#43;xml,%3csvg%20onload=alert%281%29%3e"`) {
		t.Errorf("the SVG data URI is not an <img> source:\n%s", out)
	}
}

// TestReportPartialNested renders endorsements and the credentials of a CLR through the same
// partial, nested.
func TestReportPartialNested(t *testing.T) {
	s, err := New(Options{Accounts: newMemAccounts(), NewVerifier: func(string) *verify.Verifier { return nil }})
	if err != nil {
		t.Fatal(err)
	}
	inner := &verify.Report{Verdict: verify.Revoked, Display: verify.Display{Name: "Inner badge"},
		Checks: []verify.Check{{Name: "Status", Status: verify.Fail, Message: "revoked"}}}
	endorsement := &verify.Report{Verdict: verify.Valid, Display: verify.Display{Name: "An endorsement", IssuerName: "Endorser"}}
	rep := &verify.Report{Verdict: verify.Valid, Kind: "ClrCredential", Format: "json", Display: verify.Display{Name: "Transcript"},
		Endorsements: []*verify.Report{endorsement}, Credentials: []*verify.Report{inner}}
	var b bytes.Buffer
	if err := s.pages.byName["verify"].ExecuteTemplate(&b, "report", newReportView(rep)); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"<h2>Transcript</h2>", "A Comprehensive Learner Record (CLR), read from JSON.", "<h3>Endorsements</h3>",
		"<h4>An endorsement</h4>", "<h3>Credentials in this record</h3>", "<h4>Inner badge</h4>", `<p class="verdict-heading">Revoked</p>`,
		`class="report report-nested"`} {
		if !strings.Contains(out, want) {
			t.Errorf("the nested report lacks %q", want)
		}
	}
	if n := strings.Count(out, `id="verdict"`); n != 1 {
		t.Errorf("%d elements with id verdict, want 1", n)
	}
}
