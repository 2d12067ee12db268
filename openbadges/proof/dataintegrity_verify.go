package proof

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"fmt"
	"slices"

	"github.com/mr-tron/base58"
	"github.com/rosettebadges/rosette/openbadges/did"
	"github.com/rosettebadges/rosette/openbadges/internal/jsondec"
)

// ProofResult is the outcome of checking one proof of a document.
type ProofResult struct {
	Index              int    // position in the document's proof list
	Type               string // e.g. DataIntegrityProof
	Cryptosuite        string // e.g. eddsa-rdfc-2022 (empty for legacy suites)
	ID                 string // the proof's id, if any
	VerificationMethod string
	Controller         string // the resolved method's controller, when resolution worked
	ProofPurpose       string
	Created            string
	Verified           bool  // the proof is valid and made by the issuer's key
	Err                error // why not, when Verified is false; errors.Is works with the Err* values
}

// VerifyDataIntegrity checks every proof of the JSON-LD document doc, from its original
// bytes, and reports each. eddsa-rdfc-2022 DataIntegrityProofs and legacy
// Ed25519Signature2020 proofs are verified; other suites get a result with
// ErrUnsupportedSuite. Each proof is computed over the document without "proof" (a proof
// set) or, with previousProof, with the proofs it names (a chain). The proof purpose must be
// assertionMethod and, when issuerID is not empty, the verification method's controller
// must equal issuerID. The error is non-nil only when the document itself cannot be read or
// has no proof; the caller decides which results it needs (usually: at least one Verified).
func VerifyDataIntegrity(ctx context.Context, c Canonicalizer, r MethodResolver, doc []byte, issuerID string) ([]ProofResult, error) {
	// Decoding also checks the top-level members as SignDataIntegrity reads them (no
	// duplicates), in the same pass.
	tree, _, _, err := decodeWithMembers(c, doc)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	defer releaseTree(c, tree)
	proofs, n, array := treeProofs(tree)
	if n == 0 {
		return nil, ErrNoProof
	}
	v := verifier{c: c, r: r, tree: tree, issuerID: issuerID}
	results := make([]ProofResult, n)
	for i := range results {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		results[i] = v.verifyOne(ctx, i, proofItem(tree, proofs, i, array))
	}
	return results, nil
}

// verifier reads the proofs of a document from its Tree, converting values to the generic
// form only where a rare case needs them (an error message, a proof chain, a document
// without @context).
type verifier struct {
	c        Canonicalizer
	r        MethodResolver
	tree     *jsondec.Tree // the document
	issuerID string
	// docHash caches the SHA-256 of the canonical document without proofs, shared by the
	// proofs of a set (hasDocHash says it is set).
	docHash    [sha256.Size]byte
	hasDocHash bool
}

// context returns the document's @context in the generic form (nil when absent).
func (v *verifier) context() any {
	c, _ := treeMember(v.tree, "@context")
	return c
}

// member returns the member name of the proof object ref.
func (v *verifier) member(ref jsondec.Ref, name string) (jsondec.Ref, bool) {
	return v.tree.Get(ref, name)
}

// str returns the member name of the proof object ref when it is a string, else "".
func (v *verifier) str(ref jsondec.Ref, name string) string {
	if r, ok := v.tree.Get(ref, name); ok && v.tree.Kind(r) == jsondec.String {
		return v.tree.Str(r)
	}
	return ""
}

func (v *verifier) verifyOne(ctx context.Context, i int, ref jsondec.Ref) (res ProofResult) {
	res.Index = i
	if v.tree.Kind(ref) != jsondec.Object {
		res.Err = fmt.Errorf("%w: proof %d is not an object", ErrMalformed, i)
		return res
	}
	res.Type, res.Cryptosuite, res.ID = v.str(ref, "type"), v.str(ref, "cryptosuite"), v.str(ref, "id")
	res.VerificationMethod, res.ProofPurpose, res.Created = v.str(ref, "verificationMethod"), v.str(ref, "proofPurpose"), v.str(ref, "created")
	res.Err = v.check(ctx, ref, &res)
	res.Verified = res.Err == nil
	return res
}

// check verifies the proof ref, an object of the document's Tree.
func (v *verifier) check(ctx context.Context, ref jsondec.Ref, res *ProofResult) error {
	switch {
	case res.Type == TypeDataIntegrityProof && res.Cryptosuite == CryptosuiteEddsaRdfc2022:
	case res.Type == TypeEd25519Signature2020:
		if !hasContext(v.context(), ContextEd25519Signature2020) {
			return fmt.Errorf("%w: Ed25519Signature2020 proof but the document's @context lacks %s", ErrMalformed, ContextEd25519Signature2020)
		}
	case res.Type == TypeDataIntegrityProof:
		return fmt.Errorf("%w: DataIntegrityProof with cryptosuite %q (supported: %s)", ErrUnsupportedSuite, res.Cryptosuite, CryptosuiteEddsaRdfc2022)
	default:
		return fmt.Errorf("%w: proof type %q (supported: %s with %s, %s)", ErrUnsupportedSuite, res.Type, TypeDataIntegrityProof, CryptosuiteEddsaRdfc2022, TypeEd25519Signature2020)
	}
	if res.ProofPurpose != PurposeAssertionMethod {
		return fmt.Errorf("%w: %q, want %q", ErrProofPurpose, res.ProofPurpose, PurposeAssertionMethod)
	}
	if c, ok := v.member(ref, "created"); ok {
		if v.tree.Kind(c) != jsondec.String || !ValidDateTime(v.tree.Str(c)) {
			return fmt.Errorf("%w: created %v is not an xsd:dateTime", ErrMalformed, v.tree.Value(c))
		}
	}
	if res.VerificationMethod == "" {
		return fmt.Errorf("%w: verificationMethod missing", ErrMalformed)
	}
	pv := v.str(ref, "proofValue")
	if len(pv) < 2 || pv[0] != 'z' {
		return fmt.Errorf("%w: proofValue must be multibase base58btc (z...)", ErrMalformed)
	}
	sig, err := base58.Decode(pv[1:])
	if err != nil || len(sig) != ed25519.SignatureSize {
		return fmt.Errorf("%w: proofValue is not a base58btc Ed25519 signature", ErrMalformed)
	}
	var pp any
	if r, ok := v.member(ref, "previousProof"); ok {
		pp = v.tree.Value(r)
	}
	previous, err := stringList(pp)
	if err != nil {
		return err
	}

	vm, err := v.r.ResolveMethod(ctx, res.VerificationMethod)
	if err != nil {
		return fmt.Errorf("%w: %s: %w", ErrKey, res.VerificationMethod, err)
	}
	res.Controller = vm.Controller
	pub, ok := vm.PublicKey.(ed25519.PublicKey)
	if !ok || len(pub) != ed25519.PublicKeySize {
		return fmt.Errorf("%w: %s is not an Ed25519 public key", ErrKey, res.VerificationMethod)
	}
	if v.issuerID != "" {
		if err := did.CheckController(vm, v.issuerID); err != nil {
			return fmt.Errorf("%w: %w", ErrController, err)
		}
	}

	// The proof configuration: the proof without proofValue, with the document's @context.
	// Grafted in the document's Tree when the document has an @context (without one, the
	// configuration holds "@context": null).
	var cfg any
	if g := v.tree.Graft(ref, "proofValue", "@context"); g != nil {
		cfg = g
	} else {
		m := v.tree.Value(ref).(map[string]any)
		delete(m, "proofValue")
		m["@context"] = v.context()
		cfg = m
	}
	var data [2 * sha256.Size]byte // sha256(canonical proof configuration) || sha256(canonical document)
	h := sha256.New()
	if err := canonicalHash(ctx, v.c, cfg, h); err != nil {
		return fmt.Errorf("%w: proof configuration: %w", ErrCanonicalization, err)
	}
	h.Sum(data[:0])
	if len(previous) == 0 && v.hasDocHash {
		copy(data[sha256.Size:], v.docHash[:])
	} else {
		var unsecured any = v.tree.Without("proof")
		if len(previous) > 0 {
			if unsecured, err = unsecuredDocument(v.tree.Value(v.tree.Root()).(map[string]any), treeProofValues(v.tree), previous); err != nil {
				return err
			}
		}
		h.Reset()
		if err := canonicalHash(ctx, v.c, unsecured, h); err != nil {
			return fmt.Errorf("%w: document: %w", ErrCanonicalization, err)
		}
		h.Sum(data[:sha256.Size])
		if len(previous) == 0 {
			copy(v.docHash[:], data[sha256.Size:])
			v.hasDocHash = true
		}
	}
	if !ed25519.Verify(pub, data[:], sig[:]) {
		return ErrSignature
	}
	return nil
}

// stringList reads previousProof: absent, a string, or an array of strings.
func stringList(v any) ([]string, error) {
	switch t := v.(type) {
	case nil:
		return nil, nil
	case string:
		return []string{t}, nil
	case []any:
		out := make([]string, 0, len(t))
		for _, e := range t {
			s, ok := e.(string)
			if !ok {
				return nil, fmt.Errorf("%w: previousProof must hold strings", ErrMalformed)
			}
			out = append(out, s)
		}
		return out, nil
	}
	return nil, fmt.Errorf("%w: previousProof must be a string or an array of strings", ErrMalformed)
}

func hasContext(ctx any, url string) bool {
	switch t := ctx.(type) {
	case string:
		return t == url
	case []any:
		return slices.ContainsFunc(t, func(e any) bool { s, _ := e.(string); return s == url })
	}
	return false
}
