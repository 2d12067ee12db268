package web

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/rosettebadges/rosette/internal/mail"
)

var goodTemplate = url.Values{"subject": {"{{.BadgeName}} from {{.IssuerName}}"}, "text": {"Hi {{.RecipientName}}\r\n{{.ClaimURL}}\r\n"},
	"html": {`<p style="color:#333">Hi {{.RecipientName}}</p><a href="{{.ClaimURL}}">Claim</a>`}}

// TestEmailTemplatePermissions walks each person through the award email pages: staff read
// and preview, owners and editors (and site admins) change; strangers see nothing.
func TestEmailTemplatePermissions(t *testing.T) {
	is := newIssuerSite(t)
	base := "/admin/issuers/" + is.issuer.ID + "/templates"
	const ok, see, forbidden = http.StatusOK, http.StatusSeeOther, http.StatusForbidden
	type want struct{ show, save, badSave, reset, preview int }
	editor := want{ok, see, http.StatusUnprocessableEntity, see, ok}
	reader := want{ok, forbidden, forbidden, forbidden, ok}
	for who, w := range map[string]want{
		"admin": editor, "owner": editor, "editor": editor, "awarder": reader, "viewer": reader,
		"stranger": {forbidden, forbidden, forbidden, forbidden, forbidden},
	} {
		t.Run(who, func(t *testing.T) {
			r := is.get(t, who, base)
			wantStatus(t, "show", r, w.show)
			if w.show == ok {
				mustContain(t, r, "<h1>Award email</h1>", "{{.ClaimURL}}", `name="email-preview"`, `src="`+base+`/preview.html"`)
				if shown := strings.Contains(r.body, "Save template"); shown != (w.save == see) {
					t.Errorf("page offers Save: %v", shown)
				}
				if ro := strings.Contains(r.body, " readonly"); ro == (w.save == see) {
					t.Errorf("fields read-only: %v", ro)
				}
			} else {
				mustContain(t, r, "Not allowed")
				if strings.Contains(r.body, "{{.ClaimURL}}") {
					t.Error("a stranger sees the template")
				}
			}
			wantStatus(t, "save", is.post(t, who, base, goodTemplate), w.save)
			wantStatus(t, "bad save", is.post(t, who, base, url.Values{"subject": {"s"}, "text": {"{{.Password}}"}}), w.badSave)
			wantStatus(t, "preview saved", is.get(t, who, base+"/preview.html"), w.preview)
			wantStatus(t, "preview draft", is.post(t, who, base+"/preview.html", goodTemplate), w.preview)
			wantStatus(t, "reset", is.post(t, who, base+"/reset", nil), w.reset)
		})
	}
	r := is.get(t, "viewer", "/admin/issuers/"+is.issuer.ID)
	mustContain(t, r, `href="`+base+`">Award email</a>`)
}

func TestEmailTemplateEditor(t *testing.T) {
	is := newIssuerSite(t)
	base := "/admin/issuers/" + is.issuer.ID + "/templates"

	// The default first, with every placeholder listed.
	r := is.get(t, "editor", base)
	mustContain(t, r, "uses Rosette's default email", "Claim your badge")
	for _, p := range mail.Placeholders() {
		mustContain(t, r, "<code>{{."+p.Name+"}}</code>")
	}
	if strings.Contains(r.body, "Reset to default") {
		t.Error("the default offers Reset")
	}
	// Only escaped markup on the page itself (the template's HTML is text in a textarea).
	if m := regexp.MustCompile(`(?i)(\sstyle="|<style|\son[a-z]+=")`).FindString(r.body); m != "" {
		t.Errorf("editor page has inline code %q", m)
	}

	// A template that does not work: the form again, with the draft and what is wrong.
	bad := url.Values{"subject": {"Hello {{.Nope}}"}, "text": {"{{if}}"}, "html": {""}}
	r = is.post(t, "editor", base, bad)
	wantStatus(t, "bad save", r, http.StatusUnprocessableEntity)
	mustContain(t, r, `value="Hello {{.Nope}}"`, `id="subject-error"`, `id="text-error"`, "The template does not work")
	if strings.Contains(r.body, `id="html-error"`) {
		t.Error("error shown on the empty (optional) HTML field")
	}
	r = is.post(t, "editor", base, url.Values{"subject": {"s"}, "text": {strings.Repeat("x", mail.MaxTextBytes+1)}})
	wantStatus(t, "oversize", r, http.StatusUnprocessableEntity)
	mustContain(t, r, "Too long")

	// Saved, then shown, then reset.
	r = is.post(t, "editor", base, goodTemplate)
	wantStatus(t, "save", r, http.StatusSeeOther)
	r = is.get(t, "editor", base)
	mustContain(t, r, "The award email is saved.", `value="{{.BadgeName}} from {{.IssuerName}}"`, "Hi {{.RecipientName}}\n{{.ClaimURL}}\n</textarea>", "Reset to default", "Last changed")

	// The preview of the saved template: its own document, under its own policy.
	resp, err := is.clients["viewer"].Get(is.ts.URL + base + "/preview.html")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if got := resp.Header.Get("Content-Security-Policy"); got != emailPreviewCSP {
		t.Errorf("preview CSP = %q", got)
	}
	if got := resp.Header.Get("X-Frame-Options"); got != "SAMEORIGIN" {
		t.Errorf("preview X-Frame-Options = %q", got)
	}
	doc := string(body)
	for _, want := range []string{"<dd>Analytical Engine Programmer from Acme</dd>", "<pre>Hi Ada Lovelace\nhttps://badges.example.org/claim/sample-token\n</pre>",
		`<iframe sandbox title="The HTML part of the email" srcdoc="&lt;p style=&#34;color:#333&#34;&gt;Hi Ada Lovelace&lt;/p&gt;`} {
		if !strings.Contains(doc, want) {
			t.Errorf("preview lacks %q:\n%s", want, doc)
		}
	}

	// A draft with markup and a script: everything of it stays inside the sandboxed srcdoc.
	r = is.post(t, "viewer", base+"/preview.html", url.Values{"subject": {"<b>{{.IssuerName}}</b>"}, "text": {"t"},
		"html": {`<script>alert(1)</script><p>{{.RecipientName}}</p>`}})
	wantStatus(t, "draft preview", r, http.StatusOK)
	mustContain(t, r, "<dd>&lt;b&gt;Acme&lt;/b&gt;</dd>", `srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;&lt;p&gt;Ada Lovelace&lt;/p&gt;"`)
	if n := strings.Count(r.body, "<script"); n != 0 {
		t.Errorf("preview document has %d script tags", n)
	}
	r = is.post(t, "viewer", base+"/preview.html", bad)
	wantStatus(t, "bad draft preview", r, http.StatusUnprocessableEntity)
	mustContain(t, r, "This template cannot be used yet.", "subject: The template does not work")

	r = is.post(t, "owner", base+"/reset", nil)
	wantStatus(t, "reset", r, http.StatusSeeOther)
	mustContain(t, is.get(t, "owner", base), "The award email is back to Rosette&#39;s default.", "uses Rosette's default email")
}
