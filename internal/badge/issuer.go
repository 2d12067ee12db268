package badge

import (
	"net/mail"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// Issuer is an organisation that awards badges: its public profile. Several issuers live in
// one installation; each has its own staff and signing keys.
type Issuer struct {
	ID          string // public, stable, URL-safe (used in /issuers/{id})
	Name        string
	Description string
	Website     string // absolute http(s) URL, or ""
	Email       string // contact address, or ""
	LogoURL     string // absolute http(s) URL or data: URI of the logo, or ""
	LinkedInOrg string // LinkedIn organisation id (digits), or ""
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// IssuerFields are the editable fields of an issuer profile.
type IssuerFields struct {
	Name        string
	Description string
	Website     string
	Email       string
	LogoURL     string
	LinkedInOrg string
}

// FieldError is an Invalid error about one named field; Field is the name of the form field.
// Use errors.As to find it; Message is safe to show.
type FieldError struct {
	Field   string
	Message string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Message }

// Normalize trims the fields and checks them: name required (at most 200 characters),
// description at most 4000 characters, website an absolute http(s) URL, email a valid
// address, logo an http(s) URL or a data:image/ URI, LinkedIn organisation id digits only.
// The error is an Invalid *Error whose cause is the *FieldError of the first bad field.
func (f IssuerFields) Normalize() (IssuerFields, error) {
	bad := func(field, msg string) (IssuerFields, error) {
		return IssuerFields{}, E(Invalid, msg, &FieldError{Field: field, Message: msg})
	}
	f.Name = strings.TrimSpace(f.Name)
	f.Description = strings.TrimSpace(f.Description)
	f.Website = strings.TrimSpace(f.Website)
	f.Email = strings.TrimSpace(f.Email)
	f.LogoURL = strings.TrimSpace(f.LogoURL)
	f.LinkedInOrg = strings.TrimSpace(f.LinkedInOrg)
	if f.Name == "" {
		return bad("name", "Name is required.")
	}
	if name, err := NormalizeName(f.Name); err != nil {
		return bad("name", SafeMessage(err))
	} else {
		f.Name = name
	}
	if !utf8.ValidString(f.Description) || utf8.RuneCountInString(f.Description) > 4000 {
		return bad("description", "Description must be at most 4000 characters.")
	}
	if f.Website != "" && !httpURL(f.Website) {
		return bad("website", "Website must be a full http:// or https:// address, like https://example.org.")
	}
	if f.Email != "" {
		email, _, err := NormalizeEmail(f.Email)
		if err != nil {
			return bad("email", SafeMessage(err))
		}
		if _, perr := mail.ParseAddress(email); perr != nil {
			return bad("email", "Email address is not valid.")
		}
		f.Email = email
	}
	if f.LogoURL != "" && !httpURL(f.LogoURL) && !strings.HasPrefix(f.LogoURL, "data:image/") {
		return bad("logo", "Logo must be an http:// or https:// address or a data:image/ URI.")
	}
	if len(f.LogoURL) > 2<<20 {
		return bad("logo", "Logo is too large (at most 2 MiB).")
	}
	if f.LinkedInOrg != "" {
		if len(f.LinkedInOrg) > 20 || strings.Trim(f.LinkedInOrg, "0123456789") != "" {
			return bad("linkedin_org", "LinkedIn organisation id must be digits only, like 1337.")
		}
	}
	return f, nil
}

func httpURL(s string) bool {
	if len(s) > 2000 || strings.ContainsAny(s, " \t\r\n") {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.User == nil
}
