package web

import (
	"context"
	"errors"
	"net/http"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/badgeimage"
	"github.com/rosettebadges/rosette/internal/keys"
)

// Issuers is what the issuer admin pages need of the issuers service (*service.Issuers).
// Every method takes the signed-in user and checks the permission itself; errors carry badge
// kinds (Forbidden, NotFound, Invalid with field names, Conflict, ...).
type Issuers interface {
	Create(ctx context.Context, actor *badge.User, f badge.IssuerFields, ownerID int64) (*badge.Issuer, error)
	Get(ctx context.Context, actor *badge.User, id string) (*badge.Issuer, badge.Role, error)
	Update(ctx context.Context, actor *badge.User, id string, f badge.IssuerFields) (*badge.Issuer, error)
	ListForUser(ctx context.Context, actor *badge.User) ([]badge.Membership, error)
	Members(ctx context.Context, actor *badge.User, issuerID string) ([]badge.Member, error)
	AddMember(ctx context.Context, actor *badge.User, issuerID, email string, role badge.Role) (*badge.Member, error)
	SetRole(ctx context.Context, actor *badge.User, issuerID string, userID int64, role badge.Role) error
	RemoveMember(ctx context.Context, actor *badge.User, issuerID string, userID int64) error
	RotateKeys(ctx context.Context, actor *badge.User, issuerID string) ([]*keys.Record, error)
	Keys(ctx context.Context, actor *badge.User, issuerID string) ([]*keys.Record, error)
	StoreLogo(ctx context.Context, actor *badge.User, issuerID string, data []byte) (*badgeimage.Image, error)
}

type issuerListPage struct {
	Frame
	Issuers   []badge.Membership
	CanCreate bool
}

type issuerFormPage struct {
	Frame
	Issuer *badge.Issuer // nil on the new-issuer form
	Fields badge.IssuerFields
	Errors formErrors
	Logo   logo // the current logo, when it can be shown
}

// StatusMethods are the choices of the status method select.
func (*issuerFormPage) StatusMethods() []statusChoice {
	return []statusChoice{{badge.StatusBitstring, "Bitstring Status List (recommended: private, compact)"},
		{badge.Status1EdTech, "1EdTech Revocation List"}}
}

// CertificateLayouts are the choices of the certificate layout select.
func (*issuerFormPage) CertificateLayouts() []badge.CertificateLayoutInfo {
	return badge.CertificateLayouts
}

type statusChoice struct {
	Value badge.StatusMethod
	Label string
}

type issuerPage struct {
	Frame
	Issuer     *badge.Issuer
	Role       badge.Role
	Keys       []*keys.Record
	CanEdit    bool
	CanStaff   bool
	CanKeys    bool
	Templates  bool   // the award email template pages are mounted
	PublicBase string // "/issuers/{id}"
	Logo       logo   // how the logo can be shown (the CSP allows only same-site and data: images)
}

// can is the badge.Can of the signed-in user on one issuer, for showing buttons; the service
// checks again on every request.
func can(u *badge.User, role badge.Role, a badge.Action) bool {
	return u != nil && badge.Can(u.IsAdmin, role, a)
}

func issuerFieldsFrom(r *http.Request) badge.IssuerFields {
	f := r.PostForm
	return badge.IssuerFields{Name: f.Get("name"), Description: f.Get("description"), Website: f.Get("website"),
		Email: f.Get("email"), LogoURL: f.Get("logo"), LinkedInOrg: f.Get("linkedin_org"),
		StatusMethod:      badge.StatusMethod(f.Get("status_method")),
		CertificateLayout: badge.CertificateLayout(f.Get("certificate_layout"))}
}

func fieldsOf(i *badge.Issuer) badge.IssuerFields {
	return badge.IssuerFields{Name: i.Name, Description: i.Description, Website: i.Website, Email: i.Email,
		LogoURL: i.LogoURL, LinkedInOrg: i.LinkedInOrg, StatusMethod: i.StatusMethod,
		CertificateLayout: i.CertificateLayout}
}

// issuerList shows the issuers the user works on (all of them for site admins).
func (s *Site) issuerList(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	ms, err := s.issuers.ListForUser(r.Context(), u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "issuers", &issuerListPage{Frame: Frame{Title: "Issuers", Nav: "issuers"},
		Issuers: ms, CanCreate: u.IsAdmin})
}

// issuerNew shows the form creating an issuer (site admins only; the service decides).
func (s *Site) issuerNew(w http.ResponseWriter, r *http.Request) {
	if !userFrom(r.Context()).IsAdmin {
		s.serveError(w, r, http.StatusForbidden, "Only site administrators can create issuers.")
		return
	}
	s.render(w, r, http.StatusOK, "issuer_form", &issuerFormPage{Frame: Frame{Title: "New issuer", Nav: "issuers"},
		Fields: badge.IssuerFields{StatusMethod: badge.StatusBitstring, CertificateLayout: badge.CertificateClassic}})
}

// issuerCreate creates the issuer with the signed-in user as its first owner.
func (s *Site) issuerCreate(w http.ResponseWriter, r *http.Request) {
	upload, err := parseBadgeUpload(r, "logo_file")
	if err != nil && badge.FieldMessages(err)["logo_file"] == "" {
		s.fail(w, r, err)
		return
	}
	p := &issuerFormPage{Frame: Frame{Title: "New issuer", Nav: "issuers"}, Fields: issuerFieldsFrom(r), Errors: formErrors{}}
	if err == nil {
		p.Fields, err = s.uploadLogo(r, "", p.Fields, upload)
	}
	var iss *badge.Issuer
	if err == nil {
		iss, err = s.issuers.Create(r.Context(), userFrom(r.Context()), p.Fields, 0)
	}
	if errors.Is(err, badge.Invalid) && !userFrom(r.Context()).IsAdmin {
		// The service checks the fields before the permission; the form is for site admins.
		s.serveError(w, r, http.StatusForbidden, "Only site administrators can create issuers.")
		return
	}
	if err != nil {
		if !s.formFailure(w, r, err, p.Errors) {
			return
		}
		s.render(w, r, statusOf(err), "issuer_form", p)
		return
	}
	s.setFlash(w, r, "issuer-created")
	redirect(w, r, "/admin/issuers/"+iss.ID)
}

// issuerShow is the issuer's admin page: profile, public links and keys.
func (s *Site) issuerShow(w http.ResponseWriter, r *http.Request) {
	u, id := userFrom(r.Context()), r.PathValue("id")
	iss, role, err := s.issuers.Get(r.Context(), u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ks, err := s.issuers.Keys(r.Context(), u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := &issuerPage{Frame: Frame{Title: iss.Name, Nav: "issuers"},
		Issuer: iss, Role: role, Keys: ks, PublicBase: "/issuers/" + iss.ID,
		CanEdit: can(u, role, badge.ActEditIssuer), CanStaff: can(u, role, badge.ActManageStaff), CanKeys: can(u, role, badge.ActManageKeys),
		Templates: s.notifications != nil}
	p.Logo = s.logoOf(iss)
	s.render(w, r, http.StatusOK, "issuer", p)
}

// issuerEdit shows the profile form; only those who may edit get it.
func (s *Site) issuerEdit(w http.ResponseWriter, r *http.Request) {
	u, id := userFrom(r.Context()), r.PathValue("id")
	iss, role, err := s.issuers.Get(r.Context(), u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !can(u, role, badge.ActEditIssuer) {
		s.serveError(w, r, http.StatusForbidden, "You are not allowed to do this for this issuer.")
		return
	}
	s.render(w, r, http.StatusOK, "issuer_form", &issuerFormPage{Frame: Frame{Title: "Edit " + iss.Name, Nav: "issuers"},
		Issuer: iss, Fields: fieldsOf(iss), Logo: s.logoOf(iss)})
}

// issuerUpdate saves the profile.
func (s *Site) issuerUpdate(w http.ResponseWriter, r *http.Request) {
	upload, err := parseBadgeUpload(r, "logo_file")
	if err != nil && badge.FieldMessages(err)["logo_file"] == "" {
		s.fail(w, r, err)
		return
	}
	u, id := userFrom(r.Context()), r.PathValue("id")
	fields := issuerFieldsFrom(r)
	if err == nil {
		fields, err = s.uploadLogo(r, id, fields, upload)
	}
	if err == nil {
		_, err = s.issuers.Update(r.Context(), u, id, fields)
	}
	if err == nil {
		s.setFlash(w, r, "issuer-saved")
		redirect(w, r, "/admin/issuers/"+id)
		return
	}
	if !errors.Is(err, badge.Invalid) {
		s.fail(w, r, err)
		return
	}
	// Show the form again, but only to someone who may see the issuer.
	iss, role, gerr := s.issuers.Get(r.Context(), u, id)
	if gerr != nil {
		s.fail(w, r, gerr)
		return
	}
	if !can(u, role, badge.ActEditIssuer) { // the service checks the fields before the permission
		s.serveError(w, r, http.StatusForbidden, "You are not allowed to do this for this issuer.")
		return
	}
	p := &issuerFormPage{Frame: Frame{Title: "Edit " + iss.Name, Nav: "issuers"}, Issuer: iss, Fields: fields, Errors: formErrors{}, Logo: s.logoOf(iss)}
	s.formFailure(w, r, err, p.Errors)
	s.render(w, r, http.StatusUnprocessableEntity, "issuer_form", p)
}

// issuerRotate gives the issuer new active keys.
func (s *Site) issuerRotate(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, err := s.issuers.RotateKeys(r.Context(), userFrom(r.Context()), id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.setFlash(w, r, "keys-rotated")
	redirect(w, r, "/admin/issuers/"+id)
}

// uploadLogo stores an uploaded logo (when a file was chosen) and points the fields' LogoURL
// at it; the URL field is the alternative when no file is chosen.
func (s *Site) uploadLogo(r *http.Request, issuerID string, f badge.IssuerFields, upload []byte) (badge.IssuerFields, error) {
	if upload == nil {
		return f, nil
	}
	img, err := s.issuers.StoreLogo(r.Context(), userFrom(r.Context()), issuerID, upload)
	if err != nil {
		return f, badge.OnField(err, "logo_file")
	}
	f.LogoURL = s.urls.Image(img.ID, img.MediaType)
	return f, nil
}
