package service

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/rosettebadges/rosette/internal/badge"
)

const maxCVURL = 2000

// checkCVText normalizes free text of a CV (line ends to \n, surrounding space trimmed): valid
// UTF-8, at most max characters, no control characters but newlines and tabs. Invalid on field.
func checkCVText(s string, max int, field string) (string, error) {
	s = strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n"))
	if !utf8.ValidString(s) {
		return "", badge.FieldError(badge.Invalid, field, "The text is not valid UTF-8.", nil)
	}
	if n := utf8.RuneCountInString(s); n > max {
		return "", badge.FieldError(badge.Invalid, field, fmt.Sprintf("The text is %d characters long; at most %d are allowed.", n, max), nil)
	}
	for _, r := range s {
		if (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f {
			return "", badge.FieldError(badge.Invalid, field, "The text must not contain control characters.", nil)
		}
	}
	return s, nil
}

// checkCVLink checks one link: a label of at most 200 characters and an absolute http or
// https URL. Invalid on field "links".
func checkCVLink(l CVLink) (CVLink, error) {
	label, err := checkCVText(l.Label, maxCVTitle, "links")
	if err != nil || strings.Contains(label, "\n") {
		return CVLink{}, badge.FieldError(badge.Invalid, "links", "A link's label must be one line of at most 200 characters.", err)
	}
	u, err := url.Parse(l.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(l.URL) > maxCVURL ||
		strings.ContainsAny(l.URL, " \t\n\r") {
		return CVLink{}, badge.FieldError(badge.Invalid, "links", fmt.Sprintf("%q is not a web address: links start with https:// or http://.", truncate(l.URL, 100)), err)
	}
	return CVLink{Label: label, URL: l.URL}, nil
}

// ParseCVLinks reads the links of a links section as typed in the builder: one per line,
// "Label | https://..." or just the address (whose host is then the label). Blank lines are
// skipped. Invalid on field "links", naming the line, for anything else.
func ParseCVLinks(text string) ([]CVLink, error) {
	var out []CVLink
	for i, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		var l CVLink
		if label, addr, ok := strings.Cut(line, "|"); ok {
			l = CVLink{Label: strings.TrimSpace(label), URL: strings.TrimSpace(addr)}
		} else {
			l = CVLink{URL: line}
		}
		if l.Label == "" {
			if u, err := url.Parse(l.URL); err == nil {
				l.Label = u.Host
			}
		}
		l, err := checkCVLink(l)
		if err != nil {
			msg := "this is not a link."
			var be *badge.Error
			if errors.As(err, &be) {
				msg = be.Message
			}
			return nil, badge.FieldError(badge.Invalid, "links", fmt.Sprintf("Line %d: %s", i+1, msg), err)
		}
		out = append(out, l)
		if len(out) > maxCVLinks {
			return nil, badge.FieldError(badge.Invalid, "links", fmt.Sprintf("A section may have at most %d links.", maxCVLinks), nil)
		}
	}
	return out, nil
}

// FormatCVLinks writes links back in the form ParseCVLinks reads.
func FormatCVLinks(links []CVLink) string {
	var b strings.Builder
	for _, l := range links {
		fmt.Fprintf(&b, "%s | %s\n", l.Label, l.URL)
	}
	return b.String()
}
