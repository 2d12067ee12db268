// Package jsondec decodes JSON into the generic Go form (map[string]any, []any, string,
// float64 or json.Number, bool, nil) exactly as encoding/json's Unmarshal into an any does,
// in one pass and without reflection, or into a Tree: the same values in a flat form with
// each object's members sorted by name, which the JSON-LD fast path reads without maps. It
// owns nothing else.
//
// Every decoded string that needs no unescaping is a substring of one copy of the input, so a
// document costs one string allocation plus its maps and slices. Decoded values therefore
// keep that copy alive as long as they are referenced. A Tree decoded reusing the storage of
// another (DecodeTreeMembersReusing) copies only the text of its strings instead, unescaped,
// its repeated member names once.
package jsondec

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"strconv"
)

// maxDepth is encoding/json's nesting limit.
const maxDepth = 10000

// SyntaxError reports malformed JSON at a byte offset.
type SyntaxError struct {
	Offset int
	Msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("invalid JSON at offset %d: %s", e.Offset, e.Msg)
}

// ErrNumberRange is returned (wrapped) for a number that does not fit a float64, which
// encoding/json refuses too.
var ErrNumberRange = errors.New("number out of float64 range")

// Decode decodes data (one JSON value with optional surrounding whitespace) with numbers as
// float64, as json.Unmarshal(data, &v) with v of type any.
func Decode(data []byte) (any, error) { return decode(data, false) }

// DecodeNumbers is Decode with numbers as json.Number (json.Decoder.UseNumber: no range
// check).
func DecodeNumbers(data []byte) (any, error) { return decode(data, true) }

// DecodeObject decodes data, which must be a JSON object, with float64 numbers.
func DecodeObject(data []byte) (map[string]any, error) {
	v, err := decode(data, false)
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, errors.New("not a JSON object")
	}
	return m, nil
}

type decoder struct {
	b       []byte // the input, scanned
	s       string // a copy of b that decoded strings share (not made for a compact Tree)
	i       int
	numbers bool
	depth   int
	err     error // the first number range error; decoding goes on, as in encoding/json
	// members, when not nil, collects the members of the top-level object.
	members *[]Member
	closing int
}

// Member is one member of a top-level object: its decoded name and the byte span of its
// value (data[Start:End], without surrounding whitespace).
type Member struct {
	Key        string
	Start, End int
}

// DecodeObjectMembers is DecodeObject that also returns the members of the object in
// document order (duplicates included) and the offset of its closing brace.
func DecodeObjectMembers(data []byte) (map[string]any, []Member, int, error) {
	var members []Member
	d := &decoder{b: data, s: string(data), members: &members}
	d.space()
	if d.i >= len(d.b) || d.b[d.i] != '{' {
		return nil, nil, 0, errors.New("not a JSON object")
	}
	v, err := d.value()
	if err != nil {
		return nil, nil, 0, err
	}
	if err := d.end(); err != nil {
		return nil, nil, 0, err
	}
	return v.(map[string]any), members, d.closing, nil
}

func decode(data []byte, numbers bool) (any, error) {
	d := &decoder{b: data, s: string(data), numbers: numbers}
	d.space()
	v, err := d.value()
	if err != nil {
		return nil, err
	}
	if err := d.end(); err != nil {
		return nil, err
	}
	return v, nil
}

// end checks what follows the top-level value (only whitespace) and reports an error a value
// left for the end (see d.err).
func (d *decoder) end() error {
	d.space()
	if d.i < len(d.b) {
		return d.syntax("invalid character %q after top-level value", d.b[d.i])
	}
	return d.err
}

func (d *decoder) syntax(format string, a ...any) error {
	return &SyntaxError{Offset: d.i, Msg: fmt.Sprintf(format, a...)}
}

// whitespace has the bits 1<<c of JSON's whitespace bytes c.
const whitespace = 1<<' ' | 1<<'\t' | 1<<'\n' | 1<<'\r'

func (d *decoder) space() { d.i = skipSpace(d.b, d.i) }

// skipSpace returns the offset of the first byte of s from i on that is not whitespace.
func skipSpace[T text](s T, i int) int {
	// Pretty-printed JSON: a newline, then spaces, then a value or a bracket.
	if i < len(s)-8 && s[i] == '\n' {
		i++
		for i <= len(s)-8 {
			if x := load64(s[i:]) ^ (ones * ' '); x != 0 {
				i += bits.TrailingZeros64(x) / 8
				if s[i] > ' ' {
					return i
				}
				break
			}
			i += 8
		}
	}
	for i < len(s) {
		if c := s[i]; c > ' ' || whitespace&(1<<c) == 0 {
			break
		}
		i++
		// A run of spaces (indentation after a newline), eight bytes at a time.
		for i <= len(s)-8 {
			if x := load64(s[i:]) ^ (ones * ' '); x != 0 {
				i += bits.TrailingZeros64(x) / 8
				break
			}
			i += 8
		}
	}
	return i
}

func (d *decoder) value() (any, error) {
	if d.i >= len(d.b) {
		return nil, d.syntax("unexpected end of JSON input")
	}
	switch c := d.b[d.i]; {
	case c == '{':
		return d.object()
	case c == '[':
		return d.array()
	case c == '"':
		str, err := d.str()
		if err != nil {
			return nil, err
		}
		return str, nil
	case c == '-' || (c >= '0' && c <= '9'):
		return d.number()
	case c == 't':
		return true, d.literal("true")
	case c == 'f':
		return false, d.literal("false")
	case c == 'n':
		return nil, d.literal("null")
	default:
		return nil, d.syntax("invalid character %q looking for beginning of value", c)
	}
}

func (d *decoder) literal(word string) error {
	if len(d.b)-d.i < len(word) || string(d.b[d.i:d.i+len(word)]) != word {
		return d.syntax("invalid literal (expected %s)", word)
	}
	d.i += len(word)
	return nil
}

func (d *decoder) object() (any, error) {
	if d.depth++; d.depth > maxDepth {
		return nil, d.syntax("exceeded max depth")
	}
	d.i++ // {
	m := make(map[string]any)
	d.space()
	if d.i < len(d.b) && d.b[d.i] == '}' {
		if d.depth == 1 {
			d.closing = d.i
		}
		d.i++
		d.depth--
		return m, nil
	}
	for {
		if d.i >= len(d.b) || d.b[d.i] != '"' {
			return nil, d.syntax("expected a member name")
		}
		k, err := d.str()
		if err != nil {
			return nil, err
		}
		d.space()
		if d.i >= len(d.b) || d.b[d.i] != ':' {
			return nil, d.syntax("expected ':' after a member name")
		}
		d.i++
		d.space()
		start := d.i
		v, err := d.value()
		if err != nil {
			return nil, err
		}
		m[k] = v
		if d.members != nil && d.depth == 1 {
			*d.members = append(*d.members, Member{Key: k, Start: start, End: d.i})
		}
		d.space()
		if d.i >= len(d.b) {
			return nil, d.syntax("unexpected end of JSON input")
		}
		switch d.b[d.i] {
		case ',':
			d.i++
			d.space()
		case '}':
			if d.depth == 1 {
				d.closing = d.i
			}
			d.i++
			d.depth--
			return m, nil
		default:
			return nil, d.syntax("invalid character %q after object member", d.b[d.i])
		}
	}
}

func (d *decoder) array() (any, error) {
	if d.depth++; d.depth > maxDepth {
		return nil, d.syntax("exceeded max depth")
	}
	d.i++ // [
	a := make([]any, 0, 4)
	d.space()
	if d.i < len(d.b) && d.b[d.i] == ']' {
		d.i++
		d.depth--
		return a, nil
	}
	for {
		v, err := d.value()
		if err != nil {
			return nil, err
		}
		a = append(a, v)
		d.space()
		if d.i >= len(d.b) {
			return nil, d.syntax("unexpected end of JSON input")
		}
		switch d.b[d.i] {
		case ',':
			d.i++
			d.space()
		case ']':
			d.i++
			d.depth--
			return a, nil
		default:
			return nil, d.syntax("invalid character %q after array element", d.b[d.i])
		}
	}
}

func (d *decoder) number() (any, error) {
	start := d.i
	integer, err := d.scanNumber()
	if err != nil {
		return nil, err
	}
	if d.numbers {
		return json.Number(d.s[start:d.i]), nil // encoding/json's UseNumber does not check the range either
	}
	f, ok := d.float(d.b[start:d.i], integer)
	if !ok {
		return nil, nil
	}
	return f, nil
}

// float converts a scanned number literal as encoding/json does; a number out of range
// records the first range error in d.err and gives false.
func (d *decoder) float(lit []byte, integer bool) (float64, bool) {
	if integer && len(lit) <= 15 {
		// Exact in a float64: no rounding question, no range question.
		neg := lit[0] == '-'
		n := int64(0)
		for _, c := range lit {
			if c != '-' {
				n = n*10 + int64(c-'0')
			}
		}
		if neg {
			if n == 0 {
				return negZero(), true
			}
			return -float64(n), true
		}
		return float64(n), true
	}
	f, err := strconv.ParseFloat(string(lit), 64)
	if err != nil {
		if d.err == nil {
			d.err = fmt.Errorf("%w: %s", ErrNumberRange, lit)
		}
		return 0, false
	}
	return f, true
}

// scanNumber scans the number literal at d.i, leaving d.i just past it, and reports whether
// it is an integer (no fraction, no exponent).
func (d *decoder) scanNumber() (bool, error) {
	j := d.i
	if d.b[j] == '-' {
		j++
	}
	if j >= len(d.b) {
		d.i = j
		return false, d.syntax("unexpected end of JSON input")
	}
	integer := true
	switch c := d.b[j]; {
	case c == '0':
		j++
	case c >= '1' && c <= '9':
		for j < len(d.b) && d.b[j] >= '0' && d.b[j] <= '9' {
			j++
		}
	default:
		d.i = j
		return false, d.syntax("invalid character %q in numeric literal", c)
	}
	if j < len(d.b) && d.b[j] == '.' {
		integer = false
		j++
		k := j
		for j < len(d.b) && d.b[j] >= '0' && d.b[j] <= '9' {
			j++
		}
		if j == k {
			d.i = j
			return false, d.syntax("invalid numeric literal: no digits after the decimal point")
		}
	}
	if j < len(d.b) && (d.b[j] == 'e' || d.b[j] == 'E') {
		integer = false
		j++
		if j < len(d.b) && (d.b[j] == '+' || d.b[j] == '-') {
			j++
		}
		k := j
		for j < len(d.b) && d.b[j] >= '0' && d.b[j] <= '9' {
			j++
		}
		if j == k {
			d.i = j
			return false, d.syntax("invalid numeric literal: no digits in the exponent")
		}
	}
	d.i = j
	return integer, nil
}

func negZero() float64 { return math.Copysign(0, -1) }
