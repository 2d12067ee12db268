package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/store"
)

// IdempotencyTTL is how long an idempotency key is remembered.
const IdempotencyTTL = 24 * time.Hour

// idempotencyLease is how long a request may stay "in progress" under its key before another
// request with the key may take over (its process died before recording a response).
const idempotencyLease = 5 * time.Minute

// The idempotency errors, compared with errors.Is (identity) by the HTTP edge, which gives
// each its own code.
var (
	// ErrIdempotencyKeyReused: the key was used with another request (method, path or body).
	ErrIdempotencyKeyReused = badge.Errorf(badge.Invalid, "This Idempotency-Key was already used with a different request.")
	// ErrIdempotencyKeyInUse: the first request with the key is still running.
	ErrIdempotencyKeyInUse = badge.Errorf(badge.Conflict, "A request with this Idempotency-Key is still in progress; retry later.")
)

// Idempotency makes API calls repeatable: the first request with an Idempotency-Key records
// the key as in progress, and its response when done; a repeat of the same request (same
// method, path and body) within IdempotencyTTL gets the recorded response again instead of
// running twice. Keys belong to the API token that sent them. Safe for concurrent use.
type Idempotency struct {
	store  *store.Store
	clock  badge.Clock
	logger *slog.Logger
}

// NewIdempotency returns the idempotency service.
func NewIdempotency(st *store.Store, clock badge.Clock, logger *slog.Logger) *Idempotency {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Idempotency{store: st, clock: clock, logger: logger}
}

// StoredResponse is a recorded response, replayed for a repeated request.
type StoredResponse struct {
	Status   int
	Location string // the Location header, "" for none
	Body     []byte
}

// CheckIdempotencyKey returns an Invalid error unless key is 1 to 255 printable ASCII
// characters.
func CheckIdempotencyKey(key string) error {
	if key == "" || len(key) > 255 {
		return badge.FieldError(badge.Invalid, "Idempotency-Key", "Idempotency-Key must be 1 to 255 characters.", nil)
	}
	for i := 0; i < len(key); i++ {
		if key[i] < 0x21 || key[i] > 0x7e {
			return badge.FieldError(badge.Invalid, "Idempotency-Key", "Idempotency-Key must be printable ASCII without spaces.", nil)
		}
	}
	return nil
}

func requestHash(methodPath string, body []byte) string {
	h := sha256.New()
	h.Write([]byte(methodPath))
	h.Write([]byte{0})
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

func tokenOf(actor *badge.User) (int64, error) {
	if actor == nil || actor.Token == nil {
		return 0, badge.Errorf(badge.Unauthorized, "Idempotency keys need an API token.")
	}
	return actor.Token.TokenID, nil
}

// Begin starts a request with key for the actor's token. It returns the stored response when
// the same request was made before (replay it), or nil when this request is the first: the
// key is then recorded as in progress and the caller must Finish or Abandon it.
// ErrIdempotencyKeyReused when the key was used for another request; ErrIdempotencyKeyInUse
// while the first request runs.
func (s *Idempotency) Begin(ctx context.Context, actor *badge.User, key, methodPath string, body []byte) (*StoredResponse, error) {
	tokenID, err := tokenOf(actor)
	if err != nil {
		return nil, err
	}
	if err := CheckIdempotencyKey(key); err != nil {
		return nil, err
	}
	now := s.clock.Now().UTC()
	hash := requestHash(methodPath, body)
	var out *StoredResponse
	err = s.store.Update(ctx, func(tx *store.Tx) error {
		r, err := tx.IdempotencyByKey(ctx, tokenID, key)
		switch {
		case errors.Is(err, store.ErrNotFound):
		case err != nil:
			return err
		case !r.CreatedAt.After(now.Add(-IdempotencyTTL)):
			// Expired: forgotten, as if pruned.
			if err := tx.DeleteIdempotency(ctx, tokenID, key); err != nil {
				return err
			}
		case r.MethodPath != methodPath || r.RequestHash != hash:
			return ErrIdempotencyKeyReused
		case r.Status == 0 && r.CreatedAt.After(now.Add(-idempotencyLease)):
			return ErrIdempotencyKeyInUse
		case r.Status == 0:
			// Abandoned by a request that never finished: this one takes over.
			if err := tx.DeleteIdempotency(ctx, tokenID, key); err != nil {
				return err
			}
		default:
			out = &StoredResponse{Status: r.Status, Location: r.Location, Body: r.Response}
			return nil
		}
		err = tx.InsertIdempotency(ctx, &store.Idempotency{TokenID: tokenID, Key: key, MethodPath: methodPath, RequestHash: hash, CreatedAt: now})
		if errors.Is(err, store.ErrDuplicate) {
			return ErrIdempotencyKeyInUse
		}
		return err
	})
	if err != nil {
		return nil, serviceErr(err)
	}
	return out, nil
}

// Finish records the response (status, Location header, body) of the request begun with
// key, for replays.
func (s *Idempotency) Finish(ctx context.Context, actor *badge.User, key string, status int, location string, body []byte) error {
	tokenID, err := tokenOf(actor)
	if err != nil {
		return err
	}
	return serviceErr(s.store.Update(ctx, func(tx *store.Tx) error {
		return tx.FinishIdempotency(ctx, tokenID, key, status, location, body)
	}))
}

// Abandon forgets the key of a request that failed in a way worth retrying (a server error,
// throttling), so that the retry runs again.
func (s *Idempotency) Abandon(ctx context.Context, actor *badge.User, key string) error {
	tokenID, err := tokenOf(actor)
	if err != nil {
		return err
	}
	return serviceErr(s.store.Update(ctx, func(tx *store.Tx) error {
		return tx.DeleteIdempotency(ctx, tokenID, key)
	}))
}

// Prune deletes the keys older than IdempotencyTTL (an hourly job) and returns how many.
func (s *Idempotency) Prune(ctx context.Context) (int64, error) {
	var n int64
	err := s.store.Update(ctx, func(tx *store.Tx) error {
		var err error
		n, err = tx.PruneIdempotency(ctx, s.clock.Now().UTC().Add(-IdempotencyTTL))
		return err
	})
	return n, serviceErr(err)
}
