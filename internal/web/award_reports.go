package web

import (
	"container/list"
	"context"
	"sync"
	"time"

	"github.com/rosettebadges/rosette/openbadges/verify"
)

// Defaults of Options.AwardReportCacheSize and AwardReportCacheTTL.
const (
	defaultReportCacheSize = 4096
	defaultReportCacheTTL  = 10 * time.Minute
	// unverifiableTTL is how long an "unverifiable" result is kept: it means something could
	// not be reached, which may pass soon.
	unverifiableTTL = 30 * time.Second
)

// reportKey names one state of an award page: a revocation, the signing, the earner hiding
// their name or an edit of the issuer's profile makes a new key, so a page read after them
// never shows the old body or verification, on any node (each node reads the award from the
// database on every view). The badge class version an award names never changes.
type reportKey struct {
	awardID       string
	revokedAt     int64 // UnixNano, 0 when not revoked
	signed        bool
	hidden        bool  // the recipient's name is hidden
	issuerUpdated int64 // UnixNano of the issuer's last edit
}

// reportEntry is one cached award page, with its verification report, rendered.
type reportEntry[V any] struct {
	key     reportKey
	value   V
	verdict verify.Verdict
	until   time.Time // the entry is stale from then on
}

// reportFlight is a verification under way, which other views of the same award wait for.
type reportFlight[V any] struct {
	key  reportKey
	done chan struct{}
	e    *reportEntry[V]
}

// reportCache keeps the rendered body of recently viewed award pages, verification report
// included: a bounded LRU with a TTL, one entry per award. Verifying costs milliseconds
// (signatures, status list, DID document, schema) and rendering the body a few hundred
// microseconds; a cached view costs a map lookup. An entry also goes stale when a date
// that changes the verdict passes (the award's expiry, its validFrom), and is replaced when the
// key changes (revoked, signed). Concurrent views of an award that is not cached wait for one
// verification instead of each running their own.
type reportCache[V any] struct {
	max int
	ttl time.Duration

	mu       sync.Mutex
	lru      *list.List // of *reportEntry[V], most recently used first
	byID     map[string]*list.Element
	inflight map[string]*reportFlight[V]
}

func newReportCache[V any](max int, ttl time.Duration) *reportCache[V] {
	if max <= 0 {
		max = defaultReportCacheSize
	}
	if ttl <= 0 {
		ttl = defaultReportCacheTTL
	}
	return &reportCache[V]{max: max, ttl: ttl, lru: list.New(), byID: map[string]*list.Element{}, inflight: map[string]*reportFlight[V]{}}
}

// get returns the cached report of key if it is still good at now, else runs compute (once
// for all concurrent callers with the same key) and caches its result. changesAt are the
// instants at which the verdict may change by itself (expiry, validFrom; zero for none).
func (c *reportCache[V]) get(ctx context.Context, key reportKey, now time.Time, changesAt []time.Time,
	compute func() (V, verify.Verdict, error)) (V, verify.Verdict, error) {
	c.mu.Lock()
	if el, ok := c.byID[key.awardID]; ok {
		e := el.Value.(*reportEntry[V])
		if e.key == key && now.Before(e.until) {
			c.lru.MoveToFront(el)
			c.mu.Unlock()
			return e.value, e.verdict, nil
		}
		c.lru.Remove(el)
		delete(c.byID, key.awardID)
	}
	if f, ok := c.inflight[key.awardID]; ok && f.key == key {
		c.mu.Unlock()
		select {
		case <-f.done:
			if f.e != nil {
				return f.e.value, f.e.verdict, nil
			}
			// The verification failed for the one who ran it: run our own.
			return c.compute(key, now, changesAt, compute, nil)
		case <-ctx.Done():
			var zero V
			return zero, "", ctx.Err()
		}
	}
	f := &reportFlight[V]{key: key, done: make(chan struct{})}
	c.inflight[key.awardID] = f
	c.mu.Unlock()
	return c.compute(key, now, changesAt, compute, f)
}

func (c *reportCache[V]) compute(key reportKey, now time.Time, changesAt []time.Time,
	compute func() (V, verify.Verdict, error), f *reportFlight[V]) (V, verify.Verdict, error) {
	value, verdict, err := compute()
	var e *reportEntry[V]
	if err == nil {
		ttl := c.ttl
		if verdict == verify.Unverifiable {
			ttl = min(ttl, unverifiableTTL)
		}
		e = &reportEntry[V]{key: key, value: value, verdict: verdict, until: now.Add(ttl)}
		for _, t := range changesAt {
			if !t.IsZero() && now.Before(t) && t.Before(e.until) {
				e.until = t
			}
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if f != nil {
		f.e = e
		close(f.done)
		if c.inflight[key.awardID] == f {
			delete(c.inflight, key.awardID)
		}
	}
	if e != nil {
		if el, ok := c.byID[key.awardID]; ok {
			c.lru.Remove(el)
		}
		c.byID[key.awardID] = c.lru.PushFront(e)
		for c.lru.Len() > c.max {
			last := c.lru.Back()
			c.lru.Remove(last)
			delete(c.byID, last.Value.(*reportEntry[V]).key.awardID)
		}
	}
	return value, verdict, err
}

// len is the number of cached reports.
func (c *reportCache[V]) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Len()
}
