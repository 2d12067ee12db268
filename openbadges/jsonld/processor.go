package jsonld

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/piprate/json-gold/ld"

	"github.com/rosettebadges/rosette/openbadges/internal/jsondec"
)

// Option configures a Processor.
type Option func(*Processor)

// WithLoader sets the context document loader (default NewLoader(): embedded contexts only).
func WithLoader(l Loader) Option { return func(p *Processor) { p.loader = l } }

// WithMaxWork sets the RDFC-1.0 work bounds (default: rdf-canonize's, work factor 1).
func WithMaxWork(o CanonOptions) Option { return func(p *Processor) { p.canon = o } }

// WithGeneralPathOnly disables the compiled fast path: every document goes through the
// general (json-gold expansion) path. For differential tests and benchmarks.
func WithGeneralPathOnly() Option { return func(p *Processor) { p.noFast = true } }

// Processor turns JSON-LD documents into canonical N-Quads (JSON-LD 1.1 to RDF, then
// RDFC-1.0), always in safe mode. It is safe for concurrent use.
type Processor struct {
	loader Loader
	canon  CanonOptions
	noFast bool
	cc     *contextCompiler
	// bufs holds *quadBuf: the quad slices of finished Canonicalize calls, reused by the
	// next ones (the quads never leave Canonicalize).
	bufs sync.Pool
	// trees holds the *jsondec.Tree given back with ReleaseTree, for DecodeTreeMembers.
	trees sync.Pool
}

// maxPooledTreeBytes bounds the input size whose Tree is kept for reuse.
const maxPooledTreeBytes = 1 << 20

// quadBuf is a reusable rdfBuilder backing store.
type quadBuf struct {
	quads []Quad
	keyed []keyedQuad
	canon canonScratch
	emit  []emitted
	path  []jseg
	exp   []expandedKey
	strs  []string
	table []int32
	lines lineSet    // the fast path's dataset for canonicalization (see toRDFInto)
	kl    keyedLines // the node map identities of lines' statements
}

// maxPooledQuads bounds the buffers kept for reuse, so one huge document does not pin memory.
const (
	maxPooledQuads = 1 << 14
	maxPooledLines = 4 << 20 // bytes of N-Quads
)

// NewProcessor returns a Processor.
func NewProcessor(opts ...Option) *Processor {
	p := &Processor{}
	for _, o := range opts {
		o(p)
	}
	if p.loader == nil {
		p.loader = NewLoader()
	}
	p.cc = newContextCompiler(p.loader)
	return p
}

// Canonicalize converts doc (the result of encoding/json decoding into any, float64 or
// json.Number numbers; or, inside openbadges, a *jsondec.Tree, which the fast path reads
// without converting) to RDF and returns its RDFC-1.0 canonical N-Quads. Safe mode always:
// any term that does not expand to an absolute IRI, relative @type, relative or malformed @id,
// @direction, or anything else jsonld.js's safe mode refuses gives a *SafeModeError and no
// output.
func (p *Processor) Canonicalize(ctx context.Context, doc any) ([]byte, error) {
	buf, _ := p.bufs.Get().(*quadBuf)
	if buf == nil {
		buf = &quadBuf{}
	}
	defer p.release(buf)
	quads, problems, lines, err := p.toRDFInto(ctx, doc, buf, true)
	if err != nil {
		return nil, err
	}
	if len(problems) > 0 {
		return nil, &SafeModeError{Problems: problems}
	}
	if lines {
		var out bytes.Buffer
		if err := canonicalizeLinesTo(ctx, &buf.lines, p.canon, &buf.canon, &out); err != nil {
			return nil, err
		}
		return out.Bytes(), nil
	}
	return canonicalize(ctx, quads, p.canon, true, &buf.canon)
}

// CanonicalizeTo is Canonicalize writing the canonical N-Quads to w (a hash, typically)
// instead of returning them, which saves building the output. Nothing is written when an
// error is returned, except an error of w itself.
func (p *Processor) CanonicalizeTo(ctx context.Context, doc any, w io.Writer) error {
	buf, _ := p.bufs.Get().(*quadBuf)
	if buf == nil {
		buf = &quadBuf{}
	}
	defer p.release(buf)
	quads, problems, lines, err := p.toRDFInto(ctx, doc, buf, true)
	if err != nil {
		return err
	}
	if len(problems) > 0 {
		return &SafeModeError{Problems: problems}
	}
	if lines {
		return canonicalizeLinesTo(ctx, &buf.lines, p.canon, &buf.canon, w)
	}
	return canonicalizeTo(ctx, quads, p.canon, true, &buf.canon, w)
}

// CanonicalizeTreeTo is CanonicalizeTo for a document decoded into a jsondec.Tree (for the
// packages of openbadges, which decode documents that way).
func (p *Processor) CanonicalizeTreeTo(ctx context.Context, t *jsondec.Tree, w io.Writer) error {
	return p.CanonicalizeTo(ctx, t, w)
}

// DecodeTreeMembers is jsondec.DecodeTreeMembers reusing the storage of the Trees given back
// with ReleaseTree (for the packages of openbadges, which decode documents for
// CanonicalizeTreeTo that way). The members returned share the Tree's storage: they are not
// to be used once the Tree is given back.
func (p *Processor) DecodeTreeMembers(data []byte) (*jsondec.Tree, []jsondec.Member, int, error) {
	old, _ := p.trees.Get().(*jsondec.Tree)
	t, members, closing, err := jsondec.DecodeTreeMembersReusing(data, old)
	if err != nil && old != nil {
		p.trees.Put(old)
	}
	return t, members, closing, err
}

// ReleaseTree gives back a Tree from DecodeTreeMembers that is no longer used, nor any Tree
// its Without made, nor the members returned with it. Values taken from it stay valid.
func (p *Processor) ReleaseTree(t *jsondec.Tree) {
	if t != nil && t.SourceLen() <= maxPooledTreeBytes {
		t.Reset()
		p.trees.Put(t)
	}
}

// release pools buf. Its slices are truncated, not cleared: clearing 224-byte Quads costs a
// write barrier per string while the collector marks, and what their stale tails still
// reference (one document's strings) is bounded by the pool, which sync.Pool empties within
// two collections; every reuse overwrites elements before reading them.
func (p *Processor) release(buf *quadBuf) {
	if cap(buf.quads) > maxPooledQuads || buf.canon.oversized() || cap(buf.lines.buf) > maxPooledLines ||
		cap(buf.kl.entries) > maxPooledQuads || cap(buf.kl.keys) > maxPooledLines {
		return
	}
	buf.quads, buf.keyed = buf.quads[:0], buf.keyed[:0]
	buf.lines.reset()
	buf.emit, buf.path, buf.exp, buf.strs = buf.emit[:0], buf.path[:0], buf.exp[:0], buf.strs[:0]
	p.bufs.Put(buf)
}

// ToRDF returns the RDF dataset of doc (unsorted, unlabelled) and the safe-mode problems.
func (p *Processor) ToRDF(ctx context.Context, doc any) ([]Quad, []Problem, error) {
	return p.toRDF(ctx, doc)
}

// SafeModeProblems returns every safe-mode problem of doc, for verifiers that report rather
// than refuse. An error means the document could not be processed at all.
func (p *Processor) SafeModeProblems(ctx context.Context, doc any) ([]Problem, error) {
	_, problems, err := p.toRDF(ctx, doc)
	return problems, err
}

func (p *Processor) toRDF(ctx context.Context, doc any) ([]Quad, []Problem, error) {
	quads, problems, _, err := p.toRDFInto(ctx, doc, nil, false)
	return quads, problems, err
}

// toRDFInto is toRDF with the fast path building into buf's slices (when buf is not nil); the
// quads returned may then share buf's backing array. With lines (and buf), the fast path
// writes its dataset into buf.lines instead of returning quads, and says so (true).
func (p *Processor) toRDFInto(ctx context.Context, doc any, buf *quadBuf, lines bool) ([]Quad, []Problem, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, false, err
	}
	tree, isTree := doc.(*jsondec.Tree)
	if !p.noFast {
		t, err := tree, error(nil)
		if !isTree {
			t, err = jsondec.FromValue(doc) // not JSON: the general path reports it
		}
		if err == nil {
			lines := lines && buf != nil
			quads, problems, err := p.fastToRDFInto(ctx, t, buf, lines)
			if err == nil {
				sortProblems(problems)
				return quads, problems, lines, nil
			}
			if !errors.Is(err, errFallback) && (errors.Is(err, ErrContextNotFound) || ctx.Err() != nil) {
				return nil, nil, false, err
			}
		}
		// Anything else: the general path decides.
	}
	if isTree {
		doc = tree.Value(tree.Root())
	}
	quads, problems, err := p.generalToRDF(ctx, doc)
	sortProblems(problems)
	return quads, problems, false, err
}

// sortProblems orders problems by path (stable), so reports do not depend on map order.
func sortProblems(ps []Problem) {
	slices.SortStableFunc(ps, func(a, b Problem) int { return strings.Compare(a.Path, b.Path) })
}

// fastToRDF runs the compiled-context fast path on doc (decoded JSON or a *jsondec.Tree).
func (p *Processor) fastToRDF(ctx context.Context, doc any) ([]Quad, []Problem, error) {
	t, ok := doc.(*jsondec.Tree)
	if !ok {
		var err error
		if t, err = jsondec.FromValue(doc); err != nil {
			return nil, nil, fallback("%v", err)
		}
	}
	return p.fastToRDFInto(ctx, t, nil, false)
}

// fastToRDFInto is fastToRDF building into buf's slices when buf is not nil, and its dataset
// into buf.lines (returning no quads) with lines.
func (p *Processor) fastToRDFInto(ctx context.Context, t *jsondec.Tree, buf *quadBuf, lines bool) ([]Quad, []Problem, error) {
	f := &fastBuilder{ctx: ctx, cc: p.cc, t: t}
	if lines {
		buf.lines.reset()
		buf.kl.reset()
		f.lines, f.kl = &buf.lines, &buf.kl
	}
	if buf != nil {
		f.quads, f.keyed = buf.quads[:0], buf.keyed[:0]
		f.emit, f.path, f.exp, f.strs = buf.emit[:0], buf.path[:0], buf.exp[:0], buf.strs[:0]
		f.table = buf.table
		// Hand the (possibly grown) slices back, whole, for release to clear.
		defer func() {
			buf.quads, buf.keyed = f.quads, f.keyed
			buf.emit, buf.path = f.emit[:cap(f.emit)], f.path[:cap(f.path)]
			buf.exp, buf.strs = f.exp[:cap(f.exp)], f.strs[:cap(f.strs)]
			buf.table = f.table
		}()
	}
	if err := f.document(); err != nil {
		return nil, nil, err
	}
	if lines {
		return nil, f.problems, nil
	}
	return f.dataset(), f.problems, nil
}

// generalToRDF expands with json-gold, then converts with our own RDF step.
func (p *Processor) generalToRDF(ctx context.Context, doc any) ([]Quad, []Problem, error) {
	input, err := normalizeInput(doc, 0)
	if err != nil {
		return nil, nil, err
	}
	opts := ld.NewJsonLdOptions("")
	opts.ProcessingMode = ld.JsonLd_1_1
	opts.SafeMode = true
	dl := &goldLoader{ctx: ctx, l: p.loader}
	opts.DocumentLoader = dl
	expanded, err := goldExpand(input, opts)
	if err != nil {
		if dl.err != nil {
			return nil, nil, dl.err
		}
		var le *ld.JsonLdError
		if errors.As(err, &le) && le.Code == ld.InvalidProperty {
			return nil, []Problem{{Code: codeInvalidProperty, Message: "a property did not expand to an absolute IRI (undefined term)"}}, nil
		}
		return nil, nil, fmt.Errorf("%w: %v", ErrInvalidInput, err)
	}
	b := &rdfBuilder{}
	if err := b.addTopLevel(expanded); err != nil {
		return nil, nil, err
	}
	// jsonld.js reports a top-level object that expansion drops (empty, or only an @id);
	// json-gold drops it silently.
	if top, ok := input.(map[string]any); ok && len(expanded) == 0 {
		if _, hasGraph := top["@graph"]; !hasGraph {
			b.problems = append(b.problems, Problem{Code: codeEmptyObject, Message: "top-level object is empty or has only an @id after expansion"})
		}
	}
	// json-gold does not check explicit language tags; jsonld.js reports malformed ones.
	scanLanguages(input, "", &b.problems)
	return b.dataset(), b.problems, nil
}

// scanLanguages reports every explicit "@language" value outside contexts that is not a
// well-formed tag (jsonld.js's 'invalid @language value' event).
func scanLanguages(v any, path string, problems *[]Problem) {
	switch x := v.(type) {
	case []any:
		for i, e := range x {
			scanLanguages(e, path+"/"+strconv.Itoa(i), problems)
		}
	case map[string]any:
		for k, e := range x {
			if k == "@context" {
				continue
			}
			if s, ok := e.(string); ok && k == "@language" && !isBCP47(s) {
				*problems = append(*problems, Problem{Path: ptr(path, k), Code: codeInvalidLanguage, Term: s, Message: "@language is not a well-formed language tag"})
			}
			scanLanguages(e, ptr(path, k), problems)
		}
	}
}

const maxDepth = 512

// normalizeInput deep-copies a decoded JSON value, turning json.Number into float64 (as
// JavaScript's JSON.parse does) and refusing non-JSON Go values.
func normalizeInput(v any, depth int) (any, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("%w: nested deeper than %d", ErrInvalidInput, maxDepth)
	}
	switch x := v.(type) {
	case nil, bool, string, float64:
		return x, nil
	case json.Number:
		return toFloat(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			n, err := normalizeInput(e, depth+1)
			if err != nil {
				return nil, err
			}
			out[i] = n
		}
		return out, nil
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			n, err := normalizeInput(e, depth+1)
			if err != nil {
				return nil, err
			}
			out[k] = n
		}
		return out, nil
	}
	return nil, fmt.Errorf("%w: unsupported Go type %T (decode JSON into any)", ErrInvalidInput, v)
}

// goldLoader adapts a Loader to json-gold.
type goldLoader struct {
	ctx context.Context
	l   Loader
	err error
}

func (g *goldLoader) LoadDocument(u string) (*ld.RemoteDocument, error) {
	doc, err := g.l.LoadDocument(g.ctx, u)
	if err != nil {
		g.err = err
		return nil, ld.NewJsonLdError(ld.LoadingDocumentFailed, err)
	}
	n, err := normalizeInput(doc, 0)
	if err != nil {
		g.err = err
		return nil, ld.NewJsonLdError(ld.LoadingDocumentFailed, err)
	}
	return &ld.RemoteDocument{DocumentURL: u, Document: n}, nil
}

// goldExpand runs json-gold's expansion, turning its panics on odd input into errors.
func goldExpand(input any, opts *ld.JsonLdOptions) (out []any, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("%w: json-gold failed on this input: %v", ErrInvalidInput, r)
		}
	}()
	return ld.NewJsonLdProcessor().Expand(input, opts)
}
