//go:build linux

package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// openPTY opens a pseudo-terminal pair: writes to master are read from the terminal slave.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	t.Cleanup(func() { m.Close() })
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return m, s
}

func TestUserCreatePromptsAtTerminal(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct {
		typed    string
		wantCode int
		want     string
	}{
		{"typed password 1\ntyped password 2\n", ExitUsage, "the two passwords differ"},
		{"typed password 1\ntyped password 1\n", ExitOK, "created user tty@example.org"},
	} {
		master, slave := openPTY(t)
		if _, err := master.WriteString(tt.typed); err != nil {
			t.Fatal(err)
		}
		var out, errb bytes.Buffer
		code := Main(context.Background(), Env{
			Args:   []string{"user", "create", "--email", "tty@example.org", "--data-dir", dir},
			Stdin:  slave,
			Stdout: &out,
			Stderr: &errb,
			Getenv: func(string) string { return "" },
		})
		if code != tt.wantCode || !strings.Contains(out.String()+errb.String(), tt.want) {
			t.Errorf("typed %q: exit %d\nstdout %s\nstderr %s", tt.typed, code, out.String(), errb.String())
		}
		if !strings.Contains(errb.String(), "Password: ") || strings.Contains(out.String()+errb.String(), "typed password") {
			t.Errorf("prompt missing or password echoed: %q", errb.String())
		}
	}
}
