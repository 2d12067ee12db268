package verify

import (
	"encoding/json"
	"fmt"
)

// Status is the outcome of one check.
type Status string

// Check outcomes.
const (
	Pass Status = "pass"
	Fail Status = "fail"
	Warn Status = "warn"
	Skip Status = "skip"
)

// Verdict is the overall answer of a report.
type Verdict string

// Verdicts, from the most severe down (see the package documentation).
const (
	Invalid      Verdict = "invalid"
	Revoked      Verdict = "revoked"
	Expired      Verdict = "expired"
	NotYetValid  Verdict = "not_yet_valid"
	Unverifiable Verdict = "unverifiable"
	Valid        Verdict = "valid"
)

// severity orders verdicts: higher wins.
func (v Verdict) severity() int {
	switch v {
	case Invalid:
		return 5
	case Revoked:
		return 4
	case Expired:
		return 3
	case NotYetValid:
		return 2
	case Unverifiable:
		return 1
	}
	return 0
}

// Text is the verdict in plain words.
func (v Verdict) Text() string {
	switch v {
	case Valid:
		return "valid"
	case Invalid:
		return "not valid"
	case Revoked:
		return "revoked"
	case Expired:
		return "expired"
	case NotYetValid:
		return "not yet valid"
	case Unverifiable:
		return "could not be verified"
	}
	return string(v)
}

// Check is one named step of verification.
type Check struct {
	Name    string  `json:"name"`
	Status  Status  `json:"status"`
	Message string  `json:"message"`          // plain language, for anyone
	Detail  string  `json:"detail,omitempty"` // technical detail, for experts
	Effect  Verdict `json:"effect,omitempty"` // for a failed check: the verdict it implies
}

// Report is the result of verifying one input.
type Report struct {
	Valid   bool    `json:"valid"`
	Verdict Verdict `json:"verdict"`
	// Kind is what the input is: AchievementCredential, EndorsementCredential,
	// ClrCredential, VerifiableCredential, Assertion (OB 0.5-2.0), or "unknown".
	Kind string `json:"kind"`
	// Version is the Open Badges version (0.5, 1.0, 1.1, 2.0, 3.0), or the VC data model
	// version for a credential that is not an Open Badge.
	Version string `json:"version,omitempty"`
	// VCDM is the W3C VC data model version of a credential: 1.1 or 2.0.
	VCDM string `json:"vcdm,omitempty"`
	// Format is how it arrived: json, jwt, jws, png, svg, url (and png+url when a baked
	// image held a URL).
	Format string `json:"format,omitempty"`
	// Source is the URL the badge was fetched from, when there was one.
	Source string  `json:"source,omitempty"`
	Checks []Check `json:"checks"`
	// Display is what to show to a person.
	Display Display `json:"display"`
	// Endorsements are the reports of the endorsements found in the badge.
	Endorsements []*Report `json:"endorsements,omitempty"`
	// Credentials are the reports of the credentials embedded in a CLR.
	Credentials []*Report `json:"credentials,omitempty"`
	// Credential is the verified document (the refreshed one when a refresh succeeded).
	Credential json.RawMessage `json:"credential,omitempty"`
	// Token is the compact JWS the credential came in (a VC-JWT or an OB 2.0 signed
	// assertion), when it came that way: the form to keep, since Credential is only its
	// payload.
	Token string `json:"token,omitempty"`
	// InputError is set when the input could not be read as any kind of badge at all.
	InputError string `json:"input_error,omitempty"`
}

// Display is what a page or a terminal shows about a badge.
type Display struct {
	Name            string      `json:"name,omitempty"`
	Description     string      `json:"description,omitempty"`
	Image           string      `json:"image,omitempty"`
	CriteriaURL     string      `json:"criteria_url,omitempty"`
	Criteria        string      `json:"criteria,omitempty"` // narrative (Markdown)
	AchievementType string      `json:"achievement_type,omitempty"`
	IssuerName      string      `json:"issuer_name,omitempty"`
	IssuerURL       string      `json:"issuer_url,omitempty"`
	IssuerID        string      `json:"issuer_id,omitempty"`
	IssuerImage     string      `json:"issuer_image,omitempty"`
	Recipient       string      `json:"recipient,omitempty"` // a name, an id, or "hashed email" etc.
	RecipientHashed bool        `json:"recipient_hashed,omitempty"`
	Issued          string      `json:"issued,omitempty"`  // validFrom / issuanceDate / issuedOn, as written
	Expires         string      `json:"expires,omitempty"` // validUntil / expirationDate / expires
	Tags            []string    `json:"tags,omitempty"`
	Skills          []string    `json:"skills,omitempty"` // alignment target names
	Alignments      []Alignment `json:"alignments,omitempty"`
	Evidence        []Evidence  `json:"evidence,omitempty"`
	Endorsers       []string    `json:"endorsers,omitempty"` // names or ids of the endorsements' issuers
	Narrative       string      `json:"narrative,omitempty"`
}

// Alignment is an alignment of the achievement to a framework or skill.
type Alignment struct {
	Name        string `json:"name,omitempty"`
	URL         string `json:"url,omitempty"`
	Description string `json:"description,omitempty"`
	Framework   string `json:"framework,omitempty"`
	Code        string `json:"code,omitempty"`
}

// Evidence is one piece of evidence.
type Evidence struct {
	ID          string `json:"id,omitempty"`
	Name        string `json:"name,omitempty"`
	Description string `json:"description,omitempty"`
	Narrative   string `json:"narrative,omitempty"`
}

// WithoutCredentials returns a copy of r without the verified documents (Credential), nested
// reports included: the report alone, as `rosette verify --json` and the verification page's
// JSON answer give it.
func (r *Report) WithoutCredentials() *Report {
	out := *r
	out.Credential, out.Token = nil, ""
	if r.Endorsements != nil {
		out.Endorsements = make([]*Report, len(r.Endorsements))
		for i, e := range r.Endorsements {
			out.Endorsements[i] = e.WithoutCredentials()
		}
	}
	if r.Credentials != nil {
		out.Credentials = make([]*Report, len(r.Credentials))
		for i, c := range r.Credentials {
			out.Credentials[i] = c.WithoutCredentials()
		}
	}
	return &out
}

// add appends a check.
func (r *Report) add(c Check) {
	if c.Status == Fail && c.Effect == "" {
		c.Effect = Invalid
	}
	if c.Status != Fail {
		c.Effect = ""
	}
	r.Checks = append(r.Checks, c)
}

func (r *Report) pass(name, msg string) { r.add(Check{Name: name, Status: Pass, Message: msg}) }
func (r *Report) warn(name, msg, detail string) {
	r.add(Check{Name: name, Status: Warn, Message: msg, Detail: detail})
}
func (r *Report) skip(name, msg string) { r.add(Check{Name: name, Status: Skip, Message: msg}) }
func (r *Report) fail(name string, effect Verdict, msg, detail string) {
	r.add(Check{Name: name, Status: Fail, Effect: effect, Message: msg, Detail: detail})
}
func (r *Report) failf(name string, effect Verdict, msg string, format string, a ...any) {
	r.fail(name, effect, msg, fmt.Sprintf(format, a...))
}

// has reports whether a check with that effect failed.
func (r *Report) failed(effect Verdict) bool {
	for _, c := range r.Checks {
		if c.Status == Fail && c.Effect == effect {
			return true
		}
	}
	return false
}

// finish computes the verdict from the checks.
func (r *Report) finish() *Report {
	v := Valid
	for _, c := range r.Checks {
		if c.Status == Fail && c.Effect.severity() > v.severity() {
			v = c.Effect
		}
	}
	if len(r.Checks) == 0 {
		v = Unverifiable
	}
	r.Verdict = v
	r.Valid = v == Valid
	if r.Kind == "" {
		r.Kind = "unknown"
	}
	if r.Checks == nil {
		r.Checks = []Check{}
	}
	return r
}
