package ob2

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/rosettebadges/rosette/openbadges/internal/identityhash"
)

// Problem is one broken OB 2.0 rule at a JSON path.
type Problem struct {
	Path    string
	Message string
}

// ValidationError lists every problem found.
type ValidationError struct {
	Problems []Problem
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.Path + ": " + p.Message
	}
	return "ob2: invalid: " + strings.Join(parts, "; ")
}

type checker struct{ problems []Problem }

func (c *checker) add(path, format string, a ...any) {
	c.problems = append(c.problems, Problem{Path: path, Message: fmt.Sprintf(format, a...)})
}

func (c *checker) required(path, v string) {
	if strings.TrimSpace(v) == "" {
		c.add(path, "is required")
	}
}

func (c *checker) err() error {
	if len(c.problems) == 0 {
		return nil
	}
	return &ValidationError{Problems: c.problems}
}

// dateTime is ISO 8601 with a time zone, in the forms the OB 2.0 validator accepts:
// Z, ±hh:mm, ±hhmm or ±hh.
var dateTime = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d(:?\d\d)?)$`)

// ParseDateTime parses an OB 2.0 DateTime (a time zone is required).
func ParseDateTime(s string) (time.Time, error) {
	if !dateTime.MatchString(s) {
		return time.Time{}, fmt.Errorf("%q is not an ISO 8601 date-time with a time zone", s)
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999Z0700", "2006-01-02T15:04:05.999999999Z07", "2006-01-02T15:04Z07:00", "2006-01-02T15:04Z0700", "2006-01-02T15:04Z07"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a valid date-time", s)
}

var identityTypes = map[string]bool{"email": true, "url": true, "telephone": true, "id": true}

// Validate checks the OB 2.0 rules on an Assertion and, when embedded, its BadgeClass and
// issuer Profile. It does not fetch linked objects or check signatures.
func (a *Assertion) Validate() error {
	var c checker
	c.required("id", a.ID)
	if !a.Type.Has("Assertion") {
		c.add("type", "must contain Assertion")
	}
	if r := a.Recipient; r == nil {
		c.add("recipient", "is required")
	} else {
		c.required("recipient.identity", r.Identity)
		if !identityTypes[r.Type] {
			c.add("recipient.type", "%q: must be email, url, telephone or id", r.Type)
		}
		_, _, isHash := identityhash.Split(r.Identity)
		if r.Hashed && !isHash {
			c.add("recipient.identity", "hashed is true but the identity is not sha256$<hex> or md5$<hex>")
		}
		if !r.Hashed && isHash {
			c.add("recipient.hashed", "is false but the identity looks hashed")
		}
	}
	if a.Badge == nil {
		c.add("badge", "is required")
	} else if !a.Badge.Ref {
		a.Badge.check(&c, "badge")
	}
	if v := a.Verification; v == nil {
		c.add("verification", "is required")
	} else if n := v.Normalized(); n != "HostedBadge" && n != "SignedBadge" {
		c.add("verification.type", "%q: must be HostedBadge or SignedBadge", v.Type)
	}
	issued, err := ParseDateTime(a.IssuedOn)
	if a.IssuedOn == "" {
		c.add("issuedOn", "is required")
	} else if err != nil {
		c.add("issuedOn", "%v", err)
	}
	if a.Expires != "" {
		exp, err2 := ParseDateTime(a.Expires)
		if err2 != nil {
			c.add("expires", "%v", err2)
		} else if err == nil && exp.Before(issued) {
			c.add("expires", "is before issuedOn")
		}
	}
	if a.Image != nil && strings.HasPrefix(a.Image.ID, "data:") {
		c.add("image", "an Assertion image must not be a data URI")
	}
	return c.err()
}

// Validate checks the OB 2.0 rules on a BadgeClass (and its embedded issuer).
func (b *BadgeClass) Validate() error {
	var c checker
	b.check(&c, "")
	return c.err()
}

func join(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

func (b *BadgeClass) check(c *checker, p string) {
	c.required(join(p, "id"), b.ID)
	if !b.Type.Has("BadgeClass") {
		c.add(join(p, "type"), "must contain BadgeClass")
	}
	c.required(join(p, "name"), b.Name)
	c.required(join(p, "description"), b.Description)
	if b.Image == nil || b.Image.ID == "" {
		c.add(join(p, "image"), "is required")
	} else if d := b.Image.ID; strings.HasPrefix(d, "data:") && !strings.HasPrefix(d, "data:image/png") && !strings.HasPrefix(d, "data:image/svg+xml") {
		c.add(join(p, "image"), "a data URI image must be image/png or image/svg+xml")
	}
	if b.Criteria == nil || (b.Criteria.ID == "" && strings.TrimSpace(b.Criteria.Narrative) == "") {
		c.add(join(p, "criteria"), "needs an id or a narrative")
	}
	for i, al := range b.Alignment {
		c.required(join(p, fmt.Sprintf("alignment[%d].targetName", i)), al.TargetName)
		c.required(join(p, fmt.Sprintf("alignment[%d].targetUrl", i)), al.TargetURL)
	}
	if b.Issuer == nil {
		c.add(join(p, "issuer"), "is required")
	} else if !b.Issuer.Ref {
		b.Issuer.check(c, join(p, "issuer"))
	}
}

// Validate checks the OB 2.0 rules on an issuer Profile: id, type, name, url and email.
func (pr *Profile) Validate() error {
	var c checker
	pr.check(&c, "")
	return c.err()
}

func (pr *Profile) check(c *checker, p string) {
	c.required(join(p, "id"), pr.ID)
	if !pr.Type.Has("Issuer") && !pr.Type.Has("Profile") {
		c.add(join(p, "type"), "must contain Issuer or Profile")
	}
	c.required(join(p, "name"), pr.Name)
	c.required(join(p, "url"), pr.URL)
	c.required(join(p, "email"), pr.Email)
}

// AssertionParams are the parts of a new hosted or signed OB 2.0 Assertion.
type AssertionParams struct {
	ID           string // the hosted URL (HostedBadge) or urn:uuid (SignedBadge)
	Recipient    IdentityObject
	BadgeClass   string // IRI of the BadgeClass
	Verification VerificationObject
	IssuedOn     time.Time
	Expires      time.Time
	Image        string // IRI of the (baked) image; never a data URI
	Evidence     []Evidence
	Narrative    string
}

// NewAssertion builds a validated OB 2.0 Assertion with linked BadgeClass.
func NewAssertion(p AssertionParams) (*Assertion, error) {
	r := p.Recipient
	a := &Assertion{
		Context:      Context,
		Type:         Strings{"Assertion"},
		ID:           p.ID,
		Recipient:    &r,
		Verification: &p.Verification,
		Narrative:    p.Narrative,
		Evidence:     p.Evidence,
	}
	if p.BadgeClass != "" {
		a.Badge = &BadgeClass{ID: p.BadgeClass, Ref: true}
	}
	if !p.IssuedOn.IsZero() {
		a.IssuedOn = p.IssuedOn.UTC().Format(time.RFC3339)
	}
	if !p.Expires.IsZero() {
		a.Expires = p.Expires.UTC().Format(time.RFC3339)
	}
	if p.Image != "" {
		a.Image = &Image{ID: p.Image, Ref: true}
	}
	if err := a.Validate(); err != nil {
		return nil, err
	}
	return a, nil
}
