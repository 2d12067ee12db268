// Package service holds Rosette's use cases and every business rule. Callers (web, httpapi,
// cli) pass plain values in and get domain values and *badge.Error out; this package talks to
// internal/store and internal/jobs and never to HTTP.
//
// Accounts (accounts.go) owns users, passwords (argon2id, password.go), server-side sessions,
// sign-in throttling, first-run setup and the audit trail of admin actions (audit.go).
//
// Issuers (issuers.go, issuer_staff.go) owns issuer profiles, their staff and roles (every
// method checks badge.Can for the acting user) and their keys through internal/keys.
//
// BadgeClasses (badgeclasses.go) owns badge designs: immutable versions (every change is a
// new one) and their images, checked by internal/badgeimage.
//
// Bulk (bulk.go) owns bulk awarding from CSV files: uploads with their preview, confirmation,
// and the "bulk.issue" job issuing them in chunks through the awards service.
//
// Notifications (notifications.go) owns each issuer's award email template (checked and
// rendered by internal/mail) and queues the award email in the issuing transaction through
// the durable outbox.
//
// Profiles (profile*.go) owns the earner's public side: the profile and its handle,
// collections, per-badge visibility, skills (ExtractSkills, MergeSkills), the public view of a
// profile, and the site's and each account's safeguarding mode (SharingAllowed).
package service
