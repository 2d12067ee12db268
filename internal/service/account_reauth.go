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
	var key string // failures count against the account's sign-in key
	err := a.store.View(ctx, func(tx *store.Tx) error {
		u, err := tx.UserByID(ctx, userID)
		if err == nil {
			key = u.EmailKey
		}
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return badge.Errorf(badge.Unauthorized, "Please sign in again.")
	}
	if err != nil {
		return serviceErr(err)
	}
	u, err := a.checkPassword(ctx, key, clientAddr, password, func(tx *store.Tx) (*store.User, error) {
		return tx.UserByID(ctx, userID)
	})
	if err != nil {
		return err
	}
	if u == nil {
		return badge.FieldError(badge.Unauthorized, "password", "The password is incorrect.", nil)
	}
	return nil
}
