package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/links"
	"github.com/rosettebadges/rosette/internal/store"
)

// The kinds of CV section.
const (
	SectionBadges  = "badges"  // badges chosen from the earner's accepted wallet items
	SectionText    = "text"    // free text
	SectionLinks   = "links"   // labelled links
	SectionContact = "contact" // contact lines (email, phone, town...)
	SectionSkills  = "skills"  // the skills gathered from every badge held (CVSkillSource)
)

// CVSectionKinds lists the section kinds in the order the builder offers them.
func CVSectionKinds() []string {
	return []string{SectionBadges, SectionText, SectionLinks, SectionContact, SectionSkills}
}

// Limits of a CV, so that one earner cannot fill the database.
const (
	maxCVsPerUser     = 50
	maxSectionsPerCV  = 40
	maxCVTitle        = 200
	maxCVText         = 10000
	maxCVLinks        = 30
	maxCVLines        = 20
	maxCVLine         = 300
	maxCVBadgeItems   = 100
	maxCVWalletChoice = 500 // the accepted wallet items a badge section may choose from
)

// CV is an earner's CV. Sections is filled by Get only.
type CV struct {
	ID         string
	UserID     int64
	Title      string
	ShareToken string // "" while private; the CV is then readable by anyone at /cv/{token}
	SharedAt   time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time
	Sections   []*CVSection
}

// Shared reports whether the CV is shared by URL.
func (c *CV) Shared() bool { return c.ShareToken != "" }

// CVLink is one link of a links section.
type CVLink struct {
	Label string `json:"label"`
	URL   string `json:"url"`
}

// CVSection is one section of a CV; which content fields are used depends on Kind.
type CVSection struct {
	ID       string
	Position int
	Kind     string
	Title    string
	Items    []string // badges: wallet item ids, in order
	Text     string   // text
	Links    []CVLink // links
	Lines    []string // contact
}

// sectionBody is the JSON stored in cv_sections.body.
type sectionBody struct {
	Items []string `json:"items,omitempty"`
	Text  string   `json:"text,omitempty"`
	Links []CVLink `json:"links,omitempty"`
	Lines []string `json:"lines,omitempty"`
}

// CVSkill is one skill a skills section shows: a tag or an alignment gathered from the
// badges an earner holds, with how many badges name it.
type CVSkill struct {
	Name      string
	Framework string // of an alignment, "" for a tag
	Code      string
	URL       string
	Badges    int
}

// CVSkillSource gathers an earner's skills from every badge they hold (the profile's skills
// view provides it).
type CVSkillSource interface {
	SkillsOf(ctx context.Context, userID int64) ([]CVSkill, error)
}

// CVSkillsFunc is a CVSkillSource made of a function (e.g. one mapping the profile's skills
// view for the account).
type CVSkillsFunc func(ctx context.Context, userID int64) ([]CVSkill, error)

// SkillsOf calls f.
func (f CVSkillsFunc) SkillsOf(ctx context.Context, userID int64) ([]CVSkill, error) {
	return f(ctx, userID)
}

// CVRenderer sets a CV document as a PDF, written to w.
type CVRenderer interface {
	RenderCV(ctx context.Context, w io.Writer, doc *CVDocument) error
}

// CVsOptions are what CVs needs. Skills and Renderer may be nil: skills sections then say
// the skills are not available, and PDF export is Unavailable. PublicItemURL, if set, is the
// public page of a wallet item the earner made public ("" if it has none; used for the QR
// code of an imported badge whose credential has no https id). SharingAllowed, if set, says
// whether the account may share at all (the site's and the account's safeguarding
// settings): when it may not, CVs cannot be shared and shared links answer NotFound.
type CVsOptions struct {
	Store          *store.Store
	Awards         *Awards
	URLs           links.URLs
	Clock          badge.Clock
	Logger         *slog.Logger
	Skills         CVSkillSource
	Renderer       CVRenderer
	PublicItemURL  func(ctx context.Context, userID int64, itemID string) (string, error)
	SharingAllowed func(ctx context.Context, userID int64) (bool, error)
}

// sharingAllowed applies the safeguarding settings (CVsOptions.SharingAllowed).
func (s *CVs) sharingAllowed(ctx context.Context, userID int64) (bool, error) {
	if s.o.SharingAllowed == nil {
		return true, nil
	}
	ok, err := s.o.SharingAllowed(ctx, userID)
	if err != nil {
		return false, internal(err)
	}
	return ok, nil
}

// CVs is the CV builder: an earner's CVs, their sections, sharing by URL and PDF export.
// Safe for concurrent use.
type CVs struct{ o CVsOptions }

// NewCVs returns the CV service.
func NewCVs(o CVsOptions) *CVs {
	if o.Clock == nil {
		o.Clock = badge.SystemClock{}
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &CVs{o: o}
}

func (s *CVs) now() time.Time { return s.o.Clock.Now().UTC().Truncate(time.Microsecond) }

var errNoCV = badge.Errorf(badge.NotFound, "There is no such CV.")

func toCV(c *store.CV) *CV {
	return &CV{ID: c.ID, UserID: c.UserID, Title: c.Title, ShareToken: c.ShareToken, SharedAt: c.SharedAt,
		CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
}

func toCVSection(s *store.CVSection) (*CVSection, error) {
	var b sectionBody
	if err := json.Unmarshal([]byte(s.Body), &b); err != nil {
		return nil, fmt.Errorf("cv section %s: body: %w", s.ID, err)
	}
	return &CVSection{ID: s.ID, Position: s.Position, Kind: s.Kind, Title: s.Title, Items: b.Items, Text: b.Text,
		Links: b.Links, Lines: b.Lines}, nil
}

// ownCV loads the actor's CV; NotFound when it is someone else's (its existence is not told).
func ownCV(ctx context.Context, tx *store.Tx, actor *badge.User, id string) (*store.CV, error) {
	if actor == nil {
		return nil, badge.Errorf(badge.Unauthorized, "Please sign in.")
	}
	c, err := tx.CVByID(ctx, id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && c.UserID != actor.ID) {
		return nil, errNoCV
	}
	return c, err
}

// lockOwnCV is ownCV in a write transaction: the CV's row is locked first, so that
// concurrent changes to its sections are done one after the other.
func lockOwnCV(ctx context.Context, tx *store.Tx, actor *badge.User, id string) (*store.CV, error) {
	if actor == nil {
		return nil, badge.Errorf(badge.Unauthorized, "Please sign in.")
	}
	if err := tx.LockCV(ctx, id); errors.Is(err, store.ErrNotFound) {
		return nil, errNoCV
	} else if err != nil {
		return nil, err
	}
	return ownCV(ctx, tx, actor, id)
}

// CheckCVTitle normalizes a CV or section title; Invalid on field "title".
func CheckCVTitle(title string, required bool) (string, error) {
	t, err := badge.NormalizeName(title)
	if err != nil {
		return "", badge.FieldError(badge.Invalid, "title", "A title must be at most 200 characters, without control characters.", err)
	}
	if required && t == "" {
		return "", badge.FieldError(badge.Invalid, "title", "Give the CV a title.", nil)
	}
	return t, nil
}

// List returns the actor's CVs, oldest first (without their sections).
func (s *CVs) List(ctx context.Context, actor *badge.User) ([]*CV, error) {
	var out []*CV
	err := s.o.Store.View(ctx, func(tx *store.Tx) error {
		list, err := tx.CVsByUser(ctx, actor.ID)
		for _, c := range list {
			out = append(out, toCV(c))
		}
		return err
	})
	if err != nil {
		return nil, internal(err)
	}
	return out, nil
}

// Get returns one of the actor's CVs with its sections in order; NotFound if it is not theirs.
func (s *CVs) Get(ctx context.Context, actor *badge.User, id string) (*CV, error) {
	var out *CV
	err := s.o.Store.View(ctx, func(tx *store.Tx) error {
		c, err := ownCV(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		out = toCV(c)
		out.Sections, err = sectionsOf(ctx, tx, c.ID)
		return err
	})
	if err != nil {
		return nil, internal(err)
	}
	return out, nil
}

func sectionsOf(ctx context.Context, tx *store.Tx, cvID string) ([]*CVSection, error) {
	rows, err := tx.CVSections(ctx, cvID)
	if err != nil {
		return nil, err
	}
	out := make([]*CVSection, 0, len(rows))
	for _, r := range rows {
		sec, err := toCVSection(r)
		if err != nil {
			return nil, err
		}
		out = append(out, sec)
	}
	return out, nil
}

// Create makes a CV with this title for the actor: private, without sections. Invalid on
// "title"; Conflict past 50 CVs.
func (s *CVs) Create(ctx context.Context, actor *badge.User, title string) (*CV, error) {
	title, err := CheckCVTitle(title, true)
	if err != nil {
		return nil, err
	}
	now := s.now()
	c := &store.CV{ID: newAwardID(), UserID: actor.ID, Title: title, CreatedAt: now, UpdatedAt: now}
	err = s.o.Store.Update(ctx, func(tx *store.Tx) error {
		list, err := tx.CVsByUser(ctx, actor.ID)
		if err != nil {
			return err
		}
		if len(list) >= maxCVsPerUser {
			return badge.Errorf(badge.Conflict, "You have %d CVs, the most one account may have. Delete one first.", len(list))
		}
		return tx.InsertCV(ctx, c)
	})
	if err != nil {
		return nil, internal(err)
	}
	return toCV(c), nil
}

// Rename changes the title of one of the actor's CVs.
func (s *CVs) Rename(ctx context.Context, actor *badge.User, id, title string) error {
	title, err := CheckCVTitle(title, true)
	if err != nil {
		return err
	}
	return s.updateCV(ctx, actor, id, func(c *store.CV) error { c.Title = title; return nil })
}

// updateCV loads the actor's CV, lets change modify it, and writes it with a new updated time.
func (s *CVs) updateCV(ctx context.Context, actor *badge.User, id string, change func(c *store.CV) error) error {
	err := s.o.Store.Update(ctx, func(tx *store.Tx) error {
		c, err := lockOwnCV(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if err := change(c); err != nil {
			return err
		}
		c.UpdatedAt = s.now()
		return tx.UpdateCV(ctx, c)
	})
	return serviceErr(err)
}

// Delete deletes one of the actor's CVs (its share link stops working).
func (s *CVs) Delete(ctx context.Context, actor *badge.User, id string) error {
	err := s.o.Store.Update(ctx, func(tx *store.Tx) error {
		if _, err := lockOwnCV(ctx, tx, actor, id); err != nil {
			return err
		}
		return tx.DeleteCV(ctx, id)
	})
	return serviceErr(err)
}

// Share makes the CV readable by anyone with its link and returns the link's token: a new
// random one (32 bytes) unless the CV is already shared, whose token is kept. Forbidden when
// the safeguarding settings turn sharing off for the account.
func (s *CVs) Share(ctx context.Context, actor *badge.User, id string) (string, error) {
	if actor != nil {
		ok, err := s.sharingAllowed(ctx, actor.ID)
		if err != nil {
			return "", err
		}
		if !ok {
			return "", badge.Errorf(badge.Forbidden, "Sharing is turned off for your account, so CVs cannot be shared by link.")
		}
	}
	var token string
	err := s.updateCV(ctx, actor, id, func(c *store.CV) error {
		if c.ShareToken == "" {
			t, _, err := newToken()
			if err != nil {
				return err
			}
			c.ShareToken, c.SharedAt = t, s.now()
		}
		token = c.ShareToken
		return nil
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// StopSharing makes the CV private again: its link stops working for good (sharing it again
// makes a new one).
func (s *CVs) StopSharing(ctx context.Context, actor *badge.User, id string) error {
	return s.updateCV(ctx, actor, id, func(c *store.CV) error {
		c.ShareToken, c.SharedAt = "", time.Time{}
		return nil
	})
}

// CVBadgeChoice is a badge a badges section may show: one of the earner's accepted wallet items.
type CVBadgeChoice struct {
	ItemID     string
	Name       string
	IssuerName string
	IssuedAt   time.Time
}

// BadgeChoices returns the actor's accepted wallet items, newest first: what a badges section
// may show.
func (s *CVs) BadgeChoices(ctx context.Context, actor *badge.User) ([]CVBadgeChoice, error) {
	var out []CVBadgeChoice
	err := s.o.Store.View(ctx, func(tx *store.Tx) error {
		items, err := tx.WalletItemsByUser(ctx, actor.ID, "accepted", maxCVWalletChoice, 0)
		for _, w := range items {
			name := w.Name
			if name == "" && w.AwardID != "" && s.o.Awards != nil {
				if p, err := s.o.Awards.Public(ctx, w.AwardID); err == nil {
					name = p.BadgeClass.Fields.Name
				}
			}
			out = append(out, CVBadgeChoice{ItemID: w.ID, Name: name, IssuerName: w.IssuerName, IssuedAt: w.IssuedAt})
		}
		return err
	})
	if err != nil {
		return nil, internal(err)
	}
	return out, nil
}
