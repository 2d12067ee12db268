package service

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/store"
)

// Visibility of a wallet item or a collection.
const (
	Private = "private"
	Public  = "public"
)

// ProfileBadge is a badge of an earner's wallet as the profile pages show it (the summary
// read from its credential when it was added, and the verifier's last verdict).
type ProfileBadge struct {
	ID           string
	Source       string // "award" (AwardID set: its public page is the award's), "import", "api"
	AwardID      string
	Name         string
	Description  string
	IssuerName   string
	IssuerURL    string
	ImageURL     string
	IssuedAt     time.Time
	ExpiresAt    time.Time
	VerifyStatus string
	CheckedAt    time.Time
	Visibility   string
}

// Public reports whether the earner made the badge public.
func (b *ProfileBadge) Public() bool { return b.Visibility == Public }

func toProfileBadge(w *store.WalletItem) *ProfileBadge {
	return &ProfileBadge{ID: w.ID, Source: w.Source, AwardID: w.AwardID, Name: w.Name, Description: w.Description,
		IssuerName: w.IssuerName, IssuerURL: w.IssuerURL, ImageURL: w.ImageURL, IssuedAt: w.IssuedAt, ExpiresAt: w.ExpiresAt,
		VerifyStatus: w.VerifyStatus, CheckedAt: w.CheckedAt, Visibility: w.Visibility}
}

// Collection is a named, ordered group of an earner's badges.
type Collection struct {
	ID          string
	Name        string
	Description string
	Visibility  string
	Badges      []*ProfileBadge
}

// Public reports whether the earner made the collection public.
func (c *Collection) Public() bool { return c.Visibility == Public }

// CollectionInput is what the earner edits of a collection.
type CollectionInput struct {
	Name        string
	Description string
	Visibility  string // "private" (default when empty) or "public"
}

const (
	maxCollectionName = 100
	maxCollectionDesc = 1000
	// maxWalletList bounds the badges read for one earner's pages.
	maxWalletList = 1000
)

func (in CollectionInput) normalize() (CollectionInput, error) {
	var errs []error
	in.Name = strings.Join(strings.Fields(in.Name), " ")
	in.Description = strings.TrimSpace(strings.ReplaceAll(in.Description, "\r\n", "\n"))
	switch {
	case in.Name == "":
		errs = append(errs, badge.FieldError(badge.Invalid, "name", "Give the collection a name.", nil))
	case !utf8.ValidString(in.Name) || utf8.RuneCountInString(in.Name) > maxCollectionName:
		errs = append(errs, badge.FieldError(badge.Invalid, "name", "Use at most 100 characters.", nil))
	}
	if !utf8.ValidString(in.Description) || utf8.RuneCountInString(in.Description) > maxCollectionDesc {
		errs = append(errs, badge.FieldError(badge.Invalid, "description", "Use at most 1000 characters.", nil))
	}
	if in.Visibility == "" {
		in.Visibility = Private
	}
	if in.Visibility != Private && in.Visibility != Public {
		errs = append(errs, badge.FieldError(badge.Invalid, "visibility", "Choose private or public.", nil))
	}
	return in, errors.Join(errs...)
}

func newCollectionID() string {
	var b [16]byte
	rand.Read(b[:])
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]))
}

func signedIn(actor *badge.User) error {
	if actor == nil {
		return badge.Errorf(badge.Unauthorized, "Please sign in.")
	}
	return nil
}

var errNoCollection = badge.Errorf(badge.NotFound, "There is no such collection.")
var errNoItem = badge.Errorf(badge.NotFound, "There is no such badge in your wallet.")

// ownCollection loads the actor's collection (NotFound for anyone else's).
func ownCollection(ctx context.Context, tx *store.Tx, actor *badge.User, id string) (*store.Collection, error) {
	c, err := tx.CollectionByID(ctx, id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && c.UserID != actor.ID) {
		return nil, errNoCollection
	}
	return c, err
}

// ownItem loads the actor's accepted wallet item (NotFound for anyone else's or a declined
// one).
func ownItem(ctx context.Context, tx *store.Tx, actor *badge.User, id string) (*store.WalletItem, error) {
	w, err := tx.WalletItemByID(ctx, id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && (w.UserID != actor.ID || w.State != "accepted")) {
		return nil, errNoItem
	}
	return w, err
}

// Badges returns the actor's accepted badges, newest first.
func (s *Profiles) Badges(ctx context.Context, actor *badge.User) ([]*ProfileBadge, error) {
	if err := signedIn(actor); err != nil {
		return nil, err
	}
	var out []*ProfileBadge
	err := s.store.View(ctx, func(tx *store.Tx) error {
		items, err := tx.WalletItemsByUser(ctx, actor.ID, "accepted", maxWalletList, 0)
		for _, w := range items {
			out = append(out, toProfileBadge(w))
		}
		return err
	})
	return out, serviceErr(err)
}

// Collections returns the actor's collections in their order, each with its badges.
func (s *Profiles) Collections(ctx context.Context, actor *badge.User) ([]*Collection, error) {
	if err := signedIn(actor); err != nil {
		return nil, err
	}
	var out []*Collection
	err := s.store.View(ctx, func(tx *store.Tx) error {
		var err error
		out, err = collections(ctx, tx, actor.ID, false)
		return err
	})
	return out, serviceErr(err)
}

// collections reads a user's collections; onlyPublic keeps the public ones, with only their
// public badges.
func collections(ctx context.Context, tx *store.Tx, userID int64, onlyPublic bool) ([]*Collection, error) {
	cs, err := tx.CollectionsByUser(ctx, userID)
	if err != nil {
		return nil, err
	}
	var out []*Collection
	for _, c := range cs {
		if onlyPublic && c.Visibility != Public {
			continue
		}
		items, err := tx.CollectionItems(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		col := &Collection{ID: c.ID, Name: c.Name, Description: c.Description, Visibility: c.Visibility}
		for _, w := range items {
			if w.State != "accepted" || (onlyPublic && w.Visibility != Public) {
				continue
			}
			col.Badges = append(col.Badges, toProfileBadge(w))
		}
		out = append(out, col)
	}
	return out, nil
}

// CreateCollection adds a collection at the end of the actor's list.
func (s *Profiles) CreateCollection(ctx context.Context, actor *badge.User, in CollectionInput) (*Collection, error) {
	if err := signedIn(actor); err != nil {
		return nil, err
	}
	in, err := in.normalize()
	if err != nil {
		return nil, err
	}
	now := s.now()
	c := &store.Collection{ID: newCollectionID(), UserID: actor.ID, Name: in.Name, Description: in.Description,
		Visibility: in.Visibility, CreatedAt: now, UpdatedAt: now}
	err = s.store.Update(ctx, func(tx *store.Tx) error {
		cs, err := tx.CollectionsByUser(ctx, actor.ID)
		if err != nil {
			return err
		}
		if len(cs) > 0 {
			c.Position = cs[len(cs)-1].Position + 1
		}
		return tx.InsertCollection(ctx, c)
	})
	if err != nil {
		return nil, serviceErr(err)
	}
	return &Collection{ID: c.ID, Name: c.Name, Description: c.Description, Visibility: c.Visibility}, nil
}

// UpdateCollection changes a collection's name, description and visibility.
func (s *Profiles) UpdateCollection(ctx context.Context, actor *badge.User, id string, in CollectionInput) error {
	if err := signedIn(actor); err != nil {
		return err
	}
	in, err := in.normalize()
	if err != nil {
		return err
	}
	return serviceErr(s.store.Update(ctx, func(tx *store.Tx) error {
		c, err := ownCollection(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		c.Name, c.Description, c.Visibility, c.UpdatedAt = in.Name, in.Description, in.Visibility, s.now()
		_, err = tx.UpdateCollection(ctx, c)
		return err
	}))
}

// DeleteCollection removes a collection (the badges stay in the wallet).
func (s *Profiles) DeleteCollection(ctx context.Context, actor *badge.User, id string) error {
	if err := signedIn(actor); err != nil {
		return err
	}
	return serviceErr(s.store.Update(ctx, func(tx *store.Tx) error {
		if _, err := ownCollection(ctx, tx, actor, id); err != nil {
			return err
		}
		_, err := tx.DeleteCollection(ctx, id)
		return err
	}))
}

// MoveCollection moves a collection one place up (delta < 0) or down (delta > 0) in the
// actor's list; at either end it stays where it is.
func (s *Profiles) MoveCollection(ctx context.Context, actor *badge.User, id string, delta int) error {
	if err := signedIn(actor); err != nil {
		return err
	}
	return serviceErr(s.store.Update(ctx, func(tx *store.Tx) error {
		if _, err := ownCollection(ctx, tx, actor, id); err != nil {
			return err
		}
		cs, err := tx.CollectionsByUser(ctx, actor.ID)
		if err != nil {
			return err
		}
		i := 0
		for i < len(cs) && cs[i].ID != id {
			i++
		}
		if j := i + sign(delta); j >= 0 && j < len(cs) {
			cs[i], cs[j] = cs[j], cs[i]
		}
		now := s.now()
		for pos, c := range cs {
			if c.Position != pos {
				c.Position, c.UpdatedAt = pos, now
				if _, err := tx.UpdateCollection(ctx, c); err != nil {
					return err
				}
			}
		}
		return nil
	}))
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

// AddToCollection puts one of the actor's accepted badges at the end of their collection.
// A badge already in it is Conflict.
func (s *Profiles) AddToCollection(ctx context.Context, actor *badge.User, collectionID, itemID string) error {
	if err := signedIn(actor); err != nil {
		return err
	}
	err := s.store.Update(ctx, func(tx *store.Tx) error {
		if _, err := ownCollection(ctx, tx, actor, collectionID); err != nil {
			return err
		}
		if _, err := ownItem(ctx, tx, actor, itemID); err != nil {
			return err
		}
		pos, err := tx.NextCollectionItemPosition(ctx, collectionID)
		if err != nil {
			return err
		}
		return tx.AddCollectionItem(ctx, collectionID, itemID, pos, s.now())
	})
	if errors.Is(err, store.ErrDuplicate) {
		return badge.E(badge.Conflict, "This badge is already in the collection.", err)
	}
	return serviceErr(err)
}

// RemoveFromCollection takes a badge out of the actor's collection (it stays in the wallet).
func (s *Profiles) RemoveFromCollection(ctx context.Context, actor *badge.User, collectionID, itemID string) error {
	if err := signedIn(actor); err != nil {
		return err
	}
	return serviceErr(s.store.Update(ctx, func(tx *store.Tx) error {
		if _, err := ownCollection(ctx, tx, actor, collectionID); err != nil {
			return err
		}
		ok, err := tx.RemoveCollectionItem(ctx, collectionID, itemID)
		if err == nil && !ok {
			return errNoItem
		}
		return err
	}))
}

// MoveInCollection moves a badge one place up (delta < 0) or down (delta > 0) in the actor's
// collection.
func (s *Profiles) MoveInCollection(ctx context.Context, actor *badge.User, collectionID, itemID string, delta int) error {
	if err := signedIn(actor); err != nil {
		return err
	}
	return serviceErr(s.store.Update(ctx, func(tx *store.Tx) error {
		if _, err := ownCollection(ctx, tx, actor, collectionID); err != nil {
			return err
		}
		items, err := tx.CollectionItems(ctx, collectionID)
		if err != nil {
			return err
		}
		i := 0
		for i < len(items) && items[i].ID != itemID {
			i++
		}
		if i == len(items) {
			return errNoItem
		}
		if j := i + sign(delta); j >= 0 && j < len(items) {
			items[i], items[j] = items[j], items[i]
		}
		for pos, w := range items {
			if err := tx.SetCollectionItemPosition(ctx, collectionID, w.ID, pos); err != nil {
				return err
			}
		}
		return nil
	}))
}

// SetItemVisibility makes one of the actor's accepted badges public or private. Public
// badges show on the public profile (and in public collections) while the profile is public
// and no safeguarding mode is on.
func (s *Profiles) SetItemVisibility(ctx context.Context, actor *badge.User, itemID, visibility string) error {
	if err := signedIn(actor); err != nil {
		return err
	}
	if visibility != Private && visibility != Public {
		return badge.FieldError(badge.Invalid, "visibility", "Choose private or public.", nil)
	}
	return serviceErr(s.store.Update(ctx, func(tx *store.Tx) error {
		if _, err := ownItem(ctx, tx, actor, itemID); err != nil {
			return err
		}
		_, err := tx.SetWalletItemVisibility(ctx, actor.ID, itemID, visibility, s.now())
		return err
	}))
}
