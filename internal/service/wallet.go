package service

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/jobs"
	"github.com/rosettebadges/rosette/internal/store"
	"github.com/rosettebadges/rosette/openbadges/verify"
)

// WalletItem is a badge an earner holds (a wallet_items row).
type WalletItem = store.WalletItem

// Wallet sources: where an item came from.
const (
	WalletSourceAward  = "award"  // an award of this installation, accepted by its recipient
	WalletSourceImport = "import" // imported by the earner (upload, paste, URL)
	WalletSourceAPI    = "api"    // pushed by another platform through the OB 3.0 API
)

// Verification statuses of a wallet item (verify_status).
const (
	WalletUnchecked   = "unchecked"
	WalletVerified    = "verified"
	WalletInvalid     = "invalid"
	WalletRevoked     = "revoked"
	WalletExpired     = "expired"
	WalletUnreachable = "unreachable"
)

// Limits of what a wallet accepts.
const (
	// MaxWalletInput bounds the bytes of one badge added to a wallet (the same bound as the
	// verification page's).
	MaxWalletInput = 5 << 20
	// maxWalletURL bounds a badge URL.
	maxWalletURL = 4096
	// maxWalletImageURL bounds the image URL (or data URI) kept in the summary; a longer one
	// is not kept (the item shows no image rather than megabytes of text).
	maxWalletImageURL = 256 << 10
	// walletVerifyTimeout bounds one verification, every fetch included.
	walletVerifyTimeout = 20 * time.Second
	// Defaults of WalletOptions.
	defaultWalletCheckEvery = 24 * time.Hour
	defaultWalletRetryFirst = time.Hour
	defaultWalletBatch      = 50
	defaultWalletMaxItems   = 10000
)

// WalletInput is one badge to add to a wallet: Data (JSON, a compact JWS / VC-JWT, or a baked
// PNG or SVG image) or URL (where the badge is published), and how it came (Source "import"
// or "api").
type WalletInput struct {
	Data   []byte
	URL    string
	Source string
}

// WalletVerifier verifies badges: *verify.Verifier, built like the verification page's (over
// the server's outbound fetcher, with this installation's documents served in process).
type WalletVerifier interface {
	Verify(ctx context.Context, input []byte) *verify.Report
	VerifyURL(ctx context.Context, u string) *verify.Report
}

// WalletAwards gives the signed OB 3.0 credential of an award of this installation
// (*Awards).
type WalletAwards interface {
	Credential(ctx context.Context, id string) ([]byte, error)
}

// WalletOptions are the dependencies and settings of a Wallet. Store, Verifier and Clock are
// required; Awards is needed for award items; Queue for the periodic re-check.
type WalletOptions struct {
	Store    *store.Store
	Verifier WalletVerifier
	Awards   WalletAwards
	Queue    *jobs.Queue
	Clock    badge.Clock
	Logger   *slog.Logger
	// CheckEvery is how often a held badge is verified again (default 24 h).
	CheckEvery time.Duration
	// RetryFirst is the first wait after a check that could not reach the issuer (default
	// 1 h); it doubles after each further failure, up to CheckEvery.
	RetryFirst time.Duration
	// Batch is the number of items one re-check transaction loads (default 50).
	Batch int
	// MaxItems bounds the items of one wallet (default 10000): adding more is TooMany.
	MaxItems int
}

// Wallet owns the badges earners hold: adding them (import, API), their summary, the equality
// key, verification on add and periodically, visibility and removal.
type Wallet struct {
	store      *store.Store
	verifier   WalletVerifier
	awards     WalletAwards
	queue      *jobs.Queue
	clock      badge.Clock
	logger     *slog.Logger
	checkEvery time.Duration
	retryFirst time.Duration
	batch      int
	maxItems   int
}

// NewWallet returns the wallet service.
func NewWallet(o WalletOptions) *Wallet {
	w := &Wallet{store: o.Store, verifier: o.Verifier, awards: o.Awards, queue: o.Queue, clock: o.Clock,
		logger: o.Logger, checkEvery: o.CheckEvery, retryFirst: o.RetryFirst, batch: o.Batch, maxItems: o.MaxItems}
	if w.logger == nil {
		w.logger = slog.New(slog.DiscardHandler)
	}
	if w.checkEvery <= 0 {
		w.checkEvery = defaultWalletCheckEvery
	}
	if w.retryFirst <= 0 {
		w.retryFirst = defaultWalletRetryFirst
	}
	if w.batch <= 0 {
		w.batch = defaultWalletBatch
	}
	if w.maxItems <= 0 {
		w.maxItems = defaultWalletMaxItems
	}
	return w
}

func (s *Wallet) now() time.Time { return s.clock.Now().UTC().Truncate(time.Microsecond) }

// HeldCredential is the credential of one accepted wallet item, in the form it is held:
// Format "ob3-json" or "ob2-json" (Credential is JSON) or "ob3-jwt" or "ob2-jws" (Credential
// is a compact JWS). An award of this installation is its signed OB 3.0 credential (JSON).
type HeldCredential struct {
	ItemID     string
	Format     string
	Credential []byte
}

// Add verifies the badge and adds it to the user's wallet, or replaces the item with the same
// credential key (the OB 3.0 API's equality rule: issuer id and credential id; see
// CredentialKey). created is false when an item was replaced, or when the wallet already holds
// the same credential as an award of this installation or with a later issue date (then that
// item is returned unchanged). A badge that fails verification is kept, with the report saying
// why; input that is no badge at all is an Invalid error and stores nothing, as is a URL whose
// badge could not be downloaded (Unavailable).
func (s *Wallet) Add(ctx context.Context, user *badge.User, in WalletInput) (*WalletItem, bool, error) {
	if user == nil {
		return nil, false, badge.Errorf(badge.Unauthorized, "Sign in to add badges to your wallet.")
	}
	if err := in.check(); err != nil {
		return nil, false, err
	}
	vctx, cancel := context.WithTimeout(ctx, walletVerifyTimeout)
	rep := s.verifyInput(vctx, in)
	cancel()
	if err := ctx.Err(); err != nil {
		return nil, false, badge.E(badge.Unavailable, "The badge could not be checked in time.", err)
	}
	item, err := itemFromReport(in, rep)
	if err != nil {
		return nil, false, err
	}
	now := s.now()
	item.UserID, item.Source, item.State, item.Visibility = user.ID, in.Source, "accepted", "private"
	item.CreatedAt, item.UpdatedAt = now, now
	s.applyReport(item, rep, now)

	var created bool
	err = s.store.Update(ctx, func(tx *store.Tx) error {
		old, err := tx.WalletItemByKey(ctx, user.ID, item.CredentialKey)
		switch {
		case errors.Is(err, store.ErrNotFound):
			n, err := tx.CountWalletItems(ctx, user.ID, "")
			if err != nil {
				return err
			}
			if n >= int64(s.maxItems) {
				return badge.Errorf(badge.TooMany, "Your wallet holds %d badges, the most it can hold. Remove some to add others.", n)
			}
			item.ID, created = newAwardID(), true
			return tx.InsertWalletItem(ctx, item)
		case err != nil:
			return err
		}
		// The same credential. An award item stays what it is (its credential is the
		// award's); otherwise the newer issue date wins (the equality rule), the new copy
		// on a tie, unless the held copy verifies and the new one does not.
		if old.Source == WalletSourceAward || (!old.IssuedAt.IsZero() && old.IssuedAt.After(item.IssuedAt)) ||
			(old.VerifyStatus == WalletVerified && item.VerifyStatus == WalletInvalid && !item.IssuedAt.After(old.IssuedAt)) {
			item = old
			return nil
		}
		item.ID, item.Source, item.AwardID, item.State = old.ID, old.Source, old.AwardID, old.State
		item.Visibility, item.CreatedAt = old.Visibility, old.CreatedAt
		if len(item.Image) == 0 {
			// The same badge without its image (pasted after an upload): the image stays.
			item.Image, item.ImageType = old.Image, old.ImageType
		}
		if item.SourceURL == "" {
			item.SourceURL = old.SourceURL
		}
		return tx.ReplaceWalletItem(ctx, item)
	})
	if errors.Is(err, store.ErrDuplicate) {
		return nil, false, badge.Errorf(badge.Conflict, "This badge was being added at the same time: look in your wallet.")
	}
	if err != nil {
		return nil, false, serviceErr(err)
	}
	s.logger.LogAttrs(ctx, slog.LevelInfo, "wallet badge added", slog.Int64("user", user.ID),
		slog.String("item", item.ID), slog.String("source", in.Source), slog.Bool("created", created),
		slog.String("format", item.Format), slog.String("status", item.VerifyStatus))
	return item, created, nil
}

// check validates the input's shape and size.
func (in *WalletInput) check() error {
	if in.Source != WalletSourceImport && in.Source != WalletSourceAPI {
		return badge.Errorf(badge.Invalid, "Unknown wallet source %q.", in.Source)
	}
	switch {
	case len(in.Data) > 0 && in.URL != "":
		return badge.Errorf(badge.Invalid, "Give the badge in one way only: its bytes or its web address.")
	case len(in.Data) > MaxWalletInput:
		return badge.Errorf(badge.Invalid, "This is larger than 5 MiB, the most a wallet accepts for one badge.")
	case in.URL != "":
		u, err := url.Parse(in.URL)
		if len(in.URL) > maxWalletURL || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return badge.Errorf(badge.Invalid, "Give a full web address starting with https:// (or http://).")
		}
	case len(strings.TrimSpace(string(in.Data))) == 0:
		return badge.Errorf(badge.Invalid, "Nothing to add: give a badge image, its JSON, a signed token or its web address.")
	}
	return nil
}

func (s *Wallet) verifyInput(ctx context.Context, in WalletInput) *verify.Report {
	if in.URL != "" {
		return s.verifier.VerifyURL(ctx, in.URL)
	}
	return s.verifier.Verify(ctx, in.Data)
}

// applyReport sets the item's verification columns from a report made at now.
func (s *Wallet) applyReport(item *WalletItem, rep *verify.Report, now time.Time) {
	prevStatus, prevChecked, prevNext := item.VerifyStatus, item.CheckedAt, item.NextCheckAt
	item.VerifyStatus = walletStatus(rep.Verdict)
	item.VerifyReport = reportJSON(rep)
	item.CheckedAt = now
	item.NextCheckAt = s.nextCheck(item, prevStatus, prevChecked, prevNext, now)
}

// walletStatus maps a verdict to an item's status.
func walletStatus(v verify.Verdict) string {
	switch v {
	case verify.Valid:
		return WalletVerified
	case verify.Revoked:
		return WalletRevoked
	case verify.Expired:
		return WalletExpired
	case verify.Unverifiable:
		return WalletUnreachable
	}
	return WalletInvalid // invalid, not yet valid
}

// nextCheck is when to verify the item again after a check at now: never once revoked or
// expired; after RetryFirst, doubling while the issuer stays unreachable (at most
// CheckEvery); after CheckEvery otherwise; and at the latest when the badge expires (that
// check turns it expired without a network call).
func (s *Wallet) nextCheck(item *WalletItem, prevStatus string, prevChecked, prevNext, now time.Time) time.Time {
	var wait time.Duration
	switch item.VerifyStatus {
	case WalletRevoked, WalletExpired:
		return time.Time{}
	case WalletUnreachable:
		wait = s.retryFirst
		if prevStatus == WalletUnreachable && !prevChecked.IsZero() && prevNext.After(prevChecked) {
			wait = 2 * prevNext.Sub(prevChecked)
		}
		wait = min(wait, s.checkEvery)
	default:
		wait = s.checkEvery
	}
	next := now.Add(wait)
	if item.ExpiresAt.After(now) && item.ExpiresAt.Before(next) {
		next = item.ExpiresAt
	}
	return next
}

// reportJSON is the stored form of a report: without the verified documents.
func reportJSON(rep *verify.Report) string {
	b, err := json.Marshal(rep.WithoutCredentials())
	if err != nil {
		return "{}"
	}
	return string(b)
}

// Report returns the item's last verification report (nil before the first check).
func (s *Wallet) Report(item *WalletItem) *verify.Report {
	if item == nil || item.VerifyReport == "" || item.VerifyReport == "{}" {
		return nil
	}
	var rep verify.Report
	if err := json.Unmarshal([]byte(item.VerifyReport), &rep); err != nil {
		return nil
	}
	return &rep
}
