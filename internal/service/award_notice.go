package service

import "github.com/rosettebadges/rosette/internal/badge"

// AwardNotice is what the notification of an award says: the award, its issuer, the badge
// and the links to the award and to claim it.
type AwardNotice struct {
	Award            *badge.Award
	Issuer           *badge.Issuer
	BadgeName        string
	BadgeDescription string
	BadgeImageURL    string
	AwardURL         string
	ClaimURL         string
}
