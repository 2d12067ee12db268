package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/service"
	"github.com/rosettebadges/rosette/internal/store"
)

// Earners is what the claim, wallet and address pages need of the earners service
// (*service.Earners).
type Earners interface {
	Claim(ctx context.Context, token string, viewer *badge.User) (*service.ClaimView, error)
	Accept(ctx context.Context, user *badge.User, token string) (*store.WalletItem, error)
	SignUpAndAccept(ctx context.Context, token, name, password string) (*badge.User, error)
	Decline(ctx context.Context, user *badge.User, token string) error
	Pending(ctx context.Context, user *badge.User) ([]service.PendingAward, error)
	AcceptPending(ctx context.Context, user *badge.User, awardID string) (*store.WalletItem, error)
	DeclinePending(ctx context.Context, user *badge.User, awardID string) error
	Wallet(ctx context.Context, user *badge.User, page int) (*service.WalletPage, error)
	IsStaff(ctx context.Context, user *badge.User) (bool, error)
	AwardResponse(ctx context.Context, awardID string) (*store.AwardResponse, error)
	Emails(ctx context.Context, user *badge.User) ([]service.EmailAddress, error)
	AddEmail(ctx context.Context, user *badge.User, email string) (*service.EmailAddress, error)
	VerifyEmail(ctx context.Context, token string) (*service.EmailAddress, error)
	MakePrimary(ctx context.Context, user *badge.User, id int64) error
	RemoveEmail(ctx context.Context, user *badge.User, id int64) error
	Merge(ctx context.Context, user *badge.User, email, password, clientAddr string) (*service.MergeResult, error)
}

// registerClaim mounts the claim page, the wallet and the address pages (with Earners set).
func (s *Site) registerClaim(r Router) {
	r.HandleBrowser("GET /claim/{token}", s.withUser(s.claimPage))
	r.HandleBrowser("POST /claim/{token}/accept", s.withUser(s.claimAccept))
	r.HandleBrowser("POST /claim/{token}/signup", s.withUser(s.claimSignUp))
	r.HandleBrowser("POST /claim/{token}/decline", s.withUser(s.claimDecline))
	signedIn := func(h http.HandlerFunc) http.Handler { return s.withUser(s.requireUser(h)) }
	r.HandleBrowser("GET /wallet", signedIn(s.walletPage))
	r.HandleBrowser("POST /wallet/pending/{id}/accept", signedIn(s.pendingAccept))
	r.HandleBrowser("POST /wallet/pending/{id}/decline", signedIn(s.pendingDecline))
	r.HandleBrowser("GET /account/emails", signedIn(s.emailsPage))
	r.HandleBrowser("POST /account/emails", signedIn(s.emailAdd))
	r.HandleBrowser("POST /account/emails/{id}/primary", signedIn(s.emailPrimary))
	r.HandleBrowser("POST /account/emails/{id}/remove", signedIn(s.emailRemove))
	r.HandleBrowser("GET /account/emails/verify/{token}", s.withUser(s.emailVerify))
	r.HandleBrowser("GET /account/merge", signedIn(s.mergeForm))
	r.HandleBrowser("POST /account/merge", signedIn(s.mergeSubmit))
}

// claimPage is the claim page data: the badge, and Accept / Decline with whatever the
// visitor needs to accept (sign in, or an account made on the spot).
type claimPage struct {
	Frame
	Token  string
	Claim  *service.ClaimView
	Image  string // path or URL of the badge image
	Name   string // the sign-up form's name, kept on errors
	Errors formErrors
}

// LoginURL is the sign-in page coming back to this claim page.
func (p *claimPage) LoginURL() string { return "/login?next=" + url.QueryEscape("/claim/"+p.Token) }

// ClaimPath is where the page's forms post.
func (p *claimPage) ClaimPath() string { return "/claim/" + url.PathEscape(p.Token) }

var badClaimMessage = "This claim link is not valid. Check that the whole link from the email was opened; if it was, ask the issuer of the badge for a new one."

// noStoreClaim marks a claim response: the token in the URL must not leak through caches or
// the Referer header.
func noStoreClaim(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
}

// claimView loads the claim and fails with the right page (404 for a bad token).
func (s *Site) claimView(w http.ResponseWriter, r *http.Request) (*claimPage, bool) {
	noStoreClaim(w)
	token := r.PathValue("token")
	v, err := s.earners.Claim(r.Context(), token, userFrom(r.Context()))
	if err != nil {
		if errors.Is(err, badge.NotFound) {
			s.serveError(w, r, http.StatusNotFound, badClaimMessage)
			return nil, false
		}
		s.fail(w, r, err)
		return nil, false
	}
	return &claimPage{Frame: Frame{Title: "Your badge: " + v.BadgeName, Nav: "wallet"}, Token: token, Claim: v,
		Image: s.ownPath(v.ImageURL), Name: v.RecipientName, Errors: formErrors{}}, true
}

// ownPath is an absolute URL of this installation as a local path (images stay within the
// Content-Security-Policy's 'self'); other URLs are returned as they are.
func (s *Site) ownPath(abs string) string {
	if abs != "" && s.urls.Base != "" && strings.HasPrefix(abs, s.urls.Base+"/") {
		return s.localPath(abs)
	}
	return abs
}

// claimPage shows the claim page: GET /claim/{token}.
func (s *Site) claimPage(w http.ResponseWriter, r *http.Request) {
	p, ok := s.claimView(w, r)
	if !ok {
		return
	}
	s.render(w, r, http.StatusOK, "claim", p)
}

// claimAccept accepts the badge into the signed-in account's wallet.
func (s *Site) claimAccept(w http.ResponseWriter, r *http.Request) {
	noStoreClaim(w)
	u := userFrom(r.Context())
	if u == nil {
		s.setFlash(w, r, "signin-needed")
		redirect(w, r, "/login?next="+url.QueryEscape("/claim/"+r.PathValue("token")))
		return
	}
	if _, err := s.earners.Accept(r.Context(), u, r.PathValue("token")); err != nil {
		s.claimFailure(w, r, err)
		return
	}
	s.setFlash(w, r, "badge-accepted")
	redirect(w, r, "/wallet")
}

// claimFailure shows the claim page again with the service's message, or the error page.
func (s *Site) claimFailure(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, badge.NotFound) {
		s.serveError(w, r, http.StatusNotFound, badClaimMessage)
		return
	}
	if !errors.Is(err, badge.Invalid) && !errors.Is(err, badge.Conflict) {
		s.fail(w, r, err)
		return
	}
	p, ok := s.claimView(w, r)
	if !ok {
		return
	}
	s.formFailure(w, r, err, p.Errors)
	p.Name = strings.TrimSpace(r.PostFormValue("name"))
	s.render(w, r, statusOf(err), "claim", p)
}

// claimSignUp creates an account for the award's address, accepts the badge, signs the new
// account in and goes to the wallet.
func (s *Site) claimSignUp(w http.ResponseWriter, r *http.Request) {
	noStoreClaim(w)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, badge.E(badge.Invalid, "The form could not be read.", err))
		return
	}
	password := r.PostForm.Get("password")
	if password != r.PostForm.Get("password_confirm") {
		p, ok := s.claimView(w, r)
		if !ok {
			return
		}
		p.Name = strings.TrimSpace(r.PostForm.Get("name"))
		p.Errors["password_confirm"] = "The two passwords are different."
		s.render(w, r, http.StatusUnprocessableEntity, "claim", p)
		return
	}
	u, err := s.earners.SignUpAndAccept(r.Context(), r.PathValue("token"), r.PostForm.Get("name"), password)
	if err != nil {
		s.claimFailure(w, r, err)
		return
	}
	_, sess, err := s.accounts.Login(r.Context(), u.Email, password, clientAddr(r))
	if err != nil {
		s.setFlash(w, r, "account-created")
		redirect(w, r, "/login?next=/wallet")
		return
	}
	s.setSession(w, r, sess)
	s.setFlash(w, r, "account-created-accepted")
	redirect(w, r, "/wallet")
}

// claimDecline declines the badge (no account needed).
func (s *Site) claimDecline(w http.ResponseWriter, r *http.Request) {
	noStoreClaim(w)
	token := r.PathValue("token")
	if err := s.earners.Decline(r.Context(), userFrom(r.Context()), token); err != nil {
		s.claimFailure(w, r, err)
		return
	}
	s.setFlash(w, r, "badge-declined")
	if userFrom(r.Context()) != nil {
		redirect(w, r, "/wallet")
		return
	}
	redirect(w, r, "/claim/"+url.PathEscape(token))
}
