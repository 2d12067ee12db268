package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/config"
	"github.com/rosettebadges/rosette/internal/store"
)

// loadConfig parses a command's arguments with the shared configuration flags. It prints
// errors itself and returns ok=false with the exit status to use (ExitOK for -h).
func loadConfig(fs *flag.FlagSet, args []string, env Env) (cfg config.Config, code int, ok bool) {
	cfg, err := config.Load(fs, args, env.Getenv)
	if errors.Is(err, flag.ErrHelp) {
		return cfg, ExitOK, false
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "rosette %s: %v\n", fs.Name(), err)
		return cfg, ExitUsage, false
	}
	return cfg, ExitOK, true
}

// newLogger returns the process logger described by cfg, writing to w.
func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	level.UnmarshalText([]byte(cfg.LogLevel)) // validated by config
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// openStore opens the database of cfg and, if migrate, brings its schema up to date.
func openStore(ctx context.Context, cfg config.Config, logger *slog.Logger, migrate bool) (*store.Store, error) {
	st, err := store.Open(ctx, cfg.DatabaseURL, cfg.DataDir, logger)
	if err != nil {
		return nil, err
	}
	if migrate {
		if err := st.Migrate(ctx); err != nil {
			st.Close()
			return nil, err
		}
	}
	return st, nil
}

// failure prints err for the person at the terminal (the safe message, plus the cause for
// internal errors, since the operator is the one who can fix those) and returns ExitFailure.
func failure(env Env, cmd string, err error) int {
	msg := badge.SafeMessage(err)
	if badge.KindOf(err) == badge.Internal {
		msg = err.Error()
	} else if j, ok := err.(interface{ Unwrap() []error }); ok {
		// Several problems at once (e.g. one per field of a new user): one line each.
		var lines []string
		for _, e := range j.Unwrap() {
			lines = append(lines, badge.SafeMessage(e))
		}
		msg = strings.Join(lines, "\n  ")
	}
	fmt.Fprintf(env.Stderr, "rosette %s: %s\n", cmd, msg)
	return ExitFailure
}
