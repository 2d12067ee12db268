package service

import (
	"context"
	"errors"
	"strings"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/store"
)

// Credential returns the award's signed OB 3.0 credential in one query that reads nothing
// else (the public credential route is the hottest path of a badge host). NotFound if there is
// no such award; Unavailable while it is being signed.
func (s *Awards) Credential(ctx context.Context, id string) ([]byte, error) {
	c, err := s.store.ReadAwardCredential(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, badge.Errorf(badge.NotFound, "There is no such badge.")
	}
	if err != nil {
		return nil, serviceErr(err)
	}
	if c == nil {
		return nil, errNotSigned
	}
	return c, nil
}

// maxClaimToken bounds a claim token read from a URL (ours are 43 characters).
const maxClaimToken = 128

// ClaimTarget returns the id of the award whose notification carried the claim token (the
// link in the award email; only the token's SHA-256 is stored). NotFound for a token that is
// not one. The claim page itself (accept, decline) is Earners.Claim; this is for a site
// without the earner pages, whose claim link leads to the award page.
func (s *Awards) ClaimTarget(ctx context.Context, token string) (string, error) {
	if token == "" || len(token) > maxClaimToken {
		return "", badge.Errorf(badge.NotFound, "This claim link is not valid.")
	}
	var id string
	err := s.store.View(ctx, func(tx *store.Tx) error {
		a, err := tx.AwardByClaimHash(ctx, tokenHash(token))
		if err != nil {
			return err
		}
		id = a.ID
		return nil
	})
	if errors.Is(err, store.ErrNotFound) {
		return "", badge.Errorf(badge.NotFound, "This claim link is not valid.")
	}
	if err != nil {
		return "", serviceErr(err)
	}
	return id, nil
}

// SetRecipientNameHidden records whether the award's public page shows the recipient's name.
// It is the earner's choice (the earner UI comes with the wallet): the actor must be the
// recipient (a user whose email address is the award's email identity) or, acting on the
// earner's request, issuer staff who may award (badge.ActAward). The signed credential is not
// changed; only the page leaves the name out. An audit event records each change.
func (s *Awards) SetRecipientNameHidden(ctx context.Context, actor *badge.User, id string, hidden bool) (*badge.Award, error) {
	if actor == nil {
		return nil, badge.Errorf(badge.Unauthorized, "Please sign in.")
	}
	now := s.now()
	var out *badge.Award
	err := s.store.Update(ctx, func(tx *store.Tx) error {
		a, err := tx.AwardByID(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			return badge.Errorf(badge.NotFound, "There is no such award.")
		}
		if err != nil {
			return err
		}
		mine, err := madeOutTo(ctx, tx, actor, a.RecipientType, a.RecipientIdentity)
		if err != nil {
			return err
		}
		if !mine {
			if _, err := check(ctx, tx, actor, a.IssuerID, badge.ActAward); err != nil {
				return err
			}
		}
		if a.RecipientNameHidden != hidden {
			if _, err := tx.SetAwardRecipientNameHidden(ctx, id, hidden); err != nil {
				return err
			}
			a.RecipientNameHidden = hidden
			if err := RecordAudit(ctx, tx, now, actorName(ctx, actor), "award.recipient_name_hidden", "award:"+id,
				map[string]any{"issuer": a.IssuerID, "hidden": hidden}); err != nil {
				return err
			}
		}
		out, err = toAward(a)
		return err
	})
	if err != nil {
		return nil, serviceErr(err)
	}
	return out, nil
}

// madeOutTo reports whether an award made out to (recipientType, identity) is the user's: an
// email address of theirs, the primary one (no read) or another confirmed one. A failed read
// is an error, not a "no".
func madeOutTo(ctx context.Context, tx *store.Tx, u *badge.User, recipientType, identity string) (bool, error) {
	if u == nil || u.ID == 0 || recipientType != string(badge.RecipientEmail) {
		return false, nil
	}
	key := strings.ToLower(identity) // recipient identities are stored lower-cased
	if strings.ToLower(u.Email) == key {
		return true, nil
	}
	e, err := tx.UserEmailOf(ctx, u.ID, key)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	return err == nil && !e.VerifiedAt.IsZero(), err
}

// AwardState is what decides how an award's public page looks, apart from what never changes
// once issued: revocation, signature, dates, the earner's choice to hide their name, and the
// last edit of the issuer's profile.
type AwardState = store.AwardState

// PublicState returns the award's state in one small read; NotFound if there is no such award.
// A page cached for the same state is the page to show.
func (s *Awards) PublicState(ctx context.Context, id string) (*AwardState, error) {
	st, err := s.store.ReadAwardState(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, badge.Errorf(badge.NotFound, "There is no such badge.")
	}
	if err != nil {
		return nil, serviceErr(err)
	}
	return st, nil
}
