// Package cli is Rosette's command line: it parses arguments and hands each subcommand
// (serve, migrate, user, keys, sign, verify, bake, ...) to the layers below. It owns no
// business rules.
package cli

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Exit statuses shared by every subcommand.
const (
	ExitOK      = 0 // success, or "valid" for verify
	ExitFailure = 1 // the operation failed, or "not valid" for verify
	ExitUsage   = 2 // bad usage or unreadable input
)

// Env is everything a command may touch of its process: arguments, environment, streams.
// Tests build one by hand; main builds it from package os.
type Env struct {
	Args   []string // arguments after the program name
	Getenv func(string) string
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
}

// command is one subcommand of rosette.
type command struct {
	summary string
	run     func(ctx context.Context, env Env, args []string) int
}

// commands lists every subcommand. Each lives in its own file of this package.
func commands() map[string]command {
	return map[string]command{
		"bake":    {"bake a credential into a PNG or SVG image", runBake},
		"config":  {"print the effective configuration, secrets redacted", runConfig},
		"help":    {"show this help, or the help of one command", runHelp},
		"issuer":  {"create an issuer with its signing keys and owner (issuer create)", runIssuer},
		"keys":    {"generate signing keys (keys new)", runKeys},
		"mail":    {"send a test email with the SMTP settings (mail test)", runMail},
		"migrate": {"apply (up) or list (status) database migrations", runMigrate},
		"serve":   {"start the web server (pages, APIs, background jobs)", runServe},
		"sign":    {"sign an OB 3.0 credential (Data Integrity or VC-JWT) or an OB 2.0 assertion (JWS)", runSign},
		"token":   {"create, list or revoke API tokens (token create --user EMAIL --scope S)", runToken},
		"unbake":  {"print the credential baked into a PNG or SVG image", runUnbake},
		"user":    {"create a user or reset a password", runUser},
		"verify":  {"verify an Open Badge (file, baked image, JWS or URL)", runVerify},
		"version": {"print the version", runVersion},
	}
}

// Version is set at build time with -ldflags "-X github.com/rosettebadges/rosette/internal/cli.Version=...".
var Version = "dev"

// Main runs rosette with env and returns the process exit status.
func Main(ctx context.Context, env Env) int {
	if env.Getenv == nil {
		env.Getenv = func(string) string { return "" }
	}
	if len(env.Args) == 0 {
		usage(env.Stderr)
		return ExitUsage
	}
	name, args := env.Args[0], env.Args[1:]
	switch name {
	case "-h", "-help", "--help":
		name = "help"
	case "-version", "--version":
		name = "version"
	}
	cmd, ok := commands()[name]
	if !ok {
		fmt.Fprintf(env.Stderr, "rosette: unknown command %q\n\n", name)
		usage(env.Stderr)
		return ExitUsage
	}
	return cmd.run(ctx, env, args)
}

// subcommand runs the subcommand args[0] of the command name from subs: no argument is a
// usage error, -h or help prints usage, an unknown one is a usage error naming it.
func subcommand(ctx context.Context, env Env, name, usage string, args []string, subs map[string]func(context.Context, Env, []string) int) int {
	if len(args) == 0 {
		fmt.Fprint(env.Stderr, usage)
		return ExitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(env.Stdout, usage)
		return ExitOK
	}
	run, ok := subs[args[0]]
	if !ok {
		fmt.Fprintf(env.Stderr, "rosette %s: unknown subcommand %q\n\n%s", name, args[0], usage)
		return ExitUsage
	}
	return run(ctx, env, args[1:])
}

func usage(w io.Writer) {
	var b strings.Builder
	b.WriteString("Rosette: digital badges, Open Badges 2.0 and 3.0.\n\nUsage: rosette COMMAND [options]\n\nCommands:\n")
	cmds := commands()
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(&b, "  %-10s %s\n", n, cmds[n].summary)
	}
	b.WriteString("\nRun 'rosette help COMMAND' or 'rosette COMMAND -h' for a command's options.\n")
	io.WriteString(w, b.String())
}

func runHelp(ctx context.Context, env Env, args []string) int {
	if len(args) == 0 {
		usage(env.Stdout)
		return ExitOK
	}
	cmd, ok := commands()[args[0]]
	if !ok || args[0] == "help" {
		usage(env.Stdout)
		return ExitOK
	}
	return cmd.run(ctx, env, []string{"-h"})
}

func runVersion(_ context.Context, env Env, _ []string) int {
	fmt.Fprintf(env.Stdout, "rosette %s\n", Version)
	return ExitOK
}
