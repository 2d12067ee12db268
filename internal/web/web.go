// Package web owns Rosette's HTML interface: the pages (setup, sign in and out, account,
// dashboard, error pages, the public badge verification page and its report partial, the
// public award page and claim links, the earner profile, collections, skills and public
// profile pages, site settings), their html/template templates and the static assets, all embedded
// in the binary. Handlers parse forms, call the services through small interfaces declared
// here, and render; business rules live in internal/service.
package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/links"
	"github.com/rosettebadges/rosette/internal/service"
)

// Accounts is what the pages need of the accounts service (*service.Accounts). Errors carry
// badge kinds: Invalid, Unauthorized, Forbidden, TooMany, ...
type Accounts interface {
	SetupNeeded(ctx context.Context) (bool, error)
	CompleteSetup(ctx context.Context, token, email, name, password string) (*badge.User, error)
	Login(ctx context.Context, email, password, clientAddr string) (*badge.User, *service.Session, error)
	SessionUser(ctx context.Context, token string) (*badge.User, error)
	Logout(ctx context.Context, token string) error
	ChangePassword(ctx context.Context, userID int64, current, next, keepToken string) error
}

// Router is where the site mounts its routes; *server.Server is one. Handle is for routes
// that need no cross-origin protection (static files), HandleBrowser for cookie routes.
type Router interface {
	Handle(pattern string, h http.Handler)
	HandleBrowser(pattern string, h http.Handler)
}

// Options configure a Site.
type Options struct {
	Accounts Accounts
	Issuers  Issuers // the issuer admin pages are mounted only when set
	Awards   Awards  // the award admin pages are mounted only when set (with BadgeClasses)
	// BadgeClasses: with Issuers, the badge class admin pages, the public badge class and
	// issuer pages and the image route are mounted.
	BadgeClasses  BadgeClasses
	URLs          links.URLs    // the public URLs (absolute ones in Open Graph tags and logos)
	Bulk          Bulk          // the bulk awarding pages are mounted only when set (with Issuers)
	Notifications Notifications // the award email template pages, mounted with the issuer pages when set
	Tokens        Tokens        // the API tokens page is mounted only when set
	Logger        *slog.Logger
	SecureCookies bool // mark cookies Secure (HTTPS deployments)
	// NewVerifier makes badge verifiers; the public verification page (/verify) is mounted
	// only when it is set.
	NewVerifier NewVerifier
	// VerifyConcurrency bounds the verifications running at once on this node (default 4);
	// a request waits at most VerifyWait (default 2s) for a turn, then gets a 503.
	VerifyConcurrency int
	VerifyWait        time.Duration

	// PublicAwards mounts the claim links and makes the public award page (AwardPage), with
	// VerifyAward (its verification report), URLs and Clock.
	PublicAwards PublicAwards
	VerifyAward  AwardVerifier
	Clock        badge.Clock // default the system clock
	// AwardReportCacheSize bounds the cached verification reports of award pages (default
	// 4096 awards); each is kept at most AwardReportCacheTTL (default 10 minutes).
	AwardReportCacheSize int
	AwardReportCacheTTL  time.Duration
	// Profiles mounts the earner profile, collections, skills, public profile (/u/) and site
	// settings pages.
	Profiles Profiles
	// OAuth mounts the OAuth consent page (/oauth/authorize) and the connected apps page.
	OAuth OAuth
	// WalletItems mounts the wallet import page and the item pages (/wallet/import,
	// /wallet/items/{id}); imports share the verification concurrency bound.
	WalletItems WalletItems
	// Certificates mounts GET /awards/{id}/certificate.pdf (the award's PDF certificate).
	Certificates Certificates

	CVs         CVs         // the CV builder and shared CV pages, mounted only when set
	AccountData AccountData // the data export and account deletion pages, mounted only when set
	// Earners mounts the claim page (instead of the claim link's redirect), the wallet and
	// the account's address and merge pages.
	Earners Earners
	// Shares mounts the sharing routes (embed card, oEmbed, share links, the earner's share
	// page) with PublicAwards, and counts views of the award page.
	Shares Shares
}

// Site is the HTML interface. Build it with New (which parses every template: a template
// error is a start-up error), then Register its routes.
type Site struct {
	accounts      Accounts
	issuers       Issuers
	awards        Awards
	badgeClasses  BadgeClasses
	urls          links.URLs
	bulk          Bulk
	notifications Notifications
	tokens        Tokens
	log           *slog.Logger
	secure        bool
	assets        *assets
	pages         *pages

	newVerifier NewVerifier
	verifySlots chan struct{} // a semaphore: one element per verification running
	verifyWait  time.Duration

	publicAwards     PublicAwards
	verifyAward      AwardVerifier
	clock            badge.Clock
	reports          *reportCache[*cachedAwardPage]
	awardVerifySlots chan struct{} // award page verifications running at once (one per CPU)
	profiles         Profiles
	oauth            OAuth
	walletItems      WalletItems
	certificates     *certificates // nil: no certificate downloads

	cvs         CVs
	accountData AccountData
	earners     Earners
	shares      Shares
}

// New parses the templates and indexes the static assets.
func New(opts Options) (*Site, error) {
	if opts.Accounts == nil {
		return nil, fmt.Errorf("web: no accounts service")
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	a, err := loadAssets()
	if err != nil {
		return nil, err
	}
	p, err := parsePages(a)
	if err != nil {
		return nil, err
	}
	if opts.VerifyConcurrency <= 0 {
		opts.VerifyConcurrency = defaultVerifyConcurrency
	}
	if opts.VerifyWait <= 0 {
		opts.VerifyWait = defaultVerifyWait
	}
	if opts.PublicAwards != nil && opts.VerifyAward == nil {
		return nil, fmt.Errorf("web: public awards without a verifier")
	}
	if opts.Clock == nil {
		opts.Clock = badge.SystemClock{}
	}
	return &Site{accounts: opts.Accounts, issuers: opts.Issuers, awards: opts.Awards, badgeClasses: opts.BadgeClasses, urls: opts.URLs, bulk: opts.Bulk, notifications: opts.Notifications, tokens: opts.Tokens, log: opts.Logger, secure: opts.SecureCookies, assets: a, pages: p,
		newVerifier: opts.NewVerifier, verifySlots: make(chan struct{}, opts.VerifyConcurrency), verifyWait: opts.VerifyWait,
		publicAwards: opts.PublicAwards, verifyAward: opts.VerifyAward, clock: opts.Clock,
		walletItems:      opts.WalletItems,
		reports:          newReportCache[*cachedAwardPage](opts.AwardReportCacheSize, opts.AwardReportCacheTTL),
		awardVerifySlots: make(chan struct{}, runtime.GOMAXPROCS(0)),
		profiles:         opts.Profiles,
		certificates:     newCertificates(opts.Certificates),
		oauth:            opts.OAuth,
		cvs:              opts.CVs, accountData: opts.AccountData,
		earners: opts.Earners,
		shares:  opts.Shares}, nil
}

// Register mounts the site's routes on r.
func (s *Site) Register(r Router) {
	r.Handle("GET /static/{file...}", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.assets.serve(w, r) {
			s.ServeError(w, r, http.StatusNotFound)
		}
	}))

	r.HandleBrowser("GET /{$}", s.withUser(s.home))
	r.HandleBrowser("GET /setup", s.withUser(s.setupForm))
	r.HandleBrowser("POST /setup", s.withUser(s.setupSubmit))
	r.HandleBrowser("GET /login", s.withUser(s.loginForm))
	r.HandleBrowser("POST /login", s.withUser(s.loginSubmit))
	r.HandleBrowser("POST /logout", s.withUser(s.logout))
	r.HandleBrowser("GET /account/password", s.withUser(s.requireUser(s.passwordForm)))
	r.HandleBrowser("POST /account/password", s.withUser(s.requireUser(s.passwordSubmit)))
	if s.tokens != nil {
		r.HandleBrowser("GET /account/tokens", s.withUser(s.requireUser(s.tokenList)))
		r.HandleBrowser("POST /account/tokens", s.withUser(s.requireUser(s.tokenCreate)))
		r.HandleBrowser("POST /account/tokens/{id}/revoke", s.withUser(s.requireUser(s.tokenRevoke)))
	}
	if s.newVerifier != nil {
		// Public: no sign-in needed (withUser only shows who is signed in, if anyone).
		r.HandleBrowser("GET /verify", s.withUser(s.verifyGet))
		r.HandleBrowser("POST /verify", s.withUser(s.verifyPost))
	}
	s.registerCertificates(r)
	s.registerCVs(r)
	s.registerAccountData(r)
	if s.earners != nil {
		s.registerClaim(r)
	} else if s.publicAwards != nil {
		// The claim link of an award email; the award page itself is AwardPage.
		r.HandleBrowser("GET /claim/{token}", s.withUser(s.claim))
	}
	s.registerProfiles(r)
	s.registerOAuth(r)
	s.registerWalletImport(r)
	s.registerShare(r)
	if s.issuers == nil {
		return
	}
	signedIn := func(h http.HandlerFunc) http.Handler { return s.withUser(s.requireUser(h)) }
	r.HandleBrowser("GET /admin/issuers", signedIn(s.issuerList))
	r.HandleBrowser("GET /admin/issuers/new", signedIn(s.issuerNew))
	r.HandleBrowser("POST /admin/issuers", signedIn(s.issuerCreate))
	r.HandleBrowser("GET /admin/issuers/{id}", signedIn(s.issuerShow))
	r.HandleBrowser("GET /admin/issuers/{id}/edit", signedIn(s.issuerEdit))
	r.HandleBrowser("POST /admin/issuers/{id}", signedIn(s.issuerUpdate))
	r.HandleBrowser("POST /admin/issuers/{id}/keys/rotate", signedIn(s.issuerRotate))
	r.HandleBrowser("GET /admin/issuers/{id}/staff", signedIn(s.staffList))
	r.HandleBrowser("POST /admin/issuers/{id}/staff", signedIn(s.staffAdd))
	r.HandleBrowser("POST /admin/issuers/{id}/staff/{user}/role", signedIn(s.staffSetRole))
	r.HandleBrowser("POST /admin/issuers/{id}/staff/{user}/remove", signedIn(s.staffRemove))
	if s.notifications != nil {
		r.HandleBrowser("GET /admin/issuers/{id}/templates", signedIn(s.templateShow))
		r.HandleBrowser("POST /admin/issuers/{id}/templates", signedIn(s.templateSave))
		r.HandleBrowser("POST /admin/issuers/{id}/templates/reset", signedIn(s.templateReset))
		r.HandleBrowser("GET /admin/issuers/{id}/templates/preview.html", signedIn(s.templatePreview))
		r.HandleBrowser("POST /admin/issuers/{id}/templates/preview.html", signedIn(s.templatePreview))
	}
	if s.bulk != nil {
		r.HandleBrowser("GET /admin/badges/{id}/bulk", signedIn(s.bulkForm))
		r.HandleBrowser("POST /admin/badges/{id}/bulk", signedIn(s.bulkUpload))
		r.HandleBrowser("GET /admin/bulk/example.csv", signedIn(s.bulkExample))
		r.HandleBrowser("GET /admin/bulk/{id}", signedIn(s.bulkShow))
		r.HandleBrowser("POST /admin/bulk/{id}/confirm", signedIn(s.bulkConfirm))
		r.HandleBrowser("POST /admin/bulk/{id}/cancel", signedIn(s.bulkCancel))
	}
	if s.badgeClasses == nil {
		return
	}
	r.HandleBrowser("GET /admin/issuers/{id}/badges", signedIn(s.badgeList))
	r.HandleBrowser("GET /admin/issuers/{id}/badges/new", signedIn(s.badgeNew))
	r.HandleBrowser("POST /admin/issuers/{id}/badges/new", signedIn(s.badgeCreate))
	r.HandleBrowser("GET /admin/badges/{id}", signedIn(s.badgeShow))
	r.HandleBrowser("GET /admin/badges/{id}/edit", signedIn(s.badgeEdit))
	r.HandleBrowser("POST /admin/badges/{id}/edit", signedIn(s.badgeUpdate))
	// Public reads: no session, no cross-origin check.
	r.Handle("GET /images/{file}", http.HandlerFunc(s.image))
	r.Handle("GET /badges/{id}", http.HandlerFunc(s.publicBadge))
	r.Handle("GET /badges/{id}/versions/{n}", http.HandlerFunc(s.publicBadgeVersion))
	if s.awards == nil {
		return
	}
	r.HandleBrowser("GET /admin/badges/{id}/award", signedIn(s.awardNew))
	r.HandleBrowser("POST /admin/badges/{id}/award", signedIn(s.awardCreate))
	r.HandleBrowser("GET /admin/badges/{id}/awards", signedIn(s.awardList))
	r.HandleBrowser("POST /admin/badges/{id}/awards/revoke", signedIn(s.awardRevokeMany))
	r.HandleBrowser("GET /admin/awards/{id}", signedIn(s.awardShow))
	r.HandleBrowser("POST /admin/awards/{id}/revoke", signedIn(s.awardRevoke))
}
