package ob2

import (
	"bytes"
	"encoding/json"

	"github.com/rosettebadges/rosette/openbadges/internal/jsonmodel"
)

// Context is the OB 2.0 JSON-LD context URL.
const Context = "https://w3id.org/openbadges/v2"

// Extra holds the members a model does not name, with their original bytes.
type Extra map[string]json.RawMessage

func decodeWithExtra(b []byte, plain any, fields jsonmodel.Fields, what string) (Extra, error) {
	return jsonmodel.DecodeWithExtra(b, plain, fields, what)
}

func encodeWithExtra(plain any, extra Extra) ([]byte, error) {
	return jsonmodel.EncodeWithExtra(plain, extra)
}

// Strings is a one-or-many string member (type, tags, startsWith...). One value is written
// as a string, several as an array.
type Strings []string

// UnmarshalJSON accepts a string or an array of strings.
func (s *Strings) UnmarshalJSON(b []byte) error {
	list, err := jsonmodel.OneOrMany[string](b, "expected a string or an array of strings")
	*s = list
	return err
}

// MarshalJSON writes one value as a string.
func (s Strings) MarshalJSON() ([]byte, error) {
	if len(s) == 1 {
		return json.Marshal(s[0])
	}
	return json.Marshal([]string(s))
}

// Has reports whether v is one of the values.
func (s Strings) Has(v string) bool {
	for _, e := range s {
		if e == v {
			return true
		}
	}
	return false
}

// List is a one-or-many member of objects or IRIs; it is written as an array.
type List[T any] []T

// UnmarshalJSON accepts one value or an array.
func (l *List[T]) UnmarshalJSON(b []byte) error {
	list, err := jsonmodel.OneOrMany[T](b, "expected one value or an array")
	*l = list
	return err
}

// isString reports whether the JSON value b is a string (an IRI reference).
func isString(b []byte) bool {
	b = bytes.TrimSpace(b)
	return len(b) > 0 && b[0] == '"'
}

// The JSON member names of each model type, for decodeWithExtra (immutable tables).
var (
	assertionFields          = jsonmodel.FieldsOf[Assertion]()
	imageFields              = jsonmodel.FieldsOf[Image]()
	criteriaFields           = jsonmodel.FieldsOf[Criteria]()
	evidenceFields           = jsonmodel.FieldsOf[Evidence]()
	alignmentFields          = jsonmodel.FieldsOf[Alignment]()
	verificationObjectFields = jsonmodel.FieldsOf[VerificationObject]()
	cryptographicKeyFields   = jsonmodel.FieldsOf[CryptographicKey]()
	profileFields            = jsonmodel.FieldsOf[Profile]()
	badgeClassFields         = jsonmodel.FieldsOf[BadgeClass]()
	revocationListFields     = jsonmodel.FieldsOf[RevocationList]()
	endorsementFields        = jsonmodel.FieldsOf[Endorsement]()
	claimFields              = jsonmodel.FieldsOf[Claim]()
)
