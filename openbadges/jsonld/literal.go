package jsonld

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/gowebpki/jcs"
)

// nodeKey is the identity of an object under jsonld.js's node map equality: kind 't' for a
// @type value, 'i' for a node reference (v is its @id), 's', 'b' or 'n' for a string, boolean
// or number value (v is its JavaScript value, typ, lang and index its @type, lower-cased
// @language and @index); the zero nodeKey is never equal to another.
type nodeKey struct {
	kind             byte
	v, typ, lang, ix string
}

// refKeyOf is the identity of a reference to the node id.
func refKeyOf(id string) nodeKey { return nodeKey{kind: 'i', v: id} }

// typeKeyOf is the identity of the type id among a node's @type values, which the node map
// keeps apart from its properties: an rdf:type property with the same value gives a second,
// identical statement, which jsonld.js and rdf-canonize keep.
func typeKeyOf(id string) nodeKey { return nodeKey{kind: 't', v: id} }

// valueKey is the compareValues identity of a value object (zero = never equal to another).
func valueKey(m map[string]any, val any) nodeKey {
	t, _ := m["@type"].(string)
	l, _ := m["@language"].(string)
	i, _ := m["@index"].(string)
	return valueKeyOf(val, t, l, i)
}

func valueKeyOf(val any, typ, lang, index string) nodeKey {
	switch x := val.(type) {
	case string:
		return stringKeyOf(x, typ, lang, index)
	case bool:
		return boolKeyOf(x, typ, lang, index)
	case float64, json.Number:
		f, _ := toFloat(x)
		return numberKeyOf(f, typ, lang, index)
	}
	return nodeKey{} // objects, arrays, null (@json): compared by reference in JavaScript
}

// stringKeyOf, boolKeyOf and numberKeyOf are valueKeyOf for a value of each kind.
func stringKeyOf(s, typ, lang, index string) nodeKey {
	return nodeKey{kind: 's', v: s, typ: typ, lang: lowerTag(lang), ix: index}
}

func boolKeyOf(b bool, typ, lang, index string) nodeKey {
	return nodeKey{kind: 'b', v: strconv.FormatBool(b), typ: typ, lang: lowerTag(lang), ix: index}
}

func numberKeyOf(f float64, typ, lang, index string) nodeKey {
	if f == 0 {
		f = 0 // -0 === 0
	}
	return nodeKey{kind: 'n', v: strconv.FormatFloat(f, 'g', -1, 64), typ: typ, lang: lowerTag(lang), ix: index}
}

// lowerTag is strings.ToLower without its call for the empty and already lower-case tags.
func lowerTag(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' || c >= 0x80 {
			return strings.ToLower(s)
		}
	}
	return s
}

// makeLiteral is jsonld.js's _objectToRDF for a value object (rdfDirection "i18n-datatype").
func makeLiteral(val any, dt, lang string, hasLang bool, dir string) (Term, error) {
	if dt == "@json" {
		s, err := canonicalJSON(val)
		if err != nil {
			return Term{}, err
		}
		return Term{Kind: TermLiteral, Value: s, Datatype: rdfJSON}, nil
	}
	switch x := val.(type) {
	case bool:
		return boolLiteral(x, dt), nil
	case float64, json.Number:
		f, err := toFloat(x)
		if err != nil {
			return Term{}, err
		}
		return numberLiteral(f, dt), nil
	case string:
		return stringLiteral(x, dt, lang, hasLang, dir), nil
	}
	return Term{}, fmt.Errorf("%w: @value must be a scalar", ErrInvalidInput)
}

// boolLiteral, numberLiteral and stringLiteral are makeLiteral for a value of each kind
// (dt not "@json").
func boolLiteral(b bool, dt string) Term {
	return Term{Kind: TermLiteral, Value: strconv.FormatBool(b), Datatype: or(dt, xsdBoolean)}
}

func numberLiteral(f float64, dt string) Term {
	if isJSDouble(f) || dt == xsdDouble {
		return Term{Kind: TermLiteral, Value: jsDouble(f), Datatype: or(dt, xsdDouble)}
	}
	return Term{Kind: TermLiteral, Value: jsInteger(f), Datatype: or(dt, xsdInteger)}
}

func stringLiteral(x, dt, lang string, hasLang bool, dir string) Term {
	t := Term{Kind: TermLiteral}
	switch {
	case dt == xsdDouble:
		t.Value, t.Datatype = jsDouble(jsParseFloat(x)), dt
	case dir != "":
		// rdfDirection "i18n-datatype", as the eddsa-rdfc-2022 cryptosuite configures
		// jsonld.js: the language and direction go into the datatype IRI.
		t.Value, t.Datatype = x, "https://www.w3.org/ns/i18n#"+strings.ToLower(lang)+"_"+dir
	case hasLang:
		t.Value, t.Datatype, t.Language = x, or(dt, rdfLangString), strings.ToLower(lang)
	default:
		t.Value, t.Datatype = x, or(dt, xsdString)
	}
	return t
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func toFloat(v any) (float64, error) {
	switch x := v.(type) {
	case float64:
		return x, nil
	case json.Number:
		f, err := strconv.ParseFloat(string(x), 64)
		if err != nil && !math.IsInf(f, 0) {
			return 0, fmt.Errorf("%w: bad number %q", ErrInvalidInput, x)
		}
		return f, nil
	}
	return 0, fmt.Errorf("%w: not a number", ErrInvalidInput)
}

// isJSDouble mirrors jsonld.js types.isDouble: String(v) contains '.' or |v| >= 1e21.
func isJSDouble(f float64) bool {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return true
	}
	a := math.Abs(f)
	if a >= 1e21 {
		return true
	}
	if a != 0 && a < 1e-6 {
		// JavaScript prints these in exponent form: "1e-7" has no '.', "1.5e-7" has.
		return strings.IndexByte(strconv.FormatFloat(f, 'e', -1, 64), '.') >= 0
	}
	return f != math.Trunc(f)
}

// jsInteger is JavaScript's value.toFixed(0) for an integral |value| < 1e21.
func jsInteger(f float64) string {
	if f == 0 {
		return "0"
	}
	return strconv.FormatFloat(f, 'f', 0, 64)
}

// jsDouble is value.toExponential(15).replace(/(\d)0*e\+?/, '$1E').
func jsDouble(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	s := jsToExponential15(f) // d.ddddddddddddddde±XX
	e := strings.IndexByte(s, 'e')
	mant, exp := s[:e], s[e+1:]
	// Trim trailing zeros of the fraction, keeping one digit.
	end := len(mant)
	for end > 0 && mant[end-1] == '0' && mant[end-2] != '.' {
		end--
	}
	mant = mant[:end]
	n, _ := strconv.Atoi(exp)
	return mant + "E" + strconv.Itoa(n)
}

// jsToExponential15 is f.toExponential(15) up to the exponent's form: 16 significant digits.
// Go rounds an exact tie to even; JavaScript picks the larger magnitude. Ties need the exact
// decimal expansion (at most 767 significant digits for a float64).
func jsToExponential15(f float64) string {
	s := strconv.FormatFloat(f, 'e', 15, 64)
	exact := strconv.FormatFloat(f, 'e', 800, 64)
	e := strings.IndexByte(exact, 'e')
	digits := strings.TrimRight(strings.Replace(strings.TrimPrefix(exact[:e], "-"), ".", "", 1), "0")
	if len(digits) != 17 || digits[16] != '5' {
		return s // not a tie: Go's rounding is JavaScript's
	}
	// A tie: round the first 16 digits up.
	d := []byte(digits[:16])
	i := len(d) - 1
	for i >= 0 && d[i] == '9' {
		d[i] = '0'
		i--
	}
	exp, _ := strconv.Atoi(exact[e+1:])
	if i < 0 {
		d = append([]byte{'1'}, d[:15]...)
		exp++
	} else {
		d[i]++
	}
	sign := ""
	if f < 0 {
		sign = "-"
	}
	es := "+"
	if exp < 0 {
		es, exp = "-", -exp
	}
	return sign + string(d[:1]) + "." + string(d[1:]) + "e" + es + strconv.Itoa(exp)
}

// jsParseFloat mirrors JavaScript's parseFloat on a string: the longest numeric prefix after
// leading white space, NaN when there is none.
func jsParseFloat(s string) float64 {
	s = strings.TrimLeftFunc(s, isJSSpace)
	for _, inf := range []string{"Infinity", "+Infinity", "-Infinity"} {
		if strings.HasPrefix(s, inf) {
			if inf[0] == '-' {
				return math.Inf(-1)
			}
			return math.Inf(1)
		}
	}
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
		digits++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			digits++
		}
	}
	if digits == 0 {
		return math.NaN()
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		k := j
		for k < len(s) && s[k] >= '0' && s[k] <= '9' {
			k++
		}
		if k > j {
			i = k
		}
	}
	f, _ := strconv.ParseFloat(s[:i], 64)
	return f
}

// canonicalJSON is the JCS (RFC 8785) form of an @json value, as jsonld.js's
// canonicalize(value) produces.
func canonicalJSON(v any) (string, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("%w: @json value: %v", ErrInvalidInput, err)
	}
	out, err := jcs.Transform(raw)
	if err != nil {
		return "", fmt.Errorf("%w: @json value: %v", ErrInvalidInput, err)
	}
	return string(out), nil
}
