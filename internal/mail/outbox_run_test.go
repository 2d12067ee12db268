package mail

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/rosettebadges/rosette/internal/mail/smtptest"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/jobs"
	"github.com/rosettebadges/rosette/internal/store"
	"github.com/rosettebadges/rosette/internal/store/storetest"
)

// TestOutboxRunWorkers runs the real queue (4 workers) while the SMTP server is down, then
// brings it back: every email arrives exactly once.
func TestOutboxRunWorkers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, newStore func(testing.TB) *store.Store) {
		const n = 12
		st := newStore(t)
		srv := smtptest.Start(t)
		srv.Stop()
		q := jobs.New(st, nil, badge.SystemClock{}, jobs.Options{Workers: 4, PollInterval: 5 * time.Millisecond,
			BackoffBase: 20 * time.Millisecond, BackoffMax: 200 * time.Millisecond, MaxAttempts: 1000})
		ob := &Outbox{Store: st, Queue: q, Sender: newSMTP(t, smtpConfig(srv)), Clock: badge.SystemClock{}, Domain: "x.example"}
		ob.Register()
		ctx := context.Background()
		for i := range n {
			m := testMsg
			m.MessageID = ""
			m.To = fmt.Sprintf("r%d@example.net", i)
			if err := st.Update(ctx, func(tx *store.Tx) error {
				_, _, err := ob.QueueEmail(ctx, tx, fmt.Sprintf("award:%d", i), m)
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		runCtx, stop := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- q.Run(runCtx) }()
		t.Cleanup(func() {
			stop()
			<-done
		})

		// waitFor polls cond (bounded: 60s) until it holds.
		waitFor := func(what string, cond func() bool) {
			t.Helper()
			for range 6000 {
				if cond() {
					return
				}
				time.Sleep(10 * time.Millisecond)
			}
			t.Fatalf("gave up waiting for %s", what)
		}
		failedTwice := func() bool {
			var k int
			st.View(ctx, func(tx *store.Tx) error {
				return tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM email_outbox WHERE attempts >= 2 AND status = 'queued'`).Scan(&k)
			})
			return k == n
		}
		waitFor("every email to fail twice", failedTwice)
		srv.Restart()
		waitFor("every email to be sent", func() bool {
			var k int
			st.View(ctx, func(tx *store.Tx) error {
				return tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM email_outbox WHERE status = 'sent'`).Scan(&k)
			})
			return k == n
		})
		stop()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		done <- nil // for the cleanup
		msgs := srv.Messages()
		if len(msgs) != n {
			t.Fatalf("server got %d messages, want %d", len(msgs), n)
		}
		ids := map[string]bool{}
		re := regexp.MustCompile(`Message-ID: <([^>]+)>`)
		for _, m := range msgs {
			id := re.FindStringSubmatch(m.Data)
			if id == nil || ids[id[1]] {
				t.Fatalf("missing or repeated Message-ID in:\n%s", m.Data)
			}
			ids[id[1]] = true
		}
	})
}
