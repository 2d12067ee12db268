package verify

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/santhosh-tekuri/jsonschema/v6"
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
