package cli

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/config"
	"github.com/rosettebadges/rosette/internal/jobs"
	"github.com/rosettebadges/rosette/internal/mail"
	"github.com/rosettebadges/rosette/internal/store"
	"github.com/rosettebadges/rosette/internal/store/storetest"
)

func TestRegisterEmail(t *testing.T) {
	ctx := context.Background()
	clock := badge.NewFakeClock(time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC))
	msg := mail.Message{To: "ada@example.net", Subject: "s", Text: "t"}
	queueOne := func(t *testing.T, st *store.Store, q *jobs.Queue) int64 {
		t.Helper()
		ob := &mail.Outbox{Store: st, Queue: q, Clock: clock}
		var id int64
		if err := st.Update(ctx, func(tx *store.Tx) error {
			var err error
			id, _, err = ob.QueueEmail(ctx, tx, "k", msg)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return id
	}

	t.Run("off", func(t *testing.T) {
		st := storetest.NewSQLite(t)
		q := jobs.New(st, nil, clock, jobs.Options{})
		ob, err := registerEmail(q, st, config.Defaults(), "http://x.example", clock, nil)
		if err != nil || ob != nil {
			t.Fatalf("registerEmail = %v, %v; want nil, nil", ob, err)
		}
		queueOne(t, st, q)
		if worked, err := q.WorkOne(ctx); err != nil || worked {
			t.Errorf("WorkOne = %v, %v: an email job ran without SMTP settings", worked, err)
		}
	})

	t.Run("on", func(t *testing.T) {
		// A loopback port with nothing listening: the send is attempted and refused.
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := ln.Addr().(*net.TCPAddr).Port
		ln.Close()
		st := storetest.NewSQLite(t)
		q := jobs.New(st, nil, clock, jobs.Options{})
		cfg := config.Defaults()
		cfg.SMTPHost, cfg.SMTPPort, cfg.SMTPTLS, cfg.SMTPFrom = "127.0.0.1", port, "none", "badges@x.example"
		ob, err := registerEmail(q, st, cfg, "https://badges.x.example", clock, nil)
		if err != nil || ob == nil || ob.Domain != "badges.x.example" {
			t.Fatalf("registerEmail = %+v, %v", ob, err)
		}
		id := queueOne(t, st, q)
		if worked, err := q.WorkOne(ctx); err != nil || !worked {
			t.Fatalf("WorkOne = %v, %v: the email job did not run", worked, err)
		}
		var e *store.Email
		if err := st.View(ctx, func(tx *store.Tx) error { e, err = tx.EmailByID(ctx, id); return err }); err != nil {
			t.Fatal(err)
		}
		if e.Status != store.EmailQueued || e.Attempts != 1 || e.LastError == "" {
			t.Errorf("after a refused connection: %+v (want queued, 1 attempt, an error)", e)
		}
	})
}
