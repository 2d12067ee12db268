package service

import (
	"context"
	"errors"
	"fmt"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/keys"
	"github.com/rosettebadges/rosette/internal/store"
)

// Members lists the issuer's staff (ActView).
func (s *Issuers) Members(ctx context.Context, actor *badge.User, issuerID string) ([]badge.Member, error) {
	var out []badge.Member
	err := s.store.View(ctx, func(tx *store.Tx) error {
		if _, err := check(ctx, tx, actor, issuerID, badge.ActView); err != nil {
			return err
		}
		ms, err := tx.ListMembers(ctx, issuerID)
		for _, m := range ms {
			out = append(out, badge.Member{UserID: m.UserID, Email: m.Email, Name: m.Name, Role: badge.Role(m.Role), Since: m.CreatedAt})
		}
		return err
	})
	if err != nil {
		return nil, serviceErr(err)
	}
	return out, nil
}

// AddMember makes the user with this email staff of the issuer with role (ActManageStaff).
// NotFound if no account has the email; Conflict if already staff.
func (s *Issuers) AddMember(ctx context.Context, actor *badge.User, issuerID, email string, role badge.Role) (*badge.Member, error) {
	if _, err := badge.ParseRole(string(role)); err != nil {
		return nil, err
	}
	_, key, err := badge.NormalizeEmail(email)
	if err != nil {
		return nil, err
	}
	var m *badge.Member
	err = s.store.Update(ctx, func(tx *store.Tx) error {
		if _, err := check(ctx, tx, actor, issuerID, badge.ActManageStaff); err != nil {
			return err
		}
		u, err := tx.UserByEmailKey(ctx, key)
		if errors.Is(err, store.ErrNotFound) {
			return badge.Errorf(badge.NotFound, "Nobody has an account with the email address %s.", email)
		} else if err != nil {
			return err
		}
		now := s.now()
		if err := tx.InsertMember(ctx, issuerID, u.ID, string(role), now); errors.Is(err, store.ErrDuplicate) {
			return badge.Errorf(badge.Conflict, "%s is already staff of this issuer.", u.Email)
		} else if err != nil {
			return err
		}
		m = &badge.Member{UserID: u.ID, Email: u.Email, Name: u.Name, Role: role, Since: now}
		return RecordAudit(ctx, tx, now, actorName(ctx, actor), "issuer.member_add", "issuer:"+issuerID,
			map[string]any{"user": fmt.Sprintf("user:%d", u.ID), "role": role})
	})
	if err != nil {
		return nil, serviceErr(err)
	}
	return m, nil
}

// SetRole changes a staff member's role (ActManageStaff). Conflict if it would leave the
// issuer without an owner; NotFound if the user is not staff.
func (s *Issuers) SetRole(ctx context.Context, actor *badge.User, issuerID string, userID int64, role badge.Role) error {
	if _, err := badge.ParseRole(string(role)); err != nil {
		return err
	}
	return serviceErr(s.store.Update(ctx, func(tx *store.Tx) error {
		old, err := s.lockStaff(ctx, tx, actor, issuerID, userID)
		if err != nil {
			return err
		}
		if old == role {
			return nil
		}
		if old == badge.RoleOwner {
			if err := lastOwner(ctx, tx, issuerID); err != nil {
				return err
			}
		}
		if err := tx.SetMemberRole(ctx, issuerID, userID, string(role)); err != nil {
			return err
		}
		return RecordAudit(ctx, tx, s.now(), actorName(ctx, actor), "issuer.member_role", "issuer:"+issuerID,
			map[string]any{"user": fmt.Sprintf("user:%d", userID), "from": old, "to": role})
	}))
}

// RemoveMember removes a staff member (ActManageStaff). Conflict for the last owner; NotFound
// if the user is not staff.
func (s *Issuers) RemoveMember(ctx context.Context, actor *badge.User, issuerID string, userID int64) error {
	return serviceErr(s.store.Update(ctx, func(tx *store.Tx) error {
		old, err := s.lockStaff(ctx, tx, actor, issuerID, userID)
		if err != nil {
			return err
		}
		if old == badge.RoleOwner {
			if err := lastOwner(ctx, tx, issuerID); err != nil {
				return err
			}
		}
		if err := tx.DeleteMember(ctx, issuerID, userID); err != nil {
			return err
		}
		return RecordAudit(ctx, tx, s.now(), actorName(ctx, actor), "issuer.member_remove", "issuer:"+issuerID,
			map[string]any{"user": fmt.Sprintf("user:%d", userID), "role": old})
	}))
}

// lockStaff locks the issuer (so roles and owner counts hold until commit), checks
// ActManageStaff and
// returns the current role of userID.
func (s *Issuers) lockStaff(ctx context.Context, tx *store.Tx, actor *badge.User, issuerID string, userID int64) (badge.Role, error) {
	// Lock first, so that the actor's own role is read after any concurrent change commits.
	if err := tx.LockIssuer(ctx, issuerID); errors.Is(err, store.ErrNotFound) {
		return "", badge.Errorf(badge.NotFound, "There is no such issuer.")
	} else if err != nil {
		return "", err
	}
	if _, err := check(ctx, tx, actor, issuerID, badge.ActManageStaff); err != nil {
		return "", err
	}
	old, err := tx.MemberRole(ctx, issuerID, userID)
	if errors.Is(err, store.ErrNotFound) {
		return "", badge.Errorf(badge.NotFound, "That person is not staff of this issuer.")
	}
	return badge.Role(old), err
}

func lastOwner(ctx context.Context, tx *store.Tx, issuerID string) error {
	n, err := tx.CountOwners(ctx, issuerID)
	if err != nil {
		return err
	}
	if n <= 1 {
		return badge.Errorf(badge.Conflict, "An issuer must keep at least one owner: make someone else an owner first.")
	}
	return nil
}

// RotateKeys gives the issuer a new active key of each algorithm (ActManageKeys); the old keys
// are retired but stay published, so badges signed with them still verify.
func (s *Issuers) RotateKeys(ctx context.Context, actor *badge.User, issuerID string) ([]*keys.Record, error) {
	if err := s.Check(ctx, actor, issuerID, badge.ActManageKeys); err != nil {
		return nil, err
	}
	now := s.now()
	ks, err := s.keys.Generate(issuerID, now)
	if err != nil {
		return nil, serviceErr(err)
	}
	err = s.store.Update(ctx, func(tx *store.Tx) error {
		if _, err := check(ctx, tx, actor, issuerID, badge.ActManageKeys); err != nil {
			return err
		}
		if err := s.keys.Install(ctx, tx, ks); err != nil {
			return err
		}
		kids := make([]string, len(ks))
		for i, k := range ks {
			kids[i] = k.Alg + ":" + k.ID
		}
		return RecordAudit(ctx, tx, now, actorName(ctx, actor), "issuer.keys_rotate", "issuer:"+issuerID, map[string]any{"keys": kids})
	})
	if err != nil {
		return nil, serviceErr(err)
	}
	return keys.Records(ks)
}

// Keys lists the issuer's keys, active and retired (ActView).
func (s *Issuers) Keys(ctx context.Context, actor *badge.User, issuerID string) ([]*keys.Record, error) {
	if err := s.Check(ctx, actor, issuerID, badge.ActView); err != nil {
		return nil, err
	}
	rs, err := s.keys.PublicKeys(ctx, issuerID)
	return rs, serviceErr(err)
}

// PublicIssuer is what anyone may see of an issuer: its profile and every public key.
type PublicIssuer struct {
	Issuer *badge.Issuer
	Keys   []*keys.Record
}

// Public returns the public side of an issuer (no actor: these documents are public).
// NotFound if there is no such issuer.
func (s *Issuers) Public(ctx context.Context, issuerID string) (*PublicIssuer, error) {
	var out PublicIssuer
	err := s.store.View(ctx, func(tx *store.Tx) error {
		iss, err := tx.IssuerByID(ctx, issuerID)
		if errors.Is(err, store.ErrNotFound) {
			return badge.Errorf(badge.NotFound, "There is no such issuer.")
		} else if err != nil {
			return err
		}
		out.Issuer = toIssuer(iss)
		ks, err := tx.IssuerKeys(ctx, issuerID)
		if err != nil {
			return err
		}
		out.Keys, err = keys.Records(ks)
		return err
	})
	if err != nil {
		return nil, serviceErr(err)
	}
	return &out, nil
}
