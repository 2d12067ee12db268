package service

import (
	"bytes"
	"context"
	"errors"
	"image/png"
	"log/slog"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/links"
	"github.com/rosettebadges/rosette/internal/store"
)

// Share event kinds (share_events.kind).
const (
	EventView      = "view"       // the public award page
	EventShare     = "share"      // a share link followed (to LinkedIn, X, Facebook, email)
	EventClick     = "click"      // another outbound click
	EventDownload  = "download"   // a baked image, the credential JSON or its JWT
	EventEmbedView = "embed_view" // the iframe card or the oEmbed endpoint
)

// ShareEvent is one thing that happened to an award, as the web layer reports it. Referrer
// is the Referer header as received: only its host is kept. No IP address or user agent is
// ever recorded.
type ShareEvent struct {
	AwardID      string
	WalletItemID string // "" when not known
	UserID       int64  // 0: nobody signed in
	Kind         string
	Channel      string
	Referrer     string
}

// ShareCount is the number of events of one kind and channel.
type ShareCount = store.ShareCount

// SharesOptions configure the sharing service.
type SharesOptions struct {
	Store  *store.Store
	Awards *Awards
	URLs   links.URLs
	Clock  badge.Clock
	Logger *slog.Logger
	// Buffer is how many events may wait to be written (default 4096); more are dropped
	// (and counted in Dropped) rather than slow a page down.
	Buffer int
	// FlushEvery is how often Run writes the waiting events (default 1s).
	FlushEvery time.Duration
	// Policy says whether an earner may share at all (safeguarding turns sharing off);
	// *Profiles is one. Nil: sharing is always allowed.
	Policy SharingPolicy
}

// SharingPolicy says whether the earner may share their badges: false while the site's or the
// account's safeguarding mode is on.
type SharingPolicy interface {
	SharingAllowed(ctx context.Context, userID int64) (bool, error)
}

// Shares owns sharing: the earner's share panel (LinkedIn, share links, embeds, downloads)
// and the share events behind analytics, recorded through a buffered channel that Run
// writes to the database in batches, so that recording never slows a page.
type Shares struct {
	store      *store.Store
	awards     *Awards
	urls       links.URLs
	clock      badge.Clock
	log        *slog.Logger
	policy     SharingPolicy
	events     chan store.ShareEvent
	kick       chan struct{} // the buffer is half full: Run writes it now
	flushEvery time.Duration
	dropped    atomic.Int64
}

// NewShares returns the sharing service; call Run to have its events written.
func NewShares(o SharesOptions) *Shares {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Clock == nil {
		o.Clock = badge.SystemClock{}
	}
	if o.Buffer <= 0 {
		o.Buffer = 4096
	}
	if o.FlushEvery <= 0 {
		o.FlushEvery = time.Second
	}
	return &Shares{store: o.Store, awards: o.Awards, urls: o.URLs, clock: o.Clock, log: o.Logger, policy: o.Policy,
		events: make(chan store.ShareEvent, o.Buffer), kick: make(chan struct{}, 1), flushEvery: o.FlushEvery}
}

// maxChannel bounds a channel name.
const maxChannel = 32

// Record queues an event without waiting: it reports false (and counts the event in Dropped)
// when the event is not one (unknown kind, bad channel, no award) or the buffer is full.
func (s *Shares) Record(e ShareEvent) bool {
	switch e.Kind {
	case EventView, EventShare, EventClick, EventDownload, EventEmbedView:
	default:
		return false
	}
	if e.AwardID == "" || len(e.AwardID) > 128 || len(e.Channel) > maxChannel || strings.Trim(e.Channel, "abcdefghijklmnopqrstuvwxyz0123456789_") != "" {
		return false
	}
	ev := store.ShareEvent{AwardID: e.AwardID, WalletItemID: e.WalletItemID, UserID: e.UserID, Kind: e.Kind,
		Channel: e.Channel, ReferrerHost: ReferrerHost(e.Referrer), At: s.clock.Now().UTC()}
	select {
	case s.events <- ev:
		if len(s.events) >= cap(s.events)/2 {
			select {
			case s.kick <- struct{}{}:
			default:
			}
		}
		return true
	default:
		s.dropped.Add(1)
		return false
	}
}

// Dropped is the number of events dropped because the buffer was full.
func (s *Shares) Dropped() int64 { return s.dropped.Load() }

// ReferrerHost is the host of a Referer header value, lower-cased, without port; "" when it
// is not an absolute http(s) URL.
func ReferrerHost(ref string) string {
	if ref == "" || len(ref) > 4096 {
		return ""
	}
	u, err := url.Parse(ref)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return ""
	}
	h := strings.ToLower(u.Hostname())
	if len(h) > 253 {
		return ""
	}
	return h
}

// maxBatch bounds the events taken from the buffer for one transaction.
const maxBatch = 1000

// Flush writes the events waiting in the buffer now, identical events of a batch folded into
// one row (store.ShareEvent.N; at: the latest). A batch the database refuses (an award
// deleted meanwhile, say) is logged and dropped: events are counts, not records to keep at
// any price.
func (s *Shares) Flush(ctx context.Context) error {
	for {
		batch, n := foldEvents(s.events, maxBatch)
		if n == 0 {
			return nil
		}
		err := s.store.Update(ctx, func(tx *store.Tx) error { return tx.InsertShareEvents(ctx, batch) })
		if err != nil {
			s.log.LogAttrs(ctx, slog.LevelWarn, "share events dropped", slog.Int("events", n), slog.String("error", err.Error()))
			if ctx.Err() != nil {
				return ctx.Err()
			}
		}
		if n < maxBatch {
			return err
		}
	}
}

// foldEvents takes up to max events from the channel without waiting and folds identical
// ones (everything but the time equal) into one event with their number; n is the number
// taken.
func foldEvents(events <-chan store.ShareEvent, max int) (batch []store.ShareEvent, n int) {
	index := map[store.ShareEvent]int{}
	for n < max {
		var e store.ShareEvent
		select {
		case e = <-events:
		default:
			return batch, n
		}
		n++
		at := e.At
		e.At, e.N = time.Time{}, 0
		if i, ok := index[e]; ok {
			batch[i].N++
			if at.After(batch[i].At) {
				batch[i].At = at
			}
			continue
		}
		index[e] = len(batch)
		e.At, e.N = at, 1
		batch = append(batch, e)
	}
	return batch, n
}

// Run writes the waiting events every FlushEvery, and at once when the buffer is half full,
// until ctx is done; then it writes what is left and returns. Each write has flushTimeout to
// finish and is not cut short by ctx (events taken from the buffer are written, not lost).
func (s *Shares) Run(ctx context.Context) {
	t := time.NewTicker(s.flushEvery)
	defer t.Stop()
	flush := func() {
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), flushTimeout)
		defer cancel()
		_ = s.Flush(fctx)
	}
	for {
		select {
		case <-ctx.Done():
			flush()
			return
		default:
		}
		select {
		case <-t.C:
			flush()
		case <-s.kick:
			flush()
		case <-ctx.Done():
			flush()
			return
		}
	}
}

// flushTimeout bounds one write of share events.
const flushTimeout = 10 * time.Second

// AwardCounts returns the award's events counted by kind and channel (ActViewReports on its
// issuer).
func (s *Shares) AwardCounts(ctx context.Context, actor *badge.User, awardID string) ([]ShareCount, error) {
	var out []ShareCount
	err := s.store.View(ctx, func(tx *store.Tx) error {
		if _, err := loadAward(ctx, tx, actor, awardID, badge.ActViewReports); err != nil {
			return err
		}
		var err error
		out, err = tx.ShareCountsByAward(ctx, awardID)
		return err
	})
	if err != nil {
		return nil, serviceErr(err)
	}
	return out, nil
}

// IssuerCounts returns the events of every award of the issuer counted by kind and channel
// (ActViewReports on the issuer).
func (s *Shares) IssuerCounts(ctx context.Context, actor *badge.User, issuerID string) ([]ShareCount, error) {
	var out []ShareCount
	err := s.store.View(ctx, func(tx *store.Tx) error {
		if _, err := check(ctx, tx, actor, issuerID, badge.ActViewReports); err != nil {
			return err
		}
		var err error
		out, err = tx.ShareCountsByIssuer(ctx, issuerID)
		return err
	})
	if err != nil {
		return nil, serviceErr(err)
	}
	return out, nil
}

// errNotRecipient is the answer to someone asking for the share panel of another's award.
var errNotRecipient = badge.Errorf(badge.Forbidden, "Only the earner of this badge can share it from here.")

// Share is what the earner's share panel offers for one award (the web layer turns it into
// snippets and buttons).
type Share struct {
	Public   *PublicAward
	PageURL  string // the award's public page (absolute)
	LinkedIn string // LinkedInAddURL of the award
}

// SharePanel returns what the earner may share of the award: Unauthorized when nobody is
// signed in, NotFound when there is no such award, Forbidden unless the actor is its
// recipient.
func (s *Shares) SharePanel(ctx context.Context, actor *badge.User, awardID string) (*Share, error) {
	if actor == nil {
		return nil, badge.Errorf(badge.Unauthorized, "Please sign in.")
	}
	p, err := s.awards.Public(ctx, awardID)
	if err != nil {
		return nil, err
	}
	return s.PanelFor(ctx, actor, p)
}

// errSharingOff is the answer to an earner in safeguarding mode asking to share.
var errSharingOff = badge.Errorf(badge.Forbidden, "Sharing is turned off: safeguarding mode is on for your account or this site.")

// PanelFor returns the share panel of an award already read for the actor: Forbidden unless
// the actor holds it (the award is made out to one of their confirmed addresses, or it is in
// their wallet) and may share (the sharing policy; safeguarding turns sharing off).
func (s *Shares) PanelFor(ctx context.Context, actor *badge.User, p *PublicAward) (*Share, error) {
	if actor == nil {
		return nil, badge.Errorf(badge.Unauthorized, "Please sign in.")
	}
	held, err := s.Holds(ctx, actor, p.Award)
	if err != nil {
		return nil, err
	}
	if !held {
		return nil, errNotRecipient
	}
	if err := s.allowed(ctx, actor); err != nil {
		return nil, err
	}
	return s.ShareOf(p), nil
}

// Holds reports whether the award is the actor's: made out to one of their confirmed
// addresses, or accepted into their wallet.
func (s *Shares) Holds(ctx context.Context, actor *badge.User, a *badge.Award) (bool, error) {
	if actor == nil || actor.ID == 0 {
		return false, nil
	}
	held := false
	err := s.store.View(ctx, func(tx *store.Tx) error {
		var err error
		if held, err = madeOutTo(ctx, tx, actor, string(a.Recipient.Type), a.Recipient.Identity); held || err != nil {
			return err
		}
		w, err := tx.WalletItemByAward(ctx, actor.ID, a.ID)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		held = err == nil && w.State == "accepted"
		return err
	})
	return held, serviceErr(err)
}

// allowed applies the sharing policy to the actor.
func (s *Shares) allowed(ctx context.Context, actor *badge.User) error {
	if s.policy == nil {
		return nil
	}
	ok, err := s.policy.SharingAllowed(ctx, actor.ID)
	if err != nil {
		return err
	}
	if !ok {
		return errSharingOff
	}
	return nil
}

// ShareOf is the share panel's data for an award already read (the caller has checked that
// the viewer is its recipient).
func (s *Shares) ShareOf(p *PublicAward) *Share {
	page := s.urls.Award(p.Award.ID)
	return &Share{Public: p, PageURL: page, LinkedIn: LinkedInAddURL(LinkedInCert{
		Name: p.BadgeClass.Fields.Name, OrganizationID: p.Issuer.LinkedInOrg, OrganizationName: p.Issuer.Name,
		Issued: p.Award.IssuedAt, Expires: p.Award.ExpiresAt, CertURL: page, CertID: p.Award.ID})}
}

// ShareRedirect records a share click of the award on the channel (with the actor's wallet
// item of the award when they hold it there: the share panel of their wallet) and returns
// where it leads; NotFound for an unknown channel or award. The target is built from the award, never
// from the request.
func (s *Shares) ShareRedirect(ctx context.Context, actor *badge.User, awardID, channel, referrer string) (string, error) {
	p, err := s.awards.Public(ctx, awardID)
	if err != nil {
		return "", err
	}
	if actor != nil {
		if err := s.allowed(ctx, actor); err != nil {
			return "", err
		}
	}
	var target string
	if channel == ChannelLinkedInProfile {
		target = s.ShareOf(p).LinkedIn
	} else {
		var ok bool
		if target, ok = ShareTarget(channel, s.urls.Award(awardID), p.BadgeClass.Fields.Name); !ok {
			return "", badge.Errorf(badge.NotFound, "There is no such share link.")
		}
	}
	e := ShareEvent{AwardID: p.Award.ID, Kind: EventShare, Channel: channel, Referrer: referrer}
	if actor != nil {
		e.UserID = actor.ID
		e.WalletItemID = s.walletItemOf(ctx, actor, p.Award.ID)
	}
	s.Record(e)
	return target, nil
}

// walletItemOf returns the id of the actor's accepted wallet item of the award, "" when they
// have none (a share by someone else, or by the recipient before accepting it): the share
// then came from that wallet item (share_events.wallet_item_id). A read error is logged and
// leaves the item unknown: the event is a count and the share goes on.
func (s *Shares) walletItemOf(ctx context.Context, actor *badge.User, awardID string) string {
	if actor == nil || actor.ID == 0 {
		return ""
	}
	var id string
	err := s.store.View(ctx, func(tx *store.Tx) error {
		w, err := tx.WalletItemByAward(ctx, actor.ID, awardID)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err == nil && w.State == "accepted" {
			id = w.ID
		}
		return err
	})
	if err != nil {
		s.log.LogAttrs(ctx, slog.LevelWarn, "share event: reading the wallet item", slog.String("error", err.Error()))
		return ""
	}
	return id
}

// ImageSize returns the pixel size of the award's badge image when it is a PNG (for oEmbed's
// thumbnail); ok is false for an SVG (which has no fixed size) or an image that cannot be
// read.
func (s *Shares) ImageSize(ctx context.Context, p *PublicAward) (w, h int, ok bool) {
	if p.BadgeClass.ImageID == "" || p.ImageMediaType != "image/png" {
		return 0, 0, false
	}
	var img *store.BadgeImage
	err := s.store.View(ctx, func(tx *store.Tx) error {
		var err error
		img, err = tx.BadgeImageByID(ctx, p.BadgeClass.ImageID)
		return err
	})
	if err != nil {
		return 0, 0, false
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(img.Bytes))
	if err != nil {
		return 0, 0, false
	}
	return cfg.Width, cfg.Height, true
}
