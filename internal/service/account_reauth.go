package service

import (
	"context"
	"errors"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/store"
)

// Reauthenticate checks the signed-in user's password again before something grave (a data
// export, deleting the account). Failures count towards the same throttle as sign-in (per
// account and per client address): TooMany once it is reached, Unauthorized on field
// "password" for a wrong password.
func (a *Accounts) Reauthenticate(ctx context.Context, userID int64, password, clientAddr string) error {
	clientAddr = truncate(clientAddr, 100)
	if len(password) > MaxPasswordLen {
		password = password[:MaxPasswordLen+1]
	}
	now := a.now()
	var u *store.User
	err := a.store.View(ctx, func(tx *store.Tx) error {
		var err error
		if u, err = tx.UserByID(ctx, userID); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return badge.Errorf(badge.Unauthorized, "Please sign in again.")
			}
			return err
		}
		acct, addr, err := tx.CountLoginFailures(ctx, u.EmailKey, clientAddr, now.Add(-a.opts.FailureWindow))
		if err != nil {
			return err
		}
		if acct >= int64(a.opts.AccountFailures) || addr >= int64(a.opts.AddrFailures) {
			return badge.Errorf(badge.TooMany, "Too many wrong passwords. Please wait %d minutes and try again.",
				int(a.opts.FailureWindow.Minutes()))
		}
		return nil
	})
	if err != nil {
		return serviceErr(err)
	}
	ok, err := a.opts.Hasher.Verify(ctx, password, u.PasswordHash)
	if err != nil {
		return serviceErr(err)
	}
	if !ok {
		err := a.store.Update(ctx, func(tx *store.Tx) error {
			if err := tx.PruneLoginFailures(ctx, now.Add(-a.opts.FailureWindow)); err != nil {
				return err
			}
			return tx.InsertLoginFailure(ctx, u.EmailKey, clientAddr, now)
		})
		if err != nil {
			return serviceErr(err)
		}
		return badge.FieldError(badge.Unauthorized, "password", "The password is incorrect.", nil)
	}
	return nil
}
