package web

import (
	"context"
	"net/http"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/service"
)

// Profiles is what the profile, collections, skills, public profile and site settings pages
// need of the profiles service (*service.Profiles). The service checks that every change is
// the actor's own.
type Profiles interface {
	Profile(ctx context.Context, actor *badge.User) (*service.Profile, error)
	UpdateProfile(ctx context.Context, actor *badge.User, in service.ProfileInput) (*service.Profile, error)
	SiteSafeguarding(ctx context.Context) (bool, error)
	SetSiteSafeguarding(ctx context.Context, actor *badge.User, on bool) error
	Badges(ctx context.Context, actor *badge.User) ([]*service.ProfileBadge, error)
	Collections(ctx context.Context, actor *badge.User) ([]*service.Collection, error)
	CreateCollection(ctx context.Context, actor *badge.User, in service.CollectionInput) (*service.Collection, error)
	UpdateCollection(ctx context.Context, actor *badge.User, id string, in service.CollectionInput) error
	DeleteCollection(ctx context.Context, actor *badge.User, id string) error
	MoveCollection(ctx context.Context, actor *badge.User, id string, delta int) error
	AddToCollection(ctx context.Context, actor *badge.User, collectionID, itemID string) error
	RemoveFromCollection(ctx context.Context, actor *badge.User, collectionID, itemID string) error
	MoveInCollection(ctx context.Context, actor *badge.User, collectionID, itemID string, delta int) error
	SetItemVisibility(ctx context.Context, actor *badge.User, itemID, visibility string) error
	Skills(ctx context.Context, actor *badge.User) ([]service.Skill, error)
	PublicProfile(ctx context.Context, handle string) (*service.PublicProfile, error)
	PreviewProfile(ctx context.Context, actor *badge.User) (*service.PublicProfile, error)
	PublicBadge(ctx context.Context, handle, itemID string) (*service.Profile, *service.ProfileBadge, error)
}

// registerProfiles mounts the profile pages (when Options.Profiles is set).
func (s *Site) registerProfiles(r Router) {
	if s.profiles == nil {
		return
	}
	signedIn := func(h http.HandlerFunc) http.Handler { return s.withUser(s.requireUser(h)) }
	r.HandleBrowser("GET /account/profile", signedIn(s.profileForm))
	r.HandleBrowser("POST /account/profile", signedIn(s.profileSubmit))
	r.HandleBrowser("GET /account/profile/preview", signedIn(s.profilePreview))
	r.HandleBrowser("GET /wallet/collections", signedIn(s.collectionsPage))
	r.HandleBrowser("POST /wallet/collections", signedIn(s.collectionCreate))
	r.HandleBrowser("POST /wallet/collections/{id}", signedIn(s.collectionUpdate))
	r.HandleBrowser("POST /wallet/collections/{id}/delete", signedIn(s.collectionDelete))
	r.HandleBrowser("POST /wallet/collections/{id}/move", signedIn(s.collectionMove))
	r.HandleBrowser("POST /wallet/collections/{id}/items", signedIn(s.collectionAdd))
	r.HandleBrowser("POST /wallet/collections/{id}/items/{item}/remove", signedIn(s.collectionRemove))
	r.HandleBrowser("POST /wallet/collections/{id}/items/{item}/move", signedIn(s.collectionItemMove))
	r.HandleBrowser("POST /wallet/visibility/{item}", signedIn(s.itemVisibility))
	r.HandleBrowser("GET /wallet/skills", signedIn(s.skillsPage))
	r.HandleBrowser("GET /admin/settings", signedIn(s.settingsForm))
	r.HandleBrowser("POST /admin/settings", signedIn(s.settingsSubmit))
	// Public: anyone (withUser only shows who is signed in, if anyone).
	r.HandleBrowser("GET /u/{handle}", s.withUser(s.publicProfile))
	r.HandleBrowser("GET /u/{handle}/badges/{item}", s.withUser(s.publicProfileBadge))
}

type profilePage struct {
	Frame
	Errors formErrors
	P      service.ProfileInput
	Saved  *service.Profile // as stored (the preview link needs a saved public handle)
	Site   bool             // the site's safeguarding mode is on
	Public string           // the public address, once there is a handle
}

func (s *Site) profilePageData(r *http.Request, p *profilePage) error {
	p.Frame = Frame{Title: "Your profile", Nav: "profile"}
	if p.Errors == nil {
		p.Errors = formErrors{}
	}
	saved, err := s.profiles.Profile(r.Context(), userFrom(r.Context()))
	if err != nil {
		return err
	}
	p.Saved = saved
	if p.Site, err = s.profiles.SiteSafeguarding(r.Context()); err != nil {
		return err
	}
	if saved.Handle != "" {
		p.Public = "/u/" + saved.Handle
	}
	return nil
}

func (s *Site) profileForm(w http.ResponseWriter, r *http.Request) {
	p := &profilePage{}
	if err := s.profilePageData(r, p); err != nil {
		s.fail(w, r, err)
		return
	}
	sp := p.Saved
	p.P = service.ProfileInput{Handle: sp.Handle, DisplayName: sp.DisplayName, Headline: sp.Headline, Bio: sp.Bio,
		Website: sp.Website, Public: sp.Public, Discoverable: sp.Discoverable, Safeguarding: sp.Safeguarding}
	s.render(w, r, http.StatusOK, "profile_edit", p)
}

func (s *Site) profileSubmit(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, badge.E(badge.Invalid, "The form could not be read.", err))
		return
	}
	f := r.PostForm
	in := service.ProfileInput{Handle: f.Get("handle"), DisplayName: f.Get("display_name"), Headline: f.Get("headline"),
		Bio: f.Get("bio"), Website: f.Get("website"), Public: f.Get("public") == "on", Discoverable: f.Get("discoverable") == "on",
		Safeguarding: f.Get("safeguarding") == "on"}
	_, err := s.profiles.UpdateProfile(r.Context(), userFrom(r.Context()), in)
	if err == nil {
		s.setFlash(w, r, "profile-saved")
		redirect(w, r, "/account/profile")
		return
	}
	p := &profilePage{P: in, Errors: formErrors{}}
	if !s.formFailure(w, r, err, p.Errors) {
		return
	}
	if err := s.profilePageData(r, p); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, statusOf(err), "profile_edit", p)
}

type settingsPage struct {
	Frame
	Safeguarding bool
}

// settingsForm shows the site settings (site administrators only).
func (s *Site) settingsForm(w http.ResponseWriter, r *http.Request) {
	if !userFrom(r.Context()).IsAdmin {
		s.serveError(w, r, http.StatusForbidden, "Only site administrators change site settings.")
		return
	}
	on, err := s.profiles.SiteSafeguarding(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "admin_settings", &settingsPage{Frame: Frame{Title: "Site settings", Nav: "settings"}, Safeguarding: on})
}

func (s *Site) settingsSubmit(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, badge.E(badge.Invalid, "The form could not be read.", err))
		return
	}
	if err := s.profiles.SetSiteSafeguarding(r.Context(), userFrom(r.Context()), r.PostForm.Get("safeguarding") == "on"); err != nil {
		s.fail(w, r, err)
		return
	}
	s.setFlash(w, r, "settings-saved")
	redirect(w, r, "/admin/settings")
}
