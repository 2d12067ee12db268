package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/service"
)

//go:embed templates
var templateFS embed.FS

// pages holds one parsed template set per page: the layout and partials plus the page's own
// file.
type pages struct {
	byName       map[string]*template.Template
	emailPreview *template.Template // a document of its own, outside the layout
}

func parsePages(a *assets) (*pages, error) {
	funcs := template.FuncMap{"asset": a.url, "fieldOf": fieldOf, "imagePath": imagePath,
		"inc": func(i int) int { return i + 1 }, "list": func(s ...string) []string { return s },
		"splitLines": splitLines}
	// The layout and the partials (templates shared by pages: "field", "report",
	// "badge-details") go in every page's set.
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials/*.html")
	if err != nil {
		return nil, fmt.Errorf("web: templates: %w", err)
	}
	files, err := fs.Glob(templateFS, "templates/pages/*.html")
	if err != nil {
		return nil, fmt.Errorf("web: templates: %w", err)
	}
	p := &pages{byName: map[string]*template.Template{}}
	if p.emailPreview, err = template.ParseFS(templateFS, "templates/email_preview.html"); err != nil {
		return nil, fmt.Errorf("web: templates: %w", err)
	}
	for _, f := range files {
		t, err := base.Clone()
		if err != nil {
			return nil, fmt.Errorf("web: templates: %w", err)
		}
		if _, err := t.ParseFS(templateFS, f); err != nil {
			return nil, fmt.Errorf("web: templates: %w", err)
		}
		if t.Lookup("content") == nil {
			return nil, fmt.Errorf("web: template %s defines no \"content\"", f)
		}
		p.byName[strings.TrimSuffix(path.Base(f), ".html")] = t
	}
	return p, nil
}

// Frame is what the layout shows around every page. Each page's data struct embeds it.
type Frame struct {
	Title     string
	User      *badge.User // nil when nobody is signed in
	Flash     *flash      // the message left by the previous request, if any
	RequestID string
	Narrow    bool       // a single centred card (sign in, setup)
	Refresh   int        // > 0: the page reloads itself after this many seconds (progress pages, no JS)
	Nav       string     // which main navigation entry is current
	Issuers   bool       // the issuer admin pages are mounted (navigation entry, dashboard links)
	Tokens    bool       // the API tokens page (and so the API) is mounted
	Verify    bool       // the public verification page is mounted (navigation entry)
	OG        *openGraph // Open Graph and Twitter card tags of a public page
	NoIndex   bool       // ask search engines not to index the page (robots noindex)
	Profiles  bool       // the profile, collections, skills and site settings pages are mounted
	CVs       bool       // the CV builder is mounted (navigation entry)
	DataPages bool       // the data export and account deletion pages are mounted
	Wallet    bool       // the earner pages (wallet, addresses) are mounted
	Staff     bool       // the signed-in user is a site admin or works on an issuer (admin navigation)
}

// MinPasswordLen is the service's password rule, for the help under password fields.
func (*Frame) MinPasswordLen() int { return service.MinPasswordLen }

func (f *Frame) frame() *Frame { return f }

// page is any page's data: a struct embedding Frame.
type page interface{ frame() *Frame }

// render executes the named page into a buffer and, only if that succeeded, writes it with
// status. A template failure is logged and becomes a plain 500.
func (s *Site) render(w http.ResponseWriter, r *http.Request, status int, name string, data page) {
	if b, ok := s.execute(w, r, name, data); ok {
		writePage(w, status, b)
	}
}

// execute fills the frame of data (who is signed in, the flash message, the navigation) and
// executes the named page. A template failure is logged and answered with a plain 500: ok is
// then false and nothing more must be written.
func (s *Site) execute(w http.ResponseWriter, r *http.Request, name string, data page) (b []byte, ok bool) {
	f := data.frame()
	if u := userFrom(r.Context()); u != nil && f.User == nil {
		f.User = u
	}
	if f.Flash == nil {
		f.Flash = s.takeFlash(w, r)
	}
	f.RequestID = w.Header().Get("X-Request-Id")
	f.Issuers = s.issuers != nil
	f.Tokens = s.tokens != nil
	f.Verify = s.newVerifier != nil
	f.Profiles = s.profiles != nil
	f.CVs, f.DataPages = s.cvs != nil, s.accountData != nil
	f.Wallet = s.earners != nil
	f.Staff = s.isStaff(r, f.User)
	t, ok := s.pages.byName[name]
	var buf bytes.Buffer
	var err error
	if !ok {
		err = fmt.Errorf("no page %q", name)
	} else {
		err = t.ExecuteTemplate(&buf, "layout", data)
	}
	if err != nil {
		s.log.LogAttrs(r.Context(), slog.LevelError, "rendering page",
			slog.String("request_id", f.RequestID), slog.String("page", name), slog.String("error", err.Error()))
		http.Error(w, "Internal Server Error", http.StatusInternalServerError)
		return nil, false
	}
	return buf.Bytes(), true
}

// writePage writes a rendered page: HTML, never stored by caches (pages may show who is
// signed in).
func writePage(w http.ResponseWriter, status int, b []byte) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	w.Write(b)
}

// redirect answers a POST with 303 See Other, so that reloading the next page does not
// resubmit the form (POST-redirect-GET).
func redirect(w http.ResponseWriter, r *http.Request, to string) {
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// fieldArgs are the arguments of the "field" template (one labelled input with its help and
// error, tied by aria-describedby). F is the page; its Errors are looked up by Name.
type fieldArgs struct {
	F                                    any
	Name, Label, Type, Value, Help, Auto string
	Required                             bool
}

func fieldOf(page any, name, label, typ, value, help, auto string, required bool) fieldArgs {
	return fieldArgs{F: page, Name: name, Label: label, Type: typ, Value: value, Help: help, Auto: auto, Required: required}
}

// splitLines returns the non-blank lines of s (free text shown as paragraphs).
func splitLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}
