// Package mail owns Rosette's outgoing email: the Message, the SMTP sender (go-mail), the
// notification templates (plain text and HTML, per issuer), and the durable outbox that
// sends each recorded email through the jobs queue, retrying while the SMTP server is away.
//
// Delivery guarantees (honestly): QueueEmail records the email and enqueues its "email.send"
// job in the caller's transaction, so an email exists iff the caller's change commits, and
// recording the same idempotency key twice records one email. The job sends it and marks the
// row sent in the job's completing transaction. Once that commits the email is never sent
// again. SMTP itself gives at-least-once in one window: if the worker dies (or the commit
// fails) after the server accepted the message but before the row is marked sent, the job
// is retried and the email is sent a second time. Both copies carry the same Message-ID
// (fixed when the email is recorded), so the duplicate is recognisable downstream.
package mail

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
)

// Message is one email to send.
type Message struct {
	To        string
	Subject   string
	Text      string            // plain-text part (required)
	HTML      string            // HTML alternative ("" = none)
	FromName  string            // display name of From ("" = as configured); the address is always the configured one
	ReplyTo   string            // Reply-To address ("" = none)
	MessageID string            // without angle brackets, e.g. "123.abc@badges.example.org"
	Headers   map[string]string // extra headers, e.g. "Auto-Submitted"
}

// Validate checks that the message can be sent.
func (m Message) Validate() error {
	switch {
	case m.To == "":
		return errors.New("mail: message has no recipient")
	case m.Subject == "":
		return errors.New("mail: message has no subject")
	case m.Text == "":
		return errors.New("mail: message has no plain-text body")
	case strings.ContainsAny(m.FromName, "\r\n"):
		return errors.New("mail: sender name has a line break")
	}
	if m.ReplyTo != "" {
		if _, err := mail.ParseAddress(m.ReplyTo); err != nil {
			return fmt.Errorf("mail: reply-to address %q: %v", m.ReplyTo, err)
		}
	}
	return nil
}

// Sender sends one message. SMTP implements it; the outbox uses it.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// PermanentError is a refusal that will not change on retry (SMTP 5xx, a bad address).
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return fmt.Sprintf("permanent: %v", e.Err) }
func (e *PermanentError) Unwrap() error { return e.Err }

// IsPermanent reports whether err is a PermanentError (anything else is worth retrying).
func IsPermanent(err error) bool {
	var p *PermanentError
	return errors.As(err, &p)
}
