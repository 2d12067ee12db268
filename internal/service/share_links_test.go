package service

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestLinkedInAddURL(t *testing.T) {
	issued := time.Date(2026, 1, 31, 23, 30, 0, 0, time.UTC)
	tests := []struct {
		name string
		in   LinkedInCert
		want url.Values
	}{
		{"organisation id, expiry", LinkedInCert{Name: "Knots", OrganizationID: "1337", OrganizationName: "Harbour",
			Issued: issued, Expires: time.Date(2028, 12, 1, 0, 0, 0, 0, time.UTC),
			CertURL: "https://badges.example.org/awards/a1", CertID: "a1"},
			url.Values{"startTask": {"CERTIFICATION_NAME"}, "name": {"Knots"}, "organizationId": {"1337"},
				"issueYear": {"2026"}, "issueMonth": {"1"}, "expirationYear": {"2028"}, "expirationMonth": {"12"},
				"certUrl": {"https://badges.example.org/awards/a1"}, "certId": {"a1"}}},
		{"organisation name, no expiry, UTF-8 and reserved characters", LinkedInCert{Name: "Sécurité & “Knots” #1 + 2",
			OrganizationName: "Æbelø Skole / Kraków", Issued: time.Date(2025, 10, 5, 0, 0, 0, 0, time.UTC),
			CertURL: "https://badges.example.org/awards/a%20b?x=1&y=2", CertID: "a b"},
			url.Values{"startTask": {"CERTIFICATION_NAME"}, "name": {"Sécurité & “Knots” #1 + 2"},
				"organizationName": {"Æbelø Skole / Kraków"}, "issueYear": {"2025"}, "issueMonth": {"10"},
				"certUrl": {"https://badges.example.org/awards/a%20b?x=1&y=2"}, "certId": {"a b"}}},
		{"issue month in UTC", LinkedInCert{Name: "N", OrganizationName: "O",
			Issued: time.Date(2026, 3, 1, 0, 30, 0, 0, time.FixedZone("CET", 3600)), CertURL: "u", CertID: "i"},
			url.Values{"startTask": {"CERTIFICATION_NAME"}, "name": {"N"}, "organizationName": {"O"},
				"issueYear": {"2026"}, "issueMonth": {"2"}, "certUrl": {"u"}, "certId": {"i"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := LinkedInAddURL(tt.in)
			base, query, ok := strings.Cut(got, "?")
			if !ok || base != "https://www.linkedin.com/profile/add" {
				t.Fatalf("URL %q", got)
			}
			if strings.ContainsAny(query, " “”éÆ#") {
				t.Errorf("query not escaped: %q", query)
			}
			q, err := url.ParseQuery(query)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, q); d != "" {
				t.Errorf("fields (-want +got):\n%s", d)
			}
			for _, k := range []string{"issueMonth", "expirationMonth"} {
				if v := q.Get(k); v != "" && (len(v) > 2 || v < "1" || (len(v) == 2 && v > "12")) {
					t.Errorf("%s = %q, want 1-12", k, v)
				}
			}
		})
	}
}

func TestShareTarget(t *testing.T) {
	page := "https://badges.example.org/awards/a1"
	tests := []struct {
		channel, want string
	}{
		{ChannelLinkedInPost, "https://www.linkedin.com/sharing/share-offsite/?url=https%3A%2F%2Fbadges.example.org%2Fawards%2Fa1"},
		{ChannelX, "https://twitter.com/intent/tweet?text=Knots+%26+Ropes&url=https%3A%2F%2Fbadges.example.org%2Fawards%2Fa1"},
		{ChannelFacebook, "https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fbadges.example.org%2Fawards%2Fa1"},
		{ChannelEmail, "mailto:?subject=Knots%20%26%20Ropes&body=Knots%20%26%20Ropes%0Ahttps%3A%2F%2Fbadges.example.org%2Fawards%2Fa1"},
	}
	for _, tt := range tests {
		got, ok := ShareTarget(tt.channel, page, "Knots & Ropes")
		if !ok || got != tt.want {
			t.Errorf("ShareTarget(%s) = %q, %v; want %q", tt.channel, got, ok, tt.want)
		}
	}
	for _, ch := range []string{"", "myspace", ChannelLinkedInProfile, "https://evil.example"} {
		if got, ok := ShareTarget(ch, page, "t"); ok {
			t.Errorf("ShareTarget(%q) = %q, want none", ch, got)
		}
	}
}
