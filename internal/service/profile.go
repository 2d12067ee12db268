package service

import (
	"context"
	"errors"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/store"
)

// Profiles is the earner's public side (issue #6 items 4 and 8): the profile and its handle,
// collections, per-badge visibility, skills, the public view of a profile, and the privacy
// switches (the site's and each account's safeguarding mode). Safe for concurrent use.
type Profiles struct {
	store *store.Store
	clock badge.Clock
}

// NewProfiles returns the profiles service.
func NewProfiles(st *store.Store, clock badge.Clock) *Profiles {
	if clock == nil {
		clock = badge.SystemClock{}
	}
	return &Profiles{store: st, clock: clock}
}

func (s *Profiles) now() time.Time { return s.clock.Now().UTC().Truncate(time.Microsecond) }

// Profile is an earner's profile and privacy settings. Saved is false for an account that
// never saved one (every field then has its default: private, not discoverable).
type Profile struct {
	UserID       int64
	Handle       string
	DisplayName  string
	Headline     string
	Bio          string
	Website      string
	Public       bool
	Discoverable bool
	Safeguarding bool // the account's own safeguarding mode
	Saved        bool
}

// ProfileInput is what the earner edits.
type ProfileInput struct {
	Handle       string
	DisplayName  string
	Headline     string
	Bio          string
	Website      string
	Public       bool
	Discoverable bool
	Safeguarding bool
}

// Limits of the profile fields (in characters).
const (
	MinHandleLen      = 3
	MaxHandleLen      = 40
	maxDisplayNameLen = 100
	maxHeadlineLen    = 140
	maxBioLen         = 5000
	maxWebsiteLen     = 500
)

var handleRE = regexp.MustCompile(`^[a-z0-9-]+$`)

// reservedHandles are refused as handles: words of the site's own URLs and words that could
// pass for the site speaking.
var reservedHandles = map[string]bool{
	"admin": true, "administrator": true, "api": true, "account": true, "accounts": true, "badges": true,
	"claim": true, "collections": true, "credential": true, "credentials": true, "dashboard": true, "help": true,
	"images": true, "ims": true, "issuer": true, "issuers": true, "login": true, "logout": true, "me": true,
	"new": true, "oauth": true, "profile": true, "profiles": true, "root": true, "rosette": true, "settings": true,
	"setup": true, "signin": true, "signup": true, "skills": true, "static": true, "support": true, "system": true,
	"u": true, "user": true, "users": true, "verify": true, "wallet": true, "well-known": true, "www": true,
}

// NormalizeHandle checks a handle (trimmed and lower-cased first) and returns its stored
// form: 3 to 40 characters of a-z, 0-9 and "-", not a reserved word. Errors are Invalid, on
// field "handle".
func NormalizeHandle(h string) (string, error) {
	h = strings.ToLower(strings.TrimSpace(h))
	switch {
	case h == "":
		return "", badge.FieldError(badge.Invalid, "handle", "Choose the address of your profile.", nil)
	case len(h) < MinHandleLen || len(h) > MaxHandleLen:
		return "", badge.FieldError(badge.Invalid, "handle", "Use 3 to 40 characters.", nil)
	case !handleRE.MatchString(h):
		return "", badge.FieldError(badge.Invalid, "handle", "Use only lower-case letters a-z, digits and hyphens.", nil)
	case reservedHandles[h]:
		return "", badge.FieldError(badge.Invalid, "handle", "This address is reserved; choose another.", nil)
	}
	return h, nil
}

func (in ProfileInput) normalize() (ProfileInput, error) {
	var errs []error
	in.Handle = strings.TrimSpace(in.Handle)
	if in.Handle != "" || in.Public {
		h, err := NormalizeHandle(in.Handle)
		if err != nil {
			errs = append(errs, err)
		}
		in.Handle = h
	}
	text := func(v *string, field string, max int, multiline bool) {
		*v = strings.TrimSpace(*v)
		if !multiline {
			*v = strings.Join(strings.Fields(*v), " ")
		} else {
			*v = strings.ReplaceAll(*v, "\r\n", "\n")
		}
		if !utf8.ValidString(*v) || strings.ContainsRune(*v, 0) {
			errs = append(errs, badge.FieldError(badge.Invalid, field, "This text is not valid.", nil))
		} else if utf8.RuneCountInString(*v) > max {
			errs = append(errs, badge.FieldError(badge.Invalid, field, "This is too long.", nil))
		}
	}
	text(&in.DisplayName, "display_name", maxDisplayNameLen, false)
	text(&in.Headline, "headline", maxHeadlineLen, false)
	text(&in.Bio, "bio", maxBioLen, true)
	in.Website = strings.TrimSpace(in.Website)
	if in.Website != "" {
		u, err := url.Parse(in.Website)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(in.Website) > maxWebsiteLen {
			errs = append(errs, badge.FieldError(badge.Invalid, "website", "Give a web address starting with https://.", err))
		}
	}
	if len(errs) > 0 {
		return in, errors.Join(errs...)
	}
	return in, nil
}

func toProfile(p *store.Profile) *Profile {
	return &Profile{UserID: p.UserID, Handle: p.Handle, DisplayName: p.DisplayName, Headline: p.Headline, Bio: p.Bio,
		Website: p.Website, Public: p.Public, Discoverable: p.Discoverable, Safeguarding: p.Safeguarding, Saved: true}
}

// Profile returns the actor's profile (the defaults when none was saved).
func (s *Profiles) Profile(ctx context.Context, actor *badge.User) (*Profile, error) {
	if actor == nil {
		return nil, badge.Errorf(badge.Unauthorized, "Please sign in.")
	}
	var out *Profile
	err := s.store.View(ctx, func(tx *store.Tx) error {
		p, err := tx.ProfileByUser(ctx, actor.ID)
		if errors.Is(err, store.ErrNotFound) {
			out = &Profile{UserID: actor.ID, DisplayName: actor.Name}
			return nil
		}
		if err != nil {
			return err
		}
		out = toProfile(p)
		return nil
	})
	if err != nil {
		return nil, serviceErr(err)
	}
	return out, nil
}

// UpdateProfile saves the actor's profile. A public profile needs a handle; a handle another
// earner holds is Conflict on field "handle". Bad input changes nothing.
func (s *Profiles) UpdateProfile(ctx context.Context, actor *badge.User, in ProfileInput) (*Profile, error) {
	if actor == nil {
		return nil, badge.Errorf(badge.Unauthorized, "Please sign in.")
	}
	in, err := in.normalize()
	if err != nil {
		return nil, err
	}
	now := s.now()
	p := &store.Profile{UserID: actor.ID, Handle: in.Handle, DisplayName: in.DisplayName, Headline: in.Headline,
		Bio: in.Bio, Website: in.Website, Public: in.Public, Discoverable: in.Discoverable, Safeguarding: in.Safeguarding,
		CreatedAt: now, UpdatedAt: now}
	err = s.store.Update(ctx, func(tx *store.Tx) error { return tx.PutProfile(ctx, p) })
	if errors.Is(err, store.ErrDuplicate) {
		return nil, badge.FieldError(badge.Conflict, "handle", "Another earner has this address; choose another.", err)
	}
	if err != nil {
		return nil, serviceErr(err)
	}
	return toProfile(p), nil
}

// siteSafeguarding reads the site-wide switch in tx.
func siteSafeguarding(ctx context.Context, tx *store.Tx) (bool, error) {
	v, err := tx.Setting(ctx, store.SettingSafeguarding)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	return v == "on", err
}

// SiteSafeguarding reports whether the site's safeguarding mode is on.
func (s *Profiles) SiteSafeguarding(ctx context.Context) (bool, error) {
	var on bool
	err := s.store.View(ctx, func(tx *store.Tx) error {
		var err error
		on, err = siteSafeguarding(ctx, tx)
		return err
	})
	if err != nil {
		return false, serviceErr(err)
	}
	return on, nil
}

// SetSiteSafeguarding turns the site's safeguarding mode on or off: while it is on no
// profile, collection or badge is public, nothing can be shared and every page says noindex.
// Site administrators only; the change is audited.
func (s *Profiles) SetSiteSafeguarding(ctx context.Context, actor *badge.User, on bool) error {
	if actor == nil || !actor.IsAdmin {
		return badge.Errorf(badge.Forbidden, "Only site administrators change site settings.")
	}
	now := s.now()
	err := s.store.Update(ctx, func(tx *store.Tx) error {
		var err error
		if on {
			err = tx.PutSetting(ctx, store.SettingSafeguarding, "on", now)
		} else {
			err = tx.DeleteSetting(ctx, store.SettingSafeguarding)
		}
		if err != nil {
			return err
		}
		return RecordAudit(ctx, tx, now, actorName(ctx, actor), "settings.safeguarding", "site", map[string]bool{"on": on})
	})
	return serviceErr(err)
}

// SharingAllowed reports whether the user's badges may be shared, embedded or shown in
// public: false while the site's or the account's safeguarding mode is on. The sharing
// pages and routes must check it before showing a share panel or answering a share route
// (a NotFound page is the answer when it is false).
func (s *Profiles) SharingAllowed(ctx context.Context, userID int64) (bool, error) {
	var ok bool
	err := s.store.View(ctx, func(tx *store.Tx) error {
		var err error
		ok, err = sharingAllowed(ctx, tx, userID)
		return err
	})
	if err != nil {
		return false, serviceErr(err)
	}
	return ok, nil
}

func sharingAllowed(ctx context.Context, tx *store.Tx, userID int64) (bool, error) {
	site, err := siteSafeguarding(ctx, tx)
	if err != nil || site {
		return false, err
	}
	p, err := tx.ProfileByUser(ctx, userID)
	if errors.Is(err, store.ErrNotFound) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	return !p.Safeguarding, nil
}
