package service

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"net/url"
	"path"
	"regexp"
	"strings"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/markdown"
	"github.com/rosettebadges/rosette/internal/pdfdoc"
	"github.com/rosettebadges/rosette/internal/store"
)

// CertificateCriteriaChars bounds the criteria summary printed on a certificate.
const CertificateCriteriaChars = 600

// CertificateFile is an award's printable certificate.
type CertificateFile struct {
	PDF []byte
	// Filename is a safe download name: "certificate-<badge name>-<award id>.pdf" in lower-case
	// ASCII letters, digits and hyphens.
	Filename string
}

// Certificate renders the award's PDF certificate in its issuer's layout. It is public like
// the award page: the recipient's name is left out when the earner hid it, and a revoked
// award's certificate is stamped REVOKED with the date and reason (its QR code and address
// lead to the award page, which says so too). NotFound for no such award; Unavailable while
// the award is being issued.
func (s *Awards) Certificate(ctx context.Context, id string) (*CertificateFile, error) {
	p, err := s.Public(ctx, id)
	if err != nil {
		return nil, err
	}
	if !p.Award.Signed {
		return nil, errNotSigned
	}
	c, err := s.certificateOf(ctx, p)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := pdfdoc.RenderCertificate(&buf, *c); err != nil {
		return nil, badge.E(badge.Internal, "The certificate could not be made.", err)
	}
	return &CertificateFile{PDF: buf.Bytes(), Filename: certificateFilename(p.BadgeClass.Fields.Name, id)}, nil
}

// certificateOf gathers what the certificate shows.
func (s *Awards) certificateOf(ctx context.Context, p *PublicAward) (*pdfdoc.Certificate, error) {
	a, f := p.Award, p.BadgeClass.Fields
	c := &pdfdoc.Certificate{
		Layout:     pdfdoc.Layout(p.Issuer.CertificateLayout),
		BadgeName:  f.Name,
		IssuerName: p.Issuer.Name,
		IssuedOn:   a.IssuedAt,
		ExpiresOn:  a.ExpiresAt,
		Criteria:   markdown.PlainText(f.CriteriaNarrative, CertificateCriteriaChars),
		VerifyURL:  s.urls.Award(a.ID),
		AwardID:    a.ID,
		RevokedOn:  a.RevokedAt,
		// The document's date is the award's, so the same award state gives the same bytes.
		Created: a.IssuedAt,
	}
	if !a.RevokedAt.IsZero() {
		c.RevocationReason = a.RevocationReason
	}
	if !a.RecipientNameHidden {
		c.Recipient = a.Recipient.Name
	}
	logoID, logo := s.logoImage(p.Issuer.LogoURL)
	if len(logo.Data) > 0 {
		c.IssuerLogo = logo
	}
	err := s.store.View(ctx, func(tx *store.Tx) error {
		if id := p.BadgeClass.ImageID; id != "" {
			img, err := tx.BadgeImageByID(ctx, id)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
			if err == nil {
				c.BadgeImage = pdfdoc.Image{Data: img.Bytes, Type: img.MediaType}
			}
		}
		if logoID != "" {
			img, err := tx.BadgeImageByID(ctx, logoID)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
			if err == nil {
				c.IssuerLogo = pdfdoc.Image{Data: img.Bytes, Type: img.MediaType}
			}
		}
		return nil
	})
	if err != nil {
		return nil, serviceErr(err)
	}
	return c, nil
}

// logoImage finds the issuer's logo without going outside: a logo stored here (its URL is
// one of this installation's /images/ URLs) is returned as its image id, a data: URI as its
// bytes. A logo on another site is not fetched (a certificate must not wait on, or leak its
// readers to, a third party): the certificate then has no logo.
func (s *Awards) logoImage(logoURL string) (string, pdfdoc.Image) {
	if rest, ok := strings.CutPrefix(logoURL, s.urls.Base+"/images/"); ok {
		id := strings.TrimSuffix(strings.TrimSuffix(rest, ".png"), ".svg")
		if id, err := url.PathUnescape(id); err == nil && id != "" && !strings.Contains(id, "/") {
			return id, pdfdoc.Image{}
		}
		return "", pdfdoc.Image{}
	}
	if rest, ok := strings.CutPrefix(logoURL, "data:"); ok {
		meta, data, ok := strings.Cut(rest, ",")
		if !ok || !strings.HasSuffix(meta, ";base64") {
			return "", pdfdoc.Image{}
		}
		b, err := base64.StdEncoding.DecodeString(data)
		if err != nil {
			return "", pdfdoc.Image{}
		}
		return "", pdfdoc.Image{Data: b, Type: strings.TrimSuffix(meta, ";base64")}
	}
	return "", pdfdoc.Image{}
}

var notSlug = regexp.MustCompile(`[^a-z0-9]+`)

// certificateFilename is "certificate-<badge name as a slug, at most 60 characters>-<id>.pdf",
// in characters safe in any file system and in a Content-Disposition header.
func certificateFilename(badgeName, awardID string) string {
	slug := strings.Trim(notSlug.ReplaceAllString(strings.ToLower(asciiFold(badgeName)), "-"), "-")
	if len(slug) > 60 {
		slug = strings.TrimRight(slug[:60], "-")
	}
	id := strings.Trim(notSlug.ReplaceAllString(strings.ToLower(awardID), "-"), "-")
	parts := []string{"certificate"}
	for _, p := range []string{slug, id} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return path.Clean(strings.Join(parts, "-") + ".pdf")
}

// asciiFold replaces the common accented Latin letters by their base letter, so that
// "Zoë's Ångström badge" makes "zoe-s-angstrom-badge" rather than "zo-s-ngstr-m-badge".
func asciiFold(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x80 {
			return r
		}
		if b, ok := foldTable[r]; ok {
			return b
		}
		return '-'
	}, s)
}

var foldTable = func() map[rune]rune {
	m := map[rune]rune{}
	for base, accented := range map[rune]string{
		'a': "àáâãäåāăąÀÁÂÃÄÅĀĂĄ", 'c': "çćčÇĆČ", 'd': "ďđÐĎĐ", 'e': "èéêëēėęěÈÉÊËĒĖĘĚ",
		'g': "ğĞ", 'i': "ìíîïīįıÌÍÎÏĪĮİ", 'l': "łľĺŁĽĹ", 'n': "ñńňÑŃŇ", 'o': "òóôõöøōőÒÓÔÕÖØŌŐ",
		'r': "řŕŘŔ", 's': "śšşßŚŠŞ", 't': "ťţŤŢ", 'u': "ùúûüūůűųÙÚÛÜŪŮŰŲ", 'y': "ýÿÝŸ", 'z': "źżžŹŻŽ",
	} {
		for _, r := range accented {
			m[r] = base
		}
	}
	return m
}()
