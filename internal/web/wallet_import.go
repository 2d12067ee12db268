package web

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/service"
	"github.com/rosettebadges/rosette/openbadges/verify"
)

// WalletItems is what the wallet import and item pages need of the wallet service
// (*service.Wallet). Every call is for the signed-in earner's own items: another earner's
// item is NotFound.
type WalletItems interface {
	Add(ctx context.Context, user *badge.User, in service.WalletInput) (*service.WalletItem, bool, error)
	Item(ctx context.Context, user *badge.User, id string) (*service.WalletItem, error)
	Check(ctx context.Context, user *badge.User, id string) (*service.WalletItem, error)
	Remove(ctx context.Context, user *badge.User, id string) error
	Held(ctx context.Context, user *badge.User, id string) (service.HeldCredential, error)
	Report(item *service.WalletItem) *verify.Report
}

// registerWalletImport mounts the import page and the item pages (with Options.WalletItems).
func (s *Site) registerWalletImport(r Router) {
	if s.walletItems == nil {
		return
	}
	signedIn := func(h http.HandlerFunc) http.Handler { return s.withUser(s.requireUser(h)) }
	r.HandleBrowser("GET /wallet/import", signedIn(s.walletImportForm))
	r.HandleBrowser("POST /wallet/import", signedIn(s.walletImport))
	r.HandleBrowser("GET /wallet/items/{id}", signedIn(s.walletItem))
	r.HandleBrowser("GET /wallet/items/{id}/image", signedIn(s.walletItemImage))
	r.HandleBrowser("GET /wallet/items/{id}/credential", signedIn(s.walletItemCredential))
	r.HandleBrowser("POST /wallet/items/{id}/check", signedIn(s.walletItemCheck))
	r.HandleBrowser("POST /wallet/items/{id}/remove", signedIn(s.walletItemRemove))
}

// walletImportPage is the import form.
type walletImportPage struct {
	Frame
	Form   verifyForm
	Errors map[string]string
}

func (s *Site) walletImportForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "wallet_import", &walletImportPage{Frame: Frame{Title: "Add a badge · Wallet", Nav: "wallet"}})
}

// walletImportError shows the form again with the problem.
func (s *Site) walletImportError(w http.ResponseWriter, r *http.Request, form verifyForm, err error) {
	var ie *inputError
	if !errors.As(err, &ie) {
		ie = &inputError{statusOf(err), "", badge.SafeMessage(err)}
		if ie.status == http.StatusInternalServerError {
			s.fail(w, r, err)
			return
		}
	}
	if ie.status == http.StatusRequestEntityTooLarge {
		form.Text = ""
	}
	s.render(w, r, ie.status, "wallet_import", &walletImportPage{Frame: Frame{Title: "Add a badge · Wallet", Nav: "wallet"},
		Form: form, Errors: map[string]string{ie.field: ie.message}})
}

// walletImport verifies the badge given (a file, pasted text or a URL; read as the
// verification page reads it), adds it to the wallet and shows its page with the verdict.
func (s *Site) walletImport(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxVerifyBody)
	in, form, err := readBadgeRequest(r, "import")
	if err == nil {
		err = in.check()
	}
	if err != nil {
		s.walletImportError(w, r, form, err)
		return
	}
	if !s.acquireVerifySlot(r.Context()) {
		w.Header().Set("Retry-After", "5")
		s.walletImportError(w, r, form, &inputError{http.StatusServiceUnavailable, "",
			"Rosette is verifying many badges right now. Wait a few seconds, then try again."})
		return
	}
	item, _, err := s.walletItems.Add(r.Context(), userFrom(r.Context()), service.WalletInput{Data: in.data, URL: in.url, Source: service.WalletSourceImport})
	<-s.verifySlots
	if err != nil {
		field := ""
		if in.url != "" {
			field = "url"
		}
		if k := badge.KindOf(err); k == badge.Invalid || k == badge.Unavailable || k == badge.Conflict {
			form.Text = ""
			s.walletImportError(w, r, form, &inputError{statusOf(err), field, badge.SafeMessage(err)})
			return
		}
		s.walletImportError(w, r, form, err)
		return
	}
	s.setFlash(w, r, "wallet-"+item.VerifyStatus)
	redirect(w, r, "/wallet/items/"+item.ID)
}

// walletItemPage is the detail page of a held badge.
type walletItemPage struct {
	Frame
	Item     *service.WalletItem
	Image    template.URL // the image to show: our own route, an http(s) URL or a data URI
	Status   walletStatusView
	Report   *reportView
	AwardURL string // the public award page, for an award item
	Download string // the file name of the credential download
	Now      time.Time
}

// walletStatusView is an item's status in words.
type walletStatusView struct {
	Class, Label, Meaning string
}

var walletStatuses = map[string]walletStatusView{
	service.WalletUnchecked:   {"unverifiable", "Not checked yet", "This badge has not been verified yet."},
	service.WalletVerified:    {"valid", "Verified", "The badge is genuine, unchanged and valid: its issuer's signature or site confirms it."},
	service.WalletInvalid:     {"invalid", "Not valid", "The badge failed a check a genuine badge passes. The report below says which."},
	service.WalletRevoked:     {"revoked", "Revoked", "The issuer has revoked this badge: it no longer counts."},
	service.WalletExpired:     {"expired", "Expired", "The badge has passed its expiry date."},
	service.WalletUnreachable: {"unverifiable", "Could not be checked", "The issuer's site or keys could not be reached at the last check; Rosette tries again later."},
}

func (s *Site) walletItem(w http.ResponseWriter, r *http.Request) {
	item, err := s.walletItems.Item(r.Context(), userFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := &walletItemPage{Frame: Frame{Title: orText(item.Name, "Badge") + " · Wallet", Nav: "wallet"}, Item: item,
		Status: walletStatuses[item.VerifyStatus], Now: s.clock.Now()}
	if p.Status.Label == "" {
		p.Status = walletStatuses[service.WalletUnchecked]
	}
	if rep := s.walletItems.Report(item); rep != nil {
		v := newReportView(rep)
		v.Compact = true
		p.Report = &v
	}
	remote := false
	switch {
	case len(item.Image) > 0:
		p.Image = template.URL("/wallet/items/" + item.ID + "/image")
	case strings.HasPrefix(item.ImageURL, "https://") || strings.HasPrefix(item.ImageURL, "http://"):
		p.Image, remote = template.URL(item.ImageURL), true
	case strings.HasPrefix(item.ImageURL, "data:image/png;") || strings.HasPrefix(item.ImageURL, "data:image/svg+xml;"):
		p.Image = template.URL(item.ImageURL)
	}
	if item.Source == service.WalletSourceAward && item.AwardID != "" {
		p.AwardURL = s.urls.Award(item.AwardID)
	}
	p.Download = walletDownloadName(item)
	if remote || (p.Report != nil && p.Report.nestedRemoteImages()) {
		w.Header().Set("Content-Security-Policy", verifyCSP)
	}
	s.render(w, r, http.StatusOK, "wallet_item", p)
}

func orText(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// walletDownloadName is the file name of an item's credential.
func walletDownloadName(item *service.WalletItem) string {
	if item.Source != service.WalletSourceAward && (strings.HasSuffix(item.Format, "-jwt") || strings.HasSuffix(item.Format, "-jws")) {
		return "badge-" + item.ID + ".jwt"
	}
	return "badge-" + item.ID + ".json"
}

// walletItemImage serves the baked image uploaded with an item, as its own type; an SVG with
// the strict policy of stored images (no script, no external fetch).
func (s *Site) walletItemImage(w http.ResponseWriter, r *http.Request) {
	item, err := s.walletItems.Item(r.Context(), userFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(item.Image) == 0 || (item.ImageType != "image/png" && item.ImageType != "image/svg+xml") {
		s.ServeError(w, r, http.StatusNotFound)
		return
	}
	h := w.Header()
	h.Set("Content-Type", item.ImageType)
	h.Set("Content-Length", strconv.Itoa(len(item.Image)))
	h.Set("Cache-Control", "private, no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	if item.ImageType == "image/svg+xml" {
		h.Set("Content-Security-Policy", SVGContentSecurityPolicy)
	}
	w.Write(item.Image)
}

// walletItemCredential downloads the item's credential in the form it is held.
func (s *Site) walletItemCredential(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	item, err := s.walletItems.Item(r.Context(), u, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	held, err := s.walletItems.Held(r.Context(), u, item.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	h := w.Header()
	name := walletDownloadName(item)
	if strings.HasSuffix(name, ".jwt") {
		h.Set("Content-Type", "text/plain; charset=utf-8")
	} else {
		h.Set("Content-Type", "application/json")
	}
	h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	h.Set("Content-Length", strconv.Itoa(len(held.Credential)))
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.Write(held.Credential)
}

// walletItemCheck verifies the item again now ("Check again").
func (s *Site) walletItemCheck(w http.ResponseWriter, r *http.Request) {
	if !s.acquireVerifySlot(r.Context()) {
		w.Header().Set("Retry-After", "5")
		s.ServeError(w, r, http.StatusServiceUnavailable)
		return
	}
	item, err := s.walletItems.Check(r.Context(), userFrom(r.Context()), r.PathValue("id"))
	<-s.verifySlots
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.setFlash(w, r, "wallet-"+item.VerifyStatus)
	redirect(w, r, "/wallet/items/"+item.ID)
}

// walletItemRemove removes the item from the wallet.
func (s *Site) walletItemRemove(w http.ResponseWriter, r *http.Request) {
	if err := s.walletItems.Remove(r.Context(), userFrom(r.Context()), r.PathValue("id")); err != nil {
		s.fail(w, r, err)
		return
	}
	s.setFlash(w, r, "wallet-removed")
	redirect(w, r, "/wallet")
}

// nestedRemoteImages reports whether a compact report shows an image from another site: the
// compact form leaves out its own badge's facts, not those of its endorsements.
func (v *reportView) nestedRemoteImages() bool {
	for i := range v.Endorsements {
		if v.Endorsements[i].remoteImages() {
			return true
		}
	}
	for i := range v.Credentials {
		if v.Credentials[i].remoteImages() {
			return true
		}
	}
	return false
}
