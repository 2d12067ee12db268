package verify

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Context URLs.
const (
	ctxVC2      = "https://www.w3.org/ns/credentials/v2"
	ctxVC1      = "https://www.w3.org/2018/credentials/v1"
	ctxOB303    = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
	ctxOBExt    = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
	ctxCLR201   = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"
	typeJSONSV  = "1EdTechJsonSchemaValidator2019"
	typeRevList = "1EdTechRevocationList"
	typeRefresh = "1EdTechCredentialRefresh"
)

var (
	obContext  = regexp.MustCompile(`^https://purl\.imsglobal\.org/spec/ob/v3p0/context(-3\.\d+\.\d+)?\.json$`)
	clrContext = regexp.MustCompile(`^https://purl\.imsglobal\.org/spec/clr/v2p0/context(-2\.\d+\.\d+)?\.json$`)
)

// jwtInfo carries what a VC-JWT envelope established about the credential inside it.
type jwtInfo struct {
	verified error // nil when the JWT signature and claims verified
	// unverifiable is true when the failure was about getting the key, not the signature.
	unverifiable bool
	method       string
}

// credKind classifies a credential by its types.
func credKind(o object) (kind, version string) {
	switch {
	case hasType(o, "ClrCredential"):
		return "ClrCredential", "2.0"
	case hasType(o, "EndorsementCredential"):
		return "EndorsementCredential", "3.0"
	case hasType(o, "AchievementCredential", "OpenBadgeCredential"):
		return "AchievementCredential", "3.0"
	}
	return "VerifiableCredential", ""
}

func contexts(o object) []any { return list(o["@context"]) }

func vcdm(o object) string {
	c := contexts(o)
	if len(c) == 0 {
		return ""
	}
	switch c[0] {
	case ctxVC2:
		return "2.0"
	case ctxVC1:
		return "1.1"
	}
	return ""
}

// credential verifies a W3C verifiable credential (OB 3.0, CLR 2.0, an endorsement, or a
// plain VC). raw are the bytes the proof covers; jwt is set when it came in a VC-JWT.
func (r *run) credential(ctx context.Context, raw []byte, o object, format string, jwt *jwtInfo) *Report {
	return r.credentialOnce(ctx, raw, o, format, jwt, false)
}

func (r *run) credentialOnce(ctx context.Context, raw []byte, o object, format string, jwt *jwtInfo, refreshed bool) *Report {
	rep := &Report{Format: format, Credential: raw}
	rep.Kind, rep.Version = credKind(o)
	rep.VCDM = vcdm(o)
	if rep.Version == "" {
		rep.Version = rep.VCDM
	}
	rep.Display = displayVC(o)
	ob := rep.Kind != "VerifiableCredential"

	if !r.checkJSONLD(ctx, rep, o) || !r.checkContexts(rep, o, ob) || !r.checkTypes(rep, o) {
		return rep
	}
	if ob {
		r.checkSchema(ctx, rep, o, raw)
	}
	r.checkSubject(rep, o, ob)
	issuerID := r.checkIssuer(rep, o, ob)
	proofOK := r.checkProof(ctx, rep, raw, o, issuerID, jwt)
	if proofOK && !refreshed {
		if nrep := r.refresh(ctx, rep, o, format); nrep != nil {
			return nrep
		}
	}
	r.checkStatus(ctx, rep, o)
	r.checkDates(rep, o)
	r.checkRecipient(rep, o)
	r.endorsements(ctx, rep, o)
	if rep.Kind == "ClrCredential" {
		r.clrCredentials(ctx, rep, o)
	}
	return rep
}

// checkJSONLD runs the credential through the JSON-LD processor in safe mode: a term that
// does not expand, a relative type or id is invalid (a signature would not cover it); a
// context the processor does not have makes the badge unverifiable.
func (r *run) checkJSONLD(ctx context.Context, rep *Report, o object) bool {
	const name = "JSON-LD"
	p := r.v.deps.processor
	if p == nil {
		rep.fail(name, Unverifiable, "This verifier has no JSON-LD processor, so the badge cannot be checked.", "Options.Processor is nil")
		return false
	}
	if _, err := p.Canonicalize(ctx, o); err != nil {
		if ctx.Err() != nil {
			rep.fail(name, Unverifiable, "Verification was interrupted.", ctx.Err().Error())
			return false
		}
		if isSafeModeError(err) {
			rep.fail(name, Invalid, "Some properties of this badge are not defined by the vocabularies it declares, so a signature cannot cover them.", err.Error())
			return false
		}
		if isContextLoadError(err) {
			rep.fail(name, Unverifiable, "This badge uses a vocabulary (JSON-LD context) this verifier does not know, so it cannot be checked.", err.Error())
			return false
		}
		rep.fail(name, Invalid, "This badge is not well-formed linked data (JSON-LD).", err.Error())
		return false
	}
	rep.pass(name, "Every property of the badge is defined by the vocabularies it declares.")
	return true
}

func (r *run) checkContexts(rep *Report, o object, ob bool) bool {
	const name = "Contexts"
	cs := contexts(o)
	if len(cs) == 0 {
		rep.fail(name, Invalid, "The badge does not say which vocabularies it uses (@context is missing).", "")
		return false
	}
	first, _ := cs[0].(string)
	if first != ctxVC2 && first != ctxVC1 {
		rep.failf(name, Invalid, "The badge does not start with the Verifiable Credentials vocabulary.", "@context[0] is %v, want %s or %s", cs[0], ctxVC2, ctxVC1)
		return false
	}
	if !ob {
		rep.pass(name, "The badge declares the Verifiable Credentials vocabulary first.")
		return true
	}
	var want *regexp.Regexp
	var current string
	pos := 1
	if rep.Kind == "ClrCredential" {
		want, current = clrContext, ctxCLR201
	} else {
		want, current = obContext, ctxOB303
	}
	if len(cs) <= pos {
		rep.failf(name, Invalid, "The badge does not declare the Open Badges vocabulary right after the Verifiable Credentials one.", "@context has %d entries", len(cs))
		return false
	}
	second, _ := cs[pos].(string)
	if !want.MatchString(second) {
		rep.failf(name, Invalid, "The badge does not declare the Open Badges vocabulary right after the Verifiable Credentials one.", "@context[1] is %v, want %s", cs[pos], current)
		return false
	}
	if rep.Kind == "ClrCredential" && !slices.ContainsFunc(cs, func(c any) bool { s, _ := c.(string); return obContext.MatchString(s) }) {
		rep.failf(name, Invalid, "The record does not declare the Open Badges vocabulary.", "@context has no OB 3.0 context")
		return false
	}
	if second != current {
		rep.warn(name, "The badge uses an older version of the Open Badges vocabulary. It still works.", fmt.Sprintf("@context[1] is %s; the current one is %s", second, current))
		return true
	}
	rep.pass(name, "The badge declares the right vocabularies in the right order.")
	return true
}

func (r *run) checkTypes(rep *Report, o object) bool {
	const name = "Type"
	if !hasType(o, "VerifiableCredential") {
		rep.failf(name, Invalid, "The document does not say it is a verifiable credential.", "type %v lacks VerifiableCredential", types(o))
		return false
	}
	switch rep.Kind {
	case "AchievementCredential":
		rep.pass(name, "It is an Open Badge 3.0 credential.")
	case "EndorsementCredential":
		rep.pass(name, "It is an Open Badges 3.0 endorsement.")
	case "ClrCredential":
		rep.pass(name, "It is a Comprehensive Learner Record (CLR 2.0).")
	default:
		rep.pass(name, "It is a verifiable credential (not an Open Badge).")
	}
	return true
}

func (r *run) checkSubject(rep *Report, o object, ob bool) {
	const name = "Recipient data"
	subs := list(o["credentialSubject"])
	if len(subs) == 0 {
		rep.fail(name, Invalid, "The badge does not say who it was awarded to (credentialSubject is missing).", "")
		return
	}
	if !ob {
		rep.pass(name, "The credential has a subject.")
		return
	}
	s, _ := subs[0].(map[string]any)
	if s == nil {
		rep.fail(name, Invalid, "The badge's recipient is not described (credentialSubject is not an object).", "")
		return
	}
	if str(s, "id") == "" && len(list(s["identifier"])) == 0 && rep.Kind != "EndorsementCredential" {
		// The spec's verification section asks for one of the two, but the data model makes
		// both optional and the 1EdTech validator does not enforce it (OPEN-BADGES.md P11):
		// the badge is authentic, it just cannot be matched to a person.
		rep.warn(name, "The badge does not identify its recipient in a way that can be checked (it has neither an id nor an identifier), so it cannot be matched to a person.", "credentialSubject has no id and no identifier")
		return
	}
	if rep.Kind == "EndorsementCredential" && str(s, "id") == "" {
		rep.fail(name, Invalid, "The endorsement does not say what it endorses.", "credentialSubject.id is missing")
		return
	}
	if rep.Kind == "AchievementCredential" {
		a := obj(s, "achievement")
		if a == nil {
			rep.fail(name, Invalid, "The badge does not describe the achievement.", "credentialSubject.achievement is missing")
			return
		}
		if c := obj(a, "criteria"); c == nil || (str(c, "id") == "" && str(c, "narrative") == "") {
			rep.fail(name, Invalid, "The achievement does not say what it takes to earn it (criteria need an id or a narrative).", "")
			return
		}
	}
	switch rep.Kind {
	case "EndorsementCredential":
		rep.pass(name, "The endorsement says what it endorses.")
	case "ClrCredential":
		rep.pass(name, "The record identifies its learner.")
	default:
		rep.pass(name, "The badge identifies its recipient and what was achieved.")
	}
}

// checkIssuer returns the issuer id.
func (r *run) checkIssuer(rep *Report, o object, ob bool) string {
	const name = "Issuer"
	switch is := o["issuer"].(type) {
	case string:
		if is == "" {
			break
		}
		if ob {
			rep.warn(name, "The issuer is named only by an address, with no profile (allowed, but some tools reject it).", "issuer is a bare URI: "+is)
		} else {
			rep.pass(name, "The credential names its issuer.")
		}
		return is
	case map[string]any:
		id := str(is, "id")
		if id == "" {
			rep.fail(name, Invalid, "The issuer has no identifier.", "issuer.id is missing")
			return ""
		}
		if ob && !hasType(is, "Profile") {
			rep.failf(name, Invalid, "The issuer is not described as a profile.", "issuer.type %v lacks Profile", types(is))
			return id
		}
		rep.pass(name, "The issuer is identified ("+orDefault(str(is, "name"), id)+").")
		return id
	}
	rep.fail(name, Invalid, "The badge does not say who issued it.", "issuer is missing or not a string or object")
	return ""
}

// checkProof verifies the embedded proofs or the JWT envelope. It returns whether the
// credential is authentic.
func (r *run) checkProof(ctx context.Context, rep *Report, raw []byte, o object, issuerID string, jwt *jwtInfo) bool {
	const name = "Signature"
	if jwt != nil {
		if jwt.verified != nil {
			eff := Invalid
			msg := "The issuer's signature does not match the badge: it was changed after it was issued, or not signed by its issuer."
			if jwt.unverifiable {
				eff = Unverifiable
				msg = "The issuer's key could not be obtained, so the signature could not be checked."
			}
			rep.fail(name, eff, msg, jwt.verified.Error())
			return false
		}
		rep.add(Check{Name: name, Status: Pass, Message: "The issuer's signature (VC-JWT) matches the badge: nothing was changed after it was issued.", Detail: "VC-JWT by " + jwt.method})
		if _, ok := o["proof"]; !ok {
			return true
		}
	}
	if _, ok := o["proof"]; !ok {
		rep.fail(name, Unverifiable, "The badge carries no signature, so nothing proves who issued it or that it is unchanged.", "no proof")
		return false
	}
	results, err := r.v.deps.verifyDI(ctx, raw, issuerID)
	if err != nil {
		rep.fail(name, Invalid, "The badge's signature could not be read.", err.Error())
		return false
	}
	var details []string
	eff := Invalid
	allUnverifiable := true
	for _, res := range results {
		if res.ok {
			msg := "The issuer's signature matches the badge: nothing was changed after it was issued."
			if len(results) > 1 {
				msg += fmt.Sprintf(" (%s checked; one valid signature is enough.)", plural(len(results), "signature", "signatures"))
			}
			rep.add(Check{Name: name, Status: Pass, Message: msg, Detail: res.suite + " by " + res.method})
			for _, other := range results {
				if !other.ok {
					rep.warn("Other signature", "Another signature on the badge could not be confirmed; the valid one is enough.", other.suite+": "+other.err.Error())
				}
			}
			return true
		}
		details = append(details, res.suite+": "+res.err.Error())
		if !res.unverifiable {
			allUnverifiable = false
		}
	}
	msg := "The issuer's signature does not match the badge: it was changed after it was issued, or was not signed by its issuer."
	if allUnverifiable {
		eff = Unverifiable
		msg = "The signature could not be checked: the issuer's key could not be obtained, or the signature kind is not supported."
	}
	rep.fail(name, eff, msg, strings.Join(details, "; "))
	return false
}

// refresh follows a 1EdTechCredentialRefresh service once. It returns the refreshed report
// when the refreshed credential verifies, nil to go on with the original.
func (r *run) refresh(ctx context.Context, rep *Report, o object, format string) *Report {
	const name = "Refresh"
	rs := obj(o, "refreshService")
	if rs == nil {
		for _, v := range list(o["refreshService"]) {
			if m, ok := v.(map[string]any); ok {
				rs = m
				break
			}
		}
	}
	if rs == nil || !hasType(rs, typeRefresh) {
		return nil
	}
	u := str(rs, "id")
	resp, err := r.fetchOK(ctx, u, "application/vc+ld+json, application/ld+json, application/json")
	if err != nil {
		rep.warn(name, "The issuer offers a newer version of this badge, but it could not be downloaded; the badge as given was checked.", err.Error())
		return nil
	}
	no, err := decodeObject(resp.Body)
	if err != nil {
		rep.warn(name, "The newer version offered by the issuer is not a credential; the badge as given was checked.", err.Error())
		return nil
	}
	nrep := r.credentialOnce(ctx, resp.Body, no, format, nil, true)
	if nrep.failed(Invalid) || nrep.failed(Unverifiable) && !rep.failed(Unverifiable) {
		rep.warn(name, "The newer version offered by the issuer did not verify; the badge as given was checked.", "refreshed credential verdict: "+string(nrep.finish().Verdict))
		return nil
	}
	nrep.Checks = append([]Check{{Name: name, Status: Pass, Message: "The issuer supplied a newer version of this badge, which was checked instead.", Detail: u}}, nrep.Checks...)
	return nrep
}

func (r *run) clrCredentials(ctx context.Context, rep *Report, o object) {
	const name = "Credentials in the record"
	s, _ := list(o["credentialSubject"])[0].(map[string]any)
	vcs := list(s["verifiableCredential"])
	if len(vcs) == 0 {
		rep.skip(name, "The record holds no credentials.")
		return
	}
	if r.depth >= r.v.opts.MaxDepth {
		rep.warn(name, "The record's credentials are nested too deeply to be checked.", "")
		return
	}
	sub := &run{v: r.v, depth: r.depth + 1, fetches: r.fetches}
	worst := Valid
	for _, vc := range vcs {
		var nrep *Report
		switch x := vc.(type) {
		case map[string]any:
			nrep = sub.credential(ctx, marshal(x), x, "json", nil).finish()
		case string:
			nrep = sub.input(ctx, []byte(x), "jwt").finish()
		default:
			nrep = inputError("json", "an entry of verifiableCredential is neither an object nor a JWT").finish()
		}
		rep.Credentials = append(rep.Credentials, nrep)
		if nrep.Verdict.severity() > worst.severity() {
			worst = nrep.Verdict
		}
	}
	n := len(rep.Credentials)
	switch worst {
	case Valid:
		rep.pass(name, fmt.Sprintf("All %s in the record verified.", plural(n, "credential", "credentials")))
	case Invalid:
		rep.fail(name, Invalid, "At least one credential in the record is not valid.", "")
	default:
		rep.warn(name, "At least one credential in the record is "+worst.Text()+".", "")
	}
}
