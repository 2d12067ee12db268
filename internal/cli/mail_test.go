package cli

import (
	"bytes"
	"context"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-smtp"
)

// sink is a loopback SMTP server keeping what it receives.
type sink struct {
	mu   sync.Mutex
	data []string
}

type sinkSession struct{ s *sink }

func (x sinkSession) Reset()                                    {}
func (x sinkSession) Logout() error                             { return nil }
func (x sinkSession) Mail(string, *smtp.MailOptions) error      { return nil }
func (x sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error { return nil }
func (x sinkSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	x.s.mu.Lock()
	x.s.data = append(x.s.data, string(b))
	x.s.mu.Unlock()
	return err
}

func startSink(t *testing.T) (*sink, int) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &sink{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return sinkSession{s}, nil }))
	srv.Domain = "localhost"
	go srv.Serve(ln)
	t.Cleanup(func() { ln.Close(); srv.Close() })
	return s, ln.Addr().(*net.TCPAddr).Port
}

func TestMailTest(t *testing.T) {
	s, port := startSink(t)
	run := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := Main(context.Background(), Env{Args: append([]string{"mail"}, args...), Stdout: &out, Stderr: &errb,
			Getenv: func(string) string { return "" }})
		return code, out.String(), errb.String()
	}
	smtpArgs := []string{"--smtp-host", "127.0.0.1", "--smtp-port", strconv.Itoa(port), "--smtp-tls", "none", "--smtp-from", "badges@x.example"}

	code, out, errs := run(append([]string{"test", "--to", "ada@example.net"}, smtpArgs...)...)
	if code != ExitOK || !strings.Contains(out, "Sent a test email to ada@example.net") {
		t.Fatalf("mail test = %d, %q, %q", code, out, errs)
	}
	s.mu.Lock()
	got := s.data
	s.mu.Unlock()
	if len(got) != 1 || !strings.Contains(got[0], "Subject: Rosette test email") {
		t.Errorf("server got %q", got)
	}

	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{nil, ExitUsage, "Usage: rosette mail test"},
		{[]string{"-h"}, ExitOK, ""},
		{[]string{"nope"}, ExitUsage, "unknown subcommand"},
		{[]string{"test", "-h"}, ExitOK, ""},
		{[]string{"test"}, ExitUsage, "--to needs"},
		{[]string{"test", "--to", "ada@example.net"}, ExitUsage, "no SMTP server configured"},
	} {
		code, _, errs := run(tt.args...)
		if code != tt.code || !strings.Contains(errs, tt.want) {
			t.Errorf("mail %v = %d, %q; want %d with %q", tt.args, code, errs, tt.code, tt.want)
		}
	}
	// A server that is not there: a failure, said to be temporary.
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	dead := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	args := append([]string{"test", "--to", "ada@example.net"}, smtpArgs...)
	args[len(args)-5] = strconv.Itoa(dead)
	code, _, errs = run(args...)
	if code != ExitFailure || !strings.Contains(errs, "not sent (temporary)") {
		t.Errorf("server down: %d, %q", code, errs)
	}
}
