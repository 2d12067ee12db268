package web

import (
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/rosettebadges/rosette/internal/service"
)

// cvImage serves the image of a badge in one of the earner's CVs.
func (s *Site) cvImage(w http.ResponseWriter, r *http.Request) {
	img, typ, err := s.cvs.BadgeImage(r.Context(), userFrom(r.Context()), r.PathValue("id"), r.PathValue("item"))
	s.serveCVImage(w, r, img, typ, err)
}

// cvSharedImage serves the image of a badge in a shared CV.
func (s *Site) cvSharedImage(w http.ResponseWriter, r *http.Request) {
	img, typ, err := s.cvs.SharedBadgeImage(r.Context(), r.PathValue("token"), r.PathValue("item"))
	s.serveCVImage(w, r, img, typ, err)
}

func (s *Site) serveCVImage(w http.ResponseWriter, r *http.Request, img []byte, typ string, err error) {
	if err != nil {
		s.fail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", typ)
	h.Set("Cache-Control", "private, max-age=300")
	h.Set("X-Content-Type-Options", "nosniff")
	if typ == "image/svg+xml" {
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox")
	}
	h.Set("Content-Length", strconv.Itoa(len(img)))
	w.Write(img)
}

type cvSharedPage struct {
	Frame
	Doc   *service.CVDocument
	Token string
	PDF   bool
}

// cvShared is the read-only page of a shared CV (not indexed by search engines), or its PDF
// for /cv/{token}.pdf.
func (s *Site) cvShared(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Robots-Tag", "noindex, nofollow")
	// The token is in the URL: links out of the CV must not carry it away.
	w.Header().Set("Referrer-Policy", "no-referrer")
	file := r.PathValue("file")
	if token, ok := strings.CutSuffix(file, ".pdf"); ok {
		s.cvPDF(w, r, "shared", func(out io.Writer) error { return s.cvs.SharedPDF(r.Context(), token, out) })
		return
	}
	doc, err := s.cvs.SharedDocument(r.Context(), file)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "cv_shared", &cvSharedPage{Frame: Frame{Title: doc.Title, NoIndex: true}, Doc: doc, Token: file,
		PDF: s.cvs.CanRenderPDF()})
}
