package service

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/jobs"
	"github.com/rosettebadges/rosette/internal/store"
	"github.com/rosettebadges/rosette/openbadges/key"
	"github.com/rosettebadges/rosette/openbadges/proof"
)

// signPayload is the payload of the signing job: awards recorded together.
type signPayload struct {
	IssuerID string   `json:"issuer_id"`
	IDs      []string `json:"ids"`
}

// signChunk is how many signed credentials one transaction stores.
const signChunk = 250

// sign signs the awards among ids that are not signed yet and stores the credentials, with
// their notification emails, a chunk per transaction.
func (s *Awards) sign(ctx context.Context, ids []string) error {
	signers := map[string]*key.PrivateKey{}
	for len(ids) > 0 {
		n := min(signChunk, len(ids))
		if err := s.signChunk(ctx, ids[:n], signers); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

func (s *Awards) signChunk(ctx context.Context, ids []string, signers map[string]*key.PrivateKey) error {
	var rows []*store.Award
	err := s.store.View(ctx, func(tx *store.Tx) error {
		var err error
		rows, err = tx.AwardsByIDs(ctx, ids)
		return err
	})
	if err != nil {
		return err
	}
	// Keys first (one per issuer), then the signatures on every core.
	for _, a := range rows {
		if _, ok := signers[a.IssuerID]; ok || !a.SignedAt.IsZero() {
			continue
		}
		k, err := s.keys.Signer(ctx, a.IssuerID, key.Ed25519)
		if err != nil {
			return fmt.Errorf("signing key of issuer %s: %w", a.IssuerID, err)
		}
		signers[a.IssuerID] = k
	}
	signed := make([][]byte, len(rows))
	errs := make([]error, len(rows))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(rows)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < len(rows) && ctx.Err() == nil; i = int(next.Add(1) - 1) {
				if rows[i].SignedAt.IsZero() {
					signed[i], errs[i] = s.signOne(ctx, rows[i], signers[rows[i].IssuerID])
				}
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(append(errs, ctx.Err())...); err != nil {
		return err
	}
	now := s.now()
	byID := make(map[string][]byte, len(rows))
	for i, a := range rows {
		if signed[i] != nil {
			byID[a.ID] = signed[i]
		}
	}
	if len(byID) == 0 {
		return nil
	}
	return s.store.Update(ctx, func(tx *store.Tx) error {
		stored, err := tx.SetAwardCredentials(ctx, byID, now)
		if err != nil {
			return err
		}
		bases := map[string]*awardBase{}
		for _, a := range rows {
			if stored[a.ID] && a.NotifyPending {
				if err := s.queueNotification(ctx, tx, a, bases); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// signOne adds the eddsa-rdfc-2022 proof to the award's recorded credential. The proof's
// created time is the recording time, so that signing again gives the same bytes.
func (s *Awards) signOne(ctx context.Context, a *store.Award, k *key.PrivateKey) ([]byte, error) {
	vm, err := s.urls.VerificationMethod(a.IssuerID, k.KeyID)
	if err != nil {
		return nil, err
	}
	priv, ok := k.Signer.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("issuer %s: the Ed25519 key is a %T", a.IssuerID, k.Signer)
	}
	out, err := proof.SignDataIntegrity(ctx, s.canon, a.UnsignedCredential, priv,
		proof.ProofOptions{VerificationMethod: vm, Created: a.CreatedAt.Truncate(time.Second)})
	if err != nil {
		return nil, fmt.Errorf("sign award %s: %w", a.ID, err)
	}
	return out, nil
}

// awardBase is what the awards of one badge class version share: the issuer and the version
// with its image's media type.
type awardBase struct {
	issuer         *badge.Issuer
	version        *badge.BadgeClassVersion
	imageMediaType string
}

// queueNotification queues the award's email with a new claim link, once. bases caches the
// issuer and badge class version of the transaction's earlier awards.
func (s *Awards) queueNotification(ctx context.Context, tx *store.Tx, a *store.Award, bases map[string]*awardBase) error {
	token, hash, err := newToken()
	if err != nil {
		return err
	}
	taken, err := tx.TakeAwardNotification(ctx, a.ID, hash)
	if err != nil || !taken || s.notifier == nil {
		return err
	}
	k := a.BadgeClassID + "\x00" + strconv.Itoa(a.BadgeClassVersion)
	b, ok := bases[k]
	if !ok {
		if b, err = loadAwardBase(ctx, tx, a); err != nil {
			return err
		}
		bases[k] = b
	}
	award, err := toAward(a)
	if err != nil {
		return err
	}
	n := AwardNotice{Award: award, Issuer: b.issuer, BadgeName: b.version.Fields.Name,
		BadgeDescription: b.version.Fields.Description, AwardURL: s.urls.Award(a.ID), ClaimURL: s.urls.Claim(token)}
	if b.version.ImageID != "" {
		n.BadgeImageURL = s.urls.Image(b.version.ImageID, b.imageMediaType)
	}
	return s.notifier.QueueAward(ctx, tx, n)
}

// loadAwardBase loads what the award shares with the other awards of its badge class version.
func loadAwardBase(ctx context.Context, tx *store.Tx, a *store.Award) (*awardBase, error) {
	iss, err := tx.IssuerByID(ctx, a.IssuerID)
	if err != nil {
		return nil, err
	}
	v, err := tx.BadgeClassVersionByNumber(ctx, a.BadgeClassID, a.BadgeClassVersion)
	if err != nil {
		return nil, err
	}
	version, err := toVersion(v)
	if err != nil {
		return nil, err
	}
	b := &awardBase{issuer: toIssuer(iss), version: version}
	if version.ImageID != "" {
		if b.imageMediaType, err = tx.BadgeImageMediaType(ctx, version.ImageID); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// signJob is the safety net of issuing: it signs the awards of its payload that are still
// unsigned (a process that died between recording and signing).
func (s *Awards) signJob(ctx context.Context, j *jobs.Job) error {
	var p signPayload
	if err := j.Decode(&p); err != nil {
		return jobs.Permanent(err)
	}
	if err := s.sign(ctx, p.IDs); err != nil {
		return err
	}
	return j.Complete(ctx, nil)
}

// errNotSigned is returned for documents of an award whose credential is not signed yet.
var errNotSigned = badge.Errorf(badge.Unavailable, "This badge is being issued; try again in a minute.")
