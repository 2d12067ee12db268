package web

import "net/http"

const flashCookie = "rosette_flash"

// flash is a one-time message shown on the page after a POST-redirect-GET.
type flash struct {
	Kind string // success, info, warning
	Text string
}

// flashes is the fixed table of messages. The flash cookie carries only a code from it, so
// nothing a visitor puts in a cookie or URL can ever be shown as a message.
var flashes = map[string]flash{
	"welcome":            {"success", "Your administrator account is ready and you are signed in."},
	"signed-in":          {"success", "You are signed in."},
	"signed-out":         {"info", "You are signed out."},
	"password-changed":   {"success", "Your password is changed. Other sessions were signed out."},
	"setup-done":         {"info", "Rosette is already set up. Sign in with your account."},
	"signin-needed":      {"info", "Please sign in to continue."},
	"issuer-created":     {"success", "The issuer is created, with its signing keys. You are its owner."},
	"issuer-saved":       {"success", "The issuer's profile is saved."},
	"keys-rotated":       {"success", "New signing keys are active. The old ones are retired but stay published, so badges signed with them still verify."},
	"staff-added":        {"success", "The staff member is added."},
	"staff-role-changed": {"success", "The role is changed."},
	"staff-removed":      {"success", "The staff member is removed."},
	"badge-created":      {"success", "The badge is created. Its public page is ready to share."},
	"badge-saved":        {"success", "The badge is saved as a new version. Badges already awarded keep their version."},
	"badge-unchanged":    {"info", "Nothing was changed, so no new version was made."},
	"token-revoked":      {"success", "The API token is revoked; it no longer works."},
	"app-revoked":        {"success", "The application is disconnected; its access no longer works."},
	"award-issued":       {"success", "The badge is awarded and signed. Its public page and documents are live."},
	"awards-revoked":     {"success", "The badges are revoked. Verifiers and their public pages say so from now on."},
	"award-revoked":      {"success", "The badge is revoked. Verifiers and its public page say so from now on."},
	"award-claim":        {"info", "This badge was awarded to you. This is its public page: share its address, or download it below to keep it in a wallet or backpack."},
	"bulk-confirmed":     {"success", "Issuing has started. This page shows the progress; you can leave it and come back."},
	"bulk-cancelled":     {"info", "The upload is cancelled. Badges already issued from it stay issued."},
	"template-saved":     {"success", "The award email is saved. Awards from now on use it."},
	"template-reset":     {"success", "The award email is back to Rosette's default."},
	// Profiles, collections and site settings.
	"profile-saved":           {"success", "Your profile is saved."},
	"collection-created":      {"success", "The collection is created."},
	"collection-saved":        {"success", "The collection is saved."},
	"collection-deleted":      {"success", "The collection is deleted. Its badges stay in your wallet."},
	"collection-item-added":   {"success", "The badge is added to the collection."},
	"collection-item-removed": {"success", "The badge is taken out of the collection. It stays in your wallet."},
	"visibility-saved":        {"success", "The badge's visibility is saved."},
	"settings-saved":          {"success", "The site settings are saved."},
	// The wallet: after an import or "Check again", the verdict in plain words.
	"wallet-verified":    {"success", "Verified: the badge is genuine, unchanged and valid. It is in your wallet."},
	"wallet-invalid":     {"warning", "The badge is in your wallet, but it did not pass verification: it may have been changed, or it is malformed. The report below says which check failed."},
	"wallet-revoked":     {"warning", "The badge is in your wallet, but its issuer has revoked it."},
	"wallet-expired":     {"warning", "The badge is in your wallet, but it has expired."},
	"wallet-unreachable": {"warning", "The badge is in your wallet, but it could not be checked now: its issuer's site or keys could not be reached. Rosette will try again later."},
	"wallet-unchecked":   {"info", "The badge is in your wallet; it has not been checked yet."},
	"wallet-removed":     {"success", "The badge is removed from your wallet."},
	// CVs and the account data pages.
	"cv-created":         {"success", "The CV is made. Add sections to it below."},
	"cv-saved":           {"success", "Saved."},
	"cv-deleted":         {"success", "The CV is deleted. Its link, if it had one, no longer works."},
	"cv-shared":          {"success", "The CV is shared: anyone with its link can read it."},
	"cv-unshared":        {"success", "The CV is private again. Its old link no longer works."},
	"cv-section-added":   {"success", "The section is added at the end."},
	"cv-section-removed": {"success", "The section is removed."},
	"account-deleted":    {"info", "Your account and its data are deleted. Badges issued to you stay verifiable by their issuers."},
	// Claiming, addresses and merging.
	"badge-accepted":           {"success", "The badge is in your wallet."},
	"badge-declined":           {"info", "The badge is declined. It will not be offered to you again."},
	"account-created":          {"success", "Your account is ready. Sign in to see your wallet."},
	"account-created-accepted": {"success", "Your account is ready and the badge is in your wallet."},
	"email-added":              {"success", "We sent a link to the address. Open it within 48 hours to confirm the address."},
	"email-verified":           {"success", "The address is confirmed. Badges awarded to it now show in your wallet."},
	"email-primary":            {"success", "The primary address is changed."},
	"email-removed":            {"success", "The address is removed. Badges already in your wallet stay."},
	"accounts-merged":          {"success", "The accounts are merged: everything of the other account is now in this one."},
}

// setFlash leaves a message code for the next page the browser loads.
func (s *Site) setFlash(w http.ResponseWriter, r *http.Request, code string) {
	http.SetCookie(w, &http.Cookie{
		Name: flashCookie, Value: code, Path: "/", MaxAge: 60,
		HttpOnly: true, Secure: s.secureCookie(r), SameSite: http.SameSiteLaxMode,
	})
}

// takeFlash returns the pending message, if any, and clears it.
func (s *Site) takeFlash(w http.ResponseWriter, r *http.Request) *flash {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return nil
	}
	http.SetCookie(w, &http.Cookie{
		Name: flashCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.secureCookie(r), SameSite: http.SameSiteLaxMode,
	})
	if f, ok := flashes[c.Value]; ok {
		return &f
	}
	return nil
}
