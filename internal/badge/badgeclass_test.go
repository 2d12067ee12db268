package badge

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func validClass() BadgeClassFields {
	return BadgeClassFields{Name: " Go Basics ", Description: "Knows Go.", CriteriaNarrative: "Pass the *exam*."}
}

func TestBadgeClassNormalizeOK(t *testing.T) {
	f := validClass()
	f.Tags = []string{" go ", "", "go", "tests"}
	f.Alignments = []Alignment{{Name: " Prog ", URL: "https://ex.org/p", Framework: "F", Code: "C1"}}
	f.AchievementType = "ext:Hack.a-thon_2"
	f.Credits = "002.50"
	f.Language = "PT-br"
	f.Expiry = Expiry{Kind: ExpiryDuration, Count: 2, Unit: "years"}
	got, err := f.Normalize()
	if err != nil {
		t.Fatal(err)
	}
	want := BadgeClassFields{Name: "Go Basics", Description: "Knows Go.", CriteriaNarrative: "Pass the *exam*.",
		Tags: []string{"go", "tests"}, Alignments: []Alignment{{Name: "Prog", URL: "https://ex.org/p", Framework: "F", Code: "C1"}},
		AchievementType: "ext:Hack.a-thon_2", Credits: "2.5", Language: "pt-BR", Expiry: Expiry{Kind: ExpiryDuration, Count: 2, Unit: "years"}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Normalize (-want +got):\n%s", d)
	}
}

func TestBadgeClassNormalizeErrors(t *testing.T) {
	many := make([]string, 51)
	for i := range many {
		many[i] = strings.Repeat("t", i+1)
	}
	tests := []struct {
		name  string
		edit  func(*BadgeClassFields)
		field string
	}{
		{"no name", func(f *BadgeClassFields) { f.Name = " " }, "name"},
		{"no description", func(f *BadgeClassFields) { f.Description = "" }, "description"},
		{"no criteria", func(f *BadgeClassFields) { f.CriteriaNarrative = "" }, "criteria"},
		{"criteria url ftp", func(f *BadgeClassFields) { f.CriteriaURL = "ftp://x.org/c" }, "criteria"},
		{"criteria javascript", func(f *BadgeClassFields) { f.CriteriaURL = "javascript:alert(1)" }, "criteria"},
		{"too many tags", func(f *BadgeClassFields) { f.Tags = many }, "tags"},
		{"long tag", func(f *BadgeClassFields) { f.Tags = []string{strings.Repeat("x", 65)} }, "tags"},
		{"alignment no url", func(f *BadgeClassFields) { f.Alignments = []Alignment{{Name: "a"}} }, "alignments"},
		{"achievement type", func(f *BadgeClassFields) { f.AchievementType = "Trophy" }, "achievement_type"},
		{"credits negative", func(f *BadgeClassFields) { f.Credits = "-1" }, "credits"},
		{"credits word", func(f *BadgeClassFields) { f.Credits = "two" }, "credits"},
		{"language", func(f *BadgeClassFields) { f.Language = "english please" }, "language"},
		{"expiry bad date", func(f *BadgeClassFields) { f.Expiry = Expiry{Kind: ExpiryFixed, Date: "2027-02-30"} }, "expiry"},
		{"expiry zero", func(f *BadgeClassFields) { f.Expiry = Expiry{Kind: ExpiryDuration, Count: 0, Unit: "days"} }, "expiry"},
		{"expiry unit", func(f *BadgeClassFields) { f.Expiry = Expiry{Kind: ExpiryDuration, Count: 1, Unit: "weeks"} }, "expiry"},
		{"expiry kind", func(f *BadgeClassFields) { f.Expiry = Expiry{Kind: "soon"} }, "expiry"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := validClass()
			tt.edit(&f)
			_, err := f.Normalize()
			msgs := FieldMessages(err)
			if _, ok := msgs[tt.field]; !ok || len(msgs) != 1 {
				t.Errorf("Normalize: fields %v, want only %q (err %v)", msgs, tt.field, err)
			}
		})
	}
}

func TestExpiresAt(t *testing.T) {
	issued := time.Date(2026, 1, 31, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		e    Expiry
		want time.Time
		ok   bool
	}{
		{Expiry{}, time.Time{}, false},
		{Expiry{Kind: ExpiryFixed, Date: "2027-12-31"}, time.Date(2027, 12, 31, 23, 59, 59, 0, time.UTC), true},
		{Expiry{Kind: ExpiryDuration, Count: 10, Unit: "days"}, time.Date(2026, 2, 10, 12, 0, 0, 0, time.UTC), true},
		{Expiry{Kind: ExpiryDuration, Count: 1, Unit: "years"}, time.Date(2027, 1, 31, 12, 0, 0, 0, time.UTC), true},
	}
	for _, tt := range tests {
		got, ok := tt.e.ExpiresAt(issued)
		if !got.Equal(tt.want) || ok != tt.ok {
			t.Errorf("%+v.ExpiresAt = %v, %v; want %v, %v", tt.e, got, ok, tt.want, tt.ok)
		}
	}
}

func FuzzBadgeClassFieldsNormalize(f *testing.F) {
	f.Add("Go", "d", "n", "https://x.org/c", "go,tests", "Badge", "2.50", "pt-br", "duration", "", 3, "years")
	f.Add(" ", "", "", "javascript:x", ",,", "ext:", "-1", "x-", "fixed", "2027-02-30", 0, "")
	f.Fuzz(func(t *testing.T, name, desc, narrative, curl, tags, atype, credits, lang, kind, date string, count int, unit string) {
		in := BadgeClassFields{Name: name, Description: desc, CriteriaNarrative: narrative, CriteriaURL: curl,
			Tags: strings.Split(tags, ","), AchievementType: atype, Credits: credits, Language: lang,
			Alignments: []Alignment{{Name: name, URL: curl, Code: tags}},
			Expiry:     Expiry{Kind: ExpiryKind(kind), Date: date, Count: count, Unit: unit}}
		got, err := in.Normalize()
		if err != nil {
			if KindOf(err) != Invalid || len(FieldMessages(err)) == 0 {
				t.Fatalf("error %v is not an Invalid field error", err)
			}
			return
		}
		again, err := got.Normalize()
		if err != nil {
			t.Fatalf("normalized fields refused: %+v: %v", got, err)
		}
		if d := cmp.Diff(got, again); d != "" {
			t.Fatalf("not idempotent (-first +second):\n%s", d)
		}
	})
}
