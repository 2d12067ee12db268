package cli

import (
	"net"
	"strings"
	"testing"
)

func TestServeUsage(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"help", []string{"serve", "-h"}, ExitOK, "Usage: rosette serve"},
		{"bad address", []string{"serve", "--addr", "nonsense"}, ExitUsage, "--addr"},
		{"bad base url", []string{"serve", "--base-url", "ftp://x"}, ExitUsage, "--base-url"},
		{"stray argument", []string{"serve", "now"}, ExitUsage, "unexpected arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := run(t, tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.stderr) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr, tt.code, tt.stderr)
			}
		})
	}
}

func TestAddresses(t *testing.T) {
	tcp := func(s string) net.Addr {
		a, err := net.ResolveTCPAddr("tcp", s)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	tests := []struct {
		base, bound, wantBase, wantDisplay string
	}{
		{"http://127.0.0.1:0", "127.0.0.1:41234", "http://127.0.0.1:41234", "127.0.0.1:41234"},
		{"http://127.0.0.1:8080", "127.0.0.1:8080", "http://127.0.0.1:8080", "127.0.0.1:8080"},
		{"https://badges.example.org", "0.0.0.0:8443", "https://badges.example.org", "localhost:8443"},
		{"http://localhost:0", "[::]:5000", "http://localhost:5000", "localhost:5000"},
	}
	for _, tt := range tests {
		a := tcp(tt.bound)
		if got := publicBaseURL(tt.base, a); got != tt.wantBase {
			t.Errorf("publicBaseURL(%q, %s) = %q, want %q", tt.base, tt.bound, got, tt.wantBase)
		}
		if got := displayAddr(a); got != tt.wantDisplay {
			t.Errorf("displayAddr(%s) = %q, want %q", tt.bound, got, tt.wantDisplay)
		}
	}
}
