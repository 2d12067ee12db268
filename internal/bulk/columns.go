package bulk

import (
	"sort"
	"strconv"
	"strings"
)

// The canonical column names. Evidence columns of the second and later pieces of evidence
// carry a number: evidence_url_2, evidence_name_2, evidence_narrative_2, ...
const (
	ColEmail             = "email"
	ColRecipient         = "recipient"
	ColRecipientType     = "recipient_type"
	ColName              = "name"
	ColNarrative         = "narrative"
	ColEvidenceURL       = "evidence_url"
	ColEvidenceName      = "evidence_name"
	ColEvidenceNarrative = "evidence_narrative"
	ColIssued            = "issued"
	ColExpires           = "expires"
)

// aliases maps a normalized header (see normalizeHeader) to its canonical column. Evidence
// columns are matched by evidenceColumn, with these as their bases.
var aliases = map[string]string{
	"email":              ColEmail,
	"e_mail":             ColEmail,
	"email_address":      ColEmail,
	"e_mail_address":     ColEmail,
	"mail":               ColEmail,
	"recipient_email":    ColEmail,
	"recipient":          ColRecipient,
	"recipient_identity": ColRecipient,
	"identity":           ColRecipient,
	"identifier":         ColRecipient,
	"recipient_type":     ColRecipientType,
	"identity_type":      ColRecipientType,
	"type":               ColRecipientType,
	"name":               ColName,
	"recipient_name":     ColName,
	"full_name":          ColName,
	"narrative":          ColNarrative,
	"award_narrative":    ColNarrative,
	"issued":             ColIssued,
	"issued_on":          ColIssued,
	"issued_at":          ColIssued,
	"issue_date":         ColIssued,
	"issued_date":        ColIssued,
	"date":               ColIssued,
	"expires":            ColExpires,
	"expires_on":         ColExpires,
	"expires_at":         ColExpires,
	"expiry":             ColExpires,
	"expiry_date":        ColExpires,
	"expiration":         ColExpires,
	"expiration_date":    ColExpires,
}

// evidenceBases maps the normalized base of an evidence header to its canonical base.
var evidenceBases = map[string]string{
	"evidence":           ColEvidenceURL,
	"evidence_url":       ColEvidenceURL,
	"evidence_link":      ColEvidenceURL,
	"evidence_name":      ColEvidenceName,
	"evidence_title":     ColEvidenceName,
	"evidence_narrative": ColEvidenceNarrative,
	"evidence_text":      ColEvidenceNarrative,
}

// normalizeHeader lower-cases a header and makes spaces, dashes and underscores (any run of
// them) one underscore: "Recipient E-mail" -> "recipient_e_mail".
func normalizeHeader(h string) string {
	var b strings.Builder
	sep := false
	for _, r := range strings.ToLower(strings.TrimSpace(h)) {
		if r == ' ' || r == '-' || r == '_' || r == '\t' {
			sep = true
			continue
		}
		if sep && b.Len() > 0 {
			b.WriteByte('_')
		}
		sep = false
		b.WriteRune(r)
	}
	return b.String()
}

// evidenceColumn matches an evidence header: base with an optional number suffix (1 to
// badge.MaxEvidence; "evidence_url_1" is "evidence_url"). It returns the canonical base and the
// 1-based group number.
func evidenceColumn(n string) (base string, group int, ok bool) {
	j := len(n)
	for j > 0 && n[j-1] >= '0' && n[j-1] <= '9' {
		j--
	}
	group = 1
	if j < len(n) {
		num, err := strconv.Atoi(n[j:])
		if err != nil || num < 1 || num > maxEvidence || n[j] == '0' {
			return "", 0, false
		}
		group = num
	}
	base, ok = evidenceBases[strings.TrimSuffix(n[:j], "_")]
	if !ok {
		return "", 0, false
	}
	return base, group, true
}

// columnName is the canonical name of an evidence column of a group.
func columnName(base string, group int) string {
	if group <= 1 {
		return base
	}
	return base + "_" + strconv.Itoa(group)
}

// evidenceGroup is the columns (indexes into the record, -1 for absent) of one evidence.
type evidenceGroup struct {
	n                    int
	url, name, narrative int
}

// layout is what the header row says: the record index of each column.
type layout struct {
	cols     []string // canonical name of each record position
	index    map[string]int
	evidence []evidenceGroup // ordered by number
}

func (l *layout) has(col string) bool { _, ok := l.index[col]; return ok }

// recipientColumn is the column recipient errors are reported on.
func (l *layout) recipientColumn() string {
	if l.has(ColEmail) {
		return ColEmail
	}
	return ColRecipient
}

// parseHeader maps the header row to columns; unknown, repeated or conflicting columns are an
// error naming them.
func parseHeader(header []string, line int) (*layout, error) {
	l := &layout{cols: make([]string, len(header)), index: map[string]int{}}
	var unknown, repeated []string
	groups := map[int]*evidenceGroup{}
	for i, h := range header {
		n := normalizeHeader(h)
		col, ok := aliases[n]
		var base string
		var g int
		if !ok {
			if base, g, ok = evidenceColumn(n); ok {
				col = columnName(base, g)
			}
		}
		switch {
		case n == "":
			// A column without a name (a spreadsheet's trailing delimiter, an empty spacer
			// column): its values must be empty (checked per row).
			l.cols[i] = ""
			continue
		case !ok:
			unknown = append(unknown, strconv.Quote(strings.TrimSpace(h)))
			continue
		}
		if _, dup := l.index[col]; dup {
			repeated = append(repeated, strconv.Quote(strings.TrimSpace(h)))
			continue
		}
		l.index[col] = i
		l.cols[i] = col
		if base != "" {
			eg := groups[g]
			if eg == nil {
				eg = &evidenceGroup{n: g, url: -1, name: -1, narrative: -1}
				groups[g] = eg
			}
			switch base {
			case ColEvidenceURL:
				eg.url = i
			case ColEvidenceName:
				eg.name = i
			case ColEvidenceNarrative:
				eg.narrative = i
			}
		}
	}
	switch {
	case len(unknown) > 0:
		return nil, fileErrorf(line, "Unknown column%s %s. The columns are email (or recipient and recipient_type), name, narrative, evidence_url, evidence_name, evidence_narrative, issued and expires.",
			plural(len(unknown)), strings.Join(unknown, ", "))
	case len(repeated) > 0:
		return nil, fileErrorf(line, "Column%s %s appear%s more than once (or mean the same as another column).",
			plural(len(repeated)), strings.Join(repeated, ", "), verbS(len(repeated)))
	case l.has(ColEmail) && l.has(ColRecipient):
		return nil, fileErrorf(line, "The file has both an email and a recipient column; use one of them.")
	case !l.has(ColEmail) && !l.has(ColRecipient):
		return nil, fileErrorf(line, "The file needs an email column (or a recipient column) naming who gets each badge. Is the first line the header row?")
	case l.has(ColRecipientType) && !l.has(ColRecipient):
		return nil, fileErrorf(line, "A recipient_type column goes with a recipient column, not with email.")
	}
	for _, g := range groups {
		l.evidence = append(l.evidence, *g)
	}
	sort.Slice(l.evidence, func(i, j int) bool { return l.evidence[i].n < l.evidence[j].n })
	return l, nil
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func verbS(n int) string {
	if n == 1 {
		return "s"
	}
	return ""
}

// Columns lists the canonical columns, for documentation and the example file.
func Columns() []string {
	return []string{ColEmail, ColRecipient, ColRecipientType, ColName, ColNarrative,
		ColEvidenceURL, ColEvidenceName, ColEvidenceNarrative, ColIssued, ColExpires}
}
