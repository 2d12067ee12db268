package verify

import (
	"context"
	"errors"

	"github.com/rosettebadges/rosette/openbadges/fetch"
	"github.com/rosettebadges/rosette/openbadges/proof"
)

// Fetcher is how the verifier reaches the network (openbadges/fetch.Client, or a test
// double).
type Fetcher = fetch.Fetcher

// Response is a fetched document.
type Response = fetch.Response

// MethodResolver resolves a verification method id to its key (openbadges/did's resolver
// through an adapter, or proof.MethodResolver implementations).
type MethodResolver = proof.MethodResolver

// diResult is the verifier's view of one Data Integrity proof.
type diResult struct {
	ok           bool
	suite        string
	method       string
	err          error
	unverifiable bool // the key could not be had or the suite is unsupported
}

// deps binds the verifier to the packages doing the work.
type deps struct {
	processor Canonicalizer
	resolver  MethodResolver
	unbake    func(img []byte) (payload []byte, kind string, err error)
	verifyDI  func(ctx context.Context, raw []byte, issuerID string) ([]diResult, error)
	// schema validates a credential against the OB 3.0 JSON Schema; warn is set when only
	// the JSON-LD-tolerant form passes.
	schema func(kind, vcdm string, raw []byte) (warn string, err error)
	// schemaDoc validates raw against the schema document fetched from url.
	schemaDoc func(url string, schema, raw []byte) error
}

func newDeps(opts Options) deps {
	d := deps{processor: opts.Processor, resolver: opts.Resolver, schemaDoc: validateWithSchema, schema: func(string, string, []byte) (string, error) { return "", errNoSchema }}
	if d.processor == nil {
		d.processor = defaultProcessor()
	}
	if d.resolver == nil {
		d.resolver = defaultResolver(opts.Fetcher)
	}
	d.verifyDI = func(ctx context.Context, raw []byte, issuerID string) ([]diResult, error) {
		if d.processor == nil || d.resolver == nil {
			return nil, errors.New("no JSON-LD processor or key resolver configured")
		}
		res, err := proof.VerifyDataIntegrity(ctx, d.processor, d.resolver, raw, issuerID)
		if err != nil {
			return nil, err
		}
		out := make([]diResult, len(res))
		for i, p := range res {
			suite := p.Cryptosuite
			if suite == "" {
				suite = p.Type
			}
			out[i] = diResult{ok: p.Verified, suite: suite, method: p.VerificationMethod, err: p.Err}
			if p.Err != nil {
				var fe *fetch.Error
				out[i].unverifiable = errors.Is(p.Err, proof.ErrUnsupportedSuite) ||
					(errors.Is(p.Err, proof.ErrKey) && errors.As(p.Err, &fe)) ||
					errors.Is(p.Err, context.DeadlineExceeded)
			}
		}
		return out, nil
	}
	bindPackages(&d, opts)
	return d
}
