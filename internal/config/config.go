// Package config owns Rosette's one configuration struct: where each setting comes from
// (command-line flag > ROSETTE_* environment variable > default; ROSETTE_*_FILE for secrets),
// its validation, and its redacted printout for `rosette config`.
package config

import (
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/mail"
	"net/netip"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// Config is the effective configuration of a Rosette process.
type Config struct {
	Addr        string // --addr, ROSETTE_ADDR
	DataDir     string // --data-dir, ROSETTE_DATA_DIR
	DatabaseURL string // --database-url, ROSETTE_DATABASE_URL(_FILE); "" = sqlite file <DataDir>/rosette.db
	BaseURL     string // --base-url, ROSETTE_BASE_URL; absolute http(s), no trailing slash
	LogLevel    string // debug|info|warn|error
	LogFormat   string // json|text
	MasterKey   string // ROSETTE_MASTER_KEY(_FILE) only: a secret never given as a flag

	TLSCertFile string // --tls-cert
	TLSKeyFile  string // --tls-key

	ReadTimeout     time.Duration
	WriteTimeout    time.Duration
	IdleTimeout     time.Duration
	ShutdownTimeout time.Duration

	MaxBodyBytes    int64
	SessionLifetime time.Duration
	SessionIdle     time.Duration
	Workers         int // background job workers on this node; 0 runs none

	// TrustedProxies are the reverse proxies whose X-Forwarded-For and X-Forwarded-Proto
	// headers are believed (--trusted-proxies, comma-separated CIDRs); empty = none.
	TrustedProxies []netip.Prefix
	MetricsToken   string // --metrics-token, ROSETTE_METRICS_TOKEN(_FILE): bearer token for /metrics
	MetricsAddr    string // --metrics-addr: serve /metrics only on this separate listener
	// MetricsPprof also serves Go's profiler (/debug/pprof/) on the --metrics-addr listener
	// (--metrics-pprof, ROSETTE_METRICS_PPROF), for measuring a running node. Never on the
	// main listener.
	MetricsPprof bool

	// Outgoing email (internal/mail); SMTPHost "" = email off (nothing is sent).
	SMTPHost     string        // --smtp-host, ROSETTE_SMTP_HOST
	SMTPPort     int           // --smtp-port, ROSETTE_SMTP_PORT
	SMTPTLS      string        // --smtp-tls: none|starttls|tls
	SMTPUsername string        // --smtp-username; "" = no authentication
	SMTPPassword string        // ROSETTE_SMTP_PASSWORD(_FILE) only: a secret never given as a flag
	SMTPFrom     string        // --smtp-from: sender address, "Name <addr>" or addr
	SMTPTimeout  time.Duration // --smtp-timeout: per SMTP connection

	// FetchAllowPrivate lets outbound fetches (the public verifier, wallet imports) reach
	// private, loopback and link-local addresses (--fetch-allow-private); default false.
	FetchAllowPrivate bool

	// TermsURL and PrivacyURL are the installation's terms of service and privacy policy
	// (--terms-url, --privacy-url), which the OB 3.0 discovery document and the Badge Connect
	// manifest must name; "" = the home page.
	TermsURL   string
	PrivacyURL string
}

// Defaults returns the configuration used when nothing is set. BaseURL is derived from Addr
// by Load when it is not set.
func Defaults() Config {
	return Config{
		Addr:            "127.0.0.1:8080",
		DataDir:         "./data",
		LogLevel:        "info",
		LogFormat:       "json",
		ReadTimeout:     10 * time.Second,
		WriteTimeout:    30 * time.Second,
		IdleTimeout:     120 * time.Second,
		ShutdownTimeout: 20 * time.Second,
		MaxBodyBytes:    10 << 20,
		SessionLifetime: 14 * 24 * time.Hour,
		SessionIdle:     3 * 24 * time.Hour,
		Workers:         4,
		SMTPPort:        587,
		SMTPTLS:         "starttls",
		SMTPTimeout:     30 * time.Second,
	}
}

// setting describes one configuration value: its flag, its environment variable, whether it
// is a secret, and how to read and print it.
type setting struct {
	flag   string // "" = no flag (secrets that must not appear in process listings)
	env    string
	usage  string
	secret bool // redacted in Print, read from ENV_FILE too
	file   bool // ENV_FILE variant accepted
	set    func(*Config, string) error
	get    func(Config) string
	// boolean: the flag may be given alone (--name means true), like a flag.Bool.
	boolean bool
}

// boolFlag is the flag.Value of a boolean setting: it stores the text given ("true" when the
// flag stands alone) for the setting's own parser.
type boolFlag struct{ v *string }

func (b boolFlag) String() string {
	if b.v == nil {
		return ""
	}
	return *b.v
}
func (b boolFlag) Set(s string) error { *b.v = s; return nil }
func (b boolFlag) IsBoolFlag() bool   { return true }

func str(p func(*Config) *string) (func(*Config, string) error, func(Config) string) {
	return func(c *Config, v string) error { *p(c) = v; return nil },
		func(c Config) string { return *p(&c) }
}

func dur(p func(*Config) *time.Duration) (func(*Config, string) error, func(Config) string) {
	return func(c *Config, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil {
				return fmt.Errorf("invalid duration %q (use e.g. 30s, 5m, 336h)", v)
			}
			*p(c) = d
			return nil
		},
		func(c Config) string { return p(&c).String() }
}

func settings() []setting {
	s := func(flag, env, usage string, p func(*Config) *string) setting {
		set, get := str(p)
		return setting{flag: flag, env: env, usage: usage, set: set, get: get}
	}
	d := func(flag, env, usage string, p func(*Config) *time.Duration) setting {
		set, get := dur(p)
		return setting{flag: flag, env: env, usage: usage, set: set, get: get}
	}
	dbURL := s("database-url", "ROSETTE_DATABASE_URL", `database: "" (SQLite file in the data dir), sqlite:PATH or postgres://...`, func(c *Config) *string { return &c.DatabaseURL })
	dbURL.file = true
	dbURL.get = func(c Config) string { return RedactURL(c.DatabaseURL) }
	masterKey := s("", "ROSETTE_MASTER_KEY", "master key protecting signing keys at rest", func(c *Config) *string { return &c.MasterKey })
	masterKey.secret, masterKey.file = true, true
	metricsToken := s("metrics-token", "ROSETTE_METRICS_TOKEN", "bearer token required on /metrics (prefer ROSETTE_METRICS_TOKEN_FILE: flags show in process listings)", func(c *Config) *string { return &c.MetricsToken })
	metricsToken.secret, metricsToken.file = true, true
	smtpPassword := s("", "ROSETTE_SMTP_PASSWORD", "SMTP password", func(c *Config) *string { return &c.SMTPPassword })
	smtpPassword.secret, smtpPassword.file = true, true
	return []setting{
		s("addr", "ROSETTE_ADDR", "address to listen on, host:port", func(c *Config) *string { return &c.Addr }),
		s("data-dir", "ROSETTE_DATA_DIR", "directory for the SQLite database and files", func(c *Config) *string { return &c.DataDir }),
		dbURL,
		s("base-url", "ROSETTE_BASE_URL", `public URL of this installation, e.g. https://badges.example.org (default "http://" + addr)`, func(c *Config) *string { return &c.BaseURL }),
		s("log-level", "ROSETTE_LOG_LEVEL", "debug, info, warn or error", func(c *Config) *string { return &c.LogLevel }),
		s("log-format", "ROSETTE_LOG_FORMAT", "json or text", func(c *Config) *string { return &c.LogFormat }),
		masterKey,
		s("tls-cert", "ROSETTE_TLS_CERT", "TLS certificate file (serve HTTPS when both cert and key are set)", func(c *Config) *string { return &c.TLSCertFile }),
		s("tls-key", "ROSETTE_TLS_KEY", "TLS private key file", func(c *Config) *string { return &c.TLSKeyFile }),
		d("read-timeout", "ROSETTE_READ_TIMEOUT", "HTTP read timeout", func(c *Config) *time.Duration { return &c.ReadTimeout }),
		d("write-timeout", "ROSETTE_WRITE_TIMEOUT", "HTTP write timeout", func(c *Config) *time.Duration { return &c.WriteTimeout }),
		d("idle-timeout", "ROSETTE_IDLE_TIMEOUT", "HTTP keep-alive idle timeout", func(c *Config) *time.Duration { return &c.IdleTimeout }),
		d("shutdown-timeout", "ROSETTE_SHUTDOWN_TIMEOUT", "time allowed to finish requests and jobs on shutdown", func(c *Config) *time.Duration { return &c.ShutdownTimeout }),
		{flag: "max-body-bytes", env: "ROSETTE_MAX_BODY_BYTES", usage: "largest request body accepted, in bytes",
			set: func(c *Config, v string) error {
				n, err := strconv.ParseInt(v, 10, 64)
				if err != nil {
					return fmt.Errorf("invalid number %q", v)
				}
				c.MaxBodyBytes = n
				return nil
			},
			get: func(c Config) string { return strconv.FormatInt(c.MaxBodyBytes, 10) }},
		d("session-lifetime", "ROSETTE_SESSION_LIFETIME", "longest a sign-in lasts", func(c *Config) *time.Duration { return &c.SessionLifetime }),
		d("session-idle", "ROSETTE_SESSION_IDLE", "a sign-in ends after this long unused", func(c *Config) *time.Duration { return &c.SessionIdle }),
		{flag: "workers", env: "ROSETTE_WORKERS", usage: "background job workers on this node (0 = none)",
			set: func(c *Config, v string) error {
				n, err := strconv.Atoi(v)
				if err != nil {
					return fmt.Errorf("invalid number %q", v)
				}
				c.Workers = n
				return nil
			},
			get: func(c Config) string { return strconv.Itoa(c.Workers) }},
		{flag: "trusted-proxies", env: "ROSETTE_TRUSTED_PROXIES", usage: "comma-separated CIDRs of reverse proxies whose X-Forwarded-For/-Proto are believed",
			set: func(c *Config, v string) error {
				p, err := ParseProxies(v)
				if err != nil {
					return err
				}
				c.TrustedProxies = p
				return nil
			},
			get: func(c Config) string {
				parts := make([]string, len(c.TrustedProxies))
				for i, p := range c.TrustedProxies {
					parts[i] = p.String()
				}
				return strings.Join(parts, ",")
			}},
		metricsToken,
		s("metrics-addr", "ROSETTE_METRICS_ADDR", "serve /metrics only on this separate address, host:port", func(c *Config) *string { return &c.MetricsAddr }),
		{flag: "metrics-pprof", env: "ROSETTE_METRICS_PPROF", boolean: true,
			usage: "also serve Go's profiler (/debug/pprof/) on the --metrics-addr listener",
			set: func(c *Config, v string) error {
				b, err := strconv.ParseBool(v)
				if err != nil {
					return fmt.Errorf("invalid boolean %q (use true or false)", v)
				}
				c.MetricsPprof = b
				return nil
			},
			get: func(c Config) string { return strconv.FormatBool(c.MetricsPprof) }},
		s("smtp-host", "ROSETTE_SMTP_HOST", `SMTP server for outgoing email ("" = send no email)`, func(c *Config) *string { return &c.SMTPHost }),
		{flag: "smtp-port", env: "ROSETTE_SMTP_PORT", usage: "SMTP server port (587 for starttls, 465 for tls)",
			set: func(c *Config, v string) error {
				n, err := strconv.Atoi(v)
				if err != nil {
					return fmt.Errorf("invalid number %q", v)
				}
				c.SMTPPort = n
				return nil
			},
			get: func(c Config) string { return strconv.Itoa(c.SMTPPort) }},
		s("smtp-tls", "ROSETTE_SMTP_TLS", "SMTP transport security: starttls (required), tls (from the first byte) or none", func(c *Config) *string { return &c.SMTPTLS }),
		s("smtp-username", "ROSETTE_SMTP_USERNAME", `SMTP user name ("" = no authentication)`, func(c *Config) *string { return &c.SMTPUsername }),
		smtpPassword,
		s("smtp-from", "ROSETTE_SMTP_FROM", `sender of outgoing email, e.g. "Acme Badges <badges@acme.example>"`, func(c *Config) *string { return &c.SMTPFrom }),
		d("smtp-timeout", "ROSETTE_SMTP_TIMEOUT", "time allowed for one SMTP connection", func(c *Config) *time.Duration { return &c.SMTPTimeout }),
		s("terms-url", "ROSETTE_TERMS_URL", `terms of service of this installation, named to apps by the OB 3.0 and Badge Connect APIs ("" = the home page)`, func(c *Config) *string { return &c.TermsURL }),
		s("privacy-url", "ROSETTE_PRIVACY_URL", `privacy policy of this installation, named to apps by the OB 3.0 and Badge Connect APIs ("" = the home page)`, func(c *Config) *string { return &c.PrivacyURL }),
		{flag: "fetch-allow-private", env: "ROSETTE_FETCH_ALLOW_PRIVATE", boolean: true,
			usage: "let outbound fetches (verifying badges by URL) reach private, loopback and link-local addresses",
			set: func(c *Config, v string) error {
				b, err := strconv.ParseBool(v)
				if err != nil {
					return fmt.Errorf("invalid boolean %q (use true or false)", v)
				}
				c.FetchAllowPrivate = b
				return nil
			},
			get: func(c Config) string { return strconv.FormatBool(c.FetchAllowPrivate) }},
	}
}

// ParseProxies parses a comma-separated list of CIDRs (a bare IP address means that one
// address). Blank entries are ignored; the result is in canonical (masked) form.
func ParseProxies(v string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if a, err := netip.ParseAddr(part); err == nil {
			out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(part)
		if err != nil {
			return nil, fmt.Errorf("%q is not a CIDR (e.g. 10.0.0.0/8, 192.0.2.1/32, fd00::/8)", part)
		}
		if p.Addr().Is4In6() {
			p = netip.PrefixFrom(p.Addr().Unmap(), max(p.Bits()-96, 0))
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// name is how a setting is named in error messages: its flag and its variable.
func (s setting) name() string {
	if s.flag == "" {
		return s.env
	}
	return "--" + s.flag + " (" + s.env + ")"
}

// Load registers the configuration flags on fs (next to any the caller registered), parses
// args, then fills every setting from its flag if given, else its ROSETTE_* variable (or
// ROSETTE_*_FILE for secrets), else its default, and validates the result. Errors name the
// setting at fault. getenv is os.Getenv in production.
func Load(fs *flag.FlagSet, args []string, getenv func(string) string) (Config, error) {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	all := settings()
	def := Defaults()
	flagVals := make(map[string]*string)
	for _, s := range all {
		if s.flag == "" {
			continue
		}
		v := new(string)
		flagVals[s.flag] = v
		dv := s.get(def)
		if s.flag == "base-url" || s.flag == "database-url" {
			dv = ""
		}
		if s.boolean {
			*v = dv
			fs.Var(boolFlag{v}, s.flag, s.usage+" [$"+s.env+"]")
			continue
		}
		fs.StringVar(v, s.flag, dv, s.usage+" [$"+s.env+"]")
	}
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })

	c := def
	for _, s := range all {
		var v string
		var from bool
		switch {
		case s.flag != "" && given[s.flag]:
			v, from = *flagVals[s.flag], true
		default:
			ev, fv := getenv(s.env), ""
			if s.file {
				fv = getenv(s.env + "_FILE")
			}
			switch {
			case ev != "" && fv != "":
				return Config{}, fmt.Errorf("config: %s and %s_FILE are both set; set only one", s.env, s.env)
			case fv != "":
				b, err := os.ReadFile(fv)
				if err != nil {
					return Config{}, fmt.Errorf("config: %s_FILE: %v", s.env, err)
				}
				v, from = strings.TrimRight(string(b), "\r\n"), true
			case ev != "":
				v, from = ev, true
			}
		}
		if !from {
			continue
		}
		if err := s.set(&c, v); err != nil {
			return Config{}, fmt.Errorf("config: %s: %v", s.name(), err)
		}
	}
	if c.BaseURL == "" {
		c.BaseURL = defaultBaseURL(c.Addr)
	}
	if err := c.Validate(); err != nil {
		return Config{}, err
	}
	return c, nil
}

func defaultBaseURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// Validate checks every setting; the error names the first one at fault and says what is
// expected.
func (c Config) Validate() error {
	var errs []error
	bad := func(name, format string, args ...any) {
		errs = append(errs, fmt.Errorf("config: %s: %s", name, fmt.Sprintf(format, args...)))
	}
	if _, port, err := net.SplitHostPort(c.Addr); err != nil || port == "" {
		bad("--addr (ROSETTE_ADDR)", "%q is not host:port (e.g. 127.0.0.1:8080 or :8080)", c.Addr)
	}
	if c.DataDir == "" {
		bad("--data-dir (ROSETTE_DATA_DIR)", "must not be empty")
	}
	switch {
	case c.DatabaseURL == "", strings.HasPrefix(c.DatabaseURL, "postgres://"), strings.HasPrefix(c.DatabaseURL, "postgresql://"):
	case strings.HasPrefix(c.DatabaseURL, "sqlite:"):
		if strings.TrimPrefix(c.DatabaseURL, "sqlite:") == "" {
			bad("--database-url (ROSETTE_DATABASE_URL)", "sqlite: needs a file path, e.g. sqlite:/var/lib/rosette/rosette.db")
		}
	default:
		bad("--database-url (ROSETTE_DATABASE_URL)", "%q is neither sqlite:PATH nor postgres://...", RedactURL(c.DatabaseURL))
	}
	if err := checkBaseURL(c.BaseURL); err != nil {
		bad("--base-url (ROSETTE_BASE_URL)", "%v", err)
	}
	for _, p := range []struct{ name, v string }{{"--terms-url (ROSETTE_TERMS_URL)", c.TermsURL}, {"--privacy-url (ROSETTE_PRIVACY_URL)", c.PrivacyURL}} {
		if u, err := url.Parse(p.v); p.v != "" && (err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "") {
			bad(p.name, "%q is not an absolute http(s) URL", p.v)
		}
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		bad("--log-level (ROSETTE_LOG_LEVEL)", "%q is not one of debug, info, warn, error", c.LogLevel)
	}
	switch c.LogFormat {
	case "json", "text":
	default:
		bad("--log-format (ROSETTE_LOG_FORMAT)", "%q is not json or text", c.LogFormat)
	}
	if (c.TLSCertFile == "") != (c.TLSKeyFile == "") {
		bad("--tls-cert/--tls-key (ROSETTE_TLS_CERT/ROSETTE_TLS_KEY)", "set both or neither")
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{
		{"--read-timeout (ROSETTE_READ_TIMEOUT)", c.ReadTimeout},
		{"--write-timeout (ROSETTE_WRITE_TIMEOUT)", c.WriteTimeout},
		{"--idle-timeout (ROSETTE_IDLE_TIMEOUT)", c.IdleTimeout},
		{"--shutdown-timeout (ROSETTE_SHUTDOWN_TIMEOUT)", c.ShutdownTimeout},
		{"--session-lifetime (ROSETTE_SESSION_LIFETIME)", c.SessionLifetime},
		{"--session-idle (ROSETTE_SESSION_IDLE)", c.SessionIdle},
	} {
		if d.v <= 0 {
			bad(d.name, "must be a positive duration, got %s", d.v)
		}
	}
	if c.SessionIdle > c.SessionLifetime {
		bad("--session-idle (ROSETTE_SESSION_IDLE)", "%s is longer than the session lifetime %s", c.SessionIdle, c.SessionLifetime)
	}
	if c.MaxBodyBytes < 1024 {
		bad("--max-body-bytes (ROSETTE_MAX_BODY_BYTES)", "must be at least 1024, got %d", c.MaxBodyBytes)
	}
	if c.MasterKey != "" && !masterKeyOK(c.MasterKey) {
		bad("ROSETTE_MASTER_KEY", "must be the base64 of 32 random bytes (generate one with: head -c 32 /dev/urandom | base64)")
	}
	if c.MetricsAddr != "" {
		if _, port, err := net.SplitHostPort(c.MetricsAddr); err != nil || port == "" {
			bad("--metrics-addr (ROSETTE_METRICS_ADDR)", "%q is not host:port (e.g. 127.0.0.1:9090)", c.MetricsAddr)
		} else if c.MetricsAddr == c.Addr && port != "0" {
			bad("--metrics-addr (ROSETTE_METRICS_ADDR)", "must differ from --addr")
		}
	}
	if c.MetricsPprof && c.MetricsAddr == "" {
		bad("--metrics-pprof (ROSETTE_METRICS_PPROF)", "needs --metrics-addr: the profiler is served only on the separate metrics listener")
	}
	if c.Workers < 0 || c.Workers > 1000 {
		bad("--workers (ROSETTE_WORKERS)", "must be between 0 and 1000, got %d", c.Workers)
	}
	if c.SMTPHost != "" {
		if c.SMTPPort <= 0 || c.SMTPPort > 65535 {
			bad("--smtp-port (ROSETTE_SMTP_PORT)", "must be between 1 and 65535, got %d", c.SMTPPort)
		}
		switch c.SMTPTLS {
		case "none", "starttls", "tls":
		default:
			bad("--smtp-tls (ROSETTE_SMTP_TLS)", "%q is not starttls, tls or none", c.SMTPTLS)
		}
		if _, err := mail.ParseAddress(c.SMTPFrom); err != nil {
			bad("--smtp-from (ROSETTE_SMTP_FROM)", "%q is not an email address (needed when --smtp-host is set)", c.SMTPFrom)
		}
		if (c.SMTPUsername == "") != (c.SMTPPassword == "") {
			bad("--smtp-username/ROSETTE_SMTP_PASSWORD", "set both or neither")
		}
		if c.SMTPTimeout <= 0 {
			bad("--smtp-timeout (ROSETTE_SMTP_TIMEOUT)", "must be a positive duration, got %s", c.SMTPTimeout)
		}
	}
	return errors.Join(errs...)
}

// masterKeyOK reports whether s is the base64 (standard or URL alphabet, padded or not) of
// 32 bytes; internal/keys parses it the same way.
func masterKeyOK(s string) bool {
	s = strings.TrimSpace(s)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return len(b) == 32
		}
	}
	return false
}

func checkBaseURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Opaque != "" {
		return fmt.Errorf("%q is not an absolute http(s) URL", s)
	}
	if strings.HasSuffix(s, "/") {
		return fmt.Errorf("%q must not end with a slash", s)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil || strings.ContainsAny(s, "?#") {
		return fmt.Errorf("%q must not have a query, fragment or user info", s)
	}
	return nil
}

// SecureCookies reports whether cookies must be marked Secure: the public URL is HTTPS.
func (c Config) SecureCookies() bool { return strings.HasPrefix(c.BaseURL, "https://") }

// Setting is one line of the effective configuration, already redacted.
type Setting struct {
	Flag  string // without dashes; "" when it has no flag
	Env   string
	Value string // secrets are "(set)" or "(not set)"; URLs have their password masked
}

// Redacted lists the effective configuration in a fixed order, safe to print or log.
func (c Config) Redacted() []Setting {
	var out []Setting
	for _, s := range settings() {
		v := s.get(c)
		if s.secret {
			v = "(not set)"
			if s.get(c) != "" {
				v = "(set)"
			}
		}
		out = append(out, Setting{Flag: s.flag, Env: s.env, Value: v})
	}
	return out
}

// Print writes the redacted effective configuration, one "ROSETTE_X=value" line per setting.
func (c Config) Print(w io.Writer) error {
	var b strings.Builder
	for _, s := range c.Redacted() {
		fmt.Fprintf(&b, "%s=%s\n", s.Env, s.Value)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// RedactURL masks the password of a URL (e.g. a PostgreSQL URL) for printing. Strings that
// are not URLs with user info are returned as they are, except a password= parameter.
func RedactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" || u.Opaque != "" {
		return s
	}
	if q := u.Query(); q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}
