package service

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/store"
	"github.com/rosettebadges/rosette/openbadges/verify"
)

// WalletRecheckJob is the kind of the periodic job that verifies wallet items whose next
// check is due. Each run re-enqueues the next one (RecheckInterval later) under a unique key
// per time slot, so that one run happens per slot however many nodes there are.
const WalletRecheckJob = "wallet.recheck"

// RecheckInterval is how often the re-check job looks for due items.
const RecheckInterval = 15 * time.Minute

// maxRecheckBatches bounds one run: the rest waits for the next run.
const maxRecheckBatches = 20

// recheckConcurrency bounds the verifications one run makes at once.
const recheckConcurrency = 4

// Register registers the re-check job on the queue (call before the queue runs): a periodic
// job, one run per RecheckInterval on the whole installation.
func (s *Wallet) Register() {
	s.queue.RegisterPeriodic(WalletRecheckJob, RecheckInterval, func(ctx context.Context) error {
		_, err := s.RecheckDue(ctx)
		return err
	})
}

// ScheduleRecheck queues the current slot's re-check run (nothing if it exists); each node
// with workers calls it when it starts.
func (s *Wallet) ScheduleRecheck(ctx context.Context) error {
	return s.queue.SchedulePeriodic(ctx, WalletRecheckJob, RecheckInterval)
}

// RecheckDue verifies the items whose next check is due, in batches, and records each
// outcome; it returns how many it checked. An item past its expiry date turns expired
// without a network call.
func (s *Wallet) RecheckDue(ctx context.Context) (int, error) {
	n := 0
	seen := map[string]bool{} // an item is checked once per run, whatever its next check
	for range maxRecheckBatches {
		var due []*WalletItem
		err := s.store.View(ctx, func(tx *store.Tx) error {
			var err error
			due, err = tx.DueWalletItems(ctx, s.now(), s.batch)
			return err
		})
		if err != nil {
			return n, serviceErr(err)
		}
		var todo []*WalletItem
		for _, it := range due {
			if !seen[it.ID] {
				seen[it.ID] = true
				todo = append(todo, it)
			}
		}
		checked, err := s.checkAll(ctx, todo)
		n += checked
		if err != nil {
			return n, err
		}
		if len(due) < s.batch || len(todo) == 0 {
			break
		}
	}
	if n > 0 {
		s.logger.LogAttrs(ctx, slog.LevelInfo, "wallet badges re-checked", slog.Int("count", n))
	}
	return n, nil
}

// checkAll checks the items, at most recheckConcurrency at once (a slow issuer holds up one
// of them, not the batch), and returns how many it checked; the first error stops it.
func (s *Wallet) checkAll(ctx context.Context, items []*WalletItem) (int, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu       sync.Mutex
		n        int
		firstErr error
		wg       sync.WaitGroup
	)
	slots := make(chan struct{}, recheckConcurrency)
	for _, it := range items {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer func() { <-slots; wg.Done() }()
			err := s.check(ctx, it)
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				n++
			} else if firstErr == nil {
				firstErr = err
				cancel()
			}
		}()
	}
	wg.Wait()
	if firstErr == nil {
		firstErr = ctx.Err()
	}
	return n, firstErr
}

// Check verifies one of the user's items now ("Check again") and returns it updated.
func (s *Wallet) Check(ctx context.Context, user *badge.User, id string) (*WalletItem, error) {
	it, err := s.Item(ctx, user, id)
	if err != nil {
		return nil, err
	}
	if err := s.check(ctx, it); err != nil {
		return nil, err
	}
	return it, nil
}

// check verifies the item and records the outcome in it and in the store.
func (s *Wallet) check(ctx context.Context, it *WalletItem) error {
	now := s.now()
	if !it.ExpiresAt.IsZero() && !it.ExpiresAt.After(now) && it.VerifyStatus != WalletRevoked && it.VerifyStatus != WalletInvalid {
		// Expired by its own date: no need to ask anyone. The last report stays.
		it.VerifyStatus, it.CheckedAt, it.NextCheckAt = WalletExpired, now, time.Time{}
	} else {
		rep, err := s.verifyItem(ctx, it)
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case err != nil:
			// The credential could not be had (an award not signed yet): try again later,
			// as for an unreachable issuer; the last report stays.
			prevStatus, prevChecked, prevNext := it.VerifyStatus, it.CheckedAt, it.NextCheckAt
			it.VerifyStatus, it.CheckedAt = WalletUnreachable, now
			it.NextCheckAt = s.nextCheck(it, prevStatus, prevChecked, prevNext, now)
			s.logger.LogAttrs(ctx, slog.LevelWarn, "wallet badge not checked", slog.String("item", it.ID),
				slog.String("error", err.Error()))
		default:
			s.applyReport(it, rep, now)
		}
	}
	err := s.store.Update(ctx, func(tx *store.Tx) error {
		return tx.RecordWalletCheck(ctx, it.ID, it.VerifyStatus, it.VerifyReport, it.CheckedAt, it.NextCheckAt)
	})
	if err != nil {
		return serviceErr(err)
	}
	it.UpdatedAt = now
	return nil
}

// verifyItem runs the verifier on what the item holds: an award's credential (verified
// in process), a URL-imported badge at its URL, a baked image, or the credential bytes.
func (s *Wallet) verifyItem(ctx context.Context, it *WalletItem) (*verify.Report, error) {
	vctx, cancel := context.WithTimeout(ctx, walletVerifyTimeout)
	defer cancel()
	switch {
	case it.Source == WalletSourceAward:
		if s.awards == nil {
			return nil, badge.Errorf(badge.Unavailable, "Award credentials are not available here.")
		}
		c, err := s.awards.Credential(ctx, it.AwardID)
		if err != nil {
			return nil, err
		}
		return s.verifier.Verify(vctx, c), nil
	case len(it.Image) > 0:
		return s.verifier.Verify(vctx, it.Image), nil
	case it.SourceURL != "":
		return s.verifier.VerifyURL(vctx, it.SourceURL), nil
	}
	return s.verifier.Verify(vctx, it.Credential), nil
}
