package ob3

import (
	"encoding/json"

	"github.com/rosettebadges/rosette/openbadges/internal/jsonmodel"
)

// Extra holds the members of a JSON object that the model does not name, with their
// original bytes. They are written back on marshal, after the known members (sorted).
type Extra map[string]json.RawMessage

func decodeWithExtra(b []byte, plain any, fields jsonmodel.Fields, what string) (Extra, error) {
	return jsonmodel.DecodeWithExtra(b, plain, fields, what)
}

func encodeWithExtra(plain any, extra Extra) ([]byte, error) {
	return jsonmodel.EncodeWithExtra(plain, extra)
}

func oneOrMany[T any](b []byte, what string) ([]T, error) {
	return jsonmodel.OneOrMany[T](b, what)
}

// The JSON member names of each model type, for decodeWithExtra (immutable tables).
var (
	achievementFields           = jsonmodel.FieldsOf[Achievement]()
	criteriaFields              = jsonmodel.FieldsOf[Criteria]()
	alignmentFields             = jsonmodel.FieldsOf[Alignment]()
	relatedFields               = jsonmodel.FieldsOf[Related]()
	resultDescriptionFields     = jsonmodel.FieldsOf[ResultDescription]()
	rubricCriterionLevelFields  = jsonmodel.FieldsOf[RubricCriterionLevel]()
	achievementCredentialFields = jsonmodel.FieldsOf[AchievementCredential]()
	endorsementCredentialFields = jsonmodel.FieldsOf[EndorsementCredential]()
	proofFields                 = jsonmodel.FieldsOf[Proof]()
	credentialSchemaFields      = jsonmodel.FieldsOf[CredentialSchema]()
	credentialStatusFields      = jsonmodel.FieldsOf[CredentialStatus]()
	refreshServiceFields        = jsonmodel.FieldsOf[RefreshService]()
	termsOfUseFields            = jsonmodel.FieldsOf[TermsOfUse]()
	profileFields               = jsonmodel.FieldsOf[Profile]()
	addressFields               = jsonmodel.FieldsOf[Address]()
	geoCoordinatesFields        = jsonmodel.FieldsOf[GeoCoordinates]()
	achievementSubjectFields    = jsonmodel.FieldsOf[AchievementSubject]()
	resultFields                = jsonmodel.FieldsOf[Result]()
	evidenceFields              = jsonmodel.FieldsOf[Evidence]()
	endorsementSubjectFields    = jsonmodel.FieldsOf[EndorsementSubject]()
	imageFields                 = jsonmodel.FieldsOf[Image]()
)
