package ob2

import (
	"encoding/json"
)

// Image is an image IRI (or data URI) or an Image object. Ref is true for the IRI form,
// which is written back as a string.
type Image struct {
	ID      string `json:"id"`
	Type    string `json:"type,omitempty"`
	Caption string `json:"caption,omitempty"`
	Author  string `json:"author,omitempty"`
	Ref     bool   `json:"-"`
	Extra   Extra  `json:"-"`
}

func (im *Image) UnmarshalJSON(b []byte) error {
	if isString(b) {
		*im = Image{Ref: true}
		return json.Unmarshal(b, &im.ID)
	}
	type plain Image
	extra, err := decodeWithExtra(b, (*plain)(im), imageFields, "image")
	im.Extra = extra
	return err
}

func (im Image) MarshalJSON() ([]byte, error) {
	if im.Ref {
		return json.Marshal(im.ID)
	}
	type plain Image
	return encodeWithExtra(plain(im), im.Extra)
}

// Criteria is a criteria page IRI or a Criteria object (id and/or Markdown narrative).
type Criteria struct {
	Type      string `json:"type,omitempty"`
	ID        string `json:"id,omitempty"`
	Narrative string `json:"narrative,omitempty"`
	Ref       bool   `json:"-"`
	Extra     Extra  `json:"-"`
}

func (c *Criteria) UnmarshalJSON(b []byte) error {
	if isString(b) {
		*c = Criteria{Ref: true}
		return json.Unmarshal(b, &c.ID)
	}
	type plain Criteria
	extra, err := decodeWithExtra(b, (*plain)(c), criteriaFields, "criteria")
	c.Extra = extra
	return err
}

func (c Criteria) MarshalJSON() ([]byte, error) {
	if c.Ref {
		return json.Marshal(c.ID)
	}
	type plain Criteria
	return encodeWithExtra(plain(c), c.Extra)
}

// Evidence is an evidence IRI or an Evidence object.
type Evidence struct {
	Type        Strings `json:"type,omitempty"`
	ID          string  `json:"id,omitempty"`
	Narrative   string  `json:"narrative,omitempty"`
	Name        string  `json:"name,omitempty"`
	Description string  `json:"description,omitempty"`
	Genre       string  `json:"genre,omitempty"`
	Audience    string  `json:"audience,omitempty"`
	Ref         bool    `json:"-"`
	Extra       Extra   `json:"-"`
}

func (e *Evidence) UnmarshalJSON(b []byte) error {
	if isString(b) {
		*e = Evidence{Ref: true}
		return json.Unmarshal(b, &e.ID)
	}
	type plain Evidence
	extra, err := decodeWithExtra(b, (*plain)(e), evidenceFields, "evidence")
	e.Extra = extra
	return err
}

func (e Evidence) MarshalJSON() ([]byte, error) {
	if e.Ref {
		return json.Marshal(e.ID)
	}
	type plain Evidence
	return encodeWithExtra(plain(e), e.Extra)
}

// Alignment links a BadgeClass to a framework node.
type Alignment struct {
	TargetName        string `json:"targetName"`
	TargetURL         string `json:"targetUrl"`
	TargetDescription string `json:"targetDescription,omitempty"`
	TargetFramework   string `json:"targetFramework,omitempty"`
	TargetCode        string `json:"targetCode,omitempty"`
	Extra             Extra  `json:"-"`
}

func (a *Alignment) UnmarshalJSON(b []byte) error {
	type plain Alignment
	extra, err := decodeWithExtra(b, (*plain)(a), alignmentFields, "alignment")
	a.Extra = extra
	return err
}

func (a Alignment) MarshalJSON() ([]byte, error) {
	type plain Alignment
	return encodeWithExtra(plain(a), a.Extra)
}

// VerificationObject says how an Assertion is verified (type HostedBadge or SignedBadge,
// with the signing key's IRI in Creator) or, on an issuer Profile, the verification policy.
type VerificationObject struct {
	Type                 string  `json:"type"`
	Creator              string  `json:"creator,omitempty"`
	VerificationProperty string  `json:"verificationProperty,omitempty"`
	StartsWith           Strings `json:"startsWith,omitempty"`
	AllowedOrigins       Strings `json:"allowedOrigins,omitempty"`
	Extra                Extra   `json:"-"`
}

func (v *VerificationObject) UnmarshalJSON(b []byte) error {
	type plain VerificationObject
	extra, err := decodeWithExtra(b, (*plain)(v), verificationObjectFields, "verification")
	v.Extra = extra
	return err
}

func (v VerificationObject) MarshalJSON() ([]byte, error) {
	type plain VerificationObject
	return encodeWithExtra(plain(v), v.Extra)
}

// Normalized returns the 2.0 type name: HostedBadge or SignedBadge for the hosted/signed
// aliases (any case), the type otherwise.
func (v VerificationObject) Normalized() string {
	switch v.Type {
	case "hosted", "Hosted", "HostedBadge":
		return "HostedBadge"
	case "signed", "Signed", "SignedBadge":
		return "SignedBadge"
	}
	return v.Type
}

// CryptographicKey is the public key a SignedBadge's JWS is checked with.
type CryptographicKey struct {
	Context      any     `json:"@context,omitempty"`
	Type         Strings `json:"type,omitempty"`
	ID           string  `json:"id"`
	Owner        string  `json:"owner,omitempty"`
	PublicKeyPem string  `json:"publicKeyPem,omitempty"`
	Extra        Extra   `json:"-"`
}

func (k *CryptographicKey) UnmarshalJSON(b []byte) error {
	type plain CryptographicKey
	extra, err := decodeWithExtra(b, (*plain)(k), cryptographicKeyFields, "key")
	k.Extra = extra
	return err
}

func (k CryptographicKey) MarshalJSON() ([]byte, error) {
	type plain CryptographicKey
	return encodeWithExtra(plain(k), k.Extra)
}

// Profile is an issuer (or recipient) profile, given by IRI or embedded. As an issuer it
// needs id, type, name, url and email.
type Profile struct {
	Context        any                 `json:"@context,omitempty"`
	Type           Strings             `json:"type,omitempty"`
	ID             string              `json:"id,omitempty"`
	Name           string              `json:"name,omitempty"`
	URL            string              `json:"url,omitempty"`
	Telephone      string              `json:"telephone,omitempty"`
	Description    string              `json:"description,omitempty"`
	Image          *Image              `json:"image,omitempty"`
	Email          string              `json:"email,omitempty"`
	PublicKey      Strings             `json:"publicKey,omitempty"`
	Verification   *VerificationObject `json:"verification,omitempty"`
	RevocationList string              `json:"revocationList,omitempty"`
	Ref            bool                `json:"-"`
	Extra          Extra               `json:"-"`
}

func (p *Profile) UnmarshalJSON(b []byte) error {
	if isString(b) {
		*p = Profile{Ref: true}
		return json.Unmarshal(b, &p.ID)
	}
	type plain Profile
	extra, err := decodeWithExtra(b, (*plain)(p), profileFields, "issuer")
	p.Extra = extra
	return err
}

func (p Profile) MarshalJSON() ([]byte, error) {
	if p.Ref {
		return json.Marshal(p.ID)
	}
	type plain Profile
	return encodeWithExtra(plain(p), p.Extra)
}

// BadgeClass is the achievement an Assertion awards.
type BadgeClass struct {
	Context     any             `json:"@context,omitempty"`
	Type        Strings         `json:"type,omitempty"`
	ID          string          `json:"id,omitempty"`
	Name        string          `json:"name,omitempty"`
	Description string          `json:"description,omitempty"`
	Image       *Image          `json:"image,omitempty"`
	Criteria    *Criteria       `json:"criteria,omitempty"`
	Issuer      *Profile        `json:"issuer,omitempty"`
	Alignment   List[Alignment] `json:"alignment,omitempty"`
	Tags        Strings         `json:"tags,omitempty"`
	Ref         bool            `json:"-"`
	Extra       Extra           `json:"-"`
}

func (c *BadgeClass) UnmarshalJSON(b []byte) error {
	if isString(b) {
		*c = BadgeClass{Ref: true}
		return json.Unmarshal(b, &c.ID)
	}
	type plain BadgeClass
	extra, err := decodeWithExtra(b, (*plain)(c), badgeClassFields, "badge")
	c.Extra = extra
	return err
}

func (c BadgeClass) MarshalJSON() ([]byte, error) {
	if c.Ref {
		return json.Marshal(c.ID)
	}
	type plain BadgeClass
	return encodeWithExtra(plain(c), c.Extra)
}

// RevocationList lists an issuer's revoked assertions.
type RevocationList struct {
	Context           any            `json:"@context,omitempty"`
	Type              Strings        `json:"type"`
	ID                string         `json:"id,omitempty"`
	Issuer            string         `json:"issuer,omitempty"`
	RevokedAssertions []RevokedEntry `json:"revokedAssertions"`
	Extra             Extra          `json:"-"`
}

func (l *RevocationList) UnmarshalJSON(b []byte) error {
	type plain RevocationList
	extra, err := decodeWithExtra(b, (*plain)(l), revocationListFields, "revocation list")
	l.Extra = extra
	return err
}

func (l RevocationList) MarshalJSON() ([]byte, error) {
	type plain RevocationList
	if l.RevokedAssertions == nil {
		l.RevokedAssertions = []RevokedEntry{}
	}
	return encodeWithExtra(plain(l), l.Extra)
}

// Revoked reports whether the assertion with id (or, for 1.x badges, uid) is listed, with
// the reason when one is given. An entry with "revoked": false does not count.
func (l *RevocationList) Revoked(id, uid string) (bool, string) {
	for _, e := range l.RevokedAssertions {
		if (id != "" && e.ID == id) || (uid != "" && e.UID == uid) {
			if e.RevokedFlag != nil && !*e.RevokedFlag {
				continue
			}
			return true, e.RevocationReason
		}
	}
	return false, ""
}

// RevokedEntry is an assertion id string or {id | uid, revocationReason, revoked}.
type RevokedEntry struct {
	ID               string `json:"id,omitempty"`
	UID              string `json:"uid,omitempty"`
	RevocationReason string `json:"revocationReason,omitempty"`
	RevokedFlag      *bool  `json:"revoked,omitempty"`
	Ref              bool   `json:"-"`
}

func (e *RevokedEntry) UnmarshalJSON(b []byte) error {
	if isString(b) {
		*e = RevokedEntry{Ref: true}
		return json.Unmarshal(b, &e.ID)
	}
	type plain RevokedEntry
	return json.Unmarshal(b, (*plain)(e))
}

func (e RevokedEntry) MarshalJSON() ([]byte, error) {
	if e.Ref {
		return json.Marshal(e.ID)
	}
	type plain RevokedEntry
	return json.Marshal(plain(e))
}

// Endorsement is an OB 2.0 endorsement of an assertion, badge class or profile (claim.id).
type Endorsement struct {
	Context      any                 `json:"@context,omitempty"`
	Type         Strings             `json:"type"`
	ID           string              `json:"id"`
	Claim        *Claim              `json:"claim,omitempty"`
	Issuer       *Profile            `json:"issuer,omitempty"`
	IssuedOn     string              `json:"issuedOn,omitempty"`
	Verification *VerificationObject `json:"verification,omitempty"`
	Extra        Extra               `json:"-"`
	Raw          json.RawMessage     `json:"-"`
}

func (e *Endorsement) UnmarshalJSON(b []byte) error {
	type plain Endorsement
	extra, err := decodeWithExtra(b, (*plain)(e), endorsementFields, "endorsement")
	e.Extra = extra
	return err
}

func (e Endorsement) MarshalJSON() ([]byte, error) {
	type plain Endorsement
	return encodeWithExtra(plain(e), e.Extra)
}

// Claim is what an Endorsement says about its subject.
type Claim struct {
	ID                 string `json:"id"`
	EndorsementComment string `json:"endorsementComment,omitempty"`
	Extra              Extra  `json:"-"`
}

func (c *Claim) UnmarshalJSON(b []byte) error {
	type plain Claim
	extra, err := decodeWithExtra(b, (*plain)(c), claimFields, "claim")
	c.Extra = extra
	return err
}

func (c Claim) MarshalJSON() ([]byte, error) {
	type plain Claim
	return encodeWithExtra(plain(c), c.Extra)
}
