package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// OAuthClient is an oauth_clients row: a client registered by RFC 7591 dynamic registration.
// RedirectURIs is one URI per line; Scope is space-separated; Metadata is the JSON answered to
// the registration.
type OAuthClient struct {
	ID              string
	SecretHash      string // hex SHA-256 of the client secret
	ClientName      string
	ClientURI       string
	LogoURI         string
	TosURI          string
	PolicyURI       string
	SoftwareID      string
	SoftwareVersion string
	RedirectURIs    string
	Scope           string
	Metadata        string
	RegisteredAddr  string
	CreatedAt       time.Time
}

const oauthClientCols = `id, secret_hash, client_name, client_uri, logo_uri, tos_uri, policy_uri, software_id,
	software_version, redirect_uris, scope, metadata, registered_addr, created_at`

func scanOAuthClient(row interface{ Scan(...any) error }) (*OAuthClient, error) {
	var c OAuthClient
	err := row.Scan(&c.ID, &c.SecretHash, &c.ClientName, &c.ClientURI, &c.LogoURI, &c.TosURI, &c.PolicyURI,
		&c.SoftwareID, &c.SoftwareVersion, &c.RedirectURIs, &c.Scope, &c.Metadata, &c.RegisteredAddr, tc(&c.CreatedAt))
	if err != nil {
		return nil, notFound(err)
	}
	return &c, nil
}

// InsertOAuthClient adds a client; a taken id is ErrDuplicate.
func (tx *Tx) InsertOAuthClient(ctx context.Context, c *OAuthClient) error {
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO oauth_clients (`+oauthClientCols+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
		c.ID, c.SecretHash, c.ClientName, c.ClientURI, c.LogoURI, c.TosURI, c.PolicyURI, c.SoftwareID,
		c.SoftwareVersion, c.RedirectURIs, c.Scope, c.Metadata, c.RegisteredAddr, tx.t(c.CreatedAt))
	if isUniqueViolation(err) {
		return fmt.Errorf("insert oauth client: %w", ErrDuplicate)
	}
	if err != nil {
		return fmt.Errorf("store: insert oauth client: %w", err)
	}
	return nil
}

// OAuthClientByID returns the client, or ErrNotFound.
func (tx *Tx) OAuthClientByID(ctx context.Context, id string) (*OAuthClient, error) {
	return scanOAuthClient(tx.tx.QueryRowContext(ctx, `SELECT `+oauthClientCols+` FROM oauth_clients WHERE id = $1`, id))
}

// CountOAuthClients counts the clients registered since `since`, in all and from addr.
func (tx *Tx) CountOAuthClients(ctx context.Context, addr string, since time.Time) (all, fromAddr int64, err error) {
	err = tx.tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM oauth_clients WHERE created_at > $2),
		(SELECT count(*) FROM oauth_clients WHERE registered_addr = $1 AND created_at > $2)`, addr, tx.t(since)).Scan(&all, &fromAddr)
	if err != nil {
		return 0, 0, fmt.Errorf("store: count oauth clients: %w", err)
	}
	return all, fromAddr, nil
}

// OAuthGrant is an oauth_grants row: the scopes an earner allowed a client.
type OAuthGrant struct {
	ID        int64
	UserID    int64
	ClientID  string
	Scope     string
	CreatedAt time.Time
	UpdatedAt time.Time
}

const oauthGrantCols = "id, user_id, client_id, scope, created_at, updated_at"

func scanOAuthGrant(row interface{ Scan(...any) error }) (*OAuthGrant, error) {
	var g OAuthGrant
	if err := row.Scan(&g.ID, &g.UserID, &g.ClientID, &g.Scope, tc(&g.CreatedAt), tc(&g.UpdatedAt)); err != nil {
		return nil, notFound(err)
	}
	return &g, nil
}

// SaveOAuthGrant creates the grant of (g.UserID, g.ClientID), or sets the scope and updated
// time of the existing one, and sets g.ID and g.CreatedAt.
func (tx *Tx) SaveOAuthGrant(ctx context.Context, g *OAuthGrant) error {
	err := tx.tx.QueryRowContext(ctx, `INSERT INTO oauth_grants (user_id, client_id, scope, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (user_id, client_id) DO UPDATE SET scope = excluded.scope, updated_at = excluded.updated_at
		RETURNING id, created_at`, g.UserID, g.ClientID, g.Scope, tx.t(g.CreatedAt), tx.t(g.UpdatedAt)).Scan(&g.ID, tc(&g.CreatedAt))
	if err != nil {
		return fmt.Errorf("store: save oauth grant: %w", err)
	}
	return nil
}

// OAuthGrantByID returns the grant, or ErrNotFound.
func (tx *Tx) OAuthGrantByID(ctx context.Context, id int64) (*OAuthGrant, error) {
	return scanOAuthGrant(tx.tx.QueryRowContext(ctx, `SELECT `+oauthGrantCols+` FROM oauth_grants WHERE id = $1`, id))
}

// OAuthGrantsByUser returns the user's grants, newest first.
func (tx *Tx) OAuthGrantsByUser(ctx context.Context, userID int64) ([]*OAuthGrant, error) {
	rows, err := tx.tx.QueryContext(ctx, `SELECT `+oauthGrantCols+` FROM oauth_grants WHERE user_id = $1 ORDER BY updated_at DESC, id DESC`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: list oauth grants: %w", err)
	}
	defer rows.Close()
	var out []*OAuthGrant
	for rows.Next() {
		g, err := scanOAuthGrant(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list oauth grants: %w", err)
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// DeleteOAuthGrant deletes the user's grant and with it every code and token of it;
// ErrNotFound if the user has no such grant.
func (tx *Tx) DeleteOAuthGrant(ctx context.Context, userID, id int64) error {
	res, err := tx.tx.ExecContext(ctx, `DELETE FROM oauth_grants WHERE id = $1 AND user_id = $2`, id, userID)
	return oneRow(res, err, "delete oauth grant")
}

// OAuthCode is an oauth_codes row: an authorization code (by hash) waiting for the token
// request.
type OAuthCode struct {
	CodeHash      string
	GrantID       int64
	RedirectURI   string
	Scope         string
	CodeChallenge string // PKCE S256 challenge
	CreatedAt     time.Time
	ExpiresAt     time.Time
	UsedAt        time.Time // zero: not used yet
}

// InsertOAuthCode adds a code.
func (tx *Tx) InsertOAuthCode(ctx context.Context, c *OAuthCode) error {
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO oauth_codes (code_hash, grant_id, redirect_uri, scope, code_challenge, created_at, expires_at, used_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, c.CodeHash, c.GrantID, c.RedirectURI, c.Scope, c.CodeChallenge,
		tx.t(c.CreatedAt), tx.t(c.ExpiresAt), tx.optTime(c.UsedAt))
	if err != nil {
		return fmt.Errorf("store: insert oauth code: %w", err)
	}
	return nil
}

// OAuthCodeByHash returns the code (used ones too), or ErrNotFound.
func (tx *Tx) OAuthCodeByHash(ctx context.Context, hash string) (*OAuthCode, error) {
	var c OAuthCode
	var used nullTime
	err := tx.tx.QueryRowContext(ctx, `SELECT code_hash, grant_id, redirect_uri, scope, code_challenge, created_at, expires_at, used_at
		FROM oauth_codes WHERE code_hash = $1`, hash).Scan(&c.CodeHash, &c.GrantID, &c.RedirectURI, &c.Scope, &c.CodeChallenge,
		tc(&c.CreatedAt), tc(&c.ExpiresAt), &used)
	if err != nil {
		return nil, notFound(err)
	}
	c.UsedAt = used.t
	return &c, nil
}

// UseOAuthCode marks the code used at `at`; ErrNotFound if it is unknown or used already
// (so that of two concurrent token requests only one wins).
func (tx *Tx) UseOAuthCode(ctx context.Context, hash string, at time.Time) error {
	res, err := tx.tx.ExecContext(ctx, `UPDATE oauth_codes SET used_at = $1 WHERE code_hash = $2 AND used_at IS NULL`, tx.t(at), hash)
	return oneRow(res, err, "use oauth code")
}

// PruneOAuthCodes deletes codes that expired before `before`.
func (tx *Tx) PruneOAuthCodes(ctx context.Context, before time.Time) (int64, error) {
	res, err := tx.tx.ExecContext(ctx, `DELETE FROM oauth_codes WHERE expires_at < $1`, tx.t(before))
	if err != nil {
		return 0, fmt.Errorf("store: prune oauth codes: %w", err)
	}
	return res.RowsAffected()
}

// OAuthToken is an oauth_tokens row: an access or refresh token (by hash).
type OAuthToken struct {
	ID        int64
	GrantID   int64
	Kind      string // "access", "refresh"
	TokenHash string
	CodeHash  string // the authorization code the chain came from
	Scope     string
	CreatedAt time.Time
	ExpiresAt time.Time
	RevokedAt time.Time // zero: not revoked
}

const oauthTokenCols = "id, grant_id, kind, token_hash, code_hash, scope, created_at, expires_at, revoked_at"

// InsertOAuthToken adds a token and sets t.ID.
func (tx *Tx) InsertOAuthToken(ctx context.Context, t *OAuthToken) error {
	err := tx.tx.QueryRowContext(ctx, `INSERT INTO oauth_tokens (grant_id, kind, token_hash, code_hash, scope, created_at, expires_at, revoked_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, t.GrantID, t.Kind, t.TokenHash, t.CodeHash, t.Scope,
		tx.t(t.CreatedAt), tx.t(t.ExpiresAt), tx.optTime(t.RevokedAt)).Scan(&t.ID)
	if isUniqueViolation(err) {
		return fmt.Errorf("insert oauth token: %w", ErrDuplicate)
	}
	if err != nil {
		return fmt.Errorf("store: insert oauth token: %w", err)
	}
	return nil
}

// OAuthTokenByHash returns the token (revoked and expired ones too), or ErrNotFound.
func (tx *Tx) OAuthTokenByHash(ctx context.Context, hash string) (*OAuthToken, error) {
	var t OAuthToken
	var revoked nullTime
	err := tx.tx.QueryRowContext(ctx, `SELECT `+oauthTokenCols+` FROM oauth_tokens WHERE token_hash = $1`, hash).Scan(
		&t.ID, &t.GrantID, &t.Kind, &t.TokenHash, &t.CodeHash, &t.Scope, tc(&t.CreatedAt), tc(&t.ExpiresAt), &revoked)
	if err != nil {
		return nil, notFound(err)
	}
	t.RevokedAt = revoked.t
	return &t, nil
}

// RevokeOAuthToken marks the token revoked; ErrNotFound if it is unknown or revoked already.
func (tx *Tx) RevokeOAuthToken(ctx context.Context, id int64, at time.Time) error {
	res, err := tx.tx.ExecContext(ctx, `UPDATE oauth_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL`, tx.t(at), id)
	return oneRow(res, err, "revoke oauth token")
}

// RevokeOAuthTokensOfCode revokes every token that came from the code and returns how many.
func (tx *Tx) RevokeOAuthTokensOfCode(ctx context.Context, codeHash string, at time.Time) (int64, error) {
	res, err := tx.tx.ExecContext(ctx, `UPDATE oauth_tokens SET revoked_at = $1 WHERE code_hash = $2 AND revoked_at IS NULL`, tx.t(at), codeHash)
	if err != nil {
		return 0, fmt.Errorf("store: revoke oauth tokens of code: %w", err)
	}
	return res.RowsAffected()
}

// PruneOAuthTokens deletes tokens that expired before `before`.
func (tx *Tx) PruneOAuthTokens(ctx context.Context, before time.Time) (int64, error) {
	res, err := tx.tx.ExecContext(ctx, `DELETE FROM oauth_tokens WHERE expires_at < $1`, tx.t(before))
	if err != nil {
		return 0, fmt.Errorf("store: prune oauth tokens: %w", err)
	}
	return res.RowsAffected()
}

// APIProfile is an api_profiles row: the earner's Profile fields set through the APIs.
type APIProfile struct {
	UserID      int64
	Name        string
	Email       string
	URL         string
	Description string
	Image       string
	UpdatedAt   time.Time
}

// APIProfileByUser returns the user's profile, or ErrNotFound when none was ever set.
func (tx *Tx) APIProfileByUser(ctx context.Context, userID int64) (*APIProfile, error) {
	var p APIProfile
	err := tx.tx.QueryRowContext(ctx, `SELECT user_id, name, email, url, description, image, updated_at FROM api_profiles WHERE user_id = $1`,
		userID).Scan(&p.UserID, &p.Name, &p.Email, &p.URL, &p.Description, &p.Image, tc(&p.UpdatedAt))
	if err != nil {
		return nil, notFound(err)
	}
	return &p, nil
}

// SaveAPIProfile creates or replaces the user's profile.
func (tx *Tx) SaveAPIProfile(ctx context.Context, p *APIProfile) error {
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO api_profiles (user_id, name, email, url, description, image, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (user_id) DO UPDATE SET name = excluded.name, email = excluded.email, url = excluded.url,
		description = excluded.description, image = excluded.image, updated_at = excluded.updated_at`,
		p.UserID, p.Name, p.Email, p.URL, p.Description, p.Image, tx.t(p.UpdatedAt))
	if err != nil {
		return fmt.Errorf("store: save api profile: %w", err)
	}
	return nil
}

// APIWalletFilter selects the wallet items an API lists: accepted items of the user whose
// format is one of Formats (or, with Awards, that are awards of this installation), issued
// after Since when it is not zero.
type APIWalletFilter struct {
	UserID  int64
	Formats []string
	Awards  bool
	Since   time.Time
}

func (tx *Tx) apiWalletWhere(f APIWalletFilter) (string, []any) {
	args := []any{f.UserID}
	var kinds []string
	for _, fm := range f.Formats {
		args = append(args, fm)
		kinds = append(kinds, fmt.Sprintf("format = $%d", len(args)))
	}
	if f.Awards {
		kinds = append(kinds, "source = 'award'")
	}
	if len(kinds) == 0 {
		kinds = append(kinds, "1 = 0")
	}
	where := "user_id = $1 AND state = 'accepted' AND (" + strings.Join(kinds, " OR ") + ")"
	if !f.Since.IsZero() {
		args = append(args, tx.t(f.Since))
		where += fmt.Sprintf(" AND issued_at > $%d", len(args))
	}
	return where, args
}

// APIWalletItems lists the items f selects, oldest first (a stable order for paging), at
// most limit after skipping offset.
func (tx *Tx) APIWalletItems(ctx context.Context, f APIWalletFilter, limit, offset int) ([]*WalletItem, error) {
	where, args := tx.apiWalletWhere(f)
	args = append(args, limit, offset)
	rows, err := tx.tx.QueryContext(ctx, `SELECT `+walletItemCols+` FROM wallet_items WHERE `+where+
		fmt.Sprintf(` ORDER BY created_at, id LIMIT $%d OFFSET $%d`, len(args)-1, len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("store: list api wallet items: %w", err)
	}
	defer rows.Close()
	var out []*WalletItem
	for rows.Next() {
		w, err := scanWalletItem(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list api wallet items: %w", err)
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// CountAPIWalletItems counts the items f selects.
func (tx *Tx) CountAPIWalletItems(ctx context.Context, f APIWalletFilter) (int64, error) {
	where, args := tx.apiWalletWhere(f)
	var n int64
	if err := tx.tx.QueryRowContext(ctx, `SELECT count(*) FROM wallet_items WHERE `+where, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count api wallet items: %w", err)
	}
	return n, nil
}

// UserHasVerifiedEmail reports whether the address (by key) is a verified address of the
// user.
func (tx *Tx) UserHasVerifiedEmail(ctx context.Context, userID int64, emailKey string) (bool, error) {
	var n int64
	err := tx.tx.QueryRowContext(ctx, `SELECT count(*) FROM user_emails WHERE user_id = $1 AND email_key = $2 AND verified_at IS NOT NULL`,
		userID, emailKey).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: user email: %w", err)
	}
	return n > 0, nil
}
