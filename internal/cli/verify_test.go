package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"github.com/rosettebadges/rosette/internal/testenv"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// ob2Server serves a hosted OB 2.0 badge (assertion, badge class, issuer) on loopback.
func ob2Server(t *testing.T) *httptest.Server {
	t.Helper()
	docs := map[string]string{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/gone.json" {
			w.WriteHeader(http.StatusGone)
			return
		}
		d, ok := docs[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/ld+json")
		w.Write([]byte(d))
	}))
	t.Cleanup(srv.Close)
	u := srv.URL
	docs["/assertion.json"] = `{"@context":"https://w3id.org/openbadges/v2","type":"Assertion","id":"` + u + `/assertion.json",
 "recipient":{"type":"email","hashed":true,"salt":"deadsea","identity":"sha256$ecf5409f3f4b91ab60cc5ef4c02aef7032354375e70cf4d8e43f6a1d29891942"},
 "issuedOn":"2016-12-31T23:59:59Z","badge":"` + u + `/badge.json","verification":{"type":"hosted"}}`
	docs["/badge.json"] = `{"@context":"https://w3id.org/openbadges/v2","type":"BadgeClass","id":"` + u + `/badge.json","name":"Awesome Robotics Badge",
 "description":"For robots.","image":"` + u + `/badge.png","criteria":"` + u + `/criteria.html","issuer":"` + u + `/issuer.json","tags":["robots"]}`
	docs["/issuer.json"] = `{"@context":"https://w3id.org/openbadges/v2","type":"Issuer","id":"` + u + `/issuer.json","name":"Example Issuer","url":"` + u + `","email":"contact@example.org"}`
	return srv
}

func TestVerifyCommand(t *testing.T) {
	srv := ob2Server(t)
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.txt")
	if err := os.WriteFile(garbage, []byte("not a badge at all"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		args       []string
		stdin      string
		code       int
		first      string // prefix of the first line of stdout
		wantStderr string
	}{
		{"help", []string{"verify", "-h"}, "", ExitOK, "", "Usage: rosette verify"},
		{"no argument", []string{"verify"}, "", ExitUsage, "", "Usage"},
		{"two arguments", []string{"verify", "a", "b"}, "", ExitUsage, "", "Usage"},
		{"bad flag", []string{"verify", "--frob", "x"}, "", ExitUsage, "", "frob"},
		{"missing file", []string{"verify", filepath.Join(dir, "nope.json")}, "", ExitUsage, "", "no such file"},
		{"garbage file", []string{"verify", garbage}, "", ExitUsage, "NOT VALID", "not a badge"},
		{"garbage stdin", []string{"verify", "-"}, "{]", ExitUsage, "NOT VALID", "not JSON"},
		{"valid URL", []string{"verify", "--allow-host", "127.0.0.1", srv.URL + "/assertion.json"}, "", ExitOK, "VALID: Awesome Robotics Badge (Assertion 2.0, url)", ""},
		{"flags after the argument", []string{"verify", srv.URL + "/assertion.json", "--allow-host", "127.0.0.1"}, "", ExitOK, "VALID", ""},
		{"recipient matches", []string{"verify", "--allow-host", "127.0.0.1", "--recipient", "nobody@example.org", srv.URL + "/assertion.json"}, "", ExitOK, "VALID", ""},
		{"recipient differs", []string{"verify", "--allow-host", "127.0.0.1", "--recipient", "x@example.org", srv.URL + "/assertion.json"}, "", ExitFailure, "NOT VALID", ""},
		{"revoked", []string{"verify", "--allow-host", "127.0.0.1", srv.URL + "/gone.json"}, "", ExitFailure, "REVOKED", ""},
		{"loopback refused without allow-host", []string{"verify", srv.URL + "/assertion.json"}, "", ExitFailure, "COULD NOT BE VERIFIED", ""},
		{"URL on stdin", []string{"verify", "--allow-host", "127.0.0.1", "-"}, srv.URL + "/assertion.json\n", ExitOK, "VALID", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := Main(context.Background(), Env{Args: tc.args, Stdout: &out, Stderr: &errb, Stdin: strings.NewReader(tc.stdin)})
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.code, out.String(), errb.String())
			}
			if !strings.HasPrefix(out.String(), tc.first) {
				t.Errorf("stdout starts %q, want %q", firstLine(out.String()), tc.first)
			}
			if !strings.Contains(errb.String(), tc.wantStderr) {
				t.Errorf("stderr %q lacks %q", errb.String(), tc.wantStderr)
			}
		})
	}
}

func firstLine(s string) string { l, _, _ := strings.Cut(s, "\n"); return l }

func TestVerifyCommandJSON(t *testing.T) {
	srv := ob2Server(t)
	var out, errb bytes.Buffer
	code := Main(context.Background(), Env{Args: []string{"verify", "--json", "--allow-host", "127.0.0.1", srv.URL + "/assertion.json"}, Stdout: &out, Stderr: &errb, Stdin: strings.NewReader("")})
	if code != ExitOK {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errb.String())
	}
	var got struct {
		Valid   bool   `json:"valid"`
		Verdict string `json:"verdict"`
		Kind    string `json:"kind"`
		Version string `json:"version"`
		Checks  []struct {
			Name, Status, Message string
		} `json:"checks"`
		Display struct {
			Name       string   `json:"name"`
			IssuerName string   `json:"issuer_name"`
			Tags       []string `json:"tags"`
		} `json:"display"`
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if !got.Valid || got.Verdict != "valid" || got.Kind != "Assertion" || got.Version != "2.0" || len(got.Checks) < 5 ||
		got.Display.Name != "Awesome Robotics Badge" || got.Display.IssuerName != "Example Issuer" || len(got.Display.Tags) != 1 {
		t.Errorf("report %+v", got)
	}
	for _, c := range got.Checks {
		if c.Name == "" || c.Status == "" || c.Message == "" {
			t.Errorf("check %+v", c)
		}
	}
}

// dccFixture returns the path of a DCC test credential, or skips (fails under make test)
// when the fixtures are not next to the repository.
func dccFixture(t *testing.T, rel string) string {
	t.Helper()
	return testenv.FixturePath(t, "digitalcredentials-vc-test-fixtures/verifiableCredentials/"+rel)
}

// TestVerifyCommandOB3 verifies signed OB 3.0 credentials with did:key issuers: nothing
// needs the network.
func TestVerifyCommandOB3(t *testing.T) {
	tests := []struct {
		file  string
		code  int
		first string
	}{
		{"v2/dataIntegrityProof/didKey/legacyRegistry-noStatus-noExpiry-basicOBv3.json", ExitOK, "VALID: "},
		{"v2/ed25519/didKey/legacy-noStatus-noExpiry-tampered.json", ExitFailure, "NOT VALID: "},
		{"v2/ed25519/didKey/legacy-noStatus-expired.json", ExitFailure, "EXPIRED: "},
		{"v2/dataIntegrityProof/didKey/oidf-noStatus-notExpired-notYetValid.json", ExitFailure, "NOT YET VALID: "},
	}
	for _, tc := range tests {
		t.Run(filepath.Base(tc.file), func(t *testing.T) {
			var out, errb bytes.Buffer
			code := Main(context.Background(), Env{Args: []string{"verify", dccFixture(t, tc.file)}, Stdout: &out, Stderr: &errb, Stdin: strings.NewReader("")})
			if code != tc.code || !strings.HasPrefix(out.String(), tc.first) {
				t.Fatalf("exit %d (want %d)\n%s%s", code, tc.code, out.String(), errb.String())
			}
			if !strings.Contains(out.String(), "  ✓ Signature: ") && tc.code == ExitOK {
				t.Errorf("no passed signature check:\n%s", out.String())
			}
		})
	}
	var out bytes.Buffer
	code := Main(context.Background(), Env{Args: []string{"verify", "--json", dccFixture(t, tests[0].file)}, Stdout: &out, Stderr: &bytes.Buffer{}, Stdin: strings.NewReader("")})
	var got map[string]any
	if err := json.Unmarshal(out.Bytes(), &got); err != nil || code != ExitOK {
		t.Fatalf("exit %d, %v\n%s", code, err, out.String())
	}
	if got["valid"] != true || got["verdict"] != "valid" || got["kind"] != "AchievementCredential" || got["version"] != "3.0" || got["credential"] != nil {
		t.Errorf("report %v", got)
	}
}
