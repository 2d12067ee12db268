package service

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/store"
)

// Login checks an email and password and starts a session. Wrong email or password is
// Unauthorized with one generic message; too many recent failures for the account (5 per 15
// minutes by default) or the client address (20) is TooMany, counted in the database so the
// limit holds across nodes.
func (a *Accounts) Login(ctx context.Context, email, password, clientAddr string) (*badge.User, *Session, error) {
	key := accountKey(email)
	u, err := a.checkPassword(ctx, key, clientAddr, password, func(tx *store.Tx) (*store.User, error) {
		return userByAnyEmail(ctx, tx, key) // the primary address or any verified one
	})
	if err != nil {
		return nil, nil, err
	}
	if u == nil {
		return nil, nil, badge.Errorf(badge.Unauthorized, "The email address or password is incorrect.")
	}
	now := a.now()
	token, hash, err := newToken()
	if err != nil {
		return nil, nil, internal(err)
	}
	s := &store.Session{TokenHash: hash, UserID: u.ID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(a.opts.SessionLifetime)}
	err = a.store.Update(ctx, func(tx *store.Tx) error {
		if err := tx.ClearLoginFailures(ctx, key); err != nil {
			return err
		}
		return tx.InsertSession(ctx, s)
	})
	if err != nil {
		return nil, nil, internal(err)
	}
	return toUser(u), &Session{Token: token, ExpiresAt: s.ExpiresAt}, nil
}

// touchEvery is how stale last-seen may get before SessionUser writes it again.
const touchEvery = time.Minute

// SessionUser returns the user of a session token and records its use. Unauthorized if the
// token is unknown, expired or idle too long (an expired session is deleted).
func (a *Accounts) SessionUser(ctx context.Context, token string) (*badge.User, error) {
	unauth := badge.Errorf(badge.Unauthorized, "Please sign in.")
	if token == "" {
		return nil, unauth
	}
	hash := tokenHash(token)
	now := a.now()
	var s *store.Session
	var u *store.User
	err := a.store.View(ctx, func(tx *store.Tx) error {
		var err error
		if s, err = tx.SessionByTokenHash(ctx, hash); err != nil {
			return err
		}
		u, err = tx.UserByID(ctx, s.UserID)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil, unauth
	}
	if err != nil {
		return nil, internal(err)
	}
	if !now.Before(s.ExpiresAt) || !now.Before(s.LastSeenAt.Add(a.opts.SessionIdle)) {
		if err := a.store.Update(ctx, func(tx *store.Tx) error { return tx.DeleteSessionByTokenHash(ctx, hash) }); err != nil {
			return nil, internal(err)
		}
		return nil, badge.Errorf(badge.Unauthorized, "Your session has expired. Please sign in again.")
	}
	if now.Sub(s.LastSeenAt) >= touchEvery {
		if err := a.store.Update(ctx, func(tx *store.Tx) error { return tx.TouchSession(ctx, s.ID, now) }); err != nil {
			return nil, internal(err)
		}
	}
	return toUser(u), nil
}

// Logout ends the session of token; an unknown token is not an error.
func (a *Accounts) Logout(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	if err := a.store.Update(ctx, func(tx *store.Tx) error { return tx.DeleteSessionByTokenHash(ctx, tokenHash(token)) }); err != nil {
		return internal(err)
	}
	return nil
}

// ChangePassword sets a user's password after checking the current one, and ends every other
// session of the user (keepToken, the caller's session, stays). Unauthorized on field
// "current_password" if current is wrong; Invalid on field "new_password" if next breaks the
// password rules.
func (a *Accounts) ChangePassword(ctx context.Context, userID int64, current, next string, keepToken string) error {
	if err := CheckPassword(next); err != nil {
		return badge.OnField(err, "new_password")
	}
	var u *store.User
	err := a.store.View(ctx, func(tx *store.Tx) error {
		var err error
		u, err = tx.UserByID(ctx, userID)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return badge.E(badge.NotFound, "No such user.", err)
	}
	if err != nil {
		return internal(err)
	}
	ok, err := a.opts.Hasher.Verify(ctx, current, u.PasswordHash)
	if err != nil {
		return internal(err)
	}
	if !ok {
		return badge.FieldError(badge.Unauthorized, "current_password", "The current password is incorrect.", nil)
	}
	ph, err := a.opts.Hasher.Hash(ctx, next)
	if err != nil {
		return err
	}
	keep := ""
	if keepToken != "" {
		keep = tokenHash(keepToken)
	}
	now := a.now()
	err = a.store.Update(ctx, func(tx *store.Tx) error {
		if err := tx.SetPasswordHash(ctx, u.ID, ph, now); err != nil {
			return err
		}
		ended, err := tx.DeleteUserSessions(ctx, u.ID, keep)
		if err != nil {
			return err
		}
		return RecordAudit(ctx, tx, now, fmt.Sprintf("user:%d", u.ID), "user.password_change", fmt.Sprintf("user:%d", u.ID),
			map[string]any{"sessions_ended": ended})
	})
	if err != nil {
		return internal(err)
	}
	return nil
}

// ResetPassword sets the password of the user with this email (an admin action, e.g. from the
// command line), ends all of the user's sessions and clears sign-in throttling. NotFound if no
// user has this email.
func (a *Accounts) ResetPassword(ctx context.Context, email, password string) error {
	_, key, err := badge.NormalizeEmail(email)
	if err != nil {
		return err
	}
	if err := CheckPassword(password); err != nil {
		return err
	}
	ph, err := a.opts.Hasher.Hash(ctx, password)
	if err != nil {
		return err
	}
	now := a.now()
	err = a.store.Update(ctx, func(tx *store.Tx) error {
		u, err := tx.UserByEmailKey(ctx, key)
		if errors.Is(err, store.ErrNotFound) {
			return badge.E(badge.NotFound, fmt.Sprintf("No user has the email address %s.", email), err)
		}
		if err != nil {
			return err
		}
		if err := tx.SetPasswordHash(ctx, u.ID, ph, now); err != nil {
			return err
		}
		ended, err := tx.DeleteUserSessions(ctx, u.ID, "")
		if err != nil {
			return err
		}
		if err := tx.ClearLoginFailures(ctx, key); err != nil {
			return err
		}
		return RecordAudit(ctx, tx, now, ActorFrom(ctx), "user.password_reset", fmt.Sprintf("user:%d", u.ID),
			map[string]any{"sessions_ended": ended})
	})
	if err != nil {
		return internal(err)
	}
	return nil
}

// DeleteExpiredSessions removes sessions past their lifetime or idle timeout (housekeeping,
// e.g. from a periodic job) and returns how many.
func (a *Accounts) DeleteExpiredSessions(ctx context.Context) (int64, error) {
	now := a.now()
	var n int64
	err := a.store.Update(ctx, func(tx *store.Tx) error {
		var err error
		n, err = tx.DeleteExpiredSessions(ctx, now, now.Add(-a.opts.SessionIdle))
		return err
	})
	if err != nil {
		return 0, internal(err)
	}
	return n, nil
}

// AuditLog returns audit events, newest first, at most limit, with id below beforeID (0 = from
// the newest).
func (a *Accounts) AuditLog(ctx context.Context, beforeID int64, limit int) ([]*store.AuditEvent, error) {
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	var out []*store.AuditEvent
	err := a.store.View(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.ListAuditEvents(ctx, beforeID, limit)
		return err
	})
	if err != nil {
		return nil, internal(err)
	}
	return out, nil
}

// checkPassword is the throttled password check behind signing in, merging accounts and
// re-authenticating. TooMany once the account key or the client address has failed too often
// in the window. find loads the account (ErrNotFound: none). A wrong password, or no account
// (a dummy hash is verified then, so both take as long), records a failure and returns a nil
// user: the caller words the Unauthorized answer.
func (a *Accounts) checkPassword(ctx context.Context, key, clientAddr, password string, find func(tx *store.Tx) (*store.User, error)) (*store.User, error) {
	clientAddr = truncate(clientAddr, 100)
	if len(password) > MaxPasswordLen {
		password = password[:MaxPasswordLen+1] // fails verification like any wrong password
	}
	now := a.now()
	var u *store.User
	err := a.store.View(ctx, func(tx *store.Tx) error {
		acct, addr, err := tx.CountLoginFailures(ctx, key, clientAddr, now.Add(-a.opts.FailureWindow))
		if err != nil {
			return err
		}
		if acct >= int64(a.opts.AccountFailures) || addr >= int64(a.opts.AddrFailures) {
			return badge.Errorf(badge.TooMany, "Too many failed attempts. Please wait %d minutes and try again.",
				int(a.opts.FailureWindow/time.Minute))
		}
		u, err = find(tx)
		if errors.Is(err, store.ErrNotFound) {
			u = nil
			return nil
		}
		return err
	})
	if err != nil {
		return nil, serviceErr(err)
	}
	phc := a.dummy
	if u != nil {
		phc = u.PasswordHash
	}
	ok, err := a.opts.Hasher.Verify(ctx, password, phc)
	if err != nil {
		return nil, internal(err)
	}
	if u != nil && ok {
		return u, nil
	}
	err = a.store.Update(ctx, func(tx *store.Tx) error {
		if err := tx.PruneLoginFailures(ctx, now.Add(-a.opts.FailureWindow)); err != nil {
			return err
		}
		return tx.InsertLoginFailure(ctx, key, clientAddr, now)
	})
	if err != nil {
		return nil, internal(err)
	}
	a.logger.InfoContext(ctx, "password check failed", "client_addr", clientAddr)
	return nil, nil
}
