package verify

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rosettebadges/rosette/openbadges/bake"
	"github.com/rosettebadges/rosette/openbadges/internal/fakeweb"
	"github.com/rosettebadges/rosette/openbadges/internal/fixture"
)

// dccNow is the fixed clock of the DCC fixture tests: after every validFrom that is not
// meant to be in the future (the latest is 2026-01-23), before every validUntil that is not
// meant to be past (the earliest is 2030-01-01).
var dccNow = func() time.Time { return time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC) }

// dccWeb serves the DCC fixtures' DID documents and status lists where the credentials
// expect them.
func dccWeb(t *testing.T) *fakeweb.Web { return fakeweb.DCC(t) }

// dccExpected is the verdict each DCC fixture must get, decided from its file name
// ([registry]-[status]-[expiry][-variant]; registries are not our concern).
//
//	name part                      verdict         why
//	revokedStatus, revokedStaus,   revoked         the status list (signed, current) has the bit set
//	  revoked
//	expired                        expired         validUntil / expirationDate is past
//	notYetValid (expiry part)      not_yet_valid   validFrom is in the future
//	tampered                       invalid         the proof no longer matches
//	badSchema                      invalid         beats revoked: a malformed credential's
//	                                               status means nothing
//	badDidWeb                      unverifiable    the issuer's DID document does not resolve,
//	                                               so there is no key to check the proof with
//	tamperedStatus                 unverifiable    the STATUS LIST's proof fails: its bits cannot
//	                                               be trusted, so revocation cannot be decided
//	expiredStatus                  unverifiable    the status list is past its validUntil
//	notYetValidStatus              unverifiable    the status list is not valid yet
//	missingTypeStatus              unverifiable    the status list lacks
//	                                               BitstringStatusListCredential: not a status list
//	noStatus / validStatus with    valid
//	  noExpiry / notExpired
//
// Precedence (package doc): invalid > revoked > expired > not_yet_valid > unverifiable.
func dccExpected(name string) Verdict {
	n := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(name, ".json"), ".png"), ".svg")
	has := func(s string) bool { return strings.Contains(n, s) }
	switch {
	case has("tamperedStatus"), has("expiredStatus"), has("notYetValidStatus"), has("missingTypeStatus"):
		return Unverifiable
	case has("tampered"), has("badSchema"):
		return Invalid
	case has("badDidWeb"):
		return Unverifiable
	case has("revokedStatus"), has("revokedStaus"), has("-revoked-"):
		return Revoked
	case has("-expired"):
		return Expired
	case has("notYetValid"):
		return NotYetValid
	}
	return Valid
}

// dccOverrides are the fixtures whose file name says one thing but a careful verifier must
// say another, with the reason.
var dccOverrides = map[string]struct {
	verdict Verdict
	check   string // the check that must fail
	why     string
}{
	// None: achievementType "Program" (four "valid" files) is neither in the OB 3.0 list nor
	// "ext:"-prefixed, which the 1EdTech schema rejects; the vocabulary is extensible, so the
	// verifier warns (TestDCCExtensibleVocabularyWarns) and the name's verdict stands.
}

// dccEmpty lists fixture files that hold no credential at all (zero bytes in the upstream
// repository); they must give an input error.
var dccEmpty = map[string]bool{"v1/ed25519/didKey/legacy-noStatus-noExpiry.json": true}

func TestDCCFixtures(t *testing.T) {
	root := fixture.Path(t, "digitalcredentials-vc-test-fixtures", "verifiableCredentials")
	w := dccWeb(t)
	v := New(Options{Fetcher: w.Fetcher(), Now: dccNow})
	n := 0
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		ext := filepath.Ext(p)
		if ext != ".json" && ext != ".png" && ext != ".svg" {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		n++
		t.Run(rel, func(t *testing.T) {
			in, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if ext != ".json" {
				// The fixture images are QR code pictures (IHDR, IDAT, IEND; the SVG is
				// drawn rectangles): nothing is baked in them, so they are not badges.
				if rep := v.Verify(context.Background(), in); rep.InputError == "" {
					t.Fatalf("QR image: no input error\n%s", dump(t, rep))
				}
				// Bake the sibling credential into that very image and verify the result.
				cred, err := os.ReadFile(strings.TrimSuffix(p, ext) + ".json")
				if err != nil || len(cred) == 0 {
					return
				}
				if in, err = bake.Bake(in, bake.OB3, cred); err != nil {
					t.Fatalf("bake: %v", err)
				}
			}
			rep := v.Verify(context.Background(), in)
			if dccEmpty[filepath.ToSlash(rel)] {
				if rep.InputError == "" {
					t.Fatalf("empty file: no input error\n%s", dump(t, rep))
				}
				return
			}
			if ext != ".json" && rep.Format != ext[1:] {
				t.Errorf("format %q, want %q", rep.Format, ext[1:])
			}
			want := dccExpected(filepath.Base(p))
			key := strings.TrimSuffix(strings.TrimSuffix(filepath.ToSlash(rel), ".png"), ".svg")
			if !strings.HasSuffix(key, ".json") {
				key += ".json"
			}
			if o, ok := dccOverrides[key]; ok {
				want = o.verdict
				if checkStatus(rep, o.check) != Fail {
					t.Errorf("%s: check %s did not fail\n%s", o.why, o.check, dump(t, rep))
				}
			}
			if rep.Verdict != want {
				t.Fatalf("verdict %s, want %s\n%s", rep.Verdict, want, dump(t, rep))
			}
			if want == Unverifiable && strings.Contains(rel, "Status-") && checkStatus(rep, "Status") != Fail {
				t.Errorf("the status list problem is not reported by the Status check\n%s", dump(t, rep))
			}
			if (rep.Display.Name == "" && rep.Kind != "VerifiableCredential") || rep.Display.IssuerID == "" {
				t.Errorf("display lacks name or issuer: %+v", rep.Display)
			}
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 150 {
		t.Errorf("only %d fixtures found", n)
	}
}

// TestConcurrent uses one Verifier from many goroutines (run with -race).
func TestConcurrent(t *testing.T) {
	w := dccWeb(t)
	v := New(Options{Fetcher: w.Fetcher(), Now: dccNow})
	files := []string{
		"v2/dataIntegrityProof/didKey/legacyRegistry-noStatus-noExpiry-basicOBv3.json",
		"v2/ed25519/didWeb/legacy-revokedStatus-noExpiry.json",
		"v1/dataIntegrityProof/didWeb/oidf-validStatus-noExpiry.json",
		"v2/ed25519/didKey/legacy-noStatus-noExpiry-tampered.json",
	}
	want := []Verdict{Valid, Revoked, Valid, Invalid}
	inputs := make([][]byte, len(files))
	for i, f := range files {
		inputs[i] = fixture.Read(t, append([]string{"digitalcredentials-vc-test-fixtures", "verifiableCredentials"}, strings.Split(f, "/")...)...)
	}
	errs := make(chan error, 16)
	for g := 0; g < 16; g++ {
		go func(g int) {
			i := g % len(inputs)
			if got := v.Verify(context.Background(), inputs[i]).Verdict; got != want[i] {
				errs <- fmt.Errorf("%s: %s, want %s", files[i], got, want[i])
				return
			}
			errs <- nil
		}(g)
	}
	for g := 0; g < 16; g++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// TestDCCExtensibleVocabularyWarns: a plain term outside an extensible OB 3.0 vocabulary
// (achievementType "Program") is reported as a schema warning that names it, and the badge
// stays valid.
func TestDCCExtensibleVocabularyWarns(t *testing.T) {
	v := New(Options{Fetcher: dccWeb(t).Fetcher(), Now: dccNow})
	raw := fixture.Read(t, "digitalcredentials-vc-test-fixtures", "verifiableCredentials", "v2", "dataIntegrityProof", "didKey", "legacyRegistry-noStatus-noExpiry-credName.json")
	r := v.Verify(context.Background(), raw)
	if r.Verdict != Valid {
		t.Fatalf("verdict = %s, want valid; checks: %+v", r.Verdict, r.Checks)
	}
	for _, c := range r.Checks {
		if c.Status == Warn && strings.Contains(c.Message+c.Detail, `achievementType "Program"`) {
			return
		}
	}
	t.Errorf("no warning names achievementType \"Program\": %+v", r.Checks)
}
