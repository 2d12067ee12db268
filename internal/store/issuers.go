package store

import (
	"context"
	"fmt"
	"time"
)

// Issuer is an issuers row.
type Issuer struct {
	ID          string
	Name        string
	Description string
	Website     string
	Email       string
	LogoURL     string
	LinkedInOrg string
	// StatusMethod is how its awards publish revocation: "bitstring" (Bitstring Status List)
	// or "1edtech" (1EdTech Revocation List). "" is stored as "bitstring".
	StatusMethod string
	// CertificateLayout is the design of its awards' PDF certificates: "classic" or
	// "modern". "" is stored as "classic".
	CertificateLayout string
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

const issuerCols = "i.id, i.name, i.description, i.website, i.email, i.logo_url, i.linkedin_org, i.status_method, i.certificate_layout, i.created_at, i.updated_at"

func scanIssuer(row interface{ Scan(...any) error }, extra ...any) (*Issuer, error) {
	var i Issuer
	dest := append([]any{&i.ID, &i.Name, &i.Description, &i.Website, &i.Email, &i.LogoURL, &i.LinkedInOrg, &i.StatusMethod, &i.CertificateLayout, tc(&i.CreatedAt), tc(&i.UpdatedAt)}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, notFound(err)
	}
	return &i, nil
}

// InsertIssuer adds an issuer; an existing id is ErrDuplicate.
func (tx *Tx) InsertIssuer(ctx context.Context, i *Issuer) error {
	_, err := tx.exec(ctx,
		`INSERT INTO issuers (id, name, description, website, email, logo_url, linkedin_org, status_method, certificate_layout, created_at, updated_at)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		i.ID, i.Name, i.Description, i.Website, i.Email, i.LogoURL, i.LinkedInOrg, statusMethod(i.StatusMethod),
		certificateLayout(i.CertificateLayout), tx.t(i.CreatedAt), tx.t(i.UpdatedAt))
	if isUniqueViolation(err) {
		return fmt.Errorf("insert issuer: %w", ErrDuplicate)
	}
	if err != nil {
		return fmt.Errorf("store: insert issuer: %w", err)
	}
	return nil
}

// IssuerByID returns the issuer, or ErrNotFound.
func (tx *Tx) IssuerByID(ctx context.Context, id string) (*Issuer, error) {
	return scanIssuer(tx.queryRow(ctx, `SELECT `+issuerCols+` FROM issuers i WHERE i.id = $1`, id))
}

// LockIssuer takes a write lock on the issuer's row until the transaction ends (PostgreSQL
// SELECT ... FOR UPDATE; SQLite write transactions are serialised already), so that checks
// across several rows of the issuer (such as "the last owner") hold at commit. ErrNotFound if
// there is no such issuer.
func (tx *Tx) LockIssuer(ctx context.Context, id string) error {
	return tx.lockRow(ctx, "issuers", id)
}

// lockRow locks the row of table whose id is id until the transaction ends: SELECT ... FOR
// UPDATE on PostgreSQL; on SQLite the write transaction is exclusive already, and the select
// only checks that the row exists. ErrNotFound if it does not. table is one of ours, never
// outside input.
func (tx *Tx) lockRow(ctx context.Context, table string, id any) error {
	q := `SELECT 1 FROM ` + table + ` WHERE id = $1`
	if tx.dialect == Postgres {
		q += ` FOR UPDATE`
	}
	var one int
	if err := tx.queryRow(ctx, q, id).Scan(&one); err != nil {
		return notFound(err)
	}
	return nil
}

// UpdateIssuer writes every field of the issuer but its id and creation time.
func (tx *Tx) UpdateIssuer(ctx context.Context, i *Issuer) error {
	res, err := tx.exec(ctx,
		`UPDATE issuers SET name = $1, description = $2, website = $3, email = $4, logo_url = $5,
		 linkedin_org = $6, status_method = $7, certificate_layout = $8, updated_at = $9 WHERE id = $10`,
		i.Name, i.Description, i.Website, i.Email, i.LogoURL, i.LinkedInOrg, statusMethod(i.StatusMethod),
		certificateLayout(i.CertificateLayout), tx.t(i.UpdatedAt), i.ID)
	return oneRow(res, err, "update issuer")
}

// ListIssuers returns every issuer ordered by name then id.
func (tx *Tx) ListIssuers(ctx context.Context) ([]*Issuer, error) {
	rows, err := tx.tx.QueryContext(ctx, `SELECT `+issuerCols+` FROM issuers i ORDER BY i.name, i.id`)
	if err != nil {
		return nil, fmt.Errorf("store: list issuers: %w", err)
	}
	defer rows.Close()
	var out []*Issuer
	for rows.Next() {
		i, err := scanIssuer(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, i)
	}
	return out, rows.Err()
}

// IssuerRole is an issuer with a user's role on it.
type IssuerRole struct {
	Issuer *Issuer
	Role   string
}

// ListIssuersOfUser returns the issuers the user is staff of, with the role, ordered by name.
func (tx *Tx) ListIssuersOfUser(ctx context.Context, userID int64) ([]IssuerRole, error) {
	rows, err := tx.tx.QueryContext(ctx,
		`SELECT `+issuerCols+`, m.role FROM issuers i JOIN issuer_members m ON m.issuer_id = i.id
		 WHERE m.user_id = $1 ORDER BY i.name, i.id`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: list issuers of user: %w", err)
	}
	defer rows.Close()
	var out []IssuerRole
	for rows.Next() {
		var role string
		i, err := scanIssuer(rows, &role)
		if err != nil {
			return nil, err
		}
		out = append(out, IssuerRole{Issuer: i, Role: role})
	}
	return out, rows.Err()
}

// Member is an issuer_members row joined with the user's email and name.
type Member struct {
	IssuerID  string
	UserID    int64
	Email     string
	Name      string
	Role      string
	CreatedAt time.Time
}

// InsertMember makes the user staff of the issuer with role; ErrDuplicate if already staff.
func (tx *Tx) InsertMember(ctx context.Context, issuerID string, userID int64, role string, at time.Time) error {
	_, err := tx.exec(ctx,
		`INSERT INTO issuer_members (issuer_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)`,
		issuerID, userID, role, tx.t(at))
	if isUniqueViolation(err) {
		return fmt.Errorf("insert member: %w", ErrDuplicate)
	}
	if err != nil {
		return fmt.Errorf("store: insert member: %w", err)
	}
	return nil
}

// MemberRole returns the user's role on the issuer, or ErrNotFound if not staff.
func (tx *Tx) MemberRole(ctx context.Context, issuerID string, userID int64) (string, error) {
	var role string
	err := tx.queryRow(ctx, `SELECT role FROM issuer_members WHERE issuer_id = $1 AND user_id = $2`, issuerID, userID).Scan(&role)
	if err != nil {
		return "", notFound(err)
	}
	return role, nil
}

// SetMemberRole changes a staff member's role; ErrNotFound if not staff.
func (tx *Tx) SetMemberRole(ctx context.Context, issuerID string, userID int64, role string) error {
	res, err := tx.exec(ctx, `UPDATE issuer_members SET role = $1 WHERE issuer_id = $2 AND user_id = $3`, role, issuerID, userID)
	return oneRow(res, err, "set member role")
}

// DeleteMember removes a staff member; ErrNotFound if not staff.
func (tx *Tx) DeleteMember(ctx context.Context, issuerID string, userID int64) error {
	res, err := tx.exec(ctx, `DELETE FROM issuer_members WHERE issuer_id = $1 AND user_id = $2`, issuerID, userID)
	return oneRow(res, err, "delete member")
}

// CountOwners returns the number of owners of the issuer.
func (tx *Tx) CountOwners(ctx context.Context, issuerID string) (int64, error) {
	var n int64
	err := tx.queryRow(ctx, `SELECT COUNT(*) FROM issuer_members WHERE issuer_id = $1 AND role = 'owner'`, issuerID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: count owners: %w", err)
	}
	return n, nil
}

// ListMembers returns the issuer's staff ordered by email key.
func (tx *Tx) ListMembers(ctx context.Context, issuerID string) ([]*Member, error) {
	rows, err := tx.tx.QueryContext(ctx,
		`SELECT m.issuer_id, m.user_id, u.email, u.name, m.role, m.created_at
		 FROM issuer_members m JOIN users u ON u.id = m.user_id
		 WHERE m.issuer_id = $1 ORDER BY u.email_key`, issuerID)
	if err != nil {
		return nil, fmt.Errorf("store: list members: %w", err)
	}
	defer rows.Close()
	var out []*Member
	for rows.Next() {
		var m Member
		if err := rows.Scan(&m.IssuerID, &m.UserID, &m.Email, &m.Name, &m.Role, tc(&m.CreatedAt)); err != nil {
			return nil, fmt.Errorf("store: list members: %w", err)
		}
		out = append(out, &m)
	}
	return out, rows.Err()
}

// IssuerKey is an issuer_keys row. PrivateEnc is the encrypted private JWK (internal/keys).
type IssuerKey struct {
	ID         string // the kid
	IssuerID   string
	Alg        string
	PublicJWK  string
	PrivateEnc []byte
	CreatedAt  time.Time
	RetiredAt  time.Time // zero while active
}

// InsertIssuerKey adds a key. A second active key of the same issuer and algorithm, or an
// existing kid, is ErrDuplicate.
func (tx *Tx) InsertIssuerKey(ctx context.Context, k *IssuerKey) error {
	_, err := tx.exec(ctx,
		`INSERT INTO issuer_keys (id, issuer_id, alg, public_jwk, private_enc, created_at, retired_at)
		 VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		k.ID, k.IssuerID, k.Alg, k.PublicJWK, k.PrivateEnc, tx.t(k.CreatedAt), tx.optTime(k.RetiredAt))
	if isUniqueViolation(err) {
		return fmt.Errorf("insert issuer key: %w", ErrDuplicate)
	}
	if err != nil {
		return fmt.Errorf("store: insert issuer key: %w", err)
	}
	return nil
}

const issuerKeyCols = "id, issuer_id, alg, public_jwk, private_enc, created_at, retired_at"

func scanIssuerKey(row interface{ Scan(...any) error }) (*IssuerKey, error) {
	var k IssuerKey
	if err := row.Scan(&k.ID, &k.IssuerID, &k.Alg, &k.PublicJWK, &k.PrivateEnc, tc(&k.CreatedAt), tc(&k.RetiredAt)); err != nil {
		return nil, notFound(err)
	}
	return &k, nil
}

// IssuerKeys returns every key of the issuer, active and retired, oldest first.
func (tx *Tx) IssuerKeys(ctx context.Context, issuerID string) ([]*IssuerKey, error) {
	rows, err := tx.tx.QueryContext(ctx, `SELECT `+issuerKeyCols+` FROM issuer_keys WHERE issuer_id = $1 ORDER BY created_at, id`, issuerID)
	if err != nil {
		return nil, fmt.Errorf("store: issuer keys: %w", err)
	}
	defer rows.Close()
	var out []*IssuerKey
	for rows.Next() {
		k, err := scanIssuerKey(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// IssuerKeyByID returns one key of the issuer, or ErrNotFound.
func (tx *Tx) IssuerKeyByID(ctx context.Context, issuerID, kid string) (*IssuerKey, error) {
	return scanIssuerKey(tx.queryRow(ctx, `SELECT `+issuerKeyCols+` FROM issuer_keys WHERE issuer_id = $1 AND id = $2`, issuerID, kid))
}

// ActiveIssuerKey returns the issuer's active key of the algorithm, or ErrNotFound.
func (tx *Tx) ActiveIssuerKey(ctx context.Context, issuerID, alg string) (*IssuerKey, error) {
	return scanIssuerKey(tx.queryRow(ctx,
		`SELECT `+issuerKeyCols+` FROM issuer_keys WHERE issuer_id = $1 AND alg = $2 AND retired_at IS NULL`, issuerID, alg))
}

// RetireIssuerKeys retires the issuer's active key of the algorithm (if any) at `at` and
// returns how many keys it retired (0 or 1).
func (tx *Tx) RetireIssuerKeys(ctx context.Context, issuerID, alg string, at time.Time) (int64, error) {
	res, err := tx.exec(ctx, `UPDATE issuer_keys SET retired_at = $1 WHERE issuer_id = $2 AND alg = $3 AND retired_at IS NULL`, tx.t(at), issuerID, alg)
	if err != nil {
		return 0, fmt.Errorf("store: retire issuer keys: %w", err)
	}
	return res.RowsAffected()
}

// optTime is t for an optional time: the zero time is NULL.
func (tx *Tx) optTime(v time.Time) any {
	if v.IsZero() {
		return nil
	}
	return tx.t(v)
}

// AnyIssuerKey returns one stored issuer key (the oldest), or ErrNotFound when there is none:
// enough to check that a master key opens the installation's keys.
func (tx *Tx) AnyIssuerKey(ctx context.Context) (*IssuerKey, error) {
	return scanIssuerKey(tx.queryRow(ctx, `SELECT `+issuerKeyCols+` FROM issuer_keys ORDER BY created_at, id LIMIT 1`))
}

func statusMethod(m string) string {
	if m == "" {
		return "bitstring"
	}
	return m
}

// certificateLayout is the stored form of an issuer's certificate layout ("" is "classic").
func certificateLayout(l string) string {
	if l == "" {
		return "classic"
	}
	return l
}
