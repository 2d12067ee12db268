package web

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/mail"
	"github.com/rosettebadges/rosette/internal/service"
)

// Notifications is what the email template pages need of the notifications service
// (*service.Notifications). Every method checks the permission itself (reading and preview:
// badge.ActView; changing: badge.ActEditIssuer).
type Notifications interface {
	Get(ctx context.Context, actor *badge.User, issuerID string) (*service.NotificationTemplate, error)
	Put(ctx context.Context, actor *badge.User, issuerID string, src mail.TemplateSource) (*service.NotificationTemplate, error)
	Reset(ctx context.Context, actor *badge.User, issuerID string) error
	Preview(ctx context.Context, actor *badge.User, issuerID string, src mail.TemplateSource) (mail.Message, error)
}

// emailPreviewCSP is the policy of the preview document: it shows an email as a mail client
// would (inline styles, remote images) but runs nothing, submits nothing, loads nothing else
// and lives in an opaque origin (sandbox); only Rosette's own pages may frame it.
const emailPreviewCSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' https: http: data:; " +
	"frame-src 'self'; base-uri 'none'; form-action 'none'; sandbox; frame-ancestors 'self'"

type emailTemplatePage struct {
	Frame
	Issuer       *badge.Issuer
	Source       mail.TemplateSource
	Saved        *service.NotificationTemplate
	Placeholders []mail.Placeholder
	CanEdit      bool
	Errors       formErrors
	PreviewURL   string
}

// emailPreviewDoc is the data of the preview document.
type emailPreviewDoc struct {
	Message mail.Message
	Errors  formErrors
}

func templateSourceFrom(r *http.Request) mail.TemplateSource {
	f := r.PostForm
	return mail.TemplateSource{Subject: f.Get("subject"), Text: f.Get("text"), HTML: f.Get("html")}
}

// templatePage loads what every template page shows: the issuer, the saved template and the
// user's right to change it.
func (s *Site) templatePage(w http.ResponseWriter, r *http.Request) (*emailTemplatePage, bool) {
	u, id := userFrom(r.Context()), r.PathValue("id")
	iss, role, err := s.issuers.Get(r.Context(), u, id)
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	saved, err := s.notifications.Get(r.Context(), u, id)
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	return &emailTemplatePage{Frame: Frame{Title: "Award email · " + iss.Name, Nav: "issuers"}, Issuer: iss,
		Source: saved.TemplateSource, Saved: saved, Placeholders: mail.Placeholders(),
		CanEdit: can(u, role, badge.ActEditIssuer), Errors: formErrors{},
		PreviewURL: "/admin/issuers/" + iss.ID + "/templates/preview.html"}, true
}

// templateShow is the award email editor (read-only to those who may not edit the issuer).
func (s *Site) templateShow(w http.ResponseWriter, r *http.Request) {
	if p, ok := s.templatePage(w, r); ok {
		s.render(w, r, http.StatusOK, "email_template", p)
	}
}

// templateSave saves the template, or shows the form again with what is wrong.
func (s *Site) templateSave(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, badge.E(badge.Invalid, "The form could not be read.", err))
		return
	}
	u, id := userFrom(r.Context()), r.PathValue("id")
	src := templateSourceFrom(r)
	_, err := s.notifications.Put(r.Context(), u, id, src)
	if err == nil {
		s.setFlash(w, r, "template-saved")
		redirect(w, r, "/admin/issuers/"+id+"/templates")
		return
	}
	if !errors.Is(err, badge.Invalid) {
		s.fail(w, r, err)
		return
	}
	p, ok := s.templatePage(w, r)
	if !ok {
		return
	}
	if !p.CanEdit { // the service checks the template before the permission
		s.serveError(w, r, http.StatusForbidden, "You are not allowed to do this for this issuer.")
		return
	}
	p.Source = src
	s.formFailure(w, r, err, p.Errors)
	s.render(w, r, http.StatusUnprocessableEntity, "email_template", p)
}

// templateReset goes back to the default template.
func (s *Site) templateReset(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := s.notifications.Reset(r.Context(), userFrom(r.Context()), id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.setFlash(w, r, "template-reset")
	redirect(w, r, "/admin/issuers/"+id+"/templates")
}

// templatePreview is the preview document shown in the editor's frame: the saved template
// (GET) or the one in the form (POST, the Preview button), rendered with sample data. It is
// its own document with its own strict policy, since an email needs inline styles.
func (s *Site) templatePreview(w http.ResponseWriter, r *http.Request) {
	u, id := userFrom(r.Context()), r.PathValue("id")
	var src mail.TemplateSource
	if r.Method == http.MethodPost {
		if err := r.ParseForm(); err != nil {
			s.fail(w, r, badge.E(badge.Invalid, "The form could not be read.", err))
			return
		}
		src = templateSourceFrom(r)
	} else {
		saved, err := s.notifications.Get(r.Context(), u, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		src = saved.TemplateSource
	}
	doc := emailPreviewDoc{Errors: formErrors{}}
	m, err := s.notifications.Preview(r.Context(), u, id, src)
	status := http.StatusOK
	switch {
	case err == nil:
		// The sample award's image, served here, so the preview shows one.
		if img, aerr := s.assets.url("sample-badge.svg"); aerr == nil {
			m.HTML = strings.ReplaceAll(m.HTML, mail.SampleAwardData().BadgeImageURL, img)
		}
		doc.Message = m
	case errors.Is(err, badge.Invalid):
		status = http.StatusUnprocessableEntity
		for k, v := range badge.FieldMessages(err) {
			doc.Errors[k] = v
		}
		if len(doc.Errors) == 0 {
			doc.Errors[""] = badge.SafeMessage(err)
		}
	default:
		s.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := s.pages.emailPreview.Execute(&buf, doc); err != nil {
		s.logError(w, r, "rendering the email preview", err)
		http.Error(w, "Internal Server Error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Security-Policy", emailPreviewCSP)
	h.Set("X-Frame-Options", "SAMEORIGIN")
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}
