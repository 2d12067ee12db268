package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/rosettebadges/rosette/openbadges/did"
	"github.com/rosettebadges/rosette/openbadges/ob3"
)

// credentialLine returns credential number i of a stream, as one line of JSON, issued by
// issuer: its id, name, recipient and achievement name carry the number (12 digits).
func credentialLine(tb testing.TB, issuer string, i int) []byte {
	tb.Helper()
	num := fmt.Sprintf("%012d", i)
	c, err := ob3.NewCredential(ob3.CredentialParams{
		ID:        "urn:uuid:00000000-0000-4000-8000-" + num,
		Issuer:    ob3.Profile{ID: issuer, Name: "Example Issuer"},
		ValidFrom: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC),
		Name:      "Teamwork " + num,
		Subject: ob3.AchievementSubject{ID: "did:example:learner" + num, Achievement: &ob3.Achievement{
			ID: "https://example.org/achievements/teamwork", Name: "Teamwork " + num, Description: "Works in teams.",
			Criteria: &ob3.Criteria{Narrative: "Peer nominated."}}},
	})
	if err != nil {
		tb.Fatal(err)
	}
	b, err := json.Marshal(c)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// credentialStream is a reader generating credentialLine(0..n-1) on the fly, so a test can
// stream many without holding them.
type credentialStream struct {
	n, i  int
	parts [][]byte // the template split around the number
	buf   []byte
}

const placeholder = "999999999999"

func newCredentialStream(tb testing.TB, issuer string, n int) *credentialStream {
	tb.Helper()
	parts := bytes.Split(credentialLine(tb, issuer, 999999999999), []byte(placeholder))
	return &credentialStream{n: n, parts: parts}
}

func (s *credentialStream) Read(p []byte) (int, error) {
	for len(s.buf) == 0 {
		if s.i == s.n {
			return 0, io.EOF
		}
		num := fmt.Appendf(nil, "%012d", s.i)
		s.buf = append(bytes.Join(s.parts, num), '\n')
		s.i++
	}
	n := copy(p, s.buf)
	s.buf = s.buf[n:]
	return n, nil
}

func issuerKey(t testing.TB) (kf, issuer string) {
	t.Helper()
	kf, k := keyFile(t, vectorKey(nil))
	_ = kf
	issuer, _, err := did.KeyDID(k.Public())
	if err != nil {
		t.Fatal(err)
	}
	return kf, issuer
}

// runJSONL runs rosette with args, stdin r and stdout w, and returns the exit status and
// standard error.
func runJSONL(ctx context.Context, r io.Reader, w io.Writer, args ...string) (int, string) {
	var errb bytes.Buffer
	code := Main(ctx, Env{Args: args, Stdin: r, Stdout: w, Stderr: &errb})
	return code, errb.String()
}

// lines splits output into its lines, which must each end with a newline.
func lines(t *testing.T, out string) []string {
	t.Helper()
	if out == "" {
		return nil
	}
	if !strings.HasSuffix(out, "\n") {
		t.Fatalf("output does not end with a newline: %q", out[max(0, len(out)-20):])
	}
	return strings.Split(strings.TrimSuffix(out, "\n"), "\n")
}

func TestSignJSONLOrderAndErrors(t *testing.T) {
	kf, issuer := issuerKey(t)
	var in bytes.Buffer
	const n = 200
	bad := map[int]string{ // line number -> what the error says
		7:   "ob3",            // not JSON
		50:  "validFrom",      // invalid credential
		51:  "but the key is", // another issuer
		120: "ob3",            // truncated
	}
	for i := 1; i <= n; i++ {
		switch i {
		case 7:
			in.WriteString("not json\n")
		case 50:
			in.WriteString(strings.Replace(string(credentialLine(t, issuer, i)), `"validFrom"`, `"validFromX"`, 1) + "\n")
		case 51:
			in.WriteString(strings.ReplaceAll(string(credentialLine(t, issuer, i)), issuer, "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK") + "\n")
		case 120:
			in.WriteString(string(credentialLine(t, issuer, i)[:100]) + "\n")
		default:
			in.WriteString(string(credentialLine(t, issuer, i)) + "\n")
		}
		if i%40 == 0 {
			in.WriteString("\n  \r\n") // blank lines are skipped but counted
		}
	}
	var out bytes.Buffer
	code, stderr := runJSONL(context.Background(), &in, &out, "sign", "--jsonl", "--jobs", "8", "--key", kf, "--created", "2025-01-02T03:04:05Z")
	if code != ExitFailure || !strings.Contains(stderr, "4 of 200 lines failed") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	got := lines(t, out.String())
	if len(got) != n {
		t.Fatalf("%d output lines, want %d", len(got), n)
	}
	inputLine := func(i int) int { return i + 2*((i-1)/40) } // the blank lines shift numbers
	for i, l := range got {
		num := i + 1
		if want, ok := bad[num]; ok {
			var e struct {
				Line  int
				Error string
			}
			if err := json.Unmarshal([]byte(l), &e); err != nil || e.Line != inputLine(num) || !strings.Contains(e.Error, want) {
				t.Errorf("output line %d: %s (want error for input line %d mentioning %q)", num, l, inputLine(num), want)
			}
			continue
		}
		var c struct {
			ID    string
			Proof []struct{ Created, VerificationMethod string }
		}
		if err := json.Unmarshal([]byte(l), &c); err != nil {
			t.Fatalf("output line %d: %v: %s", num, err, l)
		}
		if want := fmt.Sprintf("urn:uuid:00000000-0000-4000-8000-%012d", num); c.ID != want {
			t.Errorf("output line %d is credential %s, want %s", num, c.ID, want)
		}
		if len(c.Proof) != 1 || c.Proof[0].Created != "2025-01-02T03:04:05Z" || !strings.HasPrefix(c.Proof[0].VerificationMethod, issuer+"#") {
			t.Errorf("output line %d proof %+v", num, c.Proof)
		}
	}
}

func TestJSONLUsage(t *testing.T) {
	kf, _ := issuerKey(t)
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"sign", "-h"}, ExitOK, "--jsonl"},
		{[]string{"verify", "-h"}, ExitOK, "--jsonl"},
		{[]string{"sign", "--key", kf, "--jobs", "2"}, ExitUsage, "--jobs needs --jsonl"},
		{[]string{"sign", "--jsonl", "--key", kf, "--jobs", "-1"}, ExitUsage, "--jobs needs --jsonl"},
		{[]string{"verify", "--jobs", "2", "x"}, ExitUsage, "--jobs needs --jsonl"},
		{[]string{"verify", "--jsonl", "a", "b"}, ExitUsage, "Usage"},
		{[]string{"sign", "--jsonl", "--key", kf, "/nonexistent/creds.jsonl"}, ExitUsage, "no such file"},
		{[]string{"verify", "--jsonl", "/nonexistent/creds.jsonl"}, ExitUsage, "no such file"},
		{[]string{"sign", "--jsonl", "--key", kf}, ExitOK, ""}, // empty input: nothing to do
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, stderr := runJSONL(context.Background(), strings.NewReader(""), io.Discard, tc.args...)
			if code != tc.code || !strings.Contains(stderr, tc.msg) {
				t.Errorf("exit %d (want %d), stderr %q (want %q)", code, tc.code, stderr, tc.msg)
			}
		})
	}
}

// TestJSONLRoundTrip signs with --jsonl (Data Integrity and VC-JWT) and verifies the output
// with verify --jsonl: every line valid, in order; then a stream with bad lines.
func TestJSONLRoundTrip(t *testing.T) {
	kf, issuer := issuerKey(t)
	for _, method := range []string{"di", "jwt"} {
		t.Run(method, func(t *testing.T) {
			var signed bytes.Buffer
			const n = 60
			code, stderr := runJSONL(context.Background(), newCredentialStream(t, issuer, n), &signed,
				"sign", "--jsonl", "--method", method, "--key", kf)
			if code != ExitOK {
				t.Fatalf("sign: exit %d: %s", code, stderr)
			}
			var reports bytes.Buffer
			code, stderr = runJSONL(context.Background(), &signed, &reports, "verify", "--jsonl", "--jobs", "5")
			if code != ExitOK {
				t.Fatalf("verify: exit %d: %s\n%s", code, stderr, reports.String())
			}
			got := lines(t, reports.String())
			if len(got) != n {
				t.Fatalf("%d reports, want %d", len(got), n)
			}
			for i, l := range got {
				var r struct {
					Valid   bool
					Display struct{ Name string }
				}
				if err := json.Unmarshal([]byte(l), &r); err != nil || !r.Valid {
					t.Fatalf("report %d: %v %s", i+1, err, l)
				}
				if want := fmt.Sprintf("Teamwork %012d", i); r.Display.Name != want {
					t.Errorf("report %d is of %q, want %q", i+1, r.Display.Name, want)
				}
			}
		})
	}

	t.Run("bad lines and options", func(t *testing.T) {
		var signed bytes.Buffer
		if code, stderr := runJSONL(context.Background(), newCredentialStream(t, issuer, 3), &signed, "sign", "--jsonl", "--key", kf); code != ExitOK {
			t.Fatalf("sign: exit %d: %s", code, stderr)
		}
		tampered := strings.Replace(strings.SplitN(signed.String(), "\n", 2)[0], "Teamwork 0", "Teamwork 9", 1)
		in := signed.String() + "garbage\n" + tampered + "\n" + "{" + strings.Repeat(" ", 8<<20) + "}\n"
		var reports bytes.Buffer
		// Only the first credential is awarded to learner0.
		code, _ := runJSONL(context.Background(), strings.NewReader(in), &reports, "verify", "--jsonl", "--recipient", "did:example:learner000000000000")
		if code != ExitFailure {
			t.Errorf("exit %d, want %d", code, ExitFailure)
		}
		got := lines(t, reports.String())
		if len(got) != 6 {
			t.Fatalf("%d reports, want 6:\n%s", len(got), reports.String())
		}
		type report struct {
			Valid      bool
			InputError string `json:"input_error"`
		}
		want := []report{{Valid: true}, {}, {}, {InputError: "not JSON?"}, {}, {InputError: "the line is longer than 8388608 bytes"}}
		for i, l := range got {
			var r report
			if err := json.Unmarshal([]byte(l), &r); err != nil {
				t.Fatalf("report %d: %v", i+1, err)
			}
			if want[i].InputError == "not JSON?" {
				if r.InputError == "" || r.Valid {
					t.Errorf("report %d: want an input error: %s", i+1, l)
				}
				continue
			}
			if r != want[i] {
				t.Errorf("report %d: %+v, want %+v\n%s", i+1, r, want[i], l)
			}
		}
	})
}

func TestIsOB2(t *testing.T) {
	for _, tc := range []struct {
		doc  string
		want bool
	}{
		{`{"@context":"https://w3id.org/openbadges/v2","type":"Assertion"}`, true},
		{`{"type":"Assertion","id":{"a":[1,2]},"@context":["https://w3id.org/openbadges/v2"]}`, true},
		{`{"@context":"https://openbadgespec.org/v1/context.json"}`, true},
		{`{"type":"Assertion"}`, true}, // no context: OB 0.5
		{`{"@context":["https://www.w3.org/ns/credentials/v2","https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]}`, false},
		{`{"id":"x","@context":"https://www.w3.org/2018/credentials/v1"}`, false},
		{`not json`, false},
		{`["https://w3id.org/openbadges/v2"]`, false},
		{`{"a":`, false},
		{" {\r\n \"@context\" :\t\"https://w3id.org/openbadges/v2\", \"type\": \"Assertion\"}", true},
		{`{"@context":`, false},
		{`{"@context" "x"}`, false},
	} {
		if got := isOB2([]byte(tc.doc)); got != tc.want {
			t.Errorf("isOB2(%s) = %v, want %v", tc.doc, got, tc.want)
		}
	}
}
