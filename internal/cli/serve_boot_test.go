package cli

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"sync"
	"testing"
	"time"
)

// bootTimeout bounds how long a test waits for rosette serve to start or stop; it is a
// safety net against a hung test, not a timing assertion.
const bootTimeout = 60 * time.Second

// running is a `rosette serve` started in-process with cli.Main on a real listener.
type running struct {
	BaseURL   string // from the "Rosette is listening on" line
	SetupLink string // from the setup line ("" when none was printed)
	cancel    context.CancelFunc
	exit      chan int
	mu        sync.Mutex
	stderr    strings.Builder
}

// lockedWriter lets Main's logger write stderr while the test reads it.
type lockedWriter struct{ r *running }

func (w lockedWriter) Write(p []byte) (int, error) {
	w.r.mu.Lock()
	defer w.r.mu.Unlock()
	return w.r.stderr.Write(p)
}

// Logs returns what the server wrote to stderr so far (slog JSON lines).
func (r *running) Logs() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stderr.String()
}

// bootServe runs `rosette serve args...` until the test ends, waits for its address (and
// the setup link when wantSetup), and stops it at cleanup if the test did not.
func bootServe(t *testing.T, wantSetup bool, args ...string) *running {
	t.Helper()
	return bootServeEnv(t, wantSetup, nil, args...)
}

// bootServeEnv is bootServe with environment variables (e.g. ROSETTE_MASTER_KEY, which has no
// flag).
func bootServeEnv(t *testing.T, wantSetup bool, environ map[string]string, args ...string) *running {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{cancel: cancel, exit: make(chan int, 1)}
	pr, pw := io.Pipe()
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			default: // keep draining: Main must never block on stdout
			}
		}
		close(lines)
	}()
	env := Env{
		Args:   append([]string{"serve"}, args...),
		Getenv: func(k string) string { return environ[k] },
		Stdin:  strings.NewReader(""),
		Stdout: pw,
		Stderr: lockedWriter{r},
	}
	go func() {
		code := Main(ctx, env)
		pw.Close()
		r.exit <- code
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-r.exit:
		case <-time.After(bootTimeout):
			t.Errorf("rosette serve did not stop")
		}
	})

	deadline := time.After(bootTimeout)
	for r.BaseURL == "" || (wantSetup && r.SetupLink == "") {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("rosette serve stopped before printing its address; stderr:\n%s", r.Logs())
			}
			if u, ok := strings.CutPrefix(line, "Rosette is listening on "); ok {
				r.BaseURL = strings.TrimSpace(u)
			}
			if i := strings.Index(line, "http"); i >= 0 && strings.Contains(line, "/setup?token=") {
				r.SetupLink = strings.TrimSpace(line[i:])
			}
		case <-deadline:
			t.Fatalf("rosette serve printed no address within %s; stderr:\n%s", bootTimeout, r.Logs())
		}
	}
	return r
}

// Stop cancels the server's context, as SIGINT would, and returns Main's exit status.
func (r *running) Stop(t *testing.T) int {
	t.Helper()
	r.cancel()
	select {
	case code := <-r.exit:
		r.exit <- code // for the cleanup
		return code
	case <-time.After(bootTimeout):
		t.Fatalf("rosette serve did not stop within %s", bootTimeout)
		return -1
	}
}

// browserlessClient is an HTTP client with a cookie jar that does not follow redirects.
func browserlessClient(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{
		Jar:           jar,
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}
