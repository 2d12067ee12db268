package service

import (
	"context"
	"io"

	"github.com/rosettebadges/rosette/internal/badge"
)

// AccountData is what the account pages need for the earner's data rights: the password
// check, the data export and the account deletion, each done by its own service.
type AccountData struct {
	Accounts *Accounts
	Export   *AccountExport
	Deletion *AccountDeletion
}

// Reauthenticate checks the actor's password (Accounts.Reauthenticate).
func (d *AccountData) Reauthenticate(ctx context.Context, userID int64, password, clientAddr string) error {
	return d.Accounts.Reauthenticate(ctx, userID, password, clientAddr)
}

// WriteExport writes the actor's data export ZIP (AccountExport.Write); check the password first.
func (d *AccountData) WriteExport(ctx context.Context, actor *badge.User, w io.Writer) error {
	return d.Export.Write(ctx, actor, w)
}

// Delete deletes the actor's account (AccountDeletion.Delete).
func (d *AccountData) Delete(ctx context.Context, actor *badge.User, password, confirmation, clientAddr string) error {
	return d.Deletion.Delete(ctx, actor, password, confirmation, clientAddr)
}
