package service

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/mail"
	"github.com/rosettebadges/rosette/internal/store"
)

// TemplateAward is the kind of the award notification template (email_templates.kind).
const TemplateAward = "award"

// EmailQueue records an email in the caller's transaction (*mail.Outbox).
type EmailQueue interface {
	QueueEmail(ctx context.Context, tx *store.Tx, key string, m mail.Message) (id int64, created bool, err error)
}

// Notifications is the notifications use case: each issuer's award email template (read
// with badge.ActView, changed with badge.ActEditIssuer), its preview, and the award email
// itself, queued in the issuing transaction through the durable outbox. Parsed templates are
// cached per issuer and used only while the stored source is the one parsed, so a change
// made on any node takes effect at once. Safe for concurrent use.
type Notifications struct {
	store  *store.Store
	emails EmailQueue
	clock  badge.Clock
	logger *slog.Logger
	def    *mail.Template

	mu     sync.Mutex
	parsed map[string]parsedTemplate // by issuer id
}

type parsedTemplate struct {
	src mail.TemplateSource
	tpl *mail.Template
}

// NewNotifications returns the notifications service; emails is where award emails are
// recorded (the outbox).
func NewNotifications(st *store.Store, emails EmailQueue, clock badge.Clock, logger *slog.Logger) *Notifications {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Notifications{store: st, emails: emails, clock: clock, logger: logger,
		def: mail.MustParseTemplate(mail.DefaultTemplate), parsed: map[string]parsedTemplate{}}
}

// NotificationTemplate is an issuer's award email template as the editor shows it.
type NotificationTemplate struct {
	mail.TemplateSource
	Default   bool      // the issuer has none of its own: this is mail.DefaultTemplate
	UpdatedAt time.Time // zero for the default
	UpdatedBy string
}

// Get returns the issuer's award email template, or the default (ActView).
func (n *Notifications) Get(ctx context.Context, actor *badge.User, issuerID string) (*NotificationTemplate, error) {
	var out *NotificationTemplate
	err := n.store.View(ctx, func(tx *store.Tx) error {
		if _, err := check(ctx, tx, actor, issuerID, badge.ActView); err != nil {
			return err
		}
		t, err := tx.EmailTemplate(ctx, issuerID, TemplateAward)
		if errors.Is(err, store.ErrNotFound) {
			out = &NotificationTemplate{TemplateSource: mail.DefaultTemplate, Default: true}
			return nil
		}
		if err != nil {
			return err
		}
		out = &NotificationTemplate{TemplateSource: mail.TemplateSource{Subject: t.Subject, Text: t.Text, HTML: t.HTML},
			UpdatedAt: t.UpdatedAt, UpdatedBy: t.UpdatedBy}
		return nil
	})
	if err != nil {
		return nil, serviceErr(err)
	}
	return out, nil
}

// Put checks src (mail.ParseTemplate: it parses, stays within the size limits and
// runs on sample data; problems are FieldErrors on "subject", "text" and "html") and saves it
// as the issuer's award email template, with an audit event (ActEditIssuer). Line endings
// are stored as "\n".
func (n *Notifications) Put(ctx context.Context, actor *badge.User, issuerID string, src mail.TemplateSource) (*NotificationTemplate, error) {
	src = normalizeSource(src)
	tpl, err := mail.ParseTemplate(src)
	if err != nil {
		return nil, err
	}
	now := n.clock.Now().UTC()
	row := &store.EmailTemplate{IssuerID: issuerID, Kind: TemplateAward, Subject: src.Subject, Text: src.Text, HTML: src.HTML,
		UpdatedAt: now, UpdatedBy: actorName(ctx, actor)}
	err = n.store.Update(ctx, func(tx *store.Tx) error {
		if _, err := check(ctx, tx, actor, issuerID, badge.ActEditIssuer); err != nil {
			return err
		}
		if err := tx.PutEmailTemplate(ctx, row); err != nil {
			return err
		}
		return RecordAudit(ctx, tx, now, row.UpdatedBy, "email_template.update", "issuer:"+issuerID,
			map[string]any{"kind": TemplateAward})
	})
	if err != nil {
		return nil, serviceErr(err)
	}
	n.mu.Lock()
	n.parsed[issuerID] = parsedTemplate{src: src, tpl: tpl}
	n.mu.Unlock()
	return &NotificationTemplate{TemplateSource: src, UpdatedAt: now, UpdatedBy: row.UpdatedBy}, nil
}

// Reset deletes the issuer's own award email template, so the default applies again,
// with an audit event (ActEditIssuer). Resetting an issuer that has none changes nothing.
func (n *Notifications) Reset(ctx context.Context, actor *badge.User, issuerID string) error {
	now := n.clock.Now().UTC()
	err := n.store.Update(ctx, func(tx *store.Tx) error {
		if _, err := check(ctx, tx, actor, issuerID, badge.ActEditIssuer); err != nil {
			return err
		}
		had, err := tx.DeleteEmailTemplate(ctx, issuerID, TemplateAward)
		if err != nil || !had {
			return err
		}
		return RecordAudit(ctx, tx, now, actorName(ctx, actor), "email_template.reset", "issuer:"+issuerID,
			map[string]any{"kind": TemplateAward})
	})
	if err != nil {
		return serviceErr(err)
	}
	n.mu.Lock()
	delete(n.parsed, issuerID)
	n.mu.Unlock()
	return nil
}

// Preview renders src (as Put checks it) with sample data and the issuer's name,
// without saving anything (ActView): the subject, text and HTML the recipient would get.
func (n *Notifications) Preview(ctx context.Context, actor *badge.User, issuerID string, src mail.TemplateSource) (mail.Message, error) {
	var iss *store.Issuer
	err := n.store.View(ctx, func(tx *store.Tx) error {
		if _, err := check(ctx, tx, actor, issuerID, badge.ActView); err != nil {
			return err
		}
		var err error
		iss, err = tx.IssuerByID(ctx, issuerID)
		return err
	})
	if err != nil {
		return mail.Message{}, serviceErr(err)
	}
	tpl, err := mail.ParseTemplate(normalizeSource(src))
	if err != nil {
		return mail.Message{}, err
	}
	d := mail.SampleAwardData()
	d.IssuerName = iss.Name
	m, err := tpl.Render(d)
	if err != nil {
		return mail.Message{}, err
	}
	m.FromName, m.ReplyTo = iss.Name, iss.Email
	return m, nil
}

// normalizeSource makes line endings "\n" (browsers send "\r\n" from a textarea).
func normalizeSource(src mail.TemplateSource) mail.TemplateSource {
	for _, p := range []*string{&src.Subject, &src.Text, &src.HTML} {
		*p = strings.ReplaceAll(*p, "\r\n", "\n")
	}
	return src
}

// Date formats for award emails: a date people read, in UTC.
const emailDate = "2 January 2006"

// QueueAward records the award email in tx, the issuing transaction, so that it is sent iff
// the award commits; the outbox sends it (and retries) after. It renders the issuer's
// template (or the default; if the issuer's template fails on this award, the default too)
// with the award's data and records it to the recipient under the key "award:<award id>"
// (a second call for the same award records nothing), from the issuer's name at the
// configured address, with the issuer's email as Reply-To when it has one. Awards to anything
// but an email address get no email: nil, nothing queued.
func (n *Notifications) QueueAward(ctx context.Context, tx *store.Tx, d AwardNotice) error {
	if d.Award == nil || d.Issuer == nil {
		return badge.Errorf(badge.Internal, "An award email needs its award and issuer.")
	}
	if d.Award.Recipient.Type != badge.RecipientEmail {
		return nil
	}
	if d.ClaimURL == "" {
		return badge.Errorf(badge.Internal, "An award email needs a claim link.")
	}
	tpl, err := n.issuerTemplate(ctx, tx, d.Issuer.ID)
	if err != nil {
		return err
	}
	data := mail.AwardData{
		RecipientName: d.Award.Recipient.Name, BadgeName: d.BadgeName, BadgeDescription: d.BadgeDescription,
		BadgeImageURL: d.BadgeImageURL, IssuerName: d.Issuer.Name, Narrative: d.Award.Narrative,
		ClaimURL: d.ClaimURL, AwardURL: d.AwardURL, IssuedOn: formatDate(d.Award.IssuedAt), ExpiresOn: formatDate(d.Award.ExpiresAt),
	}
	m, err := tpl.Render(data)
	if err != nil && tpl != n.def {
		n.logger.WarnContext(ctx, "issuer's award email template failed; using the default", "issuer_id", d.Issuer.ID, "award_id", d.Award.ID, "err", err)
		m, err = n.def.Render(data)
	}
	if err != nil {
		return badge.E(badge.Internal, "Could not write the award email.", err)
	}
	m.To = d.Award.Recipient.Identity
	m.FromName, m.ReplyTo = d.Issuer.Name, d.Issuer.Email
	m.Headers = map[string]string{"Auto-Submitted": "auto-generated"}
	if _, _, err := n.emails.QueueEmail(ctx, tx, "award:"+d.Award.ID, m); err != nil {
		return err
	}
	return nil
}

func formatDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(emailDate)
}

// issuerTemplate returns the parsed award template of the issuer as stored in tx now: from
// the cache when the stored source is the one parsed, else parsed (and cached). A stored
// template that no longer parses (e.g. after a stricter check) gives the default.
func (n *Notifications) issuerTemplate(ctx context.Context, tx *store.Tx, issuerID string) (*mail.Template, error) {
	row, err := tx.EmailTemplate(ctx, issuerID, TemplateAward)
	if errors.Is(err, store.ErrNotFound) {
		return n.def, nil
	}
	if err != nil {
		return nil, err
	}
	src := mail.TemplateSource{Subject: row.Subject, Text: row.Text, HTML: row.HTML}
	n.mu.Lock()
	p, ok := n.parsed[issuerID]
	n.mu.Unlock()
	if ok && p.src == src {
		return p.tpl, nil
	}
	tpl, err := mail.ParseTemplate(src)
	if err != nil {
		n.logger.WarnContext(ctx, "issuer's award email template does not parse; using the default", "issuer_id", issuerID, "err", err)
		return n.def, nil
	}
	n.mu.Lock()
	n.parsed[issuerID] = parsedTemplate{src: src, tpl: tpl}
	n.mu.Unlock()
	return tpl, nil
}
