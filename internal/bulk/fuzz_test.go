package bulk

import (
	"errors"
	"testing"

	"github.com/rosettebadges/rosette/internal/badge"
)

// FuzzParse feeds arbitrary bytes to Parse: it never panics, refuses with an Invalid file
// error or returns rows whose counts add up, whose lines increase, and whose valid rows carry a
// distinct key and a normalized request.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"email\nada@example.org\n",
		"\xEF\xBB\xBFE-mail;Name;Issued\r\nada@example.org;\"Ada; B\";2026-01-02\r\n",
		"recipient,recipient_type,evidence_url_2,evidence_narrative_2\nhttps://x.example/,url,https://e.example/,\"two\nlines\"\n",
		"email,issued,expires\nada@example.org,2026-13-01,2026-01-01T00:00:00+01:00\n",
		"email,name\nada@example.org,\"bad\"quote\n",
		"email,,\n,,\n",
		"email\nAda@example.org\nada@example.org\n",
		ExampleCSV,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse(data, opts())
		if err != nil {
			if !errors.Is(err, badge.Invalid) || badge.FieldMessages(err)["file"] == "" {
				t.Fatalf("error is not an Invalid file error: %v", err)
			}
			return
		}
		if file.Valid+file.Invalid != len(file.Rows) || len(file.Rows) == 0 {
			t.Fatalf("counts %d + %d != %d rows", file.Valid, file.Invalid, len(file.Rows))
		}
		keys := map[string]bool{}
		last := 0
		for _, r := range file.Rows {
			if r.Line <= last {
				t.Fatalf("line %d after %d", r.Line, last)
			}
			last = r.Line
			if !r.Valid() {
				continue
			}
			if keys[r.Request.Key] || len(r.Request.Key) != 36 {
				t.Fatalf("line %d: key %q repeated or malformed", r.Line, r.Request.Key)
			}
			keys[r.Request.Key] = true
			again, err := r.Request.Normalize(now)
			if err != nil || again.Recipient != r.Request.Recipient {
				t.Fatalf("line %d: valid row does not normalize to itself: %v", r.Line, err)
			}
		}
	})
}
