package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/rosettebadges/rosette/internal/config"
	"github.com/rosettebadges/rosette/openbadges/fetch"
	"github.com/rosettebadges/rosette/openbadges/verify"
)

// stringsFlag collects a repeatable flag.
type stringsFlag []string

func (s *stringsFlag) String() string     { return strings.Join(*s, ",") }
func (s *stringsFlag) Set(v string) error { *s = append(*s, v); return nil }

func runVerify(ctx context.Context, env Env, args []string) int {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	asJSON := fs.Bool("json", false, "print the report as JSON")
	recipient := fs.String("recipient", "", "check the badge was awarded to this `IDENTITY` (email, URL, phone or id)")
	var allow stringsFlag
	fs.Var(&allow, "allow-host", "let the verifier reach `HOST` even at a private or loopback address (repeatable)")
	asJSONL := fs.Bool("jsonl", false, "read one badge (JSON, JWS or URL) per line, write one JSON report per line")
	jobs := fs.Int("jobs", 0, "with --jsonl, the number of `N` parallel workers (default: the number of CPUs)")
	fs.Usage = func() {
		fmt.Fprint(env.Stderr, "Usage: rosette verify [--json] [--recipient IDENTITY] [--allow-host HOST]... FILE|URL|-\n"+
			"       rosette verify --jsonl [--jobs N] [--recipient IDENTITY] [--allow-host HOST]... [FILE|-]\n\n"+
			"Verifies an Open Badge: a baked PNG or SVG, OB 2.0 or 3.0 JSON, a JWS/VC-JWT, or a URL.\n\n"+
			"--jsonl verifies in bulk: one badge (JSON, compact JWS or URL) per line in, one report per\n"+
			"line out (the JSON of --json, on one line), in input order, on --jobs parallel workers,\n"+
			"in constant memory. A line that is no badge gets a report with its inputError. Blank\n"+
			"lines are skipped; lines are limited to 8 MiB.\n\n"+
			"Exit status: 0 valid, 1 not valid (with --jsonl: any line not valid), 2 usage error or\n"+
			"unreadable input.\n\n")
		fs.PrintDefaults()
	}
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if err == flag.ErrHelp {
				return ExitOK
			}
			return ExitUsage
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
	if *jobs < 0 || (*jobs > 0 && !*asJSONL) {
		fmt.Fprintln(env.Stderr, "rosette verify: --jobs needs --jsonl and a positive number")
		return ExitUsage
	}
	if *asJSONL && len(pos) <= 1 {
		v := newVerifier(fetch.NewClient(fetch.Options{AllowHosts: allow}), *recipient)
		name := ""
		if len(pos) == 1 {
			name = pos[0]
		}
		return verifyJSONL(ctx, env, v, name, *jobs)
	}
	if len(pos) != 1 || *asJSONL {
		fs.Usage()
		return ExitUsage
	}
	// One verification may fetch up to 64 documents (each bounded by the client's own
	// timeout); the whole run is bounded too.
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	v := newVerifier(fetch.NewClient(fetch.Options{AllowHosts: allow}), *recipient)
	src := pos[0]
	var rep *verify.Report
	switch {
	case strings.HasPrefix(src, "https://") || strings.HasPrefix(src, "http://"):
		rep = v.VerifyURL(ctx, src)
	default:
		var in []byte
		var err error
		if src == "-" {
			in, err = io.ReadAll(io.LimitReader(env.Stdin, 16<<20))
		} else {
			in, err = os.ReadFile(src)
		}
		if err != nil {
			fmt.Fprintf(env.Stderr, "rosette verify: %v\n", err)
			return ExitUsage
		}
		rep = v.Verify(ctx, in)
	}
	if *asJSON {
		b, err := json.MarshalIndent(rep.WithoutCredentials(), "", "  ")
		if err != nil {
			fmt.Fprintf(env.Stderr, "rosette verify: %v\n", err)
			return ExitFailure
		}
		env.Stdout.Write(append(b, '\n'))
	} else {
		printReport(env.Stdout, rep, "")
	}
	if rep.InputError != "" {
		if !*asJSON {
			fmt.Fprintf(env.Stderr, "rosette verify: not a badge: %s\n", rep.InputError)
		}
		return ExitUsage
	}
	if rep.Valid {
		return ExitOK
	}
	return ExitFailure
}

// newVerifier is the one way Rosette builds a badge verifier: `rosette verify` and the public
// verification page of `rosette serve` both use it. f does all network access; recipient,
// when set, is the identity the badge must have been made out to.
func newVerifier(f verify.Fetcher, recipient string) *verify.Verifier {
	return verify.New(verify.Options{Fetcher: f, Now: time.Now, Recipient: recipient})
}

// outboundFetcher is the fetch client of the server's outbound requests (the verification
// page, and later wallet imports): it refuses private, loopback and link-local addresses
// unless --fetch-allow-private is set; timeouts and size limits are openbadges/fetch's.
func outboundFetcher(cfg config.Config) *fetch.Client {
	return fetch.NewClient(fetch.Options{AllowPrivate: cfg.FetchAllowPrivate})
}

var marks = map[verify.Status]string{verify.Pass: "✓", verify.Fail: "✗", verify.Warn: "!", verify.Skip: "-"}

// printReport writes a report for a person: the verdict first, then each check.
func printReport(w io.Writer, r *verify.Report, indent string) {
	what := r.Kind
	if r.Version != "" {
		what += " " + r.Version
	}
	if r.Format != "" {
		what += ", " + r.Format
	}
	fmt.Fprintf(w, "%s%s: %s (%s)\n", indent, strings.ToUpper(r.Verdict.Text()), orName(r.Display.Name), what)
	for _, c := range r.Checks {
		fmt.Fprintf(w, "%s  %s %s: %s\n", indent, marks[c.Status], c.Name, c.Message)
		if c.Detail != "" && c.Status != verify.Pass {
			fmt.Fprintf(w, "%s      %s\n", indent, strings.ReplaceAll(strings.TrimSpace(c.Detail), "\n", "\n"+indent+"      "))
		}
	}
	d := r.Display
	for _, f := range [][2]string{
		{"Description", d.Description}, {"Issuer", strings.TrimSpace(d.IssuerName + " " + paren(d.IssuerURL, d.IssuerID))},
		{"Recipient", d.Recipient}, {"Issued", d.Issued}, {"Expires", d.Expires},
		{"Criteria", strings.TrimSpace(d.CriteriaURL + " " + d.Criteria)}, {"Image", short(d.Image)},
		{"Tags", strings.Join(d.Tags, ", ")}, {"Skills", strings.Join(d.Skills, ", ")},
		{"Endorsed by", strings.Join(d.Endorsers, ", ")},
	} {
		if f[1] != "" {
			fmt.Fprintf(w, "%s  %s: %s\n", indent, f[0], f[1])
		}
	}
	for _, e := range r.Endorsements {
		fmt.Fprintf(w, "%s  Endorsement:\n", indent)
		printReport(w, e, indent+"    ")
	}
	for _, c := range r.Credentials {
		fmt.Fprintf(w, "%s  Credential in the record:\n", indent)
		printReport(w, c, indent+"    ")
	}
}

func orName(s string) string {
	if s == "" {
		return "(unnamed)"
	}
	return s
}

func paren(a, b string) string {
	if a == "" {
		a = b
	}
	if a == "" {
		return ""
	}
	return "(" + a + ")"
}

func short(s string) string {
	if len(s) > 100 {
		return s[:97] + "..."
	}
	return s
}
