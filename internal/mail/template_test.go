package mail

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rosettebadges/rosette/internal/badge"
)

var award = AwardData{RecipientName: "Ada <Lovelace>", BadgeName: "Analytical\nEngine", IssuerName: "Acme & Co",
	BadgeDescription: "Programs <the> engine", BadgeImageURL: "https://badges.example.org/images/abc.png",
	Narrative: "Great <b>work</b>", ClaimURL: "https://badges.example.org/claim/xyz?a=1&b=2",
	AwardURL: "https://badges.example.org/awards/a1", IssuedOn: "23 November 2026", ExpiresOn: "1 January 2030"}

func TestDefaultTemplate(t *testing.T) {
	m, err := MustParseTemplate(DefaultTemplate).Render(award)
	if err != nil {
		t.Fatal(err)
	}
	if want := `Acme & Co awarded you the badge "Analytical Engine"`; m.Subject != want {
		t.Errorf("Subject = %q, want %q (one line)", m.Subject, want)
	}
	// The text and HTML parts say the same things.
	for _, want := range []string{"Hello Ada <Lovelace>,", "Acme & Co has awarded you the badge", "Programs <the> engine",
		"Great <b>work</b>", "Issued on 23 November 2026", "valid until 1 January 2030",
		"https://badges.example.org/claim/xyz?a=1&b=2", "Claim your badge", "You received this email because Acme & Co awarded"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("Text lacks %q:\n%s", want, m.Text)
		}
	}
	for _, want := range []string{"Hello Ada &lt;Lovelace&gt;,", "<strong>Acme &amp; Co</strong> has awarded you the badge",
		"Programs &lt;the&gt; engine", "Great &lt;b&gt;work&lt;/b&gt;", "Issued on 23 November 2026", "valid until 1 January 2030",
		`<img src="https://badges.example.org/images/abc.png" alt="Analytical
Engine"`, `href="https://badges.example.org/claim/xyz?a=1&amp;b=2"`, ">Claim your badge</a>",
		"You received this email because Acme &amp; Co awarded"} {
		if !strings.Contains(m.HTML, want) {
			t.Errorf("HTML lacks %q (escaped):\n%s", want, m.HTML)
		}
	}
	// Without a name, a description, a note or an expiry date, nothing dangles.
	m, err = MustParseTemplate(DefaultTemplate).Render(AwardData{BadgeName: "B", IssuerName: "I", ClaimURL: "https://x.example/c", IssuedOn: "1 May 2026"})
	if err != nil {
		t.Fatal(err)
	}
	for _, part := range []string{m.Text, m.HTML} {
		for _, bad := range []string{"Hello ,", "valid until", "Their note", "<no value>"} {
			if strings.Contains(part, bad) {
				t.Errorf("part has %q:\n%s", bad, part)
			}
		}
	}
}

func TestTemplateEscapesHTML(t *testing.T) {
	tpl, err := ParseTemplate(TemplateSource{Subject: "{{.RecipientName}}", Text: "{{.RecipientName}}",
		HTML: `<p title="{{.RecipientName}}">{{.RecipientName}}</p><a href="{{.ClaimURL}}">x</a><img src="{{.BadgeImageURL}}">`})
	if err != nil {
		t.Fatal(err)
	}
	m, err := tpl.Render(AwardData{RecipientName: `<script>alert("x")</script>`, ClaimURL: "javascript:alert(1)", BadgeImageURL: "javascript:alert(2)"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(m.HTML, "<script") || strings.Contains(m.HTML, "javascript:") {
		t.Errorf("HTML not escaped: %s", m.HTML)
	}
	if want := `&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;`; !strings.Contains(m.HTML, want) {
		t.Errorf("HTML = %s, want it to contain %s", m.HTML, want)
	}
	if m.Text != `<script>alert("x")</script>` { // plain text is not HTML: shown as is
		t.Errorf("Text = %q", m.Text)
	}
}

func TestCustomTemplate(t *testing.T) {
	tpl, err := ParseTemplate(TemplateSource{Subject: "Badge: {{.BadgeName}}", Text: "Go to {{.ClaimURL}}{{if eq .ExpiresOn \"\"}} (no expiry){{end}}"})
	if err != nil {
		t.Fatal(err)
	}
	m, err := tpl.Render(award)
	if err != nil {
		t.Fatal(err)
	}
	want := Message{Subject: "Badge: Analytical Engine", Text: "Go to https://badges.example.org/claim/xyz?a=1&b=2"}
	if d := cmp.Diff(want, m); d != "" {
		t.Errorf("Render (-want +got):\n%s", d)
	}
}

func TestTemplateFieldErrors(t *testing.T) {
	big := strings.Repeat("x", MaxHTMLBytes+1)
	tests := []struct {
		name   string
		src    TemplateSource
		fields []string
	}{
		{"empty subject", TemplateSource{Subject: " ", Text: "t"}, []string{"subject"}},
		{"empty text", TemplateSource{Subject: "s"}, []string{"text"}},
		{"bad syntax", TemplateSource{Subject: "{{.BadgeName", Text: "t"}, []string{"subject"}},
		{"unknown placeholder", TemplateSource{Subject: "s", Text: "{{.Nope}}"}, []string{"text"}},
		{"bad html", TemplateSource{Subject: "s", Text: "t", HTML: "{{if}}"}, []string{"html"}},
		{"html unknown placeholder", TemplateSource{Subject: "s", Text: "t", HTML: "<p>{{.Password}}</p>"}, []string{"html"}},
		{"two fields", TemplateSource{Subject: "{{", Text: "{{end}}"}, []string{"subject", "text"}},
		{"one does not parse, one does not run", TemplateSource{Subject: "{{.Nope}}", Text: "{{if}}", HTML: "<p>{{.Nope}}</p>"}, []string{"html", "subject", "text"}},
		{"subject too long", TemplateSource{Subject: strings.Repeat("s", MaxSubjectBytes+1), Text: "t"}, []string{"subject"}},
		{"text too long", TemplateSource{Subject: "s", Text: strings.Repeat("t", MaxTextBytes+1)}, []string{"text"}},
		{"html too long", TemplateSource{Subject: "s", Text: "t", HTML: big}, []string{"html"}},
		{"not utf-8", TemplateSource{Subject: "s\xff", Text: "t"}, []string{"subject"}},
		{"range over a number", TemplateSource{Subject: "s", Text: "{{range 1000000000}}{{end}}"}, []string{"text"}},
		{"printf width", TemplateSource{Subject: "s", Text: `{{printf "%099999999d" 1}}`}, []string{"text"}},
		{"call", TemplateSource{Subject: "s", Text: `{{call .BadgeName}}`}, []string{"text"}},
		{"define", TemplateSource{Subject: "s", Text: `{{define "a"}}x{{end}}t`}, []string{"text"}},
		{"template call", TemplateSource{Subject: "s", Text: "t", HTML: `{{template "html" .}}`}, []string{"html"}},
		{"subject empty when rendered", TemplateSource{Subject: "{{if false}}x{{end}}", Text: "t"}, []string{"subject"}},
		{"fails on an empty field", TemplateSource{Subject: "s", Text: "{{index .RecipientName 0}}"}, []string{"text"}},
		{"method on a field", TemplateSource{Subject: "s", Text: "{{.BadgeName.Len}}"}, []string{"text"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseTemplate(tt.src)
			if err == nil {
				t.Fatal("ParseTemplate succeeded")
			}
			if !errors.Is(err, badge.Invalid) {
				t.Errorf("error %v is not Invalid", err)
			}
			var got []string
			for f := range badge.FieldMessages(err) {
				got = append(got, f)
			}
			slices.Sort(got)
			if d := cmp.Diff(tt.fields, got); d != "" {
				t.Errorf("fields (-want +got):\n%s (%v)", d, err)
			}
		})
	}
}

func TestPlaceholdersAreAwardDataFields(t *testing.T) {
	var text strings.Builder
	for _, p := range Placeholders() {
		text.WriteString("{{.")
		text.WriteString(p.Name)
		text.WriteString("}}")
	}
	if _, err := ParseTemplate(TemplateSource{Subject: "s", Text: text.String()}); err != nil {
		t.Fatalf("a template of every placeholder: %v", err)
	}
}

func FuzzParseTemplate(f *testing.F) {
	f.Add(DefaultTemplate.Subject, DefaultTemplate.Text, DefaultTemplate.HTML)
	f.Add("{{", "{{.Nope}}", "<a href='{{.ClaimURL}}'>")
	f.Add("{{with .BadgeName}}{{.}}{{end}}", "{{index .BadgeName 0}}", "<p>{{slice .IssuerName 1}}</p>")
	f.Fuzz(func(t *testing.T, subject, text, html string) {
		tpl, err := ParseTemplate(TemplateSource{Subject: subject, Text: text, HTML: html})
		if err != nil {
			if len(badge.FieldMessages(err)) == 0 {
				t.Fatalf("error %v names no field", err)
			}
			return
		}
		m, err := tpl.Render(award)
		if err != nil {
			return // a template may still fail on other data (e.g. index out of range)
		}
		if strings.ContainsAny(m.Subject, "\r\n") {
			t.Errorf("subject has a line break: %q", m.Subject)
		}
	})
}
