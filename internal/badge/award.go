package badge

import (
	"errors"
	"strings"
	"time"
	"unicode/utf8"
)

// RecipientType is the kind of identifier an award is made out to.
type RecipientType string

// The recipient types. They map to the OB 2.0 IdentityObject type and the OB 3.0
// IdentityObject identityType (emailAddress, url, phoneNumber) or credentialSubject.id (DID).
const (
	RecipientEmail RecipientType = "email"
	RecipientURL   RecipientType = "url"
	RecipientPhone RecipientType = "telephone"
	RecipientDID   RecipientType = "did"
)

// Recipient is who an award is made out to: one identifier and, optionally, a display name.
type Recipient struct {
	Type     RecipientType `json:"type"`
	Identity string        `json:"identity"` // the email address, URL, E.164 number or DID
	Name     string        `json:"name,omitempty"`
}

// Evidence is one piece of evidence of an award: a URL, a narrative (Markdown), or both.
type Evidence struct {
	URL       string `json:"url,omitempty"`
	Name      string `json:"name,omitempty"`
	Narrative string `json:"narrative,omitempty"`
}

// AwardRequest is what an awarder asks for: a badge class, a recipient, and optional
// narrative, evidence and dates.
type AwardRequest struct {
	BadgeClassID string
	Recipient    Recipient
	Narrative    string     // Markdown, at most 20000 characters
	Evidence     []Evidence // at most 20
	IssuedAt     time.Time  // zero means now; at most a day in the future
	ExpiresAt    time.Time  // zero means the badge class's expiry rule
	// Key, when set, makes the request idempotent within the issuer: a second request with the
	// same key returns the first award (bulk files use a hash of the file and the row; the API
	// the Idempotency-Key header). At most 200 bytes.
	Key string
	// Notify sends the recipient an email with a claim link (email recipients only).
	Notify bool
}

// ParseRecipientType returns the recipient type named s ("" means email).
func ParseRecipientType(s string) (RecipientType, error) {
	switch t := RecipientType(strings.ToLower(strings.TrimSpace(s))); t {
	case "", RecipientEmail:
		return RecipientEmail, nil
	case RecipientURL, RecipientPhone, RecipientDID:
		return t, nil
	case "phone":
		return RecipientPhone, nil
	}
	return "", FieldError(Invalid, "recipient_type", "Recipient type must be email, url, telephone or did.", nil)
}

// GuessRecipientType guesses the type of a bare identifier: did:..., http(s) URLs, tel: or
// +digits as telephone, anything else email.
func GuessRecipientType(identity string) RecipientType {
	s := strings.TrimSpace(identity)
	switch {
	case strings.HasPrefix(s, "did:"):
		return RecipientDID
	case strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://"):
		return RecipientURL
	case strings.HasPrefix(s, "tel:") || strings.HasPrefix(s, "+"):
		return RecipientPhone
	}
	return RecipientEmail
}

// Normalize trims and checks the recipient: an email address (lower-cased), an absolute
// http(s) URL, a telephone number in E.164 form (+ and 7 to 15 digits; "tel:" and spaces,
// dots, dashes and brackets are dropped) or a DID (did:method:id). The name is optional (at
// most 200 characters). Problems are FieldErrors named "recipient" and "recipient_name".
func (r Recipient) Normalize() (Recipient, error) {
	var errs []error
	bad := func(field, msg string) { errs = append(errs, FieldError(Invalid, field, msg, nil)) }
	r.Identity = strings.TrimSpace(r.Identity)
	r.Name = strings.TrimSpace(r.Name)
	if r.Type == "" {
		r.Type = GuessRecipientType(r.Identity)
	}
	switch {
	case r.Identity == "":
		bad("recipient", "Recipient is required.")
	case r.Type == RecipientEmail:
		// Lower-cased whole: recipient hashes are compared that way by verifiers and wallets.
		if _, key, err := NormalizeEmail(r.Identity); err != nil {
			bad("recipient", SafeMessage(err))
		} else {
			r.Identity = key
		}
	case r.Type == RecipientURL:
		if !httpURL(r.Identity) {
			bad("recipient", "Recipient URL must be a full http:// or https:// address.")
		}
	case r.Type == RecipientPhone:
		if phone, ok := normalizePhone(r.Identity); ok {
			r.Identity = phone
		} else {
			bad("recipient", "Telephone number must be in international form, like +44 20 7946 0000.")
		}
	case r.Type == RecipientDID:
		if !validDID(r.Identity) {
			bad("recipient", "DID must look like did:method:identifier.")
		}
	default:
		bad("recipient_type", "Recipient type must be email, url, telephone or did.")
	}
	if r.Name != "" {
		if name, err := NormalizeName(r.Name); err != nil {
			bad("recipient_name", SafeMessage(err))
		} else {
			r.Name = name
		}
	}
	if len(errs) > 0 {
		return Recipient{}, errors.Join(errs...)
	}
	return r, nil
}

func normalizePhone(s string) (string, bool) {
	s = strings.TrimPrefix(s, "tel:")
	var b strings.Builder
	for i, c := range s {
		switch {
		case c == '+' && i == 0:
			b.WriteRune(c)
		case c >= '0' && c <= '9':
			b.WriteRune(c)
		case strings.ContainsRune(" .-()", c):
		default:
			return "", false
		}
	}
	out := b.String()
	if !strings.HasPrefix(out, "+") || len(out) < 8 || len(out) > 16 {
		return "", false
	}
	return out, true
}

func validDID(s string) bool {
	parts := strings.SplitN(s, ":", 3)
	if len(parts) != 3 || parts[0] != "did" || parts[1] == "" || parts[2] == "" || len(s) > 2000 {
		return false
	}
	for _, c := range parts[1] {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return !strings.ContainsAny(s, " \t\r\n\"<>")
}

// MaxEvidence is the most evidence items one award may have.
const MaxEvidence = 20

// Normalize trims and checks the request, reporting every problem at once as FieldErrors
// named "badge_class", "recipient", "recipient_type", "recipient_name", "narrative",
// "evidence", "issued", "expires" and "key". now bounds IssuedAt (at most a day ahead).
func (r AwardRequest) Normalize(now time.Time) (AwardRequest, error) {
	var errs []error
	bad := func(field, msg string) { errs = append(errs, FieldError(Invalid, field, msg, nil)) }
	r.BadgeClassID = strings.TrimSpace(r.BadgeClassID)
	if r.BadgeClassID == "" {
		bad("badge_class", "Badge class is required.")
	}
	if rec, err := r.Recipient.Normalize(); err != nil {
		errs = append(errs, err)
	} else {
		r.Recipient = rec
	}
	r.Narrative = strings.TrimSpace(r.Narrative)
	if !utf8.ValidString(r.Narrative) || utf8.RuneCountInString(r.Narrative) > 20000 {
		bad("narrative", "Narrative must be at most 20000 characters.")
	}
	var ev []Evidence
	for _, e := range r.Evidence {
		e.URL, e.Name, e.Narrative = strings.TrimSpace(e.URL), strings.TrimSpace(e.Name), strings.TrimSpace(e.Narrative)
		if e == (Evidence{}) {
			continue
		}
		switch {
		case e.URL != "" && !httpURL(e.URL):
			bad("evidence", "Evidence URL must be a full http:// or https:// address.")
		case e.URL == "" && e.Narrative == "":
			bad("evidence", "Evidence needs a URL or a narrative.")
		case !utf8.ValidString(e.Name+e.Narrative) || utf8.RuneCountInString(e.Name) > 200 || utf8.RuneCountInString(e.Narrative) > 20000:
			bad("evidence", "Evidence name must be at most 200 characters and its narrative at most 20000.")
		}
		ev = append(ev, e)
	}
	if len(ev) > MaxEvidence {
		bad("evidence", "An award can have at most 20 pieces of evidence.")
	}
	r.Evidence = ev
	if !r.IssuedAt.IsZero() {
		r.IssuedAt = r.IssuedAt.UTC().Truncate(time.Second)
		if r.IssuedAt.After(now.Add(24 * time.Hour)) {
			bad("issued", "Issue date cannot be more than a day in the future.")
		}
		if r.IssuedAt.Year() < 1900 {
			bad("issued", "Issue date is too far in the past.")
		}
	}
	if !r.ExpiresAt.IsZero() {
		r.ExpiresAt = r.ExpiresAt.UTC().Truncate(time.Second)
		issued := r.IssuedAt
		if issued.IsZero() {
			issued = now
		}
		if !r.ExpiresAt.After(issued) {
			bad("expires", "Expiry date must be after the issue date.")
		}
		if r.ExpiresAt.Year() > 9999 {
			bad("expires", "Expiry date is too far in the future.")
		}
	}
	r.Key = strings.TrimSpace(r.Key)
	if len(r.Key) > 200 || !utf8.ValidString(r.Key) {
		bad("key", "Idempotency key must be at most 200 bytes of text.")
	}
	if len(errs) > 0 {
		return AwardRequest{}, errors.Join(errs...)
	}
	return r, nil
}

// AwardStatus is the state of an award at some moment.
type AwardStatus string

// The award states.
const (
	AwardActive  AwardStatus = "active"
	AwardRevoked AwardStatus = "revoked"
	AwardExpired AwardStatus = "expired"
)

// Award is one badge awarded to one recipient: the record behind its OB 3.0 credential and
// OB 2.0 assertion. The issued documents themselves are immutable once signed.
type Award struct {
	ID                string // public, URL-safe (used in /awards/{id})
	IssuerID          string
	BadgeClassID      string
	BadgeClassVersion int
	Recipient         Recipient
	Narrative         string
	Evidence          []Evidence
	IssuedAt          time.Time
	ExpiresAt         time.Time // zero: never
	RevokedAt         time.Time // zero: not revoked
	RevocationReason  string
	Signed            bool // false only between recording and signing
	CreatedAt         time.Time
	CreatedBy         string // audit actor, like "user:7" or "token:3"
	// RecipientNameHidden: the earner chose to leave their name off the public award page
	// (the signed credential keeps it).
	RecipientNameHidden bool
}

// Status is the award's state at now: revoked wins over expired.
func (a *Award) Status(now time.Time) AwardStatus {
	switch {
	case !a.RevokedAt.IsZero():
		return AwardRevoked
	case !a.ExpiresAt.IsZero() && !now.Before(a.ExpiresAt):
		return AwardExpired
	}
	return AwardActive
}

// NormalizeRevocationReason trims a revocation reason: required, at most 500 characters.
func NormalizeRevocationReason(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", FieldError(Invalid, "reason", "Give a reason for the revocation.", nil)
	}
	if !utf8.ValidString(s) || utf8.RuneCountInString(s) > 500 || strings.ContainsFunc(s, isControl) {
		return "", FieldError(Invalid, "reason", "Reason must be at most 500 characters of plain text.", nil)
	}
	return s, nil
}
