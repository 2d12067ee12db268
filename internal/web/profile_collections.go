package web

import (
	"net/http"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/service"
)

type collectionRow struct {
	*service.Collection
	First, Last bool
	Missing     []*service.ProfileBadge // the badges not in it, for the add select
}

type collectionsPage struct {
	Frame
	Badges      []*service.ProfileBadge
	Collections []collectionRow
	Errors      formErrors
	New         service.CollectionInput
	Handle      string // the public profile's handle, if any
}

func (s *Site) collectionsData(r *http.Request, p *collectionsPage) error {
	p.Frame = Frame{Title: "Collections", Nav: "collections"}
	if p.Errors == nil {
		p.Errors = formErrors{}
	}
	u := userFrom(r.Context())
	var err error
	if p.Badges, err = s.profiles.Badges(r.Context(), u); err != nil {
		return err
	}
	cs, err := s.profiles.Collections(r.Context(), u)
	if err != nil {
		return err
	}
	for i, c := range cs {
		row := collectionRow{Collection: c, First: i == 0, Last: i == len(cs)-1}
		in := map[string]bool{}
		for _, b := range c.Badges {
			in[b.ID] = true
		}
		for _, b := range p.Badges {
			if !in[b.ID] {
				row.Missing = append(row.Missing, b)
			}
		}
		p.Collections = append(p.Collections, row)
	}
	prof, err := s.profiles.Profile(r.Context(), u)
	if err != nil {
		return err
	}
	if prof.Public {
		p.Handle = prof.Handle
	}
	return nil
}

func (s *Site) collectionsPage(w http.ResponseWriter, r *http.Request) {
	p := &collectionsPage{}
	if err := s.collectionsData(r, p); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "profile_collections", p)
}

func (s *Site) collectionCreate(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, badge.E(badge.Invalid, "The form could not be read.", err))
		return
	}
	in := service.CollectionInput{Name: r.PostForm.Get("name"), Description: r.PostForm.Get("description"), Visibility: r.PostForm.Get("visibility")}
	_, err := s.profiles.CreateCollection(r.Context(), userFrom(r.Context()), in)
	if err == nil {
		s.setFlash(w, r, "collection-created")
		redirect(w, r, "/wallet/collections")
		return
	}
	p := &collectionsPage{New: in, Errors: formErrors{}}
	if !s.formFailure(w, r, err, p.Errors) {
		return
	}
	if err := s.collectionsData(r, p); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, statusOf(err), "profile_collections", p)
}

// collectionAction runs one change posted from the collections page and goes back to it
// (errors get their error page: every control there is a button or a choice from a list).
func (s *Site) collectionAction(w http.ResponseWriter, r *http.Request, flash string, do func(u *badge.User, f map[string][]string) error) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, badge.E(badge.Invalid, "The form could not be read.", err))
		return
	}
	if err := do(userFrom(r.Context()), r.PostForm); err != nil {
		s.fail(w, r, err)
		return
	}
	if flash != "" {
		s.setFlash(w, r, flash)
	}
	to := "/wallet/collections"
	if id := r.PathValue("id"); id != "" {
		to += "#collection-" + id
	}
	redirect(w, r, to)
}

func delta(dir string) int {
	if dir == "up" {
		return -1
	}
	return 1
}

func formValue(f map[string][]string, k string) string {
	if v := f[k]; len(v) > 0 {
		return v[0]
	}
	return ""
}

func (s *Site) collectionUpdate(w http.ResponseWriter, r *http.Request) {
	s.collectionAction(w, r, "collection-saved", func(u *badge.User, f map[string][]string) error {
		return s.profiles.UpdateCollection(r.Context(), u, r.PathValue("id"), service.CollectionInput{
			Name: formValue(f, "name"), Description: formValue(f, "description"), Visibility: formValue(f, "visibility")})
	})
}

func (s *Site) collectionDelete(w http.ResponseWriter, r *http.Request) {
	s.collectionAction(w, r, "collection-deleted", func(u *badge.User, _ map[string][]string) error {
		return s.profiles.DeleteCollection(r.Context(), u, r.PathValue("id"))
	})
}

func (s *Site) collectionMove(w http.ResponseWriter, r *http.Request) {
	s.collectionAction(w, r, "", func(u *badge.User, f map[string][]string) error {
		return s.profiles.MoveCollection(r.Context(), u, r.PathValue("id"), delta(formValue(f, "dir")))
	})
}

func (s *Site) collectionAdd(w http.ResponseWriter, r *http.Request) {
	s.collectionAction(w, r, "collection-item-added", func(u *badge.User, f map[string][]string) error {
		return s.profiles.AddToCollection(r.Context(), u, r.PathValue("id"), formValue(f, "item"))
	})
}

func (s *Site) collectionRemove(w http.ResponseWriter, r *http.Request) {
	s.collectionAction(w, r, "collection-item-removed", func(u *badge.User, _ map[string][]string) error {
		return s.profiles.RemoveFromCollection(r.Context(), u, r.PathValue("id"), r.PathValue("item"))
	})
}

func (s *Site) collectionItemMove(w http.ResponseWriter, r *http.Request) {
	s.collectionAction(w, r, "", func(u *badge.User, f map[string][]string) error {
		return s.profiles.MoveInCollection(r.Context(), u, r.PathValue("id"), r.PathValue("item"), delta(formValue(f, "dir")))
	})
}

func (s *Site) itemVisibility(w http.ResponseWriter, r *http.Request) {
	s.collectionAction(w, r, "visibility-saved", func(u *badge.User, f map[string][]string) error {
		return s.profiles.SetItemVisibility(r.Context(), u, r.PathValue("item"), formValue(f, "visibility"))
	})
}

type skillsPage struct {
	Frame
	Skills []service.Skill
}

// skillsPage shows the skills gathered from every badge the earner holds.
func (s *Site) skillsPage(w http.ResponseWriter, r *http.Request) {
	skills, err := s.profiles.Skills(r.Context(), userFrom(r.Context()))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "profile_skills", &skillsPage{Frame: Frame{Title: "Skills", Nav: "skills"}, Skills: skills})
}
