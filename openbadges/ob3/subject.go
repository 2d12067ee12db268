package ob3

import "github.com/rosettebadges/rosette/openbadges/internal/identityhash"

// AchievementSubject is the recipient of an AchievementCredential and what they achieved.
// The spec requires an id or at least one identifier.
type AchievementSubject struct {
	ID                string               `json:"id,omitempty"`
	Type              Strings              `json:"type"`
	ActivityEndDate   string               `json:"activityEndDate,omitempty"`
	ActivityStartDate string               `json:"activityStartDate,omitempty"`
	CreditsEarned     *float64             `json:"creditsEarned,omitempty"`
	Achievement       *Achievement         `json:"achievement,omitempty"`
	Identifier        List[IdentityObject] `json:"identifier,omitempty"`
	Image             *Image               `json:"image,omitempty"`
	LicenseNumber     string               `json:"licenseNumber,omitempty"`
	Narrative         string               `json:"narrative,omitempty"`
	Result            List[Result]         `json:"result,omitempty"`
	Role              string               `json:"role,omitempty"`
	Source            *Profile             `json:"source,omitempty"`
	Term              string               `json:"term,omitempty"`
	Extra             Extra                `json:"-"`
}

// UnmarshalJSON accepts an object, or an array holding exactly one (the VCDM allows several
// subjects; an OB 3.0 credential has one AchievementSubject).
func (s *AchievementSubject) UnmarshalJSON(b []byte) error {
	b, err := single(b, "credentialSubject")
	if err != nil {
		return err
	}
	type plain AchievementSubject
	extra, err := decodeWithExtra(b, (*plain)(s), achievementSubjectFields, "credentialSubject")
	s.Extra = extra
	return err
}

func (s AchievementSubject) MarshalJSON() ([]byte, error) {
	type plain AchievementSubject
	return encodeWithExtra(plain(s), s.Extra)
}

// IdentityObject identifies a recipient by a hashed or plaintext value of identityType
// (e.g. emailAddress).
type IdentityObject struct {
	Type         string `json:"type"`
	Hashed       bool   `json:"hashed"`
	IdentityHash string `json:"identityHash"`
	IdentityType string `json:"identityType"`
	Salt         string `json:"salt,omitempty"`
}

// NewHashedIdentity returns an IdentityObject holding sha256(identity+salt).
func NewHashedIdentity(identityType, identity, salt string) (IdentityObject, error) {
	h, err := identityhash.Sum("sha256", identity, salt)
	if err != nil {
		return IdentityObject{}, err
	}
	return IdentityObject{Type: "IdentityObject", Hashed: true, IdentityHash: h, IdentityType: identityType, Salt: salt}, nil
}

// Matches reports whether identity is the one this object identifies: the salted hash
// (sha256 or md5, hex in any case) when hashed, the plaintext otherwise.
func (o IdentityObject) Matches(identity string) bool {
	if o.Hashed {
		return identityhash.Match(o.IdentityHash, identity, o.Salt)
	}
	return o.IdentityHash == identity
}

// Result is a result the recipient achieved (a grade, a level, a status...).
type Result struct {
	Type              Strings         `json:"type"`
	AchievedLevel     string          `json:"achievedLevel,omitempty"`
	Alignment         List[Alignment] `json:"alignment,omitempty"`
	ResultDescription string          `json:"resultDescription,omitempty"`
	Status            string          `json:"status,omitempty"`
	Value             string          `json:"value,omitempty"`
	Extra             Extra           `json:"-"`
}

func (r *Result) UnmarshalJSON(b []byte) error {
	type plain Result
	extra, err := decodeWithExtra(b, (*plain)(r), resultFields, "result")
	r.Extra = extra
	return err
}

func (r Result) MarshalJSON() ([]byte, error) {
	type plain Result
	return encodeWithExtra(plain(r), r.Extra)
}

// Evidence supports the award: a URL or data URI and/or a narrative.
type Evidence struct {
	ID          string  `json:"id,omitempty"`
	Type        Strings `json:"type"`
	Narrative   string  `json:"narrative,omitempty"`
	Name        string  `json:"name,omitempty"`
	Description string  `json:"description,omitempty"`
	Genre       string  `json:"genre,omitempty"`
	Audience    string  `json:"audience,omitempty"`
	Extra       Extra   `json:"-"`
}

func (e *Evidence) UnmarshalJSON(b []byte) error {
	type plain Evidence
	extra, err := decodeWithExtra(b, (*plain)(e), evidenceFields, "evidence")
	e.Extra = extra
	return err
}

func (e Evidence) MarshalJSON() ([]byte, error) {
	type plain Evidence
	return encodeWithExtra(plain(e), e.Extra)
}

// EndorsementSubject is what an EndorsementCredential endorses (by id) and the comment.
type EndorsementSubject struct {
	ID                 string  `json:"id"`
	Type               Strings `json:"type"`
	EndorsementComment string  `json:"endorsementComment,omitempty"`
	Extra              Extra   `json:"-"`
}

func (s *EndorsementSubject) UnmarshalJSON(b []byte) error {
	type plain EndorsementSubject
	extra, err := decodeWithExtra(b, (*plain)(s), endorsementSubjectFields, "credentialSubject")
	s.Extra = extra
	return err
}

func (s EndorsementSubject) MarshalJSON() ([]byte, error) {
	type plain EndorsementSubject
	return encodeWithExtra(plain(s), s.Extra)
}
