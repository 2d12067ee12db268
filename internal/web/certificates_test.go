package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/pdfdoc/pdftest"
	"github.com/rosettebadges/rosette/internal/service"
)

// countedCertificates counts the certificates rendered.
type countedCertificates struct {
	Certificates
	rendered atomic.Int64
	unsigned bool // every award looks unsigned (being issued)
}

func (c *countedCertificates) PublicState(ctx context.Context, id string) (*service.AwardState, error) {
	st, err := c.Certificates.PublicState(ctx, id)
	if err == nil && c.unsigned {
		cp := *st
		cp.Signed = false
		return &cp, nil
	}
	return st, err
}

func (c *countedCertificates) Certificate(ctx context.Context, id string) (*service.CertificateFile, error) {
	c.rendered.Add(1)
	if c.unsigned {
		return nil, badge.Errorf(badge.Unavailable, "This badge is being issued; try again in a minute.")
	}
	return c.Certificates.Certificate(ctx, id)
}

// TestCertificateDownload: GET /awards/{id}/certificate.pdf is a PDF attachment with a safe
// filename, its text and QR code are the award's, it is cached and revalidated per award
// state (ETag), and both award pages link to it.
func TestCertificateDownload(t *testing.T) {
	ps := newPublicSite(t)
	ctx := context.Background()
	counted := &countedCertificates{Certificates: ps.awards}
	ps.site.certificates = newCertificates(counted)
	a := ps.issue(t, badge.AwardRequest{Recipient: badge.Recipient{Identity: "zoe@example.org", Name: "Zoë Ångström"}})
	path := "/awards/" + a.ID + "/certificate.pdf"

	mustContain(t, first(ps.page(t, nil, "/awards/"+a.ID, browserAccept)),
		`<a href="/awards/`+a.ID+`/certificate.pdf">Download certificate (PDF)</a>`)

	get := func(etag string) (response, http.Header) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, ps.ts.URL+path, nil)
		if etag != "" {
			req.Header.Set("If-None-Match", etag)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return read(t, resp), resp.Header
	}
	text := func(body string) string {
		t.Helper()
		p := pdftest.WritePDF(t, pdftest.OutDir(t), "certificate.pdf", []byte(body))
		if codes := pdftest.QRCodes(t, pdftest.RenderPages(t, p, 150)[0]); !cmp.Equal(codes, []string{ps.urls.Award(a.ID)}) {
			t.Errorf("QR codes %q, want the award page %q", codes, ps.urls.Award(a.ID))
		}
		return pdftest.Text(t, p, 0)
	}

	r, h := get("")
	want := map[string]string{
		"Content-Type":           "application/pdf",
		"Content-Disposition":    `attachment; filename="certificate-welder-` + strings.ToLower(a.ID) + `.pdf"`,
		"Cache-Control":          "public, no-cache",
		"X-Content-Type-Options": "nosniff",
	}
	for k, v := range want {
		if h.Get(k) != v {
			t.Errorf("%s = %q, want %q", k, h.Get(k), v)
		}
	}
	if r.status != http.StatusOK || !strings.HasPrefix(r.body, "%PDF-") {
		t.Fatalf("status %d, body %.20q", r.status, r.body)
	}
	if txt := text(r.body); !strings.Contains(txt, "Zoë Ångström") || !strings.Contains(txt, "Welder") || !strings.Contains(txt, "Acme <Academy>") ||
		!strings.Contains(txt, "23 November 2026") || !strings.Contains(txt, "Weld a bridge.") {
		t.Errorf("certificate text: %s", txt)
	}
	etag := h.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	if r, _ := get(etag); r.status != http.StatusNotModified {
		t.Errorf("If-None-Match: %d, want 304", r.status)
	}
	if r, h := get(""); r.status != http.StatusOK || h.Get("ETag") != etag {
		t.Errorf("again: %d, ETag %q", r.status, h.Get("ETag"))
	}
	if n := counted.rendered.Load(); n != 1 {
		t.Errorf("%d renderings, want 1 (then the cache)", n)
	}

	// The earner hides their name: a new state, a new certificate without it.
	if _, err := ps.awards.SetRecipientNameHidden(ctx, ps.admin, a.ID, true); err != nil {
		t.Fatal(err)
	}
	r, h = get(etag)
	if r.status != http.StatusOK || h.Get("ETag") == etag {
		t.Fatalf("after hiding the name: %d, ETag %q", r.status, h.Get("ETag"))
	}
	if txt := text(r.body); strings.Contains(txt, "Zoë") || !strings.Contains(txt, "The holder of this badge") {
		t.Errorf("hidden name: %s", txt)
	}

	// Revoked: stamped, not gone.
	if _, err := ps.awards.Revoke(ctx, ps.admin, a.ID, "Issued in error"); err != nil {
		t.Fatal(err)
	}
	r, _ = get(h.Get("ETag"))
	if r.status != http.StatusOK {
		t.Fatalf("revoked: %d", r.status)
	}
	if txt := text(r.body); !strings.Contains(txt, "REVOKED on 23 November 2026: Issued in error") {
		t.Errorf("revoked: %s", txt)
	}

	if r, _ := ps.page(t, nil, "/awards/nope/certificate.pdf", browserAccept); r.status != http.StatusNotFound {
		t.Errorf("unknown award: %d", r.status)
	}

	counted.unsigned = true
	if r, h := get(""); r.status != http.StatusServiceUnavailable || h.Get("ETag") != "" {
		t.Errorf("being issued: %d, ETag %q; want 503 without an ETag", r.status, h.Get("ETag"))
	}
}

// TestIssuerCertificateLayout: the issuer edit form offers the layouts with their
// descriptions, saves the choice, shows it, and refuses an unknown one at its field.
func TestIssuerCertificateLayout(t *testing.T) {
	is := newIssuerSite(t)
	id := is.issuer.ID
	r := is.get(t, "owner", "/admin/issuers/"+id+"/edit")
	mustContain(t, r, `<select id="certificate_layout" name="certificate_layout"`,
		`<option value="classic" selected>Classic: Landscape A4 with a double border and centred text`,
		`<option value="modern">Modern: Portrait A4 with a coloured band`)
	r = is.post(t, "owner", "/admin/issuers/"+id, url.Values{"name": {"Acme"}, "certificate_layout": {"modern"}})
	wantStatus(t, "update", r, http.StatusSeeOther)
	iss, _, err := is.svc.Get(context.Background(), is.users["owner"], id)
	if err != nil || iss.CertificateLayout != badge.CertificateModern {
		t.Fatalf("after update: %+v, %v", iss, err)
	}
	mustContain(t, is.get(t, "viewer", "/admin/issuers/"+id), "<dt>Certificate layout</dt><dd>Modern (portrait)</dd>")
	mustContain(t, is.get(t, "owner", "/admin/issuers/"+id+"/edit"), `<option value="modern" selected>`)
	// A form that does not send the field (an older page) keeps the layout.
	r = is.post(t, "owner", "/admin/issuers/"+id, url.Values{"name": {"Acme"}})
	wantStatus(t, "update without layout", r, http.StatusSeeOther)
	if iss, _, _ := is.svc.Get(context.Background(), is.users["owner"], id); iss.CertificateLayout != badge.CertificateModern {
		t.Errorf("layout not kept: %q", iss.CertificateLayout)
	}
	r = is.post(t, "owner", "/admin/issuers/"+id, url.Values{"name": {"Acme"}, "certificate_layout": {"baroque"}})
	wantStatus(t, "bad layout", r, http.StatusUnprocessableEntity)
	mustContain(t, r, `id="certificate_layout-error">Certificate layout must be Classic or Modern.`)
}
