package jsonld

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/rosettebadges/rosette/openbadges/internal/jsondec"
)

var corpusSeed = flag.Uint64("corpus-seed", 1, "seed of the generated credential corpus")

// credGen generates varied OB 3.0 credentials: random Unicode and control characters,
// numbers, dates, optional fields, nested endorsements, many (often indistinguishable) blank
// nodes, and now and then a safe-mode violation.
type credGen struct{ r *rand.Rand }

func (g credGen) n(k int) int       { return g.r.IntN(k) }
func (g credGen) p(pct int) bool    { return g.r.IntN(100) < pct }
func (g credGen) pick(s ...any) any { return s[g.r.IntN(len(s))] }

func (g credGen) str() string {
	var b strings.Builder
	n := g.n(12)
	for range n {
		switch g.n(10) {
		case 0:
			b.WriteRune(rune(g.n(0x20))) // C0 control
		case 1:
			b.WriteString(g.pick("\u007f", "\"", "\\", "\t", "\n", "\r", "\b", "\f", "\u2028").(string))
		case 2:
			b.WriteRune(rune(0x80 + g.n(0x700))) // Latin-1 and beyond
		case 3:
			b.WriteRune(rune(0x1F300 + g.n(0x200))) // emoji (surrogate pairs in JS)
		case 4:
			if g.p(50) {
				b.WriteRune(rune(0x4E00 + g.n(0x5000))) // CJK
			} else {
				b.WriteRune(rune(0xE000 + g.n(0x1FFE))) // private use .. U+FFFD: sorts differently in UTF-16
			}
		default:
			b.WriteByte(byte('a' + g.n(26)))
		}
	}
	return b.String()
}

func (g credGen) word() string {
	return fmt.Sprintf("%s%d", g.pick("alpha", "beta", "gamma", "delta"), g.n(5))
}

func (g credGen) iri() string {
	switch g.n(40) {
	case 0:
		return "urn:uuid:" + fmt.Sprintf("%08x-0000-4000-8000-%012x", g.r.Uint32(), g.r.Uint64()&0xffffffffffff)
	case 1:
		return "did:example:" + g.word()
	case 2:
		return "relative/" + g.word() // safe-mode problem
	default:
		return "https://example.org/" + g.word() + "/" + fmt.Sprint(g.n(1000))
	}
}

func (g credGen) number() any {
	switch g.n(9) {
	case 0:
		return float64(g.n(100))
	case 1:
		return -float64(g.n(1000))
	case 2:
		return g.r.Float64() * 100
	case 3:
		return math.Ldexp(g.r.Float64(), g.n(200)-100)
	case 4:
		return 1e21 * float64(1+g.n(5))
	case 5:
		return 1e-7 * float64(g.n(3))
	case 6:
		return float64(g.r.Int64N(1 << 60))
	case 7:
		return 0.5
	default:
		return float64(g.n(5)) + 0.25
	}
}

func (g credGen) date() string {
	t := time.Unix(g.r.Int64N(4e9), 0).UTC()
	switch g.n(3) {
	case 0:
		return t.Format(time.RFC3339)
	case 1:
		return t.Format("2006-01-02T15:04:05.000Z")
	default:
		return t.Format("2006-01-02T15:04:05-07:00")
	}
}

func (g credGen) text() any {
	switch g.n(8) {
	case 0:
		return map[string]any{"@value": g.str(), "@language": g.pick("en", "EN-gb", "fr", "de-CH", "zh-Hant-TW", "ar").(string)}
	case 1:
		return map[string]any{"@value": g.str(), "@direction": g.pick("ltr", "rtl").(string)}
	default:
		return g.str()
	}
}

func (g credGen) image() map[string]any {
	m := map[string]any{"id": g.iri(), "type": "Image"}
	if g.p(50) {
		m["caption"] = g.text()
	}
	return m
}

func (g credGen) profile(depth int) any {
	if g.p(20) {
		return g.iri()
	}
	m := map[string]any{"type": g.pick([]any{"Profile"}, "Profile")}
	if g.p(80) {
		m["id"] = g.iri()
	}
	if g.p(70) {
		m["name"] = g.text()
	}
	if g.p(40) {
		m["url"] = g.iri()
	}
	if g.p(30) {
		m["email"] = g.word() + "@example.org"
	}
	if g.p(30) {
		m["image"] = g.image()
	}
	if g.p(20) {
		m["address"] = map[string]any{"type": []any{"Address"}, "addressCountry": g.str(),
			"geo": map[string]any{"type": "GeoCoordinates", "latitude": g.number(), "longitude": g.number()}}
	}
	if g.p(10) && depth < 2 {
		m["parentOrg"] = g.profile(depth + 1)
	}
	return m
}

func (g credGen) achievement() map[string]any {
	m := map[string]any{"id": g.iri(), "type": []any{"Achievement"}, "name": g.text(), "description": g.text(),
		"criteria": map[string]any{"narrative": g.str()}}
	if g.p(40) {
		m["image"] = g.image()
	}
	if g.p(40) {
		var al []any
		for range 1 + g.n(4) {
			a := map[string]any{"type": []any{"Alignment"}, "targetName": g.pick("Same", g.str()), "targetUrl": "https://example.org/t"}
			if g.p(30) {
				a["targetType"] = "CFItem"
			}
			al = append(al, a)
		}
		m["alignment"] = al
	}
	if g.p(30) {
		m["creditsAvailable"] = g.number()
	}
	if g.p(30) {
		m["tag"] = []any{g.str(), g.str()}
	}
	if g.p(20) {
		m["inLanguage"] = "en"
	}
	if g.p(20) {
		m["achievementType"] = g.pick("Badge", "Certificate", "ext:Custom")
	}
	if g.p(20) {
		vals := []any{}
		for range g.n(4) {
			vals = append(vals, g.pick("A", "B", g.str()))
		}
		m["resultDescription"] = []any{map[string]any{"id": g.iri(), "type": []any{"ResultDescription"},
			"name": g.str(), "resultType": "LetterGrade", "allowedValue": vals}}
	}
	if g.p(10) {
		m["creator"] = g.profile(1)
	}
	return m
}

func (g credGen) credential(depth int) map[string]any {
	ctx := []any{"https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"}
	ext := g.p(30)
	if ext {
		ctx = append(ctx, "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json")
	}
	v1 := depth == 0 && g.p(15)
	if v1 {
		ctx = []any{"https://www.w3.org/2018/credentials/v1", g.pick("https://purl.imsglobal.org/spec/ob/v3p0/context.json", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json")}
	}
	typ := []any{"VerifiableCredential", g.pick("OpenBadgeCredential", "AchievementCredential")}
	if depth > 0 {
		typ = []any{"VerifiableCredential", "EndorsementCredential"}
	}
	m := map[string]any{"@context": ctx, "type": typ, "issuer": g.profile(0)}
	if v1 {
		m["issuanceDate"] = g.date()
	} else {
		m["validFrom"] = g.date()
	}
	if g.p(10) {
		if v1 {
			m["@context"] = append(ctx, "https://w3id.org/security/suites/ed25519-2020/v1")
			m["proof"] = map[string]any{"type": "Ed25519Signature2020", "created": g.date(), "proofPurpose": "assertionMethod",
				"verificationMethod": "did:key:z6Mk" + g.word() + "#z6Mk", "proofValue": "z" + g.word()}
		} else {
			m["proof"] = []any{map[string]any{"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "created": g.date(),
				"proofPurpose": "assertionMethod", "verificationMethod": "did:key:z6Mk" + g.word() + "#z6Mk", "proofValue": "z" + g.word()}}
		}
	}
	if g.p(90) {
		m["id"] = g.iri()
	}
	if g.p(80) {
		m["name"] = g.text()
	}
	if g.p(50) {
		m["description"] = g.text()
	}
	if g.p(30) {
		m["validUntil"] = g.date()
	}
	if g.p(20) && !v1 {
		m["awardedDate"] = g.date()
	}
	if depth > 0 {
		m["credentialSubject"] = map[string]any{"id": g.iri(), "type": []any{"EndorsementSubject"}, "endorsementComment": g.str()}
		return m
	}
	subj := map[string]any{"type": []any{"AchievementSubject"}, "achievement": g.achievement()}
	if g.p(70) {
		subj["id"] = g.iri()
	}
	if g.p(40) {
		var ids []any
		for range 1 + g.n(3) {
			ids = append(ids, map[string]any{"type": "IdentityObject", "hashed": g.p(50),
				"identityHash": g.pick("sha256$abc", g.str()), "identityType": "emailAddress", "salt": g.pick("s", g.str())})
		}
		subj["identifier"] = ids
	}
	if g.p(30) {
		var rs []any
		for range 1 + g.n(3) {
			rs = append(rs, map[string]any{"type": []any{"Result"}, "value": g.pick("A", g.str()), "status": "Completed"})
		}
		subj["result"] = rs
	}
	if g.p(20) {
		subj["creditsEarned"] = g.number()
	}
	if g.p(20) {
		subj["activityStartDate"] = g.date()
	}
	m["credentialSubject"] = subj
	if g.p(40) {
		var ev []any
		for range 1 + g.n(5) {
			e := map[string]any{"type": []any{"Evidence"}, "narrative": g.pick("same", g.str())}
			if g.p(30) {
				e["id"] = g.iri()
			}
			ev = append(ev, e)
		}
		m["evidence"] = ev
	}
	if g.p(20) {
		var es []any
		for range 1 + g.n(2) {
			es = append(es, g.credential(depth+1))
		}
		m["endorsement"] = es
	}
	if g.p(20) && ext {
		m["credentialSchema"] = []any{map[string]any{"id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json", "type": "1EdTechJsonSchemaValidator2019"}}
	}
	if g.p(5) {
		m["credentialStatus"] = map[string]any{"id": g.iri(), "type": g.pick("1EdTechRevocationList", "StatusList2021Entry", "BitstringStatusListEntry"),
			"statusListIndex": fmt.Sprint(g.n(100))}
	}
	if g.p(5) {
		m["undefinedTerm"] = g.str()
	}
	if g.p(2) {
		m["name"] = map[string]any{"@value": g.str(), "@language": "x_bad"}
	}
	if g.p(5) {
		m["type"] = append(typ, "UndefinedType")
	}
	return m
}

func (g credGen) corpus(n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = g.credential(0)
	}
	return out
}

// outcome is what a processor made of a document: canonical N-Quads, a safe-mode refusal or
// another error.
func outcome(p *Processor, doc any) (string, string) {
	out, err := p.Canonicalize(context.Background(), doc)
	var se *SafeModeError
	switch {
	case err == nil:
		return string(out), ""
	case errors.As(err, &se):
		return "", "safe mode"
	default:
		return "", "error: " + err.Error()
	}
}

// TestDifferentialFastGeneral runs the fast path and the general path on >= 10,000 generated
// credentials (1,000 with -short, 2,500 under -race) and requires the same result on each.
func TestDifferentialFastGeneral(t *testing.T) {
	n := 10000
	switch {
	case testing.Short():
		n = 1000
	case raceEnabled:
		n = 2500
	}
	g := credGen{rand.New(rand.NewPCG(*corpusSeed, 2))}
	fast, general := NewProcessor(), NewProcessor(WithGeneralPathOnly())
	var ok, refused, fell int
	for i := range n {
		doc := g.credential(0)
		if _, _, err := fast.fastToRDF(context.Background(), doc); errors.Is(err, errFallback) {
			fell++
		}
		fo, fe := outcome(fast, doc)
		go_, ge := outcome(general, doc)
		if fo != go_ || (fe == "") != (ge == "") {
			t.Fatalf("document %d (seed %d) differs:\nfast: %q %s\ngeneral: %q %s", i, *corpusSeed, fo, fe, go_, ge)
		}
		var streamed bytes.Buffer
		if err := fast.CanonicalizeTo(context.Background(), doc, &streamed); (err == nil) != (fe == "") || streamed.String() != fo {
			t.Fatalf("document %d (seed %d): CanonicalizeTo gave %q, %v; Canonicalize %q %s", i, *corpusSeed, streamed.String(), err, fo, fe)
		}
		// The same document decoded from its JSON into a Tree, as the proof package hands it.
		raw, err := json.Marshal(doc)
		if err != nil {
			t.Fatalf("document %d: %v", i, err)
		}
		tree, err := jsondec.DecodeTree(raw)
		if err != nil {
			t.Fatalf("document %d: %v", i, err)
		}
		if to, te := outcome(fast, tree); to != fo || (te == "") != (fe == "") {
			t.Fatalf("document %d (seed %d) from a Tree differs:\ntree: %q %s\nfast: %q %s", i, *corpusSeed, to, te, fo, fe)
		}
		if fe == "" {
			ok++
		} else {
			refused++
		}
	}
	t.Logf("%d documents: %d identical canonical N-Quads, %d refused by both, %d took the general path inside the fast processor", n, ok, refused, fell)
	if ok < n/3 || refused == 0 {
		t.Errorf("corpus not varied enough: %d ok, %d refused", ok, refused)
	}
}

// TestCorpusAgainstJavaScriptReference checks a smaller generated corpus against jsonld.js +
// rdf-canonize.
func TestCorpusAgainstJavaScriptReference(t *testing.T) {
	g := credGen{rand.New(rand.NewPCG(*corpusSeed, 3))}
	docs := g.corpus(300)
	cases := make([]refCase, len(docs))
	for i, d := range docs {
		cases[i] = refCase{fmt.Sprintf("generated %d", i), d}
	}
	compareWithJS(t, NewProcessor(), cases)
}
