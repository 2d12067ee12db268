package service

import (
	"bytes"
	"context"
	"encoding/base64"
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

// APIWallet adds badges to a wallet (*Wallet): verified, with the wallet's equality key
// and summary, so that a badge sent by an application and the same badge imported by hand
// are one item.
type APIWallet interface {
	Add(ctx context.Context, user *badge.User, in WalletInput) (*WalletItem, bool, error)
}

// WalletAPI is the earner's wallet as the OB 3.0 API and Badge Connect 2.1 see it: the
// credentials listed (OB 3.0 ones to 3.0, OB 2.0 ones to 2.1, awards of this installation to
// both), the credentials an application adds (checked for the API's shape here, then added
// by the wallet with source "api": one per equality key, a second one with the same key
// replaces the first), and the earner's API Profile. Safe for concurrent use.
type WalletAPI struct {
	store     *store.Store
	awards    APIAwards
	wallet    APIWallet
	clock     badge.Clock
	logger    *slog.Logger
	profileNS string // the installation's base URL: profile ids are derived from it
}

// NewWalletAPI returns the API view of the wallets. base is the installation's base URL.
func NewWalletAPI(st *store.Store, awards APIAwards, wallet APIWallet, clock badge.Clock, logger *slog.Logger, base string) *WalletAPI {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &WalletAPI{store: st, awards: awards, wallet: wallet, clock: clock, logger: logger, profileNS: base}
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

// checkOB3 checks that doc (JSON, or the JSON of a VC-JWT payload) is an OB 3.0
// AchievementCredential, as upsertCredential takes; Invalid otherwise.
func checkOB3(doc []byte) error {
	c, err := ob3.ParseCredential(doc)
	if err != nil {
		return badge.E(badge.Invalid, "The credential is not an OB 3.0 AchievementCredential: "+err.Error(), err)
	}
	if !slices.Contains(c.Type, "AchievementCredential") && !slices.Contains(c.Type, "OpenBadgeCredential") {
		return badge.Errorf(badge.Invalid, "The credential's type must include AchievementCredential (or OpenBadgeCredential).")
	}
	if err := c.Validate(); err != nil {
		return badge.E(badge.Invalid, "The credential is not valid OB 3.0: "+err.Error(), err)
	}
	return nil
}

// checkOB2 checks that doc is an OB 2.0 Assertion with an id and an issue date, as Badge
// Connect's postAssertion takes; Invalid otherwise.
func checkOB2(doc []byte) error {
	a, err := ob2.ParseAssertion(doc)
	if err != nil {
		return badge.E(badge.Invalid, "The assertion is not an OB 2.0 Assertion: "+err.Error(), err)
	}
	if a.ID == "" {
		return badge.Errorf(badge.Invalid, "The assertion has no id.")
	}
	if _, err := ob2.ParseDateTime(a.IssuedOn); err != nil {
		return badge.Errorf(badge.Invalid, "The assertion's issuedOn is not a date and time.")
	}
	return nil
}

// OB3Upsert adds an OB 3.0 credential to the earner's wallet (upsertCredential): doc is the
// JSON credential, or a compact JWS (VC-JWT) when jws is true. created is false when a
// credential with the same equality key was replaced. Invalid for bad input.
func (s *WalletAPI) OB3Upsert(ctx context.Context, userID int64, doc []byte, jws bool) (created bool, err error) {
	if len(doc) > maxAPICredential {
		return false, badge.Errorf(badge.Invalid, "The credential is too large.")
	}
	stored, parsed := doc, doc
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
		stored, parsed = []byte(compact), payload
	}
	if err := checkOB3(parsed); err != nil {
		return false, err
	}
	return s.upsert(ctx, userID, "ob3", stored)
}

// OB21Add adds an OB 2.0 assertion (JSON) or signed assertion (compact JWS) to the wallet
// (Badge Connect postAssertion); created is false when it replaced one with the same id.
func (s *WalletAPI) OB21Add(ctx context.Context, userID int64, assertion json.RawMessage, signed string) (created bool, err error) {
	if len(assertion)+len(signed) > maxAPICredential {
		return false, badge.Errorf(badge.Invalid, "The assertion is too large.")
	}
	stored, parsed := []byte(assertion), []byte(assertion)
	if signed != "" {
		payload, err := jwsPayload(strings.TrimSpace(signed))
		if err != nil {
			return false, badge.E(badge.Invalid, "signedAssertion is not a compact JWS: "+err.Error(), err)
		}
		stored, parsed = []byte(strings.TrimSpace(signed)), payload
	} else if len(bytes.TrimSpace(assertion)) == 0 {
		return false, badge.Errorf(badge.Invalid, "Send an assertion or a signedAssertion.")
	}
	if err := checkOB2(parsed); err != nil {
		return false, err
	}
	return s.upsert(ctx, userID, "ob2", stored)
}

// upsert adds the checked credential to the wallet (Wallet.Add, source "api"). want is
// the family of formats the API takes ("ob3" or "ob2"): the wallet must have read the bytes
// as that.
func (s *WalletAPI) upsert(ctx context.Context, userID int64, want string, stored []byte) (bool, error) {
	var user *badge.User
	err := s.store.View(ctx, func(tx *store.Tx) error {
		u, err := tx.UserByID(ctx, userID)
		if err != nil {
			return err
		}
		user = toUser(u)
		return nil
	})
	if err != nil {
		return false, badge.E(badge.Internal, "The credential could not be stored.", err)
	}
	item, created, err := s.wallet.Add(ctx, user, WalletInput{Data: stored, Source: WalletSourceAPI})
	if err != nil {
		return false, err
	}
	if !strings.HasPrefix(item.Format, want) {
		// Not reachable with the shape checks above; kept so an API never reports a
		// credential of the other version as stored.
		return false, badge.Errorf(badge.Invalid, "The wallet read this as %s, not as the credential this API takes.", item.Format)
	}
	s.logger.InfoContext(ctx, "wallet credential added by api", "user_id", userID, "item", item.ID, "format", item.Format, "created", created)
	return created, nil
}
