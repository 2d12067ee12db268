package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/store"
)

// SectionInput is a new or edited section. Kind is ignored when editing (a section keeps its
// kind).
type SectionInput struct {
	Kind  string
	Title string
	Items []string // badges: wallet item ids
	Text  string   // text
	Links []CVLink // links (see ParseCVLinks)
	Lines []string // contact
}

// checkSection validates a section's content and returns its stored body. Errors are Invalid
// on the fields "kind", "title", "items", "text", "links" or "lines".
func checkSection(ctx context.Context, tx *store.Tx, userID int64, kind string, in SectionInput) (title, body string, err error) {
	if !slices.Contains(CVSectionKinds(), kind) {
		return "", "", badge.FieldError(badge.Invalid, "kind", "Choose a kind of section from the list.", nil)
	}
	if title, err = CheckCVTitle(in.Title, false); err != nil {
		return "", "", err
	}
	var b sectionBody
	switch kind {
	case SectionBadges:
		if len(in.Items) > maxCVBadgeItems {
			return "", "", badge.FieldError(badge.Invalid, "items", fmt.Sprintf("A section may show at most %d badges.", maxCVBadgeItems), nil)
		}
		seen := map[string]bool{}
		for _, id := range in.Items {
			if seen[id] {
				continue
			}
			seen[id] = true
			w, err := tx.WalletItemByID(ctx, id)
			if errors.Is(err, store.ErrNotFound) || (err == nil && (w.UserID != userID || w.State != "accepted")) {
				return "", "", badge.FieldError(badge.Invalid, "items", "Choose badges from your wallet.", nil)
			}
			if err != nil {
				return "", "", err
			}
			b.Items = append(b.Items, id)
		}
	case SectionText:
		b.Text, err = checkCVText(in.Text, maxCVText, "text")
	case SectionLinks:
		if len(in.Links) > maxCVLinks {
			return "", "", badge.FieldError(badge.Invalid, "links", fmt.Sprintf("A section may have at most %d links.", maxCVLinks), nil)
		}
		for _, l := range in.Links {
			if _, err := checkCVLink(l); err != nil {
				return "", "", err
			}
		}
		b.Links = in.Links
	case SectionContact:
		for _, l := range in.Lines {
			l, err := checkCVText(l, maxCVLine, "lines")
			if err != nil {
				return "", "", err
			}
			if l != "" {
				b.Lines = append(b.Lines, l)
			}
		}
		if len(b.Lines) > maxCVLines {
			return "", "", badge.FieldError(badge.Invalid, "lines", fmt.Sprintf("A contact section may have at most %d lines.", maxCVLines), nil)
		}
	}
	if err != nil {
		return "", "", err
	}
	raw, err := json.Marshal(b)
	if err != nil {
		return "", "", err
	}
	return title, string(raw), nil
}

// AddSection appends a section to one of the actor's CVs.
func (s *CVs) AddSection(ctx context.Context, actor *badge.User, cvID string, in SectionInput) (*CVSection, error) {
	var out *CVSection
	err := s.o.Store.Update(ctx, func(tx *store.Tx) error {
		c, err := lockOwnCV(ctx, tx, actor, cvID)
		if err != nil {
			return err
		}
		title, body, err := checkSection(ctx, tx, actor.ID, in.Kind, in)
		if err != nil {
			return err
		}
		secs, err := tx.CVSections(ctx, c.ID)
		if err != nil {
			return err
		}
		if len(secs) >= maxSectionsPerCV {
			return badge.Errorf(badge.Conflict, "A CV may have at most %d sections.", maxSectionsPerCV)
		}
		now := s.now()
		row := &store.CVSection{ID: newAwardID(), CVID: c.ID, Position: len(secs), Kind: in.Kind, Title: title, Body: body,
			CreatedAt: now, UpdatedAt: now}
		if err := tx.InsertCVSection(ctx, row); err != nil {
			return err
		}
		c.UpdatedAt = now
		if err := tx.UpdateCV(ctx, c); err != nil {
			return err
		}
		out, err = toCVSection(row)
		return err
	})
	if err != nil {
		return nil, internal(err)
	}
	return out, nil
}

// ownSection loads one of the actor's CV sections and its CV (locked: it is used in write
// transactions); NotFound if it is not theirs.
func ownSection(ctx context.Context, tx *store.Tx, actor *badge.User, cvID, sectionID string) (*store.CV, *store.CVSection, error) {
	c, err := lockOwnCV(ctx, tx, actor, cvID)
	if err != nil {
		return nil, nil, err
	}
	sec, err := tx.CVSectionByID(ctx, sectionID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && sec.CVID != c.ID) {
		return nil, nil, badge.Errorf(badge.NotFound, "There is no such section.")
	}
	return c, sec, err
}

// EditSection replaces the title and content of a section (its kind stays).
func (s *CVs) EditSection(ctx context.Context, actor *badge.User, cvID, sectionID string, in SectionInput) error {
	err := s.o.Store.Update(ctx, func(tx *store.Tx) error {
		c, sec, err := ownSection(ctx, tx, actor, cvID, sectionID)
		if err != nil {
			return err
		}
		title, body, err := checkSection(ctx, tx, actor.ID, sec.Kind, in)
		if err != nil {
			return err
		}
		now := s.now()
		sec.Title, sec.Body, sec.UpdatedAt = title, body, now
		if err := tx.UpdateCVSection(ctx, sec); err != nil {
			return err
		}
		c.UpdatedAt = now
		return tx.UpdateCV(ctx, c)
	})
	return serviceErr(err)
}

// RemoveSection deletes a section; the ones after it move up.
func (s *CVs) RemoveSection(ctx context.Context, actor *badge.User, cvID, sectionID string) error {
	return s.reorder(ctx, actor, cvID, sectionID, func(secs []*store.CVSection, i int) []*store.CVSection {
		return slices.Delete(secs, i, i+1)
	}, true)
}

// MoveSection moves a section one place up (delta -1) or down (+1); at either end it stays.
func (s *CVs) MoveSection(ctx context.Context, actor *badge.User, cvID, sectionID string, delta int) error {
	if delta != -1 && delta != 1 {
		return badge.Errorf(badge.Invalid, "A section moves one place up or down.")
	}
	return s.reorder(ctx, actor, cvID, sectionID, func(secs []*store.CVSection, i int) []*store.CVSection {
		if j := i + delta; j >= 0 && j < len(secs) {
			secs[i], secs[j] = secs[j], secs[i]
		}
		return secs
	}, false)
}

// reorder applies change to the CV's sections in order (i: the index of sectionID), then
// numbers them 0, 1, ... again, writing those whose position changed (remove: deleting
// sectionID first).
func (s *CVs) reorder(ctx context.Context, actor *badge.User, cvID, sectionID string,
	change func(secs []*store.CVSection, i int) []*store.CVSection, remove bool) error {
	err := s.o.Store.Update(ctx, func(tx *store.Tx) error {
		c, _, err := ownSection(ctx, tx, actor, cvID, sectionID)
		if err != nil {
			return err
		}
		secs, err := tx.CVSections(ctx, c.ID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(secs, func(x *store.CVSection) bool { return x.ID == sectionID })
		if remove {
			if err := tx.DeleteCVSection(ctx, sectionID); err != nil {
				return err
			}
		}
		now := s.now()
		for pos, sec := range change(secs, i) {
			if sec.Position != pos {
				sec.Position, sec.UpdatedAt = pos, now
				if err := tx.UpdateCVSection(ctx, sec); err != nil {
					return err
				}
			}
		}
		c.UpdatedAt = now
		return tx.UpdateCV(ctx, c)
	})
	return serviceErr(err)
}
