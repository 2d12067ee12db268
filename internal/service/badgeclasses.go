package service

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/badgeimage"
	"github.com/rosettebadges/rosette/internal/store"
)

// BadgeClasses is the badge design use case: an issuer's badge classes, each a chain of
// immutable versions (every change makes a new one, so what was issued under an older version
// stays as it was), and their images. Writing needs badge.ActDesignBadge on the issuer,
// reading badge.ActView; the check runs inside the transaction that acts. Safe for
// concurrent use.
type BadgeClasses struct {
	store  *store.Store
	clock  badge.Clock
	logger *slog.Logger
}

// NewBadgeClasses returns the badge classes service.
func NewBadgeClasses(st *store.Store, clock badge.Clock, logger *slog.Logger) *BadgeClasses {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &BadgeClasses{store: st, clock: clock, logger: logger}
}

func (s *BadgeClasses) now() time.Time { return s.clock.Now().UTC() }

// prepare normalizes the fields and checks the image (nil image: none given), reporting the
// problems of both at once.
func prepare(f badge.BadgeClassFields, image []byte, imageRequired bool) (badge.BadgeClassFields, *badgeimage.Image, error) {
	f, ferr := f.Normalize()
	var img *badgeimage.Image
	var ierr error
	switch {
	case image != nil:
		img, ierr = badgeimage.Prepare(image)
	case imageRequired:
		ierr = badge.FieldError(badge.Invalid, "image", "An image (PNG or SVG) is required.", nil)
	}
	if ferr != nil || ierr != nil {
		return f, nil, errors.Join(ferr, ierr)
	}
	return f, img, nil
}

// putImage stores img (if any) and returns its id, or keep when img is nil.
func putImage(ctx context.Context, tx *store.Tx, img *badgeimage.Image, at time.Time, keep string) (string, error) {
	if img == nil {
		return keep, nil
	}
	err := tx.PutBadgeImage(ctx, &store.BadgeImage{ID: img.ID, MediaType: img.MediaType, Bytes: img.Bytes, CreatedAt: at})
	return img.ID, err
}

// Create makes a badge class of the issuer with its first version and its image (PNG or SVG
// bytes, required), and records the audit event. Invalid (FieldErrors, "image" among them)
// for bad input; NotFound for no such issuer; Forbidden without ActDesignBadge.
func (s *BadgeClasses) Create(ctx context.Context, actor *badge.User, issuerID string, f badge.BadgeClassFields, image []byte) (*badge.BadgeClass, error) {
	f, img, err := prepare(f, image, true)
	if err != nil {
		return nil, err
	}
	fields, err := json.Marshal(f)
	if err != nil {
		return nil, badge.E(badge.Internal, "Could not save the badge class.", err)
	}
	now := s.now()
	bc := &store.BadgeClass{ID: newIssuerID(), IssuerID: issuerID, Name: f.Name, CurrentVersion: 1, CreatedAt: now, UpdatedAt: now}
	var v *store.BadgeClassVersion
	err = s.store.Update(ctx, func(tx *store.Tx) error {
		if _, err := check(ctx, tx, actor, issuerID, badge.ActDesignBadge); err != nil {
			return err
		}
		imageID, err := putImage(ctx, tx, img, now, "")
		if err != nil {
			return err
		}
		if err := tx.InsertBadgeClass(ctx, bc); err != nil {
			return err
		}
		v = &store.BadgeClassVersion{BadgeClassID: bc.ID, Version: 1, Fields: string(fields), ImageID: imageID, CreatedAt: now, CreatedBy: actorName(ctx, actor)}
		if err := tx.InsertBadgeClassVersion(ctx, v); err != nil {
			return err
		}
		return RecordAudit(ctx, tx, now, v.CreatedBy, "badge_class.create", "badge_class:"+bc.ID,
			map[string]any{"issuer": issuerID, "name": f.Name, "version": 1, "image": imageID})
	})
	if err != nil {
		return nil, serviceErr(err)
	}
	s.logger.InfoContext(ctx, "badge class created", "issuer_id", issuerID, "badge_class_id", bc.ID)
	return &badge.BadgeClass{ID: bc.ID, IssuerID: issuerID, Version: 1, Fields: f, ImageID: v.ImageID, ImageMediaType: img.MediaType,
		CreatedAt: now, UpdatedAt: now}, nil
}

// Update stores the fields (and the image, when image is not nil; else the current image is
// kept) as a new version and makes it current, with an audit event. Versions already stored,
// and so awards made under them, do not change. When nothing differs from the current version
// it stores nothing and returns the badge class as it is. Conflict if another update of the
// same badge class committed first; NotFound for no such badge class; Forbidden without
// ActDesignBadge on its issuer.
func (s *BadgeClasses) Update(ctx context.Context, actor *badge.User, id string, f badge.BadgeClassFields, image []byte) (*badge.BadgeClass, error) {
	f, img, err := prepare(f, image, false)
	if err != nil {
		return nil, err
	}
	fields, err := json.Marshal(f)
	if err != nil {
		return nil, badge.E(badge.Internal, "Could not save the badge class.", err)
	}
	now := s.now()
	var out *badge.BadgeClass
	err = s.store.Update(ctx, func(tx *store.Tx) error {
		bc, cur, err := s.load(ctx, tx, actor, id, badge.ActDesignBadge)
		if err != nil {
			return err
		}
		imageID := cur.ImageID
		if img != nil {
			imageID = img.ID
		}
		mediaType := ""
		if img != nil {
			mediaType = img.MediaType
		} else if imageID != "" {
			if mediaType, err = tx.BadgeImageMediaType(ctx, imageID); err != nil {
				return err
			}
		}
		if cur.Fields == string(fields) && imageID == cur.ImageID {
			out, err = toBadgeClass(bc, cur)
			if out != nil {
				out.ImageMediaType = mediaType
			}
			return err
		}
		if _, err := putImage(ctx, tx, img, now, ""); err != nil {
			return err
		}
		v := &store.BadgeClassVersion{BadgeClassID: id, Version: bc.CurrentVersion + 1, Fields: string(fields), ImageID: imageID,
			CreatedAt: now, CreatedBy: actorName(ctx, actor)}
		if err := tx.InsertBadgeClassVersion(ctx, v); errors.Is(err, store.ErrDuplicate) {
			return badge.Errorf(badge.Conflict, "Someone else changed this badge class at the same time; please try again.")
		} else if err != nil {
			return err
		}
		if err := tx.SetBadgeClassVersion(ctx, id, v.Version, f.Name, now); errors.Is(err, store.ErrNotFound) {
			return badge.Errorf(badge.Conflict, "Someone else changed this badge class at the same time; please try again.")
		} else if err != nil {
			return err
		}
		bc.CurrentVersion, bc.Name, bc.UpdatedAt = v.Version, f.Name, now
		if out, err = toBadgeClass(bc, v); err != nil {
			return err
		}
		out.ImageMediaType = mediaType
		return RecordAudit(ctx, tx, now, v.CreatedBy, "badge_class.update", "badge_class:"+id,
			map[string]any{"issuer": bc.IssuerID, "name": f.Name, "version": v.Version, "image": imageID})
	})
	if err != nil {
		return nil, serviceErr(err)
	}
	return out, nil
}

// load returns the badge class and its current version after checking action on its issuer.
func (s *BadgeClasses) load(ctx context.Context, tx *store.Tx, actor *badge.User, id string, action badge.Action) (*store.BadgeClass, *store.BadgeClassVersion, error) {
	bc, err := tx.BadgeClassByID(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, badge.Errorf(badge.NotFound, "There is no such badge class.")
	} else if err != nil {
		return nil, nil, err
	}
	if _, err := check(ctx, tx, actor, bc.IssuerID, action); err != nil {
		return nil, nil, err
	}
	v, err := tx.BadgeClassVersionByNumber(ctx, id, bc.CurrentVersion)
	if err != nil {
		return nil, nil, err
	}
	return bc, v, nil
}

func decodeFields(v *store.BadgeClassVersion) (badge.BadgeClassFields, error) {
	var f badge.BadgeClassFields
	if err := json.Unmarshal([]byte(v.Fields), &f); err != nil {
		return f, badge.E(badge.Internal, "A stored badge class cannot be read.", err)
	}
	return f, nil
}

func toBadgeClass(bc *store.BadgeClass, v *store.BadgeClassVersion) (*badge.BadgeClass, error) {
	f, err := decodeFields(v)
	if err != nil {
		return nil, err
	}
	return &badge.BadgeClass{ID: bc.ID, IssuerID: bc.IssuerID, Version: v.Version, Fields: f, ImageID: v.ImageID,
		CreatedAt: bc.CreatedAt, UpdatedAt: bc.UpdatedAt}, nil
}

// fromCurrent converts a badge class listed with its current version, decoding the fields
// once for both.
func fromCurrent(c store.CurrentBadgeClass) (*badge.BadgeClass, *badge.BadgeClassVersion, error) {
	v, err := toVersion(c.Version)
	if err != nil {
		return nil, nil, err
	}
	return &badge.BadgeClass{ID: c.Class.ID, IssuerID: c.Class.IssuerID, Version: v.Version, Fields: v.Fields, ImageID: v.ImageID,
		ImageMediaType: c.ImageMediaType, CreatedAt: c.Class.CreatedAt, UpdatedAt: c.Class.UpdatedAt}, v, nil
}

func toVersion(v *store.BadgeClassVersion) (*badge.BadgeClassVersion, error) {
	f, err := decodeFields(v)
	if err != nil {
		return nil, err
	}
	return &badge.BadgeClassVersion{BadgeClassID: v.BadgeClassID, Version: v.Version, Fields: f, ImageID: v.ImageID,
		CreatedAt: v.CreatedAt, CreatedBy: v.CreatedBy}, nil
}

// Get returns the badge class with its current version (ActView on its issuer).
func (s *BadgeClasses) Get(ctx context.Context, actor *badge.User, id string) (*badge.BadgeClass, error) {
	var out *badge.BadgeClass
	err := s.store.View(ctx, func(tx *store.Tx) error {
		bc, v, err := s.load(ctx, tx, actor, id, badge.ActView)
		if err != nil {
			return err
		}
		if out, err = toBadgeClass(bc, v); err != nil {
			return err
		}
		if v.ImageID != "" {
			out.ImageMediaType, err = tx.BadgeImageMediaType(ctx, v.ImageID)
		}
		return err
	})
	if err != nil {
		return nil, serviceErr(err)
	}
	return out, nil
}

// ListForIssuer returns the issuer's badge classes, current versions, ordered by name
// (ActView on the issuer).
func (s *BadgeClasses) ListForIssuer(ctx context.Context, actor *badge.User, issuerID string) ([]*badge.BadgeClass, error) {
	var out []*badge.BadgeClass
	err := s.store.View(ctx, func(tx *store.Tx) error {
		if _, err := check(ctx, tx, actor, issuerID, badge.ActView); err != nil {
			return err
		}
		list, err := tx.ListCurrentBadgeClasses(ctx, issuerID)
		if err != nil {
			return err
		}
		for _, c := range list {
			bc, _, err := fromCurrent(c)
			if err != nil {
				return err
			}
			out = append(out, bc)
		}
		return nil
	})
	if err != nil {
		return nil, serviceErr(err)
	}
	return out, nil
}

// Versions returns every version of the badge class, oldest first (ActView on its issuer).
func (s *BadgeClasses) Versions(ctx context.Context, actor *badge.User, id string) ([]*badge.BadgeClassVersion, error) {
	var out []*badge.BadgeClassVersion
	err := s.store.View(ctx, func(tx *store.Tx) error {
		if _, _, err := s.load(ctx, tx, actor, id, badge.ActView); err != nil {
			return err
		}
		vs, err := tx.BadgeClassVersions(ctx, id)
		if err != nil {
			return err
		}
		for _, v := range vs {
			bv, err := toVersion(v)
			if err != nil {
				return err
			}
			out = append(out, bv)
		}
		return nil
	})
	if err != nil {
		return nil, serviceErr(err)
	}
	return out, nil
}

// Version returns one version of the badge class (ActView on its issuer); NotFound if there
// is no such version.
func (s *BadgeClasses) Version(ctx context.Context, actor *badge.User, id string, version int) (*badge.BadgeClassVersion, error) {
	var out *badge.BadgeClassVersion
	err := s.store.View(ctx, func(tx *store.Tx) error {
		if _, _, err := s.load(ctx, tx, actor, id, badge.ActView); err != nil {
			return err
		}
		v, err := tx.BadgeClassVersionByNumber(ctx, id, version)
		if errors.Is(err, store.ErrNotFound) {
			return badge.Errorf(badge.NotFound, "This badge class has no version %d.", version)
		} else if err != nil {
			return err
		}
		out, err = toVersion(v)
		return err
	})
	if err != nil {
		return nil, serviceErr(err)
	}
	return out, nil
}

// Image returns a stored badge image by id (public: images are part of public badges);
// NotFound if there is none.
func (s *BadgeClasses) Image(ctx context.Context, id string) (*badgeimage.Image, error) {
	var out *badgeimage.Image
	err := s.store.View(ctx, func(tx *store.Tx) error {
		img, err := tx.BadgeImageByID(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			return badge.Errorf(badge.NotFound, "There is no such image.")
		} else if err != nil {
			return err
		}
		out = &badgeimage.Image{ID: img.ID, MediaType: img.MediaType, Bytes: img.Bytes}
		return nil
	})
	if err != nil {
		return nil, serviceErr(err)
	}
	return out, nil
}
