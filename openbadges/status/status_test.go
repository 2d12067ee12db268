package status_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rosettebadges/rosette/openbadges/fetch"
	"github.com/rosettebadges/rosette/openbadges/internal/fakeweb"
	"github.com/rosettebadges/rosette/openbadges/internal/fixture"
	"github.com/rosettebadges/rosette/openbadges/status"
)

func TestBitstring(t *testing.T) {
	b, err := status.NewBitstring(status.MinEntries, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{0, 7, 8, 23, status.MinEntries - 1} {
		if err := b.Set(i, 1); err != nil {
			t.Fatal(err)
		}
	}
	enc, err := b.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(enc, "u") || strings.ContainsAny(enc, "+/=") {
		t.Fatalf("encodedList %q is not multibase base64url without padding", enc)
	}
	d, err := status.DecodeBitstring(enc, 1, false)
	if err != nil {
		t.Fatal(err)
	}
	if d.Len() != status.MinEntries {
		t.Fatalf("Len = %d", d.Len())
	}
	var set []int
	for i := range d.Len() {
		if v, _ := d.Get(i); v == 1 {
			set = append(set, i)
		}
	}
	if diff := cmp.Diff([]int{0, 7, 8, 23, status.MinEntries - 1}, set); diff != "" {
		t.Fatal(diff)
	}
	// MSB first: bit 0 is 0x80 of byte 0, bit 23 is 0x01 of byte 2.
	raw, _ := status.DecodeBitstring(enc, 8, false)
	for i, want := range []int{0x81, 0x80, 0x01, 0} {
		if v, _ := raw.Get(i); v != want {
			t.Errorf("byte %d = %#x, want %#x", i, v, want)
		}
	}
	if _, err := d.Get(status.MinEntries); !errors.Is(err, status.ErrOutOfRange) {
		t.Fatalf("Get past the end: %v", err)
	}
	if _, err := status.NewBitstring(1000, 1); !errors.Is(err, status.ErrShortList) {
		t.Fatalf("short NewBitstring: %v", err)
	}
}

func TestBitstringStatusSize(t *testing.T) {
	b, _ := status.NewBitstring(status.MinEntries, 2)
	for i, v := range []int{3, 0, 2, 1} {
		if err := b.Set(i, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Set(0, 4); err == nil {
		t.Fatal("value 4 fits 2 bits?")
	}
	raw, _ := b.Encode()
	bytes8, _ := status.DecodeBitstring(raw, 8, false)
	if v, _ := bytes8.Get(0); v != 0b11001001 {
		t.Fatalf("first byte %08b", v)
	}
}

// The W3C Bitstring Status List example encodedList: 16 KB of zeros.
func TestSpecExampleList(t *testing.T) {
	d, err := status.DecodeBitstring("uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA", 1, false)
	if err != nil {
		t.Fatal(err)
	}
	if d.Len() != status.MinEntries {
		t.Fatalf("Len = %d", d.Len())
	}
	for _, bad := range []string{
		"H4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA", // no multibase prefix
		"uI-CHANGED-THISAAwFwBZnztF9QwAAA",                                     // not gzip
		"u!!!!",
		"u",
	} {
		if _, err := status.DecodeBitstring(bad, 1, false); !errors.Is(err, status.ErrMalformed) {
			t.Errorf("DecodeBitstring(%q) = %v", bad, err)
		}
	}
	// StatusList2021 lists are bare base64url.
	if _, err := status.DecodeBitstring("H4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA", 1, true); err != nil {
		t.Fatal(err)
	}
}

func TestParseEntry(t *testing.T) {
	for _, tt := range []struct {
		in    string
		index int
		size  int
	}{
		{`{"type":"BitstringStatusListEntry","statusPurpose":"revocation","statusListIndex":"94567","statusListCredential":"https://x/1"}`, 94567, 1},
		{`{"type":"BitstringStatusListEntry","statusPurpose":"revocation","statusListIndex":23,"statusListCredential":"https://x/1"}`, 23, 1},
		{`{"type":["BitstringStatusListEntry"],"statusPurpose":"message","statusListIndex":"0","statusSize":2,"statusListCredential":"https://x/1"}`, 0, 2},
		{`{"type":"StatusList2021Entry","statusPurpose":"revocation","statusListIndex":"5","statusListCredential":"https://x/1"}`, 5, 1},
	} {
		e, err := status.ParseEntry([]byte(tt.in))
		if err != nil {
			t.Errorf("%s: %v", tt.in, err)
			continue
		}
		if e.StatusListIndex != tt.index || e.StatusSize != tt.size {
			t.Errorf("%s: %+v", tt.in, e)
		}
	}
	for _, bad := range []string{
		`{"type":"BitstringStatusListEntry","statusPurpose":"revocation","statusListIndex":"-1","statusListCredential":"https://x/1"}`,
		`{"type":"BitstringStatusListEntry","statusPurpose":"revocation","statusListIndex":"1.5","statusListCredential":"https://x/1"}`,
		`{"type":"BitstringStatusListEntry","statusPurpose":"revocation","statusListIndex":"01","statusListCredential":"https://x/1"}`,
		`{"type":"BitstringStatusListEntry","statusPurpose":"revocation","statusListIndex":1e3,"statusListCredential":"https://x/1"}`,
		`{"type":"BitstringStatusListEntry","statusPurpose":"revocation","statusListIndex":"99999999999","statusListCredential":"https://x/1"}`,
		`{"type":"BitstringStatusListEntry","statusPurpose":"revocation","statusListCredential":"https://x/1"}`,
		`{"type":"BitstringStatusListEntry","statusListIndex":"1","statusListCredential":"https://x/1"}`,
		`{"type":"1EdTechRevocationList","statusPurpose":"revocation","statusListIndex":"1","statusListCredential":"https://x/1"}`,
		`{"type":"BitstringStatusListEntry","statusPurpose":"revocation","statusListIndex":"1","statusSize":9,"statusListCredential":"https://x/1"}`,
	} {
		if e, err := status.ParseEntry([]byte(bad)); err == nil {
			t.Errorf("ParseEntry(%s) = %+v", bad, e)
		}
	}
	b, _ := json.Marshal(status.NewEntry("https://x/status/1", 42, status.PurposeRevocation))
	if want := `{"id":"https://x/status/1#42","type":"BitstringStatusListEntry","statusPurpose":"revocation","statusListIndex":"42","statusListCredential":"https://x/status/1"}`; string(b) != want {
		t.Fatalf("entry = %s", b)
	}
}

// A list like the 1EdTech validator's ob30 bit-string-list fixture (bit 23 set, numeric
// statusListIndex), built, published, parsed and checked.
func TestPublishAndCheck(t *testing.T) {
	bs, _ := status.NewBitstring(status.MinEntries, 1)
	bs.Set(23, 1)
	from := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	doc, err := status.NewListCredential("https://issuer.example/status/1", "https://issuer.example/issuers/1", status.PurposeRevocation, bs, from, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	l, err := status.ParseListCredential(doc)
	if err != nil {
		t.Fatal(err)
	}
	if l.ValidFrom != "2024-01-02T03:04:05Z" || l.Issuer != "https://issuer.example/issuers/1" || l.ID != "https://issuer.example/status/1" {
		t.Fatalf("list = %+v", l)
	}
	for _, tt := range []struct {
		entry string
		set   bool
		err   error
	}{
		{`{"type":"BitstringStatusListEntry","statusPurpose":"revocation","statusListIndex":23,"statusListCredential":"https://issuer.example/status/1"}`, true, nil},
		{`{"type":"BitstringStatusListEntry","statusPurpose":"revocation","statusListIndex":"22","statusListCredential":"https://issuer.example/status/1"}`, false, nil},
		{`{"type":"BitstringStatusListEntry","statusPurpose":"suspension","statusListIndex":"23","statusListCredential":"https://issuer.example/status/1"}`, false, status.ErrPurpose},
		{`{"type":"BitstringStatusListEntry","statusPurpose":"revocation","statusListIndex":"131072","statusListCredential":"https://issuer.example/status/1"}`, false, status.ErrOutOfRange},
		{`{"type":"StatusList2021Entry","statusPurpose":"revocation","statusListIndex":"23","statusListCredential":"https://issuer.example/status/1"}`, false, status.ErrListType},
	} {
		e, err := status.ParseEntry([]byte(tt.entry))
		if err != nil {
			t.Fatal(err)
		}
		res, err := status.Check(e, l, status.CheckOptions{})
		if tt.err != nil {
			if !errors.Is(err, tt.err) {
				t.Errorf("%s: %v, want %v", tt.entry, err, tt.err)
			}
			continue
		}
		if err != nil || res.Set != tt.set || res.ShortList {
			t.Errorf("%s: %+v, %v", tt.entry, res, err)
		}
	}
}

// The Digital Credentials Consortium fixtures: each credential's status entry is checked
// against its list, served byte for byte from a loopback server through fetch.Client. The
// verdict must match the file name ("revoked" or not); the DCC lists have 100,000 entries,
// below the minimum, so they pass only with AllowShortList.
func TestDCCStatusLists(t *testing.T) {
	root := fixture.Path(t, "digitalcredentials-vc-test-fixtures")
	web := fakeweb.DCC(t).Fetcher()
	ctx := context.Background()
	get := func(u string) ([]byte, error) {
		r, err := web.Get(ctx, u, "application/vc+ld+json, application/json")
		if err != nil {
			return nil, err
		}
		return r.Body, fetch.StatusError(r)
	}
	checked := 0
	err := filepath.Walk(filepath.Join(root, "verifiableCredentials"), func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var vc struct {
			CredentialStatus json.RawMessage `json:"credentialStatus"`
		}
		if json.Unmarshal(b, &vc) != nil || len(vc.CredentialStatus) == 0 {
			return nil
		}
		name := strings.TrimPrefix(path, root+"/")
		t.Run(name, func(t *testing.T) {
			raw := vc.CredentialStatus
			var list []json.RawMessage
			if json.Unmarshal(raw, &list) == nil {
				raw = list[0]
			}
			e, err := status.ParseEntry(raw)
			if err != nil {
				t.Fatal(err)
			}
			body, err := get(e.StatusListCredential)
			if err != nil {
				t.Fatal(err)
			}
			l, err := status.ParseListCredential(body)
			if err != nil {
				t.Fatal(err)
			}
			res, err := status.Check(e, l, status.CheckOptions{AllowShortList: true})
			base := filepath.Base(name)
			switch {
			case strings.Contains(base, "tamperedStatus"):
				if !errors.Is(err, status.ErrMalformed) {
					t.Fatalf("tampered list: %v", err)
				}
			case strings.Contains(base, "missingTypeStatus"):
				if !errors.Is(err, status.ErrListType) {
					t.Fatalf("list without BitstringStatusListCredential type: %v", err)
				}
			case err != nil:
				t.Fatal(err)
			default:
				if want := strings.Contains(strings.ToLower(base), "revoked"); res.Set != want || !res.ShortList {
					t.Fatalf("revoked = %v, want %v (result %+v)", res.Set, want, res)
				}
				if _, err := status.Check(e, l, status.CheckOptions{}); !errors.Is(err, status.ErrShortList) {
					t.Fatalf("strict check of a 100,000-entry list: %v", err)
				}
			}
			checked++
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 20 {
		t.Fatalf("only %d credentials with status checked", checked)
	}
	t.Logf("%d DCC credentials checked", checked)
}

func FuzzDecodeBitstring(f *testing.F) {
	f.Add("uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA", uint8(1))
	f.Add("uH4sIAAAAAAAAA-3BMQEAAAwCoGUx6aLbwgvIHwAAAAAAAAAAAAAAwFwBZnztF9QwAAA", uint8(2))
	f.Fuzz(func(t *testing.T, s string, size uint8) {
		b, err := status.DecodeBitstring(s, int(size%8)+1, false)
		if err != nil {
			return
		}
		if n := b.Len(); n > 0 {
			if _, err := b.Get(n - 1); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func FuzzParseEntry(f *testing.F) {
	f.Add([]byte(`{"type":"BitstringStatusListEntry","statusPurpose":"revocation","statusListIndex":"94567","statusListCredential":"https://x/1"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := status.ParseEntry(b)
		if err != nil {
			return
		}
		if e.StatusListIndex < 0 || e.StatusSize < 1 || e.StatusSize > 8 {
			t.Fatalf("accepted %+v", e)
		}
	})
}
