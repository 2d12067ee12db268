package service

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/store"
	"github.com/rosettebadges/rosette/openbadges/ob2"
	"github.com/rosettebadges/rosette/openbadges/ob3"
)

// The formats of wallet items the APIs read and write (wallet_items.format).
const (
	FormatOB3JSON = "ob3-json"
	FormatOB3JWT  = "ob3-jwt"
	FormatOB2JSON = "ob2-json"
	FormatOB2JWS  = "ob2-jws"
)

// APIAwards is what WalletAPI needs of the awards service (*Awards): the documents of awards
// the earner accepted into the wallet.
type APIAwards interface {
	Credential(ctx context.Context, id string) ([]byte, error)
	Public(ctx context.Context, id string) (*PublicAward, error)
	Assertion(p *PublicAward) ([]byte, error)
}

// WalletAPI is the earner's wallet as the OB 3.0 API and Badge Connect 2.1 see it: the
// credentials listed (OB 3.0 ones to 3.0, OB 2.0 ones to 2.1, awards of this installation to
// both), the credentials an application adds (source "api", one per equality key: a second
// one with the same key replaces the first), and the earner's API Profile. Safe for
// concurrent use.
type WalletAPI struct {
	store     *store.Store
	awards    APIAwards
	clock     badge.Clock
	logger    *slog.Logger
	profileNS string // the installation's base URL: profile ids are derived from it
}

// NewWalletAPI returns the API view of the wallets. base is the installation's base URL.
func NewWalletAPI(st *store.Store, awards APIAwards, clock badge.Clock, logger *slog.Logger, base string) *WalletAPI {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &WalletAPI{store: st, awards: awards, clock: clock, logger: logger, profileNS: base}
}

// APIPage is one page of credentials: the JSON ones and the compact JWS ones, and how many
// the whole list has.
type APIPage struct {
	JSON  []json.RawMessage
	JWS   []string
	Total int64
}

// MaxAPIPage bounds the credentials of one page.
const MaxAPIPage = 1000

// OB3Credentials lists the earner's OB 3.0 credentials (getCredentials).
func (s *WalletAPI) OB3Credentials(ctx context.Context, userID int64, limit, offset int, since time.Time) (*APIPage, error) {
	return s.list(ctx, store.APIWalletFilter{UserID: userID, Formats: []string{FormatOB3JSON, FormatOB3JWT}, Awards: true, Since: since},
		limit, offset, func(w *store.WalletItem, p *APIPage) error {
			if w.Source == "award" {
				c, err := s.awards.Credential(ctx, w.AwardID)
				if errors.Is(err, badge.Unavailable) { // not signed yet: left out
					return nil
				}
				if err != nil {
					return err
				}
				p.JSON = append(p.JSON, c)
				return nil
			}
			return appendStored(w, p, FormatOB3JWT)
		})
}

// OB21Assertions lists the earner's OB 2.0 assertions (Badge Connect getAssertions).
func (s *WalletAPI) OB21Assertions(ctx context.Context, userID int64, limit, offset int, since time.Time) (*APIPage, error) {
	return s.list(ctx, store.APIWalletFilter{UserID: userID, Formats: []string{FormatOB2JSON, FormatOB2JWS}, Awards: true, Since: since},
		limit, offset, func(w *store.WalletItem, p *APIPage) error {
			if w.Source == "award" {
				pa, err := s.awards.Public(ctx, w.AwardID)
				if err != nil {
					return err
				}
				a, err := s.awards.Assertion(pa)
				if err != nil {
					return err
				}
				p.JSON = append(p.JSON, a)
				return nil
			}
			return appendStored(w, p, FormatOB2JWS)
		})
}

func appendStored(w *store.WalletItem, p *APIPage, jwsFormat string) error {
	if w.Format == jwsFormat {
		p.JWS = append(p.JWS, strings.TrimSpace(string(w.Credential)))
		return nil
	}
	if !json.Valid(w.Credential) {
		return fmt.Errorf("wallet item %s: stored credential is not JSON", w.ID)
	}
	p.JSON = append(p.JSON, json.RawMessage(w.Credential))
	return nil
}

func (s *WalletAPI) list(ctx context.Context, f store.APIWalletFilter, limit, offset int, add func(*store.WalletItem, *APIPage) error) (*APIPage, error) {
	if limit <= 0 || limit > MaxAPIPage || offset < 0 {
		return nil, badge.Errorf(badge.Invalid, "limit must be 1 to %d and offset 0 or more.", MaxAPIPage)
	}
	var items []*store.WalletItem
	p := &APIPage{JSON: []json.RawMessage{}, JWS: []string{}}
	err := s.store.View(ctx, func(tx *store.Tx) error {
		var err error
		if p.Total, err = tx.CountAPIWalletItems(ctx, f); err != nil {
			return err
		}
		items, err = tx.APIWalletItems(ctx, f, limit, offset)
		return err
	})
	if err != nil {
		return nil, badge.E(badge.Internal, "The credentials could not be listed.", err)
	}
	for _, w := range items {
		if err := add(w, p); err != nil {
			return nil, badge.E(badge.Internal, "The credentials could not be listed.", err)
		}
	}
	return p, nil
}

// maxAPICredential bounds a credential sent to the APIs.
const maxAPICredential = 2 << 20

// jwsPayload returns the decoded payload of a compact JWS, or an error.
func jwsPayload(compact string) ([]byte, error) {
	parts := strings.Split(compact, ".")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] == "" {
		return nil, errors.New("not a compact JWS (three base64url parts)")
	}
	for _, p := range parts {
		if strings.ContainsFunc(p, func(r rune) bool {
			return !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_')
		}) {
			return nil, errors.New("not a compact JWS (base64url characters only)")
		}
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, errors.New("the JWS payload is not base64url")
	}
	return b, nil
}

// apiSummary is what a wallet item records of a credential for lists.
type apiSummary struct {
	key, name, description, issuerName, issuerURL, imageURL string
	issued, expires                                         time.Time
}

// parseOB3 checks an OB 3.0 credential (JSON, or the JSON of a VC-JWT payload) and returns
// its summary and equality key (issuer id and credential id; the hash of the bytes when the
// credential has no id).
func parseOB3(doc, stored []byte) (*apiSummary, error) {
	c, err := ob3.ParseCredential(doc)
	if err != nil {
		return nil, badge.E(badge.Invalid, "The credential is not an OB 3.0 AchievementCredential: "+err.Error(), err)
	}
	if !slices.Contains(c.Type, "AchievementCredential") && !slices.Contains(c.Type, "OpenBadgeCredential") {
		return nil, badge.Errorf(badge.Invalid, "The credential's type must include AchievementCredential (or OpenBadgeCredential).")
	}
	if err := c.Validate(); err != nil {
		return nil, badge.E(badge.Invalid, "The credential is not valid OB 3.0: "+err.Error(), err)
	}
	sum := &apiSummary{name: c.Name, description: c.Description}
	if c.Issuer != nil {
		sum.issuerName, sum.issuerURL = c.Issuer.Name, c.Issuer.URL
	}
	if c.CredentialSubject != nil && c.CredentialSubject.Achievement != nil {
		a := c.CredentialSubject.Achievement
		if sum.name == "" {
			sum.name = a.Name
		}
		if sum.description == "" {
			sum.description = a.Description
		}
		if a.Image != nil {
			sum.imageURL = a.Image.ID
		}
	}
	if t, ok, _ := c.Start(); ok {
		sum.issued = t
	}
	for _, s := range []string{c.ValidUntil, c.ExpirationDate} {
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			sum.expires = t
		}
	}
	if c.ID != "" && c.Issuer != nil {
		sum.key = c.Issuer.ID + "|" + c.ID
	} else {
		h := sha256.Sum256(stored)
		sum.key = "sha256:" + hex.EncodeToString(h[:])
	}
	return sum, nil
}

// parseOB2 checks an OB 2.0 assertion and returns its summary and key (its id).
func parseOB2(doc, stored []byte) (*apiSummary, error) {
	a, err := ob2.ParseAssertion(doc)
	if err != nil {
		return nil, badge.E(badge.Invalid, "The assertion is not an OB 2.0 Assertion: "+err.Error(), err)
	}
	sum := &apiSummary{}
	if a.ID != "" {
		sum.key = "ob2|" + a.ID
	} else {
		h := sha256.Sum256(stored)
		sum.key = "sha256:" + hex.EncodeToString(h[:])
	}
	if t, err := ob2.ParseDateTime(a.IssuedOn); err == nil {
		sum.issued = t
	} else {
		return nil, badge.Errorf(badge.Invalid, "The assertion's issuedOn is not a date and time.")
	}
	if t, err := ob2.ParseDateTime(a.Expires); err == nil {
		sum.expires = t
	}
	return sum, nil
}

// OB3Upsert adds an OB 3.0 credential to the earner's wallet (upsertCredential): doc is the
// JSON credential, or a compact JWS (VC-JWT) when jws is true. created is false when a
// credential with the same equality key was replaced. Invalid for bad input.
func (s *WalletAPI) OB3Upsert(ctx context.Context, userID int64, doc []byte, jws bool) (created bool, err error) {
	if len(doc) > maxAPICredential {
		return false, badge.Errorf(badge.Invalid, "The credential is too large.")
	}
	format, stored, parsed := FormatOB3JSON, doc, doc
	if jws {
		compact := strings.TrimSpace(string(doc))
		payload, err := jwsPayload(compact)
		if err != nil {
			return false, badge.E(badge.Invalid, "The body is not a compact JWS: "+err.Error(), err)
		}
		var claims map[string]json.RawMessage
		if err := json.Unmarshal(payload, &claims); err != nil {
			return false, badge.E(badge.Invalid, "The JWS payload is not a JSON object.", err)
		}
		if vc, ok := claims["vc"]; ok {
			payload = vc
		}
		format, stored, parsed = FormatOB3JWT, []byte(compact), payload
	}
	sum, err := parseOB3(parsed, stored)
	if err != nil {
		return false, err
	}
	return s.upsert(ctx, userID, format, stored, sum)
}

// OB21Add adds an OB 2.0 assertion (JSON) or signed assertion (compact JWS) to the wallet
// (Badge Connect postAssertion); created is false when it replaced one with the same id.
func (s *WalletAPI) OB21Add(ctx context.Context, userID int64, assertion json.RawMessage, signed string) (created bool, err error) {
	if len(assertion)+len(signed) > maxAPICredential {
		return false, badge.Errorf(badge.Invalid, "The assertion is too large.")
	}
	format, stored, parsed := FormatOB2JSON, []byte(assertion), []byte(assertion)
	if signed != "" {
		payload, err := jwsPayload(strings.TrimSpace(signed))
		if err != nil {
			return false, badge.E(badge.Invalid, "signedAssertion is not a compact JWS: "+err.Error(), err)
		}
		format, stored, parsed = FormatOB2JWS, []byte(strings.TrimSpace(signed)), payload
	} else if len(bytes.TrimSpace(assertion)) == 0 {
		return false, badge.Errorf(badge.Invalid, "Send an assertion or a signedAssertion.")
	}
	sum, err := parseOB2(parsed, stored)
	if err != nil {
		return false, err
	}
	return s.upsert(ctx, userID, format, stored, sum)
}

func newWalletItemID() string {
	var b [16]byte
	rand.Read(b[:])
	return "wi_" + hex.EncodeToString(b[:])
}

func (s *WalletAPI) upsert(ctx context.Context, userID int64, format string, stored []byte, sum *apiSummary) (bool, error) {
	now := s.clock.Now().UTC()
	created := false
	err := s.store.Update(ctx, func(tx *store.Tx) error {
		w, err := tx.WalletItemByKey(ctx, userID, sum.key)
		if errors.Is(err, store.ErrNotFound) {
			created = true
			return tx.InsertWalletItem(ctx, &store.WalletItem{ID: newWalletItemID(), UserID: userID, Source: "api",
				State: "accepted", Format: format, Credential: stored, CredentialKey: sum.key, Name: sum.name,
				Description: sum.description, IssuerName: sum.issuerName, IssuerURL: sum.issuerURL, ImageURL: sum.imageURL,
				IssuedAt: sum.issued, ExpiresAt: sum.expires, VerifyStatus: "unchecked", VerifyReport: "{}",
				NextCheckAt: now, Visibility: "private", CreatedAt: now, UpdatedAt: now})
		}
		if err != nil {
			return err
		}
		if w.Source == "award" {
			return badge.Errorf(badge.Conflict, "This credential is an award of this site; it cannot be replaced.")
		}
		w.Format, w.Credential, w.Name, w.Description, w.IssuerName, w.IssuerURL, w.ImageURL = format, stored,
			sum.name, sum.description, sum.issuerName, sum.issuerURL, sum.imageURL
		w.IssuedAt, w.ExpiresAt, w.UpdatedAt = sum.issued, sum.expires, now
		return tx.ReplaceWalletItemCredential(ctx, w)
	})
	if err != nil {
		if errors.Is(err, badge.Conflict) {
			return false, err
		}
		return false, badge.E(badge.Internal, "The credential could not be stored.", err)
	}
	s.logger.InfoContext(ctx, "wallet credential added by api", "user_id", userID, "format", format, "created", created)
	return created, nil
}
