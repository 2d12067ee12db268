package service

import (
	"context"
	"errors"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/store"
)

// PublicProfile is what anyone may see of an earner: the profile, the badges the earner made
// public, the public collections (with only their public badges) and the skills of the public
// badges.
type PublicProfile struct {
	Profile     *Profile
	Badges      []*ProfileBadge
	Collections []*Collection
	Skills      []Skill
	// Hidden: visitors get "not found" (the profile is private or a safeguarding mode is on);
	// set by PreviewProfile only.
	Hidden bool
}

var errNoProfile = badge.Errorf(badge.NotFound, "There is no such profile.")

// publicOwner returns the profile with this handle if anyone may see it: it exists, is
// public, and neither the site's nor the account's safeguarding mode is on. Otherwise
// NotFound, the same answer whichever the reason (a profile in safeguarding mode must not
// be told apart from a missing one).
func publicOwner(ctx context.Context, tx *store.Tx, handle string) (*store.Profile, error) {
	h, err := NormalizeHandle(handle)
	if err != nil {
		return nil, errNoProfile
	}
	p, err := tx.ProfileByHandle(ctx, h)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errNoProfile
	}
	if err != nil {
		return nil, err
	}
	site, err := siteSafeguarding(ctx, tx)
	if err != nil {
		return nil, err
	}
	if site || !p.Public || p.Safeguarding {
		return nil, errNoProfile
	}
	return p, nil
}

// PublicProfile returns the public view of the profile with this handle; NotFound when
// there is none to show (see publicOwner).
func (s *Profiles) PublicProfile(ctx context.Context, handle string) (*PublicProfile, error) {
	var out *PublicProfile
	err := s.store.View(ctx, func(tx *store.Tx) error {
		p, err := publicOwner(ctx, tx, handle)
		if err != nil {
			return err
		}
		out, err = publicView(ctx, tx, p)
		return err
	})
	if err != nil {
		return nil, serviceErr(err)
	}
	return out, nil
}

// PreviewProfile is the actor's own profile as the public would see it once it is public
// (the public badges and collections only), whatever its public and safeguarding settings:
// for the earner's preview. NotFound until the profile has a handle.
func (s *Profiles) PreviewProfile(ctx context.Context, actor *badge.User) (*PublicProfile, error) {
	if err := signedIn(actor); err != nil {
		return nil, err
	}
	var out *PublicProfile
	err := s.store.View(ctx, func(tx *store.Tx) error {
		p, err := tx.ProfileByUser(ctx, actor.ID)
		if errors.Is(err, store.ErrNotFound) || (err == nil && p.Handle == "") {
			return badge.Errorf(badge.NotFound, "Choose the address of your profile and save it first.")
		}
		if err != nil {
			return err
		}
		if out, err = publicView(ctx, tx, p); err != nil {
			return err
		}
		site, err := siteSafeguarding(ctx, tx)
		out.Hidden = site || !p.Public || p.Safeguarding
		return err
	})
	if err != nil {
		return nil, serviceErr(err)
	}
	return out, nil
}

// publicView reads what the public page of p shows.
func publicView(ctx context.Context, tx *store.Tx, p *store.Profile) (*PublicProfile, error) {
	out := &PublicProfile{Profile: toProfile(p)}
	items, err := tx.WalletItemsByUser(ctx, p.UserID, "accepted", maxWalletList, 0)
	if err != nil {
		return nil, err
	}
	var public []*store.WalletItem
	for _, w := range items {
		if w.Visibility == Public {
			public = append(public, w)
			out.Badges = append(out.Badges, toProfileBadge(w))
		}
	}
	if out.Collections, err = collections(ctx, tx, p.UserID, true); err != nil {
		return nil, err
	}
	if out.Skills, err = skillsOf(ctx, tx, public); err != nil {
		return nil, err
	}
	return out, nil
}

// PublicBadge returns one public badge of the public profile with this handle (for the
// read-only page of an imported badge); NotFound unless both are public.
func (s *Profiles) PublicBadge(ctx context.Context, handle, itemID string) (*Profile, *ProfileBadge, error) {
	var prof *Profile
	var b *ProfileBadge
	err := s.store.View(ctx, func(tx *store.Tx) error {
		p, err := publicOwner(ctx, tx, handle)
		if err != nil {
			return err
		}
		w, err := tx.WalletItemByID(ctx, itemID)
		if errors.Is(err, store.ErrNotFound) || (err == nil && (w.UserID != p.UserID || w.State != "accepted" || w.Visibility != Public)) {
			return badge.Errorf(badge.NotFound, "There is no such badge.")
		}
		if err != nil {
			return err
		}
		prof, b = toProfile(p), toProfileBadge(w)
		return nil
	})
	if err != nil {
		return nil, nil, serviceErr(err)
	}
	return prof, b, nil
}

// Skills returns the skills gathered from every badge the actor holds (accepted), merged
// across issuers.
func (s *Profiles) Skills(ctx context.Context, actor *badge.User) ([]Skill, error) {
	if err := signedIn(actor); err != nil {
		return nil, err
	}
	var out []Skill
	err := s.store.View(ctx, func(tx *store.Tx) error {
		items, err := tx.WalletItemsByUser(ctx, actor.ID, "accepted", maxWalletList, 0)
		if err != nil {
			return err
		}
		out, err = skillsOf(ctx, tx, items)
		return err
	})
	if err != nil {
		return nil, serviceErr(err)
	}
	return out, nil
}

// skillsOf merges the skills of the items' credentials: an award item's is the award's
// credential (the signed one, else the one recorded before signing), any other item's the
// bytes stored with it.
func skillsOf(ctx context.Context, tx *store.Tx, items []*store.WalletItem) ([]Skill, error) {
	var sources []SkillSource
	for _, w := range items {
		cred := w.Credential
		if w.Source == "award" && w.AwardID != "" {
			a, err := tx.AwardByID(ctx, w.AwardID)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return nil, err
			}
			if a != nil {
				cred = a.Credential
				if cred == nil {
					cred = a.UnsignedCredential
				}
			}
		}
		sources = append(sources, SkillSource{Badge: SkillBadge{ItemID: w.ID, Name: w.Name, IssuerName: w.IssuerName},
			Skills: ExtractSkills(cred)})
	}
	return MergeSkills(sources), nil
}
