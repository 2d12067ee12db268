package service

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/store"
)

// The scopes of the two APIs the OAuth server protects. A client registers for some of them;
// an access token carries those the earner allowed.
const (
	ScopeOB3CredentialRead   = "https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.readonly"
	ScopeOB3CredentialUpsert = "https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.upsert"
	ScopeOB3ProfileRead      = "https://purl.imsglobal.org/spec/ob/v3p0/scope/profile.readonly"
	ScopeOB3ProfileUpdate    = "https://purl.imsglobal.org/spec/ob/v3p0/scope/profile.update"
	ScopeOB21AssertionRead   = "https://purl.imsglobal.org/spec/ob/v2p1/scope/assertion.readonly"
	ScopeOB21AssertionCreate = "https://purl.imsglobal.org/spec/ob/v2p1/scope/assertion.create"
	ScopeOB21ProfileRead     = "https://purl.imsglobal.org/spec/ob/v2p1/scope/profile.readonly"
	ScopeOB21ProfileUpdate   = "https://purl.imsglobal.org/spec/ob/v2p1/scope/profile.update"
	// ScopeOfflineAccess is requested by the OB 3.0 examples; refresh tokens are issued
	// anyway, so it only shows on the consent page.
	ScopeOfflineAccess = "offline_access"
)

// OAuthScope is a scope and how the consent page says it in plain words.
type OAuthScope struct {
	URI   string
	Words string
}

// oauthScopes is every scope the server knows, in the order the consent page lists them.
var oauthScopes = []OAuthScope{
	{ScopeOB3CredentialRead, "See the badges in your wallet"},
	{ScopeOB3CredentialUpsert, "Add badges to your wallet, or replace ones it holds"},
	{ScopeOB3ProfileRead, "See your profile (name, email address, web site, description, picture)"},
	{ScopeOB3ProfileUpdate, "Change your profile"},
	{ScopeOB21AssertionRead, "See the Open Badges 2.0 badges in your wallet"},
	{ScopeOB21AssertionCreate, "Add Open Badges 2.0 badges to your wallet"},
	{ScopeOB21ProfileRead, "See your profile (name, email address, web site, description, picture)"},
	{ScopeOB21ProfileUpdate, "Change your profile"},
	{ScopeOfflineAccess, "Stay connected when you are not using the app"},
}

// OB3Scopes and OB21Scopes are the scopes offered by each API (discovery and manifest).
var (
	OB3Scopes  = []string{ScopeOB3CredentialRead, ScopeOB3CredentialUpsert, ScopeOB3ProfileRead, ScopeOB3ProfileUpdate}
	OB21Scopes = []string{ScopeOB21AssertionRead, ScopeOB21AssertionCreate, ScopeOB21ProfileRead, ScopeOB21ProfileUpdate}
)

// ScopeWords returns the plain words of a scope ("" for an unknown one).
func ScopeWords(uri string) string {
	for _, s := range oauthScopes {
		if s.URI == uri {
			return s.Words
		}
	}
	return ""
}

func knownScope(uri string) bool { return ScopeWords(uri) != "" }

// Lifetimes of what the server hands out.
const (
	OAuthCodeTTL    = 10 * time.Minute
	OAuthAccessTTL  = time.Hour
	OAuthRefreshTTL = 180 * 24 * time.Hour
)

// OAuthError is an error of the OAuth protocol: Code is the error code of RFC 6749 (4.1.2.1,
// 5.2), RFC 7591 (3.2.2) or RFC 7009, Description a message safe to send to the client. It
// also matches its badge kind with errors.Is.
type OAuthError struct {
	Code        string
	Description string
	Kind        badge.Kind
}

func (e *OAuthError) Error() string        { return e.Code + ": " + e.Description }
func (e *OAuthError) Is(target error) bool { return target == e.Kind }

func oauthErr(kind badge.Kind, code, description string) *OAuthError {
	return &OAuthError{Code: code, Description: description, Kind: kind}
}

// OAuthOptions configure the OAuth server.
type OAuthOptions struct {
	// AllowLoopbackHTTP accepts http://127.0.0.1, http://[::1] and http://localhost redirect
	// and client URIs (tests and development); otherwise every URI must be https.
	AllowLoopbackHTTP bool
	// RegistrationsPerHour bounds the clients one address may register per hour (default
	// 20); RegistrationsPerHourTotal bounds them all (default 1000).
	RegistrationsPerHour      int
	RegistrationsPerHourTotal int
}

// OAuth is the OAuth 2.0 authorization server of the OB 3.0 API and Badge Connect: RFC 7591
// dynamic client registration, the authorization code grant with PKCE S256 and the earner's
// consent, refresh token rotation, RFC 7009 revocation, bearer token checks, and the earner's
// list of connected apps. Safe for concurrent use.
type OAuth struct {
	store  *store.Store
	clock  badge.Clock
	logger *slog.Logger
	opts   OAuthOptions
}

// NewOAuth returns the OAuth server.
func NewOAuth(st *store.Store, clock badge.Clock, logger *slog.Logger, opts OAuthOptions) *OAuth {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if opts.RegistrationsPerHour <= 0 {
		opts.RegistrationsPerHour = 20
	}
	if opts.RegistrationsPerHourTotal <= 0 {
		opts.RegistrationsPerHourTotal = 1000
	}
	return &OAuth{store: st, clock: clock, logger: logger, opts: opts}
}

func (s *OAuth) now() time.Time { return s.clock.Now().UTC() }

// oauthSecret returns 32 random bytes in unpadded base64url, with a prefix.
func oauthSecret(prefix string) string {
	var b [32]byte
	rand.Read(b[:])
	return prefix + base64.RawURLEncoding.EncodeToString(b[:])
}

// ClientRegistration is an RFC 7591 registration request (OB 3.0 security §: every field
// but the optional ones is required).
type ClientRegistration struct {
	ClientName              string   `json:"client_name"`
	ClientURI               string   `json:"client_uri"`
	LogoURI                 string   `json:"logo_uri"`
	TosURI                  string   `json:"tos_uri"`
	PolicyURI               string   `json:"policy_uri"`
	SoftwareID              string   `json:"software_id"`
	SoftwareVersion         string   `json:"software_version"`
	RedirectURIs            []string `json:"redirect_uris"`
	Scope                   string   `json:"scope"`
	TokenEndpointAuthMethod string   `json:"token_endpoint_auth_method,omitempty"`
	GrantTypes              []string `json:"grant_types,omitempty"`
	ResponseTypes           []string `json:"response_types,omitempty"`
	Contacts                []string `json:"contacts,omitempty"`
}

// RegisteredClient is the RFC 7591 registration response: the metadata as registered and
// the client's credentials. ClientSecret is shown this once; only its hash is stored.
type RegisteredClient struct {
	ClientID              string `json:"client_id"`
	ClientSecret          string `json:"client_secret"`
	ClientIDIssuedAt      int64  `json:"client_id_issued_at"`
	ClientSecretExpiresAt int64  `json:"client_secret_expires_at"`
	ClientRegistration
}

// maxRegistrationBody bounds a registration request.
const maxRegistrationBody = 16 << 10

// ParseClientRegistration reads and checks an RFC 7591 registration request body (JSON). Its
// errors are *OAuthError with code invalid_client_metadata or invalid_redirect_uri.
// allowLoopback accepts http loopback URIs (OAuthOptions.AllowLoopbackHTTP).
func ParseClientRegistration(body []byte, allowLoopback bool) (*ClientRegistration, error) {
	bad := func(msg string) error { return oauthErr(badge.Invalid, "invalid_client_metadata", msg) }
	if len(body) > maxRegistrationBody {
		return nil, bad("The registration request is too large.")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	var reg ClientRegistration
	if err := dec.Decode(&reg); err != nil {
		return nil, bad("The registration request is not a JSON object with the RFC 7591 members.")
	}
	if dec.More() {
		return nil, bad("The registration request has data after the JSON object.")
	}
	for _, f := range []struct{ name, v string }{{"client_name", reg.ClientName}, {"software_id", reg.SoftwareID},
		{"software_version", reg.SoftwareVersion}, {"scope", reg.Scope}} {
		if strings.TrimSpace(f.v) == "" {
			return nil, bad(f.name + " is required.")
		}
		if len(f.v) > 1000 {
			return nil, bad(f.name + " is too long.")
		}
	}
	client, err := checkClientURL(reg.ClientURI, allowLoopback)
	if err != nil {
		return nil, bad("client_uri: " + err.Error())
	}
	for _, f := range []struct{ name, v string }{{"logo_uri", reg.LogoURI}, {"tos_uri", reg.TosURI}, {"policy_uri", reg.PolicyURI}} {
		u, err := checkClientURL(f.v, allowLoopback)
		if err != nil {
			return nil, bad(f.name + ": " + err.Error())
		}
		if !strings.EqualFold(u.Hostname(), client.Hostname()) {
			return nil, bad(f.name + " must be on the host of client_uri.")
		}
	}
	if len(reg.RedirectURIs) == 0 || len(reg.RedirectURIs) > 10 {
		return nil, oauthErr(badge.Invalid, "invalid_redirect_uri", "redirect_uris must list one to ten URIs.")
	}
	for _, r := range reg.RedirectURIs {
		u, err := checkClientURL(r, allowLoopback)
		if err != nil {
			return nil, oauthErr(badge.Invalid, "invalid_redirect_uri", "redirect_uris: "+err.Error())
		}
		if u.Fragment != "" || strings.Contains(r, "#") {
			return nil, oauthErr(badge.Invalid, "invalid_redirect_uri", "A redirect URI may not have a fragment.")
		}
		if !strings.EqualFold(u.Hostname(), client.Hostname()) {
			return nil, oauthErr(badge.Invalid, "invalid_redirect_uri", "Each redirect URI must be on the host of client_uri.")
		}
	}
	scopes := strings.Fields(reg.Scope)
	for _, sc := range scopes {
		if !knownScope(sc) {
			return nil, oauthErr(badge.Invalid, "invalid_client_metadata", "Unknown scope: "+sc)
		}
	}
	reg.Scope = strings.Join(dedupe(scopes), " ")
	switch reg.TokenEndpointAuthMethod {
	case "":
		reg.TokenEndpointAuthMethod = "client_secret_basic"
	case "client_secret_basic":
	default:
		return nil, bad("token_endpoint_auth_method must be client_secret_basic.")
	}
	for _, g := range reg.GrantTypes {
		if g != "authorization_code" && g != "refresh_token" {
			return nil, bad("grant_types may hold only authorization_code and refresh_token.")
		}
	}
	if len(reg.GrantTypes) == 0 {
		reg.GrantTypes = []string{"authorization_code", "refresh_token"}
	}
	for _, r := range reg.ResponseTypes {
		if r != "code" {
			return nil, bad("response_types may hold only code.")
		}
	}
	if len(reg.ResponseTypes) == 0 {
		reg.ResponseTypes = []string{"code"}
	}
	if len(reg.Contacts) > 10 {
		return nil, bad("contacts lists too many addresses.")
	}
	return &reg, nil
}

func dedupe(xs []string) []string {
	var out []string
	for _, x := range xs {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// checkClientURL parses an absolute https URL (or an http loopback one when allowed).
func checkClientURL(s string, allowLoopback bool) (*url.URL, error) {
	if s == "" {
		return nil, errors.New("required")
	}
	if len(s) > 2000 {
		return nil, errors.New("too long")
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.User != nil {
		return nil, errors.New("not an absolute URL")
	}
	switch u.Scheme {
	case "https":
		return u, nil
	case "http":
		if allowLoopback && isLoopbackHost(u.Hostname()) {
			return u, nil
		}
	}
	return nil, errors.New("must be an https URL")
}

func isLoopbackHost(h string) bool {
	if strings.EqualFold(h, "localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// Register records a new client (RFC 7591), registered from addr (the client's IP address),
// and returns its id and secret. Registrations are bounded per address and in all per hour
// (TooMany).
func (s *OAuth) Register(ctx context.Context, reg *ClientRegistration, addr string) (*RegisteredClient, error) {
	now := s.now()
	out := &RegisteredClient{ClientID: oauthSecret("rc_")[:27], ClientSecret: oauthSecret("rcs_"),
		ClientIDIssuedAt: now.Unix(), ClientRegistration: *reg}
	meta, err := json.Marshal(out.ClientRegistration)
	if err != nil {
		return nil, badge.E(badge.Internal, "The client could not be registered.", err)
	}
	err = s.store.Update(ctx, func(tx *store.Tx) error {
		all, mine, err := tx.CountOAuthClients(ctx, addr, now.Add(-time.Hour))
		if err != nil {
			return err
		}
		if mine >= int64(s.opts.RegistrationsPerHour) || all >= int64(s.opts.RegistrationsPerHourTotal) {
			return badge.Errorf(badge.TooMany, "Too many clients were registered recently; try again later.")
		}
		return tx.InsertOAuthClient(ctx, &store.OAuthClient{ID: out.ClientID, SecretHash: hashToken(out.ClientSecret),
			ClientName: reg.ClientName, ClientURI: reg.ClientURI, LogoURI: reg.LogoURI, TosURI: reg.TosURI,
			PolicyURI: reg.PolicyURI, SoftwareID: reg.SoftwareID, SoftwareVersion: reg.SoftwareVersion,
			RedirectURIs: strings.Join(reg.RedirectURIs, "\n"), Scope: reg.Scope, Metadata: string(meta),
			RegisteredAddr: addr, CreatedAt: now})
	})
	if err != nil {
		if errors.Is(err, badge.TooMany) {
			return nil, err
		}
		return nil, badge.E(badge.Internal, "The client could not be registered.", err)
	}
	s.logger.InfoContext(ctx, "oauth client registered", slog.String("client_id", out.ClientID),
		slog.String("client_name", reg.ClientName), slog.String("addr", addr))
	return out, nil
}

// OAuthClient is a registered client as the consent and apps pages show it.
type OAuthClient struct {
	ID           string
	Name         string
	ClientURI    string
	LogoURI      string
	TosURI       string
	PolicyURI    string
	RedirectURIs []string
	Scopes       []string
}

func toOAuthClient(c *store.OAuthClient) *OAuthClient {
	return &OAuthClient{ID: c.ID, Name: c.ClientName, ClientURI: c.ClientURI, LogoURI: c.LogoURI, TosURI: c.TosURI,
		PolicyURI: c.PolicyURI, RedirectURIs: strings.Split(c.RedirectURIs, "\n"), Scopes: strings.Fields(c.Scope)}
}

// authenticateClient checks a client's id and secret (constant time); Unauthorized with
// code invalid_client otherwise.
func authenticateClient(ctx context.Context, tx *store.Tx, id, secret string) (*store.OAuthClient, error) {
	bad := oauthErr(badge.Unauthorized, "invalid_client", "The client id or secret is not right.")
	if id == "" || secret == "" {
		return nil, bad
	}
	c, err := tx.OAuthClientByID(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, bad
	}
	if err != nil {
		return nil, err
	}
	want := hashToken(secret)
	if subtle.ConstantTimeCompare([]byte(want), []byte(c.SecretHash)) != 1 {
		return nil, bad
	}
	return c, nil
}

// pkceS256 returns BASE64URL(SHA256(verifier)) (RFC 7636 4.2).
func pkceS256(verifier string) string {
	h := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(h[:])
}

// validPKCE reports whether s is a legal code verifier or S256 challenge: 43 to 128
// characters of [A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~" (RFC 7636 4.1).
func validPKCE(s string) bool {
	if len(s) < 43 || len(s) > 128 {
		return false
	}
	for _, c := range s {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.ContainsRune("-._~", c)) {
			return false
		}
	}
	return true
}
