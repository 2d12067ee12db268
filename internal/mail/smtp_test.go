package mail

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/rosettebadges/rosette/internal/mail/smtptest"

	"github.com/emersion/go-smtp"
)

func smtpConfig(s *smtptest.Server) SMTPConfig {
	return SMTPConfig{Host: "127.0.0.1", Port: s.Port(), TLS: TLSNone, From: "Rosette <badges@example.org>", Timeout: 5 * time.Second}
}

func newSMTP(t *testing.T, cfg SMTPConfig) *SMTP {
	t.Helper()
	s, err := NewSMTP(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var testMsg = Message{
	To: "ada@example.net", Subject: "Your badge", Text: "Plain body é\n", HTML: "<p>HTML body</p>\n",
	MessageID: "abc123@badges.example.org", Headers: map[string]string{"Auto-Submitted": "auto-generated"},
}

// checkDelivered checks one received message carries both parts, the Message-ID and headers.
func checkDelivered(t *testing.T, got smtptest.Message) {
	t.Helper()
	if got.From != "badges@example.org" || len(got.To) != 1 || got.To[0] != "ada@example.net" {
		t.Errorf("envelope = %q -> %q", got.From, got.To)
	}
	for _, want := range []string{
		"Message-ID: <abc123@badges.example.org>", "Subject: Your badge", "Auto-Submitted: auto-generated",
		"multipart/alternative", "Content-Type: text/plain; charset=UTF-8", "Content-Type: text/html; charset=UTF-8",
		"Plain body", "<p>HTML body</p>", "To: <ada@example.net>",
	} {
		if !strings.Contains(got.Data, want) {
			t.Errorf("message lacks %q:\n%s", want, got.Data)
		}
	}
}

func TestSMTPSend(t *testing.T) {
	srv := smtptest.Start(t)
	if err := newSMTP(t, smtpConfig(srv)).Send(context.Background(), testMsg); err != nil {
		t.Fatal(err)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("server got %d messages, want 1", len(msgs))
	}
	checkDelivered(t, msgs[0])
}

func TestSMTPStartTLSAndAuth(t *testing.T) {
	serverTLS, clientTLS := smtptest.SelfSigned(t)
	srv := smtptest.StartWith(t, smtptest.Config{TLS: serverTLS, User: "rosette", Pass: "s3cret"})
	cfg := smtpConfig(srv)
	cfg.TLS, cfg.TLSConfig, cfg.Username, cfg.Password = TLSStartTLS, clientTLS, "rosette", "s3cret"
	if err := newSMTP(t, cfg).Send(context.Background(), testMsg); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Messages()); n != 1 {
		t.Fatalf("server got %d messages, want 1", n)
	}
	checkDelivered(t, srv.Messages()[0])

	// A certificate the client does not trust is refused (not silently accepted).
	_, otherTLS := smtptest.SelfSigned(t)
	cfg.TLSConfig = otherTLS
	if err := newSMTP(t, cfg).Send(context.Background(), testMsg); err == nil {
		t.Error("send with an untrusted certificate succeeded")
	}
	// Wrong password: refused.
	cfg.TLSConfig, cfg.Password = clientTLS, "wrong"
	if err := newSMTP(t, cfg).Send(context.Background(), testMsg); err == nil {
		t.Error("send with a wrong password succeeded")
	}
	if n := len(srv.Messages()); n != 1 {
		t.Errorf("server got %d messages, want still 1", n)
	}
}

func TestSMTPImplicitTLS(t *testing.T) {
	serverTLS, clientTLS := smtptest.SelfSigned(t)
	srv := smtptest.StartWith(t, smtptest.Config{TLS: serverTLS, Implicit: true, User: "rosette", Pass: "s3cret"})
	cfg := smtpConfig(srv)
	cfg.TLS, cfg.TLSConfig, cfg.Username, cfg.Password = TLSImplicit, clientTLS, "rosette", "s3cret"
	if err := newSMTP(t, cfg).Send(context.Background(), testMsg); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Messages()); n != 1 {
		t.Fatalf("server got %d messages, want 1", n)
	}
	checkDelivered(t, srv.Messages()[0])
	// Plain SMTP to a TLS port fails (temporarily: it is a connection problem).
	cfg.TLS, cfg.Timeout = TLSNone, time.Second // the server waits for a TLS hello: fail fast
	if err := newSMTP(t, cfg).Send(context.Background(), testMsg); err == nil || IsPermanent(err) {
		t.Errorf("plain to a TLS port: err = %v, want temporary", err)
	}
}

func TestSMTPStartTLSRequired(t *testing.T) {
	srv := smtptest.Start(t) // offers no STARTTLS
	cfg := smtpConfig(srv)
	cfg.TLS = TLSStartTLS
	if err := newSMTP(t, cfg).Send(context.Background(), testMsg); err == nil {
		t.Fatal("starttls mode sent in clear to a server without STARTTLS")
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("server got %d messages, want 0", n)
	}
}

func TestSMTPErrorClasses(t *testing.T) {
	srv := smtptest.Start(t)
	s := newSMTP(t, smtpConfig(srv))
	ctx := context.Background()

	srv.SetReject(&smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"})
	err := s.Send(ctx, testMsg)
	if !IsPermanent(err) {
		t.Errorf("550: err = %v, want permanent", err)
	}
	srv.SetReject(&smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try later"})
	err = s.Send(ctx, testMsg)
	if err == nil || IsPermanent(err) {
		t.Errorf("451: err = %v, want temporary", err)
	}
	srv.Stop()
	err = s.Send(ctx, testMsg)
	if err == nil || IsPermanent(err) {
		t.Errorf("server down: err = %v, want temporary", err)
	}
	err = s.Send(ctx, Message{To: "a@b.example", Subject: "s"})
	if !IsPermanent(err) {
		t.Errorf("no body: err = %v, want permanent", err)
	}
	var pe *PermanentError
	if !errors.As(err, &pe) {
		t.Errorf("no body: %T", err)
	}
}

func TestSMTPConfigValidate(t *testing.T) {
	good := SMTPConfig{Host: "smtp.example.org", Port: 587, TLS: TLSStartTLS, From: "badges@example.org"}
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		mod  func(*SMTPConfig)
	}{
		{"no host", func(c *SMTPConfig) { c.Host = "" }},
		{"port 0", func(c *SMTPConfig) { c.Port = 0 }},
		{"port too big", func(c *SMTPConfig) { c.Port = 70000 }},
		{"tls mode", func(c *SMTPConfig) { c.TLS = "ssl" }},
		{"from", func(c *SMTPConfig) { c.From = "not an address" }},
		{"user without password", func(c *SMTPConfig) { c.Username = "u" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := good
			tt.mod(&c)
			if err := c.Validate(); err == nil {
				t.Error("Validate() = nil")
			}
		})
	}
}

func TestSMTPFromNameAndReplyTo(t *testing.T) {
	srv := smtptest.Start(t)
	m := testMsg
	m.FromName, m.ReplyTo = `Acme "Badges" & Co`, "contact@acme.example"
	if err := newSMTP(t, smtpConfig(srv)).Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("server got %d messages, want 1", len(msgs))
	}
	if msgs[0].From != "badges@example.org" {
		t.Errorf("envelope sender = %q, want the configured address", msgs[0].From)
	}
	for _, want := range []string{`From: "Acme \"Badges\" & Co" <badges@example.org>`, "Reply-To: <contact@acme.example>"} {
		if !strings.Contains(msgs[0].Data, want) {
			t.Errorf("message lacks %q:\n%s", want, msgs[0].Data)
		}
	}
	for _, bad := range []Message{{To: "a@b.example", Subject: "s", Text: "t", FromName: "x\r\nBcc: evil@example.net"},
		{To: "a@b.example", Subject: "s", Text: "t", ReplyTo: "not an address"}} {
		if err := bad.Validate(); err == nil {
			t.Errorf("Validate(%+v) = nil", bad)
		}
	}
}
