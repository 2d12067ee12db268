package service

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/store"
)

// AccountsOptions tunes Accounts; zero fields take the defaults shown.
type AccountsOptions struct {
	SessionLifetime time.Duration   // 14 days: a session ends this long after sign-in
	SessionIdle     time.Duration   // 3 days: a session ends this long after last use
	Hasher          *PasswordHasher // NewPasswordHasher(OWASPParams(), 2)

	AccountFailures int           // 5 failed sign-ins per account...
	AddrFailures    int           // ...or 20 per client address...
	FailureWindow   time.Duration // ...within 15 minutes refuse further attempts
}

// Accounts is the accounts use case: users, passwords, sessions, sign-in throttling,
// first-run setup. Safe for concurrent use.
type Accounts struct {
	store  *store.Store
	clock  badge.Clock
	logger *slog.Logger
	opts   AccountsOptions
	dummy  string // a hash verified when the account does not exist, to keep timing alike
}

// Session is a new sign-in: Token goes to the browser (cookie); only its SHA-256 is stored.
type Session struct {
	Token     string
	ExpiresAt time.Time
}

// NewAccounts returns the accounts service.
func NewAccounts(st *store.Store, clock badge.Clock, logger *slog.Logger, opts AccountsOptions) *Accounts {
	if opts.SessionLifetime <= 0 {
		opts.SessionLifetime = 14 * 24 * time.Hour
	}
	if opts.SessionIdle <= 0 {
		opts.SessionIdle = 3 * 24 * time.Hour
	}
	if opts.Hasher == nil {
		opts.Hasher = NewPasswordHasher(OWASPParams(), 2)
	}
	if opts.AccountFailures <= 0 {
		opts.AccountFailures = 5
	}
	if opts.AddrFailures <= 0 {
		opts.AddrFailures = 20
	}
	if opts.FailureWindow <= 0 {
		opts.FailureWindow = 15 * time.Minute
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	a := &Accounts{store: st, clock: clock, logger: logger, opts: opts}
	a.dummy, _ = opts.Hasher.Hash(context.Background(), "not a real password, only for timing")
	return a
}

// internal wraps an unexpected error.
func internal(err error) error {
	var be *badge.Error
	if errors.As(err, &be) {
		return err
	}
	return badge.E(badge.Internal, "Something went wrong on our side. Please try again later.", err)
}

func (a *Accounts) now() time.Time { return a.clock.Now().UTC() }

func toUser(u *store.User) *badge.User {
	return &badge.User{ID: u.ID, Email: u.Email, Name: u.Name, IsAdmin: u.IsAdmin, CreatedAt: u.CreatedAt}
}

func newToken() (token, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", err
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, tokenHash(token), nil
}

func tokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// SetupNeeded reports whether no user exists yet (first run).
func (a *Accounts) SetupNeeded(ctx context.Context) (bool, error) {
	var n int64
	err := a.store.View(ctx, func(tx *store.Tx) error {
		var err error
		n, err = tx.CountUsers(ctx)
		return err
	})
	if err != nil {
		return false, internal(err)
	}
	return n == 0, nil
}

// NewSetupToken makes the one-time first-run setup token, replacing any previous one, and
// stores only its hash. Forbidden once a user exists.
func (a *Accounts) NewSetupToken(ctx context.Context) (string, error) {
	token, hash, err := newToken()
	if err != nil {
		return "", internal(err)
	}
	err = a.store.Update(ctx, func(tx *store.Tx) error {
		n, err := tx.CountUsers(ctx)
		if err != nil {
			return err
		}
		if n > 0 {
			return badge.Errorf(badge.Forbidden, "Setup is already complete.")
		}
		return tx.PutSetting(ctx, store.SettingSetupTokenHash, hash, a.now())
	})
	if err != nil {
		return "", internal(err)
	}
	return token, nil
}

// CompleteSetup consumes the setup token and creates the first user, an admin, atomically.
// Forbidden if the token is wrong or used or a user exists; Invalid for bad fields, with
// every problem on its field ("email", "name" (required here), "password"; see
// CheckNewUser), and the token is then not consumed.
func (a *Accounts) CompleteSetup(ctx context.Context, token, email, name, password string) (*badge.User, error) {
	forbidden := badge.Errorf(badge.Forbidden, "This setup link is not valid, or setup is already complete.")
	hash := tokenHash(token)
	var stored string
	err := a.store.View(ctx, func(tx *store.Tx) error {
		var err error
		stored, err = tx.Setting(ctx, store.SettingSetupTokenHash)
		return err
	})
	if errors.Is(err, store.ErrNotFound) || (err == nil && (token == "" || stored != hash)) {
		return nil, forbidden
	}
	if err != nil {
		return nil, internal(err)
	}
	u, err := a.newUser(ctx, email, name, password, true, true)
	if err != nil {
		return nil, err
	}
	err = a.store.Update(ctx, func(tx *store.Tx) error {
		if n, err := tx.CountUsers(ctx); err != nil || n > 0 {
			if err == nil {
				err = forbidden
			}
			return err
		}
		ok, err := tx.ConsumeSetting(ctx, store.SettingSetupTokenHash, hash)
		if err != nil {
			return err
		}
		if !ok {
			return forbidden
		}
		if err := tx.InsertUser(ctx, u); err != nil {
			return err
		}
		return RecordAudit(ctx, tx, u.CreatedAt, "setup", "setup.complete", fmt.Sprintf("user:%d", u.ID),
			map[string]any{"email": u.Email, "admin": true})
	})
	if err != nil {
		return nil, internal(err)
	}
	a.logger.InfoContext(ctx, "first-run setup complete", "user_id", u.ID)
	return toUser(u), nil
}

// CheckNewUser applies the rules for a new account's fields and reports every problem at
// once: an errors.Join of Invalid *badge.Errors on the fields "email", "name" and "password"
// (badge.FieldMessages lists them), or nil. nameRequired is set for the site administrator
// created by setup; elsewhere the name may be empty.
func CheckNewUser(email, name, password string, nameRequired bool) error {
	var errs []error
	if _, _, err := badge.NormalizeEmail(email); err != nil {
		errs = append(errs, err)
	}
	if n, err := badge.NormalizeName(name); err != nil {
		errs = append(errs, err)
	} else if nameRequired && n == "" {
		errs = append(errs, badge.FieldError(badge.Invalid, "name", "Name is required.", nil))
	}
	if err := CheckPassword(password); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// newUser validates the fields of a new user (CheckNewUser) and hashes the password (slow,
// outside any transaction).
func (a *Accounts) newUser(ctx context.Context, email, name, password string, admin, nameRequired bool) (*store.User, error) {
	if err := CheckNewUser(email, name, password, nameRequired); err != nil {
		return nil, err
	}
	email, key, err := badge.NormalizeEmail(email)
	if err != nil {
		return nil, err
	}
	name, err = badge.NormalizeName(name)
	if err != nil {
		return nil, err
	}
	ph, err := a.opts.Hasher.Hash(ctx, password)
	if err != nil {
		return nil, err
	}
	now := a.now()
	return &store.User{Email: email, EmailKey: key, Name: name, PasswordHash: ph, IsAdmin: admin, CreatedAt: now, UpdatedAt: now}, nil
}

// CreateUser adds a user. Invalid for bad fields (on "email", "name", "password"; see
// CheckNewUser), Conflict on field "email" if the email is taken. Writes an
// audit event (actor from WithActor).
func (a *Accounts) CreateUser(ctx context.Context, email, name, password string, admin bool) (*badge.User, error) {
	u, err := a.newUser(ctx, email, name, password, admin, false)
	if err != nil {
		return nil, err
	}
	err = a.store.Update(ctx, func(tx *store.Tx) error {
		if err := tx.InsertUser(ctx, u); err != nil {
			if errors.Is(err, store.ErrDuplicate) {
				return badge.FieldError(badge.Conflict, "email", fmt.Sprintf("A user with email address %s already exists.", u.Email), err)
			}
			return err
		}
		return RecordAudit(ctx, tx, u.CreatedAt, ActorFrom(ctx), "user.create", fmt.Sprintf("user:%d", u.ID),
			map[string]any{"email": u.Email, "admin": u.IsAdmin})
	})
	if err != nil {
		return nil, internal(err)
	}
	return toUser(u), nil
}

// User returns a user by id; NotFound if there is none.
func (a *Accounts) User(ctx context.Context, id int64) (*badge.User, error) {
	var u *store.User
	err := a.store.View(ctx, func(tx *store.Tx) error {
		var err error
		u, err = tx.UserByID(ctx, id)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil, badge.E(badge.NotFound, "No such user.", err)
	}
	if err != nil {
		return nil, internal(err)
	}
	return toUser(u), nil
}

// accountKey is the throttling key of whatever was typed as an email (bounded in length:
// it is stored).
func accountKey(email string) string {
	if _, key, err := badge.NormalizeEmail(email); err == nil {
		return key
	}
	return truncate(strings.ToLower(strings.TrimSpace(email)), 254)
}

// truncate cuts s to at most n bytes, on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
