package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/service"
	"github.com/rosettebadges/rosette/internal/store"
)

// walletPage is the /wallet page: the awards waiting for the earner, then every badge held.
type walletPage struct {
	Frame
	Pending []pendingCard
	Cards   []walletCard
	Total   int64
	Page    int
	Prev    string // link to the previous page, "" on the first
	Next    string // link to the next page, "" on the last
}

type pendingCard struct {
	service.PendingAward
	Image string
}

// walletCard is one badge of the wallet grid.
type walletCard struct {
	ID, Name, IssuerName, Image string
	Item                        *store.WalletItem
	Status, StatusClass         string
}

// verifyStatusLabels say each verify_status in words, with the tag's style.
var verifyStatusLabels = map[string][2]string{
	"verified":    {"Verified", "status-active"},
	"revoked":     {"Revoked", "status-revoked"},
	"expired":     {"Expired", "status-expired"},
	"invalid":     {"Not valid", "status-revoked"},
	"unreachable": {"Could not be checked", "status-unknown"},
	"unchecked":   {"Not checked yet", "status-unknown"},
}

func (s *Site) walletCard(it *store.WalletItem) walletCard {
	c := walletCard{ID: it.ID, Name: it.Name, IssuerName: it.IssuerName, Item: it}
	switch {
	case it.Source == "award":
		c.Image = s.ownPath(it.ImageURL)
	case len(it.Image) > 0:
		c.Image = "/wallet/items/" + url.PathEscape(it.ID) + "/image"
	default:
		c.Image = it.ImageURL
	}
	if c.Name == "" {
		c.Name = "Untitled badge"
	}
	l, ok := verifyStatusLabels[it.VerifyStatus]
	if !ok {
		l = verifyStatusLabels["unchecked"]
	}
	c.Status, c.StatusClass = l[0], l[1]
	return c
}

// walletPage shows the wallet: GET /wallet?page=N.
func (s *Site) walletPage(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	if page < 1 {
		page = 1
	}
	wp, err := s.earners.Wallet(r.Context(), u, page)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pending, err := s.earners.Pending(r.Context(), u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := &walletPage{Frame: Frame{Title: "Wallet", Nav: "wallet"}, Total: wp.Total, Page: page}
	for _, pa := range pending {
		p.Pending = append(p.Pending, pendingCard{PendingAward: pa, Image: s.ownPath(pa.ImageURL)})
	}
	for _, it := range wp.Items {
		p.Cards = append(p.Cards, s.walletCard(it))
	}
	if page > 1 {
		p.Prev = "/wallet?page=" + strconv.Itoa(page-1)
	}
	if int64(page*service.WalletPageSize) < wp.Total {
		p.Next = "/wallet?page=" + strconv.Itoa(page+1)
	}
	s.render(w, r, http.StatusOK, "wallet", p)
}

// pendingAccept accepts a waiting award from the wallet page.
func (s *Site) pendingAccept(w http.ResponseWriter, r *http.Request) {
	if _, err := s.earners.AcceptPending(r.Context(), userFrom(r.Context()), r.PathValue("id")); err != nil {
		s.walletFailure(w, r, err)
		return
	}
	s.setFlash(w, r, "badge-accepted")
	redirect(w, r, "/wallet")
}

// pendingDecline declines a waiting award from the wallet page.
func (s *Site) pendingDecline(w http.ResponseWriter, r *http.Request) {
	if err := s.earners.DeclinePending(r.Context(), userFrom(r.Context()), r.PathValue("id")); err != nil {
		s.walletFailure(w, r, err)
		return
	}
	s.setFlash(w, r, "badge-declined")
	redirect(w, r, "/wallet")
}

func (s *Site) walletFailure(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, badge.Invalid) || errors.Is(err, badge.Conflict) || errors.Is(err, badge.NotFound) {
		s.serveError(w, r, statusOf(err), badge.SafeMessage(err))
		return
	}
	s.fail(w, r, err)
}

// isStaff reports whether the navigation shows the admin pages to u: site admins, and
// anyone with a role on an issuer. Without the earner pages, everyone signed in sees them
// (as before the wallet existed).
func (s *Site) isStaff(r *http.Request, u *badge.User) bool {
	if u == nil {
		return false
	}
	if u.IsAdmin || s.earners == nil {
		return true
	}
	staff, err := s.earners.IsStaff(r.Context(), u)
	if err != nil {
		return true // a failed lookup shows the links; the pages check permissions themselves
	}
	return staff
}
