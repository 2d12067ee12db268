package service

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/mail"
	"github.com/rosettebadges/rosette/internal/store"
)

// EmailVerifyLifetime is how long an address-verification link works.
const EmailVerifyLifetime = 48 * time.Hour

// maxEmailsPerAccount bounds the addresses of one account.
const maxEmailsPerAccount = 20

// EmailAddress is one address of an account as the account page shows it.
type EmailAddress struct {
	ID       int64
	Email    string
	Verified bool
	Primary  bool // users.email: where mail goes, what signs in
	Expired  bool // unverified and its link has expired (add it again for a new one)
}

// Emails lists the user's addresses, the oldest first.
func (s *Earners) Emails(ctx context.Context, user *badge.User) ([]EmailAddress, error) {
	if user == nil {
		return nil, badge.Errorf(badge.Unauthorized, "Please sign in.")
	}
	now := s.now()
	var out []EmailAddress
	err := s.store.View(ctx, func(tx *store.Tx) error {
		u, err := tx.UserByID(ctx, user.ID)
		if err != nil {
			return err
		}
		rows, err := tx.UserEmails(ctx, user.ID)
		if err != nil {
			return err
		}
		for _, e := range rows {
			out = append(out, EmailAddress{ID: e.ID, Email: e.Email, Verified: !e.VerifiedAt.IsZero(), Primary: e.EmailKey == u.EmailKey,
				Expired: e.VerifiedAt.IsZero() && !now.Before(e.VerifyExpiresAt)})
		}
		return nil
	})
	if err != nil {
		return nil, serviceErr(err)
	}
	return out, nil
}

// AddEmail adds an address to the user's account, unverified, and queues an email with a
// link that verifies it (valid 48 hours). Adding an unverified address again sends a new
// link. Invalid for a malformed address (field "email"), Conflict when it is on the account
// already, or verified by another account (the message points to merging).
func (s *Earners) AddEmail(ctx context.Context, user *badge.User, email string) (*EmailAddress, error) {
	if user == nil {
		return nil, badge.Errorf(badge.Unauthorized, "Please sign in.")
	}
	email, key, err := badge.NormalizeEmail(email)
	if err != nil {
		return nil, err
	}
	token, hash, err := newToken()
	if err != nil {
		return nil, internal(err)
	}
	now := s.now()
	var out *EmailAddress
	err = s.store.Update(ctx, func(tx *store.Tx) error {
		if owner, err := tx.VerifiedEmail(ctx, key); err == nil {
			if owner.UserID == user.ID {
				return badge.FieldError(badge.Conflict, "email", email+" is already one of your addresses.", nil)
			}
			return badge.FieldError(badge.Conflict, "email", addressTakenMessage(email), nil)
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		e, err := tx.UserEmailOf(ctx, user.ID, key)
		switch {
		case errors.Is(err, store.ErrNotFound):
			rows, err := tx.UserEmails(ctx, user.ID)
			if err != nil {
				return err
			}
			if len(rows) >= maxEmailsPerAccount {
				return badge.FieldError(badge.Invalid, "email", fmt.Sprintf("An account can have at most %d addresses. Remove one first.", maxEmailsPerAccount), nil)
			}
			e = &store.UserEmail{UserID: user.ID, Email: email, EmailKey: key, VerifyTokenHash: hash,
				VerifyExpiresAt: now.Add(EmailVerifyLifetime), CreatedAt: now}
			if err := tx.InsertUserEmail(ctx, e); errors.Is(err, store.ErrDuplicate) {
				return badge.FieldError(badge.Conflict, "email", "This address was just added; try again.", err)
			} else if err != nil {
				return err
			}
		case err != nil:
			return err
		default:
			if err := tx.SetUserEmailToken(ctx, e.ID, hash, now.Add(EmailVerifyLifetime)); err != nil {
				return err
			}
		}
		m := mail.Message{To: email, Subject: "Confirm your email address",
			Text: fmt.Sprintf("Hello,\n\nSomeone (we hope you) added %s to a Rosette account, so that badges awarded to it appear in that account's wallet.\n\n"+
				"Confirm the address by opening this link within 48 hours:\n%s\n\nIf it was not you, ignore this email: nothing changes.\n",
				email, s.urls.EmailVerify(token)),
			Headers: map[string]string{"Auto-Submitted": "auto-generated"}}
		if _, _, err := s.emails.QueueEmail(ctx, tx, "email-verify:"+hash, m); err != nil {
			return err
		}
		out = &EmailAddress{ID: e.ID, Email: email}
		return RecordAudit(ctx, tx, now, fmt.Sprintf("user:%d", user.ID), "user.email_add", fmt.Sprintf("user:%d", user.ID),
			map[string]any{"email": email})
	})
	if err != nil {
		return nil, serviceErr(err)
	}
	return out, nil
}

// VerifyEmail verifies the address whose link carried token, on the account that added it
// (no sign-in needed: the link proves control of the address). NotFound for a token that is
// not one, Invalid for an expired link, Conflict if another account verified the address
// meanwhile.
func (s *Earners) VerifyEmail(ctx context.Context, token string) (*EmailAddress, error) {
	if token == "" || len(token) > maxClaimToken {
		return nil, badge.Errorf(badge.NotFound, "This verification link is not valid.")
	}
	now := s.now()
	var out *EmailAddress
	err := s.store.Update(ctx, func(tx *store.Tx) error {
		e, err := tx.UserEmailByTokenHash(ctx, tokenHash(token))
		if errors.Is(err, store.ErrNotFound) {
			return badge.Errorf(badge.NotFound, "This verification link is not valid, or was used already.")
		}
		if err != nil {
			return err
		}
		if !now.Before(e.VerifyExpiresAt) {
			return badge.Errorf(badge.Invalid, "This verification link has expired. Add the address again on your account page for a new one.")
		}
		if owner, err := tx.VerifiedEmail(ctx, e.EmailKey); err == nil && owner.UserID != e.UserID {
			return badge.Errorf(badge.Conflict, "%s", addressTakenMessage(e.Email))
		} else if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if err := tx.VerifyUserEmail(ctx, e.ID, now); errors.Is(err, store.ErrDuplicate) {
			return badge.Errorf(badge.Conflict, "%s", addressTakenMessage(e.Email)) // verified elsewhere just now
		} else if err != nil {
			return err
		}
		if err := tx.DeleteUnverifiedEmails(ctx, e.EmailKey, e.UserID); err != nil {
			return err
		}
		out = &EmailAddress{ID: e.ID, Email: e.Email, Verified: true}
		return RecordAudit(ctx, tx, now, fmt.Sprintf("user:%d", e.UserID), "user.email_verified", fmt.Sprintf("user:%d", e.UserID),
			map[string]any{"email": e.Email, "via": "link"})
	})
	if err != nil {
		return nil, serviceErr(err)
	}
	return out, nil
}

// userEmail returns the user's address row id; NotFound if it is not theirs.
func userEmail(ctx context.Context, tx *store.Tx, user *badge.User, id int64) (*store.UserEmail, error) {
	e, err := tx.UserEmailByID(ctx, id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && e.UserID != user.ID) {
		return nil, badge.Errorf(badge.NotFound, "There is no such address on your account.")
	}
	return e, err
}

// MakePrimary makes a verified address the account's primary one (users.email: sign-in and
// mail). Invalid for an unverified address.
func (s *Earners) MakePrimary(ctx context.Context, user *badge.User, id int64) error {
	if user == nil {
		return badge.Errorf(badge.Unauthorized, "Please sign in.")
	}
	now := s.now()
	err := s.store.Update(ctx, func(tx *store.Tx) error {
		e, err := userEmail(ctx, tx, user, id)
		if err != nil {
			return err
		}
		if e.VerifiedAt.IsZero() {
			return badge.Errorf(badge.Invalid, "Only a verified address can be the primary one. Open the link sent to %s first.", e.Email)
		}
		if err := tx.SetUserPrimaryEmail(ctx, user.ID, e.Email, e.EmailKey, now); err != nil {
			return err
		}
		return RecordAudit(ctx, tx, now, fmt.Sprintf("user:%d", user.ID), "user.email_primary", fmt.Sprintf("user:%d", user.ID),
			map[string]any{"email": e.Email})
	})
	return serviceErr(err)
}

// RemoveEmail removes an address from the account. The primary address and the last
// verified one cannot be removed (Invalid). Wallet items stay: they belong to the account,
// not to the address; awards to the address no longer show as waiting.
func (s *Earners) RemoveEmail(ctx context.Context, user *badge.User, id int64) error {
	if user == nil {
		return badge.Errorf(badge.Unauthorized, "Please sign in.")
	}
	now := s.now()
	err := s.store.Update(ctx, func(tx *store.Tx) error {
		e, err := userEmail(ctx, tx, user, id)
		if err != nil {
			return err
		}
		u, err := tx.UserByID(ctx, user.ID)
		if err != nil {
			return err
		}
		if e.EmailKey == u.EmailKey {
			return badge.Errorf(badge.Invalid, "%s is your primary address. Make another verified address primary first.", e.Email)
		}
		if !e.VerifiedAt.IsZero() {
			rows, err := tx.UserEmails(ctx, user.ID)
			if err != nil {
				return err
			}
			verified := 0
			for _, r := range rows {
				if !r.VerifiedAt.IsZero() {
					verified++
				}
			}
			if verified <= 1 {
				return badge.Errorf(badge.Invalid, "%s is your only verified address; it cannot be removed.", e.Email)
			}
		}
		if err := tx.DeleteUserEmail(ctx, e.ID); err != nil {
			return err
		}
		return RecordAudit(ctx, tx, now, fmt.Sprintf("user:%d", user.ID), "user.email_remove", fmt.Sprintf("user:%d", user.ID),
			map[string]any{"email": e.Email})
	})
	return serviceErr(err)
}
