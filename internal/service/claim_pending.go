package service

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/store"
)

// maxPending bounds the awards listed as waiting on the wallet page.
const maxPending = 50

// PendingAward is an award waiting for the earner: made out to an address verified on the
// account, neither accepted into the wallet nor declined.
type PendingAward struct {
	AwardID    string
	BadgeName  string
	IssuerName string
	ImageURL   string // absolute; "" if none
	Recipient  string // the address it was made out to
	IssuedAt   time.Time
	ExpiresAt  time.Time
}

// Pending returns the awards waiting for the user (at most 50, newest first). An award to an
// address added and verified later shows at once.
func (s *Earners) Pending(ctx context.Context, user *badge.User) ([]PendingAward, error) {
	if user == nil {
		return nil, badge.Errorf(badge.Unauthorized, "Please sign in.")
	}
	var out []PendingAward
	err := s.store.View(ctx, func(tx *store.Tx) error {
		as, err := tx.PendingAwards(ctx, user.ID, maxPending)
		if err != nil {
			return err
		}
		bases := map[string]*awardBase{}
		for _, a := range as {
			k := a.BadgeClassID + "\x00" + strconv.Itoa(a.BadgeClassVersion)
			b, ok := bases[k]
			if !ok {
				if b, err = loadAwardBase(ctx, tx, a); err != nil {
					return err
				}
				bases[k] = b
			}
			out = append(out, PendingAward{AwardID: a.ID, BadgeName: b.version.Fields.Name, IssuerName: b.issuer.Name,
				ImageURL: s.imageURL(b), Recipient: a.RecipientIdentity, IssuedAt: a.IssuedAt, ExpiresAt: a.ExpiresAt})
		}
		return nil
	})
	if err != nil {
		return nil, serviceErr(err)
	}
	return out, nil
}

// pendingAward returns an award the user may accept or decline from the wallet page: made
// out to an address verified on their account. NotFound otherwise (nothing is said about
// awards to others).
func pendingAward(ctx context.Context, tx *store.Tx, user *badge.User, awardID string) (*store.Award, error) {
	notFound := badge.Errorf(badge.NotFound, "There is no such badge waiting for you.")
	a, err := tx.AwardByID(ctx, awardID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, notFound
	}
	if err != nil {
		return nil, err
	}
	if a.RecipientType != string(badge.RecipientEmail) {
		return nil, notFound
	}
	e, err := tx.UserEmailOf(ctx, user.ID, a.RecipientIdentity)
	if errors.Is(err, store.ErrNotFound) || (err == nil && e.VerifiedAt.IsZero()) {
		return nil, notFound
	}
	if err != nil {
		return nil, err
	}
	return a, nil
}

// AcceptPending accepts a waiting award (see Pending) into the user's wallet; accepting it
// again changes nothing.
func (s *Earners) AcceptPending(ctx context.Context, user *badge.User, awardID string) (*store.WalletItem, error) {
	if user == nil {
		return nil, badge.Errorf(badge.Unauthorized, "Please sign in.")
	}
	return s.retryDuplicate(ctx, func(tx *store.Tx) (*store.WalletItem, error) {
		a, err := pendingAward(ctx, tx, user, awardID)
		if err != nil {
			return nil, err
		}
		return s.acceptInto(ctx, tx, user, a)
	})
}

// DeclinePending declines a waiting award: it is not offered again.
func (s *Earners) DeclinePending(ctx context.Context, user *badge.User, awardID string) error {
	if user == nil {
		return badge.Errorf(badge.Unauthorized, "Please sign in.")
	}
	_, err := s.retryDuplicate(ctx, func(tx *store.Tx) (*store.WalletItem, error) {
		a, err := pendingAward(ctx, tx, user, awardID)
		if err != nil {
			return nil, err
		}
		return nil, s.declineFor(ctx, tx, user, a)
	})
	return err
}

// WalletPageSize is how many items a page of the wallet lists.
const WalletPageSize = 50

// WalletPage is one page of the user's accepted wallet items (any source), newest first.
type WalletPage struct {
	Items []*store.WalletItem
	Total int64
	Page  int // from 1
}

// Wallet returns page (from 1) of the user's accepted wallet items.
func (s *Earners) Wallet(ctx context.Context, user *badge.User, page int) (*WalletPage, error) {
	if user == nil {
		return nil, badge.Errorf(badge.Unauthorized, "Please sign in.")
	}
	if page < 1 {
		page = 1
	}
	p := &WalletPage{Page: page}
	err := s.store.View(ctx, func(tx *store.Tx) error {
		var err error
		if p.Total, err = tx.CountWalletItems(ctx, user.ID, "accepted"); err != nil {
			return err
		}
		p.Items, err = tx.WalletItemsByUser(ctx, user.ID, "accepted", WalletPageSize, (page-1)*WalletPageSize)
		return err
	})
	if err != nil {
		return nil, serviceErr(err)
	}
	return p, nil
}

// IsStaff reports whether the user works on at least one issuer (the navigation shows the
// admin pages to staff and site admins only).
func (s *Earners) IsStaff(ctx context.Context, user *badge.User) (bool, error) {
	if user == nil {
		return false, nil
	}
	if user.IsAdmin {
		return true, nil
	}
	var staff bool
	err := s.store.View(ctx, func(tx *store.Tx) error {
		var err error
		staff, err = tx.UserIsStaff(ctx, user.ID)
		return err
	})
	return staff, serviceErr(err)
}
