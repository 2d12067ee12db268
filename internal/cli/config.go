package cli

import (
	"context"
	"flag"
	"fmt"
)

// runConfig prints the effective configuration, secrets redacted.
func runConfig(_ context.Context, env Env, args []string) int {
	fs := flag.NewFlagSet("config", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: rosette config [options]\n\nPrints the effective configuration (flags > ROSETTE_* environment > defaults),\nsecrets redacted. Invalid settings are reported and exit with status 2.\n\nOptions:\n")
		fs.PrintDefaults()
	}
	cfg, code, ok := loadConfig(fs, args, env)
	if !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(env.Stderr, "rosette config: unexpected argument %q\n", fs.Arg(0))
		return ExitUsage
	}
	if err := cfg.Print(env.Stdout); err != nil {
		return ExitFailure
	}
	return ExitOK
}
