package service

import (
	"context"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/badgeimage"
	"github.com/rosettebadges/rosette/internal/store"
)

// StoreLogo checks an uploaded issuer logo like a badge image (PNG, or SVG sanitized by
// badgeimage.Prepare) and stores it among the badge images, returning it; the caller then
// sets the issuer's LogoURL to its public URL (links.URLs.Image) with Update or Create. For an
// existing issuer (issuerID not "") it needs ActEditIssuer; for a new one (issuerID "") the
// actor must be a site admin, who alone creates issuers. Invalid (a FieldError on "logo") for
// a bad image.
func (s *Issuers) StoreLogo(ctx context.Context, actor *badge.User, issuerID string, data []byte) (*badgeimage.Image, error) {
	img, err := badgeimage.Prepare(data)
	if err != nil {
		return nil, badge.FieldError(badge.Invalid, "logo", badge.SafeMessage(err), err)
	}
	now := s.now()
	err = s.store.Update(ctx, func(tx *store.Tx) error {
		if issuerID == "" {
			admin, _, err := access(ctx, tx, actor, "")
			if err == nil && !admin {
				err = badge.Errorf(badge.Forbidden, "Only site administrators can create issuers.")
			}
			if err != nil {
				return err
			}
		} else if _, err := check(ctx, tx, actor, issuerID, badge.ActEditIssuer); err != nil {
			return err
		}
		return tx.PutBadgeImage(ctx, &store.BadgeImage{ID: img.ID, MediaType: img.MediaType, Bytes: img.Bytes, CreatedAt: now})
	})
	if err != nil {
		return nil, serviceErr(err)
	}
	return img, nil
}
