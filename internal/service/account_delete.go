package service

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/store"
)

// DeleteConfirmation is what the earner types to confirm deleting their account.
const DeleteConfirmation = "DELETE"

// AccountEraser removes what another part of Rosette keeps about a user and that the
// database does not remove by itself (no ON DELETE CASCADE or SET NULL on users(id)). It runs
// in the deleting transaction, before the user row goes.
type AccountEraser interface {
	EraseAccount(ctx context.Context, tx *store.Tx, userID int64) error
}

// AccountDeletionOptions are what AccountDeletion needs; Erasers may be empty.
type AccountDeletionOptions struct {
	Store    *store.Store
	Accounts *Accounts // for the password check
	Clock    badge.Clock
	Logger   *slog.Logger
	Erasers  []AccountEraser
}

// AccountDeletion deletes an earner's account and everything keyed to it (C8): addresses,
// sessions, API tokens, issuer staff roles, wallet items, CVs, and whatever the erasers and
// the schema's ON DELETE CASCADE rules cover. Awards issued to the person are the issuer's
// records and stay: their credentials keep verifying and the issuer can still revoke them.
type AccountDeletion struct{ o AccountDeletionOptions }

// NewAccountDeletion returns the account deletion service.
func NewAccountDeletion(o AccountDeletionOptions) *AccountDeletion {
	if o.Clock == nil {
		o.Clock = badge.SystemClock{}
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &AccountDeletion{o: o}
}

// Delete deletes the actor's own account after checking the typed confirmation (Invalid on
// field "confirm") and the password (see Accounts.Reauthenticate). The last site
// administrator cannot delete their account (Forbidden): another administrator must exist
// first. The audit event names only the account number, and the account's addresses and
// name are scrubbed from the audit log's older events (see scrubAuditTrail).
func (d *AccountDeletion) Delete(ctx context.Context, actor *badge.User, password, confirmation, clientAddr string) error {
	if actor == nil {
		return badge.Errorf(badge.Unauthorized, "Please sign in.")
	}
	if strings.TrimSpace(confirmation) != DeleteConfirmation {
		return badge.FieldError(badge.Invalid, "confirm", fmt.Sprintf("Type %s in capital letters to confirm.", DeleteConfirmation), nil)
	}
	if err := d.o.Accounts.Reauthenticate(ctx, actor.ID, password, clientAddr); err != nil {
		return err
	}
	subject := fmt.Sprintf("user:%d", actor.ID)
	err := d.o.Store.Update(ctx, func(tx *store.Tx) error {
		if err := tx.LockUser(ctx, actor.ID); err != nil {
			return err
		}
		u, err := tx.UserByID(ctx, actor.ID)
		if err != nil {
			return err
		}
		if u.IsAdmin {
			n, err := tx.CountAdmins(ctx)
			if err != nil {
				return err
			}
			if n <= 1 {
				return badge.Errorf(badge.Forbidden, "You are the only site administrator, so your account cannot be deleted: make another account an administrator first.")
			}
		}
		roles, err := tx.ListIssuersOfUser(ctx, u.ID)
		if err != nil {
			return err
		}
		cvs, err := tx.CVsByUser(ctx, u.ID)
		if err != nil {
			return err
		}
		items, err := tx.CountWalletItems(ctx, u.ID, "")
		if err != nil {
			return err
		}
		for _, e := range d.o.Erasers {
			if err := e.EraseAccount(ctx, tx, u.ID); err != nil {
				return err
			}
		}
		// The audit log keeps what happened but no longer names the person.
		if err := scrubAuditTrail(ctx, tx, u); err != nil {
			return err
		}
		// The sign-in throttle is keyed by the address: it goes too.
		if err := tx.ClearLoginFailures(ctx, u.EmailKey); err != nil {
			return err
		}
		if err := tx.DeleteUser(ctx, u.ID); err != nil {
			return err
		}
		return RecordAudit(ctx, tx, d.o.Clock.Now().UTC(), subject, "account.delete", subject, map[string]any{
			"admin": u.IsAdmin, "issuerRoles": len(roles), "walletItems": items, "cvs": len(cvs)})
	})
	if err != nil {
		return serviceErr(err)
	}
	d.o.Logger.InfoContext(ctx, "account deleted", "user_id", actor.ID)
	return nil
}
