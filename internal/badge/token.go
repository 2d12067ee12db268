package badge

import (
	"slices"
	"strings"
	"time"
)

// Scope is one permission an API token may carry. A token acts as its user and can never do
// more than the user may; the scopes (and the token's issuer restriction) only narrow that.
type Scope string

// The API token scopes.
const (
	ScopeIssuersRead  Scope = "issuers:read"  // read issuer profiles (ActView)
	ScopeIssuersWrite Scope = "issuers:write" // create and edit issuers (ActEditIssuer, and ActView)
	ScopeBadgesRead   Scope = "badges:read"   // read badge classes (ActView)
	ScopeBadgesWrite  Scope = "badges:write"  // create and edit badge classes (ActDesignBadge, and ActView)
	ScopeAwardsRead   Scope = "awards:read"   // read awards (ActView)
	ScopeAwardsWrite  Scope = "awards:write"  // issue awards (ActAward, and ActView)
	ScopeAwardsRevoke Scope = "awards:revoke" // revoke awards (ActRevoke, and ActView)
)

// Scopes lists every scope, in the order forms show them.
func Scopes() []Scope {
	return []Scope{ScopeIssuersRead, ScopeIssuersWrite, ScopeBadgesRead, ScopeBadgesWrite,
		ScopeAwardsRead, ScopeAwardsWrite, ScopeAwardsRevoke}
}

// scopeActions is the action each scope grants (immutable); every scope also grants ActView,
// since writing something needs reading it. Actions no scope grants (managing staff and keys,
// reports) are never done with a token.
var scopeActions = map[Scope]Action{
	ScopeIssuersRead:  ActView,
	ScopeIssuersWrite: ActEditIssuer,
	ScopeBadgesRead:   ActView,
	ScopeBadgesWrite:  ActDesignBadge,
	ScopeAwardsRead:   ActView,
	ScopeAwardsWrite:  ActAward,
	ScopeAwardsRevoke: ActRevoke,
}

// ParseScopes checks a list of scope names and returns them without duplicates, in the order
// of Scopes. At least one is required. The error is an Invalid FieldError on "scopes".
func ParseScopes(names []string) ([]Scope, error) {
	seen := map[Scope]bool{}
	for _, n := range names {
		for _, f := range strings.Fields(strings.ReplaceAll(n, ",", " ")) {
			s := Scope(f)
			if _, ok := scopeActions[s]; !ok {
				return nil, FieldError(Invalid, "scopes", "Scope "+quote(f)+" is not one of "+scopeList()+".", nil)
			}
			seen[s] = true
		}
	}
	if len(seen) == 0 {
		return nil, FieldError(Invalid, "scopes", "Choose at least one scope.", nil)
	}
	var out []Scope
	for _, s := range Scopes() {
		if seen[s] {
			out = append(out, s)
		}
	}
	return out, nil
}

func quote(s string) string {
	if len(s) > 40 {
		s = s[:40] + "..."
	}
	return `"` + strings.ToValidUTF8(s, "?") + `"`
}

func scopeList() string {
	names := make([]string, 0, len(scopeActions))
	for _, s := range Scopes() {
		names = append(names, string(s))
	}
	return strings.Join(names, ", ")
}

// TokenGrant is what an API token allows, carried on the User acting with it: the service's
// permission checks apply it on top of the user's roles.
type TokenGrant struct {
	TokenID  int64
	IssuerID string // "" = any issuer the user may act on
	Scopes   []Scope
}

// Allows reports whether the grant permits action on the issuer: the token is not limited to
// another issuer and one of its scopes grants the action (any scope grants ActView). The
// user's role is checked apart.
func (g *TokenGrant) Allows(issuerID string, action Action) bool {
	if g.IssuerID != "" && g.IssuerID != issuerID {
		return false
	}
	for _, s := range g.Scopes {
		if a, ok := scopeActions[s]; ok && (a == action || action == ActView) {
			return true
		}
	}
	return false
}

// AllowsCreateIssuer reports whether the grant permits creating issuers: scope issuers:write
// and no issuer restriction (the service still requires a site admin).
func (g *TokenGrant) AllowsCreateIssuer() bool {
	return g.IssuerID == "" && slices.Contains(g.Scopes, ScopeIssuersWrite)
}

// AllowsListing reports whether the grant may list the issuers it may act on: any scope.
func (g *TokenGrant) AllowsListing() bool {
	for _, s := range g.Scopes {
		if _, ok := scopeActions[s]; ok {
			return true
		}
	}
	return false
}

// APIToken is an API token's record as its owner sees it; the token text itself is shown once
// at creation and never stored.
type APIToken struct {
	ID         int64
	UserID     int64
	IssuerID   string // "" = any issuer the user may act on
	Name       string
	Scopes     []Scope
	Prefix     string // the first characters of the token, to recognise it ("rst_abcd")
	CreatedAt  time.Time
	LastUsedAt time.Time // zero: never used
	ExpiresAt  time.Time // zero: never expires
	RevokedAt  time.Time // zero: not revoked
}

// Active reports whether the token can still be used at now.
func (t *APIToken) Active(now time.Time) bool {
	return t.RevokedAt.IsZero() && (t.ExpiresAt.IsZero() || now.Before(t.ExpiresAt))
}
