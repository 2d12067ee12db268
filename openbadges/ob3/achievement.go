package ob3

// Achievement is what the credential's subject achieved: a badge, course, competency...
type Achievement struct {
	ID                string                      `json:"id"`
	Type              Strings                     `json:"type"`
	Alignment         List[Alignment]             `json:"alignment,omitempty"`
	AchievementType   string                      `json:"achievementType,omitempty"`
	Creator           *Profile                    `json:"creator,omitempty"`
	CreditsAvailable  *float64                    `json:"creditsAvailable,omitempty"`
	Criteria          *Criteria                   `json:"criteria,omitempty"`
	Description       string                      `json:"description,omitempty"`
	Endorsement       List[EndorsementCredential] `json:"endorsement,omitempty"`
	EndorsementJwt    Strings                     `json:"endorsementJwt,omitempty"`
	FieldOfStudy      string                      `json:"fieldOfStudy,omitempty"`
	HumanCode         string                      `json:"humanCode,omitempty"`
	Image             *Image                      `json:"image,omitempty"`
	InLanguage        string                      `json:"inLanguage,omitempty"`
	Name              string                      `json:"name,omitempty"`
	OtherIdentifier   List[IdentifierEntry]       `json:"otherIdentifier,omitempty"`
	Related           List[Related]               `json:"related,omitempty"`
	ResultDescription List[ResultDescription]     `json:"resultDescription,omitempty"`
	Specialization    string                      `json:"specialization,omitempty"`
	Tag               Strings                     `json:"tag,omitempty"`
	Version           string                      `json:"version,omitempty"`
	Extra             Extra                       `json:"-"`
}

func (a *Achievement) UnmarshalJSON(b []byte) error {
	type plain Achievement
	extra, err := decodeWithExtra(b, (*plain)(a), achievementFields, "achievement")
	a.Extra = extra
	return err
}

func (a Achievement) MarshalJSON() ([]byte, error) {
	type plain Achievement
	return encodeWithExtra(plain(a), a.Extra)
}

// Criteria says how the achievement is earned: a page (ID) and/or a Markdown narrative.
type Criteria struct {
	ID        string `json:"id,omitempty"`
	Narrative string `json:"narrative,omitempty"`
	Extra     Extra  `json:"-"`
}

func (c *Criteria) UnmarshalJSON(b []byte) error {
	type plain Criteria
	extra, err := decodeWithExtra(b, (*plain)(c), criteriaFields, "criteria")
	c.Extra = extra
	return err
}

func (c Criteria) MarshalJSON() ([]byte, error) {
	type plain Criteria
	return encodeWithExtra(plain(c), c.Extra)
}

// Alignment links an achievement or result to a framework node (schema.org AlignmentObject).
type Alignment struct {
	Type              Strings `json:"type"`
	TargetCode        string  `json:"targetCode,omitempty"`
	TargetDescription string  `json:"targetDescription,omitempty"`
	TargetName        string  `json:"targetName"`
	TargetFramework   string  `json:"targetFramework,omitempty"`
	TargetType        string  `json:"targetType,omitempty"`
	TargetURL         string  `json:"targetUrl"`
	Extra             Extra   `json:"-"`
}

func (a *Alignment) UnmarshalJSON(b []byte) error {
	type plain Alignment
	extra, err := decodeWithExtra(b, (*plain)(a), alignmentFields, "alignment")
	a.Extra = extra
	return err
}

func (a Alignment) MarshalJSON() ([]byte, error) {
	type plain Alignment
	return encodeWithExtra(plain(a), a.Extra)
}

// Related names another version of the achievement (e.g. in another language).
type Related struct {
	ID         string  `json:"id"`
	Type       Strings `json:"type"`
	InLanguage string  `json:"inLanguage,omitempty"`
	Version    string  `json:"version,omitempty"`
	Extra      Extra   `json:"-"`
}

func (r *Related) UnmarshalJSON(b []byte) error {
	type plain Related
	extra, err := decodeWithExtra(b, (*plain)(r), relatedFields, "related")
	r.Extra = extra
	return err
}

func (r Related) MarshalJSON() ([]byte, error) {
	type plain Related
	return encodeWithExtra(plain(r), r.Extra)
}

// ResultDescription describes a possible result of the achievement.
type ResultDescription struct {
	ID                   string                     `json:"id"`
	Type                 Strings                    `json:"type"`
	Alignment            List[Alignment]            `json:"alignment,omitempty"`
	AllowedValue         Strings                    `json:"allowedValue,omitempty"`
	Name                 string                     `json:"name"`
	RequiredLevel        string                     `json:"requiredLevel,omitempty"`
	RequiredValue        string                     `json:"requiredValue,omitempty"`
	ResultType           string                     `json:"resultType"`
	RubricCriterionLevel List[RubricCriterionLevel] `json:"rubricCriterionLevel,omitempty"`
	ValueMax             string                     `json:"valueMax,omitempty"`
	ValueMin             string                     `json:"valueMin,omitempty"`
	Extra                Extra                      `json:"-"`
}

func (r *ResultDescription) UnmarshalJSON(b []byte) error {
	type plain ResultDescription
	extra, err := decodeWithExtra(b, (*plain)(r), resultDescriptionFields, "resultDescription")
	r.Extra = extra
	return err
}

func (r ResultDescription) MarshalJSON() ([]byte, error) {
	type plain ResultDescription
	return encodeWithExtra(plain(r), r.Extra)
}

// RubricCriterionLevel is one level of a rubric criterion.
type RubricCriterionLevel struct {
	ID          string          `json:"id"`
	Type        Strings         `json:"type"`
	Alignment   List[Alignment] `json:"alignment,omitempty"`
	Description string          `json:"description,omitempty"`
	Level       string          `json:"level,omitempty"`
	Name        string          `json:"name"`
	Points      string          `json:"points,omitempty"`
	Extra       Extra           `json:"-"`
}

func (r *RubricCriterionLevel) UnmarshalJSON(b []byte) error {
	type plain RubricCriterionLevel
	extra, err := decodeWithExtra(b, (*plain)(r), rubricCriterionLevelFields, "rubricCriterionLevel")
	r.Extra = extra
	return err
}

func (r RubricCriterionLevel) MarshalJSON() ([]byte, error) {
	type plain RubricCriterionLevel
	return encodeWithExtra(plain(r), r.Extra)
}
