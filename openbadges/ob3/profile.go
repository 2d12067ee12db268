package ob3

import (
	"bytes"
	"encoding/json"
)

// Profile describes a person or an organization: an issuer, a creator, a subject's source or
// a parent organization. As an issuer it may be given by its URI alone (Ref is then true and
// the URI string is written back).
type Profile struct {
	ID               string                      `json:"id"`
	Type             Strings                     `json:"type,omitempty"`
	Name             string                      `json:"name,omitempty"`
	URL              string                      `json:"url,omitempty"`
	Phone            string                      `json:"phone,omitempty"`
	Description      string                      `json:"description,omitempty"`
	Endorsement      List[EndorsementCredential] `json:"endorsement,omitempty"`
	EndorsementJwt   Strings                     `json:"endorsementJwt,omitempty"`
	Image            *Image                      `json:"image,omitempty"`
	Email            string                      `json:"email,omitempty"`
	Address          *Address                    `json:"address,omitempty"`
	OtherIdentifier  List[IdentifierEntry]       `json:"otherIdentifier,omitempty"`
	Official         string                      `json:"official,omitempty"`
	ParentOrg        *Profile                    `json:"parentOrg,omitempty"`
	FamilyName       string                      `json:"familyName,omitempty"`
	GivenName        string                      `json:"givenName,omitempty"`
	AdditionalName   string                      `json:"additionalName,omitempty"`
	PatronymicName   string                      `json:"patronymicName,omitempty"`
	HonorificPrefix  string                      `json:"honorificPrefix,omitempty"`
	HonorificSuffix  string                      `json:"honorificSuffix,omitempty"`
	FamilyNamePrefix string                      `json:"familyNamePrefix,omitempty"`
	DateOfBirth      string                      `json:"dateOfBirth,omitempty"`
	Context          Context                     `json:"@context,omitempty"`
	Ref              bool                        `json:"-"`
	Extra            Extra                       `json:"-"`
}

// UnmarshalJSON accepts a URI string or a Profile object.
func (p *Profile) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		*p = Profile{Ref: true}
		return json.Unmarshal(b, &p.ID)
	}
	type plain Profile
	extra, err := decodeWithExtra(b, (*plain)(p), profileFields, "profile")
	p.Extra = extra
	return err
}

// MarshalJSON writes the URI string for a reference, the object otherwise.
func (p Profile) MarshalJSON() ([]byte, error) {
	if p.Ref {
		return json.Marshal(p.ID)
	}
	type plain Profile
	return encodeWithExtra(plain(p), p.Extra)
}

// Address is a postal address.
type Address struct {
	Type                Strings         `json:"type"`
	AddressCountry      string          `json:"addressCountry,omitempty"`
	AddressCountryCode  string          `json:"addressCountryCode,omitempty"`
	AddressRegion       string          `json:"addressRegion,omitempty"`
	AddressLocality     string          `json:"addressLocality,omitempty"`
	StreetAddress       string          `json:"streetAddress,omitempty"`
	PostOfficeBoxNumber string          `json:"postOfficeBoxNumber,omitempty"`
	PostalCode          string          `json:"postalCode,omitempty"`
	Geo                 *GeoCoordinates `json:"geo,omitempty"`
	Extra               Extra           `json:"-"`
}

func (a *Address) UnmarshalJSON(b []byte) error {
	type plain Address
	extra, err := decodeWithExtra(b, (*plain)(a), addressFields, "address")
	a.Extra = extra
	return err
}

func (a Address) MarshalJSON() ([]byte, error) {
	type plain Address
	return encodeWithExtra(plain(a), a.Extra)
}

// GeoCoordinates is a point on Earth.
type GeoCoordinates struct {
	Type      string  `json:"type"`
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
	Extra     Extra   `json:"-"`
}

func (g *GeoCoordinates) UnmarshalJSON(b []byte) error {
	type plain GeoCoordinates
	extra, err := decodeWithExtra(b, (*plain)(g), geoCoordinatesFields, "geo")
	g.Extra = extra
	return err
}

func (g GeoCoordinates) MarshalJSON() ([]byte, error) {
	type plain GeoCoordinates
	return encodeWithExtra(plain(g), g.Extra)
}

// IdentifierEntry is another identifier of a Profile or an Achievement.
type IdentifierEntry struct {
	Type           string `json:"type"`
	Identifier     string `json:"identifier"`
	IdentifierType string `json:"identifierType"`
}
