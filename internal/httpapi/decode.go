package httpapi

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"reflect"
	"strings"

	"github.com/rosettebadges/rosette/internal/badge"
)

// decodeJSON decodes a request body into v: exactly one JSON object, no unknown members, no
// trailing data. Problems are 400 invalid_request errors naming the member when there is one.
func decodeJSON(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return badRequest("", "The request body is empty; send a JSON object.")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return badRequest("", "The request body must hold exactly one JSON object.")
	}
	return nil
}

// jsonError turns a decoding error into a clear invalid_request.
func jsonError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return badRequest("", fmt.Sprintf("The request body is not valid JSON (at byte %d).", syn.Offset))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("", "The request body is not valid JSON (it ends too early).")
	case errors.As(err, &typ):
		if typ.Field == "" {
			return badRequest("", "The request body must be a JSON object.")
		}
		return badRequest(typ.Field, fmt.Sprintf("Member %q must be %s, not %s.", typ.Field, jsonKind(typ.Type), typ.Value))
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name = strings.Trim(name, `"`)
		return badRequest(name, fmt.Sprintf("Unknown member %q: it is not part of this request (see /api/v1/openapi.json).", name))
	}
	return badRequest("", "The request body could not be read as JSON: "+err.Error())
}

// jsonKind names the JSON form of a Go type, for error messages.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int64, reflect.Int32, reflect.Uint, reflect.Uint64, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	case reflect.Pointer:
		return jsonKind(t.Elem())
	}
	return "another type"
}

// mergePatch applies a JSON merge patch (RFC 7396, top level: each member given replaces the
// current one, null clears it) to current and decodes the result into out, which must have
// the type of current. The patch itself is checked like any body (unknown members, types).
func mergePatch(current any, patch []byte, out any) error {
	probe := reflect.New(reflect.TypeOf(out).Elem()).Interface()
	if err := decodeJSON(patch, probe); err != nil {
		return err
	}
	var p map[string]json.RawMessage
	if err := json.Unmarshal(patch, &p); err != nil {
		return jsonError(err)
	}
	cb, err := json.Marshal(current)
	if err != nil {
		return err
	}
	var merged map[string]json.RawMessage
	if err := json.Unmarshal(cb, &merged); err != nil {
		return err
	}
	for k, v := range p {
		if string(bytes.TrimSpace(v)) == "null" {
			delete(merged, k)
			continue
		}
		merged[k] = v
	}
	mb, err := json.Marshal(merged)
	if err != nil {
		return err
	}
	return decodeJSON(mb, out)
}

// decodeDataURI returns the bytes of an image given as a data: URI, base64
// ("data:image/png;base64,...") or percent-encoded ("data:image/svg+xml,%3Csvg..."). Only
// image/png and image/svg+xml are accepted, and the bytes must match the type. The error is
// an Invalid FieldError on field.
func decodeDataURI(field, s string) ([]byte, error) {
	bad := func(msg string) error { return badge.FieldError(badge.Invalid, field, msg, nil) }
	rest, ok := strings.CutPrefix(s, "data:")
	if !ok {
		return nil, bad("The image must be a data: URI, like data:image/png;base64,iVBOR...")
	}
	meta, data, ok := strings.Cut(rest, ",")
	if !ok {
		return nil, bad("The data: URI has no comma before its data.")
	}
	parts := strings.Split(meta, ";")
	mediaType := strings.ToLower(strings.TrimSpace(parts[0]))
	isBase64 := false
	for _, p := range parts[1:] {
		if strings.EqualFold(strings.TrimSpace(p), "base64") {
			isBase64 = true
		}
	}
	if mediaType != "image/png" && mediaType != "image/svg+xml" {
		return nil, bad("The image must be image/png or image/svg+xml.")
	}
	var b []byte
	var err error
	if isBase64 {
		data = strings.TrimRight(data, "=")
		if b, err = base64.RawStdEncoding.DecodeString(data); err != nil {
			b, err = base64.RawURLEncoding.DecodeString(data)
		}
		if err != nil {
			return nil, bad("The image's base64 data is not valid.")
		}
	} else {
		s, err := url.PathUnescape(data)
		if err != nil {
			return nil, bad("The image's percent-encoded data is not valid.")
		}
		b = []byte(s)
	}
	if len(b) == 0 {
		return nil, bad("The image is empty.")
	}
	if png := bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")); png != (mediaType == "image/png") {
		return nil, bad("The image's bytes do not match its media type " + mediaType + ".")
	}
	return b, nil
}
