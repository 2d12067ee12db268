package web

import (
	"net/url"
	"strings"
	"testing"
)

func TestAwardIDFromURL(t *testing.T) {
	base := "https://badges.example.org"
	for in, want := range map[string]string{
		"https://badges.example.org/awards/abc-DEF_1":  "abc-DEF_1",
		"HTTPS://Badges.Example.org/awards/a1":         "a1",
		"https://badges.example.org/awards/":           "",
		"https://badges.example.org/awards/a1/":        "",
		"https://badges.example.org/awards/a1/embed":   "",
		"https://badges.example.org/awards/a1?x=1":     "",
		"https://badges.example.org/awards/a1#top":     "",
		"https://badges.example.org/awards/a%2F1":      "",
		"https://badges.example.org/awards/a%201":      "",
		"https://user@badges.example.org/awards/a1":    "",
		"http://badges.example.org/awards/a1":          "",
		"https://badges.example.org:444/awards/a1":     "",
		"https://badges.example.org.evil/awards/a1":    "",
		"https://evil.example/awards/a1":               "",
		"//badges.example.org/awards/a1":               "",
		"/awards/a1":                                   "",
		"https://badges.example.org/badges/a1":         "",
		"https://badges.example.org/x/../awards/a1":    "",
		"https://badges.example.org/awards/../awards1": "",
		"mailto:badges.example.org/awards/a1":          "",
		"":                                             "",
	} {
		got, ok := awardIDFromURL(base, in)
		if got != want || ok != (want != "") {
			t.Errorf("awardIDFromURL(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	// Under a base path.
	if got, ok := awardIDFromURL("https://example.org/rosette", "https://example.org/rosette/awards/a1"); !ok || got != "a1" {
		t.Errorf("base path: %q %v", got, ok)
	}
	if _, ok := awardIDFromURL("https://example.org/rosette", "https://example.org/awards/a1"); ok {
		t.Error("outside the base path accepted")
	}
}

// FuzzAwardIDFromURL: the oEmbed url parameter parser never panics, and whatever it accepts
// is one of this site's award page URLs, whose id round-trips.
func FuzzAwardIDFromURL(f *testing.F) {
	base := "https://badges.example.org"
	for _, s := range []string{"https://badges.example.org/awards/a1", "https://badges.example.org/awards/a1/embed",
		"https://evil.example/awards/a1", "https://badges.example.org/awards/%2e%2e", "\x00", "https://[::1]/awards/a",
		"https://badges.example.org/awards/a1?url=x", "HTTPS://BADGES.EXAMPLE.ORG/awards/Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		id, ok := awardIDFromURL(base, raw)
		if !ok {
			if id != "" {
				t.Fatalf("refused %q but returned %q", raw, id)
			}
			return
		}
		if id == "" || strings.ContainsAny(id, "/?#%. ") {
			t.Fatalf("accepted %q with id %q", raw, id)
		}
		u, err := url.Parse(raw)
		if err != nil || !strings.EqualFold(u.Host, "badges.example.org") || !strings.EqualFold(u.Scheme, "https") || u.Path != "/awards/"+id {
			t.Fatalf("accepted %q (id %q) that is not an award page here", raw, id)
		}
	})
}
