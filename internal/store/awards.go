package store

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Award is an awards row. Evidence is the JSON of the evidence list, byte for byte.
// UnsignedCredential is the validated OB 3.0 credential recorded before signing; Credential
// is the signed one (nil until signed), CredentialJWT its VC-JWT form ("" until asked for).
type Award struct {
	ID                 string
	IssuerID           string
	BadgeClassID       string
	BadgeClassVersion  int
	RecipientType      string
	RecipientIdentity  string
	RecipientName      string
	Salt               string
	Narrative          string
	Evidence           string
	IssuedAt           time.Time
	ExpiresAt          time.Time // zero: never
	StatusMethod       string    // "bitstring" or "1edtech"
	StatusIndex        int64
	IdempotencyKey     string // "" for none
	UnsignedCredential []byte
	Credential         []byte
	CredentialJWT      string
	SignedAt           time.Time
	RevokedAt          time.Time
	RevocationReason   string
	ClaimTokenHash     string // "" for none
	NotifyPending      bool   // email the recipient once signed
	// RecipientNameHidden: the earner chose to leave their name off the public page.
	RecipientNameHidden bool
	CreatedAt           time.Time
	CreatedBy           string
}

const awardCols = `a.id, a.issuer_id, a.badge_class_id, a.badge_class_version, a.recipient_type,
	a.recipient_identity, a.recipient_name, a.salt, a.narrative, a.evidence, a.issued_at, a.expires_at,
	a.status_method, a.status_index, a.idempotency_key, a.unsigned_credential, a.credential,
	a.credential_jwt, a.signed_at, a.revoked_at, a.revocation_reason, a.claim_token_hash,
	a.notify_pending, a.created_at, a.created_by, a.recipient_name_hidden`

// awardSummaryCols leaves out the documents, for lists.
const awardSummaryCols = `a.id, a.issuer_id, a.badge_class_id, a.badge_class_version, a.recipient_type,
	a.recipient_identity, a.recipient_name, a.salt, a.narrative, a.evidence, a.issued_at, a.expires_at,
	a.status_method, a.status_index, a.idempotency_key, NULL, NULL,
	NULL, a.signed_at, a.revoked_at, a.revocation_reason, a.claim_token_hash,
	a.notify_pending, a.created_at, a.created_by, a.recipient_name_hidden`

func scanAward(row interface{ Scan(...any) error }) (*Award, error) {
	var as awardScan
	if err := row.Scan(as.dest()...); err != nil {
		return nil, notFound(err)
	}
	return as.award(), nil
}

// awardScan holds the scan destinations of awardCols (or awardSummaryCols).
type awardScan struct {
	a                        Award
	key, jwt, claim          sql.NullString
	expires, signed, revoked nullTime
}

func (s *awardScan) dest() []any {
	a := &s.a
	return []any{&a.ID, &a.IssuerID, &a.BadgeClassID, &a.BadgeClassVersion, &a.RecipientType,
		&a.RecipientIdentity, &a.RecipientName, &a.Salt, &a.Narrative, &a.Evidence, tc(&a.IssuedAt), &s.expires,
		&a.StatusMethod, &a.StatusIndex, &s.key, &a.UnsignedCredential, &a.Credential,
		&s.jwt, &s.signed, &s.revoked, &a.RevocationReason, &s.claim,
		&a.NotifyPending, tc(&a.CreatedAt), &a.CreatedBy, &a.RecipientNameHidden}
}

func (s *awardScan) award() *Award {
	a := s.a
	a.IdempotencyKey, a.CredentialJWT, a.ClaimTokenHash = s.key.String, s.jwt.String, s.claim.String
	a.ExpiresAt, a.SignedAt, a.RevokedAt = s.expires.t, s.signed.t, s.revoked.t
	return &a
}

// nullTime scans a nullable time column of either dialect; NULL is the zero time.
type nullTime struct{ t time.Time }

func (n *nullTime) Scan(src any) error {
	if src == nil {
		n.t = time.Time{}
		return nil
	}
	return timeCol{&n.t}.Scan(src)
}

// awardInsertCols are the columns InsertAwards writes, in the order of awardRow.
var awardInsertCols = []string{"id", "issuer_id", "badge_class_id", "badge_class_version", "recipient_type",
	"recipient_identity", "recipient_name", "salt", "narrative", "evidence", "issued_at", "expires_at",
	"status_method", "status_index", "idempotency_key", "unsigned_credential", "credential", "credential_jwt",
	"signed_at", "revoked_at", "revocation_reason", "claim_token_hash", "notify_pending", "created_at", "created_by",
	"recipient_name_hidden"}

func (tx *Tx) awardRow(a *Award) []any {
	return []any{a.ID, a.IssuerID, a.BadgeClassID, a.BadgeClassVersion, a.RecipientType,
		a.RecipientIdentity, a.RecipientName, a.Salt, a.Narrative, a.Evidence, tx.t(a.IssuedAt), tx.optTime(a.ExpiresAt),
		a.StatusMethod, a.StatusIndex, nullString(a.IdempotencyKey), a.UnsignedCredential, a.Credential, nullString(a.CredentialJWT),
		tx.optTime(a.SignedAt), tx.optTime(a.RevokedAt), a.RevocationReason, nullString(a.ClaimTokenHash), a.NotifyPending,
		tx.t(a.CreatedAt), a.CreatedBy, a.RecipientNameHidden}
}

// InsertAwards adds several awards with multi-row statements. A taken idempotency key,
// status index or id is ErrDuplicate (and the transaction must be rolled back).
func (tx *Tx) InsertAwards(ctx context.Context, as []*Award) error {
	rows := make([][]any, len(as))
	for i, a := range as {
		rows[i] = tx.awardRow(a)
	}
	err := tx.insertRows(ctx, "awards", awardInsertCols, rows)
	if isUniqueViolation(err) {
		return fmt.Errorf("insert awards: %w", ErrDuplicate)
	}
	if err != nil {
		return fmt.Errorf("store: insert awards: %w", err)
	}
	return nil
}

// AwardByID returns the award with its documents, or ErrNotFound.
func (tx *Tx) AwardByID(ctx context.Context, id string) (*Award, error) {
	return scanAward(tx.queryRow(ctx, `SELECT `+awardCols+` FROM awards a WHERE a.id = $1`, id))
}

// SetAwardRecipientNameHidden records whether the award's public page leaves out the
// recipient's name; it reports whether the award exists.
func (tx *Tx) SetAwardRecipientNameHidden(ctx context.Context, id string, hidden bool) (bool, error) {
	res, err := tx.tx.ExecContext(ctx, `UPDATE awards SET recipient_name_hidden = $1 WHERE id = $2`, hidden, id)
	if err != nil {
		return false, fmt.Errorf("store: set recipient name hidden: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// AwardByClaimHash returns the award whose claim token hashes to h, or ErrNotFound.
func (tx *Tx) AwardByClaimHash(ctx context.Context, h string) (*Award, error) {
	return scanAward(tx.queryRow(ctx, `SELECT `+awardCols+` FROM awards a WHERE a.claim_token_hash = $1`, h))
}

// AwardsByKeys returns the issuer's awards recorded with any of the keys (without their
// documents), keyed by idempotency key.
func (tx *Tx) AwardsByKeys(ctx context.Context, issuerID string, keys []string) (map[string]*Award, error) {
	list, err := tx.awardsIn(ctx, "awards by keys", keys, []any{issuerID}, func(in string) string {
		return `SELECT ` + awardSummaryCols + ` FROM awards a WHERE a.issuer_id = $1 AND a.idempotency_key IN (` + in + `)`
	})
	out := make(map[string]*Award, len(list))
	for _, a := range list {
		out[a.IdempotencyKey] = a
	}
	return out, err
}

// awardsIn runs query over values a chunk at a time (the SQL variable limits of both
// databases), each chunk's placeholders numbered after fixed, and returns every award found.
// query gets the placeholder list ("$2, $3, ...") of the chunk.
func (tx *Tx) awardsIn(ctx context.Context, what string, values []string, fixed []any, query func(in string) string) ([]*Award, error) {
	var out []*Award
	const chunk = 400
	for len(values) > 0 {
		n := min(chunk, len(values))
		args := append([]any(nil), fixed...)
		var ph strings.Builder
		for i, v := range values[:n] {
			if i > 0 {
				ph.WriteString(", ")
			}
			args = append(args, v)
			fmt.Fprintf(&ph, "$%d", len(fixed)+i+1)
		}
		rows, err := tx.tx.QueryContext(ctx, query(ph.String()), args...)
		if err != nil {
			return nil, fmt.Errorf("store: %s: %w", what, err)
		}
		for rows.Next() {
			a, err := scanAward(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			out = append(out, a)
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
		values = values[n:]
	}
	return out, nil
}

// AwardsOfBadgeClass returns a page of the badge class's awards (without their documents),
// newest first (awards recorded together, such as a bulk file's rows, in reverse order of
// recording: their status indexes), and how many there are in all.
func (tx *Tx) AwardsOfBadgeClass(ctx context.Context, badgeClassID string, limit, offset int) ([]*Award, int, error) {
	var total int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM awards WHERE badge_class_id = $1`, badgeClassID).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count awards: %w", err)
	}
	rows, err := tx.tx.QueryContext(ctx, `SELECT `+awardSummaryCols+` FROM awards a WHERE a.badge_class_id = $1
		ORDER BY a.created_at DESC, a.status_index DESC LIMIT $2 OFFSET $3`, badgeClassID, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("store: list awards: %w", err)
	}
	defer rows.Close()
	var out []*Award
	for rows.Next() {
		a, err := scanAward(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, a)
	}
	return out, total, rows.Err()
}

// AwardsMatching returns the badge class's awards (without their documents) whose id or
// recipient identity is one of refs.
func (tx *Tx) AwardsMatching(ctx context.Context, badgeClassID string, refs []string) ([]*Award, error) {
	return tx.awardsIn(ctx, "awards matching", refs, []any{badgeClassID}, func(in string) string {
		return `SELECT ` + awardSummaryCols + ` FROM awards a WHERE a.badge_class_id = $1
			AND (a.id IN (` + in + `) OR a.recipient_identity IN (` + in + `))`
	})
}

// AwardsByIDs returns the awards with their documents, in no particular order; unknown ids
// are left out.
func (tx *Tx) AwardsByIDs(ctx context.Context, ids []string) ([]*Award, error) {
	return tx.awardsIn(ctx, "awards by ids", ids, nil, func(in string) string {
		return `SELECT ` + awardCols + ` FROM awards a WHERE a.id IN (` + in + `)`
	})
}

// TakeAwardNotification clears the award's pending notification with the hash of the claim
// token the email will carry; it reports whether one was pending.
func (tx *Tx) TakeAwardNotification(ctx context.Context, id, claimHash string) (bool, error) {
	res, err := tx.exec(ctx, `UPDATE awards SET notify_pending = $1, claim_token_hash = $2
		WHERE id = $3 AND notify_pending = $4`, false, claimHash, id, true)
	if err != nil {
		return false, fmt.Errorf("store: take award notification: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// SetAwardCredentials stores the signed credentials (by award id) of awards that have none
// yet, with one statement per chunk, and returns the ids it stored (the others were signed
// already; the stored credential stands).
func (tx *Tx) SetAwardCredentials(ctx context.Context, signed map[string][]byte, at time.Time) (map[string]bool, error) {
	ids := make([]string, 0, len(signed))
	for id := range signed {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	blob := "$%d"
	if tx.dialect == Postgres {
		blob = "$%d::bytea" // VALUES parameters are text unless cast
	}
	stored := map[string]bool{}
	const per = maxParams / 2
	for len(ids) > 0 {
		n := min(per, len(ids))
		args := []any{tx.t(at)}
		var vals strings.Builder
		for i, id := range ids[:n] {
			if i > 0 {
				vals.WriteString(", ")
			}
			args = append(args, id, signed[id])
			fmt.Fprintf(&vals, "($%d, "+blob+")", len(args)-1, len(args))
		}
		rows, err := tx.tx.QueryContext(ctx, `WITH v (id, cred) AS (VALUES `+vals.String()+`)
			UPDATE awards SET credential = (SELECT v.cred FROM v WHERE v.id = awards.id), signed_at = $1
			WHERE id IN (SELECT v.id FROM v) AND signed_at IS NULL RETURNING id`, args...)
		if err != nil {
			return nil, fmt.Errorf("store: set award credentials: %w", err)
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, err
			}
			stored[id] = true
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
		ids = ids[n:]
	}
	return stored, nil
}

// SetAwardJWT stores the VC-JWT form of a signed award unless it has one already; it reports
// whether it did.
func (tx *Tx) SetAwardJWT(ctx context.Context, id, jwt string) (bool, error) {
	res, err := tx.exec(ctx,
		`UPDATE awards SET credential_jwt = $1 WHERE id = $2 AND credential_jwt IS NULL AND signed_at IS NOT NULL`, jwt, id)
	if err != nil {
		return false, fmt.Errorf("store: set award jwt: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// RevokeAward marks an award revoked at at with the reason, unless it is revoked already;
// it reports whether it did.
func (tx *Tx) RevokeAward(ctx context.Context, id string, at time.Time, reason string) (bool, error) {
	res, err := tx.exec(ctx,
		`UPDATE awards SET revoked_at = $1, revocation_reason = $2 WHERE id = $3 AND revoked_at IS NULL`,
		tx.t(at), reason, id)
	if err != nil {
		return false, fmt.Errorf("store: revoke award: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// RevokedAward is one entry of an issuer's revocation lists.
type RevokedAward struct {
	ID           string
	StatusMethod string
	StatusIndex  int64
	RevokedAt    time.Time
	Reason       string
}

// RevokedAwards returns every revoked award of the issuer, oldest revocation first.
func (tx *Tx) RevokedAwards(ctx context.Context, issuerID string) ([]RevokedAward, error) {
	rows, err := tx.tx.QueryContext(ctx, `SELECT id, status_method, status_index, revoked_at, revocation_reason
		FROM awards WHERE issuer_id = $1 AND revoked_at IS NOT NULL ORDER BY revoked_at, id`, issuerID)
	if err != nil {
		return nil, fmt.Errorf("store: revoked awards: %w", err)
	}
	defer rows.Close()
	var out []RevokedAward
	for rows.Next() {
		var r RevokedAward
		if err := rows.Scan(&r.ID, &r.StatusMethod, &r.StatusIndex, tc(&r.RevokedAt), &r.Reason); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// NextStatusIndexes reserves n consecutive status list indexes of the issuer and returns the
// first. Call it in the transaction that records the awards: the counter row is locked until
// it ends.
func (tx *Tx) NextStatusIndexes(ctx context.Context, issuerID string, n int) (int64, error) {
	var next int64
	err := tx.queryRow(ctx, `INSERT INTO status_counters (issuer_id, next_index) VALUES ($1, $2)
		ON CONFLICT (issuer_id) DO UPDATE SET next_index = status_counters.next_index + excluded.next_index
		RETURNING next_index`, issuerID, n).Scan(&next)
	if err != nil {
		return 0, fmt.Errorf("store: status counter: %w", err)
	}
	return next - int64(n), nil
}

// IssuerStatusMethod returns how the issuer's new credentials carry their status.
func (tx *Tx) IssuerStatusMethod(ctx context.Context, issuerID string) (string, error) {
	var m string
	err := tx.queryRow(ctx, `SELECT status_method FROM issuers WHERE id = $1`, issuerID).Scan(&m)
	return m, notFound(err)
}
