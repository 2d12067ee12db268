// Command rosette is the Rosette digital badge platform: the issuer platform, the earner
// wallet, the public verifier, the APIs and the command line, in one binary.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/rosettebadges/rosette/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, cli.Env{
		Args:   os.Args[1:],
		Getenv: os.Getenv,
		Stdin:  os.Stdin,
		Stdout: os.Stdout,
		Stderr: os.Stderr,
	})
	stop()
	os.Exit(code)
}
