package proof

// VC-JWT for Open Badges 3.0 (OB 3.0 §8.2, OPEN-BADGES P10): the credential is the JWT
// payload (VCDM 2.0) or its "vc" claim (VCDM 1.1), with iss = issuer id, jti = credential id,
// nbf = validFrom (issuanceDate), exp = validUntil (expirationDate), sub = subject id.

import (
	"context"
	"crypto"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/rosettebadges/rosette/openbadges/did"
	"github.com/rosettebadges/rosette/openbadges/key"
)

// Base contexts that tell the VCDM version of a credential.
const (
	ContextVCv1 = "https://www.w3.org/2018/credentials/v1"
	ContextVCv2 = "https://www.w3.org/ns/credentials/v2"
)

// jwtRegisteredClaims are the claims a VC-JWT may carry beside the credential.
var jwtRegisteredClaims = []string{"iss", "sub", "jti", "nbf", "exp", "iat", "aud"}

// JWTOptions configure SignJWT. At least one of KeyID and EmbedJWK is needed so that a
// verifier can find the key.
type JWTOptions struct {
	// KeyID is the "kid" header: a URI that dereferences to the public key, such as a did:key
	// or did:web verification method id or an https URL.
	KeyID string
	// EmbedJWK puts the public JWK in the "jwk" header. Such a key proves nothing about who
	// signed unless the verifier ties it to the issuer (the JWK "iss" member, a JWKS).
	EmbedJWK bool
	// OmitTyp leaves out "typ": "JWT" (written by default).
	OmitTyp bool
}

// SignJWT signs a credential as a VC-JWT. The header holds only alg, typ, kid and jwk. A VCDM
// 2.0 credential (@context[0] = ContextVCv2) becomes the payload with the claims appended; a
// VCDM 1.1 credential goes under "vc". The credential must have an id, an issuer (id) and
// validFrom (issuanceDate); sub and exp are set when the subject id and validUntil
// (expirationDate) exist. If the credential also carries an embedded proof, it is kept as is.
func SignJWT(cred []byte, k *key.PrivateKey, opts JWTOptions) (string, error) {
	if k == nil {
		return "", fmt.Errorf("%w: no signing key", ErrJWSKey)
	}
	if opts.KeyID == "" && !opts.EmbedJWK {
		return "", fmt.Errorf("%w: set KeyID or EmbedJWK so verifiers can find the key", ErrJWSKey)
	}
	o, err := parseJWTObject(cred)
	if err != nil {
		return "", fmt.Errorf("%w: credential: %v", ErrJWSMalformed, err)
	}
	v11 := false
	switch jwtFirstContext(o) {
	case ContextVCv2:
	case ContextVCv1:
		v11 = true
	default:
		return "", fmt.Errorf("%w: credential @context[0] must be %s or %s", ErrJWSMalformed, ContextVCv2, ContextVCv1)
	}
	f, err := credentialFields(o, v11)
	if err != nil {
		return "", err
	}
	if f.id == "" || f.issuer == "" || f.from == "" {
		return "", fmt.Errorf("%w: the credential needs id, issuer and %s for jti, iss and nbf", ErrJWTClaims, f.fromName)
	}
	nbf, err := numericDate(f.fromName, f.from)
	if err != nil {
		return "", err
	}
	var payload jwtObject
	if v11 {
		c, err := o.bytes()
		if err != nil {
			return "", err
		}
		payload = jwtObject{{"vc", c}}
	} else {
		for _, c := range jwtRegisteredClaims {
			if _, ok := o.get(c); ok {
				return "", fmt.Errorf("%w: the credential already has a %q member", ErrJWSMalformed, c)
			}
		}
		payload = append(jwtObject{}, o...)
	}
	q := jsonString
	payload = payload.set("iss", q(f.issuer)).set("jti", q(f.id))
	if f.subject != "" {
		payload = payload.set("sub", q(f.subject))
	}
	payload = payload.set("nbf", json.RawMessage(strconv.FormatInt(nbf, 10)))
	if f.until != "" {
		exp, err := numericDate(f.untilName, f.until)
		if err != nil {
			return "", err
		}
		payload = payload.set("exp", json.RawMessage(strconv.FormatInt(exp, 10)))
	}
	pb, err := payload.bytes()
	if err != nil {
		return "", err
	}
	h := jwtObject{{"alg", q(k.Alg.JWSAlg())}}
	if !opts.OmitTyp {
		h = h.set("typ", q("JWT"))
	}
	if opts.KeyID != "" {
		h = h.set("kid", q(opts.KeyID))
	}
	if opts.EmbedJWK {
		m, err := key.PublicJWK(k.Public(), "")
		if err != nil {
			return "", err
		}
		b, _ := json.Marshal(m)
		h = h.set("jwk", b)
	}
	hb, err := h.bytes()
	if err != nil {
		return "", err
	}
	return signCompactJWS(k, hb, pb)
}

// credFields are the credential values mapped to JWT claims.
type credFields struct {
	id, issuer, subject, from, until string
	subjectIDs                       []string
	fromName, untilName              string
}

func credentialFields(o jwtObject, v11 bool) (credFields, error) {
	f := credFields{id: o.str("id"), fromName: "validFrom", untilName: "validUntil"}
	if v11 {
		f.fromName, f.untilName = "issuanceDate", "expirationDate"
	}
	f.from, f.until = o.str(f.fromName), o.str(f.untilName)
	if v, ok := o.get("issuer"); ok {
		f.issuer = jwtIDOf(v)
	}
	if v, ok := o.get("credentialSubject"); ok {
		var list []json.RawMessage
		if len(v) == 0 || v[0] != '[' || json.Unmarshal(v, &list) != nil {
			list = []json.RawMessage{v}
		}
		for _, s := range list {
			if id := jwtIDOf(s); id != "" {
				f.subjectIDs = append(f.subjectIDs, id)
			}
		}
		if len(list) == 1 && len(f.subjectIDs) == 1 {
			f.subject = f.subjectIDs[0]
		}
	}
	return f, nil
}

// numericDate converts an XML Schema / RFC 3339 date-time to a JWT NumericDate (whole
// seconds; a fraction is truncated).
func numericDate(name, s string) (int64, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return 0, fmt.Errorf("%w: %s %q is not a date-time with time zone", ErrJWTClaims, name, s)
	}
	return t.Unix(), nil
}

// JWTClaims are the registered claims of a verified VC-JWT.
type JWTClaims struct {
	Iss, Sub, Jti string
	Nbf, Exp      time.Time // zero when absent
}

// JWTResult is a verified VC-JWT.
type JWTResult struct {
	// Credential is the credential JSON. VCDM 2.0: the payload without the JWT registered
	// claims (iss, sub, jti, nbf, exp, iat, aud), other members in order. VCDM 1.1: the "vc"
	// claim, with id, issuer, issuanceDate, expirationDate and credentialSubject.id filled in
	// from jti, iss, nbf, exp and sub where the vc claim left them out (VC-DATA-MODEL 1.1 §6.3.1).
	Credential []byte
	Header     JWSHeader
	Claims     JWTClaims
	// Method is the key that verified the signature: the one "kid" resolved to, or, for a
	// "jwk" header alone, a JsonWebKey method with an empty ID whose Controller is the JWK's
	// "iss" member (if any).
	Method *did.VerificationMethod
	VCDM11 bool
	// KeyBound is true when the key's controller is known and equals the issuer id. When the
	// controller is unknown (an embedded or fetched JWK without "iss"), the signature is valid
	// but nothing ties the key to the issuer; a warning says so and the caller decides, for
	// example with did.Resolver.InIssuerJWKSet (the issuer's /.well-known/jwks.json).
	KeyBound bool
	Warnings []string
}

// VerifyJWT verifies a VC-JWT: the header (alg in RS256/ES256/EdDSA; only alg, kid, jwk and
// typ; typ "JWT" if present), the key (kid resolved through r; jwk never with private
// members; both must agree when both are given), the signature, the @context[0] / vc
// consistency, and the claims against the credential: iss = issuer id, jti = id, nbf =
// validFrom, exp = validUntil, sub = credentialSubject.id (a missing sub is only a warning, as
// 1EdTech's own sample omits it). A known key controller must be the issuer.
//
// Time windows (nbf in the future, exp in the past) are not checked here: the caller has the
// clock. r may be nil when only jwk headers are expected.
func VerifyJWT(ctx context.Context, compact string, r KeyResolver) (*JWTResult, error) {
	p, err := parseCompactJWS(compact)
	if err != nil {
		return nil, err
	}
	for name := range p.raw {
		switch name {
		case "alg", "kid", "jwk", "typ":
		default:
			return nil, fmt.Errorf("%w: %q (a VC-JWT header may hold only alg, kid, jwk and typ)", ErrJWSHeader, name)
		}
	}
	if _, ok := p.raw["typ"]; ok && !strings.EqualFold(p.header.Typ, "JWT") {
		return nil, fmt.Errorf("%w: typ %q (want \"JWT\")", ErrJWSHeader, p.header.Typ)
	}
	res := &JWTResult{Header: p.header}
	if res.Method, err = jwsKey(ctx, p, r); err != nil {
		return nil, err
	}
	if err := verifyJWSSignature(p, res.Method.PublicKey); err != nil {
		return nil, err
	}
	if err := res.readPayload(p.payload); err != nil {
		return nil, err
	}
	issuer := res.Claims.Iss
	switch {
	case res.Method.Controller == "":
		res.Warnings = append(res.Warnings, "the signing key names no controller: nothing ties it to the issuer "+issuer)
	case res.Method.Controller != issuer:
		return nil, fmt.Errorf("%w: key %s is controlled by %s, the issuer is %s", ErrJWSController, res.Method.ID, res.Method.Controller, issuer)
	default:
		res.KeyBound = true
	}
	return res, nil
}

// jwsKey finds the verification key of a JWS from its kid and/or jwk header.
func jwsKey(ctx context.Context, p *jwsParts, r KeyResolver) (*did.VerificationMethod, error) {
	var fromJWK *did.VerificationMethod
	if raw, ok := p.raw["jwk"]; ok {
		pub, err := key.ParsePublicJWK(raw)
		if err != nil {
			return nil, fmt.Errorf("%w: jwk header: %v", ErrJWSKey, err)
		}
		var m struct {
			Iss string `json:"iss"`
		}
		_ = json.Unmarshal(raw, &m)
		fromJWK = &did.VerificationMethod{Type: did.TypeJsonWebKey, Controller: m.Iss, PublicKey: pub}
	}
	if p.header.Kid == "" || (fromJWK != nil && !resolvableKid(p.header.Kid)) {
		// A kid that is not a URI (e.g. a thumbprint) beside a jwk only labels that key.
		if fromJWK == nil {
			return nil, fmt.Errorf("%w: neither kid nor jwk in the header", ErrJWSKey)
		}
		return fromJWK, nil
	}
	if r == nil {
		return nil, fmt.Errorf("%w: cannot resolve kid %s without a resolver", ErrJWSKey, p.header.Kid)
	}
	vm, err := r.ResolveMethod(ctx, p.header.Kid)
	if err != nil {
		return nil, fmt.Errorf("%w: kid %s: %w", ErrJWSKey, p.header.Kid, err)
	}
	if fromJWK != nil {
		e, ok := vm.PublicKey.(interface{ Equal(crypto.PublicKey) bool })
		if !ok || !e.Equal(fromJWK.PublicKey) {
			return nil, fmt.Errorf("%w: the jwk header is not the key kid %s resolves to", ErrJWSKey, p.header.Kid)
		}
	}
	return vm, nil
}

// resolvableKid reports whether a kid is a URI a KeyResolver can dereference.
func resolvableKid(kid string) bool {
	return strings.HasPrefix(kid, "did:") || strings.HasPrefix(kid, "https://") || strings.HasPrefix(kid, "http://")
}

// readPayload extracts the credential and checks the claims against it.
func (res *JWTResult) readPayload(b []byte) error {
	o, err := parseJWTObject(b)
	if err != nil {
		return fmt.Errorf("%w: payload: %v", ErrJWSMalformed, err)
	}
	c := &res.Claims
	c.Iss, c.Sub, c.Jti = o.str("iss"), o.str("sub"), o.str("jti")
	for _, n := range []string{"iss", "sub", "jti"} {
		if v, ok := o.get(n); ok && o.str(n) == "" {
			return fmt.Errorf("%w: claim %q must be a non-empty string, got %s", ErrJWTClaims, n, v)
		}
	}
	if c.Nbf, err = numericClaim(o, "nbf"); err != nil {
		return err
	}
	if c.Exp, err = numericClaim(o, "exp"); err != nil {
		return err
	}
	if c.Iss == "" || c.Nbf.IsZero() {
		return fmt.Errorf("%w: iss and nbf are required", ErrJWTClaims)
	}
	cred := o.without(jwtRegisteredClaims...)
	vc, hasVC := o.get("vc")
	if hasVC {
		if _, ok := o.get("@context"); ok {
			return fmt.Errorf("%w: payload has both a vc claim and a top-level @context", ErrJWSMalformed)
		}
		if cred, err = parseJWTObject(vc); err != nil {
			return fmt.Errorf("%w: vc claim: %v", ErrJWSMalformed, err)
		}
		if jwtFirstContext(cred) != ContextVCv1 {
			return fmt.Errorf("%w: a vc claim must hold a VCDM 1.1 credential (@context[0] %s)", ErrJWSMalformed, ContextVCv1)
		}
		res.VCDM11 = true
		if cred, err = res.fillV11(cred); err != nil {
			return err
		}
	} else if jwtFirstContext(cred) != ContextVCv2 {
		return fmt.Errorf("%w: a credential at the top level of the payload must be VCDM 2.0 (@context[0] %s); VCDM 1.1 goes in the vc claim", ErrJWSMalformed, ContextVCv2)
	}
	if err := res.checkClaims(cred); err != nil {
		return err
	}
	res.Credential, err = cred.bytes()
	return err
}

// fillV11 completes a VCDM 1.1 vc claim from the JWT claims where it left values out.
func (res *JWTResult) fillV11(cred jwtObject) (jwtObject, error) {
	c := res.Claims
	q := func(s string) json.RawMessage { b, _ := json.Marshal(s); return b }
	if _, ok := cred.get("id"); !ok && c.Jti != "" {
		cred = cred.set("id", q(c.Jti))
	}
	if _, ok := cred.get("issuer"); !ok {
		cred = cred.set("issuer", q(c.Iss))
	}
	if _, ok := cred.get("issuanceDate"); !ok {
		cred = cred.set("issuanceDate", q(c.Nbf.UTC().Format(time.RFC3339)))
	}
	if _, ok := cred.get("expirationDate"); !ok && !c.Exp.IsZero() {
		cred = cred.set("expirationDate", q(c.Exp.UTC().Format(time.RFC3339)))
	}
	if s, ok := cred.get("credentialSubject"); ok && c.Sub != "" {
		subj, err := parseJWTObject(s)
		if err == nil && jwtIDOf(s) == "" {
			sb, err := subj.set("id", q(c.Sub)).bytes()
			if err != nil {
				return nil, err
			}
			cred = cred.set("credentialSubject", sb)
		}
	}
	return cred, nil
}

func (res *JWTResult) checkClaims(cred jwtObject) error {
	f, _ := credentialFields(cred, res.VCDM11)
	c := res.Claims
	if c.Iss != f.issuer {
		return fmt.Errorf("%w: iss %q is not the issuer id %q", ErrJWTClaims, c.Iss, f.issuer)
	}
	if c.Jti != f.id {
		return fmt.Errorf("%w: jti %q is not the credential id %q", ErrJWTClaims, c.Jti, f.id)
	}
	if f.from == "" {
		return fmt.Errorf("%w: the credential has no %s", ErrJWTClaims, f.fromName)
	}
	from, err := numericDate(f.fromName, f.from)
	if err != nil {
		return err
	}
	if from != c.Nbf.Unix() {
		return fmt.Errorf("%w: nbf %d is not %s %s", ErrJWTClaims, c.Nbf.Unix(), f.fromName, f.from)
	}
	switch {
	case f.until != "":
		until, err := numericDate(f.untilName, f.until)
		if err != nil {
			return err
		}
		if c.Exp.IsZero() || until != c.Exp.Unix() {
			return fmt.Errorf("%w: exp is missing or not %s %s", ErrJWTClaims, f.untilName, f.until)
		}
	case !c.Exp.IsZero():
		return fmt.Errorf("%w: exp is set but the credential has no %s", ErrJWTClaims, f.untilName)
	}
	switch {
	case c.Sub == "" && len(f.subjectIDs) > 0:
		res.Warnings = append(res.Warnings, "the JWT has no sub claim (OB 3.0 requires sub = credentialSubject.id)")
	case c.Sub != "":
		found := false
		for _, id := range f.subjectIDs {
			found = found || id == c.Sub
		}
		if !found {
			return fmt.Errorf("%w: sub %q is not the credentialSubject id", ErrJWTClaims, c.Sub)
		}
	}
	return nil
}

// numericClaim reads a NumericDate claim (a JSON number of seconds, fraction truncated).
func numericClaim(o jwtObject, name string) (time.Time, error) {
	v, ok := o.get(name)
	if !ok {
		return time.Time{}, nil
	}
	var n json.Number
	if len(v) == 0 || v[0] == '"' {
		return time.Time{}, fmt.Errorf("%w: %s must be a number", ErrJWTClaims, name)
	}
	if err := json.Unmarshal(v, &n); err != nil {
		return time.Time{}, fmt.Errorf("%w: %s must be a number", ErrJWTClaims, name)
	}
	f, err := n.Float64()
	if err != nil || f <= 0 || f > 253402300799 || math.IsNaN(f) {
		return time.Time{}, fmt.Errorf("%w: %s %s is not a valid NumericDate", ErrJWTClaims, name, n)
	}
	return time.Unix(int64(f), 0).UTC(), nil
}

// LooksLikeJWS reports whether s has the shape of a compact JWS (three base64url parts), as a
// cheap test before VerifyJWT or VerifyOB2 when sniffing input or baked payloads.
func LooksLikeJWS(s string) bool {
	s = strings.TrimSpace(s)
	if strings.Count(s, ".") != 2 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return len(s) > 4
}
