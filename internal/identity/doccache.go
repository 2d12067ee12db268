package identity

import (
	"container/list"
	"crypto/sha256"
	"encoding/base64"
	"sync"
)

// defaultDocCacheSize is how many immutable documents AwardHandler keeps by default.
const defaultDocCacheSize = 4096

// docCache keeps immutable documents (signed credentials and their VC-JWT forms, which never
// change once made) with their ETags, so that serving one again costs neither a database read
// nor hashing: a bounded LRU. Documents that can change (assertions, status lists) are never
// put in it.
type docCache struct {
	max   int
	mu    sync.Mutex
	lru   *list.List // of *cachedDoc, most recently used first
	byKey map[string]*list.Element
}

type cachedDoc struct {
	key  string
	body []byte
	etag string
}

func newDocCache(max int) *docCache {
	if max <= 0 {
		max = defaultDocCacheSize
	}
	return &docCache{max: max, lru: list.New(), byKey: map[string]*list.Element{}}
}

func (c *docCache) get(key string) (*cachedDoc, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byKey[key]
	if !ok {
		return nil, false
	}
	c.lru.MoveToFront(el)
	return el.Value.(*cachedDoc), true
}

// put stores body under key and returns the entry, with its ETag.
func (c *docCache) put(key string, body []byte) *cachedDoc {
	d := &cachedDoc{key: key, body: body, etag: etagOf(body)}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byKey[key]; ok {
		c.lru.Remove(el)
	}
	c.byKey[key] = c.lru.PushFront(d)
	for c.lru.Len() > c.max {
		last := c.lru.Back()
		c.lru.Remove(last)
		delete(c.byKey, last.Value.(*cachedDoc).key)
	}
	return d
}

func (c *docCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Len()
}

// etagOf is the strong ETag of a document: a hash of its bytes.
func etagOf(body []byte) string {
	sum := sha256.Sum256(body)
	return `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`
}
