package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/service"
)

const tokenUsage = `Usage:
  rosette token create --user EMAIL [--issuer ID] [--scope S]... [--name N] [--expires 90d] [options]
  rosette token list --user EMAIL [options]
  rosette token revoke ID [options]

API tokens authenticate calls to the REST API (/api/v1) as their user, limited to their scopes
and, with --issuer, to one issuer. create prints the token on stdout, once: it is not stored
and cannot be shown again. Scopes: issuers:read, issuers:write, badges:read, badges:write,
awards:read, awards:write, awards:revoke (several with --scope repeated or comma-separated;
every scope also allows reading). --expires takes days (90d), weeks (12w), years (1y) or a Go
duration (36h); without it the token never expires. See docs/API.md.
`

// runToken manages API tokens from the command line: create, list, revoke.
func runToken(ctx context.Context, env Env, args []string) int {
	return subcommand(ctx, env, "token", tokenUsage, args, map[string]func(context.Context, Env, []string) int{
		"create": runTokenCreate,
		"list":   runTokenList,
		"revoke": runTokenRevoke,
	})
}

// scopeFlags collects repeated --scope values.
type scopeFlags []string

func (s *scopeFlags) String() string     { return strings.Join(*s, ",") }
func (s *scopeFlags) Set(v string) error { *s = append(*s, v); return nil }

// parseExpiry reads --expires: Nd, Nw, Ny or a Go duration; "" or "never" for none.
func parseExpiry(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "never" {
		return time.Time{}, nil
	}
	if n, err := strconv.Atoi(s[:len(s)-1]); err == nil && n > 0 {
		switch s[len(s)-1] {
		case 'd':
			return now.AddDate(0, 0, n), nil
		case 'w':
			return now.AddDate(0, 0, 7*n), nil
		case 'y':
			return now.AddDate(n, 0, 0), nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return time.Time{}, fmt.Errorf("--expires %q: want a number of days (90d), weeks (12w), years (1y), a duration (36h) or never", s)
	}
	return now.Add(d), nil
}

// tokenService parses the arguments, runs check on them (it returns a non-zero exit status
// for a usage error), then opens the database and returns the tokens service acting as the
// command line.
func tokenService(ctx context.Context, env Env, fs *flag.FlagSet, args []string, check func() int) (context.Context, *service.Tokens, func(), int, bool) {
	cfg, code, ok := loadConfig(fs, args, env)
	if !ok {
		return ctx, nil, nil, code, false
	}
	if code := check(); code != ExitOK {
		return ctx, nil, nil, code, false
	}
	logger := newLogger(cfg, env.Stderr)
	st, err := openStore(ctx, cfg, logger, true)
	if err != nil {
		return ctx, nil, nil, failure(env, fs.Name(), err), false
	}
	actor := "cli"
	if u := env.Getenv("USER"); u != "" {
		actor = "cli:" + u
	}
	return service.WithActor(ctx, actor), service.NewTokens(st, badge.SystemClock{}, logger), func() { st.Close() }, ExitOK, true
}

func tokenFlags(name string, env Env) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), tokenUsage+"\nOptions:\n")
		fs.PrintDefaults()
	}
	return fs
}

// runTokenCreate is `rosette token create`.
func runTokenCreate(ctx context.Context, env Env, args []string) int {
	fs := tokenFlags("token create", env)
	user := fs.String("user", "", "email address of the token's user (required)")
	issuer := fs.String("issuer", "", "limit the token to this issuer id (default: any issuer the user works on)")
	name := fs.String("name", "", `what the token is for (default "API token")`)
	expires := fs.String("expires", "", "expire after 90d, 12w, 1y, 36h... (default: never)")
	var scopes scopeFlags
	fs.Var(&scopes, "scope", "a scope the token has (repeat, or comma-separate; at least one)")
	var exp time.Time
	ctx, tokens, done, code, ok := tokenService(ctx, env, fs, args, func() int {
		if fs.NArg() > 0 {
			fmt.Fprintf(env.Stderr, "rosette token create: unexpected argument %q\n", fs.Arg(0))
			return ExitUsage
		}
		if strings.TrimSpace(*user) == "" || len(scopes) == 0 {
			fmt.Fprintln(env.Stderr, "rosette token create: --user and at least one --scope are required")
			return ExitUsage
		}
		var err error
		if exp, err = parseExpiry(*expires, time.Now()); err != nil {
			fmt.Fprintf(env.Stderr, "rosette token create: %v\n", err)
			return ExitUsage
		}
		return ExitOK
	})
	if !ok {
		return code
	}
	defer done()
	uid, err := tokens.UserID(ctx, service.System, *user)
	if err != nil {
		return failure(env, "token create", err)
	}
	text, rec, err := tokens.Create(ctx, service.System, uid, *issuer, *name, scopes, exp)
	if err != nil {
		return failure(env, "token create", err)
	}
	fmt.Fprintln(env.Stdout, text)
	fmt.Fprintf(env.Stderr, "Created API token %d (%s) for %s with scopes %s. It is shown once, above; store it safely.\n",
		rec.ID, rec.Name, strings.TrimSpace(*user), scopeNames(rec.Scopes))
	return ExitOK
}

func scopeNames(ss []badge.Scope) string {
	names := make([]string, len(ss))
	for i, s := range ss {
		names[i] = string(s)
	}
	return strings.Join(names, ",")
}

// runTokenList is `rosette token list`.
func runTokenList(ctx context.Context, env Env, args []string) int {
	fs := tokenFlags("token list", env)
	user := fs.String("user", "", "email address of the user (required)")
	ctx, tokens, done, code, ok := tokenService(ctx, env, fs, args, func() int {
		if strings.TrimSpace(*user) == "" || fs.NArg() > 0 {
			fmt.Fprintln(env.Stderr, "rosette token list: --user is required, and nothing else")
			return ExitUsage
		}
		return ExitOK
	})
	if !ok {
		return code
	}
	defer done()
	uid, err := tokens.UserID(ctx, service.System, *user)
	if err != nil {
		return failure(env, "token list", err)
	}
	list, err := tokens.List(ctx, service.System, uid)
	if err != nil {
		return failure(env, "token list", err)
	}
	day := func(t time.Time) string {
		if t.IsZero() {
			return "-"
		}
		return t.UTC().Format("2006-01-02 15:04")
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tPREFIX\tISSUER\tSCOPES\tCREATED\tLAST USED\tEXPIRES\tSTATE")
	now := time.Now()
	for _, t := range list {
		state := "active"
		switch {
		case !t.RevokedAt.IsZero():
			state = "revoked"
		case !t.Active(now):
			state = "expired"
		}
		issuer := t.IssuerID
		if issuer == "" {
			issuer = "(any)"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Name, t.Prefix, issuer, scopeNames(t.Scopes),
			day(t.CreatedAt), day(t.LastUsedAt), day(t.ExpiresAt), state)
	}
	tw.Flush()
	return ExitOK
}

// runTokenRevoke is `rosette token revoke ID`.
func runTokenRevoke(ctx context.Context, env Env, args []string) int {
	fs := tokenFlags("token revoke", env)
	var id int64
	ctx, tokens, done, code, ok := tokenService(ctx, env, fs, args, func() int {
		if fs.NArg() != 1 {
			fmt.Fprintln(env.Stderr, "rosette token revoke: give the token's id (see rosette token list)")
			return ExitUsage
		}
		var err error
		if id, err = strconv.ParseInt(fs.Arg(0), 10, 64); err != nil {
			fmt.Fprintf(env.Stderr, "rosette token revoke: %q is not a token id\n", fs.Arg(0))
			return ExitUsage
		}
		return ExitOK
	})
	if !ok {
		return code
	}
	defer done()
	rec, err := tokens.Revoke(ctx, service.System, id)
	if errors.Is(err, badge.Conflict) {
		fmt.Fprintf(env.Stdout, "API token %d was already revoked\n", id)
		return ExitOK
	}
	if err != nil {
		return failure(env, "token revoke", err)
	}
	fmt.Fprintf(env.Stdout, "API token %d (%s) is revoked\n", rec.ID, rec.Name)
	return ExitOK
}
