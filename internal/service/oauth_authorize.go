package service

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/store"
)

// AuthorizeRequest is a checked authorization request (RFC 6749 4.1.1 with PKCE S256): what
// the consent page shows and what Approve needs.
type AuthorizeRequest struct {
	Client        *OAuthClient
	RedirectURI   string // where to send the answer: the one given, or the only one registered
	GivenRedirect bool   // redirect_uri was in the request (the token request must repeat it)
	Scopes        []string
	State         string
	CodeChallenge string
}

// ScopeList returns the requested scopes with their plain words, for the consent page.
func (r *AuthorizeRequest) ScopeList() []OAuthScope {
	out := make([]OAuthScope, 0, len(r.Scopes))
	for _, s := range r.Scopes {
		out = append(out, OAuthScope{URI: s, Words: ScopeWords(s)})
	}
	return out
}

// ErrorRedirect returns the redirect URI with error, error_description and state (RFC 6749
// 4.1.2.1).
func (r *AuthorizeRequest) ErrorRedirect(err error) string {
	var oe *OAuthError
	if !errors.As(err, &oe) {
		oe = oauthErr(badge.Internal, "server_error", "The request could not be served.")
	}
	q := url.Values{"error": {oe.Code}, "error_description": {oe.Description}}
	if r.State != "" {
		q.Set("state", r.State)
	}
	return addQuery(r.RedirectURI, q)
}

func addQuery(uri string, q url.Values) string {
	sep := "?"
	if strings.Contains(uri, "?") {
		sep = "&"
	}
	return uri + sep + q.Encode()
}

// CheckAuthorizeRequest checks the query of an authorization request. When the client or
// the redirect URI is wrong it returns a nil request and an error to show on a page (never
// redirect to an unchecked URI); other errors come with the request, and the caller
// redirects with AuthorizeRequest.ErrorRedirect.
func (s *OAuth) CheckAuthorizeRequest(ctx context.Context, q url.Values) (*AuthorizeRequest, error) {
	for _, k := range []string{"client_id", "redirect_uri", "response_type", "scope", "state", "code_challenge", "code_challenge_method"} {
		if len(q[k]) > 1 {
			if k == "client_id" || k == "redirect_uri" {
				return nil, oauthErr(badge.Invalid, "invalid_request", "The request repeats "+k+".")
			}
		}
	}
	id := q.Get("client_id")
	if id == "" {
		return nil, oauthErr(badge.Invalid, "invalid_request", "The request names no client (client_id).")
	}
	var c *store.OAuthClient
	err := s.store.View(ctx, func(tx *store.Tx) error {
		var err error
		c, err = tx.OAuthClientByID(ctx, id)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil, oauthErr(badge.NotFound, "invalid_client", "No application is registered with this client id.")
	}
	if err != nil {
		return nil, err
	}
	client := toOAuthClient(c)
	req := &AuthorizeRequest{Client: client, State: q.Get("state")}
	if ru := q.Get("redirect_uri"); ru != "" {
		if !slices.Contains(client.RedirectURIs, ru) {
			return nil, oauthErr(badge.Invalid, "invalid_request", "The redirect URI is not one the application registered.")
		}
		req.RedirectURI, req.GivenRedirect = ru, true
	} else if len(client.RedirectURIs) == 1 {
		req.RedirectURI = client.RedirectURIs[0]
	} else {
		return nil, oauthErr(badge.Invalid, "invalid_request", "The request has no redirect URI and the application registered several.")
	}
	for _, k := range []string{"response_type", "scope", "state", "code_challenge", "code_challenge_method"} {
		if len(q[k]) > 1 {
			return req, oauthErr(badge.Invalid, "invalid_request", "The request repeats "+k+".")
		}
	}
	if q.Get("response_type") != "code" {
		return req, oauthErr(badge.Invalid, "unsupported_response_type", "Only the authorization code flow (response_type=code) is supported.")
	}
	switch q.Get("code_challenge_method") {
	case "S256":
	case "":
		return req, oauthErr(badge.Invalid, "invalid_request", "PKCE is required: code_challenge_method=S256 and a code_challenge.")
	default:
		return req, oauthErr(badge.Invalid, "invalid_request", "Only the PKCE method S256 is supported.")
	}
	if !validPKCE(q.Get("code_challenge")) || len(q.Get("code_challenge")) != 43 {
		return req, oauthErr(badge.Invalid, "invalid_request", "The code_challenge is not an S256 challenge.")
	}
	req.CodeChallenge = q.Get("code_challenge")
	scopes := dedupe(strings.Fields(q.Get("scope")))
	if len(scopes) == 0 {
		scopes = client.Scopes
	}
	for _, sc := range scopes {
		// offline_access (asked for by the OB 3.0 examples) needs no registration: refresh
		// tokens are issued anyway.
		if !slices.Contains(client.Scopes, sc) && sc != ScopeOfflineAccess {
			return req, oauthErr(badge.Invalid, "invalid_scope", "The application did not register the scope "+sc+".")
		}
	}
	req.Scopes = scopes
	return req, nil
}

// Approve records the earner's consent to req (the grant's scopes grow to include req's) and
// returns the redirect URI carrying a new authorization code (single use, OAuthCodeTTL) and
// the state.
func (s *OAuth) Approve(ctx context.Context, user *badge.User, req *AuthorizeRequest) (string, error) {
	if user == nil {
		return "", badge.Errorf(badge.Unauthorized, "Sign in first.")
	}
	now := s.now()
	code := oauthSecret("rac_")
	err := s.store.Update(ctx, func(tx *store.Tx) error {
		scopes := req.Scopes
		gs, err := tx.OAuthGrantsByUser(ctx, user.ID)
		if err != nil {
			return err
		}
		for _, g := range gs {
			if g.ClientID == req.Client.ID {
				scopes = dedupe(append(strings.Fields(g.Scope), scopes...))
			}
		}
		g := &store.OAuthGrant{UserID: user.ID, ClientID: req.Client.ID, Scope: strings.Join(scopes, " "), CreatedAt: now, UpdatedAt: now}
		if err := tx.SaveOAuthGrant(ctx, g); err != nil {
			return err
		}
		redirect := ""
		if req.GivenRedirect {
			redirect = req.RedirectURI
		}
		return tx.InsertOAuthCode(ctx, &store.OAuthCode{CodeHash: hashToken(code), GrantID: g.ID, RedirectURI: redirect,
			Scope: strings.Join(req.Scopes, " "), CodeChallenge: req.CodeChallenge, CreatedAt: now, ExpiresAt: now.Add(OAuthCodeTTL)})
	})
	if err != nil {
		return "", badge.E(badge.Internal, "The application could not be connected.", err)
	}
	s.logger.InfoContext(ctx, "oauth consent", "user_id", user.ID, "client_id", req.Client.ID, "scope", strings.Join(req.Scopes, " "))
	q := url.Values{"code": {code}}
	if req.State != "" {
		q.Set("state", req.State)
	}
	return addQuery(req.RedirectURI, q), nil
}

// Deny returns the redirect URI telling the client the earner refused (access_denied).
func (s *OAuth) Deny(req *AuthorizeRequest) string {
	return req.ErrorRedirect(oauthErr(badge.Forbidden, "access_denied", "The earner did not allow the application."))
}

// ConnectedApp is a client an earner allowed, for the connected apps page.
type ConnectedApp struct {
	GrantID   int64
	Client    *OAuthClient
	Scopes    []OAuthScope
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Apps lists the applications the user allowed, most recently allowed first.
func (s *OAuth) Apps(ctx context.Context, user *badge.User) ([]ConnectedApp, error) {
	var out []ConnectedApp
	err := s.store.View(ctx, func(tx *store.Tx) error {
		gs, err := tx.OAuthGrantsByUser(ctx, user.ID)
		if err != nil {
			return err
		}
		for _, g := range gs {
			c, err := tx.OAuthClientByID(ctx, g.ClientID)
			if err != nil {
				return err
			}
			app := ConnectedApp{GrantID: g.ID, Client: toOAuthClient(c), CreatedAt: g.CreatedAt, UpdatedAt: g.UpdatedAt}
			for _, sc := range strings.Fields(g.Scope) {
				app.Scopes = append(app.Scopes, OAuthScope{URI: sc, Words: ScopeWords(sc)})
			}
			out = append(out, app)
		}
		return nil
	})
	if err != nil {
		return nil, badge.E(badge.Internal, "The connected applications could not be listed.", err)
	}
	return out, nil
}

// RevokeApp ends the user's grant to an application: every code and token of it stops
// working. NotFound if the user has no such grant.
func (s *OAuth) RevokeApp(ctx context.Context, user *badge.User, grantID int64) error {
	err := s.store.Update(ctx, func(tx *store.Tx) error { return tx.DeleteOAuthGrant(ctx, user.ID, grantID) })
	if errors.Is(err, store.ErrNotFound) {
		return badge.Errorf(badge.NotFound, "There is no such connected application.")
	}
	if err != nil {
		return badge.E(badge.Internal, "The application could not be disconnected.", err)
	}
	s.logger.InfoContext(ctx, "oauth grant revoked", "user_id", user.ID, "grant_id", grantID)
	return nil
}

// Prune deletes the codes and tokens that expired more than a day ago, and returns how
// many.
func (s *OAuth) Prune(ctx context.Context) (int64, error) {
	before := s.now().Add(-24 * time.Hour)
	var n int64
	err := s.store.Update(ctx, func(tx *store.Tx) error {
		c, err := tx.PruneOAuthCodes(ctx, before)
		if err != nil {
			return err
		}
		t, err := tx.PruneOAuthTokens(ctx, before)
		n = c + t
		return err
	})
	if err != nil {
		return 0, badge.E(badge.Internal, "Expired OAuth codes and tokens could not be deleted.", err)
	}
	return n, nil
}
