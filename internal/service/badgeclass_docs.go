package service

import (
	"encoding/json"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/links"
	"github.com/rosettebadges/rosette/openbadges/ob2"
)

// ContextOB2 is the Open Badges 2.0 JSON-LD context.
const ContextOB2 = "https://w3id.org/openbadges/v2"

// OB2BadgeClass returns the OB 2.0 BadgeClass of one version of a badge class: id =
// links.BadgeClassVersion (immutable, what assertions name as their badge), name,
// description, image = the links.Image URL of the version's image, criteria {id (the criteria
// URL), narrative (Markdown)}, issuer = the issuer's profile URL, tags and alignment.
func OB2BadgeClass(u links.URLs, issuerID string, v *badge.BadgeClassVersion, imageMediaType string) ([]byte, error) {
	f := v.Fields
	c := ob2.BadgeClass{
		Context:     ContextOB2,
		Type:        ob2.Strings{"BadgeClass"},
		ID:          u.BadgeClassVersion(v.BadgeClassID, v.Version),
		Name:        f.Name,
		Description: f.Description,
		Criteria:    &ob2.Criteria{ID: f.CriteriaURL, Narrative: f.CriteriaNarrative},
		Issuer:      &ob2.Profile{ID: u.Profile(issuerID), Ref: true},
		Tags:        ob2.Strings(f.Tags),
	}
	if v.ImageID != "" {
		c.Image = &ob2.Image{ID: u.Image(v.ImageID, imageMediaType), Ref: true}
	}
	for _, a := range f.Alignments {
		c.Alignment = append(c.Alignment, ob2.Alignment{TargetName: a.Name, TargetURL: a.URL,
			TargetFramework: a.Framework, TargetCode: a.Code})
	}
	return json.Marshal(c)
}
