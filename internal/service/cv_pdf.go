package service

import (
	"context"
	"io"
	"strings"

	"github.com/rosettebadges/rosette/internal/pdfdoc"
)

// CVPDF is the CVRenderer that sets CVs as A4 PDFs with internal/pdfdoc (embedded UTF-8
// font, badge images, a QR code per badge that opens its verification page).
type CVPDF struct{}

// RenderCV writes doc as a PDF.
func (CVPDF) RenderCV(ctx context.Context, w io.Writer, doc *CVDocument) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return pdfdoc.RenderCV(w, PDFCV(doc))
}

// PDFCV maps a CV document onto pdfdoc's CV. A badge without a verification URL is printed
// without a QR code, and a note under its section says why; a revoked or expired badge says
// so after its name.
func PDFCV(doc *CVDocument) pdfdoc.CV {
	out := pdfdoc.CV{Title: doc.Title, Person: pdfdoc.Person{Name: doc.OwnerName}}
	for _, s := range doc.Sections {
		sec := pdfdoc.Section{Kind: pdfdoc.SectionKind(s.Kind), Heading: s.Title}
		var notes []string
		switch s.Kind {
		case SectionBadges:
			for _, b := range s.Badges {
				name := b.Name
				switch b.Status {
				case "revoked":
					name += " (revoked)"
				case "expired":
					name += " (expired)"
				}
				sec.Badges = append(sec.Badges, pdfdoc.CVBadge{Image: pdfdoc.Image{Data: b.Image, Type: b.ImageType},
					Name: name, Issuer: b.IssuerName, IssuedOn: b.IssuedAt, ExpiresOn: b.ExpiresAt, VerifyURL: b.VerifyURL})
				if b.VerifyURL == "" && b.NoQRReason != "" {
					notes = append(notes, b.Name+": "+b.NoQRReason)
				}
			}
		case SectionText:
			sec.Paragraphs = splitParagraphs(s.Text)
		case SectionLinks:
			for _, l := range s.Links {
				sec.Links = append(sec.Links, pdfdoc.Link{Label: l.Label, URL: l.URL})
			}
		case SectionContact:
			for _, l := range s.Lines {
				// "Phone: +44 ..." prints as a labelled line.
				line := pdfdoc.ContactLine{Value: l}
				if label, value, ok := strings.Cut(l, ": "); ok && len(label) <= 20 && strings.TrimSpace(value) != "" {
					line = pdfdoc.ContactLine{Label: label, Value: strings.TrimSpace(value)}
				}
				sec.Contact = append(sec.Contact, line)
			}
		case SectionSkills:
			for _, k := range s.Skills {
				sec.Skills = append(sec.Skills, pdfdoc.Skill{Name: k.Name, Count: k.Badges})
			}
		}
		out.Sections = append(out.Sections, sec)
		if s.Note != "" {
			notes = append(notes, s.Note)
		}
		if len(notes) > 0 {
			// A text section without a heading prints as plain paragraphs under the section.
			out.Sections = append(out.Sections, pdfdoc.Section{Kind: pdfdoc.SectionText, Paragraphs: notes})
		}
	}
	return out
}

// splitParagraphs splits free text into its non-blank lines.
func splitParagraphs(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}
