package jsonld

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
)

// Loader returns the parsed JSON of a context document by URL.
type Loader interface {
	LoadDocument(ctx context.Context, url string) (any, error)
}

// ErrContextNotFound is returned (wrapped) for a context URL the loader does not hold and may
// not fetch.
var ErrContextNotFound = errors.New("jsonld: context document not available offline")

// FetchFunc retrieves a context document's bytes from elsewhere (for example the network).
type FetchFunc func(ctx context.Context, url string) ([]byte, error)

// LoaderOption configures NewLoader.
type LoaderOption func(*EmbeddedLoader)

// WithFetch lets the loader call fetch for URLs it does not hold. Without it the loader never
// leaves the process. Fetched documents are not cached.
func WithFetch(fetch FetchFunc) LoaderOption {
	return func(l *EmbeddedLoader) { l.fetch = fetch }
}

// WithDocument adds (or replaces) a context document at url.
func WithDocument(url string, doc []byte) LoaderOption {
	return func(l *EmbeddedLoader) { l.extra[url] = bytes.Clone(doc) }
}

// EmbeddedLoader serves the embedded published contexts by exact URL, plus documents added by
// the caller. It is safe for concurrent use.
type EmbeddedLoader struct {
	mu    sync.RWMutex
	extra map[string][]byte
	fetch FetchFunc
}

// NewLoader returns a loader over every embedded context. It never touches the network unless
// WithFetch is given.
func NewLoader(opts ...LoaderOption) *EmbeddedLoader {
	l := &EmbeddedLoader{extra: map[string][]byte{}}
	for _, o := range opts {
		o(l)
	}
	return l
}

// AddDocument adds (or replaces) the context document served at url. It fails when doc is
// not JSON.
func (l *EmbeddedLoader) AddDocument(url string, doc []byte) error {
	if !json.Valid(doc) {
		return fmt.Errorf("jsonld: document for %s is not valid JSON", url)
	}
	l.mu.Lock()
	l.extra[url] = bytes.Clone(doc)
	l.mu.Unlock()
	return nil
}

// LoadDocumentBytes returns the raw bytes of the document at url.
func (l *EmbeddedLoader) LoadDocumentBytes(ctx context.Context, url string) ([]byte, error) {
	l.mu.RLock()
	b, ok := l.extra[url]
	l.mu.RUnlock()
	if ok {
		return b, nil
	}
	if b, ok := EmbeddedContext(url); ok {
		return b, nil
	}
	if l.fetch != nil {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		b, err := l.fetch(ctx, url)
		if err != nil {
			return nil, fmt.Errorf("jsonld: fetching context %s: %w", url, err)
		}
		return b, nil
	}
	return nil, fmt.Errorf("%w: %s", ErrContextNotFound, url)
}

// LoadDocument returns a freshly parsed copy (numbers as json.Number) of the document at url.
func (l *EmbeddedLoader) LoadDocument(ctx context.Context, url string) (any, error) {
	b, err := l.LoadDocumentBytes(ctx, url)
	if err != nil {
		return nil, err
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, fmt.Errorf("jsonld: context %s is not valid JSON: %w", url, err)
	}
	return v, nil
}
