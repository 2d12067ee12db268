package links

import "net/url"

// EmailVerify is the link of an address-verification email: opening it verifies the address
// on the account that added it.
func (u URLs) EmailVerify(token string) string {
	return u.Base + "/account/emails/verify/" + url.PathEscape(token)
}
