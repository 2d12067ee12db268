package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rosettebadges/rosette/openbadges/key"
)

func TestKeysNew(t *testing.T) {
	for _, alg := range []string{"Ed25519", "ES256", "RS256"} {
		t.Run(alg, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "key.jwk")
			code, stdout, stderr := run(t, "keys", "new", "--alg", alg, "--out", out)
			if code != ExitOK || stdout != "" {
				t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
			}
			fi, err := os.Stat(out)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != 0o600 {
				t.Fatalf("mode %v, want 0600", fi.Mode().Perm())
			}
			b, _ := os.ReadFile(out)
			k, err := key.ParsePrivateJWK(b)
			if err != nil {
				t.Fatal(err)
			}
			if want, _ := key.ParseAlgorithm(alg); k.Alg != want || !strings.Contains(string(b), `"kid":"`+k.KeyID+`"`) {
				t.Fatalf("key %s kid %s in %s", k.Alg, k.KeyID, b)
			}
			if !strings.Contains(stderr, "kid: "+k.KeyID) {
				t.Fatalf("stderr %q lacks the kid", stderr)
			}
			// Never overwrites.
			if code, _, stderr := run(t, "keys", "new", "--alg", alg, "--out", out); code != ExitFailure {
				t.Fatalf("overwrite: exit %d (%s)", code, stderr)
			}
		})
	}
	code, stdout, _ := run(t, "keys", "new")
	if code != ExitOK {
		t.Fatalf("keys new to stdout: exit %d", code)
	}
	if k, err := key.ParsePrivateJWK([]byte(stdout)); err != nil || k.Alg != key.Ed25519 {
		t.Fatalf("stdout JWK: %v", err)
	}
	for _, args := range [][]string{{"keys"}, {"keys", "rotate"}, {"keys", "new", "--alg", "HS256"}, {"keys", "new", "extra"}, {"keys", "new", "--bogus"}} {
		if code, _, _ := run(t, args...); code != ExitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, ExitUsage)
		}
	}
	if code, out, _ := run(t, "keys", "new", "-h"); code != ExitOK {
		t.Errorf("keys new -h: exit %d %s", code, out)
	}
	if code, out, _ := run(t, "help", "keys"); code != ExitOK || !strings.Contains(out, "keys new") {
		t.Errorf("help keys: exit %d %q", code, out)
	}
}
