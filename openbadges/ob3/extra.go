package ob3

import (
	"encoding/json"

	"github.com/rosettebadges/rosette/openbadges/internal/jsonmodel"
)

// Extra holds the members of a JSON object that the model does not name, with their
// original bytes. They are written back on marshal, after the known members (sorted).
type Extra map[string]json.RawMessage

func decodeWithExtra(b []byte, plain any, what string) (Extra, error) {
	return jsonmodel.DecodeWithExtra(b, plain, what)
}

func encodeWithExtra(plain any, extra Extra) ([]byte, error) {
	return jsonmodel.EncodeWithExtra(plain, extra)
}

func oneOrMany[T any](b []byte, what string) ([]T, error) {
	return jsonmodel.OneOrMany[T](b, what)
}
