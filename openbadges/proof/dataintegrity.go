package proof

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"slices"
	"time"

	"github.com/rosettebadges/rosette/openbadges/did"
	"github.com/rosettebadges/rosette/openbadges/internal/jsondec"
)

// Names used by the Data Integrity suites this package knows.
const (
	TypeDataIntegrityProof      = "DataIntegrityProof"
	TypeEd25519Signature2020    = "Ed25519Signature2020"
	CryptosuiteEddsaRdfc2022    = "eddsa-rdfc-2022"
	PurposeAssertionMethod      = "assertionMethod"
	ContextEd25519Signature2020 = "https://w3id.org/security/suites/ed25519-2020/v1"
)

// Canonicalizer turns a JSON-LD document (decoded JSON: map[string]any, []any, string,
// float64, bool, nil) into RDFC-1.0 canonical N-Quads. It must refuse documents with terms
// that do not expand (JSON-LD safe mode): what is not in the N-Quads is not signed.
type Canonicalizer interface {
	Canonicalize(ctx context.Context, doc any) ([]byte, error)
}

// MethodResolver dereferences a verification method id (a DID URL or an http(s) URL with a
// fragment) to its key; *did.Resolver is the implementation.
type MethodResolver interface {
	ResolveMethod(ctx context.Context, id string) (*did.VerificationMethod, error)
}

// Errors a caller can test with errors.Is. Messages wrapping them say what exactly failed.
var (
	ErrMalformed         = errors.New("malformed document or proof")
	ErrUnsupportedSuite  = errors.New("unsupported proof suite")
	ErrNoProof           = errors.New("no proof")
	ErrProofPurpose      = errors.New("wrong proof purpose")
	ErrKey               = errors.New("verification method unusable")
	ErrController        = errors.New("verification method controller is not the issuer")
	ErrSignature         = errors.New("signature does not verify")
	ErrCanonicalization  = errors.New("canonicalization failed")
	ErrPreviousProof     = errors.New("previous proof not found")
	ErrInvalidOptions    = errors.New("invalid proof options")
	ErrDuplicateProofIDs = errors.New("duplicate proof id")
)

// ProofOptions configure a new eddsa-rdfc-2022 proof.
type ProofOptions struct {
	// VerificationMethod is the id of the key (e.g. did:key:z6Mk...#z6Mk...). Required.
	VerificationMethod string
	// Created is the proof's creation time, written in UTC as an XML Schema dateTime.
	// Required (the caller owns the clock).
	Created time.Time
	// ProofPurpose defaults to assertionMethod.
	ProofPurpose string
	// ID optionally names the proof (needed if a later proof chains to it).
	ID string
	// PreviousProof lists ids of existing proofs this one chains to; they are included in
	// the signed document as the VC Data Integrity "add proof" algorithm requires.
	PreviousProof []string
}

// newProof is the JSON form of a proof written by SignDataIntegrity, in the member order of
// the W3C examples.
type newProof struct {
	Type               string `json:"type"`
	ID                 string `json:"id,omitempty"`
	Cryptosuite        string `json:"cryptosuite"`
	Created            string `json:"created"`
	VerificationMethod string `json:"verificationMethod"`
	ProofPurpose       string `json:"proofPurpose"`
	PreviousProof      any    `json:"previousProof,omitempty"`
	ProofValue         string `json:"proofValue,omitempty"`
}

// formatCreated writes t in UTC, with fractional seconds only when t has them.
func formatCreated(t time.Time) string {
	t = t.UTC()
	if t.Nanosecond() == 0 {
		return t.Format("2006-01-02T15:04:05Z")
	}
	return t.Format(time.RFC3339Nano)
}

// SignDataIntegrity adds an eddsa-rdfc-2022 DataIntegrityProof to the JSON-LD document doc
// and returns the new bytes. Every other byte of doc is kept; the result's "proof" member is
// an array holding the existing proofs (a proof set) followed by the new one. The signature
// covers sha256(canonical proof configuration) || sha256(canonical document without proof,
// or with only the proofs named in PreviousProof). It refuses documents the Canonicalizer
// refuses (terms that do not expand, in safe mode).
func SignDataIntegrity(ctx context.Context, c Canonicalizer, doc []byte, priv ed25519.PrivateKey, opts ProofOptions) ([]byte, error) {
	return AppendSignDataIntegrity(ctx, nil, c, doc, priv, opts)
}

// AppendSignDataIntegrity is SignDataIntegrity appending the signed document to dst, which
// must not overlap doc: a caller signing many documents in turn (one JSON document a line,
// say) can write them all to one buffer, or reuse one. On an error it returns dst unchanged
// in length.
func AppendSignDataIntegrity(ctx context.Context, dst []byte, c Canonicalizer, doc []byte, priv ed25519.PrivateKey, opts ProofOptions) ([]byte, error) {
	if len(priv) != ed25519.PrivateKeySize {
		return dst, fmt.Errorf("%w: Ed25519 private key has %d bytes, want %d", ErrInvalidOptions, len(priv), ed25519.PrivateKeySize)
	}
	if opts.VerificationMethod == "" {
		return dst, fmt.Errorf("%w: VerificationMethod is required", ErrInvalidOptions)
	}
	if opts.Created.IsZero() {
		return dst, fmt.Errorf("%w: Created is required", ErrInvalidOptions)
	}
	if opts.ProofPurpose == "" {
		opts.ProofPurpose = PurposeAssertionMethod
	}
	tree, members, closing, err := decodeWithMembers(c, doc)
	if err != nil {
		return dst, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	defer releaseTree(c, tree)
	if _, ok := tree.Get(tree.Root(), "@context"); !ok {
		return dst, fmt.Errorf("%w: document has no @context", ErrMalformed)
	}
	existing, err := rawProofs(doc, members)
	if err != nil {
		return dst, err
	}
	var all []any // the existing proofs, generic, read only when an id or a chain needs them
	if opts.ID != "" || len(opts.PreviousProof) > 0 {
		all = treeProofValues(tree)
	}
	if opts.ID != "" {
		for _, p := range all {
			if pm, ok := p.(map[string]any); ok && pm["id"] == opts.ID {
				return dst, fmt.Errorf("%w: %q is already used", ErrDuplicateProofIDs, opts.ID)
			}
		}
	}
	var unsecured any = tree.Without("proof")
	if len(opts.PreviousProof) > 0 {
		if unsecured, err = unsecuredDocument(tree.Value(tree.Root()).(map[string]any), all, opts.PreviousProof); err != nil {
			return dst, err
		}
	}
	p := newProof{
		Type:               TypeDataIntegrityProof,
		ID:                 opts.ID,
		Cryptosuite:        CryptosuiteEddsaRdfc2022,
		Created:            formatCreated(opts.Created),
		VerificationMethod: opts.VerificationMethod,
		ProofPurpose:       opts.ProofPurpose,
	}
	switch len(opts.PreviousProof) {
	case 0:
	case 1:
		p.PreviousProof = opts.PreviousProof[0]
	default:
		p.PreviousProof = opts.PreviousProof
	}
	// The proof configuration, {"@context":<the document's>,<the proof's members>}: made
	// in the document's Tree (or written and decoded when it has a member that Tree cannot
	// take as is).
	var cfg any
	cfgTree := configurationTree(tree, p)
	if cfgTree != nil {
		cfg = cfgTree
	} else {
		if cfgTree, err = decodeConfiguration(c, proofConfiguration(doc, members, p)); err != nil {
			return dst, err
		}
		cfg = cfgTree
		defer releaseTree(c, cfgTree)
	}
	var data [2 * sha256.Size]byte
	if err := hashData(ctx, c, cfg, unsecured, &data); err != nil {
		return dst, err
	}
	return withProofs(dst, doc, members, closing, existing, p, ed25519.Sign(priv, data[:])), nil
}

// rawProofs returns the original bytes of each existing proof of doc.
func rawProofs(doc []byte, members []member) ([]json.RawMessage, error) {
	for _, mb := range members {
		if mb.Key != "proof" {
			continue
		}
		v := doc[mb.Start:mb.End]
		if len(v) > 0 && v[0] == '[' {
			var list []json.RawMessage
			if err := json.Unmarshal(v, &list); err != nil {
				return nil, fmt.Errorf("%w: proof: %v", ErrMalformed, err)
			}
			return list, nil
		}
		if len(v) > 0 && v[0] == '{' {
			return []json.RawMessage{json.RawMessage(v)}, nil
		}
		return nil, fmt.Errorf("%w: proof must be an object or an array of objects", ErrMalformed)
	}
	return nil, nil
}

// unsecuredDocument returns a shallow copy of doc without "proof", or, when previous names
// proof ids, with "proof" set to those proofs (in document order). It fails if one of the
// previous ids is not found.
func unsecuredDocument(doc map[string]any, all []any, previous []string) (map[string]any, error) {
	out := make(map[string]any, len(doc))
	for k, v := range doc {
		if k != "proof" {
			out[k] = v
		}
	}
	if len(previous) == 0 {
		return out, nil
	}
	var matching []any
	found := map[string]bool{}
	for _, p := range all {
		pm, ok := p.(map[string]any)
		if !ok {
			continue
		}
		id, _ := pm["id"].(string)
		if id != "" && slices.Contains(previous, id) {
			matching = append(matching, p)
			found[id] = true
		}
	}
	for _, id := range previous {
		if !found[id] {
			return nil, fmt.Errorf("%w: %q", ErrPreviousProof, id)
		}
	}
	out["proof"] = matching
	return out, nil
}

// hashData canonicalizes the proof configuration and the document (each decoded JSON or a
// *jsondec.Tree) and sets data to sha256(canonical proof configuration) || sha256(canonical
// document).
func hashData(ctx context.Context, c Canonicalizer, cfg, doc any, data *[2 * sha256.Size]byte) error {
	h := sha256.New()
	if err := canonicalHash(ctx, c, cfg, h); err != nil {
		return fmt.Errorf("%w: proof configuration: %w", ErrCanonicalization, err)
	}
	h.Sum(data[:0])
	h.Reset()
	if err := canonicalHash(ctx, c, doc, h); err != nil {
		return fmt.Errorf("%w: document: %w", ErrCanonicalization, err)
	}
	h.Sum(data[:sha256.Size])
	return nil
}

// streamCanonicalizer is a Canonicalizer that can write the canonical N-Quads to a writer
// (*jsonld.Processor does), so they are hashed without being collected.
type streamCanonicalizer interface {
	CanonicalizeTo(ctx context.Context, doc any, w io.Writer) error
}

// treeCanonicalizer is a Canonicalizer that reads documents decoded into a jsondec.Tree
// (*jsonld.Processor does), which saves building maps.
type treeCanonicalizer interface {
	CanonicalizeTreeTo(ctx context.Context, t *jsondec.Tree, w io.Writer) error
}

// canonicalHash writes the canonical N-Quads of doc (decoded JSON, or a *jsondec.Tree,
// converted for a Canonicalizer that does not read Trees) to h, a new or reset hash.
func canonicalHash(ctx context.Context, c Canonicalizer, doc any, h hash.Hash) error {
	var err error
	t, isTree := doc.(*jsondec.Tree)
	if tc, ok := c.(treeCanonicalizer); ok && isTree {
		err = tc.CanonicalizeTreeTo(ctx, t, h)
	} else {
		if isTree {
			doc = t.Value(t.Root())
		}
		if s, ok := c.(streamCanonicalizer); ok {
			err = s.CanonicalizeTo(ctx, doc, h)
		} else {
			var b []byte
			if b, err = c.Canonicalize(ctx, doc); err == nil {
				h.Write(b)
			}
		}
	}
	return err
}

// ValidDateTime reports whether s is a valid xsd:dateTime literal (time zone optional):
// -?YYYY+-MM-DDThh:mm:ss(.s+)?(Z|(+|-)hh:mm)?, with month 01-12, day 01-31, hour 00-23 (or
// 24:00:00 with a zero fraction), minute and second 00-59, a zone from -14:00 to +14:00.
// It accepts what the regular expression xsdDateTimeRef in the tests matches.
func ValidDateTime(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	year := i
	for i < len(s) && '0' <= s[i] && s[i] <= '9' {
		i++
	}
	r := s[i:] // -MM-DDThh:mm:ss...
	if i-year < 4 || len(r) < len("-MM-DDThh:mm:ss") || r[0] != '-' || r[3] != '-' || r[6] != 'T' || r[9] != ':' || r[12] != ':' {
		return false
	}
	month, ok1 := twoDigits(r[1:3])
	day, ok2 := twoDigits(r[4:6])
	hour, ok3 := twoDigits(r[7:9])
	minute, ok4 := twoDigits(r[10:12])
	second, ok5 := twoDigits(r[13:15])
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || month < 1 || month > 12 || day < 1 || day > 31 {
		return false
	}
	r = r[15:]
	end24 := hour == 24 && minute == 0 && second == 0
	if !end24 && (hour > 23 || minute > 59 || second > 59) {
		return false
	}
	if len(r) > 0 && r[0] == '.' {
		j := 1
		for j < len(r) && '0' <= r[j] && r[j] <= '9' && (!end24 || r[j] == '0') {
			j++
		}
		if j == 1 {
			return false
		}
		r = r[j:]
	}
	switch {
	case r == "" || r == "Z":
		return true
	case len(r) != len("+hh:mm") || r[0] != '+' && r[0] != '-' || r[3] != ':':
		return false
	}
	zh, ok1 := twoDigits(r[1:3])
	zm, ok2 := twoDigits(r[4:6])
	return ok1 && ok2 && (zh <= 13 && zm <= 59 || zh == 14 && zm == 0)
}

// twoDigits returns the value of two decimal digits.
func twoDigits(s string) (int, bool) {
	if s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' {
		return 0, false
	}
	return int(s[0]-'0')*10 + int(s[1]-'0'), true
}
