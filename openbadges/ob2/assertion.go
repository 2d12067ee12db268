package ob2

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/rosettebadges/rosette/openbadges/internal/identityhash"
)

// Assertion awards a BadgeClass to a recipient.
type Assertion struct {
	Context          any                 `json:"@context,omitempty"`
	Type             Strings             `json:"type,omitempty"`
	ID               string              `json:"id,omitempty"`
	Recipient        *IdentityObject     `json:"recipient,omitempty"`
	Badge            *BadgeClass         `json:"badge,omitempty"`
	Verification     *VerificationObject `json:"verification,omitempty"`
	IssuedOn         string              `json:"issuedOn,omitempty"`
	Image            *Image              `json:"image,omitempty"`
	Evidence         List[Evidence]      `json:"evidence,omitempty"`
	Narrative        string              `json:"narrative,omitempty"`
	Expires          string              `json:"expires,omitempty"`
	Revoked          *bool               `json:"revoked,omitempty"`
	RevocationReason string              `json:"revocationReason,omitempty"`
	UID              string              `json:"uid,omitempty"` // deprecated (1.x)
	Endorsement      List[Endorsement]   `json:"endorsement,omitempty"`
	Extra            Extra               `json:"-"`
	// Raw is the input as received (before any upgrade). Check signatures on it.
	Raw json.RawMessage `json:"-"`
	// Version is the version detected on input: "0.5", "1.0", "1.1" or "2.0".
	Version string `json:"-"`
}

func (a *Assertion) UnmarshalJSON(b []byte) error {
	type plain Assertion
	extra, err := decodeWithExtra(b, (*plain)(a), assertionFields, "assertion")
	if err != nil {
		return err
	}
	if v, ok := extra["verify"]; ok { // 1.x and the 2.0 alias
		if a.Verification == nil {
			var vo VerificationObject
			if err := json.Unmarshal(v, &vo); err != nil {
				return fmt.Errorf("verify: %w", err)
			}
			a.Verification = &vo
		}
		delete(extra, "verify")
	}
	if len(extra) == 0 {
		extra = nil
	}
	a.Extra = extra
	return nil
}

func (a Assertion) MarshalJSON() ([]byte, error) {
	type plain Assertion
	return encodeWithExtra(plain(a), a.Extra)
}

// IdentityObject identifies the recipient: a plaintext or salted-hash identity of a type
// (email, url, telephone or id).
type IdentityObject struct {
	Type     string `json:"type"`
	Identity string `json:"identity"`
	Hashed   bool   `json:"hashed"`
	Salt     string `json:"salt,omitempty"`
}

// NewHashedIdentity returns a recipient hashed with sha256(identity+salt).
func NewHashedIdentity(typ, identity, salt string) (IdentityObject, error) {
	h, err := identityhash.Sum("sha256", identity, salt)
	if err != nil {
		return IdentityObject{}, err
	}
	return IdentityObject{Type: typ, Identity: h, Hashed: true, Salt: salt}, nil
}

// Matches reports whether identity is this recipient: the salted hash (sha256 or md5, hex in
// any case) when hashed, the plaintext otherwise.
func (o IdentityObject) Matches(identity string) bool {
	if o.Hashed {
		return identityhash.Match(o.Identity, identity, o.Salt)
	}
	return o.Identity == identity
}

// ParseAssertion reads an OB 2.0 assertion, or an OB 0.5 / 1.0 / 1.1 one upgraded to the
// 2.0 shape for display (Version says which it was; Raw keeps the input).
func ParseAssertion(data []byte) (*Assertion, error) {
	m, err := object(data)
	if err != nil {
		return nil, err
	}
	version := detectVersion(m)
	var a Assertion
	if version == "2.0" {
		if err := json.Unmarshal(data, &a); err != nil {
			return nil, fmt.Errorf("ob2: %w", err)
		}
	} else if err := upgrade(m, version, &a); err != nil {
		return nil, err
	}
	a.Raw = append(json.RawMessage(nil), bytes.TrimSpace(data)...)
	a.Version = version
	return &a, nil
}

func object(data []byte) (map[string]any, error) {
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil || m == nil {
		return nil, errors.New("ob2: not a JSON object")
	}
	return m, nil
}

// upgrade maps a 0.5 / 1.0 / 1.1 assertion to the 2.0 shape and decodes it into a.
func upgrade(m map[string]any, version string, a *Assertion) error {
	var err error
	switch version {
	case "0.5":
		m, err = upgrade05(m)
	case "1.0":
		m, err = upgrade10(m)
	}
	if err != nil {
		return err
	}
	m["@context"] = Context
	if _, ok := m["type"]; !ok || version == "1.1" {
		m["type"] = "Assertion"
	}
	if v, ok := m["verify"]; ok {
		m["verification"] = v
		delete(m, "verify")
	}
	upgradeDates(m, "issuedOn", "expires")
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, a); err != nil {
		return fmt.Errorf("ob2: %w", err)
	}
	if a.Verification != nil {
		a.Verification.Type = a.Verification.Normalized()
		delete(a.Verification.Extra, "url")
		if len(a.Verification.Extra) == 0 {
			a.Verification.Extra = nil
		}
	}
	return nil
}

// detectVersion follows the OB 2.0 validator: a context mentioning v1 is 1.1, v2 is 2.0; no
// context is 0.5 (string recipient or a badge with version 0.5.0) or 1.0.
func detectVersion(m map[string]any) string {
	if c, ok := m["@context"]; ok {
		s, _ := json.Marshal(c)
		switch {
		case strings.Contains(string(s), "openbadges/v2") || strings.Contains(string(s), "openbadgespec.org/v2"):
			return "2.0"
		case strings.Contains(string(s), "openbadges/v1"):
			return "1.1"
		}
		return "2.0"
	}
	if _, ok := m["recipient"].(string); ok {
		return "0.5"
	}
	if b, ok := m["badge"].(map[string]any); ok {
		if v, _ := b["version"].(string); strings.HasPrefix(v, "0.5") {
			return "0.5"
		}
	}
	return "1.0"
}

// upgrade05 maps the 0.5 shape: string recipient (+salt), issued_on, expires, embedded badge
// with issuer {origin, name, org, contact}.
func upgrade05(m map[string]any) (map[string]any, error) {
	out := map[string]any{}
	r, _ := m["recipient"].(string)
	salt, _ := m["salt"].(string)
	_, _, hashed := identityhash.Split(r)
	rec := map[string]any{"type": "email", "identity": r, "hashed": hashed}
	if salt != "" {
		rec["salt"] = salt
	}
	out["recipient"] = rec
	if v, ok := m["issued_on"]; ok {
		out["issuedOn"] = v
	}
	for _, k := range []string{"expires", "evidence", "image"} {
		if v, ok := m[k]; ok {
			out[k] = v
		}
	}
	b, ok := m["badge"].(map[string]any)
	if !ok {
		return nil, errors.New("ob2: OB 0.5 assertion without an embedded badge")
	}
	badge := map[string]any{"type": "BadgeClass"}
	for _, k := range []string{"name", "description", "image", "criteria"} {
		if v, ok := b[k]; ok {
			badge[k] = v
		}
	}
	if is, ok := b["issuer"].(map[string]any); ok {
		iss := map[string]any{"type": "Profile"}
		if v, ok := is["origin"]; ok {
			iss["url"] = v
			iss["id"] = v
		}
		if v, ok := is["name"]; ok {
			iss["name"] = v
		}
		if v, ok := is["contact"]; ok {
			iss["email"] = v
		}
		if v, ok := is["org"]; ok {
			iss["description"] = v
		}
		badge["issuer"] = iss
	}
	out["badge"] = badge
	out["verification"] = map[string]any{"type": "HostedBadge"}
	return out, nil
}

// upgrade10 maps the 1.0 shape: verify {type, url} gives the hosted id.
func upgrade10(m map[string]any) (map[string]any, error) {
	if v, ok := m["verify"].(map[string]any); ok {
		if u, ok := v["url"].(string); ok && m["id"] == nil && (v["type"] == "hosted" || v["type"] == "HostedBadge") {
			m["id"] = u
		}
	}
	return m, nil
}

// upgradeDates writes 1.x dates as 2.0 DateTimes: a Unix timestamp (number or digits) or a
// bare date (midnight UTC).
func upgradeDates(m map[string]any, keys ...string) {
	for _, k := range keys {
		switch v := m[k].(type) {
		case float64:
			m[k] = time.Unix(int64(v), 0).UTC().Format(time.RFC3339)
		case string:
			if t, err := time.Parse("2006-01-02", v); err == nil {
				m[k] = t.Format(time.RFC3339)
			} else if n, err := parseDigits(v); err == nil {
				m[k] = time.Unix(n, 0).UTC().Format(time.RFC3339)
			}
		}
	}
}

func parseDigits(s string) (int64, error) {
	if s == "" || len(s) > 12 {
		return 0, errors.New("not a timestamp")
	}
	var n int64
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, errors.New("not a timestamp")
		}
		n = n*10 + int64(c-'0')
	}
	return n, nil
}

// ParseBadgeClass reads a BadgeClass (any version; 1.x shapes are compatible).
func ParseBadgeClass(data []byte) (*BadgeClass, error) {
	if _, err := object(data); err != nil {
		return nil, err
	}
	var c BadgeClass
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("ob2: %w", err)
	}
	return &c, nil
}

// ParseProfile reads an issuer Profile (any version).
func ParseProfile(data []byte) (*Profile, error) {
	if _, err := object(data); err != nil {
		return nil, err
	}
	var p Profile
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, fmt.Errorf("ob2: %w", err)
	}
	return &p, nil
}

// ParseRevocationList reads a RevocationList.
func ParseRevocationList(data []byte) (*RevocationList, error) {
	if _, err := object(data); err != nil {
		return nil, err
	}
	var l RevocationList
	if err := json.Unmarshal(data, &l); err != nil {
		return nil, fmt.Errorf("ob2: %w", err)
	}
	return &l, nil
}

// ParseCryptographicKey reads a CryptographicKey.
func ParseCryptographicKey(data []byte) (*CryptographicKey, error) {
	if _, err := object(data); err != nil {
		return nil, err
	}
	var k CryptographicKey
	if err := json.Unmarshal(data, &k); err != nil {
		return nil, fmt.Errorf("ob2: %w", err)
	}
	return &k, nil
}

// ParseEndorsement reads an Endorsement; Raw keeps the input.
func ParseEndorsement(data []byte) (*Endorsement, error) {
	if _, err := object(data); err != nil {
		return nil, err
	}
	var e Endorsement
	if err := json.Unmarshal(data, &e); err != nil {
		return nil, fmt.Errorf("ob2: %w", err)
	}
	e.Raw = append(json.RawMessage(nil), bytes.TrimSpace(data)...)
	return &e, nil
}
