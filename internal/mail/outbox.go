package mail

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/jobs"
	"github.com/rosettebadges/rosette/internal/store"
)

// JobKind is the jobs kind that sends one outbox email.
const JobKind = "email.send"

// Queue is the part of *jobs.Queue the outbox uses.
type Queue interface {
	Enqueue(ctx context.Context, tx *store.Tx, kind string, payload any, opts jobs.EnqueueOptions) (int64, bool, error)
	Register(kind string, h jobs.Handler)
}

// Outbox records emails and sends them through the jobs queue.
type Outbox struct {
	Store  *store.Store
	Queue  Queue
	Sender Sender // nil: emails are recorded but Register must not be called
	Clock  badge.Clock
	Domain string       // right-hand side of generated Message-IDs, e.g. "badges.example.org"
	Logger *slog.Logger // nil = discard
}

type sendPayload struct {
	EmailID int64 `json:"email_id"`
}

// QueueEmail records m under the idempotency key in the caller's transaction and enqueues
// its "email.send" job there too (unique key "email:<id>"): both commit or neither. A key
// already recorded records nothing and returns the existing email's id with created=false.
// If m.MessageID is empty a unique one is generated; it is stored and used on every attempt.
func (o *Outbox) QueueEmail(ctx context.Context, tx *store.Tx, key string, m Message) (id int64, created bool, err error) {
	if key == "" {
		return 0, false, badge.Errorf(badge.Invalid, "An email needs an idempotency key.")
	}
	if err := m.Validate(); err != nil {
		return 0, false, badge.E(badge.Invalid, "The email is incomplete.", err)
	}
	if m.MessageID == "" {
		var b [16]byte
		rand.Read(b[:])
		domain := o.Domain
		if domain == "" {
			domain = "rosette.invalid"
		}
		m.MessageID = hex.EncodeToString(b[:]) + "@" + domain
	}
	headers := "{}"
	if len(m.Headers) > 0 {
		raw, err := json.Marshal(m.Headers)
		if err != nil {
			return 0, false, badge.E(badge.Invalid, "The email headers cannot be encoded.", err)
		}
		headers = string(raw)
	}
	e := &store.Email{IdempotencyKey: key, To: m.To, Subject: m.Subject, Text: m.Text, HTML: m.HTML,
		Headers: headers, FromName: m.FromName, ReplyTo: m.ReplyTo, MessageID: m.MessageID, CreatedAt: o.Clock.Now()}
	created, err = tx.InsertEmail(ctx, e)
	if err != nil {
		return 0, false, badge.E(badge.Internal, "Could not record the email.", err)
	}
	if !created {
		return e.ID, false, nil
	}
	if _, _, err := o.Queue.Enqueue(ctx, tx, JobKind, sendPayload{EmailID: e.ID},
		jobs.EnqueueOptions{UniqueKey: fmt.Sprintf("email:%d", e.ID)}); err != nil {
		return 0, false, err
	}
	return e.ID, true, nil
}

// Register installs the "email.send" handler on the queue.
func (o *Outbox) Register() { o.Queue.Register(JobKind, o.handle) }

func (o *Outbox) logger() *slog.Logger {
	if o.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return o.Logger
}

// handle sends one outbox email: already sent or failed -> done; sent -> marked sent in the
// job's completing transaction; 5xx -> marked failed, job dead; otherwise retried.
func (o *Outbox) handle(ctx context.Context, j *jobs.Job) error {
	var p sendPayload
	if err := j.Decode(&p); err != nil || p.EmailID == 0 {
		return jobs.Permanent(fmt.Errorf("mail: bad email.send payload %q", j.Payload))
	}
	var e *store.Email
	err := o.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		e, err = tx.EmailByID(ctx, p.EmailID)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return jobs.Permanent(fmt.Errorf("mail: outbox email %d does not exist", p.EmailID))
	}
	if err != nil {
		return err
	}
	if e.Status != store.EmailQueued {
		return j.Complete(ctx, nil) // sent (or given up) already: never again
	}
	m := Message{To: e.To, Subject: e.Subject, Text: e.Text, HTML: e.HTML, FromName: e.FromName, ReplyTo: e.ReplyTo, MessageID: e.MessageID}
	if e.Headers != "" && e.Headers != "{}" {
		if err := json.Unmarshal([]byte(e.Headers), &m.Headers); err != nil {
			return o.fail(ctx, e, fmt.Errorf("mail: stored headers: %w", err))
		}
	}
	sendErr := o.Sender.Send(ctx, m)
	if sendErr == nil {
		now := o.Clock.Now()
		if err := j.Complete(ctx, func(tx *store.Tx) error { return tx.MarkEmailSent(ctx, e.ID, now) }); err != nil {
			// The server has the message but it is not recorded: the retry re-sends it with
			// the same Message-ID (the at-least-once window; see the package doc).
			o.logger().ErrorContext(ctx, "email sent but not recorded as sent", "email_id", e.ID, "message_id", e.MessageID, "err", err)
			return err
		}
		o.logger().InfoContext(ctx, "email sent", "email_id", e.ID, "message_id", e.MessageID)
		return nil
	}
	if IsPermanent(sendErr) || j.Attempt >= j.MaxAttempts {
		return o.fail(ctx, e, sendErr)
	}
	if err := o.Store.Update(ctx, func(tx *store.Tx) error { return tx.NoteEmailAttempt(ctx, e.ID, sendErr.Error()) }); err != nil {
		o.logger().WarnContext(ctx, "could not note email attempt", "email_id", e.ID, "err", err)
	}
	o.logger().WarnContext(ctx, "email not sent; will retry", "email_id", e.ID, "attempt", j.Attempt, "err", sendErr)
	return sendErr
}

// fail marks the email failed and ends its job for good.
func (o *Outbox) fail(ctx context.Context, e *store.Email, cause error) error {
	if err := o.Store.Update(ctx, func(tx *store.Tx) error { return tx.MarkEmailFailed(ctx, e.ID, cause.Error()) }); err != nil {
		return err // retried: the failure is recorded next time
	}
	o.logger().ErrorContext(ctx, "email failed", "email_id", e.ID, "err", cause)
	return jobs.Permanent(cause)
}
