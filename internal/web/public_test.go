package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/openbadges/ob2"
)

const browserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

func TestPublicBadgePage(t *testing.T) {
	is := newIssuerSite(t)
	ctx := context.Background()
	bc, err := is.bcs.Create(ctx, is.users["owner"], is.issuer.ID, badge.BadgeClassFields{Name: "Go <Basics>",
		Description: "Knows Go & tests.", CriteriaNarrative: "Pass the **exam**.\n\n<script>alert(1)</script>",
		CriteriaURL: "https://example.org/c", Tags: []string{"go", "tests"}, AchievementType: "Course", Level: "Intro",
		Credits: "3", Language: "en", Expiry: badge.Expiry{Kind: badge.ExpiryFixed, Date: "2027-12-31"},
		Alignments: []badge.Alignment{{Name: "Prog", URL: "https://f.example/p", Framework: "F", Code: "C"}}}, testPNG(t, 16))
	if err != nil {
		t.Fatal(err)
	}
	path := "/badges/" + bc.ID
	// Anonymous browsers get the page.
	r, h := is.getWith(t, path, http.Header{"Accept": {browserAccept}})
	wantStatus(t, "html", r, http.StatusOK)
	if !strings.HasPrefix(h.Get("Content-Type"), "text/html") || !strings.Contains(h.Get("Vary"), "Accept") {
		t.Errorf("headers %v", h)
	}
	img := testBase + "/images/" + bc.ImageID + ".png"
	mustContain(t, r, "<h1 id=\"badge-title\">Go &lt;Basics&gt;</h1>", "Knows Go &amp; tests.", "<strong>exam</strong>",
		`href="https://example.org/c"`, `<li class="tag">go</li>`, `<dd>Course</dd>`, `<dd>Intro</dd>`, `<dd>3</dd>`,
		`href="https://f.example/p"`, "Awards expire at the end of 31 December 2027 (UTC).",
		`href="/issuers/`+is.issuer.ID+`"`, `src="/images/`+bc.ImageID+`.png"`,
		`<meta property="og:title" content="Go &lt;Basics&gt;">`, `<meta property="og:url" content="`+testBase+path+`">`,
		`<meta property="og:image" content="`+img+`">`, `<meta name="twitter:card" content="summary_large_image">`,
		`<meta name="twitter:image" content="`+img+`">`)
	if strings.Contains(r.body, "<script>alert") {
		t.Error("criteria Markdown let a script through")
	}
	if strings.Contains(r.body, "Sign out") {
		t.Error("public page shows a signed-in frame")
	}

	// JSON clients get the current version's OB 2.0 BadgeClass.
	for accept, ct := range map[string]string{"application/ld+json": "application/ld+json", "application/json": "application/json", "": "application/ld+json"} {
		r, h := is.getWith(t, path, http.Header{"Accept": {accept}})
		wantStatus(t, "json "+accept, r, http.StatusOK)
		if h.Get("Content-Type") != ct || h.Get("Cache-Control") != "public, max-age=300" || h.Get("ETag") == "" {
			t.Errorf("Accept %q: headers %v", accept, h)
		}
		c, err := ob2.ParseBadgeClass([]byte(r.body))
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Validate(); err != nil {
			t.Errorf("OB 2.0: %v", err)
		}
		if c.ID != testBase+path+"/versions/1" || c.Image.ID != img || c.Issuer.ID != testBase+"/issuers/"+is.issuer.ID {
			t.Errorf("document %s", r.body)
		}
	}

	// A second version; version 1 stays as it was.
	f := bc.Fields
	f.Name = "Go Basics"
	if _, err := is.bcs.Update(ctx, is.users["owner"], bc.ID, f, nil); err != nil {
		t.Fatal(err)
	}
	r, h = is.getWith(t, path+"/versions/1", http.Header{"Accept": {browserAccept}})
	wantStatus(t, "version 1", r, http.StatusOK)
	var doc map[string]any
	if err := json.Unmarshal([]byte(r.body), &doc); err != nil || doc["name"] != "Go <Basics>" || h.Get("Content-Type") != "application/ld+json" {
		t.Errorf("version 1: %s (%v)", r.body, err)
	}
	r, _ = is.getWith(t, path+"/versions/1", http.Header{"If-None-Match": {h.Get("ETag")}})
	wantStatus(t, "version 1 again", r, http.StatusNotModified)
	r, _ = is.getWith(t, path+"/versions/2", http.Header{"Accept": {"application/json"}})
	if !strings.Contains(r.body, `"name":"Go Basics"`) || !strings.Contains(r.body, `"id":"`+testBase+path+`/versions/2"`) {
		t.Errorf("version 2: %s", r.body)
	}
	r, _ = is.getWith(t, path, http.Header{"Accept": {"application/ld+json"}})
	if !strings.Contains(r.body, `/versions/2"`) {
		t.Errorf("current: %s", r.body)
	}
	for _, p := range []string{path + "/versions/3", path + "/versions/0", path + "/versions/01", path + "/versions/x", "/badges/nope", "/badges/nope/versions/1"} {
		r, _ := is.getWith(t, p, http.Header{"Accept": {browserAccept}})
		wantStatus(t, p, r, http.StatusNotFound)
	}
	// JSON clients asking for what does not exist get JSON.
	for _, p := range []string{path + "/versions/3", "/badges/nope"} {
		r, h := is.getWith(t, p, http.Header{"Accept": {"application/ld+json"}})
		if r.status != http.StatusNotFound || h.Get("Content-Type") != "application/json" || !strings.Contains(r.body, `"error":"not_found"`) {
			t.Errorf("%s as JSON: %d %v %s", p, r.status, h, r.body)
		}
	}
}

func TestPublicIssuerPage(t *testing.T) {
	is := newIssuerSite(t)
	ctx := context.Background()
	is.newClass(t, "Zeta")
	second := is.newClass(t, "Alpha")
	if _, err := is.svc.Update(ctx, is.users["owner"], is.issuer.ID, badge.IssuerFields{Name: "Acme", Description: "We teach.",
		Website: "https://acme.example", Email: "hello@acme.example", LogoURL: "https://cdn.example/logo.png"}); err != nil {
		t.Fatal(err)
	}
	path := "/issuers/" + is.issuer.ID
	r, h := is.getWith(t, path, http.Header{"Accept": {browserAccept}})
	wantStatus(t, "html", r, http.StatusOK)
	if !strings.HasPrefix(h.Get("Content-Type"), "text/html") || !strings.Contains(h.Get("Vary"), "Accept") {
		t.Errorf("headers %v", h)
	}
	mustContain(t, r, `<h1 id="issuer-title">Acme</h1>`, "We teach.", `href="https://acme.example"`, `href="mailto:hello@acme.example"`,
		`href="/badges/`+second.ID+`"`, `src="/images/`+second.ImageID+`.png"`, `<meta property="og:url" content="`+testBase+path+`">`,
		`href="https://cdn.example/logo.png"`) // a logo elsewhere is linked, not loaded (CSP)
	if a, z := strings.Index(r.body, "Alpha"), strings.Index(r.body, "Zeta"); a < 0 || z < a {
		t.Error("badges are not listed by name")
	}
	// JSON clients keep the OB 2.0 Profile.
	r, h = is.getWith(t, path, http.Header{"Accept": {"application/ld+json"}})
	if h.Get("Content-Type") != "application/ld+json" || !strings.Contains(r.body, `"type":"Issuer"`) {
		t.Errorf("profile: %v %s", h, r.body)
	}
	r, _ = is.getWith(t, "/issuers/nope", http.Header{"Accept": {browserAccept}})
	wantStatus(t, "unknown", r, http.StatusNotFound)
	mustContain(t, r, "Page not found")
}

func TestIssuerLogoUploadAndStatusMethod(t *testing.T) {
	is := newIssuerSite(t)
	id := is.issuer.ID
	r := is.get(t, "owner", "/admin/issuers/"+id+"/edit")
	mustContain(t, r, `name="logo_file"`, `enctype="multipart/form-data"`,
		`<option value="bitstring" selected>Bitstring Status List (recommended: private, compact)</option>`,
		`<option value="1edtech">1EdTech Revocation List</option>`)
	r = is.postMultipart(t, "owner", "/admin/issuers/"+id, url.Values{"name": {"Acme"}, "status_method": {"1edtech"}}, "logo_file", "logo.png", testPNG(t, 20))
	wantStatus(t, "update", r, http.StatusSeeOther)
	iss, _, err := is.svc.Get(context.Background(), is.users["owner"], id)
	if err != nil {
		t.Fatal(err)
	}
	if iss.StatusMethod != badge.Status1EdTech || !strings.HasPrefix(iss.LogoURL, testBase+"/images/") || !strings.HasSuffix(iss.LogoURL, ".png") {
		t.Errorf("after update: %+v", iss)
	}
	logoPath := strings.TrimPrefix(iss.LogoURL, testBase)
	r = is.get(t, "viewer", "/admin/issuers/"+id)
	mustContain(t, r, `src="`+logoPath+`"`, "1EdTech Revocation List")
	r, _ = is.getWith(t, logoPath, nil)
	wantStatus(t, "logo", r, http.StatusOK)
	r, _ = is.getWith(t, "/issuers/"+id, http.Header{"Accept": {browserAccept}})
	mustContain(t, r, `src="`+logoPath+`"`, `<meta property="og:image" content="`+iss.LogoURL+`">`)

	// Bad logo and status method: at their fields, nothing changed.
	r = is.postMultipart(t, "owner", "/admin/issuers/"+id, url.Values{"name": {"Acme"}, "status_method": {"crl"}}, "", "", nil)
	wantStatus(t, "bad status", r, http.StatusUnprocessableEntity)
	mustContain(t, r, `id="status_method-error">`)
	r = is.postMultipart(t, "owner", "/admin/issuers/"+id, url.Values{"name": {"Acme"}}, "logo_file", "x.gif", []byte("GIF89a"))
	wantStatus(t, "bad logo", r, http.StatusUnprocessableEntity)
	mustContain(t, r, `id="logo_file-error">`)
	// Someone who may not edit cannot upload either.
	r = is.postMultipart(t, "viewer", "/admin/issuers/"+id, url.Values{"name": {"Acme"}}, "logo_file", "logo.png", testPNG(t, 21))
	wantStatus(t, "viewer upload", r, http.StatusForbidden)
	// A new issuer with an uploaded SVG logo.
	r = is.postMultipart(t, "admin", "/admin/issuers", url.Values{"name": {"Beta"}}, "logo_file", "l.svg",
		[]byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="3"/></svg>`))
	wantStatus(t, "create", r, http.StatusSeeOther)
	r = is.get(t, "admin", r.location)
	mustContain(t, r, `.svg" alt="Logo of Beta"`)
}
