package badge

import "time"

// Role is a staff member's role on one issuer. Site admins stand above every role.
type Role string

// The roles, from most to least powerful.
const (
	RoleOwner   Role = "owner"   // everything, including staff and keys
	RoleEditor  Role = "editor"  // edits the profile and designs badges
	RoleAwarder Role = "awarder" // awards and revokes badges
	RoleViewer  Role = "viewer"  // sees the issuer and its reports
)

// Roles lists every role, most powerful first.
func Roles() []Role { return []Role{RoleOwner, RoleEditor, RoleAwarder, RoleViewer} }

// ParseRole returns the role named s, or an Invalid error.
func ParseRole(s string) (Role, error) {
	for _, r := range Roles() {
		if string(r) == s {
			return r, nil
		}
	}
	return "", Errorf(Invalid, "Role %q is not one of owner, editor, awarder, viewer.", s)
}

// Action is something a user may do on an issuer.
type Action string

// The actions checked by Can.
const (
	ActView        Action = "view"         // see the issuer's admin pages
	ActEditIssuer  Action = "edit_issuer"  // change the profile
	ActManageStaff Action = "manage_staff" // add, remove and change roles of staff
	ActDesignBadge Action = "design_badge" // create and edit badge classes
	ActAward       Action = "award"        // issue badges
	ActRevoke      Action = "revoke"       // revoke issued badges
	ActViewReports Action = "view_reports" // see reports and analytics
	ActManageKeys  Action = "manage_keys"  // rotate the signing keys
)

// Actions lists every action.
func Actions() []Action {
	return []Action{ActView, ActEditIssuer, ActManageStaff, ActDesignBadge, ActAward, ActRevoke, ActViewReports, ActManageKeys}
}

// permissions is the role x action matrix (immutable).
var permissions = map[Role]map[Action]bool{
	RoleOwner: {ActView: true, ActEditIssuer: true, ActManageStaff: true, ActDesignBadge: true,
		ActAward: true, ActRevoke: true, ActViewReports: true, ActManageKeys: true},
	RoleEditor:  {ActView: true, ActEditIssuer: true, ActDesignBadge: true, ActViewReports: true},
	RoleAwarder: {ActView: true, ActAward: true, ActRevoke: true, ActViewReports: true},
	RoleViewer:  {ActView: true, ActViewReports: true},
}

// Can reports whether a user may do action on an issuer, given whether the user is a site
// admin and the user's role on that issuer ("" = not staff). Site admins may do everything;
// an unknown role or action may do nothing.
func Can(siteAdmin bool, role Role, action Action) bool {
	if siteAdmin {
		for _, a := range Actions() {
			if a == action {
				return true
			}
		}
		return false
	}
	return permissions[role][action]
}

// Member is a staff member of an issuer.
type Member struct {
	UserID int64
	Email  string
	Name   string
	Role   Role
	Since  time.Time
}

// Membership is an issuer seen by one user, with that user's role ("" for a site admin who
// is not staff of it).
type Membership struct {
	Issuer *Issuer
	Role   Role
}
