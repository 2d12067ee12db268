package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// The reads of the public hot paths (an award's credential and its page, which a badge host
// serves thousands of times a second) are single prepared SELECTs on the read pool, outside a
// transaction: one statement sees one consistent snapshot on both databases, so a request
// costs one round trip and no SQL parsing, instead of BEGIN, several queries and COMMIT.

// prepared returns the statement for query, prepared once on the read pool (database/sql
// prepares it again on each connection that runs it, once).
func (s *Store) prepared(ctx context.Context, query string) (*sql.Stmt, error) {
	s.stmtMu.Lock()
	defer s.stmtMu.Unlock()
	if st, ok := s.stmts[query]; ok {
		return st, nil
	}
	st, err := s.read.PrepareContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("store: prepare: %w", err)
	}
	if s.stmts == nil {
		s.stmts = map[string]*sql.Stmt{}
	}
	s.stmts[query] = st
	return st, nil
}

// queryRow runs a prepared single-row read.
func (s *Store) queryRow(ctx context.Context, query string, args ...any) (*sql.Row, error) {
	st, err := s.prepared(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryRowContext(ctx, args...), nil
}

const awardCredentialQuery = `SELECT credential FROM awards WHERE id = $1`

// ReadAwardCredential is Tx.AwardCredential as one prepared read outside a transaction.
func (s *Store) ReadAwardCredential(ctx context.Context, id string) ([]byte, error) {
	row, err := s.queryRow(ctx, awardCredentialQuery, id)
	if err != nil {
		return nil, err
	}
	var c []byte
	if err := row.Scan(&c); err != nil {
		return nil, notFound(err)
	}
	return c, nil
}

// PublicAward is an award with what its public page needs: its issuer, the badge class version
// it was issued under and the media type of that version's image ("" for none). The award's
// UnsignedCredential and CredentialJWT are not read.
type PublicAward struct {
	Award          *Award
	Issuer         *Issuer
	Version        *BadgeClassVersion
	ImageMediaType string
}

const publicAwardQuery = `SELECT ` + issuerCols + `, a.id, a.issuer_id, a.badge_class_id, a.badge_class_version,
	a.recipient_type, a.recipient_identity, a.recipient_name, a.salt, a.narrative, a.evidence, a.issued_at,
	a.expires_at, a.status_method, a.status_index, a.idempotency_key, NULL, a.credential, NULL, a.signed_at,
	a.revoked_at, a.revocation_reason, a.claim_token_hash, a.notify_pending, a.created_at, a.created_by,
	a.recipient_name_hidden,
	v.badge_class_id, v.version, v.fields, v.image_id, v.created_at, v.created_by, COALESCE(img.media_type, '')
	FROM awards a
	JOIN issuers i ON i.id = a.issuer_id
	JOIN badge_class_versions v ON v.badge_class_id = a.badge_class_id AND v.version = a.badge_class_version
	LEFT JOIN badge_images img ON img.id = v.image_id
	WHERE a.id = $1`

// ReadPublicAward returns the award with its issuer, version and image type in one prepared
// read outside a transaction, or ErrNotFound.
func (s *Store) ReadPublicAward(ctx context.Context, id string) (*PublicAward, error) {
	row, err := s.queryRow(ctx, publicAwardQuery, id)
	if err != nil {
		return nil, err
	}
	var as awardScan
	var v BadgeClassVersion
	var image sql.NullString
	var mediaType string
	extra := append(as.dest(), &v.BadgeClassID, &v.Version, &v.Fields, &image, tc(&v.CreatedAt), &v.CreatedBy, &mediaType)
	iss, err := scanIssuer(row, extra...)
	if err != nil {
		return nil, err
	}
	v.ImageID = image.String
	return &PublicAward{Award: as.award(), Issuer: iss, Version: &v, ImageMediaType: mediaType}, nil
}

// AwardState is what decides how an award's public page looks, apart from what never changes
// (the badge class version, the recipient, evidence): its revocation, signature, dates, the
// earner's choice to hide their name and the last edit of its issuer's profile.
type AwardState struct {
	RevokedAt           time.Time // zero: not revoked
	Signed              bool
	IssuedAt, ExpiresAt time.Time // ExpiresAt zero: never
	RecipientNameHidden bool
	IssuerUpdatedAt     time.Time
}

const awardStateQuery = `SELECT a.revoked_at, a.signed_at, a.issued_at, a.expires_at, a.recipient_name_hidden, i.updated_at
	FROM awards a JOIN issuers i ON i.id = a.issuer_id WHERE a.id = $1`

// ReadAwardState returns the award's state in one prepared read of a few columns outside a
// transaction, or ErrNotFound: what an award page checks its cached body against.
func (s *Store) ReadAwardState(ctx context.Context, id string) (*AwardState, error) {
	row, err := s.queryRow(ctx, awardStateQuery, id)
	if err != nil {
		return nil, err
	}
	var st AwardState
	var revoked, signed, expires nullTime
	if err := row.Scan(&revoked, &signed, tc(&st.IssuedAt), &expires, &st.RecipientNameHidden, tc(&st.IssuerUpdatedAt)); err != nil {
		return nil, notFound(err)
	}
	st.RevokedAt, st.Signed, st.ExpiresAt = revoked.t, !signed.t.IsZero(), expires.t
	return &st, nil
}
