package badge

import (
	"errors"
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
	// StatusMethod is how the issuer's OB 3.0 credentials publish revocation and expiry:
	// StatusBitstring (default) or Status1EdTech.
	StatusMethod StatusMethod
	// CertificateLayout is the design of its awards' PDF certificates.
	CertificateLayout CertificateLayout
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// IssuerFields are the editable fields of an issuer profile.
type IssuerFields struct {
	Name        string
	Description string
	Website     string
	Email       string
	LogoURL     string
	LinkedInOrg string
	// StatusMethod: StatusBitstring or Status1EdTech; "" means StatusBitstring for a new
	// issuer and "unchanged" on an update (so callers that do not know it keep it).
	StatusMethod StatusMethod
	// CertificateLayout: one of CertificateLayouts; "" means CertificateClassic for a new
	// issuer and "unchanged" on an update.
	CertificateLayout CertificateLayout
}

// StatusMethod is how an issuer's credentials carry their status (credentialStatus).
type StatusMethod string

// The status methods.
const (
	// StatusBitstring is the W3C Bitstring Status List: private (one list for many
	// credentials) and compact. The default.
	StatusBitstring StatusMethod = "bitstring"
	// Status1EdTech is the 1EdTech Revocation List (VCRL 1.0), which lists revoked credentials by id.
	Status1EdTech StatusMethod = "1edtech"
)

// Normalize trims the fields and checks them: name required (at most 200 characters, no
// control characters), description at most 4000 characters, website an absolute http(s) URL,
// email a valid address, logo an http(s) URL or a data:image/ URI (at most 2 MiB), LinkedIn
// organisation id digits only, status method "", "bitstring" or "1edtech", certificate layout "" or one of CertificateLayouts. Every problem is reported at once: the error joins one Invalid
// *Error per field (FieldError), named "name", "description", "website", "email", "logo",
// "linkedin_org", "status_method" or "certificate_layout"; FieldMessages collects them.
func (f IssuerFields) Normalize() (IssuerFields, error) {
	var errs []error
	bad := func(field, msg string) { errs = append(errs, FieldError(Invalid, field, msg, nil)) }
	f.Name = strings.TrimSpace(f.Name)
	f.Description = strings.TrimSpace(f.Description)
	f.Website = strings.TrimSpace(f.Website)
	f.Email = strings.TrimSpace(f.Email)
	f.LogoURL = strings.TrimSpace(f.LogoURL)
	f.LinkedInOrg = strings.TrimSpace(f.LinkedInOrg)
	if name, problem := requiredName(f.Name); problem != "" {
		bad("name", problem)
	} else {
		f.Name = name
	}
	if !utf8.ValidString(f.Description) || utf8.RuneCountInString(f.Description) > 4000 {
		bad("description", "Description must be at most 4000 characters.")
	}
	if f.Website != "" && !httpURL(f.Website) {
		bad("website", "Website must be a full http:// or https:// address, like https://example.org.")
	}
	if f.Email != "" {
		if email, _, err := NormalizeEmail(f.Email); err != nil {
			bad("email", SafeMessage(err))
		} else if _, perr := mail.ParseAddress(email); perr != nil {
			bad("email", "Email address is not valid.")
		} else {
			f.Email = email
		}
	}
	switch {
	case f.LogoURL == "":
	case len(f.LogoURL) > 2<<20:
		bad("logo", "Logo is too large (at most 2 MiB).")
	case !httpURL(f.LogoURL) && !strings.HasPrefix(f.LogoURL, "data:image/"):
		bad("logo", "Logo must be an http:// or https:// address or a data:image/ URI.")
	}
	if f.LinkedInOrg != "" && (len(f.LinkedInOrg) > 20 || strings.Trim(f.LinkedInOrg, "0123456789") != "") {
		bad("linkedin_org", "LinkedIn organisation id must be digits only, like 1337.")
	}
	switch f.StatusMethod {
	case "", StatusBitstring, Status1EdTech:
	default:
		bad("status_method", "Status method must be Bitstring Status List or 1EdTech Revocation List.")
	}
	if f.CertificateLayout != "" && !f.CertificateLayout.Valid() {
		bad("certificate_layout", "Certificate layout must be Classic or Modern.")
	}
	if len(errs) > 0 {
		return IssuerFields{}, errors.Join(errs...)
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

// requiredName normalizes the required display name of an issuer or badge class, or returns
// the problem to show beside the field.
func requiredName(s string) (name, problem string) {
	if s == "" {
		return "", "Name is required."
	}
	name, err := NormalizeName(s)
	if err != nil {
		return "", SafeMessage(err)
	}
	return name, ""
}
