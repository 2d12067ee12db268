package service

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/store"
	"github.com/rosettebadges/rosette/openbadges/bake"
	"github.com/rosettebadges/rosette/openbadges/key"
	"github.com/rosettebadges/rosette/openbadges/proof"
	"github.com/rosettebadges/rosette/openbadges/status"
)

// PublicAward is what anyone may see of an award: the award, its issuer, the badge class
// version it was issued under, and its signed credential (nil while it is being signed).
type PublicAward struct {
	Award          *badge.Award
	Issuer         *badge.Issuer
	BadgeClass     *badge.BadgeClassVersion
	ImageMediaType string // of BadgeClass.ImageID
	Credential     []byte
	salt           string
}

// Public returns the award's public data; NotFound if there is no such award. It is one read
// (store.ReadPublicAward): the award page and the award documents call it on every request.
func (s *Awards) Public(ctx context.Context, id string) (*PublicAward, error) {
	row, err := s.store.ReadPublicAward(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, badge.Errorf(badge.NotFound, "There is no such badge.")
	}
	if err != nil {
		return nil, serviceErr(err)
	}
	award, err := toAward(row.Award)
	if err != nil {
		return nil, serviceErr(err)
	}
	version, err := toVersion(row.Version)
	if err != nil {
		return nil, serviceErr(err)
	}
	return &PublicAward{Award: award, Issuer: toIssuer(row.Issuer), BadgeClass: version, ImageMediaType: row.ImageMediaType,
		Credential: row.Award.Credential, salt: row.Award.Salt}, nil
}

// Assertion is the award's OB 2.0 hosted assertion (saying revoked when it is).
func (s *Awards) Assertion(p *PublicAward) ([]byte, error) {
	b, err := OB2Assertion(s.urls, p.Award, p.salt)
	if err != nil {
		return nil, badge.E(badge.Internal, "The assertion could not be built.", err)
	}
	return b, nil
}

// CredentialJWT returns the VC-JWT form of the award's credential (RS256 with the issuer's
// RSA key, whose verification method is in the issuer's DID document), made the first time it
// is asked for and stored, so it is signed once.
func (s *Awards) CredentialJWT(ctx context.Context, id string) (string, error) {
	var a *store.Award
	err := s.store.View(ctx, func(tx *store.Tx) error {
		var err error
		a, err = tx.AwardByID(ctx, id)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return "", badge.Errorf(badge.NotFound, "There is no such badge.")
	}
	if err != nil {
		return "", serviceErr(err)
	}
	if a.CredentialJWT != "" {
		return a.CredentialJWT, nil
	}
	if a.SignedAt.IsZero() {
		return "", errNotSigned
	}
	k, err := s.keys.Signer(ctx, a.IssuerID, key.RS256)
	if err != nil {
		return "", serviceErr(err)
	}
	vm, err := s.urls.VerificationMethod(a.IssuerID, k.KeyID)
	if err != nil {
		return "", serviceErr(err)
	}
	jwt, err := proof.SignJWT(a.UnsignedCredential, k, proof.JWTOptions{KeyID: vm})
	if err != nil {
		return "", badge.E(badge.Internal, "The credential could not be signed.", err)
	}
	err = s.store.Update(ctx, func(tx *store.Tx) error {
		stored, err := tx.SetAwardJWT(ctx, id, jwt)
		if err != nil || stored {
			return err
		}
		// Another request stored one first: that one stands.
		a, err := tx.AwardByID(ctx, id)
		if err == nil {
			jwt = a.CredentialJWT
		}
		return err
	})
	if err != nil {
		return "", serviceErr(err)
	}
	return jwt, nil
}

// BakedImage returns the badge image of the award baked with its OB 3.0 credential (kind
// bake.OB3) or its OB 2.0 assertion (bake.OB2). Images are baked in their own format: ext
// must be "png" for a PNG badge image and "svg" for an SVG one (NotFound otherwise).
func (s *Awards) BakedImage(ctx context.Context, p *PublicAward, kind bake.Kind, ext string) ([]byte, string, error) {
	want := map[string]string{"png": "image/png", "svg": "image/svg+xml"}[ext]
	if want == "" || want != p.ImageMediaType {
		return nil, "", badge.Errorf(badge.NotFound, "This badge has no %s image.", ext)
	}
	var payload []byte
	switch kind {
	case bake.OB3:
		if p.Credential == nil {
			return nil, "", errNotSigned
		}
		payload = p.Credential
	case bake.OB2:
		var err error
		if payload, err = s.Assertion(p); err != nil {
			return nil, "", err
		}
	default:
		return nil, "", badge.Errorf(badge.NotFound, "There is no such image.")
	}
	var img *store.BadgeImage
	err := s.store.View(ctx, func(tx *store.Tx) error {
		var err error
		img, err = tx.BadgeImageByID(ctx, p.BadgeClass.ImageID)
		return err
	})
	if err != nil {
		return nil, "", serviceErr(err)
	}
	out, err := bake.Bake(img.Bytes, kind, payload)
	if err != nil {
		return nil, "", badge.E(badge.Internal, "The image could not be baked.", err)
	}
	return out, want, nil
}

// revocations returns the issuer's revoked awards; NotFound if there is no such issuer.
func (s *Awards) revocations(ctx context.Context, issuerID string) ([]store.RevokedAward, *store.Issuer, error) {
	var revoked []store.RevokedAward
	var iss *store.Issuer
	err := s.store.View(ctx, func(tx *store.Tx) error {
		var err error
		if iss, err = tx.IssuerByID(ctx, issuerID); errors.Is(err, store.ErrNotFound) {
			return badge.Errorf(badge.NotFound, "There is no such issuer.")
		} else if err != nil {
			return err
		}
		revoked, err = tx.RevokedAwards(ctx, issuerID)
		return err
	})
	if err != nil {
		return nil, nil, serviceErr(err)
	}
	return revoked, iss, nil
}

// OB2RevocationList is the issuer's OB 2.0 RevocationList: the assertion ids of every revoked
// award, with reasons.
func (s *Awards) OB2RevocationList(ctx context.Context, issuerID string) ([]byte, error) {
	revoked, _, err := s.revocations(ctx, issuerID)
	if err != nil {
		return nil, err
	}
	entries := make([]status.Revoked, len(revoked))
	for i, r := range revoked {
		entries[i] = status.Revoked{ID: s.urls.AwardAssertion(r.ID), Reason: r.Reason}
	}
	return status.NewOB2RevocationList(s.urls.IssuerRevocationList(issuerID), s.urls.Profile(issuerID), entries)
}

// CredentialRevocationList is the issuer's 1EdTech Revocation List: the credential ids of
// every revoked award, with reasons (whatever status method each credential names, so a
// verifier that checks only this list still learns of every revocation).
func (s *Awards) CredentialRevocationList(ctx context.Context, issuerID string) ([]byte, error) {
	revoked, _, err := s.revocations(ctx, issuerID)
	if err != nil {
		return nil, err
	}
	d, err := s.urls.DID(issuerID)
	if err != nil {
		return nil, serviceErr(err)
	}
	entries := make([]status.Revoked, len(revoked))
	for i, r := range revoked {
		entries[i] = status.Revoked{ID: s.urls.Award(r.ID), Reason: r.Reason}
	}
	return status.NewRevocationList(s.urls.CredentialRevocationList(issuerID), d, entries)
}

// StatusList is the issuer's n-th Bitstring Status List credential (revocation purpose,
// status.MinEntries entries), signed with eddsa-rdfc-2022 by the issuer. Its validFrom and
// proof time are those of the latest revocation (or the issuer's creation), so the same list
// is the same bytes on every node until the next revocation.
func (s *Awards) StatusList(ctx context.Context, issuerID string, n int) ([]byte, error) {
	if n < 0 || n > 1<<20 {
		return nil, badge.Errorf(badge.NotFound, "There is no such status list.")
	}
	revoked, iss, err := s.revocations(ctx, issuerID)
	if err != nil {
		return nil, err
	}
	list, err := status.NewBitstring(status.MinEntries, 1)
	if err != nil {
		return nil, serviceErr(err)
	}
	changed := iss.CreatedAt
	lo, hi := int64(n)*status.MinEntries, int64(n+1)*status.MinEntries
	for _, r := range revoked {
		if r.StatusMethod != StatusBitstring || r.StatusIndex < lo || r.StatusIndex >= hi {
			continue
		}
		if err := list.Set(int(r.StatusIndex-lo), 1); err != nil {
			return nil, serviceErr(err)
		}
		if r.RevokedAt.After(changed) {
			changed = r.RevokedAt
		}
	}
	changed = changed.UTC().Truncate(time.Second)
	// The list is the same bytes until the next revocation: sign it once per state.
	k, err := s.keys.Signer(ctx, issuerID, key.Ed25519)
	if err != nil {
		return nil, serviceErr(err)
	}
	cacheKey := fmt.Sprintf("%s\x00%d\x00%d\x00%d\x00%s", issuerID, n, len(revoked), changed.Unix(), k.KeyID)
	if b, ok := s.statusLists.get(cacheKey); ok {
		return b, nil
	}
	d, err := s.urls.DID(issuerID)
	if err != nil {
		return nil, serviceErr(err)
	}
	doc, err := status.NewListCredential(s.urls.StatusList(issuerID, n), d, "revocation", list, changed, time.Time{})
	if err != nil {
		return nil, serviceErr(err)
	}
	vm, err := s.urls.VerificationMethod(issuerID, k.KeyID)
	if err != nil {
		return nil, serviceErr(err)
	}
	priv, ok := k.Signer.(ed25519.PrivateKey)
	if !ok {
		return nil, serviceErr(fmt.Errorf("issuer %s: the Ed25519 key is a %T", issuerID, k.Signer))
	}
	out, err := proof.SignDataIntegrity(ctx, s.canon, doc, priv, proof.ProofOptions{VerificationMethod: vm, Created: changed})
	if err != nil {
		return nil, badge.E(badge.Internal, "The status list could not be signed.", err)
	}
	s.statusLists.put(cacheKey, out)
	return out, nil
}

// docCache keeps a bounded number of documents that are the same bytes for the same key
// (signed status lists by issuer, list and revocation state). Safe for concurrent use; when
// full it starts over.
type docCache struct {
	mu   sync.Mutex
	docs map[string][]byte
}

const docCacheSize = 256

func (c *docCache) get(k string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	b, ok := c.docs[k]
	return b, ok
}

func (c *docCache) put(k string, b []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.docs == nil || len(c.docs) >= docCacheSize {
		c.docs = map[string][]byte{}
	}
	c.docs[k] = b
}
