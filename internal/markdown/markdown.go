// Package markdown renders the small, safe subset of Markdown used in badge criteria
// narratives to HTML. All text is escaped; the only tags it writes are p, h3-h6, ul, ol, li,
// em, strong, code, br and a (http, https or mailto links only, with rel="nofollow noopener
// noreferrer"). Anything else (raw HTML, images, other URL schemes) comes out as escaped text.
package markdown

import (
	"html"
	"html/template"
	"net/url"
	"strings"
)

// Render returns the HTML of the Markdown src. Blocks: paragraphs (separated by blank lines),
// ATX headings (# to ####, rendered h3 to h6 so they sit under a page's own headings), lists
// ("- ", "* ", "+ " or "1. " items; consecutive items make one list). Inline: **strong**,
// *em* / _em_, `code`, [text](url) and a hard line break for a line ending in two spaces.
func Render(src string) template.HTML {
	var b strings.Builder
	lines := strings.Split(strings.ReplaceAll(strings.ReplaceAll(src, "\r\n", "\n"), "\r", "\n"), "\n")
	var para []string
	list := "" // "ul", "ol" or ""
	flushPara := func() {
		if len(para) > 0 {
			b.WriteString("<p>")
			for i, l := range para {
				if i > 0 {
					if strings.HasSuffix(para[i-1], "  ") {
						b.WriteString("<br>")
					}
					b.WriteString("\n")
				}
				b.WriteString(inline(strings.TrimSpace(l)))
			}
			b.WriteString("</p>\n")
			para = nil
		}
	}
	closeList := func() {
		if list != "" {
			b.WriteString("</" + list + ">\n")
			list = ""
		}
	}
	for _, line := range lines {
		t := strings.TrimSpace(line)
		if t == "" {
			flushPara()
			closeList()
			continue
		}
		if lvl := heading(t); lvl > 0 {
			flushPara()
			closeList()
			tag := "h" + string(rune('2'+lvl))
			b.WriteString("<" + tag + ">" + inline(strings.TrimSpace(strings.TrimLeft(t, "#"))) + "</" + tag + ">\n")
			continue
		}
		if kind, item := listItem(t); kind != "" {
			flushPara()
			if list != kind {
				closeList()
				b.WriteString("<" + kind + ">\n")
				list = kind
			}
			b.WriteString("<li>" + inline(item) + "</li>\n")
			continue
		}
		closeList()
		para = append(para, line)
	}
	flushPara()
	closeList()
	return template.HTML(b.String())
}

// heading returns the level (1-4) of an ATX heading line, or 0.
func heading(t string) int {
	n := len(t) - len(strings.TrimLeft(t, "#"))
	if n < 1 || n > 4 || len(t) == n || t[n] != ' ' {
		return 0
	}
	return n
}

// listItem returns "ul" or "ol" and the item text for a list line, or "".
func listItem(t string) (string, string) {
	if len(t) > 2 && (t[0] == '-' || t[0] == '*' || t[0] == '+') && t[1] == ' ' {
		return "ul", strings.TrimSpace(t[2:])
	}
	i := 0
	for i < len(t) && i < 9 && t[i] >= '0' && t[i] <= '9' {
		i++
	}
	if i > 0 && i+1 < len(t) && (t[i] == '.' || t[i] == ')') && t[i+1] == ' ' {
		return "ol", strings.TrimSpace(t[i+2:])
	}
	return "", ""
}

// inline renders the inline markup of s, escaping everything else.
func inline(s string) string {
	var b strings.Builder
	for len(s) > 0 {
		switch {
		case s[0] == '\\' && len(s) > 1 && strings.ContainsRune("\\`*_[]()#+-.!", rune(s[1])):
			b.WriteString(html.EscapeString(s[1:2]))
			s = s[2:]
			continue
		case s[0] == '`':
			if end := strings.IndexByte(s[1:], '`'); end >= 0 {
				b.WriteString("<code>" + html.EscapeString(s[1:1+end]) + "</code>")
				s = s[end+2:]
				continue
			}
		case strings.HasPrefix(s, "**"):
			if end := strings.Index(s[2:], "**"); end > 0 {
				b.WriteString("<strong>" + inline(s[2:2+end]) + "</strong>")
				s = s[end+4:]
				continue
			}
		case s[0] == '*' || s[0] == '_':
			if end := strings.IndexByte(s[1:], s[0]); end > 0 {
				b.WriteString("<em>" + inline(s[1:1+end]) + "</em>")
				s = s[end+2:]
				continue
			}
		case s[0] == '[':
			if text, href, rest, ok := link(s); ok {
				b.WriteString(`<a href="` + html.EscapeString(href) + `" rel="nofollow noopener noreferrer">` + inline(text) + "</a>")
				s = rest
				continue
			}
		}
		b.WriteString(html.EscapeString(s[:1]))
		s = s[1:]
	}
	return b.String()
}

// link parses "[text](url)" at the start of s; only http, https and mailto URLs make a link.
func link(s string) (text, href, rest string, ok bool) {
	close := strings.Index(s, "](")
	if close < 0 || strings.Contains(s[1:close], "[") {
		return "", "", "", false
	}
	end := strings.IndexByte(s[close+2:], ')')
	if end < 0 {
		return "", "", "", false
	}
	href = strings.TrimSpace(s[close+2 : close+2+end])
	u, err := url.Parse(href)
	if err != nil || strings.ContainsAny(href, " \t\n\"'<>") {
		return "", "", "", false
	}
	switch u.Scheme {
	case "http", "https":
		if u.Host == "" {
			return "", "", "", false
		}
	case "mailto":
	default:
		return "", "", "", false
	}
	return s[1:close], href, s[close+2+end+1:], true
}
