package mail

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rosettebadges/rosette/internal/badge"
)

var award = AwardData{RecipientName: "Ada <Lovelace>", BadgeName: "Analytical\nEngine", IssuerName: "Acme & Co", ClaimURL: "https://badges.example.org/claim/xyz?a=1&b=2"}

func TestDefaultTemplate(t *testing.T) {
	m, err := MustParseTemplate(DefaultTemplate).Render(award)
	if err != nil {
		t.Fatal(err)
	}
	if want := `Acme & Co awarded you the badge "Analytical Engine"`; m.Subject != want {
		t.Errorf("Subject = %q, want %q (one line)", m.Subject, want)
	}
	for _, want := range []string{"Hello Ada <Lovelace>,", "Acme & Co has awarded", "https://badges.example.org/claim/xyz?a=1&b=2"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("Text lacks %q:\n%s", want, m.Text)
		}
	}
	for _, want := range []string{"Hello Ada &lt;Lovelace&gt;,", "Acme &amp; Co has awarded", `href="https://badges.example.org/claim/xyz?a=1&amp;b=2"`} {
		if !strings.Contains(m.HTML, want) {
			t.Errorf("HTML lacks %q (escaped):\n%s", want, m.HTML)
		}
	}
}

func TestCustomTemplate(t *testing.T) {
	tpl, err := ParseTemplate(TemplateSource{Subject: "Badge: {{.BadgeName}}", Text: "Go to {{.ClaimURL}}"})
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
	// A javascript: claim link is neutralised in the HTML part.
	tpl, err = ParseTemplate(TemplateSource{Subject: "s", Text: "t", HTML: `<a href="{{.ClaimURL}}">x</a>`})
	if err != nil {
		t.Fatal(err)
	}
	m, err = tpl.Render(AwardData{ClaimURL: "javascript:alert(1)"})
	if err != nil || strings.Contains(m.HTML, "javascript:") {
		t.Errorf("HTML = %q, %v", m.HTML, err)
	}
}

func TestTemplateFieldErrors(t *testing.T) {
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
				t.Errorf("fields (-want +got):\n%s", d)
			}
		})
	}
}

func FuzzParseTemplate(f *testing.F) {
	f.Add(DefaultTemplate.Subject, DefaultTemplate.Text, DefaultTemplate.HTML)
	f.Add("{{", "{{.Nope}}", "<a href='{{.ClaimURL}}'>")
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
