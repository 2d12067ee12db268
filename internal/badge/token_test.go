package badge

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestTokenGrantAllows(t *testing.T) {
	all := Scopes()
	tests := []struct {
		name   string
		grant  TokenGrant
		issuer string
		action Action
		want   bool
	}{
		{"issuers:read views", TokenGrant{Scopes: []Scope{ScopeIssuersRead}}, "i1", ActView, true},
		{"badges:read views", TokenGrant{Scopes: []Scope{ScopeBadgesRead}}, "i1", ActView, true},
		{"awards:read views", TokenGrant{Scopes: []Scope{ScopeAwardsRead}}, "i1", ActView, true},
		{"read does not write", TokenGrant{Scopes: []Scope{ScopeIssuersRead, ScopeBadgesRead, ScopeAwardsRead}}, "i1", ActEditIssuer, false},
		{"issuers:write edits", TokenGrant{Scopes: []Scope{ScopeIssuersWrite}}, "i1", ActEditIssuer, true},
		{"issuers:write views", TokenGrant{Scopes: []Scope{ScopeIssuersWrite}}, "i1", ActView, true},
		{"awards:revoke views", TokenGrant{Scopes: []Scope{ScopeAwardsRevoke}}, "i1", ActView, true},
		{"badges:write designs", TokenGrant{Scopes: []Scope{ScopeBadgesWrite}}, "i1", ActDesignBadge, true},
		{"badges:write does not award", TokenGrant{Scopes: []Scope{ScopeBadgesWrite}}, "i1", ActAward, false},
		{"awards:write awards", TokenGrant{Scopes: []Scope{ScopeAwardsWrite}}, "i1", ActAward, true},
		{"awards:write does not revoke", TokenGrant{Scopes: []Scope{ScopeAwardsWrite}}, "i1", ActRevoke, false},
		{"awards:revoke revokes", TokenGrant{Scopes: []Scope{ScopeAwardsRevoke}}, "i1", ActRevoke, true},
		{"no scope for staff", TokenGrant{Scopes: all}, "i1", ActManageStaff, false},
		{"no scope for keys", TokenGrant{Scopes: all}, "i1", ActManageKeys, false},
		{"no scope for reports", TokenGrant{Scopes: all}, "i1", ActViewReports, false},
		{"own issuer", TokenGrant{IssuerID: "i1", Scopes: all}, "i1", ActAward, true},
		{"other issuer", TokenGrant{IssuerID: "i1", Scopes: all}, "i2", ActView, false},
		{"no scopes", TokenGrant{}, "i1", ActView, false},
		{"unknown scope", TokenGrant{Scopes: []Scope{"admin"}}, "i1", ActView, false},
	}
	for _, tt := range tests {
		if got := tt.grant.Allows(tt.issuer, tt.action); got != tt.want {
			t.Errorf("%s: Allows(%q, %s) = %v", tt.name, tt.issuer, tt.action, got)
		}
	}
}

func TestTokenGrantCreateAndList(t *testing.T) {
	tests := []struct {
		grant          TokenGrant
		create, listOK bool
	}{
		{TokenGrant{Scopes: []Scope{ScopeIssuersWrite}}, true, true},
		{TokenGrant{IssuerID: "i1", Scopes: []Scope{ScopeIssuersWrite, ScopeIssuersRead}}, false, true},
		{TokenGrant{Scopes: []Scope{ScopeBadgesRead}}, false, true},
		{TokenGrant{Scopes: []Scope{ScopeAwardsWrite, ScopeAwardsRevoke}}, false, true},
		{TokenGrant{Scopes: []Scope{"root"}}, false, false},
	}
	for _, tt := range tests {
		if got := tt.grant.AllowsCreateIssuer(); got != tt.create {
			t.Errorf("%+v: AllowsCreateIssuer = %v", tt.grant, got)
		}
		if got := tt.grant.AllowsListing(); got != tt.listOK {
			t.Errorf("%+v: AllowsListing = %v", tt.grant, got)
		}
	}
}

func TestParseScopes(t *testing.T) {
	tests := []struct {
		in      []string
		want    []Scope
		wantErr string
	}{
		{[]string{"awards:write", "badges:read", "awards:write"}, []Scope{ScopeBadgesRead, ScopeAwardsWrite}, ""},
		{[]string{"issuers:read,issuers:write awards:revoke"}, []Scope{ScopeIssuersRead, ScopeIssuersWrite, ScopeAwardsRevoke}, ""},
		{nil, nil, "Choose at least one scope."},
		{[]string{" "}, nil, "Choose at least one scope."},
		{[]string{"awards:delete"}, nil, `Scope "awards:delete" is not one of issuers:read, issuers:write, badges:read, badges:write, awards:read, awards:write, awards:revoke.`},
	}
	for _, tt := range tests {
		got, err := ParseScopes(tt.in)
		if tt.wantErr != "" {
			if !errors.Is(err, Invalid) || FieldMessages(err)["scopes"] != tt.wantErr {
				t.Errorf("ParseScopes(%q) error = %v", tt.in, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseScopes(%q): %v", tt.in, err)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseScopes(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestAPITokenActive(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		tok  APIToken
		want bool
	}{
		{APIToken{}, true},
		{APIToken{ExpiresAt: now.Add(time.Second)}, true},
		{APIToken{ExpiresAt: now}, false},
		{APIToken{RevokedAt: now.Add(-time.Hour)}, false},
	} {
		if got := tt.tok.Active(now); got != tt.want {
			t.Errorf("%+v: Active = %v", tt.tok, got)
		}
	}
}
