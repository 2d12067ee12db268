package proof

import (
	"strings"
	"testing"
)

func TestParseCompactJWS(t *testing.T) {
	ok := jwtB64.EncodeToString([]byte(`{"alg":"RS256"}`)) + "." + jwtB64.EncodeToString([]byte(`{"a":1}`)) + ".c2ln"
	p, err := parseCompactJWS(" " + ok + "\n")
	if err != nil || p.header.Alg != "RS256" || string(p.payload) != `{"a":1}` {
		t.Fatalf("parse = %+v, %v", p, err)
	}
	for name, s := range map[string]string{
		"four parts":   ok + ".x",
		"empty sig":    strings.TrimSuffix(ok, "c2ln"),
		"bad base64":   "e30!.e30.c2ln",
		"header array": jwtB64.EncodeToString([]byte(`[]`)) + ".e30.c2ln",
		"alg missing":  jwtB64.EncodeToString([]byte(`{}`)) + ".e30.c2ln",
		"alg PS256":    jwtB64.EncodeToString([]byte(`{"alg":"PS256"}`)) + ".e30.c2ln",
		"b64 false":    jwtB64.EncodeToString([]byte(`{"alg":"RS256","b64":false}`)) + ".e30.c2ln",
		"dup alg":      jwtB64.EncodeToString([]byte(`{"alg":"none","alg":"RS256"}`)) + ".e30.c2ln",
	} {
		if _, err := parseCompactJWS(s); err == nil {
			t.Errorf("%s: parsed", name)
		}
	}
}

func FuzzParseCompactJWS(f *testing.F) {
	f.Add(jwtB64.EncodeToString([]byte(`{"alg":"RS256","kid":"did:key:z6Mk#z6Mk"}`)) + "." + jwtB64.EncodeToString([]byte(`{"a":1}`)) + ".c2ln")
	f.Add("a.b.c")
	f.Fuzz(func(t *testing.T, s string) {
		p, err := parseCompactJWS(s)
		if err != nil {
			return
		}
		switch p.header.Alg {
		case "RS256", "ES256", "EdDSA":
		default:
			t.Fatalf("accepted alg %q", p.header.Alg)
		}
		if _, ok := p.raw["alg"]; !ok {
			t.Fatal("no alg member")
		}
	})
}
