package web

import (
	"bytes"
	"encoding/json"
	"html/template"
	"net/url"
	"strings"
	"time"

	"github.com/rosettebadges/rosette/internal/markdown"
	"github.com/rosettebadges/rosette/openbadges/verify"
)

// reportView is a verification report (openbadges/verify.Report) as the "report" template
// partial shows it to a non-expert: the verdict and what it means, the badge as displayed,
// every check in order, and the raw credential. The verification page renders it; the award
// page renders the same partial for its cached result. Everything taken from the credential
// is untrusted: links are kept only when they are http(s), images only when they are http(s)
// or PNG/SVG data URIs (shown through <img>, never inline).
type reportView struct {
	Verdict      string // CSS modifier: valid, invalid, revoked, expired, not-yet-valid, unverifiable
	Heading      string // Verified, Not valid, ...
	Meaning      string // one sentence saying what the verdict means
	What         string // what the input was, in words
	Source       string // the http(s) URL it was fetched from, if any
	Badge        badgeView
	Checks       []checkView
	Endorsements []reportView
	Credentials  []reportView
	Raw          string // the verified credential, pretty-printed JSON
	Nested       bool   // an endorsement or a credential inside a CLR
	// Compact is the form of the award page, which shows the badge itself: the verdict
	// banner and the checks folded in <details>, without the badge facts and the raw JSON.
	Compact bool
}

// PassedChecks counts the checks that passed, for the compact form's summary.
func (v reportView) PassedChecks() int {
	n := 0
	for _, c := range v.Checks {
		if c.Status == string(verify.Pass) {
			n++
		}
	}
	return n
}

// badgeView is the badge as displayed.
type badgeView struct {
	Name, Description, AchievementType string
	Image                              template.URL // safe: http(s) or a PNG/SVG data URI; "" if none
	IssuerName, IssuerID               string
	IssuerURL                          string // http(s) only
	Recipient                          string
	RecipientHashed                    bool
	Issued, IssuedRaw                  string
	Expires, ExpiresRaw                string
	Criteria                           template.HTML // narrative rendered by internal/markdown
	CriteriaURL                        string        // http(s) only
	Narrative                          template.HTML
	Evidence                           []evidenceView
	Alignments                         []verify.Alignment // URL already filtered to http(s)
	Tags, Endorsers                    []string
}

type evidenceView struct {
	Name, Description, URL string
	Narrative              template.HTML
}

type checkView struct {
	Name, Status, StatusLabel, Message, Detail string
}

var verdictTexts = map[verify.Verdict]struct{ class, heading, meaning string }{
	verify.Valid: {"valid", "Verified",
		"This badge is authentic: it was issued by the issuer named below, it has not been changed since, and it is valid today."},
	verify.Invalid: {"invalid", "Not valid",
		"This badge failed a check that a genuine badge passes: it may have been changed after it was issued, or it is malformed. Do not rely on it."},
	verify.Revoked: {"revoked", "Revoked",
		"The issuer has withdrawn this badge: it was issued, but it no longer counts."},
	verify.Expired: {"expired", "Expired",
		"This badge was issued, but its validity period has ended."},
	verify.NotYetValid: {"not-yet-valid", "Not yet valid",
		"This badge only becomes valid at a date still in the future, so it does not count yet."},
	verify.Unverifiable: {"unverifiable", "Could not be verified",
		"Something needed to check this badge could not be reached or is not supported, so Rosette cannot say whether it is genuine. Nothing shows it is forged either: try again later."},
}

var statusLabels = map[verify.Status]string{verify.Pass: "Passed", verify.Warn: "Warning", verify.Fail: "Failed", verify.Skip: "Skipped"}

var kindTexts = map[string]string{
	"AchievementCredential": "an Open Badges achievement credential",
	"EndorsementCredential": "an endorsement credential",
	"ClrCredential":         "a Comprehensive Learner Record (CLR)",
	"VerifiableCredential":  "a verifiable credential",
	"Assertion":             "an Open Badges assertion",
}

var formatTexts = map[string]string{
	"json":    "JSON",
	"jwt":     "a signed token (VC-JWT)",
	"jws":     "a signed token (JWS)",
	"png":     "a baked PNG image",
	"svg":     "a baked SVG image",
	"url":     "its web address",
	"png+url": "the web address baked into a PNG image",
	"svg+url": "the web address baked into an SVG image",
}

// newReportView builds the view of r.
func newReportView(r *verify.Report) reportView {
	t, ok := verdictTexts[r.Verdict]
	if !ok {
		t = verdictTexts[verify.Unverifiable]
	}
	v := reportView{Verdict: t.class, Heading: t.heading, Meaning: t.meaning, What: describeInput(r),
		Source: httpURL(r.Source), Badge: newBadgeView(r.Display)}
	for _, c := range r.Checks {
		v.Checks = append(v.Checks, checkView{Name: c.Name, Status: string(c.Status), StatusLabel: statusLabels[c.Status],
			Message: c.Message, Detail: c.Detail})
	}
	for _, e := range r.Endorsements {
		n := newReportView(e)
		n.Nested = true
		v.Endorsements = append(v.Endorsements, n)
	}
	for _, c := range r.Credentials {
		n := newReportView(c)
		n.Nested = true
		v.Credentials = append(v.Credentials, n)
	}
	if len(r.Credential) > 0 {
		var b bytes.Buffer
		if json.Indent(&b, r.Credential, "", "  ") == nil {
			v.Raw = b.String()
		} else {
			v.Raw = string(r.Credential)
		}
	}
	return v
}

// describeInput says in words what the input was: "an Open Badges 3.0 achievement credential,
// read from a baked PNG image".
func describeInput(r *verify.Report) string {
	if r.InputError != "" {
		return ""
	}
	what, ok := kindTexts[r.Kind]
	if !ok {
		what = "a document"
	}
	if r.Version != "" && (r.Kind == "AchievementCredential" || r.Kind == "Assertion") {
		what = strings.Replace(what, "Open Badges", "Open Badges "+r.Version, 1)
	}
	if f, ok := formatTexts[r.Format]; ok {
		what += ", read from " + f
	}
	return strings.ToUpper(what[:1]) + what[1:] + "."
}

func newBadgeView(d verify.Display) badgeView {
	b := badgeView{
		Name: d.Name, Description: d.Description, AchievementType: d.AchievementType,
		Image:      imageURL(d.Image),
		IssuerName: d.IssuerName, IssuerID: d.IssuerID, IssuerURL: httpURL(orElse(d.IssuerURL, d.IssuerID)),
		Recipient: d.Recipient, RecipientHashed: d.RecipientHashed,
		Issued: dateText(d.Issued), IssuedRaw: d.Issued, Expires: dateText(d.Expires), ExpiresRaw: d.Expires,
		CriteriaURL: httpURL(d.CriteriaURL), Tags: d.Tags, Endorsers: d.Endorsers,
	}
	if d.Criteria != "" {
		b.Criteria = markdown.Render(d.Criteria)
	}
	if d.Narrative != "" {
		b.Narrative = markdown.Render(d.Narrative)
	}
	for _, e := range d.Evidence {
		ev := evidenceView{Name: e.Name, Description: e.Description, URL: httpURL(e.ID)}
		if e.Narrative != "" {
			ev.Narrative = markdown.Render(e.Narrative)
		}
		if ev.Name == "" && ev.URL == "" && ev.Description == "" && ev.Narrative == "" {
			continue
		}
		b.Evidence = append(b.Evidence, ev)
	}
	for _, a := range d.Alignments {
		a.URL = httpURL(a.URL)
		b.Alignments = append(b.Alignments, a)
	}
	return b
}

func orElse(a, b string) string {
	if a == "" {
		return b
	}
	return a
}

// httpURL returns s if it is an absolute http or https URL, else "".
func httpURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return ""
	}
	return s
}

// imageURL returns s as a trusted URL if it is an http(s) URL or a data URI of a PNG or SVG
// image (shown through <img>, where an SVG cannot run script), else "".
func imageURL(s string) template.URL {
	if httpURL(s) != "" {
		return template.URL(s)
	}
	l := strings.ToLower(s)
	for _, p := range []string{"data:image/png;", "data:image/png,", "data:image/svg+xml;", "data:image/svg+xml,"} {
		if strings.HasPrefix(l, p) {
			return template.URL(s)
		}
	}
	return ""
}

// remoteImages reports whether the view shows an image from another site (an http(s) URL),
// which the page's Content-Security-Policy must then allow.
func (v *reportView) remoteImages() bool {
	return strings.HasPrefix(string(v.Badge.Image), "http") || v.nestedRemoteImages()
}

// dateText shows an XML Schema dateTime as "12 March 2024" (with the time when it is not
// midnight UTC); anything else is shown as written.
func dateText(s string) string {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02"} {
		t, err := time.Parse(layout, s)
		if err != nil {
			continue
		}
		if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
			return t.Format("2 January 2006")
		}
		return t.Format("2 January 2006, 15:04 MST")
	}
	return s
}
