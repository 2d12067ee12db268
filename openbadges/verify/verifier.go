package verify

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// Canonicalizer turns a JSON-LD document into canonical N-Quads, in safe mode
// (openbadges/jsonld's Processor).
type Canonicalizer interface {
	Canonicalize(ctx context.Context, doc any) ([]byte, error)
}

// Options configure a Verifier. Every field may be left zero.
type Options struct {
	// Fetcher does every network access. Nil means no network at all.
	Fetcher Fetcher
	// Processor is the JSON-LD processor (safe mode, canonicalization). Nil uses
	// jsonld.NewProcessor with the embedded contexts only.
	Processor Canonicalizer
	// Resolver resolves verification methods (did:key, did:web, URLs). Nil uses a
	// resolver over Fetcher.
	Resolver MethodResolver
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Recipient, when set, must match the badge's recipient: an id (URL, DID), an email
	// address, a URL or a telephone number, compared with the plain or hashed identity.
	Recipient string
	// RecipientType, when set, limits the OB 3.0 identifiers compared with Recipient to
	// those of this identityType (e.g. "emailAddress"), as the verification algorithm says.
	RecipientType string
	// MaxDepth bounds nested endorsements and CLR credentials (default 4).
	MaxDepth int
}

// Verifier verifies badges. It is safe for concurrent use.
type Verifier struct {
	opts Options
	deps deps
}

// New returns a Verifier.
func New(opts Options) *Verifier {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.MaxDepth <= 0 {
		opts.MaxDepth = 4
	}
	v := &Verifier{opts: opts}
	v.deps = newDeps(opts)
	return v
}

// maxInput bounds the bytes the verifier reads from any one input or fetched document.
const maxInput = 8 << 20

// run carries the state of one verification.
type run struct {
	v     *Verifier
	depth int
	// fetches bounds the number of fetches of one top-level verification.
	fetches *int
}

const maxFetches = 64

// Verify verifies input: a baked PNG or SVG, JSON, a compact JWS / VC-JWT, or a URL.
func (v *Verifier) Verify(ctx context.Context, input []byte) *Report {
	n := 0
	r := &run{v: v, fetches: &n}
	return r.input(ctx, input, "").finish()
}

// VerifyURL fetches u and verifies what it finds there.
func (v *Verifier) VerifyURL(ctx context.Context, u string) *Report {
	n := 0
	r := &run{v: v, fetches: &n}
	return r.url(ctx, u, "url").finish()
}

var jwsShape = regexp.MustCompile(`^[A-Za-z0-9_\-=]+\.[A-Za-z0-9_\-=]+\.[A-Za-z0-9_\-=]*$`)

// inputError makes the report of an input that is no badge at all.
func inputError(format string, msg string) *Report {
	r := &Report{Format: format, InputError: msg}
	r.fail("Input", Invalid, "This is not a badge that can be read: "+msg+".", "")
	return r
}

// input detects the kind of input and dispatches. format is how the outer input arrived
// ("" at the top).
func (r *run) input(ctx context.Context, in []byte, format string) *Report {
	if len(in) > maxInput {
		return inputError(format, "the input is larger than 8 MiB")
	}
	trimmed := bytes.TrimSpace(in)
	switch {
	case len(trimmed) == 0:
		return inputError(format, "the input is empty")
	case bytes.HasPrefix(in, []byte("\x89PNG\r\n\x1a\n")):
		return r.baked(ctx, in, "png")
	case trimmed[0] == '<':
		return r.baked(ctx, in, "svg")
	case trimmed[0] == '{':
		o, err := decodeObject(trimmed)
		if err != nil {
			return inputError(orDefault(format, "json"), err.Error())
		}
		return r.json(ctx, trimmed, o, orDefault(format, "json"), "")
	}
	s := string(trimmed)
	if isHTTPURL(s) {
		return r.url(ctx, s, orDefault(format, "url"))
	}
	if jwsShape.MatchString(s) {
		return r.compact(ctx, s, format)
	}
	return inputError(format, "it is neither an image, JSON, a URL nor a signed token (JWS)")
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func isHTTPURL(s string) bool {
	if strings.ContainsAny(s, " \n\t") {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

// baked unbakes an image and verifies its payload.
func (r *run) baked(ctx context.Context, img []byte, format string) *Report {
	if r.v.deps.unbake == nil {
		return inputError(format, "this build cannot read baked images")
	}
	payload, kind, err := r.v.deps.unbake(img)
	if err != nil {
		return inputError(format, "no badge could be read from this image: "+err.Error())
	}
	p := bytes.TrimSpace(payload)
	var rep *Report
	switch {
	case len(p) > 0 && p[0] == '{':
		o, err := decodeObject(p)
		if err != nil {
			return inputError(format, "the badge baked into the image is not valid JSON: "+err.Error())
		}
		rep = r.json(ctx, p, o, format, "")
	case isHTTPURL(string(p)):
		rep = r.url(ctx, string(p), format+"+url")
	case jwsShape.MatchString(string(p)):
		rep = r.compact(ctx, string(p), format)
	default:
		return inputError(format, "the image holds something that is not a badge")
	}
	rep.Checks = append([]Check{{Name: "Baked image", Status: Pass,
		Message: "The badge was read from the image it was baked into (" + kind + ")."}}, rep.Checks...)
	return rep
}

// fetch gets u through the Fetcher, counting fetches.
// fetchOK fetches u and turns any answer but 200 OK into an error naming the status.
func (r *run) fetchOK(ctx context.Context, u, accept string) (*Response, error) {
	resp, err := r.fetch(ctx, u, accept)
	if err == nil && resp.StatusCode != 200 {
		err = fmt.Errorf("%s answered HTTP %d", u, resp.StatusCode)
	}
	return resp, err
}

func (r *run) fetch(ctx context.Context, u, accept string) (*Response, error) {
	if r.v.opts.Fetcher == nil {
		return nil, errors.New("fetching is turned off")
	}
	if *r.fetches >= maxFetches {
		return nil, errors.New("too many documents fetched for one badge")
	}
	*r.fetches++
	resp, err := r.v.opts.Fetcher.Get(ctx, u, accept)
	if err != nil {
		return nil, err
	}
	return resp, nil
}

const acceptBadge = "application/ld+json, application/json, image/png, image/svg+xml"

// url fetches a URL and verifies what it holds. OB 2.0 hosted assertions come this way.
func (r *run) url(ctx context.Context, u, format string) *Report {
	resp, err := r.fetch(ctx, u, acceptBadge)
	if err != nil {
		rep := &Report{Format: format, Source: u}
		rep.fail("Fetch", Unverifiable, "The badge could not be downloaded from its address.", err.Error())
		return rep
	}
	if resp.StatusCode == 410 {
		rep := &Report{Format: format, Source: u, Kind: "Assertion"}
		rep.fail("Revocation", Revoked, "The issuer has revoked this badge: its address answers \"410 Gone\".", u)
		return rep
	}
	if resp.StatusCode != 200 {
		rep := &Report{Format: format, Source: u}
		rep.failf("Fetch", Unverifiable, "The badge could not be downloaded from its address.", "%s answered HTTP %d", u, resp.StatusCode)
		return rep
	}
	body := bytes.TrimSpace(resp.Body)
	if len(body) > 0 && body[0] == '{' {
		o, err := decodeObject(body)
		if err != nil {
			return inputError(format, "the document at "+u+" is not valid JSON: "+err.Error())
		}
		if isOB2(o) {
			// A hosted assertion: the OB 2.0 pipeline refetches nothing it already has.
			return r.ob2Hosted(ctx, o, u, format)
		}
		rep := r.json(ctx, body, o, format, u)
		rep.Source = u
		return rep
	}
	if r.v.deps.unbake != nil && (bytes.HasPrefix(body, []byte("\x89PNG")) || bytes.HasPrefix(body, []byte("<"))) {
		// A hosted OB 2.0 assertion may be served as its baked image: the assertion inside
		// was fetched from u, so it is not fetched again.
		if payload, _, err := r.v.deps.unbake(resp.Body); err == nil {
			if o, err := decodeObject(bytes.TrimSpace(payload)); err == nil && isOB2(o) {
				return r.ob2Hosted(ctx, o, u, format)
			}
		}
	}
	rep := r.input(ctx, resp.Body, format)
	rep.Source = u
	return rep
}

// json dispatches a JSON document by its shape.
func (r *run) json(ctx context.Context, raw []byte, o object, format, source string) *Report {
	if isOB2(o) {
		return r.ob2JSON(ctx, o, format)
	}
	if _, ok := o["@context"]; ok || hasType(o, "VerifiableCredential") {
		return r.credential(ctx, raw, o, format, nil)
	}
	return inputError(format, "the JSON is neither an Open Badge assertion nor a verifiable credential")
}

// compact handles a compact JWS: a VC-JWT (OB 3.0) or an OB 2.0 signed assertion.
func (r *run) compact(ctx context.Context, token, format string) *Report {
	parts := strings.Split(token, ".")
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return inputError(orDefault(format, "jws"), "the signed token's payload is not base64url")
	}
	o, err := decodeObject(payload)
	if err != nil {
		return inputError(orDefault(format, "jws"), "the signed token's payload is not a JSON object")
	}
	var rep *Report
	if isOB2(o) {
		rep = r.ob2Signed(ctx, token, o, orDefault(format, "jws"))
	} else {
		rep = r.jwtCredential(ctx, token, o, orDefault(format, "jwt"))
	}
	if rep.InputError == "" {
		rep.Token = token
	}
	return rep
}

// isOB2 reports whether a JSON object is an OB 0.5-2.0 assertion.
func isOB2(o object) bool {
	switch c := o["@context"].(type) {
	case string:
		return strings.Contains(c, "openbadges") || strings.Contains(c, "openbadgespec")
	case []any:
		// OB 2.0 with extra contexts after the OB one.
		first, _ := firstString(c)
		return strings.Contains(first, "w3id.org/openbadges") || strings.Contains(first, "openbadgespec.org")
	case nil:
		// OB 0.5 and 1.0 have no context: a badge, or a hosted verification URL.
		_, hasBadge := o["badge"]
		return hasBadge || str(obj(o, "verify"), "url") != ""
	}
	return false
}

// marshal renders a value for Report.Credential.
func marshal(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return b
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

func firstString(l []any) (string, bool) {
	if len(l) == 0 {
		return "", false
	}
	s, ok := l[0].(string)
	return s, ok
}
