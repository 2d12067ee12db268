package jsonld

import (
	"bytes"
	"fmt"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// TermKind says what an RDF term is.
type TermKind uint8

// The kinds of RDF term. A Quad's graph is TermNone in the default graph.
const (
	TermNone TermKind = iota
	TermIRI
	TermBlank
	TermLiteral
)

// Term is an RDF term. Value is the IRI, the blank node label (without "_:"), or the lexical
// form of a literal. Literals always carry a Datatype; Language is set only for rdf:langString.
type Term struct {
	Kind     TermKind
	Value    string
	Datatype string
	Language string
}

// Quad is one RDF statement; G.Kind is TermNone for the default graph.
type Quad struct {
	S, P, O, G Term
}

// Terms of the conversion, passed by pointer. Never written.
var (
	rdfTypeTerm  = Term{Kind: TermIRI, Value: rdfType}
	rdfFirstTerm = Term{Kind: TermIRI, Value: rdfFirst}
	rdfRestTerm  = Term{Kind: TermIRI, Value: rdfRest}
)

// RDF and XSD IRIs used by the conversion.
const (
	rdfType       = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
	rdfFirst      = "http://www.w3.org/1999/02/22-rdf-syntax-ns#first"
	rdfRest       = "http://www.w3.org/1999/02/22-rdf-syntax-ns#rest"
	rdfNil        = "http://www.w3.org/1999/02/22-rdf-syntax-ns#nil"
	rdfLangString = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
	rdfJSON       = "http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON"
	xsdString     = "http://www.w3.org/2001/XMLSchema#string"
	xsdBoolean    = "http://www.w3.org/2001/XMLSchema#boolean"
	xsdInteger    = "http://www.w3.org/2001/XMLSchema#integer"
	xsdDouble     = "http://www.w3.org/2001/XMLSchema#double"
)

// appendTerm writes t in canonical N-Quads form (RDFC-1.0 §4.2 / RDF 1.1 N-Quads canonical).
func appendTerm(b []byte, t Term) []byte { return appendTermOf(b, &t) }

// appendTermOf is appendTerm with the term given by pointer.
func appendTermOf(b []byte, t *Term) []byte {
	switch t.Kind {
	case TermIRI:
		return appendIRI(b, t.Value)
	case TermBlank:
		b = append(b, '_', ':')
		return append(b, t.Value...)
	case TermLiteral:
		b = append(b, '"')
		b = appendEscapedLiteral(b, t.Value)
		b = append(b, '"')
		if t.Language != "" {
			b = append(b, '@')
			return append(b, t.Language...)
		}
		if t.Datatype != xsdString {
			b = append(b, '^', '^')
			b = appendIRI(b, t.Datatype)
		}
		return b
	}
	return b
}

// appendIRI appends '<' iri '>'.
func appendIRI(b []byte, iri string) []byte {
	b = slices.Grow(b, len(iri)+2)
	b = append(b, '<')
	b = append(b, iri...)
	return append(b, '>')
}

const hexUpper = "0123456789ABCDEF"

// appendEscapedLiteral escapes a literal's lexical form as RDFC-1.0 requires: ECHAR for
// \b \t \n \f \r \" \\, the shortest UCHAR (\u00XX, upper-case hex) for the other characters
// U+0000-U+001F and U+007F, everything else as is.
func appendEscapedLiteral(b []byte, s string) []byte {
	i := nextEscape(s, 0)
	if i >= len(s) {
		return append(b, s...) // the usual literal: nothing to escape
	}
	start := 0
	for ; ; i++ {
		if i = nextEscape(s, i); i >= len(s) {
			break
		}
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c != 0x7f {
			continue // a wrong flag of escapeMask
		}
		b = append(b, s[start:i]...)
		start = i + 1
		switch c {
		case '\b':
			b = append(b, '\\', 'b')
		case '\t':
			b = append(b, '\\', 't')
		case '\n':
			b = append(b, '\\', 'n')
		case '\f':
			b = append(b, '\\', 'f')
		case '\r':
			b = append(b, '\\', 'r')
		case '"':
			b = append(b, '\\', '"')
		case '\\':
			b = append(b, '\\', '\\')
		default:
			b = append(b, '\\', 'u', '0', '0', hexUpper[c>>4], hexUpper[c&15])
		}
	}
	return append(b, s[start:]...)
}

// nextEscape returns the index of the first byte of s from i on that escapeMask flags (every
// byte that needs escaping is flagged, a few others may be), or len(s): sixteen bytes at a
// time (two words, whose masks share the constants), then eight, the last fewer than eight
// in one word too (literals are mostly short).
func nextEscape(s string, i int) int {
	for i+16 <= len(s) {
		w := s[i : i+16]
		m0 := escapeMask(uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
			uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56)
		m1 := escapeMask(uint64(w[8]) | uint64(w[9])<<8 | uint64(w[10])<<16 | uint64(w[11])<<24 |
			uint64(w[12])<<32 | uint64(w[13])<<40 | uint64(w[14])<<48 | uint64(w[15])<<56)
		if m0|m1 != 0 {
			if m0 != 0 {
				return i + bits.TrailingZeros64(m0)>>3
			}
			return i + 8 + bits.TrailingZeros64(m1)>>3
		}
		i += 16
	}
	if i+8 <= len(s) {
		w := s[i : i+8]
		if m := escapeMask(uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
			uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56); m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
		i += 8
	}
	n := len(s) - i
	if n <= 0 {
		return len(s)
	}
	// The n < 8 bytes left in the low bytes of x, zeros above (flagged, then masked off).
	var x uint64
	switch {
	case len(s) >= 8:
		w := s[len(s)-8:]
		x = (uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
			uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56) >> (8 * (8 - n))
	case n >= 4:
		// 4 to 7 bytes (s is shorter than 8): two words of four, overlapping.
		lo := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24
		w := s[len(s)-4:]
		hi := uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24
		x = lo | hi<<(8*(n-4))
	default:
		for k := range n {
			x |= uint64(s[i+k]) << (8 * k)
		}
	}
	if m := escapeMask(x) & (1<<(8*n) - 1); m != 0 {
		return i + bits.TrailingZeros64(m)>>3
	}
	return len(s)
}

// escapeMask has the high bit set in the lowest byte of x (little-endian) that
// appendEscapedLiteral escapes: below 0x20, '"', '\\' or 0x7f, if there is one. Bytes above
// the lowest such byte, or above a byte 0xff, may be flagged wrongly (borrows and carries):
// only the lowest flag counts, and a wrong one only costs a look at that byte.
//
// For a byte v below 0x80, v-1 has its high bit set only where v is 0, v-0x20 only where v is
// below 0x20, and v+1 only where v is 0x7f; bytes from 0x80 on are never flagged (&^ x). A
// borrow or carry starts only at a flagged byte or at 0xff, and only moves upwards.
func escapeMask(x uint64) uint64 {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	q, bs := x^(ones*'"'), x^(ones*'\\')
	return ((q - ones) | (bs - ones) | (x - ones*0x20) | (x + ones)) &^ x & highs
}

// appendQuad writes one canonical N-Quads line.
func appendQuad(b []byte, q *Quad) []byte {
	b = appendTerm(b, q.S)
	b = append(b, ' ')
	b = appendTerm(b, q.P)
	b = append(b, ' ')
	b = appendTerm(b, q.O)
	b = append(b, ' ')
	if q.G.Kind != TermNone {
		b = appendTerm(b, q.G)
		b = append(b, ' ')
	}
	return append(b, '.', '\n')
}

// SerializeNQuads writes quads as canonical N-Quads, one line each, in the given order.
func SerializeNQuads(quads []Quad) []byte {
	var b []byte
	for i := range quads {
		b = appendQuad(b, &quads[i])
	}
	return b
}

// NQuadsError reports malformed N-Quads input.
type NQuadsError struct {
	Line int
	Msg  string
}

func (e *NQuadsError) Error() string {
	return fmt.Sprintf("jsonld: N-Quads line %d: %s", e.Line, e.Msg)
}

// ParseNQuads parses an N-Quads document (RDF 1.1 N-Quads: IRIs, blank nodes, literals with
// ECHAR/UCHAR escapes, language tags and datatypes, optional graph label, comments).
// Duplicate quads are kept; canonicalization removes them.
func ParseNQuads(data []byte) ([]Quad, error) {
	var quads []Quad
	line := 0
	for len(data) > 0 {
		line++
		var l []byte
		if i := bytes.IndexAny(data, "\n\r"); i >= 0 {
			l, data = data[:i], data[i+1:]
		} else {
			l, data = data, nil
		}
		p := &nqParser{s: l, line: line}
		p.ws()
		if p.eof() || p.peek() == '#' {
			continue
		}
		var q Quad
		var err error
		if q.S, err = p.term(); err != nil {
			return nil, err
		}
		if q.S.Kind == TermLiteral {
			return nil, p.errf("subject must be an IRI or blank node")
		}
		p.ws()
		if q.P, err = p.term(); err != nil {
			return nil, err
		}
		if q.P.Kind != TermIRI {
			return nil, p.errf("predicate must be an IRI")
		}
		p.ws()
		if q.O, err = p.term(); err != nil {
			return nil, err
		}
		p.ws()
		if !p.eof() && p.peek() != '.' {
			if q.G, err = p.term(); err != nil {
				return nil, err
			}
			if q.G.Kind == TermLiteral {
				return nil, p.errf("graph label must be an IRI or blank node")
			}
			p.ws()
		}
		if p.eof() || p.peek() != '.' {
			return nil, p.errf("expected '.'")
		}
		p.i++
		p.ws()
		if !p.eof() && p.peek() != '#' {
			return nil, p.errf("unexpected text after '.'")
		}
		quads = append(quads, q)
	}
	return quads, nil
}

type nqParser struct {
	s    []byte
	i    int
	line int
}

func (p *nqParser) eof() bool  { return p.i >= len(p.s) }
func (p *nqParser) peek() byte { return p.s[p.i] }
func (p *nqParser) ws() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t') {
		p.i++
	}
}
func (p *nqParser) errf(format string, a ...any) error {
	return &NQuadsError{Line: p.line, Msg: fmt.Sprintf(format, a...)}
}

func (p *nqParser) term() (Term, error) {
	if p.eof() {
		return Term{}, p.errf("unexpected end of line")
	}
	switch p.peek() {
	case '<':
		v, err := p.iri()
		return Term{Kind: TermIRI, Value: v}, err
	case '_':
		if p.i+1 >= len(p.s) || p.s[p.i+1] != ':' {
			return Term{}, p.errf("bad blank node")
		}
		p.i += 2
		start := p.i
		for p.i < len(p.s) {
			c := p.s[p.i]
			if c == ' ' || c == '\t' || c == '<' || c == '"' {
				break
			}
			if c == '.' && (p.i+1 >= len(p.s) || p.s[p.i+1] == ' ' || p.s[p.i+1] == '\t' || p.s[p.i+1] == '#') {
				break
			}
			p.i++
		}
		if p.i == start {
			return Term{}, p.errf("empty blank node label")
		}
		label := string(p.s[start:p.i])
		if !utf8.ValidString(label) {
			return Term{}, p.errf("blank node label is not UTF-8")
		}
		return Term{Kind: TermBlank, Value: label}, nil
	case '"':
		return p.literal()
	}
	return Term{}, p.errf("unexpected %q", p.peek())
}

func (p *nqParser) iri() (string, error) {
	p.i++ // <
	var sb strings.Builder
	for {
		if p.eof() {
			return "", p.errf("unterminated IRI")
		}
		c := p.s[p.i]
		switch {
		case c == '>':
			p.i++
			s := sb.String()
			if !utf8.ValidString(s) {
				return "", p.errf("IRI is not UTF-8")
			}
			return s, nil
		case c == '\\':
			r, err := p.uchar()
			if err != nil {
				return "", err
			}
			// An escape may not smuggle in what IRIREF forbids: it would not be an IRI, and
			// the canonical form (which writes IRIs unescaped) would not parse.
			if r <= 0x20 || strings.ContainsRune("<>\"{}|^`\\", r) {
				return "", p.errf("escaped character %q not allowed in IRI", r)
			}
			sb.WriteRune(r)
		case c <= 0x20 || c == '"' || c == '{' || c == '}' || c == '|' || c == '^' || c == '`' || c == '<':
			return "", p.errf("character %q not allowed in IRI", c)
		default:
			sb.WriteByte(c)
			p.i++
		}
	}
}

// uchar reads \uXXXX or \UXXXXXXXX at p.i.
func (p *nqParser) uchar() (rune, error) {
	if p.i+1 >= len(p.s) {
		return 0, p.errf("bad escape")
	}
	n := 0
	switch p.s[p.i+1] {
	case 'u':
		n = 4
	case 'U':
		n = 8
	default:
		return 0, p.errf("bad escape \\%c", p.s[p.i+1])
	}
	if p.i+2+n > len(p.s) {
		return 0, p.errf("short \\u escape")
	}
	v, err := strconv.ParseUint(string(p.s[p.i+2:p.i+2+n]), 16, 32)
	if err != nil || v > utf8.MaxRune || (v >= 0xD800 && v <= 0xDFFF) {
		return 0, p.errf("bad \\u escape")
	}
	p.i += 2 + n
	return rune(v), nil
}

func (p *nqParser) literal() (Term, error) {
	p.i++ // "
	var sb strings.Builder
	for {
		if p.eof() {
			return Term{}, p.errf("unterminated literal")
		}
		c := p.s[p.i]
		if c == '"' {
			p.i++
			break
		}
		if c == '\n' || c == '\r' {
			return Term{}, p.errf("raw line break in literal")
		}
		if c != '\\' {
			sb.WriteByte(c)
			p.i++
			continue
		}
		if p.i+1 >= len(p.s) {
			return Term{}, p.errf("bad escape")
		}
		e := p.s[p.i+1]
		switch e {
		case 'u', 'U':
			r, err := p.uchar()
			if err != nil {
				return Term{}, err
			}
			sb.WriteRune(r)
			continue
		case 't':
			sb.WriteByte('\t')
		case 'b':
			sb.WriteByte('\b')
		case 'n':
			sb.WriteByte('\n')
		case 'r':
			sb.WriteByte('\r')
		case 'f':
			sb.WriteByte('\f')
		case '"', '\'', '\\':
			sb.WriteByte(e)
		default:
			return Term{}, p.errf("bad escape \\%c", e)
		}
		p.i += 2
	}
	t := Term{Kind: TermLiteral, Value: sb.String(), Datatype: xsdString}
	if !utf8.ValidString(t.Value) {
		return Term{}, p.errf("literal is not UTF-8")
	}
	if !p.eof() && p.peek() == '@' {
		p.i++
		start := p.i
		for p.i < len(p.s) && (isAlnum(p.s[p.i]) || p.s[p.i] == '-') {
			p.i++
		}
		if p.i == start {
			return Term{}, p.errf("empty language tag")
		}
		t.Language = string(p.s[start:p.i])
		t.Datatype = rdfLangString
	} else if p.i+1 < len(p.s) && p.s[p.i] == '^' && p.s[p.i+1] == '^' {
		p.i += 2
		if p.eof() || p.peek() != '<' {
			return Term{}, p.errf("expected datatype IRI")
		}
		dt, err := p.iri()
		if err != nil {
			return Term{}, err
		}
		t.Datatype = dt
	}
	return t, nil
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
