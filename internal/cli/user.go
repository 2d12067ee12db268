package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/service"
)

const userUsage = `Usage:
  rosette user create --email E [--name N] [--admin] [--password-file FILE] [options]
  rosette user reset-password --email E [--password-file FILE] [options]

The password is asked for at the terminal, or read from --password-file (its first line).
It is never taken as an argument. At least 10 characters, not one character repeated.
`

// runUser manages user accounts from the command line: create, reset-password.
func runUser(ctx context.Context, env Env, args []string) int {
	return subcommand(ctx, env, "user", userUsage, args, map[string]func(context.Context, Env, []string) int{
		"create":         userCommand("create"),
		"reset-password": userCommand("reset-password"),
	})
}

// userCommand returns `rosette user SUB`: create and reset-password share flags and the
// password rules.
func userCommand(sub string) func(context.Context, Env, []string) int {
	return func(ctx context.Context, env Env, args []string) int {
		return runUserSub(ctx, env, sub, args)
	}
}

func runUserSub(ctx context.Context, env Env, sub string, args []string) int {
	name := "user " + sub
	for _, a := range args {
		if a == "--" {
			break
		}
		if f := strings.TrimLeft(a, "-"); strings.HasPrefix(a, "-") && (f == "password" || strings.HasPrefix(f, "password=")) {
			fmt.Fprintf(env.Stderr, "rosette %s: passwords are never taken as arguments (they end up in shell history and process lists); use the prompt or --password-file FILE\n", name)
			return ExitUsage
		}
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	email := fs.String("email", "", "email address of the user (required)")
	passwordFile := fs.String("password-file", "", "read the password from the first line of this file instead of prompting")
	var fullName *string
	var admin *bool
	if sub == "create" {
		fullName = fs.String("name", "", "display name")
		admin = fs.Bool("admin", false, "make the user a site admin")
	}
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), userUsage+"\nOptions:\n")
		fs.PrintDefaults()
	}
	cfg, code, ok := loadConfig(fs, args, env)
	if !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(env.Stderr, "rosette %s: unexpected argument %q\n", name, fs.Arg(0))
		return ExitUsage
	}
	if strings.TrimSpace(*email) == "" {
		fmt.Fprintf(env.Stderr, "rosette %s: --email is required\n", name)
		return ExitUsage
	}
	password, err := readPassword(env, *passwordFile)
	if err != nil {
		fmt.Fprintf(env.Stderr, "rosette %s: %v\n", name, err)
		return ExitUsage
	}
	// The service's own checks, before the database is opened: every problem at once.
	check := service.CheckPassword(password)
	if sub == "create" {
		check = service.CheckNewUser(*email, *fullName, password, false)
	}
	if check != nil {
		return failure(env, name, check)
	}
	logger := newLogger(cfg, env.Stderr)
	st, err := openStore(ctx, cfg, logger, true)
	if err != nil {
		return failure(env, name, err)
	}
	defer st.Close()
	acc := service.NewAccounts(st, badge.SystemClock{}, logger, service.AccountsOptions{
		SessionLifetime: cfg.SessionLifetime, SessionIdle: cfg.SessionIdle,
	})
	actor := "cli"
	if u := env.Getenv("USER"); u != "" {
		actor = "cli:" + u
	}
	ctx = service.WithActor(ctx, actor)
	if sub == "create" {
		u, err := acc.CreateUser(ctx, *email, *fullName, password, *admin)
		if err != nil {
			return failure(env, name, err)
		}
		role := "user"
		if u.IsAdmin {
			role = "admin"
		}
		fmt.Fprintf(env.Stdout, "created %s %s (id %d)\n", role, u.Email, u.ID)
		return ExitOK
	}
	if err := acc.ResetPassword(ctx, *email, password); err != nil {
		return failure(env, name, err)
	}
	fmt.Fprintf(env.Stdout, "password reset for %s; their sessions were ended\n", strings.TrimSpace(*email))
	return ExitOK
}

// readPassword reads the password from file (its first line) or, when stdin is a terminal,
// from a prompt asking twice. Anything else is an error: passwords never come from arguments.
func readPassword(env Env, file string) (string, error) {
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("--password-file: %v", err)
		}
		line, _, _ := strings.Cut(string(b), "\n")
		return strings.TrimSuffix(line, "\r"), nil
	}
	f, ok := env.Stdin.(interface{ Fd() uintptr })
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return "", errors.New("no terminal to ask for the password; use --password-file FILE")
	}
	fd := int(f.Fd())
	ask := func(prompt string) (string, error) {
		fmt.Fprint(env.Stderr, prompt)
		b, err := term.ReadPassword(fd)
		fmt.Fprintln(env.Stderr)
		if err != nil {
			if errors.Is(err, io.EOF) {
				return "", errors.New("no password given")
			}
			return "", err
		}
		return string(b), nil
	}
	p1, err := ask("Password: ")
	if err != nil {
		return "", err
	}
	p2, err := ask("Repeat password: ")
	if err != nil {
		return "", err
	}
	if p1 != p2 {
		return "", errors.New("the two passwords differ")
	}
	return p1, nil
}
