package service

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gowebpki/jcs"
	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/openbadges/bake"
	"github.com/rosettebadges/rosette/openbadges/verify"
)

// itemFromReport builds the item (credential, image, format, key, summary) of an input from
// the verifier's report on it: the verifier told what the input is (format, kind), and which
// document it verified. Input that is no Open Badge is an Invalid error.
func itemFromReport(in WalletInput, rep *verify.Report) (*WalletItem, error) {
	if rep.InputError != "" {
		return nil, badge.Errorf(badge.Invalid, "This is not a badge that can be read: %s.", rep.InputError)
	}
	var family string
	switch rep.Kind {
	case "Assertion":
		family = "ob2"
	case "AchievementCredential":
		family = "ob3"
	case "", "unknown":
		if in.URL != "" || rep.Format == "url" {
			return nil, badge.E(badge.Unavailable, "The badge could not be downloaded from "+orURL(rep.Source, in.URL)+": "+firstFailure(rep), nil)
		}
		return nil, badge.Errorf(badge.Invalid, "This is not an Open Badge: %s", firstFailure(rep))
	default:
		return nil, badge.Errorf(badge.Invalid, "This is a %s, not an Open Badge: a wallet holds Open Badges 2.0 assertions and 3.0 achievement credentials.", rep.Kind)
	}
	item := &WalletItem{}
	format := rep.Format
	switch {
	case in.URL != "" || format == "url":
		// Fetched by the verifier: the document it verified (as the signed token when it came
		// as one), and where it came from.
		item.Credential = rep.Credential
		if rep.Token != "" {
			item.Credential = []byte(rep.Token)
		}
		item.SourceURL = orURL(rep.Source, strings.TrimSpace(firstNonEmpty(in.URL, string(in.Data))))
	case strings.HasPrefix(format, "png") || strings.HasPrefix(format, "svg"):
		item.Image = in.Data
		item.ImageType = "image/png"
		if strings.HasPrefix(format, "svg") {
			item.ImageType = "image/svg+xml"
		}
		b, err := bake.Unbake(in.Data)
		if err != nil { // the verifier read it, so this does not happen
			return nil, badge.E(badge.Invalid, "No badge could be read from this image.", err)
		}
		if strings.HasSuffix(format, "+url") { // a hosted OB 2.0 assertion: the fetched one
			item.Credential = rep.Credential
			item.SourceURL = strings.TrimSpace(string(b.Payload))
		} else {
			item.Credential = bytes.TrimSpace(b.Payload)
		}
	default:
		item.Credential = bytes.TrimSpace(in.Data)
	}
	if len(item.Credential) == 0 {
		// A hosted badge whose assertion could not be fetched: nothing to hold.
		return nil, badge.E(badge.Unavailable, "The badge could not be downloaded from its issuer: "+firstFailure(rep), nil)
	}
	if item.Credential[0] == '{' {
		item.Format = family + "-json"
	} else if family == "ob3" {
		item.Format = "ob3-jwt"
	} else {
		item.Format = "ob2-jws"
	}
	item.CredentialKey = credentialKeyOf(family, rep.Credential, item.Credential)
	d := rep.Display
	item.Name, item.Description = clip(d.Name, 500), clip(d.Description, 10000)
	item.IssuerName, item.IssuerURL = clip(d.IssuerName, 500), httpURLOrEmpty(d.IssuerURL)
	if len(d.Image) <= maxWalletImageURL && (isHTTP(d.Image) || strings.HasPrefix(d.Image, "data:image/")) {
		item.ImageURL = d.Image
	}
	item.IssuedAt, item.ExpiresAt = parseBadgeTime(d.Issued), parseBadgeTime(d.Expires)
	return item, nil
}

// CredentialKey is the wallet's equality key of a credential with an id (OB 3.0 API, Hosts:
// two credentials are the same if issuer.id and id are equal after percent-unescaping and
// trimming whitespace). Award items of this installation use it with the award credential's
// issuer id and id, so that importing one's own award finds the award item.
func CredentialKey(issuerID, credentialID string) string {
	return "id:" + hashHex(normalizeID(issuerID)+"\n"+normalizeID(credentialID))
}

// contentKey is the key of a credential without an id: the SHA-256 of its canonical bytes
// (JCS for JSON; the bytes as given otherwise).
func contentKey(b []byte) string {
	if c, err := jcs.Transform(b); err == nil {
		b = c
	}
	return "sha256:" + hashHex(string(b))
}

// ob2Key is the key of an OB 2.0 assertion: its id (an assertion's id is its hosted URL, or
// a urn:uuid, unique by itself; its issuer is only known by fetching its badge class).
func ob2Key(id string) string { return "ob2:" + hashHex(normalizeID(id)) }

func hashHex(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func normalizeID(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		s = u
	}
	return strings.TrimSpace(s)
}

// credentialKeyOf computes the key from the verified document (doc: JSON) or, failing that,
// from the held bytes.
func credentialKeyOf(family string, doc, held []byte) string {
	var o struct {
		ID     string          `json:"id"`
		Issuer json.RawMessage `json:"issuer"`
	}
	if len(doc) == 0 && len(held) > 0 && held[0] == '{' {
		doc = held // a hosted assertion whose issuer could not be reached: its id still counts
	}
	if len(doc) == 0 || json.Unmarshal(doc, &o) != nil {
		return contentKey(held)
	}
	if family == "ob2" {
		if strings.TrimSpace(o.ID) != "" {
			return ob2Key(o.ID)
		}
		return contentKey(doc)
	}
	var issuer string
	if json.Unmarshal(o.Issuer, &issuer) != nil {
		var io struct {
			ID string `json:"id"`
		}
		json.Unmarshal(o.Issuer, &io)
		issuer = io.ID
	}
	if strings.TrimSpace(o.ID) != "" && strings.TrimSpace(issuer) != "" {
		return CredentialKey(issuer, o.ID)
	}
	return contentKey(doc)
}

// parseBadgeTime reads a date as badges write them: RFC 3339 (with or without fraction or
// zone), a bare date, or (OB 1.x) Unix seconds. Unreadable: the zero time.
func parseBadgeTime(s string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02T15:04:05Z0700", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC().Truncate(time.Microsecond)
		}
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 && n < 1<<40 {
		return time.Unix(n, 0).UTC()
	}
	return time.Time{}
}

// firstFailure is the message of the report's first failed check, for an error.
func firstFailure(rep *verify.Report) string {
	for _, c := range rep.Checks {
		if c.Status == verify.Fail {
			if c.Detail != "" {
				return c.Message + " (" + c.Detail + ")"
			}
			return c.Message
		}
	}
	return "it could not be read as a badge."
}

func orURL(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func isHTTP(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

func httpURLOrEmpty(s string) string {
	if len(s) <= maxWalletURL && isHTTP(s) {
		return s
	}
	return ""
}

// clip cuts s to at most n bytes, on a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }
