package httpapi

import (
	"net/http"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
)

// issuerJSON is an issuer resource.
type issuerJSON struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Website     string `json:"website"`
	Email       string `json:"email"`
	LogoURL     string `json:"logo_url"`
	LinkedInOrg string `json:"linkedin_org"`
	// CertificateLayout is the design of the award certificates: "classic" or "modern".
	CertificateLayout string    `json:"certificate_layout"`
	URL               string    `json:"url"`            // the public profile
	Role              string    `json:"role,omitempty"` // the token user's role on it ("" for a site admin who is not staff)
	CreatedAt         time.Time `json:"created_at"`
	UpdatedAt         time.Time `json:"updated_at"`
}

// issuerInput is the body of POST /issuers and (as a merge patch) PATCH /issuers/{id}.
type issuerInput struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Website     string `json:"website"`
	Email       string `json:"email"`
	LogoURL     string `json:"logo_url"`
	LinkedInOrg string `json:"linkedin_org"`
	// CertificateLayout: "" or absent keeps it ("classic" for a new issuer).
	CertificateLayout string `json:"certificate_layout,omitempty"`
}

func (in issuerInput) fields() badge.IssuerFields {
	return badge.IssuerFields{Name: in.Name, Description: in.Description, Website: in.Website, Email: in.Email,
		LogoURL: in.LogoURL, LinkedInOrg: in.LinkedInOrg, CertificateLayout: badge.CertificateLayout(in.CertificateLayout)}
}

func (a *API) issuerOut(i *badge.Issuer, role badge.Role) issuerJSON {
	return issuerJSON{ID: i.ID, Name: i.Name, Description: i.Description, Website: i.Website, Email: i.Email,
		LogoURL: i.LogoURL, LinkedInOrg: i.LinkedInOrg, CertificateLayout: string(i.CertificateLayout), URL: a.opts.URLs.Profile(i.ID), Role: string(role),
		CreatedAt: apiTime(i.CreatedAt), UpdatedAt: apiTime(i.UpdatedAt)}
}

// listIssuers is GET /issuers: the issuers the token may act on, paged.
func (a *API) listIssuers(c *call) (int, any, error) {
	limit, offset, err := paging(c.r)
	if err != nil {
		return 0, nil, err
	}
	ms, err := a.opts.Issuers.ListForUser(c.ctx(), c.user)
	if err != nil {
		return 0, nil, err
	}
	all := make([]issuerJSON, len(ms))
	for i, m := range ms {
		all[i] = a.issuerOut(m.Issuer, m.Role)
	}
	p := slicePage(all, limit, offset)
	a.setLinks(c, p.Total, limit, offset)
	return http.StatusOK, p, nil
}

// createIssuer is POST /issuers: a new issuer owned by the token's user (site admins only;
// scope issuers:write, no issuer restriction).
func (a *API) createIssuer(c *call) (int, any, error) {
	var in issuerInput
	if err := decodeJSON(c.body, &in); err != nil {
		return 0, nil, err
	}
	iss, err := a.opts.Issuers.Create(c.ctx(), c.user, in.fields(), 0)
	if err != nil {
		return 0, nil, err
	}
	c.w.Header().Set("Location", a.opts.URLs.Base+Prefix+"/issuers/"+iss.ID)
	return http.StatusCreated, a.issuerOut(iss, badge.RoleOwner), nil
}

// getIssuer is GET /issuers/{id}.
func (a *API) getIssuer(c *call) (int, any, error) {
	iss, role, err := a.opts.Issuers.Get(c.ctx(), c.user, c.r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, a.issuerOut(iss, role), nil
}

// patchIssuer is PATCH /issuers/{id}: the members given replace the current ones (a JSON
// merge patch; null clears an optional member).
func (a *API) patchIssuer(c *call) (int, any, error) {
	id := c.r.PathValue("id")
	iss, role, err := a.opts.Issuers.Get(c.ctx(), c.user, id)
	if err != nil {
		return 0, nil, err
	}
	cur := issuerInput{Name: iss.Name, Description: iss.Description, Website: iss.Website, Email: iss.Email,
		LogoURL: iss.LogoURL, LinkedInOrg: iss.LinkedInOrg, CertificateLayout: string(iss.CertificateLayout)}
	var in issuerInput
	if err := mergePatch(cur, c.body, &in); err != nil {
		return 0, nil, err
	}
	iss, err = a.opts.Issuers.Update(c.ctx(), c.user, id, in.fields())
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, a.issuerOut(iss, role), nil
}

// apiTime is how the API shows a time: UTC, to the microsecond the database keeps, so that a
// resource reads the same when created and when fetched again.
func apiTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
