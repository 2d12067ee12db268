package ob3

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
)

// Strings is a multi-valued string member such as type: a single string is accepted on
// input, an array is always written.
type Strings []string

// UnmarshalJSON accepts a string or an array of strings.
func (s *Strings) UnmarshalJSON(b []byte) error {
	list, err := oneOrMany[string](b, "expected a string or an array of strings")
	if err != nil {
		return err
	}
	*s = list
	return nil
}

// Has reports whether v is one of the values.
func (s Strings) Has(v string) bool { return slices.Contains(s, v) }

// Image is an OB 3.0 Image. A bare URL string is accepted on input; an object with type
// "Image" is always written.
type Image struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	Caption string `json:"caption,omitempty"`
	Extra   Extra  `json:"-"`
}

// NewImage returns an Image for the URL or data URI id.
func NewImage(id string) *Image { return &Image{ID: id, Type: "Image"} }

// UnmarshalJSON accepts a string (the image URL) or an Image object.
func (im *Image) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		*im = Image{Type: "Image"}
		return json.Unmarshal(b, &im.ID)
	}
	type plain Image
	extra, err := decodeWithExtra(b, (*plain)(im), imageFields, "image")
	im.Extra = extra
	return err
}

// MarshalJSON writes the object form.
func (im Image) MarshalJSON() ([]byte, error) {
	type plain Image
	if im.Type == "" {
		im.Type = "Image"
	}
	return encodeWithExtra(plain(im), im.Extra)
}

// Context is the @context member: a single entry is accepted on input, an array is always
// written. Entries are URL strings or objects (map[string]any).
type Context []any

// UnmarshalJSON accepts a string, an object or an array of those.
func (c *Context) UnmarshalJSON(b []byte) error {
	list, err := oneOrMany[any](b, "@context")
	if err != nil {
		return err
	}
	for _, e := range list {
		switch e.(type) {
		case string, map[string]any:
		default:
			return errors.New("@context entries must be URLs or objects")
		}
	}
	*c = list
	return nil
}

// URLs returns the string entries in order.
func (c Context) URLs() []string {
	var out []string
	for _, e := range c {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}
