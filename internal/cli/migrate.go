package cli

import (
	"context"
	"flag"
	"fmt"
	"strings"
)

// runMigrate applies the embedded migrations (up) or lists them (status).
func runMigrate(ctx context.Context, env Env, args []string) int {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: rosette migrate up|status [options]\n\n  up      apply every pending migration of the configured database\n  status  list the migrations and whether each is applied\n\nOptions:\n")
		fs.PrintDefaults()
	}
	sub := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		sub, args = args[0], args[1:]
	}
	cfg, code, ok := loadConfig(fs, args, env)
	if !ok {
		return code
	}
	if sub == "" && fs.NArg() > 0 {
		sub = fs.Arg(0)
	} else if fs.NArg() > 0 {
		fmt.Fprintf(env.Stderr, "rosette migrate: unexpected argument %q\n", fs.Arg(0))
		return ExitUsage
	}
	if sub != "up" && sub != "status" {
		fmt.Fprintf(env.Stderr, "rosette migrate: want 'up' or 'status', got %q\n", sub)
		fs.Usage()
		return ExitUsage
	}
	logger := newLogger(cfg, env.Stderr)
	st, err := openStore(ctx, cfg, logger, false)
	if err != nil {
		return failure(env, "migrate", err)
	}
	defer st.Close()
	if sub == "up" {
		if err := st.Migrate(ctx); err != nil {
			return failure(env, "migrate", err)
		}
	}
	ms, err := st.Migrations(ctx)
	if err != nil {
		return failure(env, "migrate", err)
	}
	pending := 0
	var b strings.Builder
	fmt.Fprintf(&b, "database: %s\n", st.Dialect())
	for _, m := range ms {
		state := "applied"
		if !m.Applied {
			state = "pending"
			pending++
		}
		fmt.Fprintf(&b, "%-8s %s\n", state, m.Name)
	}
	if pending == 0 {
		b.WriteString("up to date\n")
	} else {
		fmt.Fprintf(&b, "%d pending: run 'rosette migrate up'\n", pending)
	}
	fmt.Fprint(env.Stdout, b.String())
	return ExitOK
}
