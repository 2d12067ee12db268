package verify

import (
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/rosettebadges/rosette/openbadges/ob3"
	"github.com/rosettebadges/rosette/openbadges/status"
)

// checkSchema validates the credential against the OB 3.0 JSON Schema and each
// 1EdTechJsonSchemaValidator2019 credentialSchema entry.
func (r *run) checkSchema(ctx context.Context, rep *Report, o object, raw []byte) {
	const name = "Schema"
	if warn, err := r.v.deps.schema(rep.Kind, rep.VCDM, raw); errors.Is(err, errNoSchema) {
		rep.skip(name, "There is no published JSON Schema for this kind of credential (CLR 2.0); its contents were checked by the other steps.")
	} else if err != nil {
		rep.fail(name, Invalid, "The badge does not follow the Open Badges 3.0 data model (JSON Schema).", err.Error())
	} else if warn != "" {
		rep.warn(name, "The badge follows the data model, though in a compacted form some tools reject.", warn)
	} else {
		rep.pass(name, "The badge follows the Open Badges 3.0 data model (JSON Schema).")
	}
	for _, cs := range list(o["credentialSchema"]) {
		m, _ := cs.(map[string]any)
		if m == nil || !hasType(m, typeJSONSV) {
			continue
		}
		const name = "Credential schema"
		u := str(m, "id")
		// The published OB 3.0 schemas are built in: no download, and no trust in a network copy.
		schema, ok := ob3.EmbeddedSchema(u)
		if !ok {
			resp, err := r.fetchOK(ctx, u, "application/schema+json, application/json")
			if err != nil {
				rep.fail(name, Unverifiable, "The schema the badge names could not be downloaded.", err.Error())
				continue
			}
			schema = resp.Body
		}
		if r.v.deps.schemaDoc == nil {
			rep.skip(name, "JSON Schema validation is not part of this build.")
			continue
		}
		if err := r.v.deps.schemaDoc(u, schema, raw); err != nil {
			rep.fail(name, Invalid, "The badge does not follow the schema it names.", err.Error())
			continue
		}
		rep.pass(name, "The badge follows the schema it names ("+u+").")
	}
}

// checkStatus checks every credentialStatus entry.
func (r *run) checkStatus(ctx context.Context, rep *Report, o object) {
	const name = "Status"
	entries := list(o["credentialStatus"])
	if len(entries) == 0 {
		rep.skip(name, "The issuer publishes no revocation status for this badge.")
		return
	}
	credID := str(o, "id")
	for _, e := range entries {
		m, _ := e.(map[string]any)
		if m == nil {
			rep.fail(name, Invalid, "The badge's status entry is malformed.", "credentialStatus entry is not an object")
			continue
		}
		switch {
		case hasType(m, typeRevList):
			r.revocationList(ctx, rep, m, credID)
		case hasType(m, "BitstringStatusListEntry", "StatusList2021Entry"):
			r.bitstringStatus(ctx, rep, m)
		default:
			rep.failf(name, Unverifiable, "The badge's status is published in a way this verifier does not know.", "credentialStatus type %v", types(m))
		}
	}
}

func (r *run) revocationList(ctx context.Context, rep *Report, entry object, credID string) {
	r.checkRevocationList(ctx, rep, "Status", str(entry, "id"), "application/json", status.ParseRevocationList, credID, "")
}

// checkRevocationList fetches the revocation list at u (a 1EdTech Revocation List or an OB 2.0
// RevocationList, as parse reads it) and reports, under the check name, whether it lists the
// badge by id (or, for OB 1.x badges, uid).
func (r *run) checkRevocationList(ctx context.Context, rep *Report, name, u, accept string, parse func([]byte) (*status.RevocationList, error), id, uid string) {
	resp, err := r.fetchOK(ctx, u, accept)
	if err != nil {
		rep.fail(name, Unverifiable, "The issuer's revocation list could not be downloaded, so we cannot tell whether the badge was revoked.", err.Error())
		return
	}
	l, err := parse(resp.Body)
	if err != nil {
		rep.fail(name, Unverifiable, "The issuer's revocation list could not be read.", err.Error())
		return
	}
	if revoked, reason := l.Lookup(id, uid); revoked {
		msg := "The issuer has revoked this badge."
		if reason != "" {
			msg += " Reason given: " + reason
		}
		rep.fail(name, Revoked, msg, u)
		return
	}
	rep.pass(name, "The issuer's revocation list does not list this badge: it has not been revoked.")
}

func (r *run) bitstringStatus(ctx context.Context, rep *Report, entry object) {
	const name = "Status"
	u := str(entry, "statusListCredential")
	purpose := str(entry, "statusPurpose")
	resp, err := r.fetchOK(ctx, u, "application/vc+ld+json, application/ld+json, application/json")
	if err != nil {
		rep.fail(name, Unverifiable, "The issuer's status list could not be downloaded, so we cannot tell whether the badge was revoked.", err.Error())
		return
	}
	lo, err := decodeObject(resp.Body)
	if err != nil {
		rep.fail(name, Unverifiable, "The issuer's status list could not be read.", err.Error())
		return
	}
	// The status list is itself a credential: its proof and validity period must hold.
	sub := &run{v: r.v, depth: r.depth + 1, fetches: r.fetches}
	lrep := &Report{}
	lissuer := idOf(lo["issuer"])
	if !hasType(lo, "BitstringStatusListCredential", "StatusList2021Credential") {
		rep.failf(name, Unverifiable, "The issuer's status list is not a status list credential, so it cannot be trusted.", "%s has type %v", u, types(lo))
		return
	}
	if !sub.checkJSONLD(ctx, lrep, lo) || !sub.checkProof(ctx, lrep, resp.Body, lo, lissuer, nil) {
		rep.fail(name, Unverifiable, "The issuer's status list does not carry a valid signature, so it cannot be trusted.", u+": "+lastDetail(lrep))
		return
	}
	sub.checkDates(lrep, lo)
	if lrep.failed(Expired) || lrep.failed(NotYetValid) || lrep.failed(Invalid) {
		rep.fail(name, Unverifiable, "The issuer's status list is outside its validity period, so it cannot be trusted.", u+": "+lastDetail(lrep))
		return
	}
	e, err := status.ParseEntry(marshal(entry))
	if err != nil {
		rep.fail(name, Invalid, "The badge's status entry is malformed.", err.Error())
		return
	}
	l, err := status.ParseListCredential(resp.Body)
	if err != nil {
		rep.fail(name, Unverifiable, "The issuer's status list could not be read.", err.Error())
		return
	}
	// Lists shorter than the 131,072-entry minimum (the DCC's have 100,000) are read, with a
	// warning: the minimum protects the holder's privacy, not the answer's correctness.
	res, err := status.Check(e, l, status.CheckOptions{AllowShortList: true})
	if err != nil {
		rep.fail(name, Unverifiable, "The issuer's status list could not be read.", err.Error())
		return
	}
	if res.ShortList {
		rep.warn("Status list size", "The issuer's status list is shorter than the standard asks, which makes it easier to tell whose badge is checked.", fmt.Sprintf("fewer than %d entries", status.MinEntries))
	}
	detail := fmt.Sprintf("%s index %d", u, e.StatusListIndex)
	if res.Message != "" {
		detail += ": " + res.Message
	}
	if !res.Set {
		rep.pass(name, "The issuer's status list (signed and current) shows the badge has not been "+purposeWord(purpose)+".")
		return
	}
	switch purpose {
	case "revocation", "suspension":
		rep.fail(name, Revoked, "The issuer has "+purposeWord(purpose)+" this badge.", detail)
	default:
		rep.warn(name, "The issuer's status list sets a status on this badge ("+purpose+").", detail)
	}
}

func purposeWord(p string) string {
	if p == "suspension" {
		return "suspended"
	}
	return "revoked"
}

func lastDetail(r *Report) string {
	for i := len(r.Checks) - 1; i >= 0; i-- {
		if r.Checks[i].Status == Fail {
			return strings.TrimSpace(r.Checks[i].Message + " " + r.Checks[i].Detail)
		}
	}
	return ""
}

// checkDates checks validFrom/validUntil (VCDM 2.0) or issuanceDate/expirationDate (1.1).
func (r *run) checkDates(rep *Report, o object) {
	const name = "Dates"
	now := r.v.opts.Now()
	fromKey, untilKey := "validFrom", "validUntil"
	if _, ok := o["validFrom"]; !ok {
		if _, ok := o["issuanceDate"]; ok {
			fromKey, untilKey = "issuanceDate", "expirationDate"
		}
	}
	if _, ok := o[untilKey]; !ok && untilKey == "validUntil" {
		if _, ok := o["expirationDate"]; ok {
			untilKey = "expirationDate"
		}
	}
	fromS, untilS := str(o, fromKey), str(o, untilKey)
	if _, has := o["validFrom"]; !has && rep.VCDM == "2.0" && rep.Kind != "VerifiableCredential" {
		rep.fail(name, Invalid, "The badge does not say from when it is valid (validFrom is required in Open Badges 3.0).", "validFrom is missing")
		return
	}
	ok := true
	if fromS == "" {
		if _, present := o[fromKey]; present || rep.VCDM == "1.1" {
			rep.fail(name, Invalid, "The badge's issue date is missing or not a date.", fromKey)
			return
		}
	}
	if fromS != "" {
		from, err := parseDateTime(fromS)
		if err != nil {
			rep.fail(name, Invalid, "The badge's issue date is not a valid date and time with a time zone.", fromKey+": "+err.Error())
			return
		}
		if now.Before(from) {
			rep.fail(name, NotYetValid, "The badge is not valid yet: it becomes valid on "+from.UTC().Format("2 January 2006 15:04 UTC")+".", fromKey+" "+fromS)
			ok = false
		}
	}
	if untilS != "" {
		until, err := parseDateTime(untilS)
		if err != nil {
			rep.fail(name, Invalid, "The badge's expiry date is not a valid date and time with a time zone.", untilKey+": "+err.Error())
			return
		}
		if fromS != "" {
			if from, _ := parseDateTime(fromS); until.Before(from) {
				rep.fail(name, Invalid, "The badge expires before it becomes valid.", fromKey+" "+fromS+", "+untilKey+" "+untilS)
				return
			}
		}
		if now.After(until) {
			rep.fail(name, Expired, "The badge expired on "+until.UTC().Format("2 January 2006 15:04 UTC")+".", untilKey+" "+untilS)
			ok = false
		}
	} else if _, present := o[untilKey]; present {
		rep.fail(name, Invalid, "The badge's expiry date is not a date.", untilKey)
		return
	}
	if ok {
		msg := "The badge is within its validity period."
		if untilS == "" {
			msg = "The badge is valid from its issue date and does not expire."
		}
		rep.pass(name, msg)
	}
}

// checkRecipient compares Options.Recipient with the credential subject.
func (r *run) checkRecipient(rep *Report, o object) {
	const name = "Recipient"
	want := r.v.opts.Recipient
	if want == "" || rep.Kind == "EndorsementCredential" || r.depth > 0 {
		return
	}
	for _, sv := range list(o["credentialSubject"]) {
		s, _ := sv.(map[string]any)
		if s == nil {
			continue
		}
		if str(s, "id") == want {
			rep.pass(name, "The badge was awarded to "+want+".")
			return
		}
		for _, iv := range list(s["identifier"]) {
			io, _ := iv.(map[string]any)
			if io == nil {
				continue
			}
			if t := r.v.opts.RecipientType; t != "" && str(io, "identityType") != t {
				continue
			}
			hashed, _ := io["hashed"].(bool)
			if identityMatches(want, str(io, "identityHash"), str(io, "salt"), hashed) {
				rep.pass(name, "The badge was awarded to "+want+".")
				return
			}
		}
	}
	rep.fail(name, Invalid, "The badge was not awarded to "+want+".", "no credentialSubject id or identifier matches")
}

// identityMatches compares a known identity with a plain or hashed one (md5$ / sha256$,
// hex in either case, over identity+salt in UTF-8).
func identityMatches(known, identity, salt string, hashed bool) bool {
	if !hashed {
		return identity == known
	}
	alg, hexsum, ok := strings.Cut(identity, "$")
	if !ok {
		return false
	}
	var sum []byte
	switch strings.ToLower(alg) {
	case "sha256":
		s := sha256.Sum256([]byte(known + salt))
		sum = s[:]
	case "md5":
		s := md5.Sum([]byte(known + salt))
		sum = s[:]
	default:
		return false
	}
	return strings.EqualFold(hex.EncodeToString(sum), hexsum)
}

// endorsements verifies every `endorsement` (embedded credential) and `endorsementJwt`
// (compact JWS) anywhere in the tree.
func (r *run) endorsements(ctx context.Context, rep *Report, o object) {
	const name = "Endorsements"
	var found []any
	var walk func(v any, top bool)
	walk = func(v any, top bool) {
		switch x := v.(type) {
		case map[string]any:
			for k, val := range x {
				switch k {
				case "endorsement", "endorsementJwt":
					found = append(found, list(val)...)
				case "credentialSubject":
					if rep.Kind == "ClrCredential" && top {
						// Embedded CLR credentials are verified on their own, with their
						// endorsements.
						if s, ok := val.(map[string]any); ok {
							for sk, sv := range s {
								if sk != "verifiableCredential" {
									walk(sv, false)
								}
							}
						}
						continue
					}
					walk(val, false)
				case "proof", "@context":
				default:
					walk(val, false)
				}
			}
		case []any:
			for _, e := range x {
				walk(e, false)
			}
		}
	}
	walk(o, true)
	if len(found) == 0 {
		return
	}
	if r.depth >= r.v.opts.MaxDepth {
		rep.warn(name, "The badge's endorsements are nested too deeply to be checked.", "")
		return
	}
	sub := &run{v: r.v, depth: r.depth + 1, fetches: r.fetches}
	bad := 0
	for _, e := range found {
		var nrep *Report
		switch x := e.(type) {
		case map[string]any:
			nrep = sub.credential(ctx, marshal(x), x, "json", nil).finish()
		case string:
			nrep = sub.input(ctx, []byte(x), "jwt").finish()
		default:
			nrep = inputError("json", "an endorsement is neither an object nor a JWT").finish()
		}
		if nrep.Kind != "EndorsementCredential" && nrep.InputError == "" {
			nrep.Checks = append(nrep.Checks, Check{Name: "Endorsement", Status: Fail, Effect: Invalid, Message: "This is not an endorsement credential."})
			nrep.finish()
		}
		if !nrep.Valid {
			bad++
		}
		rep.Endorsements = append(rep.Endorsements, nrep)
		if n := nrep.Display.IssuerName; n != "" {
			rep.Display.Endorsers = append(rep.Display.Endorsers, n)
		} else if n := nrep.Display.IssuerID; n != "" {
			rep.Display.Endorsers = append(rep.Display.Endorsers, n)
		}
	}
	if bad > 0 {
		rep.warn(name, fmt.Sprintf("%s of %d could not be confirmed. This does not change the badge itself.", plural(bad, "endorsement", "endorsements"), len(found)), "")
		return
	}
	rep.pass(name, fmt.Sprintf("%s verified.", plural(len(found), "endorsement", "endorsements")))
}
