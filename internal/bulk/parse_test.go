package bulk

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/rosettebadges/rosette/internal/badge"
)

var now = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func opts() Options { return Options{BadgeClassID: "bc1", Now: now} }

func parse(t *testing.T, data string) *File {
	t.Helper()
	f, err := Parse([]byte(data), opts())
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return f
}

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func email(addr, name string) badge.Recipient {
	return badge.Recipient{Type: badge.RecipientEmail, Identity: addr, Name: name}
}

func withKey(r badge.AwardRequest, dayStr string) badge.AwardRequest {
	r.BadgeClassID = "bc1"
	r.Key = Key("bc1", r.Recipient, dayStr)
	return r
}

func TestParseEveryColumn(t *testing.T) {
	data := "Email,Name,Narrative,Evidence URL,Evidence Name,Evidence Narrative,evidence_url_2,Evidence Narrative 2,Issued,Expires\n" +
		"Ada@Example.ORG, Ada Lovelace ,Did **well**,https://ex.org/a,Essay,Her essay,https://ex.org/b,,2026-01-02,2027-01-02\n" +
		"bob@example.org,,,,,,,Talk notes,2026-03-04T10:30:00+02:00,\n"
	f := parse(t, data)
	want := &File{
		Columns: []string{"email", "name", "narrative", "evidence_url", "evidence_name", "evidence_narrative", "evidence_url_2", "evidence_narrative_2", "issued", "expires"},
		Rows: []Row{
			{Line: 2, Request: withKey(badge.AwardRequest{
				Recipient: email("ada@example.org", "Ada Lovelace"), Narrative: "Did **well**",
				Evidence: []badge.Evidence{{URL: "https://ex.org/a", Name: "Essay", Narrative: "Her essay"}, {URL: "https://ex.org/b"}},
				IssuedAt: day("2026-01-02"), ExpiresAt: day("2027-01-02")}, "2026-01-02")},
			{Line: 3, Request: withKey(badge.AwardRequest{
				Recipient: email("bob@example.org", ""),
				Evidence:  []badge.Evidence{{Narrative: "Talk notes"}},
				IssuedAt:  time.Date(2026, 3, 4, 8, 30, 0, 0, time.UTC)}, "2026-03-04")},
		},
		Valid: 2,
	}
	if d := cmp.Diff(want, f); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestParseRecipientTypes(t *testing.T) {
	data := "recipient;recipient_type;name\n" +
		"https://ada.example/;url;Ada\n" +
		"+44 20 7946 0000;telephone;\n" +
		"did:example:123;;\n" +
		"tel:+4420794600;phone;\n"
	f := parse(t, data)
	got := []badge.Recipient{}
	for _, r := range f.Rows {
		if !r.Valid() {
			t.Fatalf("line %d: %v", r.Line, r.Errors)
		}
		got = append(got, r.Request.Recipient)
	}
	want := []badge.Recipient{
		{Type: badge.RecipientURL, Identity: "https://ada.example/", Name: "Ada"},
		{Type: badge.RecipientPhone, Identity: "+442079460000"},
		{Type: badge.RecipientDID, Identity: "did:example:123"},
		{Type: badge.RecipientPhone, Identity: "+4420794600"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestParseHeaderAliases(t *testing.T) {
	for _, tt := range []struct {
		header string
		want   []string
	}{
		{"E-mail", []string{"email"}},
		{"recipient_email", []string{"email"}},
		{"EMAIL ADDRESS", []string{"email"}},
		{"Recipient-Email,Full Name", []string{"email", "name"}},
		{"email,recipient name,issue date,expiry date", []string{"email", "name", "issued", "expires"}},
		{"email,evidence,evidence 2,evidence_url3,Evidence-Name-3", []string{"email", "evidence_url", "evidence_url_2", "evidence_url_3", "evidence_name_3"}},
		{"email,evidence_url_1", []string{"email", "evidence_url"}},
		{"identity,identity type", []string{"recipient", "recipient_type"}},
		{"  Email__Address  ,issued_on,expires at", []string{"email", "issued", "expires"}},
		{"email,name,", []string{"email", "name"}},    // a trailing delimiter
		{"email,,name", []string{"email", "name"}},    // an empty spacer column
		{"email, ,name,,", []string{"email", "name"}}, // several
	} {
		f, err := Parse([]byte(tt.header+"\nada@example.org"+strings.Repeat(",", strings.Count(tt.header, ","))+"\n"), opts())
		if err != nil {
			t.Errorf("%q: %v", tt.header, err)
			continue
		}
		if d := cmp.Diff(tt.want, f.Columns); d != "" {
			t.Errorf("%q (-want +got):\n%s", tt.header, d)
		}
	}
}

func TestParseHeaderErrors(t *testing.T) {
	for _, tt := range []struct {
		header, want string
	}{
		{"email,score,Grade", `Line 1: Unknown columns "score", "Grade".`},
		{"email,colour", `Line 1: Unknown column "colour".`},
		{"email,E-mail", `Column "E-mail" appears more than once`},
		{"email,recipient", "both an email and a recipient column"},
		{"name,narrative", "needs an email column"},
		{"ada@example.org", `Unknown column "ada@example.org"`},
		{"email,recipient_type", "recipient_type column goes with a recipient column"},
		{"email,evidence_url_21", `Unknown column "evidence_url_21"`},
		{"email,evidence_url_0", `Unknown column "evidence_url_0"`},
		{"email,evidence_url_02", `Unknown column "evidence_url_02"`},
	} {
		_, err := Parse([]byte(tt.header+"\nx\n"), opts())
		if !errors.Is(err, badge.Invalid) || !strings.Contains(badge.SafeMessage(err), tt.want) {
			t.Errorf("%q: %v; want %q", tt.header, err, tt.want)
		}
		if badge.FieldMessages(err)["file"] == "" {
			t.Errorf("%q: not a file error: %v", tt.header, err)
		}
	}
}

func TestParseEncodingsAndDelimiters(t *testing.T) {
	ada := withKey(badge.AwardRequest{Recipient: email("ada@example.org", ""), Narrative: "Ada; Byron, Countess"}, "2026-11-23")
	bob := withKey(badge.AwardRequest{Recipient: email("bob@example.org", ""), Narrative: "Bob\nSecond line"}, "2026-11-23")
	for _, tt := range []struct {
		name, data string
	}{
		{"comma LF", "email,narrative\nada@example.org,\"Ada; Byron, Countess\"\nbob@example.org,\"Bob\nSecond line\"\n"},
		{"CRLF", "email,narrative\r\nada@example.org,\"Ada; Byron, Countess\"\r\nbob@example.org,\"Bob\r\nSecond line\"\r\n"},
		{"BOM", "\xEF\xBB\xBFemail,narrative\nada@example.org,\"Ada; Byron, Countess\"\nbob@example.org,\"Bob\nSecond line\""},
		{"semicolon", "email;narrative\r\nada@example.org;\"Ada; Byron, Countess\"\r\nbob@example.org;\"Bob\r\nSecond line\"\r\n"},
		{"semicolon quoted header", "\"e-mail\";\"narrative\"\nada@example.org;\"Ada; Byron, Countess\"\nbob@example.org;\"Bob\nSecond line\"\n"},
		{"blank lines", "email,narrative\n\nada@example.org,\"Ada; Byron, Countess\"\n,\n\nbob@example.org,\"Bob\nSecond line\"\n\n"},
	} {
		f, err := Parse([]byte(tt.data), opts())
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		var got []badge.AwardRequest
		for _, r := range f.Rows {
			if !r.Valid() {
				t.Errorf("%s: line %d: %v", tt.name, r.Line, r.Errors)
			}
			got = append(got, r.Request)
		}
		if d := cmp.Diff([]badge.AwardRequest{ada, bob}, got); d != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, d)
		}
	}
}

func TestParseLineNumbers(t *testing.T) {
	data := "email,narrative\n" +
		"a@example.org,\"two\nlines\"\n" + // line 2-3
		"\n" + // line 4
		"not-an-email,x\n" + // line 5
		"b@example.org,\"x\"\n" // line 6
	f := parse(t, data)
	var lines []int
	for _, r := range f.Rows {
		lines = append(lines, r.Line)
	}
	if d := cmp.Diff([]int{2, 5, 6}, lines); d != "" {
		t.Errorf("lines (-want +got):\n%s", d)
	}
	if f.Valid != 2 || f.Invalid != 1 || f.Rows[1].Valid() {
		t.Errorf("valid %d invalid %d", f.Valid, f.Invalid)
	}
}

func TestParseRowErrors(t *testing.T) {
	data := "email,name,narrative,evidence_url,evidence_name,evidence_narrative,evidence_url_2,issued,expires\n" +
		"ok@example.org,,,,,,,,\n" + // 2
		",,,,,,,2026-01-01,\n" + // 3
		"bad@@example,,,,,,,,\n" + // 4
		"c@example.org,,,ftp://x,,,,,\n" + // 5
		"d@example.org,,,,only a name,,,,\n" + // 6
		"e@example.org,,,,,,javascript:alert(1),,\n" + // 7
		"f@example.org,,,,,,,23/11/2026,\n" + // 8
		"g@example.org,,,,,,,2026-01-02,2026-01-01\n" + // 9
		"h@example.org,,,,,,,2030-01-01,\n" + // 10
		"i@example.org,,,,,,,,tomorrow\n" + // 11
		"j@example.org," + strings.Repeat("n", 201) + ",,,,,,,\n" + // 12
		"k@example.org,,,,,,,,,extra\n" + // 13
		"OK@example.org,,,,,,,2026-11-23T09:00:00Z,\n" + // 14: same day as line 2's upload date
		"l@example.org,,,,,,,,,,,\n" // 15: empty extra values are fine
	f := parse(t, data)
	got := map[int][]CellError{}
	for _, r := range f.Rows {
		if !r.Valid() {
			got[r.Line] = r.Errors
		}
	}
	want := map[int][]CellError{
		3:  {{"email", "Recipient is required."}},
		4:  {{"email", `Email address "bad@@example" is not valid.`}},
		5:  {{"evidence_url", "Evidence URL must be a full http:// or https:// address."}},
		6:  {{"evidence_url", "Evidence needs a URL or a narrative."}},
		7:  {{"evidence_url_2", "Evidence URL must be a full http:// or https:// address."}},
		8:  {{"issued", "Write the date as YYYY-MM-DD (like 2026-11-23) or as an RFC 3339 time (like 2026-11-23T14:30:00Z)."}},
		9:  {{"expires", "Expiry date must be after the issue date."}},
		10: {{"issued", "Issue date cannot be more than a day in the future."}},
		11: {{"expires", "Write the date as YYYY-MM-DD (like 2026-11-23) or as an RFC 3339 time (like 2026-11-23T14:30:00Z)."}},
		12: {{"name", f.Rows[10].Errors[0].Message}},
		13: {{"", "This row has 10 values but the header has 9 columns. Is a value with a delimiter missing its quotes?"}},
		14: {{"email", "Same recipient and issue date as line 2: a file awards the badge once per person and day."}},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if !strings.Contains(f.Rows[10].Errors[0].Message, "200") {
		t.Errorf("name error: %v", f.Rows[10].Errors)
	}
	if f.Valid != 2 || f.Invalid != 12 {
		t.Errorf("valid %d, invalid %d", f.Valid, f.Invalid)
	}
	for _, r := range f.Rows {
		if !r.Valid() && r.Request.Key != "" {
			t.Errorf("line %d invalid with a key", r.Line)
		}
	}
}

func TestParseRecipientTypeError(t *testing.T) {
	f := parse(t, "recipient,recipient_type\nada@example.org,fax\n")
	want := []CellError{{"recipient_type", "Recipient type must be email, url, telephone or did."}}
	if d := cmp.Diff(want, f.Rows[0].Errors); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	f = parse(t, "recipient,recipient_type\nnot a url,url\n")
	if len(f.Rows[0].Errors) != 1 || f.Rows[0].Errors[0].Column != "recipient" {
		t.Errorf("errors = %v", f.Rows[0].Errors)
	}
}

func TestParseFileErrors(t *testing.T) {
	big := make([]byte, MaxBytes+1)
	for i := range big {
		big[i] = 'a'
	}
	var many strings.Builder
	many.WriteString("email\n")
	for i := range MaxRows + 1 {
		fmt.Fprintf(&many, "u%d@example.org\n", i)
	}
	for _, tt := range []struct {
		name, data, want string
	}{
		{"empty", "", "The file is empty."},
		{"spaces", " \r\n\n", "The file is empty."},
		{"header only", "email\r\n", "no data rows"},
		{"blank rows only", "email,narrative\n,\n\n", "no data rows"},
		{"latin-1", "email,narrative\nada@example.org,Ad\xe9\n", "Line 2: The file is not UTF-8 text"},
		{"utf-16", "\xff\xfee\x00m\x00", "UTF-16"},
		{"bare quote", "email,narrative\nada@example.org,Ada \"the\" Countess\n", "Line 2: A double quote"},
		{"unclosed quote", "email,narrative\nada@example.org,ok\nbob@example.org,\"Bob\n", "Line 3: A quoted value is not closed"},
		{"too big", string(big), "larger than 20 MiB"},
		{"too many rows", many.String(), fmt.Sprintf("Line %d: The file has more than 50000 rows", MaxRows+2)},
	} {
		f, err := Parse([]byte(tt.data), opts())
		if err == nil {
			t.Errorf("%s: no error (%d rows)", tt.name, len(f.Rows))
			continue
		}
		if !errors.Is(err, badge.Invalid) || !strings.Contains(badge.FieldMessages(err)["file"], tt.want) {
			t.Errorf("%s: %v; want %q", tt.name, err, tt.want)
		}
	}
}

func TestParseMaxRowsAccepted(t *testing.T) {
	var b strings.Builder
	b.WriteString("email\n")
	for i := range MaxRows {
		fmt.Fprintf(&b, "u%d@example.org\n", i)
	}
	f := parse(t, b.String())
	if len(f.Rows) != MaxRows || f.Valid != MaxRows {
		t.Errorf("%d rows, %d valid", len(f.Rows), f.Valid)
	}
}

func TestKey(t *testing.T) {
	r := email("ada@example.org", "")
	k := Key("bc1", r, "2026-11-23")
	if len(k) != 36 || !strings.HasPrefix(k, "csv:") {
		t.Errorf("Key = %q", k)
	}
	sum := sha256.Sum256([]byte("bc1|email|ada@example.org|2026-11-23"))
	if want := "csv:" + hex.EncodeToString(sum[:16]); k != want {
		t.Errorf("Key = %q, want %q", k, want)
	}
	for _, other := range []string{Key("bc2", r, "2026-11-23"), Key("bc1", email("bob@example.org", ""), "2026-11-23"),
		Key("bc1", r, "2026-11-24"), Key("bc1", badge.Recipient{Type: badge.RecipientURL, Identity: "ada@example.org"}, "2026-11-23")} {
		if other == k {
			t.Errorf("key collision %q", k)
		}
	}
	if Key("bc1", email("ada@example.org", "Another Name"), "2026-11-23") != k {
		t.Error("the recipient name changed the key")
	}
}

func TestParseKeysStableAcrossUploads(t *testing.T) {
	// The same file, and a longer one, uploaded on the same day gives the same keys; rows with
	// an issue date keep their key on any day.
	a := parse(t, "email,issued\nada@example.org,\nbob@example.org,2026-01-01\n")
	b := parse(t, "email,issued\nBOB@example.org,2026-01-01\ncy@example.org,\nada@example.org,\n")
	if a.Rows[0].Request.Key != b.Rows[2].Request.Key || a.Rows[1].Request.Key != b.Rows[0].Request.Key {
		t.Error("keys differ between uploads")
	}
	later, err := Parse([]byte("email,issued\nada@example.org,\nbob@example.org,2026-01-01\n"), Options{BadgeClassID: "bc1", Now: now.Add(48 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if later.Rows[0].Request.Key == a.Rows[0].Request.Key || later.Rows[1].Request.Key != a.Rows[1].Request.Key {
		t.Error("upload date not in the key of undated rows only")
	}
}

func TestParseNotify(t *testing.T) {
	f, err := Parse([]byte("recipient\nada@example.org\nhttps://bob.example/\n"), Options{BadgeClassID: "bc1", Now: now, Notify: true})
	if err != nil {
		t.Fatal(err)
	}
	if !f.Rows[0].Request.Notify || f.Rows[1].Request.Notify {
		t.Errorf("notify = %v, %v; want email rows only", f.Rows[0].Request.Notify, f.Rows[1].Request.Notify)
	}
}

func TestExampleCSVParses(t *testing.T) {
	f := parse(t, ExampleCSV)
	if f.Valid != 3 || f.Invalid != 0 {
		t.Fatalf("example: %d valid, %d invalid: %+v", f.Valid, f.Invalid, f.Rows)
	}
}

func TestParseUnnamedColumns(t *testing.T) {
	f := parse(t, "email,,name,\nada@example.org,,Ada,\nbob@example.org,x,Bob,\ncy@example.org,,Cy,y\n")
	want := map[int][]CellError{
		3: {{"", "Column 2 has a value but no name in the header row."}},
		4: {{"", "Column 4 has a value but no name in the header row."}},
	}
	got := map[int][]CellError{}
	for _, r := range f.Rows {
		if !r.Valid() {
			got[r.Line] = r.Errors
		}
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if _, err := Parse([]byte("\n\nemail,grade\nx,y\n"), opts()); err == nil || !strings.Contains(err.Error(), `Line 3: Unknown column "grade"`) {
		t.Errorf("header after blank lines: %v", err)
	}
	if _, err := Parse([]byte(",,\nx,y,z\n"), opts()); err == nil || !strings.Contains(err.Error(), "needs an email column") {
		t.Errorf("header of empty names: %v", err)
	}
}
