package markdown

import (
	"html"
	"strings"
	"unicode/utf8"
)

// PlainText returns the Markdown src as plain text, for print and previews: the text of
// Render without its tags, a paragraph, heading or list item per line, list items led by
// "• ", link targets dropped (their text kept). When max > 0 the result is cut to at most
// max characters at a word boundary, ending in "…".
func PlainText(src string, max int) string {
	h := string(Render(src))
	var b strings.Builder
	for len(h) > 0 {
		i := strings.IndexByte(h, '<')
		if i < 0 {
			b.WriteString(h)
			break
		}
		b.WriteString(h[:i])
		j := strings.IndexByte(h[i:], '>')
		if j < 0 { // cannot happen: Render closes every tag it opens
			break
		}
		switch tag := h[i+1 : i+j]; {
		case tag == "li":
			b.WriteString("• ")
		case tag == "br":
			b.WriteString("\n")
		}
		h = h[i+j+1:]
	}
	var lines []string
	for _, l := range strings.Split(html.UnescapeString(b.String()), "\n") {
		if l = strings.Join(strings.Fields(l), " "); l != "" {
			lines = append(lines, l)
		}
	}
	out := strings.Join(lines, "\n")
	if max <= 0 || utf8.RuneCountInString(out) <= max {
		return out
	}
	r := []rune(out)[:max]
	cut := len(r)
	for k := len(r) - 1; k > max/2; k-- {
		if r[k] == ' ' || r[k] == '\n' {
			cut = k
			break
		}
	}
	return strings.TrimRight(string(r[:cut]), " \n.,;:") + "…"
}
