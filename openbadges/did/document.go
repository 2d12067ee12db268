package did

import (
	"bytes"
	"crypto"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Contexts written by NewWebDocument.
const (
	ContextDIDv1    = "https://www.w3.org/ns/did/v1"
	ContextMultikey = "https://w3id.org/security/multikey/v1"
	ContextJWK      = "https://w3id.org/security/jwk/v1"
)

// Document is a DID document or a controller document. Verification relationships hold
// method ids; methods embedded in a relationship are moved into VerificationMethod when
// parsed (keeping the relationship reference), and relative ids ("#key-1") are made absolute
// against the document id.
type Document struct {
	Context              []any
	ID                   string
	Controller           []string
	AlsoKnownAs          []string
	VerificationMethod   []VerificationMethod
	Authentication       []string
	AssertionMethod      []string
	KeyAgreement         []string
	CapabilityInvocation []string
	CapabilityDelegation []string
	Service              []json.RawMessage
}

// NewWebDocument returns the DID document of a did:web (or any DID) listing methods in
// verificationMethod, assertionMethod and authentication. Methods with an empty Controller
// get the DID; ids starting with "#" are made absolute.
func NewWebDocument(did string, methods ...*VerificationMethod) *Document {
	d := &Document{Context: []any{ContextDIDv1, ContextMultikey}, ID: did}
	jwk := false
	for _, m := range methods {
		vm := *m
		if vm.Controller == "" {
			vm.Controller = did
		}
		if strings.HasPrefix(vm.ID, "#") {
			vm.ID = did + vm.ID
		}
		if vm.Type == TypeJsonWebKey {
			jwk = true
		}
		d.VerificationMethod = append(d.VerificationMethod, vm)
		d.AssertionMethod = append(d.AssertionMethod, vm.ID)
		d.Authentication = append(d.Authentication, vm.ID)
	}
	if jwk {
		d.Context = append(d.Context, ContextJWK)
	}
	return d
}

// Method returns the verification method with the given absolute id.
func (d *Document) Method(id string) (*VerificationMethod, bool) {
	for i := range d.VerificationMethod {
		if d.VerificationMethod[i].ID == id {
			return &d.VerificationMethod[i], true
		}
	}
	return nil, false
}

// IsAssertionMethod reports whether the method id is listed under assertionMethod.
func (d *Document) IsAssertionMethod(id string) bool {
	for _, r := range d.AssertionMethod {
		if r == id {
			return true
		}
	}
	return false
}

type docJSON struct {
	Context              any                  `json:"@context,omitempty"`
	ID                   string               `json:"id"`
	Controller           any                  `json:"controller,omitempty"`
	AlsoKnownAs          []string             `json:"alsoKnownAs,omitempty"`
	VerificationMethod   []VerificationMethod `json:"verificationMethod,omitempty"`
	Authentication       []string             `json:"authentication,omitempty"`
	AssertionMethod      []string             `json:"assertionMethod,omitempty"`
	KeyAgreement         []string             `json:"keyAgreement,omitempty"`
	CapabilityInvocation []string             `json:"capabilityInvocation,omitempty"`
	CapabilityDelegation []string             `json:"capabilityDelegation,omitempty"`
	Service              []json.RawMessage    `json:"service,omitempty"`
}

// MarshalJSON writes the document in the usual member order, relationships as references.
func (d *Document) MarshalJSON() ([]byte, error) {
	out := docJSON{
		ID: d.ID, AlsoKnownAs: d.AlsoKnownAs, VerificationMethod: d.VerificationMethod,
		Authentication: d.Authentication, AssertionMethod: d.AssertionMethod,
		KeyAgreement: d.KeyAgreement, CapabilityInvocation: d.CapabilityInvocation,
		CapabilityDelegation: d.CapabilityDelegation, Service: d.Service,
	}
	if len(d.Context) > 0 {
		out.Context = d.Context
	}
	switch len(d.Controller) {
	case 0:
	case 1:
		out.Controller = d.Controller[0]
	default:
		out.Controller = d.Controller
	}
	return json.Marshal(out)
}

// ParseDocument reads a DID or controller document. It is lenient on shape (string or array
// @context and controller; embedded or referenced relationship entries) and strict on keys:
// every verification method must parse.
func ParseDocument(b []byte) (*Document, error) {
	var raw struct {
		Context              json.RawMessage   `json:"@context"`
		ID                   string            `json:"id"`
		Controller           json.RawMessage   `json:"controller"`
		AlsoKnownAs          []string          `json:"alsoKnownAs"`
		VerificationMethod   []json.RawMessage `json:"verificationMethod"`
		Authentication       []json.RawMessage `json:"authentication"`
		AssertionMethod      []json.RawMessage `json:"assertionMethod"`
		KeyAgreement         []json.RawMessage `json:"keyAgreement"`
		CapabilityInvocation []json.RawMessage `json:"capabilityInvocation"`
		CapabilityDelegation []json.RawMessage `json:"capabilityDelegation"`
		Service              []json.RawMessage `json:"service"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("did: document: %w", err)
	}
	if dec.More() {
		return nil, errors.New("did: document: trailing data")
	}
	if raw.ID == "" {
		return nil, errors.New("did: document has no id")
	}
	d := &Document{ID: raw.ID, AlsoKnownAs: raw.AlsoKnownAs, Service: raw.Service}
	var err error
	if d.Context, err = anyList(raw.Context); err != nil {
		return nil, fmt.Errorf("did: document @context: %w", err)
	}
	ctrl, err := anyList(raw.Controller)
	if err != nil {
		return nil, fmt.Errorf("did: document controller: %w", err)
	}
	for _, c := range ctrl {
		s, ok := c.(string)
		if !ok {
			return nil, errors.New("did: document controller must be a string or strings")
		}
		d.Controller = append(d.Controller, s)
	}
	for _, m := range raw.VerificationMethod {
		if _, err := d.addMethod(m); err != nil {
			return nil, err
		}
	}
	for _, rel := range []struct {
		in  []json.RawMessage
		out *[]string
	}{
		{raw.Authentication, &d.Authentication}, {raw.AssertionMethod, &d.AssertionMethod},
		{raw.KeyAgreement, &d.KeyAgreement}, {raw.CapabilityInvocation, &d.CapabilityInvocation},
		{raw.CapabilityDelegation, &d.CapabilityDelegation},
	} {
		for _, e := range rel.in {
			var ref string
			if json.Unmarshal(e, &ref) == nil {
				*rel.out = append(*rel.out, d.absolute(ref))
				continue
			}
			id, err := d.addMethod(e)
			if err != nil {
				return nil, err
			}
			*rel.out = append(*rel.out, id)
		}
	}
	return d, nil
}

// addMethod parses an embedded method, makes its id absolute and adds it unless a method with
// the same id is already present (it must then carry the same key).
func (d *Document) addMethod(b json.RawMessage) (string, error) {
	var vm VerificationMethod
	if err := json.Unmarshal(b, &vm); err != nil {
		return "", err
	}
	vm.ID = d.absolute(vm.ID)
	if vm.Controller != "" {
		vm.Controller = d.absolute(vm.Controller)
	}
	if prev, ok := d.Method(vm.ID); ok {
		if e, ok := prev.PublicKey.(interface {
			Equal(crypto.PublicKey) bool
		}); !ok || !e.Equal(vm.PublicKey) {
			return "", fmt.Errorf("did: document lists two different keys under %s", vm.ID)
		}
		return vm.ID, nil
	}
	d.VerificationMethod = append(d.VerificationMethod, vm)
	return vm.ID, nil
}

func (d *Document) absolute(ref string) string {
	if strings.HasPrefix(ref, "#") {
		base, _, _ := strings.Cut(d.ID, "#")
		return base + ref
	}
	return ref
}

// anyList reads a JSON value that may be absent, a single value or an array.
func anyList(raw json.RawMessage) ([]any, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	if l, ok := v.([]any); ok {
		return l, nil
	}
	return []any{v}, nil
}
