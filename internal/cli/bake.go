package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/rosettebadges/rosette/openbadges/bake"
)

// runBake bakes a credential (JSON or compact JWS) into a PNG or SVG image.
func runBake(_ context.Context, env Env, args []string) int {
	fl := flag.NewFlagSet("bake", flag.ContinueOnError)
	fl.SetOutput(env.Stderr)
	image := fl.String("image", "", "the PNG or SVG image to bake into (required)")
	in := fl.String("in", "", "the credential or assertion: JSON or a compact JWS (required)")
	out := fl.String("out", "", "write the baked image to this file instead of stdout")
	kindFlag := fl.String("kind", "", "openbadges (OB 2.0), openbadgecredential (OB 3.0) or clrcredential (CLR 2.0); detected from the payload when empty")
	fl.Usage = func() {
		fmt.Fprintln(fl.Output(), "Usage: rosette bake --image PNG|SVG --in CREDENTIAL [--out FILE] [--kind KIND]")
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK
		}
		return ExitUsage
	}
	if *image == "" || *in == "" || fl.NArg() > 0 {
		fl.Usage()
		return ExitUsage
	}
	img, err := os.ReadFile(*image)
	if err != nil {
		fmt.Fprintf(env.Stderr, "rosette bake: %v\n", err)
		return ExitUsage
	}
	payload, err := os.ReadFile(*in)
	if err != nil {
		fmt.Fprintf(env.Stderr, "rosette bake: %v\n", err)
		return ExitUsage
	}
	payload = trimNewline(payload)
	kind := bake.Kind(*kindFlag)
	if kind == "" {
		if kind, err = bake.DetectKind(payload); err != nil {
			fmt.Fprintf(env.Stderr, "rosette bake: %s: %v (use --kind)\n", *in, err)
			return ExitUsage
		}
	}
	baked, err := bake.Bake(img, kind, payload)
	if err != nil {
		fmt.Fprintf(env.Stderr, "rosette bake: %v\n", err)
		return ExitUsage
	}
	if *out == "" {
		if _, err := env.Stdout.Write(baked); err != nil {
			return ExitFailure
		}
	} else if err := os.WriteFile(*out, baked, 0o644); err != nil {
		fmt.Fprintf(env.Stderr, "rosette bake: %v\n", err)
		return ExitFailure
	}
	fmt.Fprintf(env.Stderr, "baked %s (%s)\n", kind, describeKind(kind))
	return ExitOK
}

// runUnbake prints the payload baked into a PNG or SVG.
func runUnbake(_ context.Context, env Env, args []string) int {
	fl := flag.NewFlagSet("unbake", flag.ContinueOnError)
	fl.SetOutput(env.Stderr)
	fl.Usage = func() {
		fmt.Fprintln(fl.Output(), "Usage: rosette unbake FILE\n\nPrints the credential, assertion, JWS or URL baked into a PNG or SVG image.")
	}
	if err := fl.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK
		}
		return ExitUsage
	}
	if fl.NArg() != 1 {
		fl.Usage()
		return ExitUsage
	}
	img, err := os.ReadFile(fl.Arg(0))
	if err != nil {
		fmt.Fprintf(env.Stderr, "rosette unbake: %v\n", err)
		return ExitUsage
	}
	b, err := bake.Unbake(img)
	switch {
	case errors.Is(err, bake.ErrNotBaked):
		fmt.Fprintf(env.Stderr, "rosette unbake: %s: %v\n", fl.Arg(0), err)
		return ExitFailure
	case err != nil:
		fmt.Fprintf(env.Stderr, "rosette unbake: %s: %v\n", fl.Arg(0), err)
		return ExitUsage
	}
	if _, err := fmt.Fprintf(env.Stdout, "%s\n", b.Payload); err != nil {
		return ExitFailure
	}
	return ExitOK
}

func describeKind(k bake.Kind) string {
	switch k {
	case bake.OB2:
		return "Open Badges 2.0"
	case bake.OB3:
		return "Open Badges 3.0"
	case bake.CLR:
		return "CLR 2.0"
	}
	return "unknown"
}

func trimNewline(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}
