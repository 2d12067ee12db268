package service

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/keys"
	"github.com/rosettebadges/rosette/internal/store"
)

// Issuers is the issuers use case: issuer profiles, their staff and roles, and their signing
// keys (through keys.Manager). Every method takes the acting user and checks
// badge.Can(site admin, role on the issuer, action). Safe for concurrent use.
type Issuers struct {
	store  *store.Store
	keys   *keys.Manager
	clock  badge.Clock
	logger *slog.Logger
}

// NewIssuers returns the issuers service.
func NewIssuers(st *store.Store, km *keys.Manager, clock badge.Clock, logger *slog.Logger) *Issuers {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Issuers{store: st, keys: km, clock: clock, logger: logger}
}

// System is the actor of trusted local tools (the command line): a site admin that is no
// user (ID 0). Audit events name ActorFrom(ctx) ("cli" when set by the command line).
var System = &badge.User{ID: 0, Name: "system", IsAdmin: true}

func (s *Issuers) now() time.Time { return s.clock.Now().UTC() }

// newIssuerID returns 16 random lower-case base32 characters: URL- and did:web-safe.
func newIssuerID() string {
	var b [10]byte
	rand.Read(b[:])
	return strings.ToLower(base32.StdEncoding.EncodeToString(b[:]))
}

func actorName(ctx context.Context, actor *badge.User) string {
	if actor.ID == 0 {
		return ActorFrom(ctx)
	}
	if actor.Token != nil {
		// The API token (whose user is in api_tokens): audit events and created_by say which
		// integration acted.
		return fmt.Sprintf("token:%d", actor.Token.TokenID)
	}
	return fmt.Sprintf("user:%d", actor.ID)
}

// access returns whether the actor is a site admin (re-read from the database, so a demoted or
// deleted user loses access at once) and the actor's role on the issuer ("" if not staff).
// NotFound if the issuer does not exist.
func access(ctx context.Context, tx *store.Tx, actor *badge.User, issuerID string) (admin bool, role badge.Role, err error) {
	if actor == nil {
		return false, "", badge.Errorf(badge.Unauthorized, "Please sign in.")
	}
	if actor.ID == 0 && actor == System {
		admin = true
	} else {
		u, err := tx.UserByID(ctx, actor.ID)
		if errors.Is(err, store.ErrNotFound) {
			return false, "", badge.Errorf(badge.Unauthorized, "Please sign in.")
		}
		if err != nil {
			return false, "", err
		}
		admin = u.IsAdmin
	}
	if issuerID == "" {
		return admin, "", nil
	}
	if _, err := tx.IssuerByID(ctx, issuerID); errors.Is(err, store.ErrNotFound) {
		return false, "", badge.Errorf(badge.NotFound, "There is no such issuer.")
	} else if err != nil {
		return false, "", err
	}
	r, err := tx.MemberRole(ctx, issuerID, actor.ID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return false, "", err
	}
	return admin, badge.Role(r), nil
}

// check returns Forbidden unless the actor may do action on the issuer.
func check(ctx context.Context, tx *store.Tx, actor *badge.User, issuerID string, action badge.Action) (badge.Role, error) {
	admin, role, err := access(ctx, tx, actor, issuerID)
	if err != nil {
		return "", err
	}
	if !badge.Can(admin, role, action) {
		return "", badge.Errorf(badge.Forbidden, "You are not allowed to do this for this issuer.")
	}
	if err := tokenAllows(actor, issuerID, action); err != nil {
		return "", err
	}
	return role, nil
}

// tokenAllows returns Forbidden when the actor acts through an API token whose issuer
// restriction or scopes do not allow action on the issuer (nil for other actors).
func tokenAllows(actor *badge.User, issuerID string, action badge.Action) error {
	g := actor.Token
	if g == nil || g.Allows(issuerID, action) {
		return nil
	}
	if g.IssuerID != "" && g.IssuerID != issuerID {
		return badge.Errorf(badge.Forbidden, "This API token is limited to another issuer.")
	}
	return badge.Errorf(badge.Forbidden, "This API token has no scope allowing this (%s).", action)
}

// Check returns nil if the actor may do action on the issuer; Forbidden, NotFound (no such
// issuer) or Unauthorized otherwise. For routes that guard other use cases.
func (s *Issuers) Check(ctx context.Context, actor *badge.User, issuerID string, action badge.Action) error {
	return serviceErr(s.store.View(ctx, func(tx *store.Tx) error {
		_, err := check(ctx, tx, actor, issuerID, action)
		return err
	}))
}

func toIssuer(i *store.Issuer) *badge.Issuer {
	return &badge.Issuer{ID: i.ID, Name: i.Name, Description: i.Description, Website: i.Website, Email: i.Email,
		LogoURL: i.LogoURL, LinkedInOrg: i.LinkedInOrg, StatusMethod: badge.StatusMethod(i.StatusMethod),
		CertificateLayout: badge.CertificateLayout(i.CertificateLayout), CreatedAt: i.CreatedAt, UpdatedAt: i.UpdatedAt}
}

// Create makes an issuer with its signing keys (one per keys.IssuerAlgorithms) and its first
// owner (ownerID, or the actor when ownerID is 0), and records the audit event, all in one
// transaction. Only site admins create issuers. Invalid (with a *badge.FieldError) for bad
// fields; NotFound if the owner does not exist.
func (s *Issuers) Create(ctx context.Context, actor *badge.User, f badge.IssuerFields, ownerID int64) (*badge.Issuer, error) {
	f, err := f.Normalize()
	if err != nil {
		return nil, err
	}
	if ownerID == 0 {
		ownerID = actor.ID
	}
	if ownerID == 0 {
		return nil, badge.Errorf(badge.Invalid, "An issuer needs an owner.")
	}
	now := s.now()
	iss := &store.Issuer{ID: newIssuerID(), Name: f.Name, Description: f.Description, Website: f.Website, Email: f.Email,
		LogoURL: f.LogoURL, LinkedInOrg: f.LinkedInOrg, StatusMethod: string(f.StatusMethod),
		CertificateLayout: string(f.CertificateLayout), CreatedAt: now, UpdatedAt: now}
	if actor != nil && actor.Token != nil && !actor.Token.AllowsCreateIssuer() {
		return nil, badge.Errorf(badge.Forbidden, "Creating issuers needs an API token with scope issuers:write that is not limited to one issuer.")
	}
	if iss.StatusMethod == "" {
		iss.StatusMethod = string(badge.StatusBitstring)
	}
	if iss.CertificateLayout == "" {
		iss.CertificateLayout = string(badge.CertificateClassic)
	}
	// Check first, so that nobody makes RSA keys without the right to.
	if err := s.store.View(ctx, func(tx *store.Tx) error {
		admin, _, err := access(ctx, tx, actor, "")
		if err == nil && !admin {
			err = badge.Errorf(badge.Forbidden, "Only site administrators can create issuers.")
		}
		return err
	}); err != nil {
		return nil, serviceErr(err)
	}
	ks, err := s.keys.Generate(iss.ID, now)
	if err != nil {
		return nil, serviceErr(err)
	}
	err = s.store.Update(ctx, func(tx *store.Tx) error {
		admin, _, err := access(ctx, tx, actor, "")
		if err != nil {
			return err
		}
		if !admin {
			return badge.Errorf(badge.Forbidden, "Only site administrators can create issuers.")
		}
		if _, err := tx.UserByID(ctx, ownerID); errors.Is(err, store.ErrNotFound) {
			return badge.Errorf(badge.NotFound, "The owner has no account.")
		} else if err != nil {
			return err
		}
		if err := tx.InsertIssuer(ctx, iss); err != nil {
			return err
		}
		if err := s.keys.Install(ctx, tx, ks); err != nil {
			return err
		}
		if err := tx.InsertMember(ctx, iss.ID, ownerID, string(badge.RoleOwner), now); err != nil {
			return err
		}
		kids := make([]string, len(ks))
		for i, k := range ks {
			kids[i] = k.Alg + ":" + k.ID
		}
		return RecordAudit(ctx, tx, now, actorName(ctx, actor), "issuer.create", "issuer:"+iss.ID,
			map[string]any{"name": iss.Name, "owner": fmt.Sprintf("user:%d", ownerID), "keys": kids})
	})
	if err != nil {
		return nil, serviceErr(err)
	}
	s.logger.InfoContext(ctx, "issuer created", "issuer_id", iss.ID)
	return toIssuer(iss), nil
}

// Get returns the issuer and the actor's role on it (ActView).
func (s *Issuers) Get(ctx context.Context, actor *badge.User, id string) (*badge.Issuer, badge.Role, error) {
	var iss *store.Issuer
	var role badge.Role
	err := s.store.View(ctx, func(tx *store.Tx) error {
		var err error
		if role, err = check(ctx, tx, actor, id, badge.ActView); err != nil {
			return err
		}
		iss, err = tx.IssuerByID(ctx, id)
		return err
	})
	if err != nil {
		return nil, "", serviceErr(err)
	}
	return toIssuer(iss), role, nil
}

// Update replaces the editable fields of the issuer's profile (ActEditIssuer).
func (s *Issuers) Update(ctx context.Context, actor *badge.User, id string, f badge.IssuerFields) (*badge.Issuer, error) {
	f, err := f.Normalize()
	if err != nil {
		return nil, err
	}
	var iss *store.Issuer
	err = s.store.Update(ctx, func(tx *store.Tx) error {
		if _, err := check(ctx, tx, actor, id, badge.ActEditIssuer); err != nil {
			return err
		}
		var err error
		if iss, err = tx.IssuerByID(ctx, id); err != nil {
			return err
		}
		iss.Name, iss.Description, iss.Website, iss.Email = f.Name, f.Description, f.Website, f.Email
		iss.LogoURL, iss.LinkedInOrg, iss.UpdatedAt = f.LogoURL, f.LinkedInOrg, s.now()
		if f.StatusMethod != "" { // "" keeps it
			iss.StatusMethod = string(f.StatusMethod)
		}
		if f.CertificateLayout != "" { // "" keeps it
			iss.CertificateLayout = string(f.CertificateLayout)
		}
		if err := tx.UpdateIssuer(ctx, iss); err != nil {
			return err
		}
		return RecordAudit(ctx, tx, iss.UpdatedAt, actorName(ctx, actor), "issuer.update", "issuer:"+id, map[string]any{"name": iss.Name})
	})
	if err != nil {
		return nil, serviceErr(err)
	}
	return toIssuer(iss), nil
}

// ListForUser returns the issuers the actor works on, with the actor's role; a site admin
// sees every issuer (role "" where not staff).
func (s *Issuers) ListForUser(ctx context.Context, actor *badge.User) ([]badge.Membership, error) {
	var out []badge.Membership
	err := s.store.View(ctx, func(tx *store.Tx) error {
		admin, _, err := access(ctx, tx, actor, "")
		if err != nil {
			return err
		}
		if g := actor.Token; g != nil && !g.AllowsListing() {
			return badge.Errorf(badge.Forbidden, "This API token has no scope.")
		}
		mine, err := tx.ListIssuersOfUser(ctx, actor.ID)
		if err != nil {
			return err
		}
		if g := actor.Token; g != nil && g.IssuerID != "" {
			// A token limited to one issuer sees that one only (if its user still may).
			mine = slices.DeleteFunc(mine, func(m store.IssuerRole) bool { return m.Issuer.ID != g.IssuerID })
			if len(mine) == 0 && admin {
				iss, err := tx.IssuerByID(ctx, g.IssuerID)
				if err == nil {
					out = append(out, badge.Membership{Issuer: toIssuer(iss)})
				} else if !errors.Is(err, store.ErrNotFound) {
					return err
				}
			}
			admin = false
		}
		if !admin {
			for _, m := range mine {
				out = append(out, badge.Membership{Issuer: toIssuer(m.Issuer), Role: badge.Role(m.Role)})
			}
			return nil
		}
		roles := map[string]badge.Role{}
		for _, m := range mine {
			roles[m.Issuer.ID] = badge.Role(m.Role)
		}
		all, err := tx.ListIssuers(ctx)
		for _, i := range all {
			out = append(out, badge.Membership{Issuer: toIssuer(i), Role: roles[i.ID]})
		}
		return err
	})
	if err != nil {
		return nil, serviceErr(err)
	}
	return out, nil
}

// serviceErr is internal(err) that keeps nil as nil.
func serviceErr(err error) error {
	if err == nil {
		return nil
	}
	return internal(err)
}

// CreateForEmail is Create with the first owner named by email address (NotFound if nobody
// has an account with it).
func (s *Issuers) CreateForEmail(ctx context.Context, actor *badge.User, f badge.IssuerFields, ownerEmail string) (*badge.Issuer, error) {
	_, key, err := badge.NormalizeEmail(ownerEmail)
	if err != nil {
		return nil, err
	}
	var id int64
	err = s.store.View(ctx, func(tx *store.Tx) error {
		u, err := tx.UserByEmailKey(ctx, key)
		if errors.Is(err, store.ErrNotFound) {
			return badge.Errorf(badge.NotFound, "Nobody has an account with the email address %s.", ownerEmail)
		}
		if err == nil {
			id = u.ID
		}
		return err
	})
	if err != nil {
		return nil, serviceErr(err)
	}
	return s.Create(ctx, actor, f, id)
}
