package proof

import (
	"errors"
	"fmt"

	"github.com/rosettebadges/rosette/openbadges/internal/jsondec"
)

// The generic-form readers the tests compare with (signing and verifying decode into a
// jsondec.Tree, see decodeWithMembers).

// decodeObject decodes raw as a JSON object in the form JSON-LD processors expect
// (float64 numbers, map[string]any objects).
func decodeObject(raw []byte) (map[string]any, error) {
	v, err := jsondec.Decode(raw)
	if err != nil {
		return nil, fmt.Errorf("not a JSON object: %w", err)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, errors.New("not a JSON object")
	}
	return m, nil
}

// proofValues returns the proof member of a decoded document as a list: absent gives none,
// an object gives one, an array gives its items.
func proofValues(doc map[string]any) []any {
	return proofMemberList(doc["proof"])
}
