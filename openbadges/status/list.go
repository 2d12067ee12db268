package status

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Types and purposes of Bitstring Status List v1.0 (and the StatusList2021 draft).
const (
	TypeEntry              = "BitstringStatusListEntry"
	TypeListCredential     = "BitstringStatusListCredential"
	TypeList               = "BitstringStatusList"
	TypeLegacyEntry        = "StatusList2021Entry"
	TypeLegacyCredential   = "StatusList2021Credential"
	TypeLegacyList         = "StatusList2021"
	PurposeRevocation      = "revocation"
	PurposeSuspension      = "suspension"
	PurposeRefresh         = "refresh"
	PurposeMessage         = "message"
	contextVCv2            = "https://www.w3.org/ns/credentials/v2"
	defaultStatusSize      = 1
	maxStatusListIndexBits = 1 << 31
)

// Entry is a credentialStatus of type BitstringStatusListEntry (or StatusList2021Entry).
type Entry struct {
	ID                   string
	Type                 string
	StatusPurpose        string
	StatusListIndex      int
	StatusListCredential string
	StatusSize           int // 1 when absent
	StatusMessage        []StatusMessage
}

// StatusMessage explains one value of a multi-bit status.
type StatusMessage struct {
	Status  string `json:"status"` // hex value, e.g. "0x2"
	Message string `json:"message"`
}

// NewEntry returns the status entry for index in the list published at listURL.
func NewEntry(listURL string, index int, purpose string) Entry {
	return Entry{
		ID: listURL + "#" + strconv.Itoa(index), Type: TypeEntry, StatusPurpose: purpose,
		StatusListIndex: index, StatusListCredential: listURL, StatusSize: 1,
	}
}

// MarshalJSON writes the entry as the specification shows it: statusListIndex as a string,
// statusSize only when not 1.
func (e Entry) MarshalJSON() ([]byte, error) {
	type out struct {
		ID                   string          `json:"id,omitempty"`
		Type                 string          `json:"type"`
		StatusPurpose        string          `json:"statusPurpose"`
		StatusListIndex      string          `json:"statusListIndex"`
		StatusListCredential string          `json:"statusListCredential"`
		StatusSize           int             `json:"statusSize,omitempty"`
		StatusMessage        []StatusMessage `json:"statusMessage,omitempty"`
	}
	o := out{e.ID, e.Type, e.StatusPurpose, strconv.Itoa(e.StatusListIndex), e.StatusListCredential, e.StatusSize, e.StatusMessage}
	if o.StatusSize == 1 {
		o.StatusSize = 0
	}
	return json.Marshal(o)
}

// ParseEntry reads a credentialStatus object of type BitstringStatusListEntry or
// StatusList2021Entry. statusListIndex may be a string of digits (the specification) or a
// JSON number (seen in the 1EdTech validator's fixture).
func ParseEntry(b []byte) (*Entry, error) {
	var in struct {
		ID                   string          `json:"id"`
		Type                 json.RawMessage `json:"type"`
		StatusPurpose        string          `json:"statusPurpose"`
		StatusListIndex      json.RawMessage `json:"statusListIndex"`
		StatusListCredential string          `json:"statusListCredential"`
		StatusSize           *int            `json:"statusSize"`
		StatusMessage        []StatusMessage `json:"statusMessage"`
	}
	if err := json.Unmarshal(b, &in); err != nil {
		return nil, fmt.Errorf("%w: status entry: %v", ErrMalformed, err)
	}
	types := stringOrList(in.Type)
	e := &Entry{ID: in.ID, StatusPurpose: in.StatusPurpose, StatusListCredential: in.StatusListCredential, StatusSize: 1, StatusMessage: in.StatusMessage}
	switch {
	case slices.Contains(types, TypeEntry):
		e.Type = TypeEntry
	case slices.Contains(types, TypeLegacyEntry):
		e.Type = TypeLegacyEntry
	default:
		return nil, fmt.Errorf("%w: status entry type %v is not %s", ErrMalformed, types, TypeEntry)
	}
	if in.StatusSize != nil {
		e.StatusSize = *in.StatusSize
		if e.StatusSize < 1 || e.StatusSize > 8 {
			return nil, fmt.Errorf("%w: statusSize %d must be 1 to 8", ErrMalformed, e.StatusSize)
		}
	}
	if e.StatusPurpose == "" || e.StatusListCredential == "" {
		return nil, fmt.Errorf("%w: status entry needs statusPurpose and statusListCredential", ErrMalformed)
	}
	idx, err := parseIndex(in.StatusListIndex)
	if err != nil {
		return nil, err
	}
	e.StatusListIndex = idx
	return e, nil
}

func parseIndex(raw json.RawMessage) (int, error) {
	s := strings.TrimSpace(string(raw))
	if len(s) >= 2 && s[0] == '"' {
		if err := json.Unmarshal(raw, &s); err != nil {
			return 0, fmt.Errorf("%w: statusListIndex: %v", ErrMalformed, err)
		}
	}
	if s == "" || strings.Trim(s, "0123456789") != "" || len(s) > 10 || (len(s) > 1 && s[0] == '0') {
		return 0, fmt.Errorf("%w: statusListIndex %s is not a non-negative integer", ErrMalformed, raw)
	}
	n, err := strconv.Atoi(s)
	if err != nil || n >= maxStatusListIndexBits {
		return 0, fmt.Errorf("%w: statusListIndex %s is out of range", ErrMalformed, raw)
	}
	return n, nil
}

// ListCredential is the part of a (Bitstring) status list credential that status checking
// reads. Its proof and validity period are the caller's to verify.
type ListCredential struct {
	ID          string
	Types       []string
	Issuer      string
	ValidFrom   string // validFrom, or issuanceDate (VCDM 1.1)
	ValidUntil  string // validUntil, or expirationDate (VCDM 1.1)
	SubjectType []string
	Purposes    []string // credentialSubject.statusPurpose (a string or a list)
	EncodedList string
}

// ParseListCredential reads a status list credential.
func ParseListCredential(b []byte) (*ListCredential, error) {
	var in struct {
		ID                string          `json:"id"`
		Type              json.RawMessage `json:"type"`
		Issuer            json.RawMessage `json:"issuer"`
		ValidFrom         string          `json:"validFrom"`
		IssuanceDate      string          `json:"issuanceDate"`
		ValidUntil        string          `json:"validUntil"`
		ExpirationDate    string          `json:"expirationDate"`
		CredentialSubject struct {
			Type          json.RawMessage `json:"type"`
			StatusPurpose json.RawMessage `json:"statusPurpose"`
			EncodedList   string          `json:"encodedList"`
		} `json:"credentialSubject"`
	}
	if err := json.Unmarshal(b, &in); err != nil {
		return nil, fmt.Errorf("%w: status list credential: %v", ErrMalformed, err)
	}
	l := &ListCredential{
		ID: in.ID, Types: stringOrList(in.Type), Issuer: idOf(in.Issuer),
		ValidFrom: in.ValidFrom, ValidUntil: in.ValidUntil,
		SubjectType: stringOrList(in.CredentialSubject.Type),
		Purposes:    stringOrList(in.CredentialSubject.StatusPurpose),
		EncodedList: in.CredentialSubject.EncodedList,
	}
	if l.ValidFrom == "" {
		l.ValidFrom = in.IssuanceDate
	}
	if l.ValidUntil == "" {
		l.ValidUntil = in.ExpirationDate
	}
	if l.EncodedList == "" {
		return nil, fmt.Errorf("%w: credentialSubject.encodedList is missing", ErrMalformed)
	}
	return l, nil
}

// Result is the status of one entry.
type Result struct {
	Purpose string
	Value   int  // the entry's value (0 or 1 for one-bit lists)
	Set     bool // Value != 0: revoked, suspended, ... according to Purpose
	Message string
	// ShortList is true when the list has fewer than MinEntries entries and
	// CheckOptions.AllowShortList let it through.
	ShortList bool
}

// CheckOptions relax Check.
type CheckOptions struct {
	// AllowShortList reads lists below the 131,072-entry minimum instead of failing with
	// ErrShortList. The Digital Credentials Consortium's published test lists have 100,000
	// entries; a verifier may accept them and report Result.ShortList as a warning.
	AllowShortList bool
}

// Check reads entry e in the list credential l: the credential must have type
// BitstringStatusListCredential (StatusList2021Credential for legacy entries) and a subject
// of type BitstringStatusList, the purposes must match, the list must decode ("u" + base64url
// of GZIP), hold at least MinEntries entries (unless allowed) and contain the index.
func Check(e *Entry, l *ListCredential, opts CheckOptions) (*Result, error) {
	legacy := e.Type == TypeLegacyEntry
	wantCred, wantList := TypeListCredential, TypeList
	if legacy {
		wantCred, wantList = TypeLegacyCredential, TypeLegacyList
	}
	if !slices.Contains(l.Types, wantCred) {
		return nil, fmt.Errorf("%w: type %v lacks %s", ErrListType, l.Types, wantCred)
	}
	if !slices.Contains(l.SubjectType, wantList) {
		return nil, fmt.Errorf("%w: credentialSubject type %v lacks %s", ErrListType, l.SubjectType, wantList)
	}
	if !slices.Contains(l.Purposes, e.StatusPurpose) {
		return nil, fmt.Errorf("%w: the entry says %q, the list %v", ErrPurpose, e.StatusPurpose, l.Purposes)
	}
	bs, err := DecodeBitstring(l.EncodedList, e.StatusSize, legacy && !strings.HasPrefix(l.EncodedList, "u"))
	if err != nil {
		return nil, err
	}
	res := &Result{Purpose: e.StatusPurpose}
	if bs.Len() < MinEntries {
		if !opts.AllowShortList {
			return nil, fmt.Errorf("status: list of %d entries: %w", bs.Len(), ErrShortList)
		}
		res.ShortList = true
	}
	if res.Value, err = bs.Get(e.StatusListIndex); err != nil {
		return nil, err
	}
	res.Set = res.Value != 0
	want := "0x" + strconv.FormatInt(int64(res.Value), 16)
	for _, m := range e.StatusMessage {
		if strings.EqualFold(m.Status, want) {
			res.Message = m.Message
		}
	}
	return res, nil
}

// NewListCredential returns the unsigned BitstringStatusListCredential (VCDM 2.0) an issuer
// publishes at id: subject id+"#list", the purpose, the encoded list. validUntil is written
// when not zero. The caller signs it (a Data Integrity proof or a VC-JWT).
func NewListCredential(id, issuer, purpose string, list *Bitstring, validFrom, validUntil time.Time) ([]byte, error) {
	enc, err := list.Encode()
	if err != nil {
		return nil, err
	}
	type subject struct {
		ID            string `json:"id"`
		Type          string `json:"type"`
		StatusPurpose string `json:"statusPurpose"`
		EncodedList   string `json:"encodedList"`
	}
	type cred struct {
		Context           []string `json:"@context"`
		ID                string   `json:"id"`
		Type              []string `json:"type"`
		Issuer            string   `json:"issuer"`
		ValidFrom         string   `json:"validFrom"`
		ValidUntil        string   `json:"validUntil,omitempty"`
		CredentialSubject subject  `json:"credentialSubject"`
	}
	c := cred{
		Context: []string{contextVCv2}, ID: id, Type: []string{"VerifiableCredential", TypeListCredential},
		Issuer: issuer, ValidFrom: validFrom.UTC().Format(time.RFC3339),
		CredentialSubject: subject{ID: id + "#list", Type: TypeList, StatusPurpose: purpose, EncodedList: enc},
	}
	if !validUntil.IsZero() {
		c.ValidUntil = validUntil.UTC().Format(time.RFC3339)
	}
	if id == "" || issuer == "" || purpose == "" {
		return nil, fmt.Errorf("status: a list credential needs id, issuer and purpose")
	}
	return json.MarshalIndent(c, "", "  ")
}

func stringOrList(raw json.RawMessage) []string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		if s == "" {
			return nil
		}
		return []string{s}
	}
	var l []string
	_ = json.Unmarshal(raw, &l)
	return l
}

func idOf(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var o struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(raw, &o)
	return o.ID
}
