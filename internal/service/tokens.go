package service

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/store"
)

// TokenPrefix starts every API token's text, so that secret scanners and people recognise it.
const TokenPrefix = "rst_"

// tokenTouchEvery is how often a token's last-used time is written: at most once a minute,
// so that a busy integration does not write on every request.
const tokenTouchEvery = time.Minute

// Tokens is the API tokens use case: a user's bearer tokens for /api/v1, each limited to some
// scopes (badge.Scope) and optionally to one issuer, and the authentication of API calls with
// them. A token acts as its user: Authenticate returns the user carrying the token's grant,
// and every permission check of the other services applies both. Safe for concurrent use.
type Tokens struct {
	store  *store.Store
	clock  badge.Clock
	logger *slog.Logger
}

// NewTokens returns the API tokens service.
func NewTokens(st *store.Store, clock badge.Clock, logger *slog.Logger) *Tokens {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Tokens{store: st, clock: clock, logger: logger}
}

func (s *Tokens) now() time.Time { return s.clock.Now().UTC() }

// hashToken is the stored form of a token's text: hex SHA-256.
func hashToken(text string) string {
	h := sha256.Sum256([]byte(text))
	return hex.EncodeToString(h[:])
}

// newTokenText returns "rst_" and 32 random bytes in lower-case unpadded base32 (52
// characters).
func newTokenText() string {
	var b [32]byte
	rand.Read(b[:])
	return TokenPrefix + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]))
}

func toAPIToken(t *store.APIToken) *badge.APIToken {
	var scopes []badge.Scope
	for _, f := range strings.Fields(t.Scopes) {
		scopes = append(scopes, badge.Scope(f))
	}
	return &badge.APIToken{ID: t.ID, UserID: t.UserID, IssuerID: t.IssuerID, Name: t.Name, Scopes: scopes, Prefix: t.TokenPrefix,
		CreatedAt: t.CreatedAt, LastUsedAt: t.LastUsedAt, ExpiresAt: t.ExpiresAt, RevokedAt: t.RevokedAt}
}

// mayManageTokens returns Forbidden unless the actor may manage the tokens of userID: the
// user themself or a site admin (or the command line), and never through an API token.
func mayManageTokens(ctx context.Context, tx *store.Tx, actor *badge.User, userID int64) error {
	if actor != nil && actor.Token != nil {
		return badge.Errorf(badge.Forbidden, "API tokens cannot manage API tokens.")
	}
	admin, _, err := access(ctx, tx, actor, "")
	if err != nil {
		return err
	}
	if !admin && actor.ID != userID {
		return badge.Errorf(badge.Forbidden, "You can only manage your own API tokens.")
	}
	return nil
}

// Create makes an API token for the user userID, limited to issuerID ("" = any issuer the user
// may act on) and to scopes, named name (default "API token"), expiring at expires (zero:
// never). It returns the token's text, which is shown once and never stored, and its record.
// The actor is the user themself or a site admin. Invalid (FieldErrors "name", "scopes",
// "expires", "issuer") for bad input; NotFound for no such user or issuer; Forbidden when the
// user is not staff of the issuer (or a site admin).
func (s *Tokens) Create(ctx context.Context, actor *badge.User, userID int64, issuerID, name string, scopes []string, expires time.Time) (string, *badge.APIToken, error) {
	now := s.now()
	var errs []error
	name = strings.TrimSpace(name)
	if name == "" {
		name = "API token"
	}
	if n, err := badge.NormalizeName(name); err != nil {
		errs = append(errs, err)
	} else {
		name = n
	}
	sc, err := badge.ParseScopes(scopes)
	if err != nil {
		errs = append(errs, err)
	}
	if !expires.IsZero() && !expires.After(now) {
		errs = append(errs, badge.FieldError(badge.Invalid, "expires", "The expiry must be in the future.", nil))
	}
	if len(errs) > 0 {
		return "", nil, errors.Join(errs...)
	}
	names := make([]string, len(sc))
	for i, x := range sc {
		names[i] = string(x)
	}
	text := newTokenText()
	row := &store.APIToken{UserID: userID, IssuerID: strings.TrimSpace(issuerID), Name: name, Scopes: strings.Join(names, " "),
		TokenHash: hashToken(text), TokenPrefix: text[:len(TokenPrefix)+4], CreatedAt: now, ExpiresAt: expires}
	err = s.store.Update(ctx, func(tx *store.Tx) error {
		if err := mayManageTokens(ctx, tx, actor, userID); err != nil {
			return err
		}
		owner, err := tx.UserByID(ctx, userID)
		if errors.Is(err, store.ErrNotFound) {
			return badge.Errorf(badge.NotFound, "There is no such user.")
		} else if err != nil {
			return err
		}
		if row.IssuerID != "" {
			// The token's user must be able to see the issuer now; their role decides the rest
			// at each call.
			if _, err := check(ctx, tx, toUser(owner), row.IssuerID, badge.ActView); err != nil {
				return badge.OnField(err, "issuer")
			}
		}
		if err := tx.InsertAPIToken(ctx, row); err != nil {
			return err
		}
		details := map[string]any{"name": name, "scopes": row.Scopes, "user": fmt.Sprintf("user:%d", userID)}
		if row.IssuerID != "" {
			details["issuer"] = row.IssuerID
		}
		return RecordAudit(ctx, tx, now, actorName(ctx, actor), "api_token.create", fmt.Sprintf("api_token:%d", row.ID), details)
	})
	if err != nil {
		return "", nil, serviceErr(err)
	}
	return text, toAPIToken(row), nil
}

// List returns the API tokens of the user userID, newest first, revoked and expired ones too
// (the actor is the user themself or a site admin).
func (s *Tokens) List(ctx context.Context, actor *badge.User, userID int64) ([]*badge.APIToken, error) {
	var out []*badge.APIToken
	err := s.store.View(ctx, func(tx *store.Tx) error {
		if err := mayManageTokens(ctx, tx, actor, userID); err != nil {
			return err
		}
		list, err := tx.ListAPITokens(ctx, userID)
		for _, t := range list {
			out = append(out, toAPIToken(t))
		}
		return err
	})
	if err != nil {
		return nil, serviceErr(err)
	}
	return out, nil
}

// Revoke ends the token id at once (the actor is its user or a site admin). NotFound if there
// is no such token (or it belongs to someone else and the actor is not a site admin);
// Conflict if it is revoked already.
func (s *Tokens) Revoke(ctx context.Context, actor *badge.User, id int64) (*badge.APIToken, error) {
	now := s.now()
	var out *badge.APIToken
	err := s.store.Update(ctx, func(tx *store.Tx) error {
		t, err := tx.APITokenByID(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			return badge.Errorf(badge.NotFound, "There is no such API token.")
		} else if err != nil {
			return err
		}
		if err := mayManageTokens(ctx, tx, actor, t.UserID); errors.Is(err, badge.Forbidden) {
			return badge.Errorf(badge.NotFound, "There is no such API token.")
		} else if err != nil {
			return err
		}
		if !t.RevokedAt.IsZero() {
			return badge.Errorf(badge.Conflict, "This API token is revoked already.")
		}
		if err := tx.RevokeAPIToken(ctx, id, now); err != nil {
			return err
		}
		t.RevokedAt = now
		out = toAPIToken(t)
		return RecordAudit(ctx, tx, now, actorName(ctx, actor), "api_token.revoke", fmt.Sprintf("api_token:%d", id), map[string]any{"user": fmt.Sprintf("user:%d", t.UserID)})
	})
	if err != nil {
		return nil, serviceErr(err)
	}
	return out, nil
}

// Authenticate returns the user acting with the token text, carrying the token's grant
// (badge.User.Token). Unauthorized, with one message for every case, when the token is
// malformed, unknown, revoked or expired, or its user is gone.
func (s *Tokens) Authenticate(ctx context.Context, text string) (*badge.User, error) {
	bad := badge.Errorf(badge.Unauthorized, "The API token is missing, unknown, revoked or expired.")
	if !strings.HasPrefix(text, TokenPrefix) || len(text) > 200 {
		return nil, bad
	}
	now := s.now()
	var t *store.APIToken
	var u *store.User
	err := s.store.View(ctx, func(tx *store.Tx) error {
		var err error
		if t, err = tx.APITokenByHash(ctx, hashToken(text)); errors.Is(err, store.ErrNotFound) {
			return bad
		} else if err != nil {
			return err
		}
		if !toAPIToken(t).Active(now) {
			return bad
		}
		if u, err = tx.UserByID(ctx, t.UserID); errors.Is(err, store.ErrNotFound) {
			return bad
		}
		return err
	})
	if err != nil {
		return nil, serviceErr(err)
	}
	if now.Sub(t.LastUsedAt) >= tokenTouchEvery {
		if err := s.store.Update(ctx, func(tx *store.Tx) error { return tx.TouchAPIToken(ctx, t.ID, now) }); err != nil {
			// Not worth failing the call for: the next one tries again.
			s.logger.WarnContext(ctx, "recording API token use", "token_id", t.ID, "error", err.Error())
		}
	}
	user := toUser(u)
	rec := toAPIToken(t)
	user.Token = &badge.TokenGrant{TokenID: t.ID, IssuerID: t.IssuerID, Scopes: rec.Scopes}
	return user, nil
}

// UserID returns the id of the user with this email address, for the command line (site
// admins only). NotFound if nobody has it.
func (s *Tokens) UserID(ctx context.Context, actor *badge.User, email string) (int64, error) {
	_, key, err := badge.NormalizeEmail(email)
	if err != nil {
		return 0, err
	}
	var id int64
	err = s.store.View(ctx, func(tx *store.Tx) error {
		if admin, _, err := access(ctx, tx, actor, ""); err != nil {
			return err
		} else if !admin || actor.Token != nil {
			return badge.Errorf(badge.Forbidden, "Only site administrators can look up users.")
		}
		u, err := tx.UserByEmailKey(ctx, key)
		if errors.Is(err, store.ErrNotFound) {
			return badge.Errorf(badge.NotFound, "Nobody has an account with the email address %s.", strings.TrimSpace(email))
		}
		if err == nil {
			id = u.ID
		}
		return err
	})
	if err != nil {
		return 0, serviceErr(err)
	}
	return id, nil
}
