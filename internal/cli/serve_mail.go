package cli

import (
	"log/slog"
	"net/url"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/config"
	"github.com/rosettebadges/rosette/internal/jobs"
	"github.com/rosettebadges/rosette/internal/mail"
	"github.com/rosettebadges/rosette/internal/store"
)

// registerEmail builds the email outbox from the SMTP settings and registers its
// "email.send" job on q. With no SMTP host configured it returns nil: no email is sent by
// this node (emails recorded stay queued until a node with SMTP settings runs).
func registerEmail(q *jobs.Queue, st *store.Store, cfg config.Config, base string, clock badge.Clock, logger *slog.Logger) (*mail.Outbox, error) {
	if cfg.SMTPHost == "" {
		return nil, nil
	}
	sender, err := mail.NewSMTP(mail.SMTPConfig{Host: cfg.SMTPHost, Port: cfg.SMTPPort, TLS: cfg.SMTPTLS,
		Username: cfg.SMTPUsername, Password: cfg.SMTPPassword, From: cfg.SMTPFrom, Timeout: cfg.SMTPTimeout})
	if err != nil {
		return nil, err
	}
	ob := &mail.Outbox{Store: st, Queue: q, Sender: sender, Clock: clock, Domain: emailDomain(base), Logger: logger}
	ob.Register()
	return ob, nil
}

// emailDomain is the right-hand side of Message-IDs: the base URL's host.
func emailDomain(base string) string {
	if u, err := url.Parse(base); err == nil && u.Hostname() != "" {
		return u.Hostname()
	}
	return "rosette.invalid"
}
