package markdown

import (
	"regexp"
	"strings"
	"testing"
)

func TestRender(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"paragraphs", "One\ntwo\n\nThree", "<p>One\ntwo</p>\n<p>Three</p>\n"},
		{"break", "a  \nb", "<p>a<br>\nb</p>\n"},
		{"heading", "# Steps\n#### Small\n#####x", "<h3>Steps</h3>\n<h6>Small</h6>\n<p>#####x</p>\n"},
		{"lists", "- a\n* b\n\n1. one\n2) two", "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n<ol>\n<li>one</li>\n<li>two</li>\n</ol>\n"},
		{"inline", "**Pass** the *exam* with `go test`, _twice_.", "<p><strong>Pass</strong> the <em>exam</em> with <code>go test</code>, <em>twice</em>.</p>\n"},
		{"link", "See [the rules](https://x.org/r?a=1&b=2).", `<p>See <a href="https://x.org/r?a=1&amp;b=2" rel="nofollow noopener noreferrer">the rules</a>.</p>` + "\n"},
		{"javascript link", "[x](javascript:alert(1))", "<p>[x](javascript:alert(1))</p>\n"},
		{"html", `<script>alert("x")</script> <img src=x onerror=y>`, "<p>&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &lt;img src=x onerror=y&gt;</p>\n"},
		{"quote in link", `[a](https://x.org/"onmouseover="x)`, "<p>[a](https://x.org/&#34;onmouseover=&#34;x)</p>\n"},
		{"escapes", `\*not em\*`, "<p>*not em*</p>\n"},
		{"unclosed", "a *b `c [d](e", "<p>a *b `c [d](e</p>\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(Render(tt.in)); got != tt.want {
				t.Errorf("Render(%q) =\n%q\nwant\n%q", tt.in, got, tt.want)
			}
		})
	}
}

var tagRE = regexp.MustCompile(`<[^>]*>`)

var allowedTag = regexp.MustCompile(`^</?(p|h[3-6]|ul|ol|li|em|strong|code)>$|^<br>$|^</a>$|^<a href="(?i:https?|mailto):[^"<>]*" rel="nofollow noopener noreferrer">$`)

func FuzzRender(f *testing.F) {
	f.Add("# T\n- **a** [l](https://x.org) `c`\n\n1. <b>x</b>")
	f.Add("[a](mailto:x@y.org) _e_ \\* <script>")
	f.Fuzz(func(t *testing.T, src string) {
		out := string(Render(src))
		for _, tag := range tagRE.FindAllString(out, -1) {
			if !allowedTag.MatchString(tag) {
				t.Fatalf("tag %q not allowed in\n%s", tag, out)
			}
		}
		if strings.Count(out, "<") != len(tagRE.FindAllString(out, -1)) {
			t.Fatalf("unescaped < in\n%s", out)
		}
	})
}
