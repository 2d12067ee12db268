package cli

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/identity"
	"github.com/rosettebadges/rosette/internal/keys"
	"github.com/rosettebadges/rosette/internal/service"
)

const issuerUsage = `Usage:
  rosette issuer create --name N --owner EMAIL [--email E] [--website URL] [--description D]
                        [--logo URL] [--linkedin-org ID] [options]

Creates an issuer with its signing keys (Ed25519 and RSA-2048) and makes the user with the
email address EMAIL its owner. Prints the issuer id, its profile URL and its did:web.
`

// runIssuer manages issuers from the command line: create.
func runIssuer(ctx context.Context, env Env, args []string) int {
	return subcommand(ctx, env, "issuer", issuerUsage, args, map[string]func(context.Context, Env, []string) int{"create": runIssuerCreate})
}

// runIssuerCreate is `rosette issuer create`.
func runIssuerCreate(ctx context.Context, env Env, args []string) int {
	fs := flag.NewFlagSet("issuer create", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	var f badge.IssuerFields
	fs.StringVar(&f.Name, "name", "", "name of the issuer (required)")
	owner := fs.String("owner", "", "email address of the owner's account (required)")
	fs.StringVar(&f.Email, "email", "", "contact email address of the issuer")
	fs.StringVar(&f.Website, "website", "", "website, an http(s) URL")
	fs.StringVar(&f.Description, "description", "", "description")
	fs.StringVar(&f.LogoURL, "logo", "", "logo URL")
	fs.StringVar(&f.LinkedInOrg, "linkedin-org", "", "LinkedIn organisation id (digits)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), issuerUsage+"\nOptions:\n")
		fs.PrintDefaults()
	}
	cfg, code, ok := loadConfig(fs, args, env)
	if !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(env.Stderr, "rosette issuer create: unexpected argument %q\n", fs.Arg(0))
		return ExitUsage
	}
	if strings.TrimSpace(*owner) == "" || strings.TrimSpace(f.Name) == "" {
		fmt.Fprintln(env.Stderr, "rosette issuer create: --name and --owner are required")
		return ExitUsage
	}
	logger := newLogger(cfg, env.Stderr)
	st, err := openStore(ctx, cfg, logger, true)
	if err != nil {
		return failure(env, "issuer create", err)
	}
	defer st.Close()
	master, err := masterKey(cfg, st.Dialect(), logger)
	if err != nil {
		return failure(env, "issuer create", err)
	}
	svc := service.NewIssuers(st, keys.NewManager(st, master), badge.SystemClock{}, logger)
	actor := "cli"
	if u := env.Getenv("USER"); u != "" {
		actor = "cli:" + u
	}
	iss, err := svc.CreateForEmail(service.WithActor(ctx, actor), service.System, f, *owner)
	if err != nil {
		return failure(env, "issuer create", err)
	}
	urls := identity.URLs{Base: cfg.BaseURL}
	d, err := urls.DID(iss.ID)
	if err != nil {
		d = "(none: " + err.Error() + ")"
	}
	fmt.Fprintf(env.Stdout, "Created issuer %s\nid: %s\nprofile: %s\ndid: %s\n", iss.Name, iss.ID, urls.Profile(iss.ID), d)
	return ExitOK
}
