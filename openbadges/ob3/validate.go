package ob3

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/rosettebadges/rosette/openbadges/internal/identityhash"
)

// Problem is one broken OB 3.0 rule, at a JSON path such as credentialSubject.achievement.name.
type Problem struct {
	Path    string
	Message string
}

func (p Problem) String() string { return p.Path + ": " + p.Message }

// ValidationError lists every problem found.
type ValidationError struct {
	Problems []Problem
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.String()
	}
	return "ob3: invalid: " + strings.Join(parts, "; ")
}

type checker struct{ problems []Problem }

func (c *checker) add(path, format string, a ...any) {
	c.problems = append(c.problems, Problem{Path: path, Message: fmt.Sprintf(format, a...)})
}

func (c *checker) err() error {
	if len(c.problems) == 0 {
		return nil
	}
	return &ValidationError{Problems: c.problems}
}

func (c *checker) required(path, v string) {
	if strings.TrimSpace(v) == "" {
		c.add(path, "is required")
	}
}

func (c *checker) hasType(path string, t Strings, want ...string) {
	for _, w := range want {
		if t.Has(w) {
			return
		}
	}
	c.add(path, "must contain %s", strings.Join(want, " or "))
}

var obContext = regexp.MustCompile(`^https://purl\.imsglobal\.org/spec/ob/v3p0/context(-3\.\d\.\d)*\.json$`)

// dateTimeZ is RFC 3339 date-time with a required time zone.
var dateTimeZ = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|z|[+-]\d\d:\d\d)$`)

func (c *checker) date(path, v string) {
	if v != "" && !dateTimeZ.MatchString(v) {
		c.add(path, "%q is not an RFC 3339 date-time with a time zone", v)
	}
}

// Validate checks the OB 3.0 rules on an AchievementCredential: required members, types,
// context order, dates with zones, subject id or identifier, achievement and criteria. It
// does not verify proofs. JSON Schema validation is SchemaValidator's job.
func (cr *AchievementCredential) Validate() error {
	var c checker
	c.credential("", &cr.VerifiableCredential, TypeAchievementCredential, TypeOpenBadgeCredential)
	if s := cr.CredentialSubject; s == nil {
		c.add("credentialSubject", "is required")
	} else {
		c.achievementSubject("credentialSubject", s)
	}
	c.date("awardedDate", cr.AwardedDate)
	for i, e := range cr.Evidence {
		c.hasType(fmt.Sprintf("evidence[%d].type", i), e.Type, "Evidence")
	}
	for i := range cr.Endorsement {
		c.endorsement(fmt.Sprintf("endorsement[%d]", i), &cr.Endorsement[i])
	}
	return c.err()
}

// Validate checks the OB 3.0 rules on an EndorsementCredential.
func (e *EndorsementCredential) Validate() error {
	var c checker
	c.endorsement("", e)
	return c.err()
}

// Validate checks the OB 3.0 rules on a Profile given as an object (id, type Profile, image,
// parent organization, endorsements).
func (pr *Profile) Validate() error {
	var c checker
	c.profile("", pr)
	return c.err()
}

func join(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

func (c *checker) endorsement(p string, e *EndorsementCredential) {
	c.credential(p, &e.VerifiableCredential, TypeEndorsementCredential)
	c.required(join(p, "name"), e.Name)
	if e.CredentialSubject == nil {
		c.add(join(p, "credentialSubject"), "is required")
		return
	}
	c.required(join(p, "credentialSubject.id"), e.CredentialSubject.ID)
	c.hasType(join(p, "credentialSubject.type"), e.CredentialSubject.Type, "EndorsementSubject")
}

func (c *checker) credential(p string, vc *VerifiableCredential, types ...string) {
	urls := vc.Context.URLs()
	switch {
	case len(vc.Context) < 2:
		c.add(join(p, "@context"), "needs the VC context then the OB 3.0 context")
	case vc.Context[0] != ContextVCv2 && vc.Context[0] != ContextVCv1:
		c.add(join(p, "@context[0]"), "must be %s (or %s)", ContextVCv2, ContextVCv1)
	default:
		if s, _ := vc.Context[1].(string); !obContext.MatchString(s) && !strings.HasPrefix(s, "https://purl.imsglobal.org/spec/clr/") {
			c.add(join(p, "@context[1]"), "must be the OB 3.0 context (%s)", ContextOB303)
		}
	}
	if vc.UsesExtensionTypes() && !Strings(urls).Has(ContextExtensions) {
		c.add(join(p, "@context"), "must include %s when 1EdTech extension types are used", ContextExtensions)
	}
	c.required(join(p, "id"), vc.ID)
	c.hasType(join(p, "type"), vc.Type, TypeVerifiableCredential)
	c.hasType(join(p, "type"), vc.Type, types...)
	if vc.Issuer == nil {
		c.add(join(p, "issuer"), "is required")
	} else {
		c.profile(join(p, "issuer"), vc.Issuer)
	}
	if vc.IsVCDM1() {
		c.required(join(p, "issuanceDate"), vc.IssuanceDate)
	} else {
		c.required(join(p, "validFrom"), vc.ValidFrom)
	}
	c.date(join(p, "validFrom"), vc.ValidFrom)
	c.date(join(p, "validUntil"), vc.ValidUntil)
	c.date(join(p, "issuanceDate"), vc.IssuanceDate)
	c.date(join(p, "expirationDate"), vc.ExpirationDate)
	if from, ok1, err1 := vc.Start(); ok1 && err1 == nil {
		if until, ok2, err2 := vc.End(); ok2 && err2 == nil && until.Before(from) {
			c.add(join(p, "validUntil"), "is before validFrom")
		}
	}
	if vc.Image != nil {
		c.image(join(p, "image"), vc.Image)
	}
	for i, pr := range vc.Proof {
		c.required(join(p, fmt.Sprintf("proof[%d].type", i)), pr.Type)
	}
	for i, s := range vc.CredentialSchema {
		c.required(join(p, fmt.Sprintf("credentialSchema[%d].id", i)), s.ID)
		c.required(join(p, fmt.Sprintf("credentialSchema[%d].type", i)), s.Type)
	}
	if s := vc.CredentialStatus; s != nil {
		c.required(join(p, "credentialStatus.type"), s.Type)
	}
	if s := vc.RefreshService; s != nil {
		c.required(join(p, "refreshService.id"), s.ID)
		c.required(join(p, "refreshService.type"), s.Type)
	}
}

func (c *checker) profile(p string, pr *Profile) {
	c.required(join(p, "id"), pr.ID)
	if pr.Ref {
		return
	}
	c.hasType(join(p, "type"), pr.Type, "Profile")
	if pr.Image != nil {
		c.image(join(p, "image"), pr.Image)
	}
	if pr.ParentOrg != nil {
		c.profile(join(p, "parentOrg"), pr.ParentOrg)
	}
	for i := range pr.Endorsement {
		c.endorsement(join(p, fmt.Sprintf("endorsement[%d]", i)), &pr.Endorsement[i])
	}
}

func (c *checker) image(p string, im *Image) {
	c.required(join(p, "id"), im.ID)
	if im.Type != "Image" {
		c.add(join(p, "type"), "must be Image")
	}
}

func (c *checker) achievementSubject(p string, s *AchievementSubject) {
	c.hasType(join(p, "type"), s.Type, "AchievementSubject")
	if s.ID == "" && len(s.Identifier) == 0 {
		c.add(p, "needs an id or at least one identifier")
	}
	for i, id := range s.Identifier {
		ip := join(p, fmt.Sprintf("identifier[%d]", i))
		if id.Type != "IdentityObject" {
			c.add(join(ip, "type"), "must be IdentityObject")
		}
		c.required(join(ip, "identityHash"), id.IdentityHash)
		c.required(join(ip, "identityType"), id.IdentityType)
		if _, _, ok := identityhash.Split(id.IdentityHash); id.Hashed && !ok {
			c.add(join(ip, "identityHash"), "hashed is true but the value is not sha256$<hex> or md5$<hex>")
		}
	}
	c.date(join(p, "activityStartDate"), s.ActivityStartDate)
	c.date(join(p, "activityEndDate"), s.ActivityEndDate)
	if s.Image != nil {
		c.image(join(p, "image"), s.Image)
	}
	for i, r := range s.Result {
		c.hasType(join(p, fmt.Sprintf("result[%d].type", i)), r.Type, "Result")
		c.alignments(join(p, fmt.Sprintf("result[%d]", i)), r.Alignment)
	}
	if s.Source != nil {
		c.profile(join(p, "source"), s.Source)
	}
	if s.Achievement == nil {
		c.add(join(p, "achievement"), "is required")
		return
	}
	c.achievement(join(p, "achievement"), s.Achievement)
}

func (c *checker) alignments(p string, al List[Alignment]) {
	for i, a := range al {
		ap := join(p, fmt.Sprintf("alignment[%d]", i))
		c.hasType(join(ap, "type"), a.Type, "Alignment")
		c.required(join(ap, "targetName"), a.TargetName)
		c.required(join(ap, "targetUrl"), a.TargetURL)
	}
}

var inLanguage = regexp.MustCompile(`^[a-z]{2,4}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$`)

func (c *checker) achievement(p string, a *Achievement) {
	c.required(join(p, "id"), a.ID)
	c.hasType(join(p, "type"), a.Type, "Achievement")
	c.required(join(p, "name"), a.Name)
	c.required(join(p, "description"), a.Description)
	if a.Criteria == nil {
		c.add(join(p, "criteria"), "is required")
	} else if a.Criteria.ID == "" && strings.TrimSpace(a.Criteria.Narrative) == "" {
		c.add(join(p, "criteria"), "needs an id or a narrative")
	}
	if a.InLanguage != "" && !inLanguage.MatchString(a.InLanguage) {
		c.add(join(p, "inLanguage"), "%q is not a language tag such as en or en-US", a.InLanguage)
	}
	if a.Image != nil {
		c.image(join(p, "image"), a.Image)
	}
	if a.Creator != nil {
		c.profile(join(p, "creator"), a.Creator)
	}
	c.alignments(p, a.Alignment)
	for i, rd := range a.ResultDescription {
		rp := join(p, fmt.Sprintf("resultDescription[%d]", i))
		c.required(join(rp, "id"), rd.ID)
		c.hasType(join(rp, "type"), rd.Type, "ResultDescription")
		c.required(join(rp, "name"), rd.Name)
		c.required(join(rp, "resultType"), rd.ResultType)
	}
	for i := range a.Endorsement {
		c.endorsement(join(p, fmt.Sprintf("endorsement[%d]", i)), &a.Endorsement[i])
	}
}
