package badge

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// BadgeClass is a badge design of one issuer (OB 2.0 BadgeClass, OB 3.0 Achievement). Its
// fields live in immutable versions: every edit makes a new version and the badge class
// points at its current one, so what was issued under an older version stays unchanged.
type BadgeClass struct {
	ID       string
	IssuerID string
	Version  int // the current version number, from 1
	Fields   BadgeClassFields
	ImageID  string // sha256 hex of the image bytes, "" for none
	// ImageMediaType is the media type of the image ("image/png" or "image/svg+xml"; "" for
	// none), which names its URL.
	ImageMediaType string
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// BadgeClassVersion is one immutable version of a badge class.
type BadgeClassVersion struct {
	BadgeClassID string
	Version      int
	Fields       BadgeClassFields
	ImageID      string
	CreatedAt    time.Time
	CreatedBy    string // audit actor, like "user:7" or "cli"
}

// Alignment is an alignment of a badge class to an educational framework.
type Alignment struct {
	Name      string `json:"name"`
	URL       string `json:"url"`
	Framework string `json:"framework,omitempty"`
	Code      string `json:"code,omitempty"`
}

// ExpiryKind is how the awards of a badge class expire.
type ExpiryKind string

// The expiry kinds.
const (
	ExpiryNone     ExpiryKind = ""         // awards never expire
	ExpiryFixed    ExpiryKind = "fixed"    // every award expires on Date
	ExpiryDuration ExpiryKind = "duration" // awards expire Count Units after issuance
)

// Expiry is the expiry rule of a badge class.
type Expiry struct {
	Kind  ExpiryKind `json:"kind,omitempty"`
	Date  string     `json:"date,omitempty"`  // YYYY-MM-DD (UTC end of day), for ExpiryFixed
	Count int        `json:"count,omitempty"` // for ExpiryDuration, 1..1000
	Unit  string     `json:"unit,omitempty"`  // "days", "months" or "years", for ExpiryDuration
}

// BadgeClassFields are the editable fields of a badge class (stored as JSON in versions).
type BadgeClassFields struct {
	Name              string      `json:"name"`
	Description       string      `json:"description"`
	CriteriaNarrative string      `json:"criteriaNarrative,omitempty"` // Markdown
	CriteriaURL       string      `json:"criteriaUrl,omitempty"`
	Tags              []string    `json:"tags,omitempty"`
	Alignments        []Alignment `json:"alignments,omitempty"`
	AchievementType   string      `json:"achievementType,omitempty"` // OB 3.0 term or ext:Term
	Level             string      `json:"level,omitempty"`
	Credits           string      `json:"credits,omitempty"`  // decimal >= 0, like "2.5"
	Language          string      `json:"language,omitempty"` // BCP 47, like "en" or "pt-BR"
	Expiry            Expiry      `json:"expiry,omitzero"`
}

// achievementTypes is the OB 3.0 AchievementType enumeration (immutable).
var achievementTypes = map[string]bool{
	"Achievement": true, "ApprenticeshipCertificate": true, "Assessment": true, "Assignment": true,
	"AssociateDegree": true, "Award": true, "Badge": true, "BachelorDegree": true, "Certificate": true,
	"CertificateOfCompletion": true, "Certification": true, "CommunityService": true, "Competency": true,
	"Course": true, "CoCurricular": true, "Degree": true, "Diploma": true, "DoctoralDegree": true,
	"Fieldwork": true, "GeneralEducationDevelopment": true, "JourneymanCertificate": true,
	"LearningProgram": true, "License": true, "Membership": true, "ProfessionalDoctorate": true,
	"QualityAssuranceCredential": true, "MasterCertificate": true, "MasterDegree": true,
	"MicroCredential": true, "ResearchDoctorate": true, "SecondarySchoolDiploma": true,
}

var (
	extTermRE  = regexp.MustCompile(`^ext:[A-Za-z0-9][A-Za-z0-9._-]{0,62}$`)
	creditsRE  = regexp.MustCompile(`^[0-9]{1,6}(\.[0-9]{1,4})?$`)
	languageRE = regexp.MustCompile(`^[A-Za-z]{2,3}(-[A-Za-z]{4})?(-(?:[A-Za-z]{2}|[0-9]{3}))?$`)
)

// Normalize trims the fields and checks them. Every problem is reported at once as one Invalid
// FieldError per field, joined by errors.Join. Fields: "name" (required, at most 200
// characters, no control characters), "description" (required, at most 4000), "criteria"
// (a narrative of at most 20000 characters or an http(s) URL; at least one), "tags" (at most
// 50, each at most 64 characters; trimmed, empty and duplicate tags dropped), "alignments"
// (at most 50; name and http(s) URL required), "achievement_type" (an OB 3.0 term or
// ext:Term), "level" (at most 100), "credits" (decimal >= 0, at most 4 decimals), "language"
// (BCP 47 language[-Script][-REGION], canonical case), "expiry" (none; fixed date YYYY-MM-DD;
// or 1..1000 days, months or years).
func (f BadgeClassFields) Normalize() (BadgeClassFields, error) {
	var errs []error
	bad := func(field, msg string) { errs = append(errs, FieldError(Invalid, field, msg, nil)) }
	f.Name = strings.TrimSpace(f.Name)
	f.Description = strings.TrimSpace(f.Description)
	f.CriteriaNarrative = strings.TrimSpace(f.CriteriaNarrative)
	f.CriteriaURL = strings.TrimSpace(f.CriteriaURL)
	f.AchievementType = strings.TrimSpace(f.AchievementType)
	f.Level = strings.TrimSpace(f.Level)
	f.Credits = strings.TrimSpace(f.Credits)
	f.Language = strings.TrimSpace(f.Language)
	if name, problem := requiredName(f.Name); problem != "" {
		bad("name", problem)
	} else {
		f.Name = name
	}
	switch {
	case f.Description == "":
		bad("description", "Description is required.")
	case !utf8.ValidString(f.Description) || utf8.RuneCountInString(f.Description) > 4000:
		bad("description", "Description must be at most 4000 characters.")
	}
	switch {
	case f.CriteriaNarrative == "" && f.CriteriaURL == "":
		bad("criteria", "Criteria are required: a narrative, a URL, or both.")
	case !utf8.ValidString(f.CriteriaNarrative) || utf8.RuneCountInString(f.CriteriaNarrative) > 20000:
		bad("criteria", "Criteria narrative must be at most 20000 characters.")
	case f.CriteriaURL != "" && !httpURL(f.CriteriaURL):
		bad("criteria", "Criteria URL must be a full http:// or https:// address.")
	}
	var tags []string
	seen := map[string]bool{}
	for _, t := range f.Tags {
		t = strings.TrimSpace(t)
		if t == "" || seen[t] {
			continue
		}
		seen[t] = true
		tags = append(tags, t)
	}
	f.Tags = tags
	if len(tags) > 50 {
		bad("tags", "At most 50 tags.")
	}
	for _, t := range tags {
		if !utf8.ValidString(t) || utf8.RuneCountInString(t) > 64 || strings.ContainsFunc(t, isControl) {
			bad("tags", "Each tag must be at most 64 characters, without control characters.")
			break
		}
	}
	if len(f.Alignments) > 50 {
		bad("alignments", "At most 50 alignments.")
	}
	als := make([]Alignment, 0, len(f.Alignments))
	for i, a := range f.Alignments {
		a = Alignment{Name: strings.TrimSpace(a.Name), URL: strings.TrimSpace(a.URL),
			Framework: strings.TrimSpace(a.Framework), Code: strings.TrimSpace(a.Code)}
		if a.Name == "" || !utf8.ValidString(a.Name) || utf8.RuneCountInString(a.Name) > 200 || !httpURL(a.URL) ||
			utf8.RuneCountInString(a.Framework) > 200 || utf8.RuneCountInString(a.Code) > 100 ||
			!utf8.ValidString(a.Framework) || !utf8.ValidString(a.Code) {
			bad("alignments", fmt.Sprintf("Alignment %d needs a name (at most 200 characters) and an http(s) URL; framework at most 200, code at most 100 characters.", i+1))
			continue
		}
		als = append(als, a)
	}
	f.Alignments = als
	if len(f.Alignments) == 0 {
		f.Alignments = nil
	}
	if t := f.AchievementType; t != "" && !achievementTypes[t] && !extTermRE.MatchString(t) {
		bad("achievement_type", "Achievement type must be an Open Badges 3.0 type (like Badge or Certificate) or ext:YourTerm.")
	}
	if !utf8.ValidString(f.Level) || utf8.RuneCountInString(f.Level) > 100 || strings.ContainsFunc(f.Level, isControl) {
		bad("level", "Level must be at most 100 characters.")
	}
	if f.Credits != "" {
		if !creditsRE.MatchString(f.Credits) {
			bad("credits", "Credits must be a number of at least 0, like 3 or 2.5.")
		} else {
			c := strings.TrimLeft(f.Credits, "0")
			if c == "" || c[0] == '.' {
				c = "0" + c
			}
			if strings.Contains(c, ".") {
				c = strings.TrimRight(strings.TrimRight(c, "0"), ".")
			}
			f.Credits = c
		}
	}
	if f.Language != "" {
		if lang, ok := canonicalLanguage(f.Language); ok {
			f.Language = lang
		} else {
			bad("language", `Language must be a BCP 47 tag like "en" or "pt-BR".`)
		}
	}
	if e, problem := f.Expiry.normalize(); problem != "" {
		bad("expiry", problem)
	} else {
		f.Expiry = e
	}
	if len(errs) > 0 {
		return BadgeClassFields{}, errors.Join(errs...)
	}
	return f, nil
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// canonicalLanguage returns the tag in BCP 47 canonical case (language lower, Script title,
// REGION upper).
func canonicalLanguage(s string) (string, bool) {
	if !languageRE.MatchString(s) {
		return "", false
	}
	parts := strings.Split(s, "-")
	parts[0] = strings.ToLower(parts[0])
	for i := 1; i < len(parts); i++ {
		if len(parts[i]) == 4 {
			parts[i] = strings.ToUpper(parts[i][:1]) + strings.ToLower(parts[i][1:])
		} else {
			parts[i] = strings.ToUpper(parts[i])
		}
	}
	return strings.Join(parts, "-"), true
}

// normalize returns the rule in canonical form, or a message for the person who entered it.
func (e Expiry) normalize() (Expiry, string) {
	switch e.Kind {
	case ExpiryNone:
		if e != (Expiry{}) {
			return Expiry{}, "Choose fixed date or duration to set an expiry."
		}
		return e, ""
	case ExpiryFixed:
		d := strings.TrimSpace(e.Date)
		if _, err := time.Parse(time.DateOnly, d); err != nil || e.Count != 0 || e.Unit != "" {
			return Expiry{}, "Expiry date must be a date like 2027-12-31."
		}
		return Expiry{Kind: ExpiryFixed, Date: d}, ""
	case ExpiryDuration:
		if e.Date != "" || e.Count < 1 || e.Count > 1000 || (e.Unit != "days" && e.Unit != "months" && e.Unit != "years") {
			return Expiry{}, "Expiry duration must be 1 to 1000 days, months or years."
		}
		return e, ""
	}
	return Expiry{}, "Expiry must be none, a fixed date or a duration."
}

// ExpiresAt returns when an award issued at `issued` expires under the rule, and false when
// it never does. A fixed date expires at the end of that day, UTC.
func (e Expiry) ExpiresAt(issued time.Time) (time.Time, bool) {
	switch e.Kind {
	case ExpiryFixed:
		d, err := time.Parse(time.DateOnly, e.Date)
		if err != nil {
			return time.Time{}, false
		}
		return d.Add(24*time.Hour - time.Second), true
	case ExpiryDuration:
		switch e.Unit {
		case "days":
			return issued.AddDate(0, 0, e.Count), true
		case "months":
			return issued.AddDate(0, e.Count, 0), true
		case "years":
			return issued.AddDate(e.Count, 0, 0), true
		}
	}
	return time.Time{}, false
}
