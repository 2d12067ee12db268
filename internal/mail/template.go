package mail

import (
	"bytes"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io"
	"strings"
	texttemplate "text/template"
	"text/template/parse"
	"unicode/utf8"

	"github.com/rosettebadges/rosette/internal/badge"
)

// AwardData is everything an award notification template may use. Every field is a plain
// string (no methods), so a template reads these values and nothing else. Dates are already
// formatted for people ("23 November 2026"); ExpiresOn is "" when the badge does not expire.
type AwardData struct {
	RecipientName    string // "" when the awarder gave none
	BadgeName        string
	BadgeDescription string
	BadgeImageURL    string // absolute URL of the badge image
	IssuerName       string
	Narrative        string // the awarder's note on this award (Markdown source), or ""
	ClaimURL         string // where the recipient claims the badge
	AwardURL         string // the award's public page
	IssuedOn         string
	ExpiresOn        string
}

// Placeholder documents one AwardData field for the template editor.
type Placeholder struct {
	Name string // as written in a template: {{.Name}}
	Help string
}

// Placeholders lists the fields of AwardData, in the order the editor shows them.
func Placeholders() []Placeholder {
	return []Placeholder{
		{"RecipientName", `The recipient's name, or empty when the awarder gave none (use {{if .RecipientName}}...{{end}}).`},
		{"BadgeName", "The badge's name."},
		{"BadgeDescription", "The badge's description."},
		{"BadgeImageURL", "The address of the badge image (for an <img> in the HTML part)."},
		{"IssuerName", "Your issuer's name."},
		{"Narrative", "The awarder's note on this award, or empty."},
		{"ClaimURL", "The link with which the recipient claims the badge."},
		{"AwardURL", "The award's public page."},
		{"IssuedOn", "The date of issue, like 23 November 2026."},
		{"ExpiresOn", "The expiry date, or empty when the badge does not expire."},
	}
}

// SampleAwardData is the award that checks and previews templates.
func SampleAwardData() AwardData {
	return AwardData{
		RecipientName:    "Ada Lovelace",
		BadgeName:        "Analytical Engine Programmer",
		BadgeDescription: "Wrote and explained a program for the Analytical Engine.",
		BadgeImageURL:    "https://badges.example.org/images/sample.png",
		IssuerName:       "Example Academy",
		Narrative:        "For the notes on Bernoulli numbers.",
		ClaimURL:         "https://badges.example.org/claim/sample-token",
		AwardURL:         "https://badges.example.org/awards/sample",
		IssuedOn:         "23 November 2026",
		ExpiresOn:        "23 November 2029",
	}
}

// Size limits of a template's parts, in bytes of source, and of one rendered message.
const (
	MaxSubjectBytes  = 1000
	MaxTextBytes     = 32 << 10
	MaxHTMLBytes     = 128 << 10
	maxRenderedBytes = 1 << 20
)

// TemplateSource is an issuer's notification template as stored and edited: a subject line
// and a plain-text body (text/template), and an HTML body (html/template, "" = none).
type TemplateSource struct {
	Subject string
	Text    string
	HTML    string
}

// DefaultTemplate is the award email used when an issuer has none. Its HTML part is a
// single-column table layout with inline styles, as email clients need.
var DefaultTemplate = TemplateSource{
	Subject: `{{.IssuerName}} awarded you the badge "{{.BadgeName}}"`,
	Text: `Hello{{if .RecipientName}} {{.RecipientName}}{{end}},

{{.IssuerName}} has awarded you the badge "{{.BadgeName}}".
{{if .BadgeDescription}}
{{.BadgeDescription}}
{{end}}{{if .Narrative}}
Their note: {{.Narrative}}
{{end}}
Issued on {{.IssuedOn}}{{if .ExpiresOn}}, valid until {{.ExpiresOn}}{{end}}.

Claim your badge:
{{.ClaimURL}}

You received this email because {{.IssuerName}} awarded a badge to this address.
If you did not expect it, you can ignore this email.
`,
	HTML: `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.IssuerName}} awarded you the badge &ldquo;{{.BadgeName}}&rdquo;</title>
</head>
<body style="margin:0;padding:0;background-color:#f3f4f6;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background-color:#f3f4f6;">
<tr><td align="center" style="padding:32px 16px;">
  <table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:560px;background-color:#ffffff;border-radius:8px;font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#1f2937;">
    <tr><td style="padding:24px 32px 0 32px;font-size:14px;color:#6b7280;">{{.IssuerName}}</td></tr>
    <tr><td align="center" style="padding:24px 32px 8px 32px;">
      <img src="{{.BadgeImageURL}}" alt="{{.BadgeName}}" width="160" height="160" style="display:block;width:160px;height:160px;border:0;">
    </td></tr>
    <tr><td style="padding:8px 32px 0 32px;font-size:16px;line-height:24px;">
      <p style="margin:0 0 16px 0;">Hello{{if .RecipientName}} {{.RecipientName}}{{end}},</p>
      <p style="margin:0 0 16px 0;"><strong>{{.IssuerName}}</strong> has awarded you the badge <strong>&ldquo;{{.BadgeName}}&rdquo;</strong>.</p>
      {{if .BadgeDescription}}<p style="margin:0 0 16px 0;color:#4b5563;">{{.BadgeDescription}}</p>{{end}}
      {{if .Narrative}}<p style="margin:0 0 16px 0;padding:12px 16px;background-color:#f9fafb;border-left:4px solid #7c3aed;">{{.Narrative}}</p>{{end}}
      <p style="margin:0 0 24px 0;font-size:14px;color:#6b7280;">Issued on {{.IssuedOn}}{{if .ExpiresOn}} &middot; valid until {{.ExpiresOn}}{{end}}</p>
    </td></tr>
    <tr><td align="center" style="padding:0 32px 32px 32px;">
      <table role="presentation" cellpadding="0" cellspacing="0" border="0"><tr>
        <td align="center" style="border-radius:6px;background-color:#7c3aed;">
          <a href="{{.ClaimURL}}" style="display:inline-block;padding:14px 28px;font-size:16px;font-weight:bold;color:#ffffff;text-decoration:none;border-radius:6px;">Claim your badge</a>
        </td>
      </tr></table>
      <p style="margin:16px 0 0 0;font-size:13px;color:#6b7280;">Or open this link: <a href="{{.ClaimURL}}" style="color:#6d28d9;word-break:break-all;">{{.ClaimURL}}</a></p>
    </td></tr>
  </table>
  <table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:560px;">
    <tr><td style="padding:16px 32px;font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;font-size:12px;line-height:18px;color:#6b7280;text-align:center;">
      You received this email because {{.IssuerName}} awarded a badge to this address.
      If you did not expect it, you can ignore this email.
    </td></tr>
  </table>
</td></tr>
</table>
</body>
</html>
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

// allowedFuncs are the functions a template may call: comparisons, logic and the
// length-bounded builtins. printf (which can allocate without bound through its width) and
// call are not among them.
var allowedFuncs = map[string]bool{
	"and": true, "or": true, "not": true, "eq": true, "ne": true, "lt": true, "le": true, "gt": true, "ge": true,
	"len": true, "index": true, "slice": true, "html": true, "js": true, "urlquery": true, "print": true, "println": true,
}

// checkTree refuses the constructs that could make rendering run without bound or reach
// other templates: range (Go templates range over integers), template calls and
// definitions, and functions outside allowedFuncs.
func checkTree(tree *parse.Tree, defined int) error {
	if defined > 1 {
		return errors.New("define and block are not allowed")
	}
	var walk func(n parse.Node) error
	walk = func(n parse.Node) error {
		switch n := n.(type) {
		case nil:
			return nil
		case *parse.ListNode:
			if n == nil {
				return nil
			}
			for _, c := range n.Nodes {
				if err := walk(c); err != nil {
					return err
				}
			}
		case *parse.RangeNode:
			return errors.New("range is not allowed")
		case *parse.TemplateNode:
			return errors.New("template is not allowed")
		case *parse.BreakNode, *parse.ContinueNode:
			return errors.New("break and continue are not allowed")
		case *parse.ActionNode:
			return walk(n.Pipe)
		case *parse.IfNode:
			return walkBranch(walk, &n.BranchNode)
		case *parse.WithNode:
			return walkBranch(walk, &n.BranchNode)
		case *parse.PipeNode:
			if n == nil {
				return nil
			}
			for _, c := range n.Cmds {
				if err := walk(c); err != nil {
					return err
				}
			}
		case *parse.CommandNode:
			for _, a := range n.Args {
				if err := walk(a); err != nil {
					return err
				}
			}
		case *parse.IdentifierNode:
			if !allowedFuncs[n.Ident] {
				return fmt.Errorf("function %q is not allowed", n.Ident)
			}
		case *parse.ChainNode:
			return walk(n.Node)
		}
		return nil
	}
	return walk(tree.Root)
}

func walkBranch(walk func(parse.Node) error, b *parse.BranchNode) error {
	for _, n := range []parse.Node{b.Pipe, b.List, b.ElseList} {
		if n == (*parse.ListNode)(nil) || n == (*parse.PipeNode)(nil) {
			continue
		}
		if err := walk(n); err != nil {
			return err
		}
	}
	return nil
}

// ParseTemplate parses src, checks it uses only what a notification may (fields of
// AwardData, if/with, comparisons; see allowedFuncs) within the size limits, and runs it once
// on SampleAwardData and once on an award with every field empty, so that a template
// referring to a placeholder that does not exist is refused when it is saved, not when it is
// sent. The error joins one badge field error (kind Invalid) per bad field.
func ParseTemplate(src TemplateSource) (*Template, error) {
	var t Template
	var errs []error
	tooLong := func(field, s string, limit int) bool {
		if len(s) > limit {
			errs = append(errs, badge.FieldError(badge.Invalid, field, fmt.Sprintf("Too long: at most %d KiB.", max(limit>>10, 1)), nil))
			return true
		}
		if !utf8.ValidString(s) {
			errs = append(errs, badge.FieldError(badge.Invalid, field, "Not valid UTF-8 text.", nil))
			return true
		}
		return false
	}
	parseText := func(field, s string, limit int) *texttemplate.Template {
		if strings.TrimSpace(s) == "" {
			errs = append(errs, badge.FieldError(badge.Invalid, field, "Must not be empty.", nil))
			return nil
		}
		if tooLong(field, s, limit) {
			return nil
		}
		tt, err := texttemplate.New(field).Option("missingkey=error").Parse(s)
		if err == nil {
			err = checkTree(tt.Tree, len(tt.Templates()))
		}
		if err != nil {
			errs = append(errs, fieldError(field, err))
			return nil
		}
		return tt
	}
	t.subject = parseText("subject", src.Subject, MaxSubjectBytes)
	t.text = parseText("text", src.Text, MaxTextBytes)
	if src.HTML != "" && !tooLong("html", src.HTML, MaxHTMLBytes) {
		ht, err := htmltemplate.New("html").Option("missingkey=error").Parse(src.HTML)
		if err == nil {
			err = checkTree(ht.Tree, len(ht.Templates()))
		}
		if err != nil {
			errs = append(errs, fieldError("html", err))
		} else {
			t.html = ht
		}
	}
	if len(errs) > 0 {
		// Report what is wrong with the parts that parsed, too.
		sample := SampleAwardData()
		run := func(field string, execute func(io.Writer, any) error) {
			if err := execute(&limitedBuffer{limit: maxRenderedBytes}, sample); err != nil {
				errs = append(errs, fieldError(field, err))
			}
		}
		if t.subject != nil {
			run("subject", t.subject.Execute)
		}
		if t.text != nil {
			run("text", t.text.Execute)
		}
		if t.html != nil {
			run("html", t.html.Execute)
		}
		return nil, errors.Join(errs...)
	}
	if _, err := t.Render(SampleAwardData()); err != nil {
		return nil, err
	}
	if _, err := t.render(AwardData{}, false); err != nil { // an award may leave fields empty
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

// limitedBuffer fails writes beyond its limit, which stops a template's execution.
type limitedBuffer struct {
	bytes.Buffer
	limit int
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if b.Len()+len(p) > b.limit {
		return 0, errors.New("the message is too long")
	}
	return b.Buffer.Write(p)
}

// Render fills in the template: the subject (one line), the text and HTML parts (every value
// HTML-escaped in the HTML part). The recipient and Message-ID are the caller's. A subject or
// text that comes out empty is an error (the message could not be sent).
func (t *Template) Render(d AwardData) (Message, error) { return t.render(d, true) }

func (t *Template) render(d AwardData, nonEmpty bool) (Message, error) {
	var m Message
	b := &limitedBuffer{limit: maxRenderedBytes}
	if err := t.subject.Execute(b, d); err != nil {
		return m, fieldError("subject", err)
	}
	m.Subject = strings.Join(strings.Fields(b.String()), " ")
	if nonEmpty && m.Subject == "" {
		return m, badge.FieldError(badge.Invalid, "subject", "The subject comes out empty.", nil)
	}
	b.Reset()
	if err := t.text.Execute(b, d); err != nil {
		return m, fieldError("text", err)
	}
	m.Text = b.String()
	if nonEmpty && strings.TrimSpace(m.Text) == "" {
		return m, badge.FieldError(badge.Invalid, "text", "The plain-text body comes out empty.", nil)
	}
	if t.html != nil {
		b.Reset()
		if err := t.html.Execute(b, d); err != nil {
			return m, fieldError("html", err)
		}
		m.HTML = b.String()
	}
	return m, nil
}
