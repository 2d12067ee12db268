package status

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
)

// Revoked is one entry of a revocation list.
type Revoked struct {
	ID     string // the credential or assertion id
	UID    string // OB 1.x assertions are matched on uid
	Reason string // revocationReason, optional
	// NotRevoked is set when the entry says "revoked": false explicitly; such an entry does
	// not revoke.
	NotRevoked bool
}

// RevocationList is a 1EdTech Revocation List (OB 3.0 credentialStatus type
// 1EdTechRevocationList, entries in revokedCredential) or an OB 2.0 RevocationList (entries in
// revokedAssertions).
type RevocationList struct {
	ID      string
	Issuer  string
	Entries []Revoked
}

// TypeRevocationList is the credentialStatus type of the 1EdTech Revocation List.
const TypeRevocationList = "1EdTechRevocationList"

type revokedJSON struct {
	ID               string `json:"id,omitempty"`
	UID              string `json:"uid,omitempty"`
	Revoked          *bool  `json:"revoked,omitempty"`
	RevocationReason string `json:"revocationReason,omitempty"`
}

func parseEntries(raw []json.RawMessage, what string) ([]Revoked, error) {
	var out []Revoked
	for _, e := range raw {
		var s string
		if json.Unmarshal(e, &s) == nil {
			if s == "" {
				return nil, fmt.Errorf("%w: empty id in %s", ErrMalformed, what)
			}
			out = append(out, Revoked{ID: s})
			continue
		}
		var o revokedJSON
		if err := json.Unmarshal(e, &o); err != nil {
			return nil, fmt.Errorf("%w: %s entry %s: %v", ErrMalformed, what, e, err)
		}
		if o.ID == "" && o.UID == "" {
			return nil, fmt.Errorf("%w: %s entry %s has neither id nor uid", ErrMalformed, what, e)
		}
		out = append(out, Revoked{ID: o.ID, UID: o.UID, Reason: o.RevocationReason, NotRevoked: o.Revoked != nil && !*o.Revoked})
	}
	return out, nil
}

// ParseRevocationList reads a 1EdTech Revocation List: {id, issuer?, revokedCredential: [{id,
// revoked?, revocationReason?}]}.
func ParseRevocationList(b []byte) (*RevocationList, error) {
	var in struct {
		ID                string            `json:"id"`
		Issuer            json.RawMessage   `json:"issuer"`
		RevokedCredential []json.RawMessage `json:"revokedCredential"`
	}
	if err := json.Unmarshal(b, &in); err != nil {
		return nil, fmt.Errorf("%w: revocation list: %v", ErrMalformed, err)
	}
	if in.RevokedCredential == nil {
		var probe map[string]json.RawMessage
		if json.Unmarshal(b, &probe) == nil {
			if _, ok := probe["revokedCredential"]; !ok {
				return nil, fmt.Errorf("%w: revocation list has no revokedCredential", ErrMalformed)
			}
		}
	}
	entries, err := parseEntries(in.RevokedCredential, "revokedCredential")
	if err != nil {
		return nil, err
	}
	return &RevocationList{ID: in.ID, Issuer: idOf(in.Issuer), Entries: entries}, nil
}

// ParseOB2RevocationList reads an OB 2.0 RevocationList: type RevocationList, revokedAssertions
// of string ids or {id | uid, revocationReason?, revoked?}.
func ParseOB2RevocationList(b []byte) (*RevocationList, error) {
	var in struct {
		ID                string            `json:"id"`
		Type              json.RawMessage   `json:"type"`
		Issuer            json.RawMessage   `json:"issuer"`
		RevokedAssertions []json.RawMessage `json:"revokedAssertions"`
	}
	if err := json.Unmarshal(b, &in); err != nil {
		return nil, fmt.Errorf("%w: revocation list: %v", ErrMalformed, err)
	}
	if !slices.Contains(stringOrList(in.Type), "RevocationList") {
		return nil, fmt.Errorf("%w: type must contain RevocationList", ErrListType)
	}
	entries, err := parseEntries(in.RevokedAssertions, "revokedAssertions")
	if err != nil {
		return nil, err
	}
	return &RevocationList{ID: in.ID, Issuer: idOf(in.Issuer), Entries: entries}, nil
}

// Lookup reports whether the credential or assertion with this id (or, for OB 1.x, uid; pass
// "" when there is none) is revoked, with the reason given.
func (l *RevocationList) Lookup(id, uid string) (revoked bool, reason string) {
	for _, e := range l.Entries {
		if (id != "" && e.ID == id) || (uid != "" && e.UID == uid) {
			if e.NotRevoked {
				continue
			}
			return true, e.Reason
		}
	}
	return false, ""
}

func entriesJSON(entries []Revoked) []revokedJSON {
	out := make([]revokedJSON, 0, len(entries))
	for _, e := range entries {
		out = append(out, revokedJSON{ID: e.ID, UID: e.UID, RevocationReason: e.Reason})
	}
	return out
}

// NewRevocationList returns the 1EdTech Revocation List document an issuer publishes at id:
// {id, issuer, revokedCredential: [{id, revocationReason?}]}. An empty list is written as [].
func NewRevocationList(id, issuer string, entries []Revoked) ([]byte, error) {
	if id == "" {
		return nil, fmt.Errorf("status: a revocation list needs an id")
	}
	return json.MarshalIndent(struct {
		ID                string        `json:"id"`
		Issuer            string        `json:"issuer,omitempty"`
		RevokedCredential []revokedJSON `json:"revokedCredential"`
	}{id, issuer, entriesJSON(entries)}, "", "  ")
}

// NewOB2RevocationList returns an OB 2.0 RevocationList document: entries with a reason as
// {id, revocationReason}, others as a bare id string.
func NewOB2RevocationList(id, issuer string, entries []Revoked) ([]byte, error) {
	if id == "" || issuer == "" {
		return nil, fmt.Errorf("status: an OB 2.0 revocation list needs id and issuer")
	}
	list := make([]any, 0, len(entries))
	for _, e := range entries {
		if e.Reason == "" && e.UID == "" {
			list = append(list, e.ID)
			continue
		}
		list = append(list, revokedJSON{ID: e.ID, UID: e.UID, RevocationReason: e.Reason})
	}
	return json.MarshalIndent(struct {
		Context           string `json:"@context"`
		ID                string `json:"id"`
		Type              string `json:"type"`
		Issuer            string `json:"issuer"`
		RevokedAssertions []any  `json:"revokedAssertions"`
	}{"https://w3id.org/openbadges/v2", id, "RevocationList", issuer, list}, "", "  ")
}

// HostedStatus is what fetching a hosted OB 2.0 assertion says about revocation.
type HostedStatus struct {
	Revoked bool
	Reason  string
}

// HostedAssertionStatus interprets the response to GET on a hosted OB 2.0 assertion id
// (OB 2.0 §Hosted verification): 410 Gone means revoked (the body may give a
// revocationReason); a 2xx body with "revoked": true means revoked; another 2xx is not
// revoked; any other status is an error (the assertion could not be checked).
func HostedAssertionStatus(statusCode int, body []byte) (HostedStatus, error) {
	var b struct {
		Revoked          json.RawMessage `json:"revoked"`
		RevocationReason string          `json:"revocationReason"`
	}
	switch {
	case statusCode == http.StatusGone:
		_ = json.Unmarshal(body, &b)
		return HostedStatus{Revoked: true, Reason: b.RevocationReason}, nil
	case statusCode >= 200 && statusCode <= 299:
		if err := json.Unmarshal(body, &b); err != nil {
			return HostedStatus{}, fmt.Errorf("%w: hosted assertion is not JSON: %v", ErrMalformed, err)
		}
		if string(b.Revoked) == "true" {
			return HostedStatus{Revoked: true, Reason: b.RevocationReason}, nil
		}
		return HostedStatus{}, nil
	}
	return HostedStatus{}, fmt.Errorf("status: hosted assertion answered HTTP %d", statusCode)
}
