package service

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/links"
	"github.com/rosettebadges/rosette/openbadges/ob2"
	"github.com/rosettebadges/rosette/openbadges/ob3"
	"github.com/rosettebadges/rosette/openbadges/status"
)

// The status methods an issuer may choose for its OB 3.0 credentials.
const (
	StatusBitstring = "bitstring" // BitstringStatusListEntry (W3C), the default
	Status1EdTech   = "1edtech"   // 1EdTechRevocationList (VCRL 1.0)
)

// awardContext is what the documents of an award are built from: the award, its issuer and
// the badge class version it was issued under.
type awardContext struct {
	urls           links.URLs
	award          *badge.Award
	salt           string
	issuer         *badge.Issuer
	version        *badge.BadgeClassVersion
	imageMediaType string // of version.ImageID
	statusMethod   string
	statusIndex    int64
}

// ob3IdentityType maps a recipient type to the OB 3.0 identityType.
func ob3IdentityType(t badge.RecipientType) string {
	switch t {
	case badge.RecipientURL:
		return "url"
	case badge.RecipientPhone:
		return "phoneNumber"
	}
	return "emailAddress"
}

// ob2IdentityType maps a recipient type to the OB 2.0 IdentityObject type (DIDs are URIs).
func ob2IdentityType(t badge.RecipientType) string {
	switch t {
	case badge.RecipientURL, badge.RecipientDID:
		return "url"
	case badge.RecipientPhone:
		return "telephone"
	}
	return "email"
}

// issuerProfile is the issuer as the OB 3.0 credential names it: its did:web as id, so that
// the proof's verification method is controlled by the issuer.
func issuerProfile(u links.URLs, iss *badge.Issuer) (ob3.Profile, error) {
	d, err := u.DID(iss.ID)
	if err != nil {
		return ob3.Profile{}, err
	}
	p := ob3.Profile{ID: d, Name: iss.Name, URL: iss.Website, Email: iss.Email, Description: iss.Description}
	if p.URL == "" {
		p.URL = u.Profile(iss.ID)
	}
	if iss.LogoURL != "" {
		p.Image = ob3.NewImage(iss.LogoURL)
	}
	return p, nil
}

// achievement is the badge class version as an OB 3.0 Achievement.
func achievement(c *awardContext) (*ob3.Achievement, error) {
	f := c.version.Fields
	a := &ob3.Achievement{
		ID:              c.urls.BadgeClassVersion(c.version.BadgeClassID, c.version.Version),
		Name:            f.Name,
		Description:     f.Description,
		Criteria:        &ob3.Criteria{ID: f.CriteriaURL, Narrative: f.CriteriaNarrative},
		AchievementType: f.AchievementType,
		InLanguage:      f.Language,
		Tag:             ob3.Strings(f.Tags),
	}
	if c.version.ImageID != "" {
		a.Image = ob3.NewImage(c.urls.Image(c.version.ImageID, c.imageMediaType))
	}
	for _, al := range f.Alignments {
		a.Alignment = append(a.Alignment, ob3.Alignment{TargetName: al.Name, TargetURL: al.URL,
			TargetFramework: al.Framework, TargetCode: al.Code})
	}
	if f.Credits != "" {
		v, err := strconv.ParseFloat(f.Credits, 64)
		if err != nil {
			return nil, fmt.Errorf("credits %q: %w", f.Credits, err)
		}
		a.CreditsAvailable = &v
	}
	return a, nil
}

// credentialStatus is the award's entry in the issuer's status lists.
func credentialStatus(c *awardContext) (*ob3.CredentialStatus, error) {
	iss := c.award.IssuerID
	if c.statusMethod == Status1EdTech {
		return &ob3.CredentialStatus{ID: c.urls.CredentialRevocationList(iss), Type: status.TypeRevocationList}, nil
	}
	n := int(c.statusIndex / status.MinEntries)
	b, err := json.Marshal(status.NewEntry(c.urls.StatusList(iss, n), int(c.statusIndex%status.MinEntries), "revocation"))
	if err != nil {
		return nil, err
	}
	var cs ob3.CredentialStatus
	if err := json.Unmarshal(b, &cs); err != nil {
		return nil, err
	}
	return &cs, nil
}

// unsignedCredential builds the award's OB 3.0 OpenBadgeCredential, validated, without proof.
func unsignedCredential(c *awardContext) ([]byte, error) {
	a := c.award
	issuer, err := issuerProfile(c.urls, c.issuer)
	if err != nil {
		return nil, err
	}
	ach, err := achievement(c)
	if err != nil {
		return nil, err
	}
	subject := ob3.AchievementSubject{Achievement: ach, Narrative: a.Narrative}
	if a.Recipient.Type == badge.RecipientDID {
		subject.ID = a.Recipient.Identity
	} else {
		id, err := ob3.NewHashedIdentity(ob3IdentityType(a.Recipient.Type), a.Recipient.Identity, c.salt)
		if err != nil {
			return nil, err
		}
		subject.Identifier = ob3.List[ob3.IdentityObject]{id}
	}
	var evidence []ob3.Evidence
	for _, e := range a.Evidence {
		evidence = append(evidence, ob3.Evidence{ID: e.URL, Name: e.Name, Narrative: e.Narrative})
	}
	st, err := credentialStatus(c)
	if err != nil {
		return nil, err
	}
	cred, err := ob3.NewCredential(ob3.CredentialParams{
		ID:               c.urls.Award(a.ID),
		Issuer:           issuer,
		ValidFrom:        a.IssuedAt,
		ValidUntil:       a.ExpiresAt,
		AwardedDate:      a.IssuedAt,
		Name:             c.version.Fields.Name,
		Description:      c.version.Fields.Description,
		Subject:          subject,
		Evidence:         evidence,
		CredentialSchema: []ob3.CredentialSchema{{ID: ob3.SchemaAchievementCredential, Type: "1EdTechJsonSchemaValidator2019"}},
		CredentialStatus: st,
	})
	if err != nil {
		return nil, err
	}
	return json.Marshal(cred)
}

// OB2Assertion is the award's OB 2.0 hosted Assertion: recipient hashed with the award's
// salt, the badge class version it was issued under, hosted verification. A revoked award's
// assertion says so (revoked, revocationReason), as OB 2.0 requires of hosted assertions.
func OB2Assertion(u links.URLs, a *badge.Award, salt string) ([]byte, error) {
	rec, err := ob2.NewHashedIdentity(ob2IdentityType(a.Recipient.Type), a.Recipient.Identity, salt)
	if err != nil {
		return nil, err
	}
	var evidence []ob2.Evidence
	for _, e := range a.Evidence {
		evidence = append(evidence, ob2.Evidence{ID: e.URL, Name: e.Name, Narrative: e.Narrative})
	}
	as, err := ob2.NewAssertion(ob2.AssertionParams{
		ID:           u.AwardAssertion(a.ID),
		Recipient:    rec,
		BadgeClass:   u.BadgeClassVersion(a.BadgeClassID, a.BadgeClassVersion),
		Verification: ob2.VerificationObject{Type: "hosted"},
		IssuedOn:     a.IssuedAt,
		Expires:      a.ExpiresAt,
		Image:        u.AwardAssertionImage(a.ID, "png"),
		Evidence:     evidence,
		Narrative:    a.Narrative,
	})
	if err != nil {
		return nil, err
	}
	if !a.RevokedAt.IsZero() {
		revoked := true
		as.Revoked, as.RevocationReason = &revoked, a.RevocationReason
	}
	return json.Marshal(as)
}

// newSalt returns a fresh recipient-hash salt: 16 random bytes, hex.
func newSalt() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// newAwardID returns 26 random lower-case base32 characters (128 bits): URL-safe and not
// guessable, as award pages are public.
func newAwardID() string {
	var b [16]byte
	rand.Read(b[:])
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]))
}
