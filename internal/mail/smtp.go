package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/mail"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// TLS modes of an SMTP connection.
const (
	TLSNone     = "none"     // plain text (a local relay only)
	TLSStartTLS = "starttls" // plain connect, then STARTTLS, required
	TLSImplicit = "tls"      // TLS from the first byte (port 465)
)

// SMTPConfig says how to reach the SMTP server.
type SMTPConfig struct {
	Host     string
	Port     int
	TLS      string // TLSNone, TLSStartTLS or TLSImplicit
	Username string // "" = no authentication
	Password string
	From     string        // envelope and header sender, "Name <addr>" or addr
	Timeout  time.Duration // per connection; 0 = 30s
	// TLSConfig overrides the TLS settings (tests trust a self-signed certificate); nil =
	// system roots, server name Host.
	TLSConfig *tls.Config
}

// Validate checks the settings.
func (c SMTPConfig) Validate() error {
	if c.Host == "" {
		return errors.New("mail: SMTP host is empty")
	}
	if c.Port <= 0 || c.Port > 65535 {
		return fmt.Errorf("mail: SMTP port %d out of range", c.Port)
	}
	switch c.TLS {
	case TLSNone, TLSStartTLS, TLSImplicit:
	default:
		return fmt.Errorf("mail: SMTP TLS mode %q: use none, starttls or tls", c.TLS)
	}
	if _, err := mail.ParseAddress(c.From); err != nil {
		return fmt.Errorf("mail: SMTP from address %q: %v", c.From, err)
	}
	if (c.Username == "") != (c.Password == "") {
		return errors.New("mail: SMTP username and password go together")
	}
	return nil
}

// SMTP sends messages through one SMTP server, a new connection per message.
type SMTP struct{ cfg SMTPConfig }

// NewSMTP checks cfg and returns a sender.
func NewSMTP(cfg SMTPConfig) (*SMTP, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	return &SMTP{cfg: cfg}, nil
}

// Send delivers m to the server. Errors: *PermanentError for 5xx replies and messages that
// cannot be built; anything else (connection refused, timeouts, 4xx) is temporary.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	if err := m.Validate(); err != nil {
		return &PermanentError{err}
	}
	msg := gomail.NewMsg()
	from := s.cfg.From
	if m.FromName != "" {
		// The configured address under the message's display name (e.g. the issuer's).
		addr, err := mail.ParseAddress(s.cfg.From)
		if err != nil {
			return &PermanentError{fmt.Errorf("mail: from: %w", err)}
		}
		from = (&mail.Address{Name: m.FromName, Address: addr.Address}).String()
	}
	if err := msg.From(from); err != nil {
		return &PermanentError{fmt.Errorf("mail: from: %w", err)}
	}
	if m.ReplyTo != "" {
		if err := msg.ReplyTo(m.ReplyTo); err != nil {
			return &PermanentError{fmt.Errorf("mail: reply-to: %w", err)}
		}
	}
	if err := msg.To(m.To); err != nil {
		return &PermanentError{fmt.Errorf("mail: to: %w", err)}
	}
	msg.Subject(m.Subject)
	if m.MessageID != "" {
		msg.SetMessageIDWithValue(m.MessageID)
	} else {
		msg.SetMessageID()
	}
	msg.SetDate()
	for k, v := range m.Headers {
		msg.SetGenHeader(gomail.Header(k), v)
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}

	opts := []gomail.Option{gomail.WithPort(s.cfg.Port), gomail.WithTimeout(s.cfg.Timeout)}
	switch s.cfg.TLS {
	case TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	case TLSStartTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL())
	}
	tc := s.cfg.TLSConfig
	if tc == nil {
		tc = &tls.Config{ServerName: s.cfg.Host, MinVersion: tls.VersionTLS12}
	}
	opts = append(opts, gomail.WithTLSConfig(tc))
	if s.cfg.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(s.cfg.Username), gomail.WithPassword(s.cfg.Password))
	}
	c, err := gomail.NewClient(s.cfg.Host, opts...)
	if err != nil {
		return &PermanentError{fmt.Errorf("mail: SMTP client: %w", err)}
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return classify(err)
	}
	return nil
}

// classify marks SMTP 5xx replies permanent; everything else stays temporary.
func classify(err error) error {
	var se *gomail.SendError
	if errors.As(err, &se) && se.ErrorCode() >= 500 && se.ErrorCode() < 600 {
		return &PermanentError{err}
	}
	return fmt.Errorf("mail: SMTP send (temporary): %w", err)
}
