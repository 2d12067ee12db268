package config

import (
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func load(t *testing.T, args []string, env map[string]string) (Config, error) {
	t.Helper()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return Load(fs, args, func(k string) string { return env[k] })
}

func TestDefaults(t *testing.T) {
	c, err := load(t, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := Defaults()
	want.BaseURL = "http://127.0.0.1:8080"
	if diff := cmp.Diff(want, c); diff != "" {
		t.Errorf("defaults (-want +got):\n%s", diff)
	}
	if c.SecureCookies() {
		t.Error("SecureCookies on http")
	}
}

func TestPrecedenceFlagsOverEnvOverDefaults(t *testing.T) {
	env := map[string]string{
		"ROSETTE_ADDR":         ":9000",
		"ROSETTE_LOG_LEVEL":    "debug",
		"ROSETTE_WORKERS":      "2",
		"ROSETTE_READ_TIMEOUT": "5s",
		"ROSETTE_BASE_URL":     "https://badges.example.org",
	}
	c, err := load(t, []string{"--addr", "127.0.0.1:7000", "--workers=8"}, env)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:7000" || c.Workers != 8 || c.LogLevel != "debug" || c.ReadTimeout != 5*time.Second || c.LogFormat != "json" {
		t.Errorf("got %+v", c)
	}
	if !c.SecureCookies() {
		t.Error("SecureCookies false on https")
	}
}

func TestDefaultBaseURLFromAddr(t *testing.T) {
	c, err := load(t, []string{"--addr", ":8443"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.BaseURL != "http://localhost:8443" {
		t.Errorf("BaseURL = %q", c.BaseURL)
	}
}

func TestSecretFiles(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "key")
	dbFile := filepath.Join(dir, "db")
	os.WriteFile(keyFile, []byte("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n"), 0o600)
	os.WriteFile(dbFile, []byte("postgres://u:pw@db.example/rosette\n"), 0o600)
	c, err := load(t, nil, map[string]string{"ROSETTE_MASTER_KEY_FILE": keyFile, "ROSETTE_DATABASE_URL_FILE": dbFile})
	if err != nil {
		t.Fatal(err)
	}
	if c.MasterKey != "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=" || c.DatabaseURL != "postgres://u:pw@db.example/rosette" {
		t.Errorf("got %q %q", c.MasterKey, c.DatabaseURL)
	}
	var b strings.Builder
	c.Print(&b)
	out := b.String()
	for _, secret := range []string{"s3cret", "pw@"} {
		if strings.Contains(out, secret) {
			t.Errorf("printout leaks %q:\n%s", secret, out)
		}
	}
	for _, want := range []string{"ROSETTE_MASTER_KEY=(set)\n", "ROSETTE_DATABASE_URL=postgres://u:xxxxx@db.example/rosette\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("printout lacks %q:\n%s", want, out)
		}
	}
	_, err = load(t, nil, map[string]string{"ROSETTE_MASTER_KEY_FILE": keyFile, "ROSETTE_MASTER_KEY": "x"})
	if err == nil || !strings.Contains(err.Error(), "ROSETTE_MASTER_KEY") {
		t.Errorf("both set: err = %v", err)
	}
	_, err = load(t, nil, map[string]string{"ROSETTE_MASTER_KEY_FILE": filepath.Join(dir, "missing")})
	if err == nil || !strings.Contains(err.Error(), "ROSETTE_MASTER_KEY_FILE") {
		t.Errorf("missing file: err = %v", err)
	}
}

func TestMasterKeyUnsetPrintsNotSet(t *testing.T) {
	c, _ := load(t, nil, nil)
	var b strings.Builder
	c.Print(&b)
	if !strings.Contains(b.String(), "ROSETTE_MASTER_KEY=(not set)\n") {
		t.Errorf("printout:\n%s", b.String())
	}
}

func TestInvalidValuesNameTheSetting(t *testing.T) {
	tests := []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"--addr", "nonsense"}, nil, "--addr"},
		{nil, map[string]string{"ROSETTE_READ_TIMEOUT": "soon"}, "ROSETTE_READ_TIMEOUT"},
		{nil, map[string]string{"ROSETTE_WORKERS": "many"}, "ROSETTE_WORKERS"},
		{[]string{"--workers", "-1"}, nil, "--workers"},
		{[]string{"--log-level", "loud"}, nil, "--log-level"},
		{[]string{"--log-format", "xml"}, nil, "--log-format"},
		{[]string{"--base-url", "https://x.example/"}, nil, "--base-url"},
		{[]string{"--base-url", "ftp://x.example"}, nil, "--base-url"},
		{[]string{"--base-url", "/relative"}, nil, "--base-url"},
		{[]string{"--database-url", "mysql://x"}, nil, "--database-url"},
		{[]string{"--database-url", "sqlite:"}, nil, "--database-url"},
		{[]string{"--tls-cert", "c.pem"}, nil, "--tls-cert"},
		{[]string{"--session-idle", "400h"}, nil, "--session-idle"},
		{[]string{"--max-body-bytes", "10"}, nil, "--max-body-bytes"},
		{[]string{"--shutdown-timeout", "0s"}, nil, "--shutdown-timeout"},
	}
	for _, tt := range tests {
		_, err := load(t, tt.args, tt.env)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v %v: err = %v, want it to name %s", tt.args, tt.env, err, tt.want)
		}
	}
}

func TestRedactURL(t *testing.T) {
	tests := map[string]string{
		"":                                      "",
		"sqlite:/tmp/x.db":                      "sqlite:/tmp/x.db",
		"postgres://u:secret@h:5432/db":         "postgres://u:xxxxx@h:5432/db",
		"postgres://u@h/db?password=secret&x=1": "postgres://u@h/db?password=xxxxx&x=1",
	}
	for in, want := range tests {
		if got := RedactURL(in); got != want {
			t.Errorf("RedactURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzLoad(f *testing.F) {
	f.Add("127.0.0.1:8080", "https://b.example", "10s", "4", "s3cret", "postgres://u:p@h/d")
	f.Add(":0", "http://[::1]:80", "-1s", "x", "", "sqlite:/x")
	f.Fuzz(func(t *testing.T, addr, base, timeout, workers, key, db string) {
		env := map[string]string{"ROSETTE_ADDR": addr, "ROSETTE_BASE_URL": base, "ROSETTE_READ_TIMEOUT": timeout,
			"ROSETTE_WORKERS": workers, "ROSETTE_MASTER_KEY": key, "ROSETTE_DATABASE_URL": db}
		c, err := load(t, nil, env)
		if err != nil {
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("Load accepted a config that Validate rejects: %v", err)
		}
		var b strings.Builder
		c.Print(&b)
		want := "ROSETTE_MASTER_KEY=(not set)\n"
		if key != "" {
			want = "ROSETTE_MASTER_KEY=(set)\n"
		}
		if !strings.Contains(b.String(), want) {
			t.Fatalf("master key line wrong:\n%s", b.String())
		}
	})
}

// TestConfigDocListsEverySetting keeps docs/CONFIG.md in step with the settings.
func TestConfigDocListsEverySetting(t *testing.T) {
	doc, err := os.ReadFile("../../docs/CONFIG.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range settings() {
		if !strings.Contains(string(doc), "`"+s.env+"`") {
			t.Errorf("docs/CONFIG.md does not document %s", s.env)
		}
		if s.flag != "" && !strings.Contains(string(doc), "`--"+s.flag+"`") {
			t.Errorf("docs/CONFIG.md does not document --%s", s.flag)
		}
	}
}

func TestMasterKeyValidated(t *testing.T) {
	for key, ok := range map[string]bool{
		"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=": true,
		"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8":  true,
		"topsecret":    false,
		"AAECAwQFBgc=": false,
	} {
		_, err := load(t, nil, map[string]string{"ROSETTE_MASTER_KEY": key})
		if (err == nil) != ok || (err != nil && (!strings.Contains(err.Error(), "ROSETTE_MASTER_KEY") || strings.Contains(err.Error(), key))) {
			t.Errorf("master key %q: %v", key, err)
		}
	}
}

func TestTrustedProxiesAndMetricsSettings(t *testing.T) {
	c, err := load(t, []string{"--trusted-proxies", " 10.0.0.0/8, 192.0.2.7 ,fd00::1/8,::ffff:198.51.100.0/120"},
		map[string]string{"ROSETTE_METRICS_TOKEN": "s3cret", "ROSETTE_METRICS_ADDR": "127.0.0.1:9090"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range c.TrustedProxies {
		got = append(got, p.String())
	}
	if d := cmp.Diff([]string{"10.0.0.0/8", "192.0.2.7/32", "fd00::/8", "198.51.100.0/24"}, got); d != "" {
		t.Errorf("trusted proxies (-want +got):\n%s", d)
	}
	if c.MetricsToken != "s3cret" || c.MetricsAddr != "127.0.0.1:9090" {
		t.Errorf("metrics settings: %q %q", c.MetricsToken, c.MetricsAddr)
	}
	var b strings.Builder
	if err := c.Print(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if strings.Contains(out, "s3cret") || !strings.Contains(out, "ROSETTE_METRICS_TOKEN=(set)\n") ||
		!strings.Contains(out, "ROSETTE_TRUSTED_PROXIES=10.0.0.0/8,192.0.2.7/32,fd00::/8,198.51.100.0/24\n") {
		t.Errorf("Print:\n%s", out)
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--trusted-proxies", "10.0.0.0/33"}, "--trusted-proxies (ROSETTE_TRUSTED_PROXIES)"},
		{[]string{"--trusted-proxies", "proxy.example.org"}, "--trusted-proxies (ROSETTE_TRUSTED_PROXIES)"},
		{[]string{"--metrics-addr", "9090"}, "--metrics-addr (ROSETTE_METRICS_ADDR)"},
		{[]string{"--addr", "127.0.0.1:9090", "--metrics-addr", "127.0.0.1:9090"}, "must differ"},
	} {
		if _, err := load(t, tc.args, nil); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Load(%q) = %v, want an error naming %q", tc.args, err, tc.want)
		}
	}
}

func TestSMTPSettings(t *testing.T) {
	pw := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(pw, []byte("hunter2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := load(t, []string{"--smtp-host", "smtp.example.org", "--smtp-port", "465", "--smtp-tls", "tls", "--smtp-from", "Acme <b@acme.example>"},
		map[string]string{"ROSETTE_SMTP_USERNAME": "rosette", "ROSETTE_SMTP_PASSWORD_FILE": pw})
	if err != nil {
		t.Fatal(err)
	}
	if c.SMTPHost != "smtp.example.org" || c.SMTPPort != 465 || c.SMTPTLS != "tls" || c.SMTPUsername != "rosette" ||
		c.SMTPPassword != "hunter2" || c.SMTPFrom != "Acme <b@acme.example>" || c.SMTPTimeout != 30*time.Second {
		t.Errorf("config = %+v", c)
	}
	var b strings.Builder
	if err := c.Print(&b); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "hunter2") {
		t.Errorf("Print shows the SMTP password:\n%s", b.String())
	}
	// Without a host, the other settings are not checked (email is off).
	if _, err := load(t, []string{"--smtp-tls", "bogus"}, nil); err != nil {
		t.Errorf("email off: %v", err)
	}
	for _, tt := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"--smtp-host", "h", "--smtp-from", "a@b.example", "--smtp-tls", "ssl"}, nil, "--smtp-tls"},
		{[]string{"--smtp-host", "h", "--smtp-from", "a@b.example", "--smtp-port", "0"}, nil, "--smtp-port"},
		{[]string{"--smtp-host", "h"}, nil, "--smtp-from"},
		{[]string{"--smtp-host", "h", "--smtp-from", "a@b.example", "--smtp-username", "u"}, nil, "ROSETTE_SMTP_PASSWORD"},
		{[]string{"--smtp-host", "h", "--smtp-from", "a@b.example"}, map[string]string{"ROSETTE_SMTP_PASSWORD": "p"}, "ROSETTE_SMTP_PASSWORD"},
	} {
		_, err := load(t, tt.args, tt.env)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v %v: err = %v, want one naming %s", tt.args, tt.env, err, tt.want)
		}
	}
}

func TestFetchAllowPrivate(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want bool
		err  bool
	}{
		{"default", nil, nil, false, false},
		{"flag alone", []string{"--fetch-allow-private"}, nil, true, false},
		{"flag false", []string{"--fetch-allow-private=false"}, map[string]string{"ROSETTE_FETCH_ALLOW_PRIVATE": "true"}, false, false},
		{"environment", nil, map[string]string{"ROSETTE_FETCH_ALLOW_PRIVATE": "true"}, true, false},
		{"bad value", nil, map[string]string{"ROSETTE_FETCH_ALLOW_PRIVATE": "maybe"}, false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs := flag.NewFlagSet("t", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			c, err := Load(fs, tc.args, func(k string) string { return tc.env[k] })
			if (err != nil) != tc.err {
				t.Fatalf("err = %v, want error %v", err, tc.err)
			}
			if err != nil {
				if !strings.Contains(err.Error(), "--fetch-allow-private (ROSETTE_FETCH_ALLOW_PRIVATE)") {
					t.Errorf("error %q does not name the setting", err)
				}
				return
			}
			if c.FetchAllowPrivate != tc.want {
				t.Errorf("FetchAllowPrivate = %v, want %v", c.FetchAllowPrivate, tc.want)
			}
		})
	}
}

func TestTermsAndPrivacyURLs(t *testing.T) {
	tests := []struct {
		name          string
		args          []string
		terms, policy string
		err           string
	}{
		{"default", nil, "", "", ""},
		{"set", []string{"--terms-url", "https://acme.example/terms", "--privacy-url", "https://acme.example/privacy"},
			"https://acme.example/terms", "https://acme.example/privacy", ""},
		{"relative", []string{"--terms-url", "/terms"}, "", "", "--terms-url (ROSETTE_TERMS_URL)"},
		{"not http", []string{"--privacy-url", "javascript:alert(1)"}, "", "", "--privacy-url (ROSETTE_PRIVACY_URL)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs := flag.NewFlagSet("t", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			c, err := Load(fs, tc.args, func(string) string { return "" })
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want one naming %s", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.TermsURL != tc.terms || c.PrivacyURL != tc.policy {
				t.Errorf("terms %q, privacy %q", c.TermsURL, c.PrivacyURL)
			}
		})
	}
}
