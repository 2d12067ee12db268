package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
)

// alignmentJSON is an alignment of a badge class.
type alignmentJSON struct {
	Name      string `json:"name"`
	URL       string `json:"url"`
	Framework string `json:"framework,omitempty"`
	Code      string `json:"code,omitempty"`
}

// expiryJSON is a badge class's expiry rule: kind "fixed" with date, or "duration" with count
// and unit; absent (null) for none.
type expiryJSON struct {
	Kind  string `json:"kind"`
	Date  string `json:"date,omitempty"`
	Count int    `json:"count,omitempty"`
	Unit  string `json:"unit,omitempty"`
}

var typeOfString = reflect.TypeOf("")

// decimal is a decimal number given as a JSON number or string ("2.5" or 2.5), kept as text.
type decimal string

func (d *decimal) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*d = decimal(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return &json.UnmarshalTypeError{Value: "non-number", Type: typeOfString}
	}
	*d = decimal(n.String())
	return nil
}

// badgeFieldsJSON are the editable members of a badge class, shared by input and output.
type badgeFieldsJSON struct {
	Name              string          `json:"name"`
	Description       string          `json:"description"`
	CriteriaNarrative string          `json:"criteria_narrative"`
	CriteriaURL       string          `json:"criteria_url"`
	Tags              []string        `json:"tags"`
	Alignments        []alignmentJSON `json:"alignments"`
	AchievementType   string          `json:"achievement_type"`
	Level             string          `json:"level"`
	Credits           decimal         `json:"credits"`
	Language          string          `json:"language"`
	Expiry            *expiryJSON     `json:"expiry"`
}

// badgeInput is the body of POST /issuers/{id}/badges and (as a merge patch) PATCH
// /badges/{id}: the fields, and the image as a data: URI (required on create).
type badgeInput struct {
	badgeFieldsJSON
	Image string `json:"image,omitempty"`
}

// badgeJSON is a badge class resource (its current version).
type badgeJSON struct {
	ID       string `json:"id"`
	IssuerID string `json:"issuer_id"`
	Version  int    `json:"version"`
	badgeFieldsJSON
	Image     string    `json:"image"` // the public URL of the image
	URL       string    `json:"url"`   // the public page
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

func (in badgeFieldsJSON) fields() badge.BadgeClassFields {
	f := badge.BadgeClassFields{Name: in.Name, Description: in.Description, CriteriaNarrative: in.CriteriaNarrative,
		CriteriaURL: in.CriteriaURL, Tags: in.Tags, AchievementType: in.AchievementType, Level: in.Level,
		Credits: string(in.Credits), Language: in.Language}
	for _, al := range in.Alignments {
		f.Alignments = append(f.Alignments, badge.Alignment(al))
	}
	if e := in.Expiry; e != nil {
		f.Expiry = badge.Expiry{Kind: badge.ExpiryKind(e.Kind), Date: e.Date, Count: e.Count, Unit: e.Unit}
	}
	return f
}

func fieldsJSON(f badge.BadgeClassFields) badgeFieldsJSON {
	out := badgeFieldsJSON{Name: f.Name, Description: f.Description, CriteriaNarrative: f.CriteriaNarrative,
		CriteriaURL: f.CriteriaURL, Tags: f.Tags, Alignments: []alignmentJSON{}, AchievementType: f.AchievementType,
		Level: f.Level, Credits: decimal(f.Credits), Language: f.Language}
	if out.Tags == nil {
		out.Tags = []string{}
	}
	for _, al := range f.Alignments {
		out.Alignments = append(out.Alignments, alignmentJSON(al))
	}
	if f.Expiry.Kind != badge.ExpiryNone {
		out.Expiry = &expiryJSON{Kind: string(f.Expiry.Kind), Date: f.Expiry.Date, Count: f.Expiry.Count, Unit: f.Expiry.Unit}
	}
	return out
}

func (a *API) badgeOut(c *call, bc *badge.BadgeClass) badgeJSON {
	return badgeJSON{ID: bc.ID, IssuerID: bc.IssuerID, Version: bc.Version, badgeFieldsJSON: fieldsJSON(bc.Fields),
		Image: a.imageURL(c.ctx(), bc.ImageID), URL: a.opts.URLs.BadgeClass(bc.ID),
		CreatedAt: apiTime(bc.CreatedAt), UpdatedAt: apiTime(bc.UpdatedAt)}
}

// image returns the decoded image of an input, nil when none was given.
func (in badgeInput) image() ([]byte, error) {
	if in.Image == "" {
		return nil, nil
	}
	return decodeDataURI("image", in.Image)
}

// listBadges is GET /issuers/{id}/badges: the issuer's badge classes by name, paged.
func (a *API) listBadges(c *call) (int, any, error) {
	limit, offset, err := paging(c.r)
	if err != nil {
		return 0, nil, err
	}
	list, err := a.opts.BadgeClasses.ListForIssuer(c.ctx(), c.user, c.r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	p := slicePage(list, limit, offset)
	out := page[badgeJSON]{Items: make([]badgeJSON, len(p.Items)), Total: p.Total, Limit: limit, Offset: offset}
	for i, bc := range p.Items {
		out.Items[i] = a.badgeOut(c, bc)
	}
	a.setLinks(c, p.Total, limit, offset)
	return http.StatusOK, out, nil
}

// createBadge is POST /issuers/{id}/badges.
func (a *API) createBadge(c *call) (int, any, error) {
	var in badgeInput
	if err := decodeJSON(c.body, &in); err != nil {
		return 0, nil, err
	}
	img, err := in.image()
	if err != nil {
		return 0, nil, withFieldProblems(in.fields(), err)
	}
	bc, err := a.opts.BadgeClasses.Create(c.ctx(), c.user, c.r.PathValue("id"), in.fields(), img)
	if err != nil {
		return 0, nil, err
	}
	c.w.Header().Set("Location", a.opts.URLs.Base+Prefix+"/badges/"+bc.ID)
	return http.StatusCreated, a.badgeOut(c, bc), nil
}

// getBadge is GET /badges/{id}.
func (a *API) getBadge(c *call) (int, any, error) {
	bc, err := a.opts.BadgeClasses.Get(c.ctx(), c.user, c.r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, a.badgeOut(c, bc), nil
}

// patchBadge is PATCH /badges/{id}: the members given replace the current ones (a JSON merge
// patch; null clears an optional member) and make a new version; the image is kept unless
// given.
func (a *API) patchBadge(c *call) (int, any, error) {
	id := c.r.PathValue("id")
	bc, err := a.opts.BadgeClasses.Get(c.ctx(), c.user, id)
	if err != nil {
		return 0, nil, err
	}
	var in badgeInput
	if err := mergePatch(badgeInput{badgeFieldsJSON: fieldsJSON(bc.Fields)}, c.body, &in); err != nil {
		return 0, nil, err
	}
	img, err := in.image()
	if err != nil {
		return 0, nil, withFieldProblems(in.fields(), err)
	}
	bc, err = a.opts.BadgeClasses.Update(c.ctx(), c.user, id, in.fields(), img)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, a.badgeOut(c, bc), nil
}

// withFieldProblems joins an image error with the problems of the other fields, so that one
// response reports them all.
func withFieldProblems(f badge.BadgeClassFields, imageErr error) error {
	_, err := f.Normalize()
	return errors.Join(imageErr, err)
}
