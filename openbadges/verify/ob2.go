package verify

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// ob2Version tells OB 0.5, 1.0, 1.1 and 2.0 apart as the OB 2.0 validator does.
func ob2Version(o object) string {
	c, ok := o["@context"].(string)
	if l, isList := o["@context"].([]any); isList {
		c, ok = firstString(l)
	}
	if ok {
		switch {
		case strings.Contains(c, "v2"):
			return "2.0"
		case strings.Contains(c, "v1"):
			return "1.1"
		}
		return "2.0"
	}
	if _, ok := o["recipient"].(string); ok {
		return "0.5"
	}
	return "1.0"
}

// hostedURL is the URL an assertion is published at, if any.
func hostedURL(o object, version string) string {
	switch version {
	case "0.5":
		return ""
	case "1.0":
		if v := obj(o, "verify"); v != nil {
			return str(v, "url")
		}
		return ""
	}
	if id := str(o, "id"); isHTTPURL(id) {
		return id
	}
	return ""
}

// verificationType returns "hosted" or "signed".
func verificationType(o object) string {
	v := obj(o, "verification")
	if v == nil {
		v = obj(o, "verify")
	}
	switch t := strings.ToLower(strings.Join(types(v), " ")); {
	case strings.Contains(t, "signed"):
		return "signed"
	case strings.Contains(t, "hosted"):
		return "hosted"
	}
	return ""
}

// ob2JSON handles an OB 0.5-2.0 assertion given as JSON: only its hosted URL is trusted.
func (r *run) ob2JSON(ctx context.Context, o object, format string) *Report {
	version := ob2Version(o)
	if verificationType(o) == "signed" {
		rep := &Report{Kind: "Assertion", Version: version, Format: format, Credential: marshal(o)}
		bc, is := r.ob2Graph(ctx, rep, o) // for display
		rep.Display = displayOB2(o, bc, is)
		rep.fail("Signature", Unverifiable, "This badge says it is signed, but only its signed form (a JWS, as baked in the image) can prove it.", "a SignedBadge assertion given as plain JSON")
		return rep
	}
	u := hostedURL(o, version)
	if u == "" {
		rep := &Report{Kind: "Assertion", Version: version, Format: format, Credential: marshal(o)}
		rep.Display = displayOB2(o, obj(o, "badge"), obj(obj(o, "badge"), "issuer"))
		rep.fail("Hosted badge", Unverifiable, "The badge does not say where its issuer publishes it, so it cannot be checked with the issuer.", "no hosted verification URL found")
		return rep
	}
	rep := r.url(ctx, u, format)
	if rep.Kind == "" || rep.Kind == "unknown" || rep.Kind == "Assertion" && rep.Version == "" {
		rep.Kind, rep.Version = "Assertion", version
		if rep.Display.Name == "" {
			rep.Display = displayOB2(o, obj(o, "badge"), obj(obj(o, "badge"), "issuer"))
		}
	}
	return rep
}

// fetchJSON fetches a linked OB 2.0 node (a BadgeClass, Profile, key, revocation list).
func (r *run) fetchJSON(ctx context.Context, u string) (object, error) {
	resp, err := r.fetchOK(ctx, u, "application/ld+json, application/json")
	if err != nil {
		return nil, err
	}
	return decodeObject(resp.Body)
}

// node returns an embedded node or fetches a linked one.
func (r *run) node(ctx context.Context, v any) (object, error) {
	switch x := v.(type) {
	case map[string]any:
		return x, nil
	case string:
		if !isHTTPURL(x) {
			return nil, fmt.Errorf("%q is not an http(s) URL", x)
		}
		return r.fetchJSON(ctx, x)
	}
	return nil, fmt.Errorf("missing")
}

// ob2Hosted verifies a hosted assertion fetched from source.
func (r *run) ob2Hosted(ctx context.Context, a object, source, format string) *Report {
	version := ob2Version(a)
	rep := &Report{Kind: "Assertion", Version: version, Format: format, Source: source}
	if id := str(a, "id"); version != "1.0" && id != "" && id != source && isHTTPURL(id) {
		rep.warn("Hosted badge", "The badge was fetched from one address but names another as its own; the one it names was used.", fmt.Sprintf("fetched %s, declares %s", source, id))
		resp, err := r.fetch(ctx, id, acceptBadge)
		switch {
		case err != nil:
			rep.fail("Fetch", Unverifiable, "The badge could not be downloaded from the address it names.", err.Error())
			return rep
		case resp.StatusCode == 410:
			rep.fail("Revocation", Revoked, "The issuer has revoked this badge: its address answers \"410 Gone\".", id)
			rep.Display = displayOB2(a, nil, nil)
			return rep
		case resp.StatusCode != 200:
			rep.failf("Fetch", Unverifiable, "The badge could not be downloaded from the address it names.", "%s answered HTTP %d", id, resp.StatusCode)
			return rep
		}
		na, err := decodeObject(resp.Body)
		if err != nil {
			rep.fail("Fetch", Invalid, "The badge at the address it names is not valid JSON.", err.Error())
			return rep
		}
		a, source = na, id
		rep.Source = id
	} else {
		rep.pass("Hosted badge", "The badge was downloaded from its issuer's site.")
	}
	rep.Credential = marshal(a)
	bc, is := r.ob2Graph(ctx, rep, a)
	rep.Display = displayOB2(a, bc, is)
	if bc == nil || is == nil {
		return rep
	}
	r.ob2Data(rep, a, bc, is, version)
	if verificationType(a) == "signed" && version != "1.0" {
		rep.fail("Verification", Invalid, "The badge says it is signed, yet it was published as a hosted badge without its signature.", "verification.type SignedBadge on a hosted assertion")
	} else {
		r.ob2Scope(rep, a, is, source, version)
	}
	if rv, _ := a["revoked"].(bool); rv {
		msg := "The issuer has revoked this badge."
		if reason := str(a, "revocationReason"); reason != "" {
			msg += " Reason given: " + reason
		}
		rep.fail("Revocation", Revoked, msg, "revoked: true")
	} else {
		rep.pass("Revocation", "The issuer still publishes this badge: it has not been revoked.")
	}
	r.ob2Dates(rep, a, version)
	r.ob2Recipient(rep, a)
	r.ob2Extensions(ctx, rep, a, bc, is)
	r.ob2Endorsements(ctx, rep, a, bc, is)
	return rep
}

// ob2Graph gets the BadgeClass and the issuer Profile.
func (r *run) ob2Graph(ctx context.Context, rep *Report, a object) (bc, is object) {
	bc, err := r.node(ctx, a["badge"])
	if err != nil {
		rep.fail("Badge class", Unverifiable, "The description of the badge (its BadgeClass) could not be obtained.", "badge: "+err.Error())
		return nil, nil
	}
	is, err = r.node(ctx, bc["issuer"])
	if err != nil {
		rep.fail("Issuer", Unverifiable, "The issuer's profile could not be obtained.", "issuer: "+err.Error())
		return bc, nil
	}
	return bc, is
}

var hashedIdentity = regexp.MustCompile(`^(?i:md5|sha256)\$[0-9A-Fa-f]+$`)

// ob2Data checks the properties each class requires (OPEN-BADGES.md 1.2, 1.4 step 6).
func (r *run) ob2Data(rep *Report, a, bc, is object, version string) {
	var probs []string
	miss := func(what string, o object, keys ...string) {
		for _, k := range keys {
			if v, ok := o[k]; !ok || v == nil || v == "" {
				probs = append(probs, what+" has no "+k)
			}
		}
	}
	if version == "2.0" || version == "1.1" {
		if !hasType(a, "Assertion") {
			probs = append(probs, "the assertion's type is not Assertion")
		}
		miss("the assertion", a, "id", "recipient", "badge", "verification", "issuedOn")
	}
	if rc := obj(a, "recipient"); rc != nil {
		switch t := str(rc, "type"); t {
		case "email", "url", "telephone", "id":
		default:
			probs = append(probs, fmt.Sprintf("the recipient type %q is not email, url, telephone or id", t))
		}
		hashed, _ := rc["hashed"].(bool)
		ident := str(rc, "identity")
		if hashed != hashedIdentity.MatchString(ident) {
			probs = append(probs, "the recipient's hashed flag does not agree with its identity")
		}
		if !hashed && str(rc, "type") == "email" && !strings.Contains(ident, "@") {
			probs = append(probs, "the recipient email is not an email address")
		}
	} else if _, ok := a["recipient"].(string); !ok {
		probs = append(probs, "the assertion has no recipient")
	}
	if img := imageOf(a["image"]); strings.HasPrefix(img, "data:") {
		probs = append(probs, "the assertion's image is a data URI (it must be a link)")
	}
	miss("the badge class", bc, "name", "description", "image", "criteria", "issuer")
	if imgs, ok := bc["image"].([]any); ok && len(imgs) > 1 {
		probs = append(probs, "the badge class has a list of images")
	}
	if c, ok := bc["criteria"].(map[string]any); ok && str(c, "id") == "" && str(c, "narrative") == "" {
		probs = append(probs, "the badge class criteria have neither an id nor a narrative")
	}
	for _, img := range []string{imageOf(bc["image"]), imageOf(is["image"])} {
		if strings.HasPrefix(img, "data:") && !strings.HasPrefix(img, "data:image/png") && !strings.HasPrefix(img, "data:image/svg+xml") {
			probs = append(probs, "an image is a data URI that is neither PNG nor SVG")
		}
	}
	miss("the issuer", is, "name", "url")
	if version == "2.0" {
		miss("the issuer", is, "email")
	}
	if len(probs) > 0 {
		rep.fail("Badge data", Invalid, "The badge is missing required information or has malformed values.", strings.Join(probs, "; "))
		return
	}
	rep.pass("Badge data", "The badge, its description and its issuer's profile have all required information.")
}

// ob2Scope checks that a hosted assertion lies in its issuer's verification policy
// (startsWith, allowedOrigins, default: the issuer id's host).
func (r *run) ob2Scope(rep *Report, a, is object, source, version string) {
	const name = "Issuer's site"
	au, err := url.Parse(source)
	if err != nil {
		rep.fail(name, Invalid, "The badge's address is malformed.", err.Error())
		return
	}
	policy := obj(is, "verification")
	starts := stringList(policy["startsWith"])
	origins := stringList(policy["allowedOrigins"])
	if len(starts) > 0 {
		ok := false
		for _, p := range starts {
			if strings.HasPrefix(source, p) {
				ok = true
			}
		}
		if !ok {
			rep.failf(name, Invalid, "The badge is not published where its issuer says its badges are.", "%s does not start with any of %v", source, starts)
			return
		}
	}
	if len(origins) == 0 {
		issuerURL := str(is, "id")
		if version == "1.0" || !isHTTPURL(issuerURL) {
			issuerURL = str(is, "url")
		}
		iu, err := url.Parse(issuerURL)
		if err != nil || iu.Host == "" {
			rep.warn(name, "The issuer's profile has no web address to compare the badge's address with.", "issuer id "+str(is, "id"))
			return
		}
		origins = []string{iu.Host}
	}
	for _, o := range origins {
		if strings.EqualFold(o, au.Host) {
			rep.pass(name, "The badge is published on its issuer's site ("+au.Host+").")
			return
		}
	}
	rep.failf(name, Invalid, "The badge is not published on its issuer's site, so the issuer does not vouch for it.", "%s is not in %v", au.Host, origins)
}

func (r *run) ob2Dates(rep *Report, a object, version string) {
	const name = "Dates"
	now := r.v.opts.Now()
	issuedV := a["issuedOn"]
	if issuedV == nil {
		issuedV = a["issued_on"]
	}
	var issued, expires timeValue
	if issuedV != nil {
		issued = r.ob2Time(issuedV, version)
		if issued.err != "" {
			rep.fail(name, Invalid, "The badge's issue date is not a valid date and time with a time zone.", issued.err)
			return
		}
	}
	if ev, ok := a["expires"]; ok {
		expires = r.ob2Time(ev, version)
		if expires.err != "" {
			rep.fail(name, Invalid, "The badge's expiry date is not a valid date and time with a time zone.", expires.err)
			return
		}
	}
	ok := true
	if issued.set && expires.set && expires.t.Before(issued.t) {
		rep.fail(name, Invalid, "The badge expires before it was issued.", "")
		return
	}
	if issued.set && now.Before(issued.t) {
		rep.fail(name, NotYetValid, "The badge's issue date is in the future.", dateText(issuedV))
		ok = false
	}
	if expires.set && now.After(expires.t) {
		rep.fail(name, Expired, "The badge expired on "+expires.t.UTC().Format("2 January 2006 15:04 UTC")+".", dateText(a["expires"]))
		ok = false
	}
	if ok {
		if expires.set {
			rep.pass(name, "The badge is within its validity period.")
		} else {
			rep.pass(name, "The badge was issued in the past and does not expire.")
		}
	}
}

type timeValue struct {
	t   time.Time
	set bool
	err string
}

func (r *run) ob2Time(v any, version string) timeValue {
	if version == "2.0" || version == "1.1" {
		s, _ := v.(string)
		t, err := parseDateTime(s)
		if err != nil {
			return timeValue{err: err.Error()}
		}
		return timeValue{t: t, set: true}
	}
	t, ok := parseLooseDate(v)
	if !ok {
		return timeValue{err: fmt.Sprintf("%v is not a date", v)}
	}
	return timeValue{t: t, set: true}
}

func (r *run) ob2Recipient(rep *Report, a object) {
	const name = "Recipient"
	want := r.v.opts.Recipient
	if want == "" || r.depth > 0 {
		return
	}
	var identity, salt string
	var hashed bool
	switch rc := a["recipient"].(type) {
	case string: // 0.5
		identity, salt = rc, str(a, "salt")
		hashed = hashedIdentity.MatchString(rc)
	case map[string]any:
		identity, salt = str(rc, "identity"), str(rc, "salt")
		hashed, _ = rc["hashed"].(bool)
	}
	if identityMatches(want, identity, salt, hashed) {
		rep.pass(name, "The badge was awarded to "+want+".")
		return
	}
	rep.fail(name, Invalid, "The badge was not awarded to "+want+".", "the recipient identity does not match")
}
