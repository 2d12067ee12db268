package verify

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/rosettebadges/rosette/openbadges/bake"
	"github.com/rosettebadges/rosette/openbadges/did"
	"github.com/rosettebadges/rosette/openbadges/jsonld"
	"github.com/rosettebadges/rosette/openbadges/ob3"
)

// defaultProcessor returns the JSON-LD processor used when Options.Processor is nil: the
// embedded contexts only, never the network.
func defaultProcessor() Canonicalizer {
	return jsonld.NewProcessor(jsonld.WithLoader(jsonld.NewLoader()))
}

// defaultResolver returns the key resolver used when Options.Resolver is nil: did:key,
// did:web and http(s) documents through the Fetcher.
func defaultResolver(f Fetcher) MethodResolver {
	return &did.Resolver{Fetcher: f}
}

// bindPackages wires unbaking, JWT/JWS, schema and status support.
func bindPackages(d *deps, opts Options) {
	d.unbake = func(img []byte) ([]byte, string, error) {
		b, err := bake.Unbake(img)
		if err != nil {
			return nil, "", err
		}
		what := map[bake.Kind]string{bake.OB2: "Open Badges 2.0", bake.OB3: "Open Badges 3.0", bake.CLR: "CLR 2.0"}[b.Kind]
		if what == "" {
			what = string(b.Kind)
		}
		return b.Payload, strings.ToUpper(b.Format) + ", " + what, nil
	}
	sv, err := embeddedSchemas()
	if err != nil {
		// The schemas are embedded: failing to compile them is a build defect, reported on
		// every credential rather than hidden.
		d.schema = func(string, string, []byte) (string, error) {
			return "", fmt.Errorf("the embedded OB 3.0 JSON Schemas do not compile: %v", err)
		}
		return
	}
	d.schemaDoc = func(url string, schema, raw []byte) error {
		// The published OB 3.0 schemas are compiled once; compiling one per credential was
		// half the CPU of a verification.
		if ok, err := sv.ValidateURL(url, raw); ok {
			if err != nil {
				return fmt.Errorf("the badge does not follow %s: %v", url, err)
			}
			return nil
		}
		return validateWithSchema(url, schema, raw)
	}
	d.schema = func(kind, vcdm string, raw []byte) (string, error) {
		if kind == "ClrCredential" {
			return "", errNoSchema
		}
		return credentialSchemaCheck(sv, kind, vcdm, raw)
	}
}

// embeddedSchemas compiles the embedded OB 3.0 JSON Schemas once per process (about 80 ms).
// The compiled schemas are immutable and safe for concurrent use, like a constant table.
var embeddedSchemas = sync.OnceValues(ob3.NewSchemaValidator)

// errNoSchema: no JSON Schema is embedded for this kind of credential.
var errNoSchema = errors.New("no JSON Schema for this kind of credential")

func isSafeModeError(err error) bool    { return errors.Is(err, jsonld.ErrSafeMode) }
func isContextLoadError(err error) bool { return errors.Is(err, jsonld.ErrContextNotFound) }
