package web

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/rosettebadges/rosette/internal/badge"
)

func testPNG(t testing.TB, side int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewRGBA(image.Rect(0, 0, side, side))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// postMultipart posts the form with an optional file (field fileField, name fileName).
func (is *issuerSite) postMultipart(t *testing.T, who, path string, form url.Values, fileField, fileName string, file []byte) response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range form {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	if fileField != "" {
		fw, err := mw.CreateFormFile(fileField, fileName)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(file)
	}
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, is.ts.URL+path, &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	c := is.clients[who]
	if c == nil {
		c = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return read(t, resp)
}

func (is *issuerSite) getWith(t *testing.T, path string, header http.Header) (response, http.Header) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, is.ts.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header = header
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	h := resp.Header
	return read(t, resp), h
}

func badgeValues(name string) url.Values {
	return url.Values{"name": {name}, "description": {"Knows " + name + "."}, "criteria_narrative": {"Pass the **exam**."},
		"align_rows": {"3"}}
}

// newClass makes a badge class of Acme (as its owner) through the service.
func (is *issuerSite) newClass(t *testing.T, name string) *badge.BadgeClass {
	t.Helper()
	bc, err := is.bcs.Create(context.Background(), is.users["owner"], is.issuer.ID,
		badge.BadgeClassFields{Name: name, Description: "About " + name, CriteriaNarrative: "Do it."}, testPNG(t, 16))
	if err != nil {
		t.Fatal(err)
	}
	return bc
}

// TestBadgePagePermissions walks each person through the badge class pages: owners, editors
// and site admins design; awarders and viewers see; strangers see nothing.
func TestBadgePagePermissions(t *testing.T) {
	is := newIssuerSite(t)
	bc := is.newClass(t, "Base")
	id := is.issuer.ID
	const ok, see, forbidden = http.StatusOK, http.StatusSeeOther, http.StatusForbidden
	type want struct{ list, show, newForm, create, edit, update int }
	design := want{ok, ok, ok, see, ok, see}
	look := want{ok, ok, forbidden, forbidden, forbidden, forbidden}
	for who, w := range map[string]want{
		"admin": design, "owner": design, "editor": design, "awarder": look, "viewer": look,
		"stranger": {forbidden, forbidden, forbidden, forbidden, forbidden, forbidden},
	} {
		t.Run(who, func(t *testing.T) {
			r := is.get(t, who, "/admin/issuers/"+id+"/badges")
			wantStatus(t, "list", r, w.list)
			if w.list == ok {
				mustContain(t, r, `href="/admin/badges/`+bc.ID+`"`)
				if shown := strings.Contains(r.body, "New badge"); shown != (w.create == see) {
					t.Errorf("list offers New badge: %v", shown)
				}
			}
			r = is.get(t, who, "/admin/badges/"+bc.ID)
			wantStatus(t, "show", r, w.show)
			if w.show == ok {
				mustContain(t, r, `href="/admin/badges/`+bc.ID+`/awards"`, `href="/badges/`+bc.ID+`"`)
				if shown := strings.Contains(r.body, `href="/admin/badges/`+bc.ID+`/edit"`); shown != (w.edit == ok) {
					t.Errorf("show offers Edit: %v", shown)
				}
				mayAward := who == "admin" || who == "owner" || who == "awarder"
				if shown := strings.Contains(r.body, "Award this badge"); shown != mayAward {
					t.Errorf("show offers Award this badge: %v", shown)
				}
			}
			wantStatus(t, "new form", is.get(t, who, "/admin/issuers/"+id+"/badges/new"), w.newForm)
			wantStatus(t, "create", is.postMultipart(t, who, "/admin/issuers/"+id+"/badges/new", badgeValues("By "+who), "image", "b.png", testPNG(t, 8)), w.create)
			// Bad fields from someone who may not design get the 403 page, not the form.
			badCreate := w.create
			if badCreate == see {
				badCreate = http.StatusUnprocessableEntity
			}
			wantStatus(t, "bad create", is.postMultipart(t, who, "/admin/issuers/"+id+"/badges/new", url.Values{"name": {""}}, "", "", nil), badCreate)
			wantStatus(t, "edit form", is.get(t, who, "/admin/badges/"+bc.ID+"/edit"), w.edit)
			wantStatus(t, "update", is.postMultipart(t, who, "/admin/badges/"+bc.ID+"/edit", badgeValues("Base edited by "+who), "", "", nil), w.update)
		})
	}
	t.Run("anonymous", func(t *testing.T) {
		for _, p := range []string{"/admin/issuers/" + id + "/badges", "/admin/issuers/" + id + "/badges/new", "/admin/badges/" + bc.ID, "/admin/badges/" + bc.ID + "/edit"} {
			r := get(t, noRedirects(), is.ts.URL+p)
			if r.status != see || !strings.HasPrefix(r.location, "/login?next=") {
				t.Errorf("GET %s: %d %q, want a redirect to sign in", p, r.status, r.location)
			}
		}
		wantStatus(t, "anonymous create", is.postMultipart(t, "nobody", "/admin/issuers/"+id+"/badges/new", badgeValues("X"), "image", "b.png", testPNG(t, 8)), http.StatusUnauthorized)
	})
	t.Run("unknown", func(t *testing.T) {
		wantStatus(t, "unknown badge", is.get(t, "owner", "/admin/badges/nope"), http.StatusNotFound)
		wantStatus(t, "unknown issuer", is.get(t, "owner", "/admin/issuers/nope/badges"), http.StatusNotFound)
	})
}

func noRedirects() *http.Client {
	return &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

var badgeIDRE = regexp.MustCompile(`^/admin/badges/([^/]+)$`)

func TestBadgeCreateAndEditForms(t *testing.T) {
	is := newIssuerSite(t)
	id := is.issuer.ID
	newPath := "/admin/issuers/" + id + "/badges/new"

	r := is.get(t, "editor", newPath)
	wantStatus(t, "new form", r, http.StatusOK)
	mustContain(t, r, `enctype="multipart/form-data"`, `name="align_name_2"`, `name="align_rows" value="3"`,
		`<option value="Badge">Badge</option>`, `name="expiry_kind" value="duration"`, `href="/admin/issuers/`+id+`/badges"`)

	// Bad fields: every problem at its field, what was typed is kept (not the file).
	bad := url.Values{"name": {" "}, "description": {"Keeps <this>"}, "criteria_url": {"javascript:alert(1)"},
		"credits": {"lots"}, "language": {"english please"}, "tags": {"go, web"}, "expiry_kind": {"duration"},
		"expiry_count": {"0"}, "expiry_unit": {"weeks"}, "achievement_type": {"Trophy"},
		"align_rows": {"3"}, "align_name_0": {"Only a name"}}
	r = is.postMultipart(t, "editor", newPath, bad, "", "", nil)
	wantStatus(t, "bad create", r, http.StatusUnprocessableEntity)
	mustContain(t, r, `id="name-error">Name is required.`, `id="criteria-error">`, `id="credits-error">`, `id="language-error">`,
		`id="expiry-error"`, `id="image-error">An image (PNG or SVG) is required.`, `id="achievement_type-error"`,
		`id="alignments-error"`, "Keeps &lt;this&gt;</textarea>", `value="go, web"`, `value="Only a name"`,
		`value="javascript:alert(1)"`, `value="lots"`)

	// "Add more alignments" shows the form again with three more rows, saving nothing.
	more := badgeValues("Rows")
	more.Set("add_alignments", "1")
	more.Set("align_name_1", "Kept row")
	r = is.postMultipart(t, "editor", newPath, more, "", "", nil)
	wantStatus(t, "add rows", r, http.StatusOK)
	mustContain(t, r, `name="align_rows" value="6"`, `name="align_name_5"`, `value="Kept row"`)
	if list, _ := is.bcs.ListForIssuer(context.Background(), is.users["owner"], id); len(list) != 0 {
		t.Errorf("adding rows saved a badge class: %d", len(list))
	}

	// A good form makes the badge class with every field.
	good := badgeValues("Go Basics")
	good.Set("tags", "go, testing,, go")
	good.Set("criteria_url", "https://example.org/criteria")
	good.Set("achievement_type", "Certificate")
	good.Set("level", "Beginner")
	good.Set("credits", "2.50")
	good.Set("language", "en-gb")
	good.Set("expiry_kind", "duration")
	good.Set("expiry_count", "2")
	good.Set("expiry_unit", "years")
	good.Set("align_name_0", "Programming")
	good.Set("align_url_0", "https://framework.example/prog")
	good.Set("align_framework_0", "Skills")
	good.Set("align_code_0", "P1")
	r = is.postMultipart(t, "editor", newPath, good, "image", "badge.png", testPNG(t, 32))
	wantStatus(t, "create", r, http.StatusSeeOther)
	m := badgeIDRE.FindStringSubmatch(r.location)
	if m == nil {
		t.Fatalf("create redirected to %q", r.location)
	}
	bcID := m[1]
	bc, err := is.bcs.Get(context.Background(), is.users["viewer"], bcID)
	if err != nil {
		t.Fatal(err)
	}
	f := bc.Fields
	if f.Name != "Go Basics" || strings.Join(f.Tags, "|") != "go|testing" || f.Credits != "2.5" || f.Language != "en-GB" ||
		f.AchievementType != "Certificate" || f.Level != "Beginner" || f.Expiry != (badge.Expiry{Kind: badge.ExpiryDuration, Count: 2, Unit: "years"}) ||
		len(f.Alignments) != 1 || f.Alignments[0] != (badge.Alignment{Name: "Programming", URL: "https://framework.example/prog", Framework: "Skills", Code: "P1"}) ||
		f.CriteriaURL != "https://example.org/criteria" || bc.ImageMediaType != "image/png" {
		t.Errorf("created %+v", bc)
	}

	r = is.get(t, "editor", "/admin/badges/"+bcID)
	mustContain(t, r, "The badge is created.")
	r = is.get(t, "owner", "/admin/badges/"+bcID)
	mustContain(t, r, "<h1>Go Basics</h1>", "<strong>exam</strong>", "Awards expire 2 years after they are issued.",
		`src="/images/`+bc.ImageID+`.png"`, `href="https://framework.example/prog"`, `<li class="tag">testing</li>`,
		`href="/badges/`+bcID+`/versions/1"`, `href="/admin/badges/`+bcID+`/award"`)
	r = is.get(t, "viewer", "/admin/issuers/"+id+"/badges")
	mustContain(t, r, `src="/images/`+bc.ImageID+`.png"`, `>Go Basics</a>`)

	// The edit form shows the current version; saving without a file keeps the image.
	r = is.get(t, "owner", "/admin/badges/"+bcID+"/edit")
	mustContain(t, r, `value="Go Basics"`, `value="go, testing"`, `<option value="Certificate" selected>`, `value="Programming"`,
		`name="expiry_kind" value="duration" checked`, `value="2"`, `<option value="years" selected>`, "Saving makes version 2.",
		`name="align_rows" value="4"`)
	good.Set("name", "Go Basics II")
	r = is.postMultipart(t, "owner", "/admin/badges/"+bcID+"/edit", good, "", "", nil)
	wantStatus(t, "update", r, http.StatusSeeOther)
	bc2, _ := is.bcs.Get(context.Background(), is.users["viewer"], bcID)
	if bc2.Version != 2 || bc2.Fields.Name != "Go Basics II" || bc2.ImageID != bc.ImageID {
		t.Errorf("after update: %+v", bc2)
	}
	r = is.get(t, "owner", "/admin/badges/"+bcID)
	mustContain(t, r, "saved as a new version", `href="/badges/`+bcID+`/versions/2"`, `href="/badges/`+bcID+`/versions/1"`)
	// The same again: no new version.
	r = is.postMultipart(t, "owner", "/admin/badges/"+bcID+"/edit", good, "", "", nil)
	wantStatus(t, "same update", r, http.StatusSeeOther)
	mustContain(t, is.get(t, "owner", "/admin/badges/"+bcID), "Nothing was changed")
	// A bad edit keeps what was typed.
	r = is.postMultipart(t, "owner", "/admin/badges/"+bcID+"/edit", url.Values{"name": {"Changed"}, "description": {""}, "criteria_narrative": {"x"}}, "", "", nil)
	wantStatus(t, "bad update", r, http.StatusUnprocessableEntity)
	mustContain(t, r, `id="description-error">Description is required.`, `value="Changed"`)
	// A new image on edit replaces it; a non-image is refused at the field.
	r = is.postMultipart(t, "owner", "/admin/badges/"+bcID+"/edit", good, "image", "x.gif", []byte("GIF89a not an image"))
	wantStatus(t, "bad image", r, http.StatusUnprocessableEntity)
	mustContain(t, r, `id="image-error">The image must be a PNG or an SVG`)
	big := bytes.Repeat([]byte{'x'}, maxImageUpload+10)
	r = is.postMultipart(t, "owner", "/admin/badges/"+bcID+"/edit", good, "image", "big.png", big)
	wantStatus(t, "too large", r, http.StatusUnprocessableEntity)
	mustContain(t, r, `id="image-error">The image is too large`)
}

// TestSVGUploadSanitized uploads an SVG with a script, an event handler and an external
// reference and checks that the stored image has none and is served with its CSP.
func TestSVGUploadSanitized(t *testing.T) {
	is := newIssuerSite(t)
	svg := `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="64" height="64" onload="alert(1)">` +
		`<script>alert(2)</script><image xlink:href="https://evil.example/track.png" width="10" height="10"/>` +
		`<a href="javascript:alert(3)"><text>x</text></a><circle cx="32" cy="32" r="30" fill="#4338ca" onclick="alert(4)"/></svg>`
	r := is.postMultipart(t, "owner", "/admin/issuers/"+is.issuer.ID+"/badges/new", badgeValues("Vector"), "image", "v.svg", []byte(svg))
	wantStatus(t, "create", r, http.StatusSeeOther)
	m := badgeIDRE.FindStringSubmatch(r.location)
	if m == nil {
		t.Fatalf("redirected to %q", r.location)
	}
	bc, err := is.bcs.Get(context.Background(), is.users["owner"], m[1])
	if err != nil || bc.ImageMediaType != "image/svg+xml" {
		t.Fatalf("%+v, %v", bc, err)
	}
	img, h := is.getWith(t, "/images/"+bc.ImageID+".svg", nil)
	wantStatus(t, "svg", img, http.StatusOK)
	for _, bad := range []string{"script", "onload", "onclick", "evil.example", "javascript:", "alert"} {
		if strings.Contains(img.body, bad) {
			t.Errorf("served SVG contains %q:\n%s", bad, img.body)
		}
	}
	if !strings.Contains(img.body, "<circle") {
		t.Errorf("the drawing is gone:\n%s", img.body)
	}
	if h.Get("Content-Type") != "image/svg+xml" || h.Get("Content-Security-Policy") != SVGContentSecurityPolicy || h.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("SVG headers: %v", h)
	}
}

func TestImageRoute(t *testing.T) {
	is := newIssuerSite(t)
	bc := is.newClass(t, "Pic")
	path := "/images/" + bc.ImageID + ".png"
	r, h := is.getWith(t, path, nil)
	wantStatus(t, "png", r, http.StatusOK)
	if r.body != string(testPNG(t, 16)) {
		t.Error("served bytes differ from the upload")
	}
	etag := `"` + bc.ImageID + `"`
	if h.Get("Content-Type") != "image/png" || h.Get("ETag") != etag || h.Get("Cache-Control") != "public, max-age=31536000, immutable" ||
		h.Get("Content-Length") != strconv.Itoa(len(r.body)) {
		t.Errorf("headers: %v", h)
	}
	r, _ = is.getWith(t, path, http.Header{"If-None-Match": {etag}})
	wantStatus(t, "conditional", r, http.StatusNotModified)
	for _, p := range []string{
		"/images/" + bc.ImageID + ".svg",              // wrong extension
		"/images/" + bc.ImageID,                       // none
		"/images/" + strings.Repeat("0", 64) + ".png", // unknown
		"/images/ABC.png",                             // not a hash
	} {
		r, _ := is.getWith(t, p, nil)
		wantStatus(t, p, r, http.StatusNotFound)
	}
}

// FuzzBadgeForm reads arbitrary posted values into a badge class and checks that the fields
// are either refused with field errors or normalize to a badge class that normalizes the same
// again and shows in the form.
func FuzzBadgeForm(f *testing.F) {
	f.Add("Go", "d", "n", "go, tests", "3", "duration", "2", "years", "", "Prog", "https://x.org", "2.5")
	f.Add(" ", "", "", ",,", "-1", "fixed", "x", "", "2027-02-30", "", "javascript:x", "lots")
	f.Fuzz(func(t *testing.T, name, desc, narrative, tags, rows, kind, count, unit, date, alName, alURL, credits string) {
		form := url.Values{"name": {name}, "description": {desc}, "criteria_narrative": {narrative}, "tags": {tags},
			"align_rows": {rows}, "expiry_kind": {kind}, "expiry_count": {count}, "expiry_unit": {unit}, "expiry_date": {date},
			"align_name_0": {alName}, "align_url_0": {alURL}, "align_name_1": {alName}, "credits": {credits}}
		r := &http.Request{PostForm: form}
		bf := badgeFormFrom(r)
		if len(bf.Alignments) > maxAlignmentRows {
			t.Fatalf("%d alignment rows", len(bf.Alignments))
		}
		got, err := bf.fields().Normalize()
		if err != nil {
			if badge.KindOf(err) != badge.Invalid || len(badge.FieldMessages(err)) == 0 {
				t.Fatalf("error %v is not a field error", err)
			}
			return
		}
		again, err := formOf(got).fields().Normalize()
		if err != nil {
			t.Fatalf("the form of %+v is refused: %v", got, err)
		}
		if !reflect.DeepEqual(got, again) {
			t.Fatalf("form round trip changed the fields:\n%+v\n%+v", got, again)
		}
	})
}
