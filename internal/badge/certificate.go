package badge

// CertificateLayout is the design of the printable PDF certificate of an issuer's awards
// (GET /awards/{id}/certificate.pdf); the issuer chooses it on its edit page.
type CertificateLayout string

// The certificate layouts.
const (
	// CertificateClassic is landscape A4 with a double border and centred text. The default.
	CertificateClassic CertificateLayout = "classic"
	// CertificateModern is portrait A4 with a coloured band, a large badge image and a
	// details panel.
	CertificateModern CertificateLayout = "modern"
)

// CertificateLayoutInfo describes a layout for the issuer form.
type CertificateLayoutInfo struct {
	Layout      CertificateLayout
	Label       string
	Description string
}

// CertificateLayouts lists the layouts, the default first.
var CertificateLayouts = []CertificateLayoutInfo{
	{CertificateClassic, "Classic", "Landscape A4 with a double border and centred text: the traditional framed certificate."},
	{CertificateModern, "Modern", "Portrait A4 with a coloured band, the badge image large and a panel with the dates and award ID."},
}

// Valid reports whether l is one of CertificateLayouts.
func (l CertificateLayout) Valid() bool {
	for _, i := range CertificateLayouts {
		if i.Layout == l {
			return true
		}
	}
	return false
}
