package mail

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/rosettebadges/rosette/internal/mail/smtptest"

	"github.com/emersion/go-smtp"
	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/jobs"
	"github.com/rosettebadges/rosette/internal/store"
	"github.com/rosettebadges/rosette/internal/store/storetest"
)

var t0 = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// outboxEnv is an outbox on a fresh database, a fake clock and a real SMTP server.
type outboxEnv struct {
	st    *store.Store
	clock *badge.FakeClock
	queue *jobs.Queue
	ob    *Outbox
	srv   *smtptest.Server
}

func newOutboxEnv(t *testing.T, newStore func(testing.TB) *store.Store, sender func(*SMTP) Sender) *outboxEnv {
	t.Helper()
	e := &outboxEnv{st: newStore(t), clock: badge.NewFakeClock(t0), srv: smtptest.Start(t)}
	e.queue = jobs.New(e.st, nil, e.clock, jobs.Options{BackoffBase: 10 * time.Second, MaxAttempts: 5, Jitter: func() float64 { return 0 }})
	s := newSMTP(t, smtpConfig(e.srv))
	var snd Sender = s
	if sender != nil {
		snd = sender(s)
	}
	e.ob = &Outbox{Store: e.st, Queue: e.queue, Sender: snd, Clock: e.clock, Domain: "badges.example.org"}
	e.ob.Register()
	return e
}

func (e *outboxEnv) queueEmail(t *testing.T, key string, m Message) (int64, bool) {
	t.Helper()
	var id int64
	var created bool
	err := e.st.Update(context.Background(), func(tx *store.Tx) error {
		var err error
		id, created, err = e.ob.QueueEmail(context.Background(), tx, key, m)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id, created
}

func (e *outboxEnv) workOne(t *testing.T) bool {
	t.Helper()
	worked, err := e.queue.WorkOne(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return worked
}

func (e *outboxEnv) email(t *testing.T, id int64) *store.Email {
	t.Helper()
	var em *store.Email
	err := e.st.View(context.Background(), func(tx *store.Tx) error {
		var err error
		em, err = tx.EmailByID(context.Background(), id)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return em
}

func (e *outboxEnv) jobStates(t *testing.T) map[string]int64 {
	t.Helper()
	c, err := e.queue.Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// drain runs due jobs until none is left, moving the clock past every backoff (bounded).
func (e *outboxEnv) drain(t *testing.T) {
	t.Helper()
	for range 20 {
		if !e.workOne(t) {
			return
		}
		e.clock.Advance(time.Hour)
	}
	t.Fatal("jobs still due after 20 rounds")
}

func TestOutbox(t *testing.T) {
	storetest.Each(t, func(t *testing.T, newStore func(testing.TB) *store.Store) {
		t.Run("Delivered", func(t *testing.T) { testDelivered(t, newStore) })
		t.Run("ServerDownThenBack", func(t *testing.T) { testServerDown(t, newStore) })
		t.Run("Permanent5xx", func(t *testing.T) { testPermanent(t, newStore) })
		t.Run("DuplicateKey", func(t *testing.T) { testDuplicateKey(t, newStore) })
		t.Run("RolledBack", func(t *testing.T) { testRolledBack(t, newStore) })
		t.Run("CrashAfterAccept", func(t *testing.T) { testCrashAfterAccept(t, newStore) })
		t.Run("AlreadySent", func(t *testing.T) { testAlreadySent(t, newStore) })
	})
}

func testDelivered(t *testing.T, newStore func(testing.TB) *store.Store) {
	e := newOutboxEnv(t, newStore, nil)
	id, created := e.queueEmail(t, "award:1", testMsg)
	if !created {
		t.Fatal("created = false")
	}
	if !e.workOne(t) {
		t.Fatal("no job ran")
	}
	msgs := e.srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("server got %d messages, want 1", len(msgs))
	}
	checkDelivered(t, msgs[0])
	em := e.email(t, id)
	if em.Status != store.EmailSent || em.Attempts != 1 || !em.SentAt.Equal(t0) || em.LastError != "" {
		t.Errorf("row = %+v", em)
	}
	if e.workOne(t) {
		t.Error("a job ran again")
	}
	if c := e.jobStates(t); c[store.JobDone] != 1 {
		t.Errorf("jobs = %v", c)
	}

	// A generated Message-ID is stored and sent.
	m := testMsg
	m.MessageID = ""
	id2, _ := e.queueEmail(t, "award:2", m)
	e.drain(t)
	mid := e.email(t, id2).MessageID
	if !strings.HasSuffix(mid, "@badges.example.org") || len(mid) < 20 {
		t.Errorf("generated Message-ID %q", mid)
	}
	if msgs := e.srv.Messages(); len(msgs) != 2 || !strings.Contains(msgs[1].Data, "Message-ID: <"+mid+">") {
		t.Errorf("second message lacks Message-ID <%s>", mid)
	}

	// The sender's display name and Reply-To are recorded and sent.
	m.FromName, m.ReplyTo = "Acme Academy", "contact@acme.example"
	id3, _ := e.queueEmail(t, "award:3", m)
	if em := e.email(t, id3); em.FromName != m.FromName || em.ReplyTo != m.ReplyTo {
		t.Errorf("row = %+v", em)
	}
	e.drain(t)
	if msgs := e.srv.Messages(); len(msgs) != 3 || !strings.Contains(msgs[2].Data, `From: "Acme Academy" <badges@example.org>`) ||
		!strings.Contains(msgs[2].Data, "Reply-To: <contact@acme.example>") {
		t.Errorf("third message lacks From name or Reply-To:\n%s", msgs[len(msgs)-1].Data)
	}
}

func testServerDown(t *testing.T, newStore func(testing.TB) *store.Store) {
	e := newOutboxEnv(t, newStore, nil)
	e.srv.Stop() // down: connection refused
	id, _ := e.queueEmail(t, "award:1", testMsg)
	for attempt := 1; attempt <= 3; attempt++ {
		if !e.workOne(t) {
			t.Fatalf("attempt %d: no job ran", attempt)
		}
		em := e.email(t, id)
		if em.Status != store.EmailQueued || em.Attempts != attempt || em.LastError == "" {
			t.Fatalf("attempt %d: row = %+v", attempt, em)
		}
		if e.workOne(t) {
			t.Fatalf("attempt %d: retried before its backoff", attempt)
		}
		e.clock.Advance(time.Duration(10<<(attempt-1)) * time.Second)
	}
	e.srv.Restart() // back, on the same address
	if !e.workOne(t) {
		t.Fatal("no retry after the server came back")
	}
	e.drain(t)
	if n := len(e.srv.Messages()); n != 1 {
		t.Fatalf("server got %d messages, want exactly 1", n)
	}
	if em := e.email(t, id); em.Status != store.EmailSent || em.Attempts != 4 {
		t.Errorf("row = %+v", em)
	}
}

func testPermanent(t *testing.T, newStore func(testing.TB) *store.Store) {
	e := newOutboxEnv(t, newStore, nil)
	e.srv.SetReject(&smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"})
	id, _ := e.queueEmail(t, "award:1", testMsg)
	e.drain(t)
	em := e.email(t, id)
	if em.Status != store.EmailFailed || em.Attempts != 1 || !strings.Contains(em.LastError, "550") {
		t.Errorf("row = %+v", em)
	}
	if c := e.jobStates(t); c[store.JobDead] != 1 || c[store.JobPending] != 0 {
		t.Errorf("jobs = %v, want one dead", c)
	}
	// The server accepting again changes nothing: a failed email is not retried.
	e.srv.SetReject(nil)
	e.clock.Advance(24 * time.Hour)
	if e.workOne(t) {
		t.Error("a job ran after a permanent failure")
	}
	if n := len(e.srv.Messages()); n != 0 {
		t.Errorf("server got %d messages, want 0", n)
	}
}

func testDuplicateKey(t *testing.T, newStore func(testing.TB) *store.Store) {
	e := newOutboxEnv(t, newStore, nil)
	id1, c1 := e.queueEmail(t, "award:7", testMsg)
	id2, c2 := e.queueEmail(t, "award:7", Message{To: "other@example.net", Subject: "x", Text: "y"})
	if !c1 || c2 || id1 != id2 {
		t.Errorf("QueueEmail twice: (%d,%v) (%d,%v)", id1, c1, id2, c2)
	}
	e.drain(t)
	// After it was sent, the same key again: still nothing new.
	if id3, c3 := e.queueEmail(t, "award:7", testMsg); c3 || id3 != id1 {
		t.Errorf("QueueEmail after send = (%d,%v)", id3, c3)
	}
	e.drain(t)
	msgs := e.srv.Messages()
	if len(msgs) != 1 || msgs[0].To[0] != "ada@example.net" {
		t.Errorf("server got %+v, want one email to ada", msgs)
	}
}

func testRolledBack(t *testing.T, newStore func(testing.TB) *store.Store) {
	e := newOutboxEnv(t, newStore, nil)
	boom := errors.New("caller failed")
	err := e.st.Update(context.Background(), func(tx *store.Tx) error {
		if _, _, err := e.ob.QueueEmail(context.Background(), tx, "award:1", testMsg); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	if e.workOne(t) {
		t.Error("a job of a rolled-back transaction ran")
	}
	if _, c := e.queueEmail(t, "award:1", testMsg); !c {
		t.Error("the rolled-back key was recorded")
	}
	// Bad input: refused, nothing recorded.
	err = e.st.Update(context.Background(), func(tx *store.Tx) error {
		_, _, err := e.ob.QueueEmail(context.Background(), tx, "award:2", Message{To: "a@b.example"})
		return err
	})
	if !errors.Is(err, badge.Invalid) {
		t.Errorf("incomplete message: %v", err)
	}
}

// stealLease is a sender that, after the server accepted the message, takes the job's lease
// away as if its worker had died between the SMTP reply and the commit.
type stealLease struct {
	inner Sender
	st    *store.Store
	done  bool
}

func (s *stealLease) Send(ctx context.Context, m Message) error {
	if err := s.inner.Send(ctx, m); err != nil {
		return err
	}
	if !s.done {
		s.done = true
		return s.st.Update(ctx, func(tx *store.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE jobs SET locked_by = 'vanished-worker'`)
			return err
		})
	}
	return nil
}

func testCrashAfterAccept(t *testing.T, newStore func(testing.TB) *store.Store) {
	e := newOutboxEnv(t, newStore, func(s *SMTP) Sender { return &stealLease{inner: s, st: nil} })
	e.ob.Sender.(*stealLease).st = e.st
	id, _ := e.queueEmail(t, "award:1", testMsg)
	e.workOne(t) // sends; cannot record (lease lost)
	if em := e.email(t, id); em.Status != store.EmailQueued {
		t.Fatalf("row = %+v, want still queued", em)
	}
	e.clock.Advance(10 * time.Minute) // the vanished worker's lease expires
	e.drain(t)
	msgs := e.srv.Messages()
	if len(msgs) != 2 {
		t.Fatalf("server got %d messages, want 2 (the documented at-least-once window)", len(msgs))
	}
	for _, m := range msgs {
		if !strings.Contains(m.Data, "Message-ID: <abc123@badges.example.org>") {
			t.Errorf("copy without the stable Message-ID:\n%s", m.Data)
		}
	}
	if em := e.email(t, id); em.Status != store.EmailSent {
		t.Errorf("row = %+v", em)
	}
	// Once recorded, never again.
	e.clock.Advance(24 * time.Hour)
	e.drain(t)
	if n := len(e.srv.Messages()); n != 2 {
		t.Errorf("server got %d messages after the record, want still 2", n)
	}
}

// testAlreadySent: a job that runs again for an email recorded as sent (a duplicate claim, a
// re-run after the worker died past the commit) completes without sending.
func testAlreadySent(t *testing.T, newStore func(testing.TB) *store.Store) {
	e := newOutboxEnv(t, newStore, nil)
	id, _ := e.queueEmail(t, "award:1", testMsg)
	if err := e.st.Update(context.Background(), func(tx *store.Tx) error { return tx.MarkEmailSent(context.Background(), id, t0) }); err != nil {
		t.Fatal(err)
	}
	if !e.workOne(t) {
		t.Fatal("no job ran")
	}
	if n := len(e.srv.Messages()); n != 0 {
		t.Errorf("server got %d messages, want 0", n)
	}
	if c := e.jobStates(t); c[store.JobDone] != 1 {
		t.Errorf("jobs = %v, want one done", c)
	}
}
