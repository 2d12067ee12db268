package web

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/badgeimage"
)

// alignmentRows is how many alignment rows the form shows beyond those filled in, and how
// many "Add more alignments" adds; maxAlignmentRows caps the rows a form may ask for.
const (
	alignmentRows    = 3
	maxAlignmentRows = 50
)

// maxImageUpload is the most bytes read of an uploaded image: one more than the largest
// image badgeimage accepts, so that too large is told apart from the limit.
const maxImageUpload = badgeimage.MaxPNGBytes + 1

// badgeForm is what the badge class form shows and sends, kept as typed so that a refused
// form shows it again (all but the file).
type badgeForm struct {
	Name, Description, CriteriaNarrative, CriteriaURL string
	Tags                                              string // comma separated
	Alignments                                        []badge.Alignment
	AchievementType, Level, Credits, Language         string
	ExpiryKind, ExpiryDate, ExpiryCount, ExpiryUnit   string
}

// formOf fills the form from stored fields, with empty alignment rows to add more.
func formOf(f badge.BadgeClassFields) badgeForm {
	bf := badgeForm{Name: f.Name, Description: f.Description, CriteriaNarrative: f.CriteriaNarrative,
		CriteriaURL: f.CriteriaURL, Tags: strings.Join(f.Tags, ", "), AchievementType: f.AchievementType,
		Level: f.Level, Credits: f.Credits, Language: f.Language, ExpiryKind: string(f.Expiry.Kind),
		ExpiryDate: f.Expiry.Date, ExpiryUnit: f.Expiry.Unit}
	if f.Expiry.Count != 0 {
		bf.ExpiryCount = strconv.Itoa(f.Expiry.Count)
	}
	if bf.ExpiryUnit == "" {
		bf.ExpiryUnit = "years"
	}
	bf.Alignments = append(append([]badge.Alignment(nil), f.Alignments...), make([]badge.Alignment, alignmentRows)...)
	return bf
}

// badgeFormFrom reads the posted form (multipart, already parsed). The alignment rows are
// align_name_N, align_url_N, align_framework_N and align_code_N for N below align_rows.
func badgeFormFrom(r *http.Request) badgeForm {
	v := r.PostFormValue
	bf := badgeForm{Name: v("name"), Description: v("description"), CriteriaNarrative: v("criteria_narrative"),
		CriteriaURL: v("criteria_url"), Tags: v("tags"), AchievementType: v("achievement_type"), Level: v("level"),
		Credits: v("credits"), Language: v("language"), ExpiryKind: v("expiry_kind"), ExpiryDate: v("expiry_date"),
		ExpiryCount: v("expiry_count"), ExpiryUnit: v("expiry_unit")}
	rows, _ := strconv.Atoi(v("align_rows"))
	rows = min(max(rows, 0), maxAlignmentRows)
	for i := range rows {
		n := strconv.Itoa(i)
		bf.Alignments = append(bf.Alignments, badge.Alignment{Name: v("align_name_" + n), URL: v("align_url_" + n),
			Framework: v("align_framework_" + n), Code: v("align_code_" + n)})
	}
	return bf
}

// fields is the form as badge class fields: empty alignment rows are dropped, and only the
// chosen expiry kind's values are kept.
func (bf badgeForm) fields() badge.BadgeClassFields {
	f := badge.BadgeClassFields{Name: bf.Name, Description: bf.Description, CriteriaNarrative: bf.CriteriaNarrative,
		CriteriaURL: bf.CriteriaURL, Tags: strings.Split(bf.Tags, ","), AchievementType: bf.AchievementType,
		Level: bf.Level, Credits: bf.Credits, Language: bf.Language}
	for _, a := range bf.Alignments {
		if strings.TrimSpace(a.Name+a.URL+a.Framework+a.Code) != "" {
			f.Alignments = append(f.Alignments, a)
		}
	}
	switch badge.ExpiryKind(bf.ExpiryKind) {
	case badge.ExpiryFixed:
		f.Expiry = badge.Expiry{Kind: badge.ExpiryFixed, Date: bf.ExpiryDate}
	case badge.ExpiryDuration:
		n, err := strconv.Atoi(strings.TrimSpace(bf.ExpiryCount))
		if err != nil {
			n = -1 // refused by Normalize with the field's message
		}
		f.Expiry = badge.Expiry{Kind: badge.ExpiryDuration, Count: n, Unit: bf.ExpiryUnit}
	case badge.ExpiryNone:
	default:
		f.Expiry = badge.Expiry{Kind: badge.ExpiryKind(bf.ExpiryKind)}
	}
	return f
}

// withMoreRows returns the form with alignmentRows more empty rows (at most maxAlignmentRows).
func (bf badgeForm) withMoreRows() badgeForm {
	for range alignmentRows {
		if len(bf.Alignments) < maxAlignmentRows {
			bf.Alignments = append(bf.Alignments, badge.Alignment{})
		}
	}
	return bf
}

// parseBadgeUpload parses the multipart form and returns the uploaded image: nil when no
// file was chosen; an Invalid FieldError on "image" when it is larger than any accepted image.
func parseBadgeUpload(r *http.Request, field string) ([]byte, error) {
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, err
		}
		if errors.Is(err, http.ErrNotMultipart) {
			if err := r.ParseForm(); err != nil {
				return nil, badge.E(badge.Invalid, "The form could not be read.", err)
			}
			return nil, nil
		}
		return nil, badge.E(badge.Invalid, "The form could not be read.", err)
	}
	file, hdr, err := r.FormFile(field)
	if errors.Is(err, http.ErrMissingFile) {
		return nil, nil
	}
	if err != nil {
		return nil, badge.E(badge.Invalid, "The uploaded file could not be read.", err)
	}
	defer file.Close()
	if hdr.Size == 0 && hdr.Filename == "" {
		return nil, nil
	}
	b, err := io.ReadAll(io.LimitReader(file, maxImageUpload+1))
	if err != nil {
		return nil, badge.E(badge.Invalid, "The uploaded file could not be read.", err)
	}
	if len(b) > maxImageUpload {
		return nil, badge.FieldError(badge.Invalid, field, "The image is too large (PNG at most 2 MiB, SVG at most 512 KiB).", nil)
	}
	return b, nil
}

// achievementTypes are the choices of the achievement type select (OB 3.0 terms; "" none).
var achievementTypes = []string{"", "Achievement", "ApprenticeshipCertificate", "Assessment", "Assignment",
	"AssociateDegree", "Award", "Badge", "BachelorDegree", "Certificate", "CertificateOfCompletion", "Certification",
	"CommunityService", "Competency", "Course", "CoCurricular", "Degree", "Diploma", "DoctoralDegree", "Fieldwork",
	"GeneralEducationDevelopment", "JourneymanCertificate", "LearningProgram", "License", "Membership",
	"ProfessionalDoctorate", "QualityAssuranceCredential", "MasterCertificate", "MasterDegree", "MicroCredential",
	"ResearchDoctorate", "SecondarySchoolDiploma"}
