package service

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/jobs"
	"github.com/rosettebadges/rosette/internal/links"
	"github.com/rosettebadges/rosette/internal/store"
)

// Earners is the earner side of accounts: claiming an award from its emailed link (accept
// into the wallet, or decline; with an account made on the spot), the awards waiting for an
// account, its several email addresses and their verification, merging two accounts, and
// the wallet's list. Safe for concurrent use.
type Earners struct {
	store    *store.Store
	accounts *Accounts
	emails   EmailQueue
	urls     links.URLs
	clock    badge.Clock
	logger   *slog.Logger
	queue    *jobs.Queue
}

// EarnersOptions are the dependencies of Earners. Emails (the outbox) is where address
// verification emails are queued.
type EarnersOptions struct {
	Store    *store.Store
	Accounts *Accounts // password hashing, sign-in throttling
	Emails   EmailQueue
	URLs     links.URLs
	Clock    badge.Clock
	Logger   *slog.Logger
	// Queue, when set, gets a wallet re-check job with each accepted award, so that the
	// wallet shows it verified within moments rather than at the next periodic run.
	Queue *jobs.Queue
}

// NewEarners returns the earners service.
func NewEarners(o EarnersOptions) *Earners {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Clock == nil {
		o.Clock = badge.SystemClock{}
	}
	return &Earners{store: o.Store, accounts: o.Accounts, emails: o.Emails, urls: o.URLs, clock: o.Clock, logger: o.Logger, queue: o.Queue}
}

func (s *Earners) now() time.Time { return s.clock.Now().UTC() }

// ClaimView is what the claim page shows: the badge, and where the viewer stands with it.
type ClaimView struct {
	AwardID          string
	BadgeName        string
	BadgeDescription string
	IssuerName       string
	ImageURL         string // absolute; "" if the badge has no image
	RecipientName    string
	RecipientEmail   string
	IssuedAt         time.Time
	ExpiresAt        time.Time
	Revoked          bool
	Declined         bool // declined (by the viewer's account, or through the link)
	InWallet         bool // the viewer has accepted it
	ViewerHasAddress bool // the address is verified on the viewer's account
	AddressTaken     bool // another account than the viewer's holds the address verified
}

var errBadClaim = badge.Errorf(badge.NotFound, "This claim link is not valid.")

// claimAward returns the award of a claim token, or NotFound.
func claimAward(ctx context.Context, tx *store.Tx, token string) (*store.Award, error) {
	if token == "" || len(token) > maxClaimToken {
		return nil, errBadClaim
	}
	a, err := tx.AwardByClaimHash(ctx, tokenHash(token))
	if errors.Is(err, store.ErrNotFound) {
		return nil, errBadClaim
	}
	return a, err
}

// Claim returns the claim page of a token for a viewer (nil: nobody signed in). NotFound for
// a token that is not one.
func (s *Earners) Claim(ctx context.Context, token string, viewer *badge.User) (*ClaimView, error) {
	var v *ClaimView
	err := s.store.View(ctx, func(tx *store.Tx) error {
		a, err := claimAward(ctx, tx, token)
		if err != nil {
			return err
		}
		b, err := loadAwardBase(ctx, tx, a)
		if err != nil {
			return err
		}
		resp, err := tx.AwardResponseOf(ctx, a.ID)
		if err != nil {
			return err
		}
		v = &ClaimView{AwardID: a.ID, BadgeName: b.version.Fields.Name, BadgeDescription: b.version.Fields.Description,
			IssuerName: b.issuer.Name, ImageURL: s.imageURL(b), RecipientName: a.RecipientName, RecipientEmail: a.RecipientIdentity,
			IssuedAt: a.IssuedAt, ExpiresAt: a.ExpiresAt, Revoked: !a.RevokedAt.IsZero(), Declined: !resp.DeclinedAt.IsZero()}
		owner, err := tx.VerifiedEmail(ctx, a.RecipientIdentity)
		switch {
		case errors.Is(err, store.ErrNotFound):
		case err != nil:
			return err
		case viewer != nil && owner.UserID == viewer.ID:
			v.ViewerHasAddress = true
		default:
			v.AddressTaken = true
		}
		if viewer == nil {
			return nil
		}
		item, err := tx.WalletItemByAward(ctx, viewer.ID, a.ID)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		v.InWallet, v.Declined = item.State == "accepted", item.State == "declined"
		return nil
	})
	if err != nil {
		return nil, serviceErr(err)
	}
	return v, nil
}

func (s *Earners) imageURL(b *awardBase) string {
	if b.version.ImageID == "" {
		return ""
	}
	return s.urls.Image(b.version.ImageID, b.imageMediaType)
}

// addressTakenMessage explains why an address verified on another account cannot be used.
func addressTakenMessage(email string) string {
	return fmt.Sprintf("The address %s is already verified on another Rosette account. Sign in with that account, "+
		"or merge the two accounts (Account, then Merge accounts) to keep everything in one.", email)
}

// Accept puts the award of a claim token into the user's wallet. The link was sent to the
// award's address, so using it verifies that address on the user's account (added if it is
// not there yet); Conflict if another account holds it verified. Accepting again changes
// nothing and returns the same item. Invalid for a revoked award.
func (s *Earners) Accept(ctx context.Context, user *badge.User, token string) (*store.WalletItem, error) {
	if user == nil {
		return nil, badge.Errorf(badge.Unauthorized, "Please sign in.")
	}
	return s.retryDuplicate(ctx, func(tx *store.Tx) (*store.WalletItem, error) {
		a, err := claimAward(ctx, tx, token)
		if err != nil {
			return nil, err
		}
		if err := s.verifyByClaim(ctx, tx, user.ID, a.RecipientIdentity); err != nil {
			return nil, err
		}
		return s.acceptInto(ctx, tx, user, a)
	})
}

// SignUpAndAccept creates an account for the award's address (verified: the claim link was
// sent to it) with this name (the award's recipient name when empty) and password, and accepts the award into its wallet. Invalid
// for bad fields ("name", "password"), Conflict if an account holds the address already (the
// earner should sign in instead). The caller signs the new account in.
func (s *Earners) SignUpAndAccept(ctx context.Context, token, name, password string) (*badge.User, error) {
	var email string
	err := s.store.View(ctx, func(tx *store.Tx) error {
		a, err := claimAward(ctx, tx, token)
		if err != nil {
			return err
		}
		email = a.RecipientIdentity
		if strings.TrimSpace(name) == "" {
			name = a.RecipientName // the name the issuer knows the earner by
		}
		return nil
	})
	if err != nil {
		return nil, serviceErr(err)
	}
	u, err := s.accounts.newUser(ctx, email, name, password, false, false)
	if err != nil {
		return nil, err
	}
	taken := badge.FieldError(badge.Conflict, "", "An account with the address "+email+" exists already. Sign in with it to accept the badge.", nil)
	err = s.store.Update(ctx, func(tx *store.Tx) error {
		if _, err := tx.VerifiedEmail(ctx, u.EmailKey); err == nil {
			return taken
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if err := tx.InsertUser(ctx, u); err != nil {
			if errors.Is(err, store.ErrDuplicate) {
				return taken
			}
			return err
		}
		if err := tx.DeleteUnverifiedEmails(ctx, u.EmailKey, u.ID); err != nil {
			return err
		}
		if err := RecordAudit(ctx, tx, u.CreatedAt, "claim", "user.create", fmt.Sprintf("user:%d", u.ID),
			map[string]any{"email": u.Email, "admin": false, "via": "claim"}); err != nil {
			return err
		}
		a, err := claimAward(ctx, tx, token)
		if err != nil {
			return err
		}
		_, err = s.acceptInto(ctx, tx, toUser(u), a)
		return err
	})
	if err != nil {
		return nil, serviceErr(err)
	}
	return toUser(u), nil
}

// verifyByClaim makes the award's address a verified address of the user: a claim link was
// used, and it was sent to that address. Conflict if another account holds it verified.
func (s *Earners) verifyByClaim(ctx context.Context, tx *store.Tx, userID int64, key string) error {
	owner, err := tx.VerifiedEmail(ctx, key)
	if err == nil {
		if owner.UserID == userID {
			return nil
		}
		return badge.Errorf(badge.Conflict, "%s", addressTakenMessage(key))
	}
	if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	now := s.now()
	row, err := tx.UserEmailOf(ctx, userID, key)
	switch {
	case errors.Is(err, store.ErrNotFound):
		err = tx.InsertUserEmail(ctx, &store.UserEmail{UserID: userID, Email: key, EmailKey: key, VerifiedAt: now, CreatedAt: now})
	case err == nil:
		err = tx.VerifyUserEmail(ctx, row.ID, now)
	}
	if err != nil {
		return err
	}
	if err := tx.DeleteUnverifiedEmails(ctx, key, userID); err != nil {
		return err
	}
	return RecordAudit(ctx, tx, now, fmt.Sprintf("user:%d", userID), "user.email_verified", fmt.Sprintf("user:%d", userID),
		map[string]any{"email": key, "via": "claim"})
}

// errRetry asks retryDuplicate for one more try (a concurrent accept inserted the item).
var errRetry = errors.New("retry")

// retryDuplicate runs fn in a transaction, once more if it met a duplicate wallet item (two
// accepts at once: the second sees the first's item and returns it).
func (s *Earners) retryDuplicate(ctx context.Context, fn func(tx *store.Tx) (*store.WalletItem, error)) (*store.WalletItem, error) {
	var out *store.WalletItem
	var err error
	for range 2 {
		err = s.store.Update(ctx, func(tx *store.Tx) error {
			item, err := fn(tx)
			if errors.Is(err, store.ErrDuplicate) {
				return errRetry
			}
			out = item
			return err
		})
		if !errors.Is(err, errRetry) {
			break
		}
	}
	if err != nil {
		return nil, serviceErr(err)
	}
	return out, nil
}

// acceptInto puts the award into the user's wallet: a new item (source "award", due for its
// first check now), or the declined one accepted again, or the accepted one as it is.
func (s *Earners) acceptInto(ctx context.Context, tx *store.Tx, user *badge.User, a *store.Award) (*store.WalletItem, error) {
	if !a.RevokedAt.IsZero() {
		return nil, badge.Errorf(badge.Invalid, "This badge was revoked by its issuer, so it cannot be accepted.")
	}
	now := s.now()
	item, err := tx.WalletItemByAward(ctx, user.ID, a.ID)
	switch {
	case err == nil && item.State == "accepted":
		return item, nil
	case err == nil:
		if err := tx.SetWalletItemState(ctx, item.ID, "accepted", now, now); err != nil {
			return nil, err
		}
		item.State, item.NextCheckAt = "accepted", now
	case errors.Is(err, store.ErrNotFound):
		if item, err = s.newAwardItem(ctx, tx, user.ID, a, "accepted"); err != nil {
			return nil, err
		}
	default:
		return nil, err
	}
	if err := tx.SetAwardAccepted(ctx, a.ID, now); err != nil {
		return nil, err
	}
	if s.queue != nil { // verify it now (the item is due at once), in this transaction
		if _, _, err := s.queue.Enqueue(ctx, tx, WalletRecheckJob, struct{}{},
			jobs.EnqueueOptions{UniqueKey: WalletRecheckJob + ":accept:" + item.ID}); err != nil {
			return nil, err
		}
	}
	if err := RecordAudit(ctx, tx, now, fmt.Sprintf("user:%d", user.ID), "award.accept", "award:"+a.ID,
		map[string]any{"issuer": a.IssuerID, "wallet_item": item.ID}); err != nil {
		return nil, err
	}
	return item, nil
}

// newAwardItem inserts the user's wallet item of an award in the given state, with the
// summary of the award's badge class version. ErrDuplicate if the user has one already.
func (s *Earners) newAwardItem(ctx context.Context, tx *store.Tx, userID int64, a *store.Award, state string) (*store.WalletItem, error) {
	b, err := loadAwardBase(ctx, tx, a)
	if err != nil {
		return nil, err
	}
	now := s.now()
	item := &store.WalletItem{ID: newAwardID(), UserID: userID, Source: "award", AwardID: a.ID, State: state,
		Format: "ob3-json", CredentialKey: AwardCredentialKey(s.urls, a.IssuerID, a.ID), Name: b.version.Fields.Name,
		Description: b.version.Fields.Description, IssuerName: b.issuer.Name, IssuerURL: s.urls.Profile(a.IssuerID),
		ImageURL: s.imageURL(b), IssuedAt: a.IssuedAt, ExpiresAt: a.ExpiresAt, VerifyStatus: "unchecked", VerifyReport: "{}",
		Visibility: "private", CreatedAt: now, UpdatedAt: now}
	if state == "accepted" {
		item.NextCheckAt = now
	}
	if err := tx.InsertWalletItem(ctx, item); err != nil {
		return nil, err
	}
	return item, nil
}

// AwardCredentialKey is the credential key of the wallet item of an award of this
// installation: the equality key of its OB 3.0 credential (the issuer's did:web and the
// award's URL; see CredentialKey), so that importing or pushing through the API a copy of the
// same award finds this item. One item per award per earner.
func AwardCredentialKey(urls links.URLs, issuerID, awardID string) string {
	did, err := urls.DID(issuerID)
	if err != nil {
		return "award:" + awardID
	}
	return CredentialKey(did, urls.Award(awardID))
}

// Decline records that the recipient does not want the award of a claim token. No account
// is needed (awards.declined_at is set); with one (user not nil) a declined wallet item keeps
// it from being offered again. Conflict if the user has it in their wallet.
func (s *Earners) Decline(ctx context.Context, user *badge.User, token string) error {
	_, err := s.retryDuplicate(ctx, func(tx *store.Tx) (*store.WalletItem, error) {
		a, err := claimAward(ctx, tx, token)
		if err != nil {
			return nil, err
		}
		return nil, s.declineFor(ctx, tx, user, a)
	})
	return err
}

func (s *Earners) declineFor(ctx context.Context, tx *store.Tx, user *badge.User, a *store.Award) error {
	now := s.now()
	actor := "claim"
	if user != nil {
		actor = fmt.Sprintf("user:%d", user.ID)
		item, err := tx.WalletItemByAward(ctx, user.ID, a.ID)
		switch {
		case err == nil && item.State == "accepted":
			return badge.Errorf(badge.Conflict, "This badge is in your wallet; it cannot be declined now.")
		case err == nil:
		case errors.Is(err, store.ErrNotFound):
			if _, err := s.newAwardItem(ctx, tx, user.ID, a, "declined"); err != nil {
				return err
			}
		default:
			return err
		}
	}
	if err := tx.SetAwardDeclined(ctx, a.ID, now); err != nil {
		return err
	}
	return RecordAudit(ctx, tx, now, actor, "award.decline", "award:"+a.ID, map[string]any{"issuer": a.IssuerID})
}

// AwardResponse says whether the award was accepted or declined by its recipient (for the
// issuer's award page). NotFound if there is no such award.
func (s *Earners) AwardResponse(ctx context.Context, awardID string) (*store.AwardResponse, error) {
	var r *store.AwardResponse
	err := s.store.View(ctx, func(tx *store.Tx) error {
		var err error
		r, err = tx.AwardResponseOf(ctx, awardID)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil, badge.Errorf(badge.NotFound, "There is no such award.")
	}
	return r, serviceErr(err)
}
