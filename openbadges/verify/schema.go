package verify

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/rosettebadges/rosette/openbadges/ob3"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
)

// refuseLoader keeps schema compilation off the network: a fetched credentialSchema may
// only reference itself (and the built-in meta-schemas).
type refuseLoader struct{}

func (refuseLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("schema references %s, which is not fetched", url)
}

// validateWithSchema validates the credential raw against the JSON Schema document schema
// fetched from url (a 1EdTechJsonSchemaValidator2019 credentialSchema; draft 2019-09 unless
// the schema says otherwise).
func validateWithSchema(url string, schema, raw []byte) error {
	sdoc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schema))
	if err != nil {
		return fmt.Errorf("the schema at %s is not JSON: %v", url, err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2019)
	c.UseLoader(refuseLoader{})
	if err := c.AddResource(url, sdoc); err != nil {
		return fmt.Errorf("the schema at %s cannot be used: %v", url, err)
	}
	s, err := c.Compile(url)
	if err != nil {
		return fmt.Errorf("the schema at %s cannot be used: %v", url, err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return err
	}
	if err := s.Validate(inst); err != nil {
		var ve *jsonschema.ValidationError
		if errors.As(err, &ve) {
			return errors.New(ve.Error())
		}
		return err
	}
	return nil
}

// credentialSchemaCheck validates an OB 3.0 credential against the embedded 1EdTech JSON
// Schema (openbadges/ob3), as the 1EdTech validator's JsonSchemasProbe does:
//
//   - the canonical schema first; if it fails only where a compacted JSON-LD form is used
//     that the spec's json-ld/* schemas accept (a single value instead of an array for type,
//     proof, credentialSchema and termsOfUse, OPEN-BADGES.md 2.1 and P4; an image given by its
//     IRI alone, 1EdTech openbadges-specification#608), the result is a warning;
//   - a VCDM 1.1 credential is checked in its VCDM 2.0 form (issuanceDate and
//     expirationDate read as validFrom and validUntil, the v1 context as v2): the published
//     schemas are VCDM 2.0 only and the "any" schemas that accept both are not public.
func credentialSchemaCheck(sv *ob3.SchemaValidator, kind, vcdm string, raw []byte) (warn string, err error) {
	validate := sv.ValidateCredential
	if kind == "EndorsementCredential" {
		validate = sv.ValidateEndorsement
	}
	var doc any
	o, err := decodeObject(raw)
	if err != nil {
		return "", err
	}
	note := ""
	if vcdm == "1.1" {
		o = asVCDM2(o)
		note = "checked in its VCDM 2.0 form; "
		raw = marshal(o)
	}
	doc = o
	first := validate(raw)
	if first == nil {
		return "", nil
	}
	verr := first
	var extended []string
	for range 8 {
		var ve *jsonschema.ValidationError
		if !errors.As(verr, &ve) {
			break
		}
		var fixed bool
		doc, fixed = compactionFixes(doc, ve, &extended)
		if !fixed {
			break
		}
		if verr = validate(marshal(doc)); verr == nil {
			if len(extended) > 0 {
				note += "uses " + strings.Join(extended, ", ") + ", outside the OB 3.0 vocabulary (extensions should be written ext:Term); "
			}
			return note + "accepted in its JSON-LD compacted form; the canonical schema says: " + schemaError(first), nil
		}
	}
	return "", errors.New(note + schemaError(first))
}

func schemaError(err error) string {
	var ve *jsonschema.ValidationError
	if errors.As(err, &ve) {
		return ve.Error()
	}
	return err.Error()
}

// compactedArrays are the members the spec's json-ld/* schemas allow as a single value, and
// identifier, which JSON-LD compaction also leaves single (1EdTech openbadges-specification#563).
var compactedArrays = map[string]bool{"type": true, "proof": true, "credentialSchema": true, "termsOfUse": true, "identifier": true}

// extensibleVocabularies are the OB 3.0 members whose values come from an extensible
// enumeration (EnumExt in the data model): the schema wants a listed term or "ext:Term".
// A plain term outside the list ("Program") is a conformance slip, not a forgery: the badge
// is still authentic, so it is reported as a warning, not made invalid.
var extensibleVocabularies = map[string]bool{
	"achievementType": true, "identityType": true, "targetType": true,
	"identifierType": true, "resultType": true,
}

// vocabularyTerm matches the term part the schema allows after "ext:".
var vocabularyTerm = regexp.MustCompile(`^[A-Za-z0-9.\-_]+$`)

// compactionFixes rewrites, in doc, every place the schema error says holds a compacted
// JSON-LD form: a single value where an array is wanted for the members above, or an image
// IRI where an Image object is wanted; and a plain term in an extensible vocabulary, which it
// prefixes with "ext:" and records in extended. It reports whether it changed anything.
func compactionFixes(doc any, ve *jsonschema.ValidationError, extended *[]string) (any, bool) {
	fixed := false
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if n := len(e.InstanceLocation); n > 0 && extensibleVocabularies[e.InstanceLocation[n-1]] {
			member := e.InstanceLocation[n-1]
			setAt(doc, e.InstanceLocation, func(v any) any {
				t, ok := v.(string)
				if !ok || strings.HasPrefix(t, "ext:") || !vocabularyTerm.MatchString(t) {
					return v
				}
				*extended = append(*extended, fmt.Sprintf("%s %q", member, t))
				fixed = true
				return "ext:" + t
			})
		}
		if k, ok := e.ErrorKind.(*kind.Type); ok && len(e.InstanceLocation) > 0 {
			last := e.InstanceLocation[len(e.InstanceLocation)-1]
			switch {
			case compactedArrays[last] && slices.Contains(k.Want, "array") && k.Got != "array" && k.Got != "null":
				fixed = setAt(doc, e.InstanceLocation, func(v any) any { return []any{v} }) || fixed
			case last == "image" && k.Got == "string" && slices.Contains(k.Want, "object"):
				fixed = setAt(doc, e.InstanceLocation, func(v any) any { return map[string]any{"id": v, "type": "Image"} }) || fixed
			}
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	return doc, fixed
}

// setAt replaces the value at the JSON pointer path (already split) with f(value).
func setAt(doc any, path []string, f func(any) any) bool {
	cur := doc
	for i, p := range path {
		lastStep := i == len(path)-1
		switch c := cur.(type) {
		case map[string]any:
			v, ok := c[p]
			if !ok {
				return false
			}
			if lastStep {
				c[p] = f(v)
				return true
			}
			cur = v
		case []any:
			n, err := strconv.Atoi(p)
			if err != nil || n < 0 || n >= len(c) {
				return false
			}
			if lastStep {
				c[n] = f(c[n])
				return true
			}
			cur = c[n]
		default:
			return false
		}
	}
	return false
}

// asVCDM2 returns a shallow copy of a VCDM 1.1 credential in VCDM 2.0 terms.
func asVCDM2(o object) object {
	c := make(object, len(o))
	for k, v := range o {
		switch k {
		case "issuanceDate":
			c["validFrom"] = v
		case "expirationDate":
			c["validUntil"] = v
		case "@context":
			cs := append([]any(nil), list(v)...)
			if len(cs) > 0 && cs[0] == ctxVC1 {
				cs[0] = ctxVC2
			}
			c[k] = cs
		default:
			c[k] = v
		}
	}
	return c
}
