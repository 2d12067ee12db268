package service

import (
	"net/url"
	"strconv"
	"strings"
	"time"
)

// LinkedInCert is what LinkedIn's "Add to profile" form is prefilled with for one award.
type LinkedInCert struct {
	Name             string    // the certification's name: the badge class name
	OrganizationID   string    // the issuer's LinkedIn organisation id (digits), or ""
	OrganizationName string    // the issuer's name, sent when it has no LinkedIn id
	Issued           time.Time // issue month and year
	Expires          time.Time // zero: the certification does not expire
	CertURL          string    // the award's public page
	CertID           string    // the award id
}

// linkedInAddToProfile is the address of LinkedIn's "Add to profile" form.
const linkedInAddToProfile = "https://www.linkedin.com/profile/add"

// LinkedInAddURL is the link that opens LinkedIn's "Add to profile" form for a certification,
// prefilled. The parameters are those of LinkedIn's "Add to Profile for Certifications"
// documentation (https://addtoprofile.linkedin.com/): startTask=CERTIFICATION_NAME, name,
// organizationId (the company page's numeric id; LinkedIn then shows its logo) or
// organizationName (free text, used only when there is no id), issueYear and issueMonth,
// expirationYear and expirationMonth (left out when the certification does not expire),
// certUrl and certId. Months are 1-12; years and months are in UTC. Values are
// query-escaped UTF-8.
func LinkedInAddURL(c LinkedInCert) string {
	q := url.Values{}
	q.Set("startTask", "CERTIFICATION_NAME")
	q.Set("name", c.Name)
	if c.OrganizationID != "" {
		q.Set("organizationId", c.OrganizationID)
	} else if c.OrganizationName != "" {
		q.Set("organizationName", c.OrganizationName)
	}
	if !c.Issued.IsZero() {
		i := c.Issued.UTC()
		q.Set("issueYear", strconv.Itoa(i.Year()))
		q.Set("issueMonth", strconv.Itoa(int(i.Month())))
	}
	if !c.Expires.IsZero() {
		e := c.Expires.UTC()
		q.Set("expirationYear", strconv.Itoa(e.Year()))
		q.Set("expirationMonth", strconv.Itoa(int(e.Month())))
	}
	if c.CertURL != "" {
		q.Set("certUrl", c.CertURL)
	}
	if c.CertID != "" {
		q.Set("certId", c.CertID)
	}
	return linkedInAddToProfile + "?" + q.Encode()
}

// Share channels: where a share link leads (the channel recorded with the event).
const (
	ChannelLinkedInProfile = "linkedin_profile"
	ChannelLinkedInPost    = "linkedin_post"
	ChannelX               = "x"
	ChannelFacebook        = "facebook"
	ChannelEmail           = "email"
)

// ShareChannels are the channels of the share links, in the order pages show them.
var ShareChannels = []string{ChannelLinkedInProfile, ChannelLinkedInPost, ChannelX, ChannelFacebook, ChannelEmail}

// ShareTarget is the address a share link of the given channel leads to for an award whose
// public page is pageURL, titled title (the badge name); ok is false for a channel that is not
// one. The target is built here only, never from a request, so the share redirect cannot be
// turned into an open redirect. The linkedin_profile channel is LinkedInAddURL's (built by
// the caller, who has the award's dates and issuer).
func ShareTarget(channel, pageURL, title string) (string, bool) {
	switch channel {
	case ChannelLinkedInPost:
		return "https://www.linkedin.com/sharing/share-offsite/?" + url.Values{"url": {pageURL}}.Encode(), true
	case ChannelX:
		return "https://twitter.com/intent/tweet?" + url.Values{"text": {title}, "url": {pageURL}}.Encode(), true
	case ChannelFacebook:
		return "https://www.facebook.com/sharer/sharer.php?" + url.Values{"u": {pageURL}}.Encode(), true
	case ChannelEmail:
		// mailto: RFC 6068 wants %20 for spaces, not '+'.
		q := "subject=" + mailtoEscape(title) + "&body=" + mailtoEscape(title+"\n"+pageURL)
		return "mailto:?" + q, true
	}
	return "", false
}

func mailtoEscape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}
