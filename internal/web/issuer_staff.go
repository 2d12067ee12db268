package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/rosettebadges/rosette/internal/badge"
)

type staffPage struct {
	Frame
	Issuer   *badge.Issuer
	Role     badge.Role
	Members  []badge.Member
	Roles    []badge.Role
	CanStaff bool
	// The add form's kept values and errors; errors of a row's change or removal go to
	// Errors[""].
	Email   string
	NewRole badge.Role
	Errors  formErrors
}

// staffPageFor loads the issuer and its staff for the signed-in user.
func (s *Site) staffPageFor(r *http.Request) (*staffPage, error) {
	u, id := userFrom(r.Context()), r.PathValue("id")
	iss, role, err := s.issuers.Get(r.Context(), u, id)
	if err != nil {
		return nil, err
	}
	ms, err := s.issuers.Members(r.Context(), u, id)
	if err != nil {
		return nil, err
	}
	return &staffPage{Frame: Frame{Title: "Staff of " + iss.Name, Nav: "issuers"}, Issuer: iss, Role: role,
		Members: ms, Roles: badge.Roles(), CanStaff: can(u, role, badge.ActManageStaff),
		NewRole: badge.RoleViewer, Errors: formErrors{}}, nil
}

// staffList shows the issuer's staff and, to those allowed, the forms managing them.
func (s *Site) staffList(w http.ResponseWriter, r *http.Request) {
	p, err := s.staffPageFor(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "staff", p)
}

// staffAdd adds a member by email address with a role.
func (s *Site) staffAdd(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, badge.E(badge.Invalid, "The form could not be read.", err))
		return
	}
	id := r.PathValue("id")
	email, role := strings.TrimSpace(r.PostForm.Get("email")), badge.Role(r.PostForm.Get("role"))
	_, err := s.issuers.AddMember(r.Context(), userFrom(r.Context()), id, email, role)
	if err == nil {
		s.setFlash(w, r, "staff-added")
		redirect(w, r, "/admin/issuers/"+id+"/staff")
		return
	}
	field := "email"
	if _, rerr := badge.ParseRole(string(role)); rerr != nil {
		field = "role" // the service's message is about the role, not the address
	}
	s.staffFormAgain(w, r, err, field, func(p *staffPage) { p.Email, p.NewRole = email, role })
}

// staffSetRole changes a member's role.
func (s *Site) staffSetRole(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, badge.E(badge.Invalid, "The form could not be read.", err))
		return
	}
	id := r.PathValue("id")
	uid, err := strconv.ParseInt(r.PathValue("user"), 10, 64)
	if err != nil {
		s.ServeError(w, r, http.StatusNotFound)
		return
	}
	if err := s.issuers.SetRole(r.Context(), userFrom(r.Context()), id, uid, badge.Role(r.PostForm.Get("role"))); err != nil {
		s.staffFormAgain(w, r, err, "", nil)
		return
	}
	s.setFlash(w, r, "staff-role-changed")
	redirect(w, r, "/admin/issuers/"+id+"/staff")
}

// staffRemove removes a member. The last owner cannot be removed: the service's message is
// shown above the list.
func (s *Site) staffRemove(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	uid, err := strconv.ParseInt(r.PathValue("user"), 10, 64)
	if err != nil {
		s.ServeError(w, r, http.StatusNotFound)
		return
	}
	if err := s.issuers.RemoveMember(r.Context(), userFrom(r.Context()), id, uid); err != nil {
		s.staffFormAgain(w, r, err, "", nil)
		return
	}
	s.setFlash(w, r, "staff-removed")
	redirect(w, r, "/admin/issuers/"+id+"/staff")
}

// staffFormAgain shows the staff page again with an Invalid, Conflict or NotFound (no such
// account, not staff) message at field, after keep has put back what was typed; other errors
// (Forbidden, a missing issuer, ...) get their error page.
func (s *Site) staffFormAgain(w http.ResponseWriter, r *http.Request, err error, field string, keep func(*staffPage)) {
	k := badge.KindOf(err)
	if k != badge.Invalid && k != badge.Conflict && k != badge.NotFound {
		s.fail(w, r, err)
		return
	}
	p, perr := s.staffPageFor(r) // NotFound here means the issuer itself is gone
	if perr != nil {
		s.fail(w, r, perr)
		return
	}
	if !p.CanStaff { // the service checks the email and role before the permission
		s.serveError(w, r, http.StatusForbidden, "You are not allowed to do this for this issuer.")
		return
	}
	if keep != nil {
		keep(p)
	}
	msgs := badge.FieldMessages(err)
	if len(msgs) == 0 {
		msgs = map[string]string{field: badge.SafeMessage(err)}
	}
	for f, m := range msgs {
		if f != "" && f != "email" && f != "role" {
			f = ""
		}
		p.Errors[f] = m
	}
	status := statusOf(err)
	if k == badge.NotFound {
		status = http.StatusUnprocessableEntity
	}
	s.render(w, r, status, "staff", p)
}
