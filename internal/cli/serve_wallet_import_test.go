package cli

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
)

// TestServeWalletImportOutbound checks the wiring of wallet imports in `rosette serve`: a
// badge given by URL is fetched through the outbound client, which refuses loopback
// addresses unless --fetch-allow-private is given (nothing is stored then).
func TestServeWalletImportOutbound(t *testing.T) {
	var revoked atomic.Bool
	other := harbourPlatform(t, &revoked)
	assertion := other.URL + "/assertions/1.json"
	for _, tc := range []struct {
		name   string
		args   []string
		status int
		want   string
	}{
		{"refused by default", nil, http.StatusServiceUnavailable, "address not allowed"},
		{"allowed with --fetch-allow-private", []string{"--fetch-allow-private"}, http.StatusSeeOther, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := bootServe(t, true, append([]string{"--addr", "127.0.0.1:0", "--data-dir", t.TempDir(), "--workers", "0"}, tc.args...)...)
			c := browserlessClient(t)
			post := func(path string, form url.Values) (*http.Response, string) {
				t.Helper()
				resp, err := c.PostForm(srv.BaseURL+path, form)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				return resp, string(b)
			}
			u, _ := url.Parse(srv.SetupLink)
			if resp, body := post("/setup", url.Values{"token": {u.Query().Get("token")}, "name": {"Erin"}, "email": {"erin@example.org"},
				"password": {"a long enough password"}, "password_confirm": {"a long enough password"}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("setup = %d\n%s", resp.StatusCode, body)
			}
			resp, body := post("/wallet/import", url.Values{"url": {assertion}})
			if resp.StatusCode != tc.status || !strings.Contains(body, tc.want) {
				t.Fatalf("import = %d, want %d with %q\n%s", resp.StatusCode, tc.status, tc.want, body)
			}
			if tc.status == http.StatusSeeOther {
				loc := resp.Header.Get("Location")
				r, err := c.Get(srv.BaseURL + loc)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(r.Body)
				r.Body.Close()
				if !strings.HasPrefix(loc, "/wallet/items/") || !strings.Contains(string(b), "Harbour Pilot") {
					t.Errorf("item page %q = %d", loc, r.StatusCode)
				}
			}
			if logs := srv.Logs(); strings.Contains(logs, "Harbour") || strings.Contains(logs, "assertions/1.json") {
				t.Errorf("the log holds something of the badge:\n%s", logs)
			}
		})
	}
}
