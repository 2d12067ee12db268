package mail

import (
	"bytes"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"

	"github.com/rosettebadges/rosette/internal/badge"
)

// AwardData is what a notification template may use: {{.RecipientName}}, {{.BadgeName}},
// {{.IssuerName}}, {{.ClaimURL}}.
type AwardData struct {
	RecipientName string
	BadgeName     string
	IssuerName    string
	ClaimURL      string
}

// TemplateSource is an issuer's notification template as stored and edited: a subject line
// and a plain-text body (text/template), and an HTML body (html/template, "" = none).
type TemplateSource struct {
	Subject string
	Text    string
	HTML    string
}

// DefaultTemplate is used when an issuer has none.
var DefaultTemplate = TemplateSource{
	Subject: `{{.IssuerName}} awarded you the badge "{{.BadgeName}}"`,
	Text: `Hello{{if .RecipientName}} {{.RecipientName}}{{end}},

{{.IssuerName}} has awarded you the badge "{{.BadgeName}}".

Claim it here:
{{.ClaimURL}}

If you did not expect this email, you can ignore it.
`,
	HTML: `<!doctype html>
<html><body>
<p>Hello{{if .RecipientName}} {{.RecipientName}}{{end}},</p>
<p>{{.IssuerName}} has awarded you the badge &ldquo;{{.BadgeName}}&rdquo;.</p>
<p><a href="{{.ClaimURL}}">Claim your badge</a></p>
<p>If you did not expect this email, you can ignore it.</p>
</body></html>
`,
}

// fieldError is a template field that does not parse or run: a badge.Invalid error on the
// field "subject", "text" or "html" (badge.FieldMessages gives the form its messages).
func fieldError(field string, err error) error {
	return badge.FieldError(badge.Invalid, field, fmt.Sprintf("The template does not work: %v", err), err)
}

// Template is a parsed, checked TemplateSource.
type Template struct {
	subject *texttemplate.Template
	text    *texttemplate.Template
	html    *htmltemplate.Template // nil = no HTML part
}

// ParseTemplate parses src and runs it once on sample data, so that a template referring to a
// placeholder that does not exist is refused when it is saved, not when it is sent. The
// error joins one badge field error (kind Invalid) per bad field.
func ParseTemplate(src TemplateSource) (*Template, error) {
	var t Template
	var errs []error
	parseText := func(field, s string) *texttemplate.Template {
		if strings.TrimSpace(s) == "" {
			errs = append(errs, badge.FieldError(badge.Invalid, field, "Must not be empty.", nil))
			return nil
		}
		tt, err := texttemplate.New(field).Option("missingkey=error").Parse(s)
		if err != nil {
			errs = append(errs, fieldError(field, err))
			return nil
		}
		return tt
	}
	t.subject = parseText("subject", src.Subject)
	t.text = parseText("text", src.Text)
	if src.HTML != "" {
		ht, err := htmltemplate.New("html").Option("missingkey=error").Parse(src.HTML)
		if err != nil {
			errs = append(errs, fieldError("html", err))
		} else {
			t.html = ht
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	sample := AwardData{RecipientName: "Ada", BadgeName: "Badge", IssuerName: "Issuer", ClaimURL: "https://example.org/claim/x"}
	if _, err := t.Render(sample); err != nil {
		return nil, err
	}
	return &t, nil
}

// MustParseTemplate is ParseTemplate for templates known to be good (DefaultTemplate).
func MustParseTemplate(src TemplateSource) *Template {
	t, err := ParseTemplate(src)
	if err != nil {
		panic(err)
	}
	return t
}

// Render fills in the template: the subject (one line), the text and HTML parts. The
// recipient and Message-ID are the caller's.
func (t *Template) Render(d AwardData) (Message, error) {
	var m Message
	var b bytes.Buffer
	if err := t.subject.Execute(&b, d); err != nil {
		return m, fieldError("subject", err)
	}
	m.Subject = strings.Join(strings.Fields(b.String()), " ")
	b.Reset()
	if err := t.text.Execute(&b, d); err != nil {
		return m, fieldError("text", err)
	}
	m.Text = b.String()
	if t.html != nil {
		b.Reset()
		if err := t.html.Execute(&b, d); err != nil {
			return m, fieldError("html", err)
		}
		m.HTML = b.String()
	}
	return m, nil
}
