package ob3

import (
	"time"
)

// CredentialParams are the parts of a new AchievementCredential. Zero times mean "absent"
// (except ValidFrom, which is required).
type CredentialParams struct {
	ID               string // the credential's URI, e.g. urn:uuid:... or an https URL
	Issuer           Profile
	ValidFrom        time.Time
	ValidUntil       time.Time
	AwardedDate      time.Time
	Name             string
	Description      string
	Image            *Image
	Subject          AchievementSubject
	Evidence         []Evidence
	Endorsement      []EndorsementCredential
	CredentialSchema []CredentialSchema
	CredentialStatus *CredentialStatus
	RefreshService   *RefreshService
	TermsOfUse       []TermsOfUse
}

// FormatTime writes t as OB 3.0 DateTimeZ: UTC, seconds precision unless t has a fraction.
func FormatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.UTC()
	if t.Nanosecond() == 0 {
		return t.Format("2006-01-02T15:04:05Z")
	}
	return t.Format(time.RFC3339Nano)
}

// NewCredential builds an OpenBadgeCredential in the strict form: @context [VC v2, OB 3.0.3,
// extensions.json when a 1EdTech extension type is used], type arrays, default class types
// filled in (Profile, AchievementSubject, Achievement, Image, Evidence, Alignment, Result,
// IdentityObject), dates in UTC. It returns a *ValidationError listing every missing or
// wrong member.
func NewCredential(p CredentialParams) (*AchievementCredential, error) {
	issuer := p.Issuer
	issuer.Ref = false
	fillProfile(&issuer)
	subject := p.Subject
	fillSubject(&subject)
	c := &AchievementCredential{
		VerifiableCredential: VerifiableCredential{
			ID:               p.ID,
			Type:             Strings{TypeVerifiableCredential, TypeOpenBadgeCredential},
			Name:             p.Name,
			Description:      p.Description,
			Image:            fillImage(p.Image),
			Issuer:           &issuer,
			ValidFrom:        FormatTime(p.ValidFrom),
			ValidUntil:       FormatTime(p.ValidUntil),
			CredentialSchema: p.CredentialSchema,
			CredentialStatus: p.CredentialStatus,
			RefreshService:   p.RefreshService,
			TermsOfUse:       p.TermsOfUse,
		},
		CredentialSubject: &subject,
		AwardedDate:       FormatTime(p.AwardedDate),
		Endorsement:       p.Endorsement,
	}
	for _, e := range p.Evidence {
		if len(e.Type) == 0 {
			e.Type = Strings{"Evidence"}
		}
		c.Evidence = append(c.Evidence, e)
	}
	c.Context = Context{ContextVCv2, ContextOB303}
	if c.UsesExtensionTypes() {
		c.Context = append(c.Context, ContextExtensions)
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// EndorsementParams are the parts of a new EndorsementCredential.
type EndorsementParams struct {
	ID          string
	Issuer      Profile
	ValidFrom   time.Time
	ValidUntil  time.Time
	Name        string
	Description string
	Subject     EndorsementSubject // ID is the endorsed thing's id
}

// NewEndorsement builds an EndorsementCredential in the strict form, validated.
func NewEndorsement(p EndorsementParams) (*EndorsementCredential, error) {
	issuer := p.Issuer
	issuer.Ref = false
	fillProfile(&issuer)
	subject := p.Subject
	if len(subject.Type) == 0 {
		subject.Type = Strings{"EndorsementSubject"}
	}
	e := &EndorsementCredential{
		VerifiableCredential: VerifiableCredential{
			Context:     Context{ContextVCv2, ContextOB303},
			ID:          p.ID,
			Type:        Strings{TypeVerifiableCredential, TypeEndorsementCredential},
			Name:        p.Name,
			Description: p.Description,
			Issuer:      &issuer,
			ValidFrom:   FormatTime(p.ValidFrom),
			ValidUntil:  FormatTime(p.ValidUntil),
		},
		CredentialSubject: &subject,
	}
	if err := e.Validate(); err != nil {
		return nil, err
	}
	return e, nil
}

func fillImage(im *Image) *Image {
	if im == nil {
		return nil
	}
	c := *im
	c.Type = "Image"
	return &c
}

func fillProfile(p *Profile) {
	if len(p.Type) == 0 {
		p.Type = Strings{"Profile"}
	}
	p.Image = fillImage(p.Image)
	if p.ParentOrg != nil {
		parent := *p.ParentOrg
		parent.Ref = false
		fillProfile(&parent)
		p.ParentOrg = &parent
	}
}

func fillAlignments(al List[Alignment]) List[Alignment] {
	out := make(List[Alignment], 0, len(al))
	for _, a := range al {
		if len(a.Type) == 0 {
			a.Type = Strings{"Alignment"}
		}
		out = append(out, a)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func fillSubject(s *AchievementSubject) {
	if len(s.Type) == 0 {
		s.Type = Strings{"AchievementSubject"}
	}
	s.Image = fillImage(s.Image)
	if s.Source != nil {
		src := *s.Source
		src.Ref = false
		fillProfile(&src)
		s.Source = &src
	}
	ids := make(List[IdentityObject], 0, len(s.Identifier))
	for _, id := range s.Identifier {
		if id.Type == "" {
			id.Type = "IdentityObject"
		}
		ids = append(ids, id)
	}
	s.Identifier = nil
	if len(ids) > 0 {
		s.Identifier = ids
	}
	results := make(List[Result], 0, len(s.Result))
	for _, r := range s.Result {
		if len(r.Type) == 0 {
			r.Type = Strings{"Result"}
		}
		r.Alignment = fillAlignments(r.Alignment)
		results = append(results, r)
	}
	s.Result = nil
	if len(results) > 0 {
		s.Result = results
	}
	if s.Achievement != nil {
		a := *s.Achievement
		if len(a.Type) == 0 {
			a.Type = Strings{"Achievement"}
		}
		a.Image = fillImage(a.Image)
		a.Alignment = fillAlignments(a.Alignment)
		if a.Creator != nil {
			cr := *a.Creator
			cr.Ref = false
			fillProfile(&cr)
			a.Creator = &cr
		}
		s.Achievement = &a
	}
}
