package web

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzLocalPath checks that no "next" parameter can make the sign-in page redirect off site.
func FuzzLocalPath(f *testing.F) {
	for _, s := range []string{"/", "/account/password", "//evil.example", "/\\evil", "https://x", "/a?b=c#d", "\t//x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, next string) {
		got := localPath(next)
		if got == "/" {
			return
		}
		if got != next {
			t.Fatalf("localPath(%q) = %q: neither the input nor /", next, got)
		}
		if !strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") || strings.HasPrefix(got, "/\\") {
			t.Fatalf("localPath(%q) = %q leaves the site", next, got)
		}
		u, err := url.Parse(got)
		if err != nil || u.Host != "" || u.Scheme != "" {
			t.Fatalf("localPath(%q) = %q parses with host %q", next, got, u.Host)
		}
	})
}
