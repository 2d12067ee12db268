package service

import (
	"context"
	"errors"
	"log/slog"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/store"
)

// maxWalletPage bounds one page of items or credentials.
const maxWalletPage = 1000

var errNoWalletItem = badge.Errorf(badge.NotFound, "There is no such badge in your wallet.")

// Items returns a page of the user's accepted items, newest first, and how many there are.
func (s *Wallet) Items(ctx context.Context, user *badge.User, limit, offset int) ([]*WalletItem, int, error) {
	if user == nil {
		return nil, 0, badge.Errorf(badge.Unauthorized, "Sign in to see your wallet.")
	}
	limit, offset = walletPage(limit, offset)
	var items []*WalletItem
	var total int64
	err := s.store.View(ctx, func(tx *store.Tx) error {
		var err error
		if items, err = tx.WalletItemsByUser(ctx, user.ID, "accepted", limit, offset); err != nil {
			return err
		}
		total, err = tx.CountWalletItems(ctx, user.ID, "accepted")
		return err
	})
	if err != nil {
		return nil, 0, serviceErr(err)
	}
	return items, int(total), nil
}

func walletPage(limit, offset int) (int, int) {
	if limit <= 0 || limit > maxWalletPage {
		limit = maxWalletPage
	}
	return limit, max(offset, 0)
}

// Item returns one of the user's items. NotFound if there is no such item or it is another
// user's.
func (s *Wallet) Item(ctx context.Context, user *badge.User, id string) (*WalletItem, error) {
	if user == nil {
		return nil, badge.Errorf(badge.Unauthorized, "Sign in to see your wallet.")
	}
	var item *WalletItem
	err := s.store.View(ctx, func(tx *store.Tx) error {
		var err error
		item, err = ownItem(ctx, tx, user, id)
		return err
	})
	if err != nil {
		return nil, serviceErr(err)
	}
	return item, nil
}

// ownItem loads the item if it is the user's (errNoWalletItem otherwise).
func ownItem(ctx context.Context, tx *store.Tx, user *badge.User, id string) (*WalletItem, error) {
	if id == "" || len(id) > 64 {
		return nil, errNoWalletItem
	}
	item, err := tx.WalletItemByID(ctx, id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && item.UserID != user.ID) {
		return nil, errNoWalletItem
	}
	return item, err
}

// Remove deletes one of the user's items (an award item too: the award stays, it is only no
// longer in the wallet).
func (s *Wallet) Remove(ctx context.Context, user *badge.User, id string) error {
	if user == nil {
		return badge.Errorf(badge.Unauthorized, "Sign in to change your wallet.")
	}
	err := s.store.Update(ctx, func(tx *store.Tx) error {
		if _, err := ownItem(ctx, tx, user, id); err != nil {
			return err
		}
		return tx.DeleteWalletItem(ctx, id)
	})
	if err != nil {
		return serviceErr(err)
	}
	s.logger.LogAttrs(ctx, slog.LevelInfo, "wallet badge removed", slog.Int64("user", user.ID), slog.String("item", id))
	return nil
}

// Credentials returns a page of the credentials of the user's accepted items, newest first,
// each in the form it is held (an award: its signed OB 3.0 credential), and how many accepted
// items there are. An award whose credential is not signed yet is left out of the page.
func (s *Wallet) Credentials(ctx context.Context, user *badge.User, limit, offset int) ([]HeldCredential, int, error) {
	items, total, err := s.Items(ctx, user, limit, offset)
	if err != nil {
		return nil, 0, err
	}
	out := make([]HeldCredential, 0, len(items))
	for _, it := range items {
		h, err := s.held(ctx, it)
		if errors.Is(err, badge.Unavailable) || errors.Is(err, badge.NotFound) {
			continue
		}
		if err != nil {
			return nil, 0, err
		}
		out = append(out, h)
	}
	return out, total, nil
}

// held is the credential of an item in its held form.
func (s *Wallet) held(ctx context.Context, it *WalletItem) (HeldCredential, error) {
	if it.Source == WalletSourceAward {
		if s.awards == nil {
			return HeldCredential{}, badge.Errorf(badge.Unavailable, "Award credentials are not available here.")
		}
		c, err := s.awards.Credential(ctx, it.AwardID)
		if err != nil {
			return HeldCredential{}, err
		}
		return HeldCredential{ItemID: it.ID, Format: "ob3-json", Credential: c}, nil
	}
	return HeldCredential{ItemID: it.ID, Format: it.Format, Credential: it.Credential}, nil
}

// Held returns the credential of one of the user's items in its held form (for downloads).
func (s *Wallet) Held(ctx context.Context, user *badge.User, id string) (HeldCredential, error) {
	it, err := s.Item(ctx, user, id)
	if err != nil {
		return HeldCredential{}, err
	}
	return s.held(ctx, it)
}
