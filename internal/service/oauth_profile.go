package service

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/store"
)

// APIProfile is the earner's Profile as the OB 3.0 API (getProfile, putProfile) and Badge
// Connect (GET/POST /profile) show it. Email is the primary address unless the earner (or an
// application) chose another verified one.
type APIProfile struct {
	ID          string // urn:uuid: derived from the installation and the account
	Name        string
	Email       string
	URL         string
	Description string
	Image       string
}

// ProfileID returns the stable id of the earner's API Profile: a name-based UUID (RFC 9562
// version 8 layout from SHA-256) of the installation's base URL and the account id.
func (s *WalletAPI) ProfileID(userID int64) string {
	h := sha256.Sum256([]byte(s.profileNS + "/earners/" + strconv.FormatInt(userID, 10)))
	b := h[:16]
	b[6] = b[6]&0x0f | 0x80
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// Profile returns the earner's API Profile.
func (s *WalletAPI) Profile(ctx context.Context, userID int64) (*APIProfile, error) {
	var p *APIProfile
	err := s.store.View(ctx, func(tx *store.Tx) error {
		u, err := tx.UserByID(ctx, userID)
		if err != nil {
			return err
		}
		p = &APIProfile{ID: s.ProfileID(userID), Name: u.Name, Email: u.Email}
		saved, err := tx.APIProfileByUser(ctx, userID)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if saved.Name != "" {
			p.Name = saved.Name
		}
		if saved.Email != "" {
			// Only while it is still one of the account's verified addresses.
			_, key, err := badge.NormalizeEmail(saved.Email)
			if err == nil {
				if ok, err := tx.UserHasVerifiedEmail(ctx, userID, key); err != nil {
					return err
				} else if ok {
					p.Email = saved.Email
				}
			}
		}
		p.URL, p.Description, p.Image = saved.URL, saved.Description, saved.Image
		return nil
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil, badge.Errorf(badge.NotFound, "There is no such profile.")
	}
	if err != nil {
		return nil, badge.E(badge.Internal, "The profile could not be read.", err)
	}
	return p, nil
}

// PutProfile stores the fields of p that the earner's Profile keeps (name, email, url,
// description, image) and returns the Profile as it now is. An email address that is not one
// of the account's verified addresses is ignored (an application cannot change where the
// earner is reached); url and image must be http(s) URLs (image may be a data: URI).
// Invalid on a bad field.
func (s *WalletAPI) PutProfile(ctx context.Context, userID int64, p APIProfile) (*APIProfile, error) {
	for _, f := range []struct{ name, v string }{{"name", p.Name}, {"description", p.Description}} {
		if !utf8.ValidString(f.v) || len(f.v) > 4000 {
			return nil, badge.FieldError(badge.Invalid, f.name, f.name+" is too long or not UTF-8.", nil)
		}
	}
	if p.URL != "" && !httpURL(p.URL) {
		return nil, badge.FieldError(badge.Invalid, "url", "url must be an http or https URL.", nil)
	}
	if p.Image != "" && !httpURL(p.Image) && !(strings.HasPrefix(p.Image, "data:image/") && len(p.Image) < 512<<10) {
		return nil, badge.FieldError(badge.Invalid, "image", "image must be an http or https URL, or a data: URI of an image.", nil)
	}
	err := s.store.Update(ctx, func(tx *store.Tx) error {
		email := ""
		if p.Email != "" {
			e, key, err := badge.NormalizeEmail(strings.TrimPrefix(p.Email, "mailto:"))
			if err == nil {
				ok, err := tx.UserHasVerifiedEmail(ctx, userID, key)
				if err != nil {
					return err
				}
				if ok {
					email = e
				}
			}
		}
		return tx.SaveAPIProfile(ctx, &store.APIProfile{UserID: userID, Name: strings.TrimSpace(p.Name), Email: email,
			URL: p.URL, Description: p.Description, Image: p.Image, UpdatedAt: s.clock.Now().UTC()})
	})
	if err != nil {
		return nil, badge.E(badge.Internal, "The profile could not be saved.", err)
	}
	return s.Profile(ctx, userID)
}

func httpURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && len(s) <= 2000
}
