package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/rosettebadges/rosette/openbadges/did"
	"github.com/rosettebadges/rosette/openbadges/ob3"
)

// credentialLine returns credential number i of a stream, as one line of JSON, issued by
// issuer.
func credentialLine(tb testing.TB, issuer string, i int) []byte {
	tb.Helper()
	c, err := ob3.NewCredential(ob3.CredentialParams{
		ID:        fmt.Sprintf("urn:uuid:00000000-0000-4000-8000-%012d", i),
		Issuer:    ob3.Profile{ID: issuer, Name: "Example Issuer"},
		ValidFrom: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC),
		Name:      fmt.Sprintf("Teamwork %d", i),
		Subject: ob3.AchievementSubject{ID: fmt.Sprintf("did:example:learner%d", i), Achievement: &ob3.Achievement{
			ID: "https://example.org/achievements/teamwork", Name: "Teamwork", Description: "Works in teams.",
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

// credentialStream is a reader generating n credential lines on the fly, so a test can
// stream many without holding them: line i is the template with its number substituted.
type credentialStream struct {
	n, i     int
	pre, suf []byte // the template around the number
	buf      []byte
}

func newCredentialStream(tb testing.TB, issuer string, n int) *credentialStream {
	tb.Helper()
	tmpl := credentialLine(tb, issuer, 0)
	// Make each line distinct: the number goes into the credential's name.
	pre, suf, ok := bytes.Cut(tmpl, []byte(`"name":"Teamwork 0"`))
	if !ok {
		tb.Fatalf("template has no name: %s", tmpl)
	}
	return &credentialStream{n: n, pre: pre, suf: suf}
}

func (s *credentialStream) Read(p []byte) (int, error) {
	for len(s.buf) == 0 {
		if s.i == s.n {
			return 0, io.EOF
		}
		s.buf = fmt.Appendf(s.buf[:0], "%s\"name\":\"Teamwork %d\"%s\n", s.pre, s.i, s.suf)
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

func BenchmarkSignJSONL(b *testing.B) {
	kf, issuer := issuerKey(b)
	b.ReportAllocs()
	b.ResetTimer()
	code, stderr := runJSONL(context.Background(), newCredentialStream(b, issuer, b.N), io.Discard,
		"sign", "--jsonl", "--key", kf, "--created", "2025-01-02T03:04:05Z")
	if code != ExitOK {
		b.Fatalf("exit %d: %s", code, stderr)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "credentials/s")
}
