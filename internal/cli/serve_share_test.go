package cli

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestServeShareEndToEnd: as `rosette serve` wires it, the earner's share panel, the LinkedIn
// link (with the issuer's LinkedIn organisation id), the embed card, oEmbed and downloads
// work, and their events reach the admin award page once written (every second).
func TestServeShareEndToEnd(t *testing.T) {
	srv, token, _ := serveWithToken(t, "share", "issuers:write,badges:write,awards:write")
	api := func(path, body string) map[string]any {
		t.Helper()
		req, _ := http.NewRequest("POST", srv.BaseURL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var m map[string]any
		json.NewDecoder(res.Body).Decode(&m)
		if res.StatusCode != 201 {
			t.Fatalf("%s: %d %v", path, res.StatusCode, m)
		}
		return m
	}
	iss := api("/api/v1/issuers", `{"name":"Acme Académie","linkedin_org":"1337"}`)
	svg := `data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 10 10'%3E%3Ccircle cx='5' cy='5' r='4'/%3E%3C/svg%3E`
	bc := api("/api/v1/issuers/"+iss["id"].(string)+"/badges", `{"name":"Safe Lifting","description":"Lifts safely.","criteria_narrative":"Lift.","image":"`+svg+`"}`)
	aw := api("/api/v1/badges/"+bc["id"].(string)+"/awards", `{"recipient":{"identity":"root@x.org","name":"Root"},"notify":false}`)
	page := aw["url"].(string)
	path := strings.TrimPrefix(page, srv.BaseURL)

	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(c *http.Client, p string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", srv.BaseURL+p, nil)
		req.Header.Set("Accept", "text/html")
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		return res, string(b)
	}
	anon := &http.Client{CheckRedirect: c.CheckRedirect}
	// Someone else views the page and follows the links.
	if res, body := get(anon, path); res.StatusCode != 200 || !strings.Contains(body, `type="application/json+oembed"`) || strings.Contains(body, "share-panel") {
		t.Fatalf("award page: %d", res.StatusCode)
	}
	res, _ := get(anon, path+"/share/linkedin_profile")
	u, _ := url.Parse(res.Header.Get("Location"))
	q := u.Query()
	if res.StatusCode != 302 || u.Host != "www.linkedin.com" || q.Get("organizationId") != "1337" || q.Get("organizationName") != "" ||
		q.Get("name") != "Safe Lifting" || q.Get("certUrl") != page || q.Get("certId") != aw["id"] || q.Get("startTask") != "CERTIFICATION_NAME" {
		t.Errorf("linkedin_profile: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if res, body := get(anon, path+"/embed"); res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Security-Policy"), "frame-ancestors *") ||
		res.Header.Get("X-Frame-Options") != "" || !strings.Contains(body, "Verified") {
		t.Errorf("embed: %d %v", res.StatusCode, res.Header)
	}
	if res, body := get(anon, "/oembed?"+url.Values{"url": {page}}.Encode()); res.StatusCode != 200 || !strings.Contains(body, `"type":"rich"`) ||
		!strings.Contains(body, `"author_name":"Acme Académie"`) {
		t.Errorf("oembed: %d %s", res.StatusCode, body)
	}
	if res, _ := get(anon, path+"/image.svg"); res.StatusCode != 200 {
		t.Errorf("image.svg: %d", res.StatusCode)
	}
	// The earner signs in: the share panel shows, and their own view is not counted.
	form := url.Values{"email": {"root@x.org"}, "password": {"correct horse battery"}}
	lr, err := c.PostForm(srv.BaseURL+"/login", form)
	if err != nil {
		t.Fatal(err)
	}
	lr.Body.Close()
	if res, body := get(c, path); res.StatusCode != 200 || !strings.Contains(body, `Share your badge`) {
		t.Fatalf("earner's award page: %d", res.StatusCode)
	}
	if res, body := get(c, "/wallet/share/"+aw["id"].(string)); res.StatusCode != 200 || !strings.Contains(body, path+"/share/linkedin_profile") {
		t.Fatalf("share page: %d", res.StatusCode)
	}
	want := []string{`<tr><td>download</td><td>svg</td><td>1</td></tr>`, `<tr><td>embed_view</td><td>embed</td><td>1</td></tr>`,
		`<tr><td>embed_view</td><td>oembed</td><td>1</td></tr>`, `<tr><td>share</td><td>linkedin_profile</td><td>1</td></tr>`,
		`<tr><td>view</td><td>—</td><td>1</td></tr>`}
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, body := get(c, "/admin/awards/"+aw["id"].(string))
		missing := ""
		for _, w := range want {
			if !strings.Contains(body, w) {
				missing = w
			}
		}
		if missing == "" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("admin award page lacks %s", missing)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if code := srv.Stop(t); code != ExitOK {
		t.Errorf("serve exit %d", code)
	}
}
