package service

import (
	"context"
	"encoding/base64"
	"errors"
	"mime"
	"net/url"
	"slices"
	"strings"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/store"
)

// TokenRequest is a token endpoint request (RFC 6749 4.1.3 and 6): the client's Basic
// credentials and the form.
type TokenRequest struct {
	ClientID, ClientSecret string
	GrantType              string
	Code, RedirectURI      string
	CodeVerifier           string
	RefreshToken           string
	Scope                  string
}

// maxTokenBody bounds a token or revocation request body.
const maxTokenBody = 8 << 10

// ParseClientForm reads the client_secret_basic credentials (RFC 6749 2.3.1: the id and
// secret are form-encoded, then Basic) and the application/x-www-form-urlencoded body of a
// token or revocation request. A parameter may appear once. Errors are *OAuthError
// (invalid_request, invalid_client).
func ParseClientForm(authorization, contentType string, body []byte) (clientID, secret string, form url.Values, err error) {
	if len(body) > maxTokenBody {
		return "", "", nil, oauthErr(badge.Invalid, "invalid_request", "The request body is too large.")
	}
	if mt, _, err := mime.ParseMediaType(contentType); err != nil || mt != "application/x-www-form-urlencoded" {
		return "", "", nil, oauthErr(badge.Invalid, "invalid_request", "The body must be application/x-www-form-urlencoded.")
	}
	form, perr := url.ParseQuery(string(body))
	if perr != nil {
		return "", "", nil, oauthErr(badge.Invalid, "invalid_request", "The form could not be read.")
	}
	for k, v := range form {
		if len(v) > 1 {
			return "", "", nil, oauthErr(badge.Invalid, "invalid_request", "The request repeats "+k+".")
		}
	}
	if form.Get("client_secret") != "" {
		return "", "", nil, oauthErr(badge.Unauthorized, "invalid_client", "Send the client credentials with HTTP Basic authentication (client_secret_basic).")
	}
	scheme, cred, ok := strings.Cut(authorization, " ")
	if !ok || !strings.EqualFold(scheme, "Basic") {
		return "", "", nil, oauthErr(badge.Unauthorized, "invalid_client", "The client must authenticate with HTTP Basic (client_secret_basic).")
	}
	raw, derr := base64.StdEncoding.DecodeString(strings.TrimSpace(cred))
	if derr != nil {
		return "", "", nil, oauthErr(badge.Unauthorized, "invalid_client", "The Basic credentials could not be read.")
	}
	id, sec, ok := strings.Cut(string(raw), ":")
	if !ok {
		return "", "", nil, oauthErr(badge.Unauthorized, "invalid_client", "The Basic credentials could not be read.")
	}
	id, err1 := url.QueryUnescape(id)
	sec, err2 := url.QueryUnescape(sec)
	if err1 != nil || err2 != nil || id == "" {
		return "", "", nil, oauthErr(badge.Unauthorized, "invalid_client", "The Basic credentials could not be read.")
	}
	if cid := form.Get("client_id"); cid != "" && cid != id {
		return "", "", nil, oauthErr(badge.Unauthorized, "invalid_client", "client_id differs from the authenticated client.")
	}
	return id, sec, form, nil
}

// ParseTokenRequest reads a token request (see ParseClientForm).
func ParseTokenRequest(authorization, contentType string, body []byte) (*TokenRequest, error) {
	id, sec, f, err := ParseClientForm(authorization, contentType, body)
	if err != nil {
		return nil, err
	}
	return &TokenRequest{ClientID: id, ClientSecret: sec, GrantType: f.Get("grant_type"), Code: f.Get("code"),
		RedirectURI: f.Get("redirect_uri"), CodeVerifier: f.Get("code_verifier"), RefreshToken: f.Get("refresh_token"),
		Scope: f.Get("scope")}, nil
}

// TokenResponse is the token endpoint's answer (RFC 6749 5.1).
type TokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
	Scope        string `json:"scope"`
}

func invalidGrant(msg string) error { return oauthErr(badge.Invalid, "invalid_grant", msg) }

// Token answers a token request: the authorization_code grant (PKCE S256 checked, the code
// used once: a second use revokes every token issued from it) or the refresh_token grant
// (rotation: the old refresh token stops working; presenting it again revokes the chain).
// Errors are *OAuthError.
func (s *OAuth) Token(ctx context.Context, req *TokenRequest) (*TokenResponse, error) {
	var resp *TokenResponse
	var grantErr error // an error to return after committing (a revocation)
	err := s.store.Update(ctx, func(tx *store.Tx) error {
		c, err := authenticateClient(ctx, tx, req.ClientID, req.ClientSecret)
		if err != nil {
			return err
		}
		if !slices.Contains([]string{"authorization_code", "refresh_token"}, req.GrantType) {
			return oauthErr(badge.Invalid, "unsupported_grant_type", "grant_type must be authorization_code or refresh_token.")
		}
		if req.GrantType == "authorization_code" {
			resp, grantErr, err = s.exchangeCode(ctx, tx, c, req)
		} else {
			resp, grantErr, err = s.refresh(ctx, tx, c, req)
		}
		return err
	})
	if err != nil {
		var oe *OAuthError
		if errors.As(err, &oe) {
			return nil, err
		}
		return nil, badge.E(badge.Internal, "The token could not be issued.", err)
	}
	if grantErr != nil {
		return nil, grantErr
	}
	return resp, nil
}

func (s *OAuth) exchangeCode(ctx context.Context, tx *store.Tx, c *store.OAuthClient, req *TokenRequest) (*TokenResponse, error, error) {
	now := s.now()
	if req.Code == "" {
		return nil, nil, oauthErr(badge.Invalid, "invalid_request", "The request has no code.")
	}
	codeHash := hashToken(req.Code)
	code, err := tx.OAuthCodeByHash(ctx, codeHash)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, invalidGrant("The code is not valid.")
	}
	if err != nil {
		return nil, nil, err
	}
	g, err := tx.OAuthGrantByID(ctx, code.GrantID)
	if err != nil {
		return nil, nil, err
	}
	if g.ClientID != c.ID {
		return nil, nil, invalidGrant("The code was issued to another client.")
	}
	if !code.UsedAt.IsZero() {
		n, err := tx.RevokeOAuthTokensOfCode(ctx, codeHash, now)
		if err != nil {
			return nil, nil, err
		}
		s.logger.WarnContext(ctx, "oauth code reused: tokens revoked", "client_id", c.ID, "revoked", n)
		return nil, invalidGrant("The code was used already; the tokens issued from it are revoked."), nil
	}
	if !now.Before(code.ExpiresAt) {
		return nil, nil, invalidGrant("The code has expired.")
	}
	if code.RedirectURI != "" && req.RedirectURI != code.RedirectURI {
		return nil, nil, invalidGrant("redirect_uri differs from the authorization request's.")
	}
	if req.CodeVerifier == "" {
		return nil, nil, oauthErr(badge.Invalid, "invalid_request", "PKCE: the request has no code_verifier.")
	}
	if !validPKCE(req.CodeVerifier) || pkceS256(req.CodeVerifier) != code.CodeChallenge {
		return nil, nil, invalidGrant("PKCE: the code_verifier does not match the code_challenge.")
	}
	if err := tx.UseOAuthCode(ctx, codeHash, now); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, nil, invalidGrant("The code was used already.")
		}
		return nil, nil, err
	}
	resp, err := s.issue(ctx, tx, g.ID, codeHash, code.Scope)
	return resp, nil, err
}

func (s *OAuth) refresh(ctx context.Context, tx *store.Tx, c *store.OAuthClient, req *TokenRequest) (*TokenResponse, error, error) {
	now := s.now()
	if req.RefreshToken == "" {
		return nil, nil, oauthErr(badge.Invalid, "invalid_request", "The request has no refresh_token.")
	}
	t, err := tx.OAuthTokenByHash(ctx, hashToken(req.RefreshToken))
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, invalidGrant("The refresh token is not valid.")
	}
	if err != nil {
		return nil, nil, err
	}
	g, err := tx.OAuthGrantByID(ctx, t.GrantID)
	if err != nil {
		return nil, nil, err
	}
	if t.Kind != "refresh" || g.ClientID != c.ID {
		return nil, nil, invalidGrant("The refresh token is not valid.")
	}
	if !t.RevokedAt.IsZero() {
		// A rotated refresh token presented again: someone else may hold it. End the chain.
		n, err := tx.RevokeOAuthTokensOfCode(ctx, t.CodeHash, now)
		if err != nil {
			return nil, nil, err
		}
		s.logger.WarnContext(ctx, "oauth refresh token reused: chain revoked", "client_id", c.ID, "revoked", n)
		return nil, invalidGrant("The refresh token is no longer valid."), nil
	}
	if !now.Before(t.ExpiresAt) {
		return nil, nil, invalidGrant("The refresh token has expired.")
	}
	scope := t.Scope
	if req.Scope != "" {
		have := strings.Fields(t.Scope)
		for _, sc := range strings.Fields(req.Scope) {
			if !slices.Contains(have, sc) {
				return nil, nil, oauthErr(badge.Invalid, "invalid_scope", "The refresh token was not granted the scope "+sc+".")
			}
		}
		scope = strings.Join(dedupe(strings.Fields(req.Scope)), " ")
	}
	if err := tx.RevokeOAuthToken(ctx, t.ID, now); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, nil, invalidGrant("The refresh token is no longer valid.")
		}
		return nil, nil, err
	}
	resp, err := s.issue(ctx, tx, g.ID, t.CodeHash, scope)
	return resp, nil, err
}

// issue stores a new access and refresh token pair of the grant.
func (s *OAuth) issue(ctx context.Context, tx *store.Tx, grantID int64, codeHash, scope string) (*TokenResponse, error) {
	now := s.now()
	access, refresh := oauthSecret("rat_"), oauthSecret("rrt_")
	if err := tx.InsertOAuthToken(ctx, &store.OAuthToken{GrantID: grantID, Kind: "access", TokenHash: hashToken(access),
		CodeHash: codeHash, Scope: scope, CreatedAt: now, ExpiresAt: now.Add(OAuthAccessTTL)}); err != nil {
		return nil, err
	}
	if err := tx.InsertOAuthToken(ctx, &store.OAuthToken{GrantID: grantID, Kind: "refresh", TokenHash: hashToken(refresh),
		CodeHash: codeHash, Scope: scope, CreatedAt: now, ExpiresAt: now.Add(OAuthRefreshTTL)}); err != nil {
		return nil, err
	}
	return &TokenResponse{AccessToken: access, TokenType: "Bearer", ExpiresIn: int(OAuthAccessTTL.Seconds()),
		RefreshToken: refresh, Scope: scope}, nil
}

// Revoke answers an RFC 7009 revocation request of an authenticated client: an access token
// stops working; a refresh token stops working with every token of its chain. An unknown
// token, or another client's, is not an error (RFC 7009 2.2).
func (s *OAuth) Revoke(ctx context.Context, clientID, secret, token string) error {
	err := s.store.Update(ctx, func(tx *store.Tx) error {
		c, err := authenticateClient(ctx, tx, clientID, secret)
		if err != nil {
			return err
		}
		if token == "" {
			return oauthErr(badge.Invalid, "invalid_request", "The request has no token.")
		}
		t, err := tx.OAuthTokenByHash(ctx, hashToken(token))
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		g, err := tx.OAuthGrantByID(ctx, t.GrantID)
		if err != nil || g.ClientID != c.ID {
			return nil
		}
		now := s.now()
		if t.Kind == "refresh" {
			_, err = tx.RevokeOAuthTokensOfCode(ctx, t.CodeHash, now)
			return err
		}
		if err := tx.RevokeOAuthToken(ctx, t.ID, now); err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		return nil
	})
	if err != nil {
		var oe *OAuthError
		if errors.As(err, &oe) {
			return err
		}
		return badge.E(badge.Internal, "The token could not be revoked.", err)
	}
	return nil
}

// OAuthAccess is what a valid access token allows: the earner, the client and the scopes.
type OAuthAccess struct {
	UserID   int64
	ClientID string
	Scopes   []string
}

// Has reports whether the access includes the scope.
func (a *OAuthAccess) Has(scope string) bool { return slices.Contains(a.Scopes, scope) }

// Authenticate checks a bearer access token: Unauthorized (invalid_token) when it is
// unknown, revoked, expired or its grant was revoked.
func (s *OAuth) Authenticate(ctx context.Context, token string) (*OAuthAccess, error) {
	bad := oauthErr(badge.Unauthorized, "invalid_token", "The access token is not valid, or has expired or been revoked.")
	if token == "" {
		return nil, bad
	}
	var out *OAuthAccess
	err := s.store.View(ctx, func(tx *store.Tx) error {
		t, err := tx.OAuthTokenByHash(ctx, hashToken(token))
		if errors.Is(err, store.ErrNotFound) {
			return bad
		}
		if err != nil {
			return err
		}
		if t.Kind != "access" || !t.RevokedAt.IsZero() || !s.now().Before(t.ExpiresAt) {
			return bad
		}
		g, err := tx.OAuthGrantByID(ctx, t.GrantID)
		if errors.Is(err, store.ErrNotFound) {
			return bad
		}
		if err != nil {
			return err
		}
		out = &OAuthAccess{UserID: g.UserID, ClientID: g.ClientID, Scopes: strings.Fields(t.Scope)}
		return nil
	})
	if err != nil {
		if errors.Is(err, badge.Unauthorized) {
			return nil, err
		}
		return nil, badge.E(badge.Internal, "The access token could not be checked.", err)
	}
	return out, nil
}
