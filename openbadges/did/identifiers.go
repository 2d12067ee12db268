package did

import (
	"crypto"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/rosettebadges/rosette/openbadges/key"
)

// KeyDID returns the did:key of an Ed25519 or P-256 public key and the id of its one
// verification method, "did:key:<multikey>#<multikey>".
func KeyDID(pub crypto.PublicKey) (did string, vmID string, err error) {
	mk, err := key.EncodeMultikey(pub)
	if err != nil {
		return "", "", fmt.Errorf("did:key: %w", err)
	}
	return "did:key:" + mk, "did:key:" + mk + "#" + mk, nil
}

// ParseKeyDID returns the public key of a did:key (without fragment).
func ParseKeyDID(did string) (crypto.PublicKey, error) {
	mk, ok := strings.CutPrefix(did, "did:key:")
	if !ok {
		return nil, fmt.Errorf("did: %q is not a did:key", did)
	}
	pub, err := key.DecodeMultikey(mk)
	if err != nil {
		return nil, fmt.Errorf("did: %s: %w", did, err)
	}
	return pub, nil
}

// KeyDocument returns the DID document a did:key resolves to: one Multikey method, listed
// under assertionMethod and authentication.
func KeyDocument(did string) (*Document, error) {
	pub, err := ParseKeyDID(did)
	if err != nil {
		return nil, err
	}
	_, vmID, _ := KeyDID(pub)
	vm := &VerificationMethod{ID: vmID, Type: TypeMultikey, Controller: did, PublicKey: pub}
	d := NewWebDocument(did, vm)
	d.CapabilityInvocation = []string{vmID}
	d.CapabilityDelegation = []string{vmID}
	return d, nil
}

// WebDID returns the did:web for an https URL (did:web method spec §3.2): the host, with a
// port as %3A, then each path segment after a ":". A URL ending in "/did.json" or
// "/.well-known/did.json" names the document, and the DID is the one it is published for.
// "https://example.com" -> "did:web:example.com";
// "https://example.com:8443/issuers/7" -> "did:web:example.com%3A8443:issuers:7".
func WebDID(rawURL string) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", fmt.Errorf("did:web: %w", err)
	}
	if u.Scheme != "https" || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("did:web: %q must be an https URL without user, query or fragment", rawURL)
	}
	host := strings.ToLower(u.Hostname())
	if err := checkWebHost(host); err != nil {
		return "", err
	}
	id := "did:web:" + host
	if p := u.Port(); p != "" {
		id += "%3A" + p
	}
	path := strings.TrimSuffix(u.EscapedPath(), "/")
	switch {
	case path == "/.well-known/did.json":
		path = ""
	case strings.HasSuffix(path, "/did.json"):
		path = strings.TrimSuffix(path, "/did.json")
	}
	if path == "" {
		return id, nil
	}
	for _, seg := range strings.Split(strings.TrimPrefix(path, "/"), "/") {
		if seg == "" || seg == "." || seg == ".." {
			return "", fmt.Errorf("did:web: %q has an empty or dot path segment", rawURL)
		}
		id += ":" + strings.ReplaceAll(seg, ":", "%3A")
	}
	return id, nil
}

// WebDocumentURL returns the https URL of a did:web's DID document (did:web method spec
// §3.2.2, OPEN-BADGES P9): "did:web:a.b:c:d" -> "https://a.b/c/d/did.json";
// "did:web:a.b" -> "https://a.b/.well-known/did.json"; "%3A" in the host part is a port.
// A DID URL fragment is ignored.
func WebDocumentURL(did string) (string, error) {
	did, _, _ = strings.Cut(did, "#")
	rest, ok := strings.CutPrefix(did, "did:web:")
	if !ok || rest == "" {
		return "", fmt.Errorf("did: %q is not a did:web", did)
	}
	if strings.ContainsAny(rest, "/?") {
		return "", fmt.Errorf("did: %q: did:web paths and queries are not supported", did)
	}
	parts := strings.Split(rest, ":")
	hostPort, err := url.PathUnescape(parts[0])
	if err != nil {
		return "", fmt.Errorf("did: %q: %w", did, err)
	}
	host, port := hostPort, ""
	if h, p, err := net.SplitHostPort(hostPort); err == nil {
		host, port = h, p
		if port == "" || strings.Trim(port, "0123456789") != "" {
			return "", fmt.Errorf("did: %q has a bad port", did)
		}
	}
	if err := checkWebHost(strings.ToLower(host)); err != nil {
		return "", err
	}
	u := "https://" + hostPort
	if len(parts) == 1 {
		return u + "/.well-known/did.json", nil
	}
	for _, seg := range parts[1:] {
		dec, err := url.PathUnescape(seg)
		if err != nil {
			return "", fmt.Errorf("did: %q: %w", did, err)
		}
		if dec == "" || dec == "." || dec == ".." || strings.Trim(seg, segmentChars) != "" {
			return "", fmt.Errorf("did: %q has an empty, dot or malformed path segment", did)
		}
		u += "/" + seg
	}
	return u + "/did.json", nil
}

// segmentChars are the characters allowed in a did:web path segment: RFC 3986 pchar without
// ":" (the separator), with "%" for percent-encoding (checked by PathUnescape).
const segmentChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=@%"

// checkWebHost accepts DNS names (letters, digits, hyphens, dots) and IPv4 literals.
func checkWebHost(h string) error {
	if h == "" || len(h) > 253 {
		return errors.New("did:web: missing or overlong host")
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return fmt.Errorf("did:web: %q is not a valid host name", h)
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
				return fmt.Errorf("did:web: %q is not a valid host name", h)
			}
		}
	}
	return nil
}
