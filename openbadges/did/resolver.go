package did

import (
	"context"
	"crypto"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/rosettebadges/rosette/openbadges/fetch"
	"github.com/rosettebadges/rosette/openbadges/key"
)

// AcceptDocument is the Accept header sent when fetching DID documents, controller documents
// and keys.
const AcceptDocument = "application/did+ld+json, application/did+json, application/ld+json, application/json;q=0.9, application/jwk+json;q=0.8"

// ErrNotFound is returned (wrapped) when a document does not contain the method asked for.
var ErrNotFound = errors.New("verification method not found")

// Resolver turns verification method ids into keys. The zero value resolves did:key only.
//
// Supported ids:
//   - did:key:<mk>#<mk>: decoded, no fetch. The fragment must repeat the key.
//   - did:web:...#frag: the DID document is fetched; its id must be the DID and the method
//     must be listed under assertionMethod.
//   - https URLs: the document at the URL (without fragment) is fetched. It may be the method
//     itself (Multikey, Ed25519VerificationKey2020/2018, JsonWebKey(2020), or an OB 2.0
//     CryptographicKey with publicKeyPem and owner), a controller document with the method in
//     assertionMethod, a bare public JWK (its optional "iss" member is taken as controller), or
//     a JWK Set whose "kid" equals the fragment or the whole id.
//
// Deliberately not supported: the shortcut of decoding "<issuer-id>#z6Mk..." from the fragment
// without fetching (accepted by the 1EdTech OB 3.0 validator). Anyone can append a fragment
// to the issuer's URL, so the shortcut lets any key sign for any issuer; the issuer URL is
// fetched instead.
type Resolver struct {
	// Fetcher gets did:web and https documents. Nil: only did:key resolves.
	Fetcher fetch.Fetcher
	// AllowBareDIDKey accepts a did:key without fragment as the id of its only method (seen
	// in the wild; the 1EdTech validator accepts it, digitalbazaar libraries refuse it).
	AllowBareDIDKey bool
}

// ResolveMethod returns the verification method with id vmID, for use as an assertion method
// (proofs and VC-JWTs). It does not check the controller: see CheckController.
func (r *Resolver) ResolveMethod(ctx context.Context, vmID string) (*VerificationMethod, error) {
	switch {
	case strings.HasPrefix(vmID, "did:key:"):
		return r.resolveKey(vmID)
	case strings.HasPrefix(vmID, "did:web:"):
		did, frag, ok := strings.Cut(vmID, "#")
		if !ok || frag == "" {
			return nil, fmt.Errorf("did: %q is a DID, not a verification method (no fragment)", vmID)
		}
		doc, err := r.ResolveDID(ctx, did)
		if err != nil {
			return nil, err
		}
		vm, ok := doc.Method(vmID)
		if !ok {
			return nil, fmt.Errorf("did: %s: %w in the DID document", vmID, ErrNotFound)
		}
		if !doc.IsAssertionMethod(vmID) {
			return nil, fmt.Errorf("did: %s is not an assertionMethod of %s", vmID, did)
		}
		return vm, nil
	case strings.HasPrefix(vmID, "https://"), strings.HasPrefix(vmID, "http://"):
		return r.resolveURL(ctx, vmID)
	case strings.HasPrefix(vmID, "did:"):
		m, _, _ := strings.Cut(strings.TrimPrefix(vmID, "did:"), ":")
		return nil, fmt.Errorf("did: unsupported DID method %q", m)
	}
	return nil, fmt.Errorf("did: cannot resolve %q: not a DID URL or an http(s) URL", vmID)
}

// ResolveDID returns the DID document of a did:key or did:web.
func (r *Resolver) ResolveDID(ctx context.Context, did string) (*Document, error) {
	if strings.ContainsAny(did, "#?") {
		return nil, fmt.Errorf("did: %q is a DID URL, not a DID", did)
	}
	if strings.HasPrefix(did, "did:key:") {
		return KeyDocument(did)
	}
	u, err := WebDocumentURL(did)
	if err != nil {
		return nil, err
	}
	body, err := r.get(ctx, u)
	if err != nil {
		return nil, err
	}
	doc, err := ParseDocument(body)
	if err != nil {
		return nil, fmt.Errorf("did: %s: %w", u, err)
	}
	if doc.ID != did {
		return nil, fmt.Errorf("did: document at %s is for %q, not %q", u, doc.ID, did)
	}
	return doc, nil
}

func (r *Resolver) resolveKey(vmID string) (*VerificationMethod, error) {
	did, frag, hasFrag := strings.Cut(vmID, "#")
	pub, err := ParseKeyDID(did)
	if err != nil {
		return nil, err
	}
	mk := strings.TrimPrefix(did, "did:key:")
	switch {
	case !hasFrag && !r.AllowBareDIDKey:
		return nil, fmt.Errorf("did: %q is a DID, not a verification method (want %s#%s)", vmID, did, mk)
	case hasFrag && frag != mk:
		return nil, fmt.Errorf("did: %s: %w (the fragment must be %s)", vmID, ErrNotFound, mk)
	}
	return &VerificationMethod{ID: did + "#" + mk, Type: TypeMultikey, Controller: did, PublicKey: pub}, nil
}

func (r *Resolver) resolveURL(ctx context.Context, vmID string) (*VerificationMethod, error) {
	docURL, frag, _ := strings.Cut(vmID, "#")
	body, err := r.get(ctx, docURL)
	if err != nil {
		return nil, err
	}
	var probe struct {
		ID   string            `json:"id"`
		Type json.RawMessage   `json:"type"`
		Kty  string            `json:"kty"`
		Keys []json.RawMessage `json:"keys"`
		Iss  string            `json:"iss"`
		Kid  string            `json:"kid"`
	}
	if err := json.Unmarshal(body, &probe); err != nil {
		return nil, fmt.Errorf("did: %s is not a JSON object: %w", docURL, err)
	}
	switch {
	case probe.Kty != "": // a bare JWK
		return jwkMethod(vmID, body)
	case probe.Keys != nil: // a JWK Set
		for _, k := range probe.Keys {
			var m struct{ Kid string }
			if json.Unmarshal(k, &m) == nil && m.Kid != "" && (m.Kid == frag || m.Kid == vmID) {
				return jwkMethod(vmID, k)
			}
		}
		return nil, fmt.Errorf("did: %s: %w in the JWK Set", vmID, ErrNotFound)
	case probe.ID == vmID && len(probe.Type) > 0 && !isControllerDoc(body):
		var vm VerificationMethod
		if err := json.Unmarshal(body, &vm); err != nil {
			return nil, err
		}
		return &vm, nil
	}
	doc, err := ParseDocument(body)
	if err != nil {
		return nil, fmt.Errorf("did: %s: %w", docURL, err)
	}
	vm, ok := doc.Method(vmID)
	if !ok {
		return nil, fmt.Errorf("did: %s: %w in the document at %s", vmID, ErrNotFound, docURL)
	}
	if !doc.IsAssertionMethod(vmID) {
		return nil, fmt.Errorf("did: %s is not an assertionMethod of %s", vmID, doc.ID)
	}
	return vm, nil
}

func isControllerDoc(body []byte) bool {
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil {
		return false
	}
	_, vm := m["verificationMethod"]
	_, am := m["assertionMethod"]
	return vm || am
}

func jwkMethod(vmID string, b []byte) (*VerificationMethod, error) {
	pub, err := key.ParsePublicJWK(b)
	if err != nil {
		return nil, fmt.Errorf("did: %s: %w", vmID, err)
	}
	var m struct {
		Iss string `json:"iss"`
	}
	_ = json.Unmarshal(b, &m)
	return &VerificationMethod{ID: vmID, Type: TypeJsonWebKey, Controller: m.Iss, PublicKey: pub}, nil
}

func (r *Resolver) get(ctx context.Context, u string) ([]byte, error) {
	if r == nil || r.Fetcher == nil {
		return nil, fmt.Errorf("did: cannot fetch %s: the resolver has no Fetcher", u)
	}
	resp, err := r.Fetcher.Get(ctx, u, AcceptDocument)
	if err != nil {
		return nil, fmt.Errorf("did: %w", err)
	}
	if err := fetchStatus(resp); err != nil {
		return nil, err
	}
	return resp.Body, nil
}

func fetchStatus(resp *fetch.Response) error {
	if err := fetch.StatusError(resp); err != nil {
		return fmt.Errorf("did: %w", err)
	}
	return nil
}

// PublicKey is a convenience for callers that only need the key of a method id.
func (r *Resolver) PublicKey(ctx context.Context, vmID string) (crypto.PublicKey, error) {
	vm, err := r.ResolveMethod(ctx, vmID)
	if err != nil {
		return nil, err
	}
	return vm.PublicKey, nil
}
