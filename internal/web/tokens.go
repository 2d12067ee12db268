package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
)

// Tokens is what the API tokens page needs of the tokens service (*service.Tokens). The
// service checks that the actor manages only their own tokens.
type Tokens interface {
	Create(ctx context.Context, actor *badge.User, userID int64, issuerID, name string, scopes []string, expires time.Time) (string, *badge.APIToken, error)
	List(ctx context.Context, actor *badge.User, userID int64) ([]*badge.APIToken, error)
	Revoke(ctx context.Context, actor *badge.User, id int64) (*badge.APIToken, error)
}

// tokenExpiries are the choices of the expiry select, in days (0: never).
var tokenExpiries = []struct {
	Days  int
	Label string
}{{7, "7 days"}, {30, "30 days"}, {90, "90 days"}, {365, "1 year"}, {0, "Never"}}

// scopeHelp says what each scope allows, beside its checkbox.
var scopeHelp = map[badge.Scope]string{
	badge.ScopeIssuersRead:  "read issuer profiles",
	badge.ScopeIssuersWrite: "edit issuer profiles (and create issuers, for site administrators)",
	badge.ScopeBadgesRead:   "read badge classes",
	badge.ScopeBadgesWrite:  "create and edit badge classes",
	badge.ScopeAwardsRead:   "read awards",
	badge.ScopeAwardsWrite:  "award badges",
	badge.ScopeAwardsRevoke: "revoke awards",
}

type tokenRow struct {
	*badge.APIToken
	IssuerName string
	Active     bool
}

type tokensPage struct {
	Frame
	Tokens   []tokenRow
	Issuers  []badge.Membership
	Scopes   []badge.Scope
	Help     map[badge.Scope]string
	Expiries any
	Errors   formErrors
	// The form's values.
	Name     string
	IssuerID string
	Chosen   map[badge.Scope]bool
	Days     int
	// NewToken is the text of the token just created, shown once.
	NewToken string
	Now      time.Time
}

func (s *Site) tokensPage(r *http.Request, p *tokensPage) error {
	u := userFrom(r.Context())
	p.Frame = Frame{Title: "API tokens", Nav: "tokens"}
	p.Scopes, p.Help, p.Expiries, p.Now = badge.Scopes(), scopeHelp, tokenExpiries, time.Now()
	if p.Errors == nil {
		p.Errors = formErrors{}
	}
	if p.Chosen == nil {
		p.Chosen = map[badge.Scope]bool{}
	}
	names := map[string]string{}
	if s.issuers != nil {
		ms, err := s.issuers.ListForUser(r.Context(), u)
		if err != nil {
			return err
		}
		p.Issuers = ms
		for _, m := range ms {
			names[m.Issuer.ID] = m.Issuer.Name
		}
	}
	list, err := s.tokens.List(r.Context(), u, u.ID)
	if err != nil {
		return err
	}
	for _, t := range list {
		name := names[t.IssuerID]
		if name == "" && t.IssuerID != "" {
			name = t.IssuerID
		}
		p.Tokens = append(p.Tokens, tokenRow{APIToken: t, IssuerName: name, Active: t.Active(p.Now)})
	}
	return nil
}

// tokenList shows the signed-in user's API tokens and the form creating one.
func (s *Site) tokenList(w http.ResponseWriter, r *http.Request) {
	p := &tokensPage{Days: 90}
	if err := s.tokensPage(r, p); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "tokens", p)
}

// tokenCreate creates a token and shows its text once, on the page itself (never in a
// redirect or a cookie).
func (s *Site) tokenCreate(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, badge.E(badge.Invalid, "The form could not be read.", err))
		return
	}
	u := userFrom(r.Context())
	f := r.PostForm
	p := &tokensPage{Name: f.Get("name"), IssuerID: f.Get("issuer"), Chosen: map[badge.Scope]bool{}, Errors: formErrors{}}
	for _, sc := range f["scope"] {
		p.Chosen[badge.Scope(sc)] = true
	}
	p.Days, _ = strconv.Atoi(f.Get("expires_days"))
	var expires time.Time
	if p.Days < 0 || p.Days > 3650 {
		p.Errors["expires"] = "Choose an expiry from the list."
	} else if p.Days > 0 {
		expires = time.Now().Add(time.Duration(p.Days) * 24 * time.Hour)
	}
	status := http.StatusOK
	if len(p.Errors) == 0 {
		text, _, err := s.tokens.Create(r.Context(), u, u.ID, p.IssuerID, p.Name, f["scope"], expires)
		if err != nil {
			if !s.formFailure(w, r, err, p.Errors) {
				return
			}
			status = statusOf(err)
		} else {
			p.NewToken = text
			p.Name, p.IssuerID, p.Chosen, p.Days = "", "", nil, 90
			status = http.StatusCreated
		}
	} else {
		status = http.StatusUnprocessableEntity
	}
	if err := s.tokensPage(r, p); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, "tokens", p)
}

// tokenRevoke revokes one of the user's tokens.
func (s *Site) tokenRevoke(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.serveError(w, r, http.StatusNotFound, "")
		return
	}
	if _, err := s.tokens.Revoke(r.Context(), userFrom(r.Context()), id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.setFlash(w, r, "token-revoked")
	redirect(w, r, "/account/tokens")
}
