package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"

	"github.com/rosettebadges/rosette/openbadges/did"
	"github.com/rosettebadges/rosette/openbadges/key"
)

// runKeys dispatches "rosette keys SUBCOMMAND".
func runKeys(ctx context.Context, env Env, args []string) int {
	const usage = "Usage: rosette keys new --alg Ed25519|ES256|RS256 [--out FILE]\n\n" +
		"  new   generate a key pair and write the private JWK (with a kid) to FILE or stdout\n"
	return subcommand(ctx, env, "keys", usage, args, map[string]func(context.Context, Env, []string) int{"new": runKeysNew})
}

// runKeysNew generates a key and writes its private JWK. A file is created with mode 0600 and
// never overwritten.
func runKeysNew(_ context.Context, env Env, args []string) int {
	fl := flag.NewFlagSet("keys new", flag.ContinueOnError)
	fl.SetOutput(env.Stderr)
	alg := fl.String("alg", "Ed25519", "key algorithm: Ed25519, ES256 or RS256")
	out := fl.String("out", "", "write the private JWK to this new file (mode 0600) instead of stdout")
	fl.Usage = func() {
		fmt.Fprintln(fl.Output(), "Usage: rosette keys new --alg Ed25519|ES256|RS256 [--out FILE]")
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK
		}
		return ExitUsage
	}
	if fl.NArg() > 0 {
		fmt.Fprintf(env.Stderr, "rosette keys new: unexpected argument %q\n", fl.Arg(0))
		return ExitUsage
	}
	a, err := key.ParseAlgorithm(*alg)
	if err != nil {
		fmt.Fprintf(env.Stderr, "rosette keys new: %v\n", err)
		return ExitUsage
	}
	k, err := key.Generate(a)
	if err != nil {
		fmt.Fprintf(env.Stderr, "rosette keys new: %v\n", err)
		return ExitFailure
	}
	jwk, err := k.MarshalJWK()
	if err != nil {
		fmt.Fprintf(env.Stderr, "rosette keys new: %v\n", err)
		return ExitFailure
	}
	jwk = append(jwk, '\n')
	if *out == "" {
		if _, err := env.Stdout.Write(jwk); err != nil {
			return ExitFailure
		}
	} else if err := writeNewFile(*out, jwk, 0o600); err != nil {
		fmt.Fprintf(env.Stderr, "rosette keys new: %v\n", err)
		return ExitFailure
	}
	fmt.Fprintf(env.Stderr, "kid: %s\n", k.KeyID)
	if d, _, err := did.KeyDID(k.Public()); err == nil {
		fmt.Fprintf(env.Stderr, "did:key: %s\n", d)
	}
	return ExitOK
}

// writeNewFile creates path with perm, failing if it exists, and removes it again if the
// write fails.
func writeNewFile(path string, b []byte, perm fs.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return err
	}
	return nil
}
