// Package bulk owns the CSV format of bulk awarding (PRODUCT.md B2): reading an uploaded file
// (header row, column names and aliases, delimiters, encodings, limits) into award requests,
// each checked with badge.AwardRequest.Normalize, with every problem reported by line and
// column, and the dedupe key that makes re-uploading a file issue nothing twice. The format is
// documented in docs/BULK-CSV.md. It does no I/O; internal/service stores uploads and issues.
package bulk

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rosettebadges/rosette/internal/badge"
)

// The limits of one file.
const (
	MaxBytes = 20 << 20 // 20 MiB
	MaxRows  = 50000    // data rows, not counting the header and blank lines
)

const maxEvidence = badge.MaxEvidence

// Options are the settings of one parse.
type Options struct {
	BadgeClassID string    // every row awards this badge class
	Now          time.Time // the upload's time: bounds issue dates; its UTC date keys rows without one
	Notify       bool      // email the recipients (rows with an email recipient only)
}

// CellError is one problem of a row, on one column ("" for the row as a whole).
type CellError struct {
	Column  string
	Message string
}

// Row is one data row: its line in the file (of the row's first line when a quoted value
// spans several), the award request (normalized, with its Key, when the row is valid; as read
// otherwise) and its problems.
type Row struct {
	Line    int
	Request badge.AwardRequest
	Errors  []CellError
}

// Valid reports whether the row has no problem.
func (r *Row) Valid() bool { return len(r.Errors) == 0 }

// File is a parsed file: the columns found (canonical names, in file order) and every data row.
type File struct {
	Columns []string
	Rows    []Row
	Valid   int
	Invalid int
}

// fileErrorf is a problem of the whole file: an Invalid error on field "file", prefixed by
// its line when line > 0.
func fileErrorf(line int, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if line > 0 {
		msg = fmt.Sprintf("Line %d: %s", line, msg)
	}
	return badge.FieldError(badge.Invalid, "file", msg, nil)
}

// Parse reads a CSV file. Problems of the file as a whole (size, encoding, header, broken
// quoting, too many rows, no rows) are an Invalid error on field "file", naming the line;
// problems of single rows are in their Row.Errors, and the other rows are still read.
func Parse(data []byte, opts Options) (*File, error) {
	if len(data) > MaxBytes {
		return nil, fileErrorf(0, "The file is larger than 20 MiB. Split it into smaller files.")
	}
	if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		return nil, fileErrorf(0, "The file is UTF-16 text. Save it as \"CSV UTF-8\" and upload it again.")
	}
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	if !utf8.Valid(data) {
		line := 1
		for i := 0; i < len(data); {
			r, n := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			if r == '\n' {
				line++
			}
			i += n
		}
		return nil, fileErrorf(line, "The file is not UTF-8 text (it may be Latin-1 or Windows-1252). Save it as \"CSV UTF-8\" and upload it again.")
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fileErrorf(0, "The file is empty.")
	}
	rd := csv.NewReader(bytes.NewReader(data))
	rd.Comma = detectDelimiter(data)
	rd.FieldsPerRecord = -1
	rd.ReuseRecord = true
	header, err := rd.Read()
	if err != nil {
		return nil, csvError(err)
	}
	headerLine, _ := rd.FieldPos(0)
	l, err := parseHeader(slices.Clone(header), headerLine)
	if err != nil {
		return nil, err
	}
	f := &File{}
	for _, c := range l.cols {
		if c != "" {
			f.Columns = append(f.Columns, c)
		}
	}
	seen := map[string]int{} // key -> line
	day := opts.Now.UTC().Format(time.DateOnly)
	for {
		rec, err := rd.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvError(err)
		}
		if blank(rec) {
			continue
		}
		if len(f.Rows) == MaxRows {
			line, _ := rd.FieldPos(0)
			return nil, fileErrorf(line, "The file has more than %d rows. Split it into smaller files.", MaxRows)
		}
		line, _ := rd.FieldPos(0)
		row := l.row(rec, line, opts, day)
		if row.Valid() {
			if first, dup := seen[row.Request.Key]; dup {
				row.Errors = []CellError{{l.recipientColumn(), fmt.Sprintf(
					"Same recipient and issue date as line %d: a file awards the badge once per person and day.", first)}}
				row.Request.Key = ""
			} else {
				seen[row.Request.Key] = line
			}
		}
		if row.Valid() {
			f.Valid++
		} else {
			f.Invalid++
		}
		f.Rows = append(f.Rows, row)
	}
	if len(f.Rows) == 0 {
		return nil, fileErrorf(0, "The file has a header row but no data rows.")
	}
	return f, nil
}

// detectDelimiter returns ';' when the header line (up to the first line break outside
// quotes) has more semicolons than commas outside quotes, else ','.
func detectDelimiter(data []byte) rune {
	commas, semis := 0, 0
	quoted := false
	for _, c := range data {
		switch {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '\n' || c == '\r':
			goto done
		case c == ',':
			commas++
		case c == ';':
			semis++
		}
	}
done:
	if semis > commas {
		return ';'
	}
	return ','
}

// csvError turns an encoding/csv error into a file error naming the line.
func csvError(err error) error {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		if err == io.EOF {
			return fileErrorf(0, "The file is empty.")
		}
		return fileErrorf(0, "The file cannot be read as CSV.")
	}
	line := pe.StartLine
	if line == 0 {
		line = pe.Line
	}
	switch {
	case errors.Is(pe.Err, csv.ErrBareQuote):
		return fileErrorf(pe.Line, "A double quote (\") inside a value that is not in quotes. Put the whole value in double quotes and write each quote inside it twice (\"\").")
	case errors.Is(pe.Err, csv.ErrQuote):
		return fileErrorf(line, "A quoted value is not closed properly: a value in double quotes must end with a double quote followed by the delimiter or the end of the line.")
	}
	return fileErrorf(line, "The line cannot be read as CSV.")
}

func blank(rec []string) bool {
	for _, v := range rec {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

// parseDate reads YYYY-MM-DD (midnight UTC) or an RFC 3339 date-time.
func parseDate(s string) (time.Time, bool) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, true
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), true
	}
	return time.Time{}, false
}

// Key is the dedupe key of an award of badgeClassID to the (normalized) recipient on a day:
// "csv:" and the first 32 hex digits of the SHA-256 of "badge class id|recipient type|
// identity|YYYY-MM-DD". The day is the row's issue date, or the upload's when it has none.
// Email addresses are compared without case (Ada@x.org and ada@x.org are one person).
func Key(badgeClassID string, r badge.Recipient, day string) string {
	id := r.Identity
	if r.Type == badge.RecipientEmail {
		id = strings.ToLower(id)
	}
	sum := sha256.Sum256([]byte(badgeClassID + "|" + string(r.Type) + "|" + id + "|" + day))
	return "csv:" + hex.EncodeToString(sum[:])[:32]
}

// row reads one record into a row.
func (l *layout) row(rec []string, line int, opts Options, day string) Row {
	get := func(col string) string {
		if i, ok := l.index[col]; ok && i < len(rec) {
			return rec[i]
		}
		return ""
	}
	row := Row{Line: line}
	var errs []CellError
	bad := func(col, msg string) { errs = append(errs, CellError{col, msg}) }
	if len(rec) > len(l.cols) && !blank(rec[len(l.cols):]) {
		bad("", fmt.Sprintf("This row has %d values but the header has %d columns. Is a value with a delimiter missing its quotes?", len(rec), len(l.cols)))
	} else {
		for i, c := range l.cols {
			if c == "" && i < len(rec) && strings.TrimSpace(rec[i]) != "" {
				bad("", fmt.Sprintf("Column %d has a value but no name in the header row.", i+1))
				break
			}
		}
	}
	req := badge.AwardRequest{BadgeClassID: opts.BadgeClassID, Narrative: get(ColNarrative)}
	if l.has(ColEmail) {
		req.Recipient = badge.Recipient{Type: badge.RecipientEmail, Identity: get(ColEmail), Name: get(ColName)}
	} else {
		req.Recipient = badge.Recipient{Identity: get(ColRecipient), Name: get(ColName)}
		if t := strings.TrimSpace(get(ColRecipientType)); t != "" {
			rt, err := badge.ParseRecipientType(t)
			if err != nil {
				bad(ColRecipientType, badge.SafeMessage(err))
			}
			req.Recipient.Type = rt
		}
	}
	for _, g := range l.evidence {
		e := badge.Evidence{}
		if g.url >= 0 && g.url < len(rec) {
			e.URL = rec[g.url]
		}
		if g.name >= 0 && g.name < len(rec) {
			e.Name = rec[g.name]
		}
		if g.narrative >= 0 && g.narrative < len(rec) {
			e.Narrative = rec[g.narrative]
		}
		req.Evidence = append(req.Evidence, e)
	}
	for _, d := range []struct {
		col string
		to  *time.Time
	}{{ColIssued, &req.IssuedAt}, {ColExpires, &req.ExpiresAt}} {
		if s := strings.TrimSpace(get(d.col)); s != "" {
			t, ok := parseDate(s)
			if !ok {
				bad(d.col, "Write the date as YYYY-MM-DD (like 2026-11-23) or as an RFC 3339 time (like 2026-11-23T14:30:00Z).")
			}
			*d.to = t
		}
	}
	row.Request = req
	norm, err := req.Normalize(opts.Now)
	if err != nil {
		for field, msg := range badge.FieldMessages(err) {
			switch field {
			case "evidence":
				errs = append(errs, l.evidenceErrors(req.Evidence, opts.Now)...)
			case "recipient":
				if !hasColumn(errs, ColRecipientType) { // a wrong type: the identity was not checked as one
					bad(l.recipientColumn(), msg)
				}
			case "recipient_name":
				bad(ColName, msg)
			case "recipient_type", "narrative", "issued", "expires":
				if !hasColumn(errs, field) {
					bad(field, msg)
				}
			default:
				bad("", msg)
			}
		}
	}
	if len(errs) > 0 {
		row.Errors = l.sortErrors(errs)
		return row
	}
	if !norm.IssuedAt.IsZero() {
		day = norm.IssuedAt.UTC().Format(time.DateOnly)
	}
	norm.Key = Key(norm.BadgeClassID, norm.Recipient, day)
	norm.Notify = opts.Notify && norm.Recipient.Type == badge.RecipientEmail
	row.Request = norm
	return row
}

func hasColumn(errs []CellError, col string) bool {
	for _, e := range errs {
		if e.Column == col {
			return true
		}
	}
	return false
}

// evidenceErrors checks each piece of evidence alone, to name the columns at fault.
func (l *layout) evidenceErrors(ev []badge.Evidence, now time.Time) []CellError {
	var out []CellError
	for i, e := range ev {
		probe := badge.AwardRequest{BadgeClassID: "x", Recipient: badge.Recipient{Type: badge.RecipientEmail, Identity: "probe@example.org"},
			Evidence: []badge.Evidence{e}}
		_, err := probe.Normalize(now)
		msg, ok := badge.FieldMessages(err)["evidence"]
		if !ok {
			continue
		}
		g := l.evidence[i]
		first := func(cols ...int) int {
			for _, c := range cols {
				if c >= 0 {
					return c
				}
			}
			return -1
		}
		var col int
		switch {
		case strings.TrimSpace(e.URL) != "" && strings.Contains(msg, "URL must"):
			col = g.url
		case strings.Contains(msg, "name must") && utf8.RuneCountInString(strings.TrimSpace(e.Name)) > 200:
			col = first(g.name, g.narrative)
		case strings.Contains(msg, "name must"):
			col = first(g.narrative, g.name)
		default:
			col = first(g.url, g.narrative, g.name)
		}
		out = append(out, CellError{l.cols[col], msg})
	}
	if len(out) == 0 {
		out = append(out, CellError{ColEvidenceURL, "The evidence is not valid."})
	}
	return out
}

// sortErrors orders errors by the position of their column in the file (row-wide first).
func (l *layout) sortErrors(errs []CellError) []CellError {
	pos := func(c string) int {
		if i, ok := l.index[c]; ok {
			return i
		}
		return -1
	}
	slices.SortFunc(errs, func(a, b CellError) int {
		if d := pos(a.Column) - pos(b.Column); d != 0 {
			return d
		}
		return strings.Compare(a.Message, b.Message)
	})
	return errs
}
