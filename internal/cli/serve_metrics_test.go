package cli

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// logLine finds the first slog JSON line on stderr whose msg is msg.
func logLine(t *testing.T, logs, msg string) map[string]any {
	t.Helper()
	for _, l := range strings.Split(logs, "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(l), &m) == nil && m["msg"] == msg {
			return m
		}
	}
	return nil
}

func TestServeMetricsAddrAndTrustedProxies(t *testing.T) {
	srv := bootServe(t, true, "--addr", "127.0.0.1:0", "--data-dir", t.TempDir(),
		"--metrics-addr", "127.0.0.1:0", "--metrics-token", "scrape-me",
		"--trusted-proxies", "127.0.0.0/8")
	m := logLine(t, srv.Logs(), "metrics listening")
	if m == nil {
		t.Fatalf("no 'metrics listening' log line:\n%s", srv.Logs())
	}
	metricsURL := "http://" + m["addr"].(string) + "/metrics"

	c := &http.Client{Timeout: 30 * time.Second}
	get := func(url string, header map[string]string) (int, string) {
		t.Helper()
		req, err := http.NewRequest("GET", url, nil)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}

	if code, _ := get(srv.BaseURL+"/metrics", map[string]string{"Authorization": "Bearer scrape-me"}); code != 404 {
		t.Errorf("/metrics on the main listener = %d, want 404 with --metrics-addr", code)
	}
	if code, _ := get(metricsURL, nil); code != 401 {
		t.Errorf("metrics listener without the token = %d, want 401", code)
	}
	if code, body := get(metricsURL, map[string]string{"Authorization": "Bearer scrape-me"}); code != 200 ||
		!strings.Contains(body, "rosette_http_requests_total") {
		t.Errorf("metrics listener with the token = %d", code)
	}

	// The peer (127.0.0.1) is a trusted proxy: the access log names the forwarded client.
	if code, _ := get(srv.BaseURL+"/healthz", map[string]string{"X-Forwarded-For": "198.51.100.1, 203.0.113.9", "X-Forwarded-Proto": "https"}); code != 200 {
		t.Fatalf("/healthz = %d", code)
	}
	if code := srv.Stop(t); code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	var found bool
	for _, l := range strings.Split(srv.Logs(), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(l), &m) != nil || m["msg"] != "http request" || m["path"] != "/healthz" {
			continue
		}
		found = true
		if m["remote_addr"] != "203.0.113.9" || !strings.HasPrefix(m["proxy_addr"].(string), "127.0.0.1:") {
			t.Errorf("access log: remote_addr %v proxy_addr %v, want 203.0.113.9 and the proxy", m["remote_addr"], m["proxy_addr"])
		}
	}
	if !found {
		t.Errorf("no access log line for /healthz:\n%s", srv.Logs())
	}
}
