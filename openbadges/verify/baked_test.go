package verify

import (
	"context"
	"testing"

	"github.com/rosettebadges/rosette/openbadges/bake"
)

// TestBakerySamples verifies the baked samples of the OB 2.0 bakeries without network: each
// is read from its image and recognised; what needs the issuer's site is unverifiable.
func TestBakerySamples(t *testing.T) {
	tests := []struct {
		path      []string
		format    string
		version   string
		inputErr  bool
		recipient string
	}{
		{[]string{"concentricsky-openbadges-bakery", "openbadges_bakery", "testfiles", "baked_heart.png"}, "png", "1.0", false, "test@example.com"},
		{[]string{"concentricsky-openbadges-bakery", "openbadges_bakery", "testfiles", "baked_example.svg"}, "svg", "1.0", false, ""},
		{[]string{"mozilla-openbadges-bakery", "test", "baked.svg"}, "svg", "1.0", false, ""},
		{[]string{"mozilla-openbadges-bakery", "test", "no-json.svg"}, "svg+url", "", false, ""},
		{[]string{"mozilla-openbadges-bakery", "test", "bad-json.svg"}, "svg", "", true, ""},
		{[]string{"mozilla-openbadges-bakery", "test", "unbaked.svg"}, "svg", "", true, ""},
		{[]string{"mozilla-openbadges-bakery", "test", "unbaked.png"}, "png", "", true, ""},
		{[]string{"concentricsky-openbadges-bakery", "openbadges_bakery", "testfiles", "unbaked_example.svg"}, "svg", "", true, ""},
		{[]string{"openbadges-validator-core", "tests", "testfiles", "public_domain_heart.png"}, "png", "", true, ""},
	}
	v := New(Options{Now: fixedNow})
	for _, tc := range tests {
		t.Run(tc.path[len(tc.path)-1], func(t *testing.T) {
			rep := v.Verify(context.Background(), readFixture(t, tc.path...))
			if tc.inputErr {
				if rep.InputError == "" || rep.Valid {
					t.Fatalf("no input error\n%s", dump(t, rep))
				}
				return
			}
			if rep.InputError != "" || rep.Verdict != Unverifiable || rep.Format != tc.format || rep.Version != tc.version {
				t.Fatalf("input error %q verdict %s format %s version %s\n%s", rep.InputError, rep.Verdict, rep.Format, rep.Version, dump(t, rep))
			}
			if rep.Checks[0].Name != "Baked image" || rep.Checks[0].Status != Pass {
				t.Errorf("first check %+v", rep.Checks[0])
			}
			if rep.Display.Recipient != tc.recipient {
				t.Errorf("recipient %q, want %q", rep.Display.Recipient, tc.recipient)
			}
		})
	}
}

// TestBakedOB2Hosted bakes the validator's 2.0 assertion into a PNG and verifies it with
// its badge class and issuer served.
func TestBakedOB2Hosted(t *testing.T) {
	w, a := ob2Web(t)
	img := readFixture(t, "openbadges-validator-core", "tests", "testfiles", "public_domain_heart.png")
	baked := bakeOB2(t, img, mustJSON(t, a))
	rep := New(Options{Fetcher: w.Fetcher(), Now: fixedNow, Recipient: "nobody@example.org"}).Verify(context.Background(), baked)
	if !rep.Valid || rep.Format != "png" || rep.Version != "2.0" || rep.Display.Name != "Awesome Robotics Badge" {
		t.Fatalf("verdict %s format %s version %s\n%s", rep.Verdict, rep.Format, rep.Version, dump(t, rep))
	}
}

func bakeOB2(t *testing.T, img, payload []byte) []byte {
	t.Helper()
	b, err := bake.PNG(img, bake.OB2, payload)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestHostedAsImage serves a hosted OB 2.0 assertion as its baked PNG: it is verified from
// that one fetch.
func TestHostedAsImage(t *testing.T) {
	w, a := ob2Web(t)
	img := readFixture(t, "openbadges-validator-core", "tests", "testfiles", "public_domain_heart.png")
	w.Put("https://example.org/beths-robotics-badge.json", bakeOB2(t, img, mustJSON(t, a)))
	rep := New(Options{Fetcher: w.Fetcher(), Now: fixedNow}).VerifyURL(context.Background(), "https://example.org/beths-robotics-badge.json")
	if !rep.Valid {
		t.Fatalf("verdict %s\n%s", rep.Verdict, dump(t, rep))
	}
	if n := w.Count("https://example.org/beths-robotics-badge.json"); n != 1 {
		t.Errorf("assertion fetched %d times", n)
	}
}
