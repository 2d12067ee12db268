package service

import (
	"context"
	"errors"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/store"
)

// PublicBadgeClass is what anyone may see of a badge class: one version of it (the current
// one, or the one asked for), its issuer and the media type of the version's image.
type PublicBadgeClass struct {
	Issuer         *badge.Issuer
	Class          *badge.BadgeClass // the badge class as it is now (current version)
	Version        *badge.BadgeClassVersion
	ImageMediaType string // "" when the version has no image
}

// Public returns the badge class with its current version (version 0) or with the given
// version, for the public pages and documents. No permission is needed: badge classes are
// published. NotFound for no such badge class or version.
func (s *BadgeClasses) Public(ctx context.Context, id string, version int) (*PublicBadgeClass, error) {
	var out PublicBadgeClass
	err := s.store.View(ctx, func(tx *store.Tx) error {
		bc, err := tx.BadgeClassByID(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			return badge.Errorf(badge.NotFound, "There is no such badge class.")
		} else if err != nil {
			return err
		}
		cur, err := tx.BadgeClassVersionByNumber(ctx, id, bc.CurrentVersion)
		if err != nil {
			return err
		}
		if out.Class, err = toBadgeClass(bc, cur); err != nil {
			return err
		}
		if cur.ImageID != "" {
			if out.Class.ImageMediaType, err = tx.BadgeImageMediaType(ctx, cur.ImageID); err != nil {
				return err
			}
		}
		v := cur
		if version != 0 && version != bc.CurrentVersion {
			v, err = tx.BadgeClassVersionByNumber(ctx, id, version)
			if errors.Is(err, store.ErrNotFound) {
				return badge.Errorf(badge.NotFound, "This badge class has no version %d.", version)
			} else if err != nil {
				return err
			}
		}
		if out.Version, err = toVersion(v); err != nil {
			return err
		}
		if v.ImageID != "" {
			if out.ImageMediaType, err = tx.BadgeImageMediaType(ctx, v.ImageID); err != nil {
				return err
			}
		}
		iss, err := tx.IssuerByID(ctx, bc.IssuerID)
		if err != nil {
			return err
		}
		out.Issuer = toIssuer(iss)
		return nil
	})
	if err != nil {
		return nil, serviceErr(err)
	}
	return &out, nil
}

// PublicList returns the issuer and its badge classes (current versions, by name) for its
// public page, each with its image's media type. No permission is needed; NotFound for no
// such issuer.
func (s *BadgeClasses) PublicList(ctx context.Context, issuerID string) (*badge.Issuer, []*PublicBadgeClass, error) {
	var out []*PublicBadgeClass
	var pi *badge.Issuer
	err := s.store.View(ctx, func(tx *store.Tx) error {
		iss, err := tx.IssuerByID(ctx, issuerID)
		if errors.Is(err, store.ErrNotFound) {
			return badge.Errorf(badge.NotFound, "There is no such issuer.")
		} else if err != nil {
			return err
		}
		list, err := tx.ListCurrentBadgeClasses(ctx, issuerID)
		if err != nil {
			return err
		}
		pi = toIssuer(iss)
		for _, c := range list {
			bc, v, err := fromCurrent(c)
			if err != nil {
				return err
			}
			out = append(out, &PublicBadgeClass{Issuer: pi, Class: bc, Version: v, ImageMediaType: c.ImageMediaType})
		}
		return nil
	})
	if err != nil {
		return nil, nil, serviceErr(err)
	}
	return pi, out, nil
}
