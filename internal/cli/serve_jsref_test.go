package cli

import (
	"bytes"
	"encoding/json"
	"github.com/rosettebadges/rosette/tools/jsref"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestServerCredentialsVerifyInJavaScript issues awards on a running `rosette serve` (through
// the REST API: an integrator's path), fetches each award's credential.json and the issuer's
// did.json over HTTP, and verifies every credential with the reference JavaScript stack
// (tools/jsref/verify.mjs: jsonld.js, rdf-canonize and digitalbazaar's eddsa-rdfc-2022
// cryptosuite). Each must verify, and a tampered copy of each must not.
func TestServerCredentialsVerifyInJavaScript(t *testing.T) {
	jsref.Dir(t) // skips (or fails under make test) before a server is started
	srv, token, _ := serveWithToken(t, "jsref", "issuers:write,badges:write,awards:write")
	c := &http.Client{Timeout: 30 * time.Second}
	get := func(url, accept string) []byte {
		t.Helper()
		req, err := http.NewRequest("GET", url, nil)
		if err != nil {
			t.Fatal(err)
		}
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("GET %s: %d %v\n%.300s", url, res.StatusCode, err, b)
		}
		return b
	}
	post := func(path, key, body string) map[string]any {
		t.Helper()
		req, _ := http.NewRequest("POST", srv.BaseURL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", key)
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil || res.StatusCode != 201 {
			t.Fatalf("POST %s: %d %v\n%s\nserver log:\n%s", path, res.StatusCode, err, b, srv.Logs())
		}
		return m
	}

	iss := post("/api/v1/issuers", "iss", `{"name":"Zoë's Ĳsselmeer Academy — 学院","website":"https://academy.example","email":"badges@academy.example"}`)
	svg := `data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 10 10'%3E%3Ccircle cx='5' cy='5' r='4'/%3E%3C/svg%3E`
	bc := post("/api/v1/issuers/"+iss["id"].(string)+"/badges", "bc", `{"name":"Ĳs Sailing “Level 2”","description":"Sails on the ice.\nTwo lines.",
		"criteria_narrative":"Sail **alone** across the lake.","criteria_url":"https://academy.example/criteria/ice",
		"tags":["ice","sailing"],"alignments":[{"name":"Navigation","url":"https://framework.example/nav","framework":"EQF","code":"N-2"}],
		"achievement_type":"Competency","level":"Intermediate","credits":"2.5","language":"en",
		"expiry":{"kind":"duration","count":2,"unit":"years"},"image":"`+svg+`"}`)
	batch := post("/api/v1/badges/"+bc["id"].(string)+"/awards", "aw", `{"awards":[
		{"recipient":{"identity":"ada@example.org","name":"Ada Lovelace"},"notify":false,
		 "narrative":"Sailed alone, in *fog*.","evidence":[{"url":"https://academy.example/evidence/1","name":"Log book","narrative":"Every tack recorded."}]},
		{"recipient":{"type":"url","identity":"https://grace.example/profile"},"notify":false,"issued_at":"2026-01-15T09:30:00Z","expires_at":"2027-01-15T09:30:00Z"},
		{"recipient":{"type":"did","identity":"did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK","name":"Émile Zoé"},"notify":false},
		{"recipient":{"type":"telephone","identity":"+44 20 7946 0000"},"notify":false,"evidence":[{"narrative":"Observed by the instructor."}]}
	]}`)
	awards, _ := batch["awards"].([]any)
	if len(awards) != 4 {
		t.Fatalf("batch: %v", batch)
	}
	didDoc := get(srv.BaseURL+"/issuers/"+iss["id"].(string)+"/did.json", "")
	var did struct {
		ID                 string `json:"id"`
		VerificationMethod []struct {
			ID                 string `json:"id"`
			Controller         string `json:"controller"`
			PublicKeyMultibase string `json:"publicKeyMultibase"`
		} `json:"verificationMethod"`
	}
	if err := json.Unmarshal(didDoc, &did); err != nil {
		t.Fatal(err)
	}

	var inputs []any
	var names []string
	for _, a := range awards {
		aw := a.(map[string]any)
		raw := get(aw["credential_url"].(string), "")
		var doc map[string]any
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatal(err)
		}
		proof, _ := doc["proof"].(map[string]any)
		if list, ok := doc["proof"].([]any); ok && len(list) == 1 { // OB 3.0 allows a one-proof array
			proof, _ = list[0].(map[string]any)
		}
		if proof == nil || proof["cryptosuite"] != "eddsa-rdfc-2022" {
			t.Fatalf("%s: proof %v", aw["credential_url"], doc["proof"])
		}
		vm, _ := proof["verificationMethod"].(string)
		var in map[string]any
		for _, m := range did.VerificationMethod {
			if m.ID == vm && m.PublicKeyMultibase != "" {
				in = map[string]any{"doc": json.RawMessage(raw), "publicKeyMultibase": m.PublicKeyMultibase,
					"verificationMethod": vm, "controller": m.Controller}
			}
		}
		if in == nil {
			t.Fatalf("%s: verification method %q is not a Multikey of %s:\n%s", aw["credential_url"], vm, did.ID, didDoc)
		}
		if in["controller"] != did.ID {
			t.Errorf("%s: method controller %v, DID %s", vm, in["controller"], did.ID)
		}
		// The credential content-negotiated at the award's own URL is the same document.
		if neg := get(aw["url"].(string), "application/ld+json"); !bytes.Equal(neg, raw) {
			t.Errorf("%s as application/ld+json differs from credential.json", aw["url"])
		}
		inputs = append(inputs, in)
		names = append(names, aw["credential_url"].(string))

		// A tampered copy: the achievement renamed after signing.
		forged := cloneJSON(t, doc)
		ach := forged["credentialSubject"].(map[string]any)["achievement"].(map[string]any)
		ach["name"] = ach["name"].(string) + " (with honours)"
		tin := map[string]any{}
		for k, v := range in {
			tin[k] = v
		}
		tin["doc"] = forged
		inputs = append(inputs, tin)
		names = append(names, aw["credential_url"].(string)+" (tampered)")
	}

	results := jsref.Run(t, "verify.mjs", inputs)
	for i, r := range results {
		want := i%2 == 0 // originals verify, tampered copies do not
		if r["verified"] != want {
			t.Errorf("%s: verify.mjs says %v, want verified=%v", names[i], r, want)
		}
		// A tampered copy fails on its signature, not for want of a document.
		if e, _ := r["error"].(string); !want && strings.Contains(e, "not available offline") {
			t.Errorf("%s: verify.mjs failed for another reason: %s", names[i], e)
		}
	}
	t.Logf("verify.mjs checked %d credentials and %d tampered copies (%v)", len(results)/2, len(results)/2, results[1]["error"])
}

func cloneJSON(t *testing.T, v map[string]any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}
