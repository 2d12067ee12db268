package web

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/service"
)

// CVs is what the CV pages need of the CV service (*service.CVs). The service checks that
// the actor only reads and changes their own CVs (NotFound otherwise).
type CVs interface {
	List(ctx context.Context, actor *badge.User) ([]*service.CV, error)
	Get(ctx context.Context, actor *badge.User, id string) (*service.CV, error)
	Create(ctx context.Context, actor *badge.User, title string) (*service.CV, error)
	Rename(ctx context.Context, actor *badge.User, id, title string) error
	Delete(ctx context.Context, actor *badge.User, id string) error
	Share(ctx context.Context, actor *badge.User, id string) (string, error)
	StopSharing(ctx context.Context, actor *badge.User, id string) error
	BadgeChoices(ctx context.Context, actor *badge.User) ([]service.CVBadgeChoice, error)
	AddSection(ctx context.Context, actor *badge.User, cvID string, in service.SectionInput) (*service.CVSection, error)
	EditSection(ctx context.Context, actor *badge.User, cvID, sectionID string, in service.SectionInput) error
	RemoveSection(ctx context.Context, actor *badge.User, cvID, sectionID string) error
	MoveSection(ctx context.Context, actor *badge.User, cvID, sectionID string, delta int) error
	SharedDocument(ctx context.Context, token string) (*service.CVDocument, error)
	PDF(ctx context.Context, actor *badge.User, id string, w io.Writer) error
	SharedPDF(ctx context.Context, token string, w io.Writer) error
	BadgeImage(ctx context.Context, actor *badge.User, cvID, itemID string) ([]byte, string, error)
	SharedBadgeImage(ctx context.Context, token, itemID string) ([]byte, string, error)
	CanRenderPDF() bool
}

// registerCVs mounts the CV builder (/wallet/cvs...) and the shared CV pages (/cv/{token}).
func (s *Site) registerCVs(r Router) {
	if s.cvs == nil {
		return
	}
	signedIn := func(h http.HandlerFunc) http.Handler { return s.withUser(s.requireUser(h)) }
	r.HandleBrowser("GET /wallet/cvs", signedIn(s.cvList))
	r.HandleBrowser("POST /wallet/cvs", signedIn(s.cvCreate))
	r.HandleBrowser("GET /wallet/cvs/{file}", signedIn(s.cvShow)) // {id} or {id}.pdf
	r.HandleBrowser("POST /wallet/cvs/{id}/title", signedIn(s.cvRename))
	r.HandleBrowser("POST /wallet/cvs/{id}/delete", signedIn(s.cvDelete))
	r.HandleBrowser("POST /wallet/cvs/{id}/share", signedIn(s.cvShare))
	r.HandleBrowser("POST /wallet/cvs/{id}/unshare", signedIn(s.cvUnshare))
	r.HandleBrowser("POST /wallet/cvs/{id}/sections", signedIn(s.cvSectionAdd))
	r.HandleBrowser("POST /wallet/cvs/{id}/sections/{sid}", signedIn(s.cvSectionEdit))
	r.HandleBrowser("POST /wallet/cvs/{id}/sections/{sid}/move", signedIn(s.cvSectionMove))
	r.HandleBrowser("POST /wallet/cvs/{id}/sections/{sid}/remove", signedIn(s.cvSectionRemove))
	r.HandleBrowser("GET /wallet/cvs/{id}/badges/{item}/image", signedIn(s.cvImage))
	// The shared CV: anyone with the link, signed in or not.
	r.HandleBrowser("GET /cv/{file}", s.withUser(s.cvShared)) // {token} or {token}.pdf
	r.HandleBrowser("GET /cv/{token}/badges/{item}/image", http.HandlerFunc(s.cvSharedImage))
}

type cvListPage struct {
	Frame
	CVs    []*service.CV
	Title  string
	Errors formErrors
}

func (s *Site) cvListRender(w http.ResponseWriter, r *http.Request, status int, p *cvListPage) {
	p.Frame = Frame{Title: "Your CVs", Nav: "cvs"}
	if p.Errors == nil {
		p.Errors = formErrors{}
	}
	list, err := s.cvs.List(r.Context(), userFrom(r.Context()))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.CVs = list
	s.render(w, r, status, "cvs", p)
}

// cvList lists the earner's CVs, with the form making a new one.
func (s *Site) cvList(w http.ResponseWriter, r *http.Request) {
	s.cvListRender(w, r, http.StatusOK, &cvListPage{})
}

// cvCreate makes a CV and opens its builder.
func (s *Site) cvCreate(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, badge.E(badge.Invalid, "The form could not be read.", err))
		return
	}
	p := &cvListPage{Title: r.PostForm.Get("title"), Errors: formErrors{}}
	c, err := s.cvs.Create(r.Context(), userFrom(r.Context()), p.Title)
	if err != nil {
		if s.formFailure(w, r, err, p.Errors) {
			s.cvListRender(w, r, statusOf(err), p)
		}
		return
	}
	s.setFlash(w, r, "cv-created")
	redirect(w, r, "/wallet/cvs/"+c.ID)
}

// cvSectionView is a section in the builder, with its edit form.
type cvSectionView struct {
	*service.CVSection
	KindName    string
	First, Last bool
	BadgeNames  []string
	Form        cvFormView
}

// cvFormView is one section form of the builder: an edit form or an "add a KIND section" form.
// Prefix makes its element ids unique on the page.
type cvFormView struct {
	Prefix, Kind, KindName, Action, Submit string
	Title, Text, Links, Lines              string
	Chosen                                 map[string]bool
	Choices                                []service.CVBadgeChoice
	Errors                                 formErrors
	Open                                   bool // shown unfolded (it has errors)
}

type cvBuilderPage struct {
	Frame
	CV       *service.CV
	Sections []cvSectionView
	AddForms []cvFormView
	ShareURL string
	PDF      bool
	// Errors are those of the form ErrorForm ("title", "add-KIND" or a section id), which
	// keeps what was typed in Input.
	Errors    formErrors
	ErrorForm string
	Input     cvInput
}

// TitleErrors are the errors of the title form.
func (p *cvBuilderPage) TitleErrors() formErrors {
	if p.ErrorForm == "title" {
		return p.Errors
	}
	return formErrors{}
}

// cvInput is what a section form sent, kept to show it again with its errors.
type cvInput struct {
	Title, Text, Links, Lines string
	Items                     map[string]bool
}

var cvKindNames = map[string]string{service.SectionBadges: "Badges", service.SectionText: "Text",
	service.SectionLinks: "Links", service.SectionContact: "Contact details", service.SectionSkills: "Skills"}

func (s *Site) cvBuilder(w http.ResponseWriter, r *http.Request, status int, id string, p *cvBuilderPage) {
	u := userFrom(r.Context())
	c, err := s.cvs.Get(r.Context(), u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	choices, err := s.cvs.BadgeChoices(r.Context(), u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	names := map[string]string{}
	for _, ch := range choices {
		names[ch.ItemID] = ch.Name
	}
	p.Frame = Frame{Title: c.Title + " · CV", Nav: "cvs"}
	p.CV, p.PDF = c, s.cvs.CanRenderPDF()
	if p.Errors == nil {
		p.Errors = formErrors{}
	}
	if c.Shared() {
		p.ShareURL = s.urls.Base + "/cv/" + c.ShareToken
	}
	// form fills a form with stored values, or with what was typed if it is the failed one.
	form := func(key string, f cvFormView) cvFormView {
		f.Choices, f.KindName, f.Errors = choices, cvKindNames[f.Kind], formErrors{}
		if p.ErrorForm == key {
			f.Errors, f.Open = p.Errors, true
			f.Title, f.Text, f.Links, f.Lines, f.Chosen = p.Input.Title, p.Input.Text, p.Input.Links, p.Input.Lines, p.Input.Items
		}
		if f.Chosen == nil {
			f.Chosen = map[string]bool{}
		}
		return f
	}
	for i, sec := range c.Sections {
		v := cvSectionView{CVSection: sec, KindName: cvKindNames[sec.Kind], First: i == 0, Last: i == len(c.Sections)-1}
		chosen := map[string]bool{}
		for _, it := range sec.Items {
			chosen[it] = true
			if n, ok := names[it]; ok {
				v.BadgeNames = append(v.BadgeNames, n)
			}
		}
		v.Form = form(sec.ID, cvFormView{Prefix: "s" + strconv.Itoa(i), Kind: sec.Kind,
			Action: "/wallet/cvs/" + c.ID + "/sections/" + sec.ID, Submit: "Save section",
			Title: sec.Title, Text: sec.Text, Links: service.FormatCVLinks(sec.Links), Lines: strings.Join(sec.Lines, "\n"), Chosen: chosen})
		p.Sections = append(p.Sections, v)
	}
	for _, k := range service.CVSectionKinds() {
		p.AddForms = append(p.AddForms, form("add-"+k, cvFormView{Prefix: "add-" + k, Kind: k,
			Action: "/wallet/cvs/" + c.ID + "/sections", Submit: "Add section"}))
	}
	s.render(w, r, status, "cv_builder", p)
}

// cvShow is the builder of one CV, or its PDF for /wallet/cvs/{id}.pdf.
func (s *Site) cvShow(w http.ResponseWriter, r *http.Request) {
	file := r.PathValue("file")
	if id, ok := strings.CutSuffix(file, ".pdf"); ok {
		s.cvPDF(w, r, id, func(out io.Writer) error { return s.cvs.PDF(r.Context(), userFrom(r.Context()), id, out) })
		return
	}
	s.cvBuilder(w, r, http.StatusOK, file, &cvBuilderPage{})
}

// cvPDF renders into a buffer first, so that a failure is an error page, not half a PDF.
func (s *Site) cvPDF(w http.ResponseWriter, r *http.Request, name string, render func(io.Writer) error) {
	var buf bytes.Buffer
	if err := render(&buf); err != nil {
		s.fail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("Content-Disposition", `inline; filename="cv-`+safeFileName(name)+`.pdf"`)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Robots-Tag", "noindex")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.Write(buf.Bytes())
}

// safeFileName keeps the letters, digits, '-' and '_' of s (at most 40), for a download name.
func safeFileName(s string) string {
	var b strings.Builder
	for _, r := range s {
		if b.Len() >= 40 {
			break
		}
		if r == '-' || r == '_' || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || ('0' <= r && r <= '9') {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func (s *Site) cvForm(w http.ResponseWriter, r *http.Request) bool {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, badge.E(badge.Invalid, "The form could not be read.", err))
		return false
	}
	return true
}

// cvRename changes the CV's title.
func (s *Site) cvRename(w http.ResponseWriter, r *http.Request) {
	if !s.cvForm(w, r) {
		return
	}
	id := r.PathValue("id")
	title := r.PostForm.Get("title")
	if err := s.cvs.Rename(r.Context(), userFrom(r.Context()), id, title); err != nil {
		p := &cvBuilderPage{Errors: formErrors{}, ErrorForm: "title", Input: cvInput{Title: title}}
		if s.formFailure(w, r, err, p.Errors) {
			s.cvBuilder(w, r, statusOf(err), id, p)
		}
		return
	}
	s.setFlash(w, r, "cv-saved")
	redirect(w, r, "/wallet/cvs/"+id)
}

// cvDelete deletes the CV.
func (s *Site) cvDelete(w http.ResponseWriter, r *http.Request) {
	if err := s.cvs.Delete(r.Context(), userFrom(r.Context()), r.PathValue("id")); err != nil {
		s.fail(w, r, err)
		return
	}
	s.setFlash(w, r, "cv-deleted")
	redirect(w, r, "/wallet/cvs")
}

// cvShare shares the CV by link.
func (s *Site) cvShare(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, err := s.cvs.Share(r.Context(), userFrom(r.Context()), id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.setFlash(w, r, "cv-shared")
	redirect(w, r, "/wallet/cvs/"+id+"#sharing")
}

// cvUnshare stops sharing: the old link stops working for good.
func (s *Site) cvUnshare(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := s.cvs.StopSharing(r.Context(), userFrom(r.Context()), id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.setFlash(w, r, "cv-unshared")
	redirect(w, r, "/wallet/cvs/"+id+"#sharing")
}

// sectionInput reads a section form: title, items (badges), text, links (one per line),
// lines (contact, one per line).
func sectionInput(r *http.Request, kind string) (service.SectionInput, cvInput, error) {
	f := r.PostForm
	kept := cvInput{Title: f.Get("title"), Text: f.Get("text"), Links: f.Get("links"), Lines: f.Get("lines"), Items: map[string]bool{}}
	in := service.SectionInput{Kind: kind, Title: kept.Title, Text: kept.Text, Items: f["item"]}
	for _, it := range f["item"] {
		kept.Items[it] = true
	}
	in.Lines = strings.Split(strings.ReplaceAll(kept.Lines, "\r\n", "\n"), "\n")
	if kind == service.SectionLinks {
		links, err := service.ParseCVLinks(kept.Links)
		if err != nil {
			return in, kept, err
		}
		in.Links = links
	}
	return in, kept, nil
}

// cvSectionAdd appends a section of the kind chosen.
func (s *Site) cvSectionAdd(w http.ResponseWriter, r *http.Request) {
	if !s.cvForm(w, r) {
		return
	}
	id, kind := r.PathValue("id"), r.PostForm.Get("kind")
	in, kept, err := sectionInput(r, kind)
	if err == nil {
		_, err = s.cvs.AddSection(r.Context(), userFrom(r.Context()), id, in)
	}
	if err != nil {
		p := &cvBuilderPage{Errors: formErrors{}, ErrorForm: "add-" + kind, Input: kept}
		if s.formFailure(w, r, err, p.Errors) {
			s.cvBuilder(w, r, statusOf(err), id, p)
		}
		return
	}
	s.setFlash(w, r, "cv-section-added")
	redirect(w, r, "/wallet/cvs/"+id+"#sections")
}

// cvSectionEdit saves a section's title and content.
func (s *Site) cvSectionEdit(w http.ResponseWriter, r *http.Request) {
	if !s.cvForm(w, r) {
		return
	}
	id, sid := r.PathValue("id"), r.PathValue("sid")
	in, kept, err := sectionInput(r, r.PostForm.Get("kind"))
	if err == nil {
		err = s.cvs.EditSection(r.Context(), userFrom(r.Context()), id, sid, in)
	}
	if err != nil {
		p := &cvBuilderPage{Errors: formErrors{}, ErrorForm: sid, Input: kept}
		if s.formFailure(w, r, err, p.Errors) {
			s.cvBuilder(w, r, statusOf(err), id, p)
		}
		return
	}
	s.setFlash(w, r, "cv-saved")
	redirect(w, r, "/wallet/cvs/"+id+"#section-"+sid)
}

// cvSectionMove moves a section one place up or down (dir=up|down).
func (s *Site) cvSectionMove(w http.ResponseWriter, r *http.Request) {
	if !s.cvForm(w, r) {
		return
	}
	id, sid := r.PathValue("id"), r.PathValue("sid")
	delta := map[string]int{"up": -1, "down": 1}[r.PostForm.Get("dir")]
	if err := s.cvs.MoveSection(r.Context(), userFrom(r.Context()), id, sid, delta); err != nil {
		s.fail(w, r, err)
		return
	}
	redirect(w, r, "/wallet/cvs/"+id+"#section-"+sid)
}

// cvSectionRemove deletes a section.
func (s *Site) cvSectionRemove(w http.ResponseWriter, r *http.Request) {
	id, sid := r.PathValue("id"), r.PathValue("sid")
	if err := s.cvs.RemoveSection(r.Context(), userFrom(r.Context()), id, sid); err != nil {
		s.fail(w, r, err)
		return
	}
	s.setFlash(w, r, "cv-section-removed")
	redirect(w, r, "/wallet/cvs/"+id+"#sections")
}
