package service

import (
	"context"
	"errors"
	"fmt"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/store"
)

// MergeResult says which account was merged into the signed-in one.
type MergeResult struct {
	MergedID    int64
	MergedEmail string
}

// Merge moves everything of another account into the user's and deletes it. The earner
// proves control of the other account with its email address (any verified one) and
// password; wrong ones are Unauthorized and count as failed sign-ins (TooMany after too
// many). Wallet items, verified addresses, issuer roles (the higher where both have one),
// API tokens and the rows of every table store.MergeUsers lists move; the other account's
// sessions end. One transaction; an audit event records it. Invalid for the account itself.
func (s *Earners) Merge(ctx context.Context, user *badge.User, email, password, clientAddr string) (*MergeResult, error) {
	if user == nil {
		return nil, badge.Errorf(badge.Unauthorized, "Please sign in.")
	}
	key := accountKey(email)
	other, err := s.accounts.checkPassword(ctx, key, clientAddr, password, func(tx *store.Tx) (*store.User, error) {
		return userByAnyEmail(ctx, tx, key)
	})
	if err != nil {
		return nil, err
	}
	if other == nil {
		return nil, badge.Errorf(badge.Unauthorized, "The email address or password of the other account is not right.")
	}
	now := s.now()
	if other.ID == user.ID {
		return nil, badge.FieldError(badge.Invalid, "email", "This is the account you are signed in with. Give the email address and password of the other one.", nil)
	}
	err = s.store.Update(ctx, func(tx *store.Tx) error {
		if err := tx.MergeUsers(ctx, user.ID, other.ID); err != nil {
			return err
		}
		if err := tx.ClearLoginFailures(ctx, key); err != nil {
			return err
		}
		return RecordAudit(ctx, tx, now, fmt.Sprintf("user:%d", user.ID), "user.merge", fmt.Sprintf("user:%d", user.ID),
			map[string]any{"merged_user": other.ID, "merged_email": other.Email})
	})
	if err != nil {
		return nil, serviceErr(err)
	}
	s.logger.InfoContext(ctx, "accounts merged", "user_id", user.ID, "merged_user_id", other.ID)
	return &MergeResult{MergedID: other.ID, MergedEmail: other.Email}, nil
}

// userByAnyEmail returns the account whose primary address, or one of whose verified
// addresses, is key; ErrNotFound if none.
func userByAnyEmail(ctx context.Context, tx *store.Tx, key string) (*store.User, error) {
	u, err := tx.UserByEmailKey(ctx, key)
	if !errors.Is(err, store.ErrNotFound) {
		return u, err
	}
	e, err := tx.VerifiedEmail(ctx, key)
	if err != nil {
		return nil, err
	}
	return tx.UserByID(ctx, e.UserID)
}
