package service

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/store"
)

// CVDocument is a CV as shown (the shared page) and set as a PDF: every section resolved,
// badge sections with each badge's details, image and verification URL.
type CVDocument struct {
	ID        string
	Title     string
	OwnerName string
	UpdatedAt time.Time
	ShareURL  string // BASE/cv/{token} when shared, else ""
	Sections  []CVDocSection
}

// CVDocSection is one resolved section. Title is never empty (the kind's default title).
type CVDocSection struct {
	Kind   string
	Title  string
	Badges []CVBadge // badges
	Text   string    // text
	Links  []CVLink  // links
	Lines  []string  // contact
	Skills []CVSkill // skills
	Note   string    // why a section shows less than asked, e.g. a badge that left the wallet
}

// CVBadge is one badge of a badges section.
type CVBadge struct {
	ItemID      string
	Name        string
	Description string
	IssuerName  string
	IssuerURL   string
	IssuedAt    time.Time
	ExpiresAt   time.Time // zero: never
	Status      string    // the wallet's last verdict: verified, revoked, expired, ... ("unchecked")
	Image       []byte    // the badge image (nil if there is none stored here)
	ImageType   string
	// VerifyURL is what the QR code opens: an award of this installation's public page; an
	// imported badge's credential id when it is an https URL, else the wallet's public page of
	// the badge when the earner made it public. When there is none, NoQRReason says why.
	VerifyURL  string
	NoQRReason string
}

// The reason printed in place of a QR code.
const noQRReason = "No verification link: this badge's credential has no https address and the badge is private in the wallet."

// defaultSectionTitles title sections left untitled.
var defaultSectionTitles = map[string]string{SectionBadges: "Badges", SectionText: "About", SectionLinks: "Links",
	SectionContact: "Contact", SectionSkills: "Skills"}

// Document returns one of the actor's CVs resolved for display or print.
func (s *CVs) Document(ctx context.Context, actor *badge.User, id string) (*CVDocument, error) {
	var c *store.CV
	err := s.o.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		c, err = ownCV(ctx, tx, actor, id)
		return err
	})
	if err != nil {
		return nil, internal(err)
	}
	return s.document(ctx, c)
}

// SharedDocument returns the CV shared with this token; NotFound if none is (any more).
func (s *CVs) SharedDocument(ctx context.Context, token string) (*CVDocument, error) {
	c, err := s.sharedCV(ctx, token)
	if err != nil {
		return nil, err
	}
	return s.document(ctx, c)
}

func (s *CVs) sharedCV(ctx context.Context, token string) (*store.CV, error) {
	if token == "" || len(token) > 100 {
		return nil, errNoCV
	}
	var c *store.CV
	err := s.o.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		c, err = tx.CVByShareToken(ctx, token)
		if errors.Is(err, store.ErrNotFound) {
			return errNoCV
		}
		return err
	})
	if err != nil {
		return nil, internal(err)
	}
	// A link shared before sharing was turned off stops working while it is off.
	if ok, err := s.sharingAllowed(ctx, c.UserID); err != nil {
		return nil, err
	} else if !ok {
		return nil, errNoCV
	}
	return c, nil
}

// PDF writes one of the actor's CVs as a PDF; Unavailable if no renderer is configured.
func (s *CVs) PDF(ctx context.Context, actor *badge.User, id string, w io.Writer) error {
	doc, err := s.Document(ctx, actor, id)
	if err != nil {
		return err
	}
	return s.render(ctx, w, doc)
}

// SharedPDF writes the CV shared with this token as a PDF.
func (s *CVs) SharedPDF(ctx context.Context, token string, w io.Writer) error {
	doc, err := s.SharedDocument(ctx, token)
	if err != nil {
		return err
	}
	return s.render(ctx, w, doc)
}

// CanRenderPDF reports whether PDF export is configured.
func (s *CVs) CanRenderPDF() bool { return s.o.Renderer != nil }

func (s *CVs) render(ctx context.Context, w io.Writer, doc *CVDocument) error {
	if s.o.Renderer == nil {
		return badge.Errorf(badge.Unavailable, "PDF export is not available on this installation.")
	}
	if err := s.o.Renderer.RenderCV(ctx, w, doc); err != nil {
		return badge.E(badge.Internal, "The PDF could not be made.", err)
	}
	return nil
}

// SharedBadgeImage returns the image of a badge shown by the CV shared with this token;
// NotFound unless the item is in one of its badge sections and has an image here.
func (s *CVs) SharedBadgeImage(ctx context.Context, token, itemID string) ([]byte, string, error) {
	doc, err := s.SharedDocument(ctx, token)
	if err != nil {
		return nil, "", err
	}
	return docImage(doc, itemID)
}

// BadgeImage is SharedBadgeImage for the owner of the CV (shared or not).
func (s *CVs) BadgeImage(ctx context.Context, actor *badge.User, cvID, itemID string) ([]byte, string, error) {
	doc, err := s.Document(ctx, actor, cvID)
	if err != nil {
		return nil, "", err
	}
	return docImage(doc, itemID)
}

func docImage(doc *CVDocument, itemID string) ([]byte, string, error) {
	for _, sec := range doc.Sections {
		for _, b := range sec.Badges {
			if b.ItemID == itemID && b.Image != nil {
				return b.Image, b.ImageType, nil
			}
		}
	}
	return nil, "", badge.Errorf(badge.NotFound, "There is no such image.")
}

// document resolves the CV's sections.
func (s *CVs) document(ctx context.Context, c *store.CV) (*CVDocument, error) {
	doc := &CVDocument{ID: c.ID, Title: c.Title, UpdatedAt: c.UpdatedAt}
	if c.ShareToken != "" {
		doc.ShareURL = s.o.URLs.Base + "/cv/" + url.PathEscape(c.ShareToken)
	}
	var secs []*CVSection
	items := map[string]*store.WalletItem{}
	err := s.o.Store.View(ctx, func(tx *store.Tx) error {
		u, err := tx.UserByID(ctx, c.UserID)
		if err != nil {
			return err
		}
		doc.OwnerName = u.Name
		if secs, err = sectionsOf(ctx, tx, c.ID); err != nil {
			return err
		}
		for _, sec := range secs {
			for _, id := range sec.Items {
				w, err := tx.WalletItemByID(ctx, id)
				if errors.Is(err, store.ErrNotFound) {
					continue
				}
				if err != nil {
					return err
				}
				if w.UserID == c.UserID && w.State == "accepted" {
					items[id] = w
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, internal(err)
	}
	for _, sec := range secs {
		d := CVDocSection{Kind: sec.Kind, Title: sec.Title, Text: sec.Text, Links: sec.Links, Lines: sec.Lines}
		if d.Title == "" {
			d.Title = defaultSectionTitles[sec.Kind]
		}
		switch sec.Kind {
		case SectionBadges:
			missing := 0
			for _, id := range sec.Items {
				w := items[id]
				if w == nil {
					missing++
					continue
				}
				b, err := s.cvBadge(ctx, w)
				if err != nil {
					return nil, err
				}
				d.Badges = append(d.Badges, b)
			}
			if missing > 0 {
				d.Note = "Some badges chosen for this section are no longer in the wallet."
			}
		case SectionSkills:
			if s.o.Skills == nil {
				d.Note = "The skills view is not available on this installation."
				break
			}
			skills, err := s.o.Skills.SkillsOf(ctx, c.UserID)
			if err != nil {
				return nil, internal(err)
			}
			d.Skills = skills
		}
		doc.Sections = append(doc.Sections, d)
	}
	return doc, nil
}

// cvBadge resolves one wallet item: its summary, and for an award of this installation the
// badge class image and the award's public page (and its revocation, which the wallet's last
// check may not know yet).
func (s *CVs) cvBadge(ctx context.Context, w *store.WalletItem) (CVBadge, error) {
	b := CVBadge{ItemID: w.ID, Name: w.Name, Description: w.Description, IssuerName: w.IssuerName, IssuerURL: w.IssuerURL,
		IssuedAt: w.IssuedAt, ExpiresAt: w.ExpiresAt, Status: w.VerifyStatus}
	if w.Source == "award" && w.AwardID != "" && s.o.Awards != nil {
		p, err := s.o.Awards.Public(ctx, w.AwardID)
		if err != nil && !errors.Is(err, badge.NotFound) {
			return b, err
		}
		if p != nil {
			f := p.BadgeClass.Fields
			b.Name = cmpOr(b.Name, f.Name)
			b.Description = cmpOr(b.Description, f.Description)
			b.IssuerName = cmpOr(b.IssuerName, p.Issuer.Name)
			b.IssuerURL = cmpOr(b.IssuerURL, p.Issuer.Website)
			if b.IssuedAt.IsZero() {
				b.IssuedAt, b.ExpiresAt = p.Award.IssuedAt, p.Award.ExpiresAt
			}
			switch p.Award.Status(s.now()) {
			case badge.AwardRevoked:
				b.Status = "revoked"
			case badge.AwardExpired:
				b.Status = "expired"
			default:
				if b.Status == "unchecked" || b.Status == "" {
					b.Status = "verified"
				}
			}
			b.VerifyURL = s.o.URLs.Award(p.Award.ID)
			err := s.o.Store.View(ctx, func(tx *store.Tx) error {
				img, err := tx.BadgeImageByID(ctx, p.BadgeClass.ImageID)
				if err == nil {
					b.Image, b.ImageType = img.Bytes, img.MediaType
				}
				return err
			})
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return b, internal(err)
			}
			return b, nil
		}
	}
	if len(w.Image) > 0 {
		b.Image, b.ImageType = w.Image, w.ImageType
	}
	switch id := CredentialHTTPSID(w.Credential); {
	case id != "":
		b.VerifyURL = id
	case w.Visibility == "public" && s.o.PublicItemURL != nil:
		u, err := s.o.PublicItemURL(ctx, w.UserID, w.ID)
		if err != nil {
			return b, internal(err)
		}
		b.VerifyURL = u
	}
	if b.VerifyURL == "" {
		b.NoQRReason = noQRReason
	}
	return b, nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// CredentialHTTPSID returns the id of a stored credential when it is an https URL, else "".
// The credential is JSON (an OB 3.0 credential or an OB 2.0 assertion: its "id") or a compact
// JWS/JWT (the "vc" claim's id, else the payload's "id", else "jti").
func CredentialHTTPSID(cred []byte) string {
	cred = bytes.TrimSpace(cred)
	var payload []byte
	switch {
	case len(cred) > 0 && cred[0] == '{':
		payload = cred
	case bytes.Count(cred, []byte(".")) == 2:
		parts := bytes.Split(cred, []byte("."))
		p, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(string(parts[1]), "="))
		if err != nil {
			return ""
		}
		payload = p
	default:
		return ""
	}
	var doc struct {
		ID  any `json:"id"`
		JTI any `json:"jti"`
		VC  *struct {
			ID any `json:"id"`
		} `json:"vc"`
	}
	if json.Unmarshal(payload, &doc) != nil {
		return ""
	}
	var candidates []any
	if doc.VC != nil {
		candidates = append(candidates, doc.VC.ID)
	}
	candidates = append(candidates, doc.ID, doc.JTI)
	for _, c := range candidates {
		s, ok := c.(string)
		if !ok {
			continue
		}
		if u, err := url.Parse(s); err == nil && u.Scheme == "https" && u.Host != "" && !strings.ContainsAny(s, " \t\r\n") {
			return s
		}
	}
	return ""
}
