package badge

import (
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// User is a person who signs in to Rosette: for now a site admin or a staff member.
type User struct {
	ID        int64
	Email     string // normalised by NormalizeEmail
	Name      string
	IsAdmin   bool
	CreatedAt time.Time
	// Token is set when the user acts through an API token: the token's issuer restriction
	// and scopes, which every permission check applies on top of the user's roles. Nil for
	// browser sessions and the command line.
	Token *TokenGrant
}

// NormalizeEmail checks an email address and returns its stored form (trimmed, domain
// lower-cased) and its key (the whole address lower-cased), which is unique among users so that
// addresses differing only in case are the same account. The error is an Invalid *Error on
// field "email".
func NormalizeEmail(s string) (email, key string, err error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", "", FieldError(Invalid, "email", "Email address is required.", nil)
	}
	if len(s) > 254 || !utf8.ValidString(s) {
		return "", "", FieldError(Invalid, "email", "Email address is not valid.", nil)
	}
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 || strings.ContainsAny(s, " \t\r\n<>,;\"") {
		return "", "", FieldError(Invalid, "email", fmt.Sprintf("Email address %q is not valid.", s), nil)
	}
	a, perr := mail.ParseAddress(s)
	if perr != nil || a.Address != s || a.Name != "" {
		return "", "", FieldError(Invalid, "email", fmt.Sprintf("Email address %q is not valid.", s), nil)
	}
	local, domain := s[:at], strings.ToLower(s[at+1:])
	if !strings.Contains(domain, ".") && domain != "localhost" {
		return "", "", FieldError(Invalid, "email", fmt.Sprintf("Email address %q has no domain (like example.org).", s), nil)
	}
	email = local + "@" + domain
	return email, strings.ToLower(email), nil
}

// NormalizeName trims a display name and checks its length (at most 200 characters, no
// control characters). The error is an Invalid *Error on field "name".
func NormalizeName(s string) (string, error) {
	s = strings.TrimSpace(s)
	if !utf8.ValidString(s) || utf8.RuneCountInString(s) > 200 {
		return "", FieldError(Invalid, "name", "Name must be at most 200 characters.", nil)
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return "", FieldError(Invalid, "name", "Name must not contain control characters.", nil)
		}
	}
	return s, nil
}
