package identity

import (
	"encoding/json"
	"fmt"

	"github.com/rosettebadges/rosette/internal/keys"
	"github.com/rosettebadges/rosette/internal/service"
	"github.com/rosettebadges/rosette/openbadges/did"
	"github.com/rosettebadges/rosette/openbadges/key"
)

// ContextOBv2 is the Open Badges 2.0 JSON-LD context.
const ContextOBv2 = "https://w3id.org/openbadges/v2"

// profileDoc is the OB 2.0 issuer Profile.
type profileDoc struct {
	Context      string           `json:"@context"`
	Type         string           `json:"type"`
	ID           string           `json:"id"`
	Name         string           `json:"name"`
	URL          string           `json:"url"`
	Email        string           `json:"email,omitempty"`
	Description  string           `json:"description,omitempty"`
	Image        string           `json:"image,omitempty"`
	PublicKey    []string         `json:"publicKey,omitempty"`
	Revocations  string           `json:"revocationList,omitempty"`
	Verification *verificationPol `json:"verification"`
}

type verificationPol struct {
	Type       string   `json:"type"`
	StartsWith []string `json:"startsWith"`
}

// ProfileDocument returns the OB 2.0 issuer Profile: id = the profile URL, url = the website (the
// profile URL when there is none, as OB 2.0 requires a url), email, description, image (the
// logo), publicKey = the CryptographicKey URLs of every RSA key (OB 2.0 signed badges are
// RS256; retired keys included), and a verification policy: hosted assertions must start
// with BASE/; revocationList = the issuer's OB 2.0 RevocationList.
func ProfileDocument(u URLs, p *service.PublicIssuer) ([]byte, error) {
	iss := p.Issuer
	doc := profileDoc{Context: ContextOBv2, Type: "Issuer", ID: u.Profile(iss.ID), Name: iss.Name, URL: iss.Website,
		Email: iss.Email, Description: iss.Description, Image: iss.LogoURL,
		Revocations:  u.IssuerRevocationList(iss.ID),
		Verification: &verificationPol{Type: "VerificationObject", StartsWith: []string{u.Base + "/"}}}
	if doc.URL == "" {
		doc.URL = doc.ID
	}
	for _, k := range p.Keys {
		if k.Alg == key.RS256 {
			doc.PublicKey = append(doc.PublicKey, u.Key(iss.ID, k.ID))
		}
	}
	return json.Marshal(doc)
}

// DIDDocumentOf returns the issuer's DID document: every key, active and retired, as a
// Multikey (Ed25519) or JsonWebKey (RSA) method DID#kid controlled by the DID and listed under
// assertionMethod (and authentication); alsoKnownAs holds the profile URL.
func DIDDocumentOf(u URLs, p *service.PublicIssuer) ([]byte, error) {
	d, err := u.DID(p.Issuer.ID)
	if err != nil {
		return nil, err
	}
	var vms []*did.VerificationMethod
	for _, k := range p.Keys {
		vm, err := did.NewMethod(d+"#"+k.ID, d, k.Public)
		if err != nil {
			return nil, err
		}
		vms = append(vms, vm)
	}
	doc := did.NewWebDocument(d, vms...)
	doc.AlsoKnownAs = []string{u.Profile(p.Issuer.ID)}
	return json.Marshal(doc)
}

// JWKSet returns the issuer's JWK Set: every key, active and retired, with kid and alg.
func JWKSet(p *service.PublicIssuer) ([]byte, error) {
	set := struct {
		Keys []map[string]any `json:"keys"`
	}{Keys: []map[string]any{}}
	for _, k := range p.Keys {
		m, err := key.PublicJWK(k.Public, k.ID)
		if err != nil {
			return nil, err
		}
		m["alg"] = k.Alg.JWSAlg()
		m["use"] = "sig"
		set.Keys = append(set.Keys, m)
	}
	return json.Marshal(set)
}

// CryptographicKeyDocument returns the OB 2.0 CryptographicKey of one key: id = its URL,
// owner = the profile URL, publicKeyPem (SPKI PEM).
func CryptographicKeyDocument(u URLs, issuerID string, k *keys.Record) ([]byte, error) {
	pem, err := key.PublicKeyPEM(k.Public)
	if err != nil {
		return nil, fmt.Errorf("identity: key %s: %w", k.ID, err)
	}
	return json.Marshal(struct {
		Context      string `json:"@context"`
		Type         string `json:"type"`
		ID           string `json:"id"`
		Owner        string `json:"owner"`
		PublicKeyPem string `json:"publicKeyPem"`
	}{ContextOBv2, did.TypeCryptographicKey, u.Key(issuerID, k.ID), u.Profile(issuerID), pem})
}
