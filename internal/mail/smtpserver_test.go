package mail

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
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// received is one message accepted by the test server.
type received struct {
	From string
	To   []string
	Data string
}

// testServer is a real SMTP server (go-smtp) on a loopback port, in process.
type testServer struct {
	t        *testing.T
	addr     string
	tls      *tls.Config // non-nil: STARTTLS offered (or, with implicit, TLS from the first byte)
	implicit bool
	user     string // non-empty: AUTH PLAIN required with user/pass
	pass     string

	mu     sync.Mutex
	srv    *smtp.Server
	ln     net.Listener
	msgs   []received
	reject *smtp.SMTPError // non-nil: DATA answered with this
}

func startServer(t *testing.T, configure func(*testServer)) *testServer {
	t.Helper()
	s := &testServer{t: t, addr: "127.0.0.1:0"}
	if configure != nil {
		configure(s)
	}
	s.start()
	t.Cleanup(s.stop)
	return s
}

func (s *testServer) start() {
	s.t.Helper()
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		s.t.Fatal(err)
	}
	if s.implicit {
		ln = tls.NewListener(ln, s.tls)
	}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &session{s: s}, nil }))
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.AllowInsecureAuth = s.tls == nil || s.implicit
	if !s.implicit {
		srv.TLSConfig = s.tls
	}
	s.mu.Lock()
	s.addr, s.srv, s.ln = ln.Addr().String(), srv, ln
	s.mu.Unlock()
	go srv.Serve(ln)
}

// stop closes the listener and every connection (the server is "down").
func (s *testServer) stop() {
	s.mu.Lock()
	srv, ln := s.srv, s.ln
	s.srv, s.ln = nil, nil
	s.mu.Unlock()
	if srv != nil {
		ln.Close() // Serve may not have taken the listener yet
		srv.Close()
	}
}

func (s *testServer) port() int {
	_, p, _ := net.SplitHostPort(s.addr)
	n := 0
	for _, c := range p {
		n = n*10 + int(c-'0')
	}
	return n
}

func (s *testServer) messages() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.msgs...)
}

func (s *testServer) setReject(e *smtp.SMTPError) {
	s.mu.Lock()
	s.reject = e
	s.mu.Unlock()
}

type session struct {
	s      *testServer
	authed bool
	from   string
	to     []string
}

func (x *session) AuthMechanisms() []string {
	if x.s.user == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (x *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if username != x.s.user || password != x.s.pass {
			return errors.New("invalid credentials")
		}
		x.authed = true
		return nil
	}), nil
}

func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	if x.s.user != "" && !x.authed {
		return smtp.ErrAuthRequired
	}
	x.from = from
	return nil
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.to = append(x.to, to)
	return nil
}

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
	x.s.msgs = append(x.s.msgs, received{From: x.from, To: x.to, Data: string(bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n")))})
	return nil
}

func (x *session) Reset()        { x.from, x.to = "", nil }
func (x *session) Logout() error { return nil }

// selfSigned returns a server TLS config with a fresh self-signed certificate for 127.0.0.1
// and a client TLS config that trusts only it.
func selfSigned(t *testing.T) (server, client *tls.Config) {
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
