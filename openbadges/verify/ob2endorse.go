package verify

import (
	"context"
	"fmt"
)

// ob2Endorsements verifies the OB 2.0 Endorsements of the assertion, its badge class and its
// issuer (each hosted: fetched from its id, like an assertion). They never change the
// badge's verdict; each gets its own nested report.
func (r *run) ob2Endorsements(ctx context.Context, rep *Report, nodes ...object) {
	const name = "Endorsements"
	var found []any
	for _, n := range nodes {
		found = append(found, list(n["endorsement"])...)
	}
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
		nrep := sub.ob2Endorsement(ctx, e).finish()
		if !nrep.Valid {
			bad++
		}
		rep.Endorsements = append(rep.Endorsements, nrep)
		if n := orDefault(nrep.Display.IssuerName, nrep.Display.IssuerID); n != "" {
			rep.Display.Endorsers = append(rep.Display.Endorsers, n)
		}
	}
	if bad > 0 {
		rep.warn(name, fmt.Sprintf("%s of %d could not be confirmed. This does not change the badge itself.", plural(bad, "endorsement", "endorsements"), len(found)), "")
		return
	}
	rep.pass(name, fmt.Sprintf("%s verified.", plural(len(found), "endorsement", "endorsements")))
}

// ob2Endorsement verifies one OB 2.0 Endorsement: a URL, or an embedded node trusted only
// for its hosted id.
func (r *run) ob2Endorsement(ctx context.Context, v any) *Report {
	rep := &Report{Kind: "Endorsement", Version: "2.0", Format: "url"}
	u := idOf(v)
	if !isHTTPURL(u) {
		if m, ok := v.(map[string]any); ok {
			rep.Display = displayOB2Endorsement(m, nil)
		}
		rep.fail("Hosted endorsement", Unverifiable, "The endorsement does not say where its author publishes it, so it cannot be checked.", "no hosted id")
		return rep
	}
	rep.Source = u
	resp, err := r.fetch(ctx, u, "application/ld+json, application/json")
	switch {
	case err != nil:
		rep.fail("Fetch", Unverifiable, "The endorsement could not be downloaded from its address.", err.Error())
		return rep
	case resp.StatusCode == 410:
		rep.fail("Revocation", Revoked, "The endorsement has been withdrawn: its address answers \"410 Gone\".", u)
		return rep
	case resp.StatusCode != 200:
		rep.failf("Fetch", Unverifiable, "The endorsement could not be downloaded from its address.", "%s answered HTTP %d", u, resp.StatusCode)
		return rep
	}
	e, err := decodeObject(resp.Body)
	if err != nil {
		rep.fail("Fetch", Invalid, "The endorsement at its address is not valid JSON.", err.Error())
		return rep
	}
	rep.Credential = resp.Body
	rep.pass("Hosted endorsement", "The endorsement was downloaded from its author's site.")
	is, err := r.node(ctx, e["issuer"])
	rep.Display = displayOB2Endorsement(e, is)
	if err != nil {
		rep.fail("Issuer", Unverifiable, "The endorser's profile could not be obtained.", "issuer: "+err.Error())
		return rep
	}
	var probs []string
	if !hasType(e, "Endorsement") {
		probs = append(probs, "its type is not Endorsement")
	}
	if c := obj(e, "claim"); c == nil || str(c, "id") == "" {
		probs = append(probs, "it has no claim with an id")
	}
	if str(is, "name") == "" {
		probs = append(probs, "the endorser's profile has no name")
	}
	if len(probs) > 0 {
		rep.failf("Endorsement data", Invalid, "The endorsement is missing required information.", "%v", probs)
	} else {
		rep.pass("Endorsement data", "The endorsement and its author's profile have the required information.")
	}
	r.ob2Scope(rep, e, is, u, "2.0")
	if rv, _ := e["revoked"].(bool); rv {
		rep.fail("Revocation", Revoked, "The endorsement has been withdrawn.", "revoked: true")
	}
	r.ob2Dates(rep, e, "2.0")
	return rep
}

func displayOB2Endorsement(e, is object) Display {
	d := Display{Name: "Endorsement", Issued: dateText(e["issuedOn"])}
	if c := obj(e, "claim"); c != nil {
		d.Description = str(c, "endorsementComment")
		d.Recipient = str(c, "id")
	}
	if is != nil {
		d.IssuerID, d.IssuerName, d.IssuerURL = str(is, "id"), str(is, "name"), str(is, "url")
	} else {
		d.IssuerID = idOf(e["issuer"])
	}
	return d
}
