package ob3

import (
	"bytes"
	"embed"
	"fmt"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/rosettebadges/rosette/openbadges/internal/jsondec"
)

//go:embed schema/*.json
var schemaFiles embed.FS // read-only

// Schema URLs ($id of the embedded 1EdTech files, see schema/SOURCES.md).
const (
	SchemaAchievementCredential = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential-jsonschema1.json"
	SchemaEndorsementCredential = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_endorsementcredential-jsonschema1.json"
	SchemaProfile               = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_profile-jsonschema1.json"
)

// schemaNames maps the embedded schemas' URLs to their files (immutable).
var schemaNames = map[string]string{
	SchemaAchievementCredential: "schema/achievementcredential.json",
	SchemaEndorsementCredential: "schema/endorsementcredential.json",
	SchemaProfile:               "schema/profile.json",
}

// EmbeddedSchema returns the embedded copy of a published OB 3.0 JSON Schema by its URL, so
// that credentials naming it in credentialSchema are checked without a download; false for
// any other URL.
func EmbeddedSchema(url string) ([]byte, bool) {
	name, ok := schemaNames[url]
	if !ok {
		return nil, false
	}
	b, err := schemaFiles.ReadFile(name)
	return b, err == nil
}

// SchemaValidator validates JSON documents against the OB 3.0 JSON Schemas (draft 2019-09,
// formats asserted). Build one with NewSchemaValidator and reuse it; it is safe for
// concurrent use.
type SchemaValidator struct {
	credential, endorsement, profile *jsonschema.Schema
}

// NewSchemaValidator compiles the embedded schemas.
func NewSchemaValidator() (*SchemaValidator, error) {
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	for url, name := range schemaNames {
		b, err := schemaFiles.ReadFile(name)
		if err != nil {
			return nil, err
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("ob3: schema %s: %w", name, err)
		}
		if err := c.AddResource(url, doc); err != nil {
			return nil, fmt.Errorf("ob3: schema %s: %w", name, err)
		}
	}
	v := &SchemaValidator{}
	var err error
	if v.credential, err = c.Compile(SchemaAchievementCredential); err != nil {
		return nil, fmt.Errorf("ob3: %w", err)
	}
	if v.endorsement, err = c.Compile(SchemaEndorsementCredential); err != nil {
		return nil, fmt.Errorf("ob3: %w", err)
	}
	if v.profile, err = c.Compile(SchemaProfile); err != nil {
		return nil, fmt.Errorf("ob3: %w", err)
	}
	return v, nil
}

// ValidateURL validates doc against the embedded schema published at url, compiled once; it
// reports false when url is none of them (the caller then compiles the schema it fetched).
func (v *SchemaValidator) ValidateURL(url string, doc []byte) (bool, error) {
	var s *jsonschema.Schema
	switch url {
	case SchemaAchievementCredential:
		s = v.credential
	case SchemaEndorsementCredential:
		s = v.endorsement
	case SchemaProfile:
		s = v.profile
	default:
		return false, nil
	}
	return true, validate(s, doc)
}

// ValidateCredential validates an AchievementCredential's JSON. The error (a
// *jsonschema.ValidationError) lists every failing location.
func (v *SchemaValidator) ValidateCredential(doc []byte) error {
	return validate(v.credential, doc)
}

// ValidateEndorsement validates an EndorsementCredential's JSON.
func (v *SchemaValidator) ValidateEndorsement(doc []byte) error {
	return validate(v.endorsement, doc)
}

// ValidateProfile validates a Profile's JSON.
func (v *SchemaValidator) ValidateProfile(doc []byte) error {
	return validate(v.profile, doc)
}

func validate(s *jsonschema.Schema, doc []byte) error {
	// jsondec.DecodeNumbers decodes as jsonschema.UnmarshalJSON does (json.Number numbers),
	// in one pass.
	inst, err := jsondec.DecodeNumbers(doc)
	if err != nil {
		return fmt.Errorf("ob3: not JSON: %w", err)
	}
	return s.Validate(inst)
}
