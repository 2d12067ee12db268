package ob3

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Well-known @context URLs and types.
const (
	ContextVCv2       = "https://www.w3.org/ns/credentials/v2"
	ContextVCv1       = "https://www.w3.org/2018/credentials/v1"
	ContextOB303      = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
	ContextExtensions = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"

	TypeVerifiableCredential  = "VerifiableCredential"
	TypeOpenBadgeCredential   = "OpenBadgeCredential"
	TypeAchievementCredential = "AchievementCredential"
	TypeEndorsementCredential = "EndorsementCredential"

	// 1EdTech extension types, defined only by extensions.json (see pitfall P3).
	TypeJSONSchemaValidator = "1EdTechJsonSchemaValidator2019"
	TypeRevocationList      = "1EdTechRevocationList"
	TypeCredentialRefresh   = "1EdTechCredentialRefresh"
)

// VerifiableCredential holds the members common to OB 3.0 credentials (VCDM 2.0, and the
// VCDM 1.1 dates on input).
type VerifiableCredential struct {
	Context          Context                `json:"@context"`
	ID               string                 `json:"id"`
	Type             Strings                `json:"type"`
	Name             string                 `json:"name,omitempty"`
	Description      string                 `json:"description,omitempty"`
	Image            *Image                 `json:"image,omitempty"`
	Issuer           *Profile               `json:"issuer,omitempty"`
	ValidFrom        string                 `json:"validFrom,omitempty"`
	ValidUntil       string                 `json:"validUntil,omitempty"`
	IssuanceDate     string                 `json:"issuanceDate,omitempty"`   // VCDM 1.1
	ExpirationDate   string                 `json:"expirationDate,omitempty"` // VCDM 1.1
	Proof            List[Proof]            `json:"proof,omitempty"`
	CredentialSchema List[CredentialSchema] `json:"credentialSchema,omitempty"`
	CredentialStatus *CredentialStatus      `json:"credentialStatus,omitempty"`
	RefreshService   *RefreshService        `json:"refreshService,omitempty"`
	TermsOfUse       List[TermsOfUse]       `json:"termsOfUse,omitempty"`
}

// IsVCDM1 reports whether the credential uses the VCDM 1.1 context.
func (vc *VerifiableCredential) IsVCDM1() bool {
	return len(vc.Context) > 0 && vc.Context[0] == ContextVCv1
}

// Start returns validFrom (or VCDM 1.1 issuanceDate) as a time; ok is false when absent.
func (vc *VerifiableCredential) Start() (t time.Time, ok bool, err error) {
	return parseDate(firstNonEmpty(vc.ValidFrom, vc.IssuanceDate))
}

// End returns validUntil (or VCDM 1.1 expirationDate); ok is false when absent.
func (vc *VerifiableCredential) End() (t time.Time, ok bool, err error) {
	return parseDate(firstNonEmpty(vc.ValidUntil, vc.ExpirationDate))
}

// IssuerID returns the issuer's id, whether the issuer was a URI or a Profile.
func (vc *VerifiableCredential) IssuerID() string {
	if vc.Issuer == nil {
		return ""
	}
	return vc.Issuer.ID
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func parseDate(s string) (time.Time, bool, error) {
	if s == "" {
		return time.Time{}, false, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, true, fmt.Errorf("date %q: want RFC 3339 with a time zone", s)
	}
	return t, true, nil
}

// AchievementCredential (alias OpenBadgeCredential) asserts that its subject achieved an
// Achievement. Raw holds the bytes it was parsed from; verify those, never a re-marshal.
type AchievementCredential struct {
	VerifiableCredential
	CredentialSubject *AchievementSubject         `json:"credentialSubject,omitempty"`
	AwardedDate       string                      `json:"awardedDate,omitempty"`
	Endorsement       List[EndorsementCredential] `json:"endorsement,omitempty"`
	EndorsementJwt    Strings                     `json:"endorsementJwt,omitempty"`
	Evidence          List[Evidence]              `json:"evidence,omitempty"`
	Extra             Extra                       `json:"-"`
	Raw               json.RawMessage             `json:"-"`
}

func (c *AchievementCredential) UnmarshalJSON(b []byte) error {
	type plain AchievementCredential
	extra, err := decodeWithExtra(b, (*plain)(c), achievementCredentialFields, "credential")
	c.Extra = extra
	c.Raw = append(json.RawMessage(nil), bytes.TrimSpace(b)...)
	return err
}

// MarshalJSON writes the strict form of the model (not Raw).
func (c AchievementCredential) MarshalJSON() ([]byte, error) {
	type plain AchievementCredential
	return encodeWithExtra(plain(c), c.Extra)
}

// EndorsementCredential is a third party's endorsement of a credential, achievement or
// profile.
type EndorsementCredential struct {
	VerifiableCredential
	CredentialSubject *EndorsementSubject `json:"credentialSubject,omitempty"`
	AwardedDate       string              `json:"awardedDate,omitempty"`
	Extra             Extra               `json:"-"`
	Raw               json.RawMessage     `json:"-"`
}

func (c *EndorsementCredential) UnmarshalJSON(b []byte) error {
	type plain EndorsementCredential
	extra, err := decodeWithExtra(b, (*plain)(c), endorsementCredentialFields, "endorsement")
	c.Extra = extra
	c.Raw = append(json.RawMessage(nil), bytes.TrimSpace(b)...)
	return err
}

// MarshalJSON writes the strict form of the model (not Raw).
func (c EndorsementCredential) MarshalJSON() ([]byte, error) {
	type plain EndorsementCredential
	return encodeWithExtra(plain(c), c.Extra)
}

// single returns the only element of a one-element JSON array, or b itself.
func single(b []byte, what string) ([]byte, error) {
	t := bytes.TrimSpace(b)
	if len(t) == 0 || t[0] != '[' {
		return b, nil
	}
	var list []json.RawMessage
	if err := json.Unmarshal(t, &list); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if len(list) != 1 {
		return nil, fmt.Errorf("%s: %d entries; one is supported", what, len(list))
	}
	return list[0], nil
}

// Proof is an embedded proof as found in a credential (any suite).
type Proof struct {
	Type               string `json:"type"`
	ID                 string `json:"id,omitempty"`
	Created            string `json:"created,omitempty"`
	Cryptosuite        string `json:"cryptosuite,omitempty"`
	Challenge          string `json:"challenge,omitempty"`
	Domain             string `json:"domain,omitempty"`
	Nonce              string `json:"nonce,omitempty"`
	ProofPurpose       string `json:"proofPurpose,omitempty"`
	ProofValue         string `json:"proofValue,omitempty"`
	VerificationMethod string `json:"verificationMethod,omitempty"`
	Extra              Extra  `json:"-"`
}

func (p *Proof) UnmarshalJSON(b []byte) error {
	type plain Proof
	extra, err := decodeWithExtra(b, (*plain)(p), proofFields, "proof")
	p.Extra = extra
	return err
}

func (p Proof) MarshalJSON() ([]byte, error) {
	type plain Proof
	return encodeWithExtra(plain(p), p.Extra)
}

// CredentialSchema names a JSON Schema the credential conforms to.
type CredentialSchema struct {
	ID    string `json:"id"`
	Type  string `json:"type"`
	Extra Extra  `json:"-"`
}

func (s *CredentialSchema) UnmarshalJSON(b []byte) error {
	type plain CredentialSchema
	extra, err := decodeWithExtra(b, (*plain)(s), credentialSchemaFields, "credentialSchema")
	s.Extra = extra
	return err
}

func (s CredentialSchema) MarshalJSON() ([]byte, error) {
	type plain CredentialSchema
	return encodeWithExtra(plain(s), s.Extra)
}

// CredentialStatus says where to check revocation or suspension. Suite-specific members
// (statusPurpose, statusListIndex, statusListCredential...) are in Extra.
type CredentialStatus struct {
	ID    string `json:"id,omitempty"`
	Type  string `json:"type"`
	Extra Extra  `json:"-"`
}

// UnmarshalJSON accepts an object, or an array holding exactly one (VCDM 2.0 allows several
// statuses; OB 3.0 uses one, and several are refused rather than silently dropped).
func (s *CredentialStatus) UnmarshalJSON(b []byte) error {
	b, err := single(b, "credentialStatus")
	if err != nil {
		return err
	}
	type plain CredentialStatus
	extra, err := decodeWithExtra(b, (*plain)(s), credentialStatusFields, "credentialStatus")
	s.Extra = extra
	return err
}

func (s CredentialStatus) MarshalJSON() ([]byte, error) {
	type plain CredentialStatus
	return encodeWithExtra(plain(s), s.Extra)
}

// RefreshService says where a fresher copy of the credential may be fetched.
type RefreshService struct {
	ID    string `json:"id"`
	Type  string `json:"type"`
	Extra Extra  `json:"-"`
}

func (s *RefreshService) UnmarshalJSON(b []byte) error {
	type plain RefreshService
	extra, err := decodeWithExtra(b, (*plain)(s), refreshServiceFields, "refreshService")
	s.Extra = extra
	return err
}

func (s RefreshService) MarshalJSON() ([]byte, error) {
	type plain RefreshService
	return encodeWithExtra(plain(s), s.Extra)
}

// TermsOfUse are policies under which the credential is issued.
type TermsOfUse struct {
	ID    string `json:"id,omitempty"`
	Type  string `json:"type"`
	Extra Extra  `json:"-"`
}

func (s *TermsOfUse) UnmarshalJSON(b []byte) error {
	type plain TermsOfUse
	extra, err := decodeWithExtra(b, (*plain)(s), termsOfUseFields, "termsOfUse")
	s.Extra = extra
	return err
}

func (s TermsOfUse) MarshalJSON() ([]byte, error) {
	type plain TermsOfUse
	return encodeWithExtra(plain(s), s.Extra)
}

// ParseCredential reads an AchievementCredential / OpenBadgeCredential in any legal form.
// The result's Raw is a copy of data (without surrounding white space). It fails on bytes that are not a JSON object or whose
// members have impossible shapes; use Validate for the OB 3.0 rules.
func ParseCredential(data []byte) (*AchievementCredential, error) {
	if err := checkObject(data); err != nil {
		return nil, err
	}
	var c AchievementCredential
	// checkObject validated data: decode it directly (json.Unmarshal would validate it again
	// before calling UnmarshalJSON).
	if err := c.UnmarshalJSON(bytes.TrimSpace(data)); err != nil {
		return nil, fmt.Errorf("ob3: %w", err)
	}
	return &c, nil
}

// ParseEndorsement reads an EndorsementCredential in any legal form; Raw is a copy of data.
func ParseEndorsement(data []byte) (*EndorsementCredential, error) {
	if err := checkObject(data); err != nil {
		return nil, err
	}
	var c EndorsementCredential
	// checkObject validated data: decode it directly (json.Unmarshal would validate it again
	// before calling UnmarshalJSON).
	if err := c.UnmarshalJSON(bytes.TrimSpace(data)); err != nil {
		return nil, fmt.Errorf("ob3: %w", err)
	}
	return &c, nil
}

// ParseProfile reads a Profile object (e.g. from the OB 3.0 API).
func ParseProfile(data []byte) (*Profile, error) {
	if err := checkObject(data); err != nil {
		return nil, err
	}
	var p Profile
	// checkObject validated data: decode it directly (json.Unmarshal would validate it again
	// before calling UnmarshalJSON).
	if err := p.UnmarshalJSON(bytes.TrimSpace(data)); err != nil {
		return nil, fmt.Errorf("ob3: %w", err)
	}
	return &p, nil
}

func checkObject(data []byte) error {
	t := bytes.TrimSpace(data)
	if len(t) == 0 || t[0] != '{' {
		return errors.New("ob3: not a JSON object")
	}
	if !json.Valid(t) {
		return errors.New("ob3: not valid JSON")
	}
	return nil
}

// UsesExtensionTypes reports whether the credential uses a 1EdTech extension type, which
// needs the extensions.json context.
func (vc *VerifiableCredential) UsesExtensionTypes() bool {
	ext := []string{TypeJSONSchemaValidator, TypeRevocationList, TypeCredentialRefresh}
	for _, s := range vc.CredentialSchema {
		if slices.Contains(ext, s.Type) {
			return true
		}
	}
	return (vc.CredentialStatus != nil && slices.Contains(ext, vc.CredentialStatus.Type)) ||
		(vc.RefreshService != nil && slices.Contains(ext, vc.RefreshService.Type))
}
