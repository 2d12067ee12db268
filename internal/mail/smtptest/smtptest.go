// Package smtptest owns an in-process SMTP server (go-smtp) on a loopback port for tests of
// code that sends email through internal/mail: it keeps every message it accepts, can require
// STARTTLS or implicit TLS and AUTH PLAIN, can refuse messages with a given reply, and can be
// stopped and started again on the same address to play an SMTP server that is down for a
// while. It is for tests only.
package smtptest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Message is one message the server accepted. Data has "\n" line endings.
type Message struct {
	From string
	To   []string
	Data string
}

// Config configures a server; the zero value is plain SMTP without authentication.
type Config struct {
	TLS      *tls.Config // non-nil: STARTTLS offered (or, with Implicit, TLS from the first byte)
	Implicit bool
	User     string // non-empty: AUTH PLAIN required with User/Pass
	Pass     string
}

// Server is a running (or stopped) test SMTP server.
type Server struct {
	t      testing.TB
	cfg    Config
	mu     sync.Mutex
	addr   string
	srv    *smtp.Server
	ln     net.Listener
	msgs   []Message
	reject *smtp.SMTPError // non-nil: DATA answered with this
}

// Start runs a plain server on 127.0.0.1 (a free port), stopped at cleanup.
func Start(t testing.TB) *Server { return StartWith(t, Config{}) }

// StartWith runs a server configured by cfg on 127.0.0.1 (a free port), stopped at cleanup.
func StartWith(t testing.TB, cfg Config) *Server {
	t.Helper()
	s := &Server{t: t, cfg: cfg, addr: "127.0.0.1:0"}
	s.Restart()
	t.Cleanup(s.Stop)
	return s
}

// Host is the address to connect to: "127.0.0.1".
func (s *Server) Host() string { return "127.0.0.1" }

// Port is the server's port (the same across Stop and Restart).
func (s *Server) Port() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, p, _ := net.SplitHostPort(s.addr)
	n, _ := strconv.Atoi(p)
	return n
}

// Restart starts the server again on its address after Stop (Start does it the first time).
func (s *Server) Restart() {
	s.t.Helper()
	s.mu.Lock()
	addr := s.addr
	s.mu.Unlock()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		s.t.Fatal(err)
	}
	if s.cfg.Implicit {
		ln = tls.NewListener(ln, s.cfg.TLS)
	}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{s: s}, nil }))
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.AllowInsecureAuth = s.cfg.TLS == nil || s.cfg.Implicit
	if !s.cfg.Implicit {
		srv.TLSConfig = s.cfg.TLS
	}
	s.mu.Lock()
	s.addr, s.srv, s.ln = ln.Addr().String(), srv, ln
	s.mu.Unlock()
	go srv.Serve(ln)
}

// Stop closes the listener and every connection: the server is down (connections refused).
func (s *Server) Stop() {
	s.mu.Lock()
	srv, ln := s.srv, s.ln
	s.srv, s.ln = nil, nil
	s.mu.Unlock()
	if srv != nil {
		ln.Close() // Serve may not have taken the listener yet
		srv.Close()
	}
}

// Messages returns the messages accepted so far, in order.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// SetReject makes the server answer DATA with e (nil: accept again).
func (s *Server) SetReject(e *smtp.SMTPError) {
	s.mu.Lock()
	s.reject = e
	s.mu.Unlock()
}

type session struct {
	s      *Server
	authed bool
	from   string
	to     []string
}

func (x *session) AuthMechanisms() []string {
	if x.s.cfg.User == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (x *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if username != x.s.cfg.User || password != x.s.cfg.Pass {
			return errors.New("invalid credentials")
		}
		x.authed = true
		return nil
	}), nil
}

func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	if x.s.cfg.User != "" && !x.authed {
		return smtp.ErrAuthRequired
	}
	x.from = from
	return nil
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error { x.to = append(x.to, to); return nil }
func (x *session) Reset()                                    { x.from, x.to = "", nil }
func (x *session) Logout() error                             { return nil }

func (x *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	if x.s.reject != nil {
		return x.s.reject
	}
	x.s.msgs = append(x.s.msgs, Message{From: x.from, To: x.to, Data: string(bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n")))})
	return nil
}

// SelfSigned returns a server TLS config with a fresh self-signed certificate for 127.0.0.1
// and a client TLS config that trusts only it.
func SelfSigned(t testing.TB) (server, client *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	server = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert}}}
	client = &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
	return server, client
}
