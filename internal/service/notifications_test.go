package service

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/jobs"
	rmail "github.com/rosettebadges/rosette/internal/mail"
	"github.com/rosettebadges/rosette/internal/mail/smtptest"
	"github.com/rosettebadges/rosette/internal/store"
	"github.com/rosettebadges/rosette/internal/store/storetest"
	"github.com/rosettebadges/rosette/openbadges/jsonld"
)

// notificationsFixture is the issuer "Acme" with staff of every role, the notifications
// service on a real outbox and jobs queue (fake clock) and an SMTP server on loopback.
type notificationsFixture struct {
	issuersFixture
	issuer *badge.Issuer
	queue  *jobs.Queue
	svc    *Notifications
	smtp   *smtptest.Server
}

func newNotifications(t *testing.T, newStore func(testing.TB) *store.Store) *notificationsFixture {
	t.Helper()
	ctx := context.Background()
	f := &notificationsFixture{issuersFixture: newIssuers(t, newStore, "owner", "editor", "awarder", "viewer", "stranger")}
	var err error
	f.issuer, err = f.issuersFixture.svc.Create(ctx, f.users["admin"],
		badge.IssuerFields{Name: "Acme & Co", Email: "contact@acme.example"}, f.users["owner"].ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []badge.Role{badge.RoleEditor, badge.RoleAwarder, badge.RoleViewer} {
		if _, err := f.issuersFixture.svc.AddMember(ctx, f.users["owner"], f.issuer.ID, string(r)+"@x.org", r); err != nil {
			t.Fatal(err)
		}
	}
	f.smtp = smtptest.Start(t)
	sender, err := rmail.NewSMTP(rmail.SMTPConfig{Host: f.smtp.Host(), Port: f.smtp.Port(), TLS: rmail.TLSNone,
		From: "Rosette <badges@example.org>", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	f.queue = jobs.New(f.st, nil, f.clock, jobs.Options{BackoffBase: 10 * time.Second, MaxAttempts: 10, Jitter: func() float64 { return 0 }})
	ob := &rmail.Outbox{Store: f.st, Queue: f.queue, Sender: sender, Clock: f.clock, Domain: "badges.example.org"}
	ob.Register()
	f.svc = NewNotifications(f.st, ob, f.clock, nil)
	return f
}

func TestNotifications(t *testing.T) {
	storetest.Each(t, func(t *testing.T, newStore func(testing.TB) *store.Store) {
		for name, f := range map[string]func(*testing.T, func(testing.TB) *store.Store){
			"Permissions":    testTemplatePermissions,
			"Templates":      testTemplateLifecycle,
			"Validation":     testTemplateValidation,
			"QueueAward":     testQueueAward,
			"SMTPDown":       testQueueAwardSMTPDown,
			"RolledBack":     testQueueAwardRolledBack,
			"OtherRecipient": testQueueAwardNotEmail,
		} {
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				f(t, newStore)
			})
		}
	})
}

var goodSource = rmail.TemplateSource{Subject: "{{.BadgeName}} from {{.IssuerName}}", Text: "Hi {{.RecipientName}}: {{.ClaimURL}}\n",
	HTML: `<p>Hi {{.RecipientName}}</p><a href="{{.ClaimURL}}">Claim</a>`}

func testTemplatePermissions(t *testing.T, newStore func(testing.TB) *store.Store) {
	ctx := context.Background()
	f := newNotifications(t, newStore)
	id := f.issuer.ID
	for _, who := range []string{"admin", "owner", "editor", "awarder", "viewer", "stranger"} {
		u := f.users[who]
		admin := who == "admin"
		role := map[string]badge.Role{"owner": badge.RoleOwner, "editor": badge.RoleEditor, "awarder": badge.RoleAwarder, "viewer": badge.RoleViewer}[who]
		for _, tc := range []struct {
			action badge.Action
			do     func() error
		}{
			{badge.ActView, func() error { _, err := f.svc.Get(ctx, u, id); return err }},
			{badge.ActView, func() error { _, err := f.svc.Preview(ctx, u, id, goodSource); return err }},
			{badge.ActEditIssuer, func() error { _, err := f.svc.Put(ctx, u, id, goodSource); return err }},
			{badge.ActEditIssuer, func() error { return f.svc.Reset(ctx, u, id) }},
		} {
			err := tc.do()
			if want := badge.Can(admin, role, tc.action); (err == nil) != want {
				t.Errorf("%s %s: err = %v, want allowed %v", who, tc.action, err, want)
			} else if err != nil && !errors.Is(err, badge.Forbidden) {
				t.Errorf("%s %s: err = %v, want Forbidden", who, tc.action, err)
			}
		}
	}
	if _, err := f.svc.Get(ctx, f.users["admin"], "nope"); !errors.Is(err, badge.NotFound) {
		t.Errorf("Template(no such issuer) = %v, want NotFound", err)
	}
	if _, err := f.svc.Get(ctx, nil, id); !errors.Is(err, badge.Unauthorized) {
		t.Errorf("Template(nobody) = %v, want Unauthorized", err)
	}
}

func testTemplateLifecycle(t *testing.T, newStore func(testing.TB) *store.Store) {
	ctx := context.Background()
	f := newNotifications(t, newStore)
	editor, id := f.users["editor"], f.issuer.ID
	got, err := f.svc.Get(ctx, editor, id)
	if err != nil {
		t.Fatal(err)
	}
	if want := (&NotificationTemplate{TemplateSource: rmail.DefaultTemplate, Default: true}); cmp.Diff(want, got) != "" {
		t.Errorf("Template before any = %+v, want the default", got)
	}
	src := goodSource
	src.Text = "Line one\r\nLine two {{.BadgeName}}\r\n"
	if _, err := f.svc.Put(ctx, editor, id, src); err != nil {
		t.Fatal(err)
	}
	got, err = f.svc.Get(ctx, f.users["viewer"], id)
	if err != nil {
		t.Fatal(err)
	}
	want := &NotificationTemplate{TemplateSource: rmail.TemplateSource{Subject: src.Subject, Text: "Line one\nLine two {{.BadgeName}}\n", HTML: src.HTML},
		UpdatedAt: f.clock.Now(), UpdatedBy: fmt.Sprintf("user:%d", editor.ID)}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Template after Put (-want +got):\n%s", d)
	}
	m, err := f.svc.Preview(ctx, f.users["viewer"], id, rmail.TemplateSource{Subject: "{{.IssuerName}}", Text: "t", HTML: "<b>{{.IssuerName}}</b>"})
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject != "Acme & Co" || m.HTML != "<b>Acme &amp; Co</b>" || m.FromName != "Acme & Co" || m.ReplyTo != "contact@acme.example" {
		t.Errorf("Preview = %+v", m)
	}
	if err := f.svc.Reset(ctx, editor, id); err != nil {
		t.Fatal(err)
	}
	if got, err := f.svc.Get(ctx, editor, id); err != nil || !got.Default || got.TemplateSource != rmail.DefaultTemplate {
		t.Errorf("Template after Reset = %+v, %v", got, err)
	}
	if err := f.svc.Reset(ctx, editor, id); err != nil {
		t.Errorf("second Reset: %v", err)
	}
	var actions []string
	f.st.View(ctx, func(tx *store.Tx) error {
		events, err := tx.ListAuditEvents(ctx, 0, 100)
		for _, e := range events {
			if strings.HasPrefix(e.Action, "email_template.") {
				actions = append(actions, e.Action)
			}
		}
		return err
	})
	slices.Sort(actions)
	if d := cmp.Diff([]string{"email_template.reset", "email_template.update"}, actions); d != "" {
		t.Errorf("audit (-want +got):\n%s", d)
	}
}

func testTemplateValidation(t *testing.T, newStore func(testing.TB) *store.Store) {
	ctx := context.Background()
	f := newNotifications(t, newStore)
	for name, tc := range map[string]struct {
		src   rmail.TemplateSource
		field string
	}{
		"unknown field": {rmail.TemplateSource{Subject: "s", Text: "{{.Password}}"}, "text"},
		"bad syntax":    {rmail.TemplateSource{Subject: "{{if .BadgeName}}", Text: "t"}, "subject"},
		"oversize":      {rmail.TemplateSource{Subject: "s", Text: "t", HTML: strings.Repeat("<p>x</p>", rmail.MaxHTMLBytes)}, "html"},
		"html field":    {rmail.TemplateSource{Subject: "s", Text: "t", HTML: "{{.Secret}}"}, "html"},
	} {
		_, err := f.svc.Put(ctx, f.users["owner"], f.issuer.ID, tc.src)
		if !errors.Is(err, badge.Invalid) || badge.FieldMessages(err)[tc.field] == "" {
			t.Errorf("%s: err = %v, want an Invalid error on %q", name, err, tc.field)
		}
		if _, err := f.svc.Preview(ctx, f.users["viewer"], f.issuer.ID, tc.src); badge.FieldMessages(err)[tc.field] == "" {
			t.Errorf("%s: Preview err = %v, want an error on %q", name, err, tc.field)
		}
	}
	if got, err := f.svc.Get(ctx, f.users["owner"], f.issuer.ID); err != nil || !got.Default {
		t.Errorf("after refused Puts: %+v, %v; want the default still", got, err)
	}
}

// emailAward is an award to an email address, as the award core makes it.
func emailAward(id, name string) *badge.Award {
	return &badge.Award{ID: id, Recipient: badge.Recipient{Type: badge.RecipientEmail, Identity: "ada@example.net", Name: name},
		Narrative: "For <great> work", IssuedAt: time.Date(2026, 11, 23, 22, 30, 0, 0, time.UTC)}
}

func (f *notificationsFixture) notice(a *badge.Award) AwardNotice {
	return AwardNotice{Award: a, Issuer: f.issuer, BadgeName: "Analytical Engine", BadgeDescription: "Programs it.",
		BadgeImageURL: "https://badges.example.org/images/abc.png", AwardURL: "https://badges.example.org/awards/" + a.ID,
		ClaimURL: "https://badges.example.org/claim/tok-" + a.ID}
}

func (f *notificationsFixture) queueAward(t *testing.T, d AwardNotice) {
	t.Helper()
	ctx := context.Background()
	if err := f.st.Update(ctx, func(tx *store.Tx) error { return f.svc.QueueAward(ctx, tx, d) }); err != nil {
		t.Fatal(err)
	}
}

// drain runs due jobs until none is left, moving the clock past every backoff (bounded).
func (f *notificationsFixture) drain(t *testing.T) {
	t.Helper()
	for range 30 {
		worked, err := f.queue.WorkOne(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if !worked {
			f.clock.Advance(time.Hour)
			if worked, err = f.queue.WorkOne(context.Background()); err != nil || !worked {
				return
			}
		}
	}
	t.Fatal("jobs did not drain")
}

// parsed is a received message: its headers and decoded parts.
type parsed struct {
	header     mail.Header
	text, html string
}

func parseMessage(t *testing.T, data string) parsed {
	t.Helper()
	msg, err := mail.ReadMessage(strings.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	p := parsed{header: msg.Header}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("Content-Type %q, %v", msg.Header.Get("Content-Type"), err)
	}
	r := multipart.NewReader(msg.Body, params["boundary"])
	for {
		part, err := r.NextPart() // decodes quoted-printable
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(part)
		if err != nil {
			t.Fatal(err)
		}
		switch ct, _, _ := mime.ParseMediaType(part.Header.Get("Content-Type")); ct {
		case "text/plain":
			p.text = string(b)
		case "text/html":
			p.html = string(b)
		}
	}
	return p
}

func (f *notificationsFixture) outboxCount(t *testing.T) int {
	t.Helper()
	var n int
	f.st.View(context.Background(), func(tx *store.Tx) error {
		return tx.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM email_outbox`).Scan(&n)
	})
	return n
}

func testQueueAward(t *testing.T, newStore func(testing.TB) *store.Store) {
	ctx := context.Background()
	f := newNotifications(t, newStore)
	a := emailAward("a1", `Ada <script>alert(1)</script>`)
	a.ExpiresAt = time.Date(2029, 1, 2, 0, 0, 0, 0, time.UTC)
	f.queueAward(t, f.notice(a))
	f.queueAward(t, f.notice(a)) // the same award again: nothing more
	if n := f.outboxCount(t); n != 1 {
		t.Fatalf("outbox has %d emails, want 1", n)
	}
	f.drain(t)
	msgs := f.smtp.Messages()
	if len(msgs) != 1 {
		t.Fatalf("server got %d messages, want 1", len(msgs))
	}
	if msgs[0].From != "badges@example.org" || !slices.Equal(msgs[0].To, []string{"ada@example.net"}) {
		t.Errorf("envelope %q -> %q", msgs[0].From, msgs[0].To)
	}
	p := parseMessage(t, msgs[0].Data)
	dec := new(mime.WordDecoder)
	subject, _ := dec.DecodeHeader(p.header.Get("Subject"))
	from, _ := p.header.AddressList("From")
	for _, c := range []struct{ what, got, want string }{
		{"Subject", subject, `Acme & Co awarded you the badge "Analytical Engine"`},
		{"From", from[0].String(), `"Acme & Co" <badges@example.org>`},
		{"Reply-To", p.header.Get("Reply-To"), "<contact@acme.example>"},
		{"To", p.header.Get("To"), "<ada@example.net>"},
		{"Auto-Submitted", p.header.Get("Auto-Submitted"), "auto-generated"},
	} {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.what, c.got, c.want)
		}
	}
	for _, want := range []string{"Hello Ada <script>alert(1)</script>,", "For <great> work", "Issued on 23 November 2026, valid until 2 January 2029.",
		"https://badges.example.org/claim/tok-a1"} {
		if !strings.Contains(p.text, want) {
			t.Errorf("text lacks %q:\n%s", want, p.text)
		}
	}
	for _, want := range []string{"Hello Ada &lt;script&gt;alert(1)&lt;/script&gt;,", "For &lt;great&gt; work",
		`href="https://badges.example.org/claim/tok-a1"`, `src="https://badges.example.org/images/abc.png"`} {
		if !strings.Contains(p.html, want) {
			t.Errorf("HTML lacks %q:\n%s", want, p.html)
		}
	}
	if strings.Contains(p.html, "<script") {
		t.Errorf("HTML has a script:\n%s", p.html)
	}

	// The issuer's own template is used from the next award on, and so is a change made
	// in the database by another node (the cache follows the stored source).
	if _, err := f.svc.Put(ctx, f.users["owner"], f.issuer.ID, goodSource); err != nil {
		t.Fatal(err)
	}
	f.queueAward(t, f.notice(emailAward("a2", "Bob")))
	if err := f.st.Update(ctx, func(tx *store.Tx) error {
		return tx.PutEmailTemplate(ctx, &store.EmailTemplate{IssuerID: f.issuer.ID, Kind: TemplateAward, Subject: "Changed {{.BadgeName}}",
			Text: "changed", UpdatedAt: f.clock.Now(), UpdatedBy: "test"})
	}); err != nil {
		t.Fatal(err)
	}
	f.queueAward(t, f.notice(emailAward("a3", "Cy")))
	f.drain(t)
	msgs = f.smtp.Messages()
	if len(msgs) != 3 {
		t.Fatalf("server got %d messages, want 3", len(msgs))
	}
	if p := parseMessage(t, msgs[1].Data); p.header.Get("Subject") != "Analytical Engine from Acme & Co" ||
		p.text != "Hi Bob: https://badges.example.org/claim/tok-a2\n" || !strings.Contains(p.html, "<p>Hi Bob</p>") {
		t.Errorf("second message: %q %q %q", p.header.Get("Subject"), p.text, p.html)
	}
	if !strings.Contains(msgs[2].Data, "Subject: Changed Analytical Engine") || strings.Contains(msgs[2].Data, "text/html") {
		t.Errorf("third message does not follow the changed template:\n%s", msgs[2].Data)
	}
}

func testQueueAwardSMTPDown(t *testing.T, newStore func(testing.TB) *store.Store) {
	f := newNotifications(t, newStore)
	f.smtp.Stop()
	f.queueAward(t, f.notice(emailAward("a1", "")))
	for range 3 { // fails, waits for its backoff, fails again
		worked, err := f.queue.WorkOne(context.Background())
		if err != nil || !worked {
			t.Fatalf("WorkOne = %v, %v", worked, err)
		}
		f.clock.Advance(time.Hour)
	}
	if n := len(f.smtp.Messages()); n != 0 {
		t.Fatalf("server down got %d messages", n)
	}
	f.smtp.Restart()
	f.drain(t)
	f.queueAward(t, f.notice(emailAward("a1", ""))) // again after delivery: still once
	f.drain(t)
	msgs := f.smtp.Messages()
	if len(msgs) != 1 {
		t.Fatalf("server got %d messages, want exactly 1", len(msgs))
	}
	if p := parseMessage(t, msgs[0].Data); !strings.HasPrefix(p.text, "Hello,\n") {
		t.Errorf("text without a recipient name: %q", p.text)
	}
}

func testQueueAwardRolledBack(t *testing.T, newStore func(testing.TB) *store.Store) {
	ctx := context.Background()
	f := newNotifications(t, newStore)
	boom := errors.New("issuing failed")
	err := f.st.Update(ctx, func(tx *store.Tx) error {
		if err := f.svc.QueueAward(ctx, tx, f.notice(emailAward("a1", ""))); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update = %v", err)
	}
	f.drain(t)
	if n, m := f.outboxCount(t), len(f.smtp.Messages()); n != 0 || m != 0 {
		t.Errorf("rolled back award: %d emails recorded, %d sent", n, m)
	}
}

func testQueueAwardNotEmail(t *testing.T, newStore func(testing.TB) *store.Store) {
	f := newNotifications(t, newStore)
	for i, r := range []badge.Recipient{{Type: badge.RecipientURL, Identity: "https://ada.example"},
		{Type: badge.RecipientPhone, Identity: "+442079460000"}, {Type: badge.RecipientDID, Identity: "did:web:ada.example"}} {
		a := emailAward(fmt.Sprint("x", i), "")
		a.Recipient = r
		f.queueAward(t, f.notice(a))
	}
	if n := f.outboxCount(t); n != 0 {
		t.Errorf("%d emails recorded for non-email recipients", n)
	}
	ctx := context.Background()
	if err := f.st.Update(ctx, func(tx *store.Tx) error {
		d := f.notice(emailAward("y", ""))
		d.ClaimURL = ""
		return f.svc.QueueAward(ctx, tx, d)
	}); err == nil {
		t.Error("QueueAward without a claim link succeeded")
	}
}

// TestAwardEmailThroughAwards issues an award with Notify through the award core wired to the
// notifications service: the recipient gets one email with the claim link, the badge image
// and the issuer's name, and repeating the request sends nothing more.
func TestAwardEmailThroughAwards(t *testing.T) {
	storetest.Each(t, func(t *testing.T, newStore func(testing.TB) *store.Store) {
		ctx := context.Background()
		f := newAwards(t, newStore)
		srv := smtptest.Start(t)
		sender, err := rmail.NewSMTP(rmail.SMTPConfig{Host: srv.Host(), Port: srv.Port(), TLS: rmail.TLSNone,
			From: "badges@example.org", Timeout: 5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		q := jobs.New(f.st, nil, f.clock, jobs.Options{Jitter: func() float64 { return 0 }})
		ob := &rmail.Outbox{Store: f.st, Queue: q, Sender: sender, Clock: f.clock, Domain: "badges.example.org"}
		ob.Register()
		aw := NewAwards(AwardsOptions{Store: f.st, Keys: f.km, Queue: q, URLs: f.urls, Clock: f.clock,
			Canonicalizer: jsonld.NewProcessor(jsonld.WithLoader(jsonld.NewLoader())), Notifier: NewNotifications(f.st, ob, f.clock, nil)})
		req := emailReq(f.bc.ID, "ada@example.net")
		req.Recipient.Name = "Ada"
		req.Notify, req.Key = true, "once"
		if _, err := aw.Issue(ctx, f.users["owner"], req); err != nil {
			t.Fatal(err)
		}
		if _, err := aw.Issue(ctx, f.users["owner"], req); err != nil {
			t.Fatal(err)
		}
		for range 20 {
			worked, err := q.WorkOne(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !worked {
				break
			}
		}
		msgs := srv.Messages()
		if len(msgs) != 1 {
			t.Fatalf("server got %d messages, want 1", len(msgs))
		}
		p := parseMessage(t, msgs[0].Data)
		if got, want := p.header.Get("Subject"), f.issuer.Name+` awarded you the badge "Welder"`; got != want {
			t.Errorf("Subject = %q, want %q", got, want)
		}
		for _, want := range []string{"Hello Ada,", "https://badges.example.org/claim/"} {
			if !strings.Contains(p.text, want) {
				t.Errorf("text lacks %q:\n%s", want, p.text)
			}
		}
		for _, want := range []string{`src="https://badges.example.org/images/`, `href="https://badges.example.org/claim/`} {
			if !strings.Contains(p.html, want) {
				t.Errorf("HTML lacks %q:\n%s", want, p.html)
			}
		}
		if !slices.Equal(msgs[0].To, []string{"ada@example.net"}) {
			t.Errorf("to %q", msgs[0].To)
		}
	})
}
