package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/rosettebadges/rosette/internal/jsonl"
	"github.com/rosettebadges/rosette/openbadges/verify"
)

// verifyJSONL runs verify --jsonl: every line of the input (FILE or standard input) through
// v, one JSON report (as --json prints it, on one line) per line.
func verifyJSONL(ctx context.Context, env Env, v *verify.Verifier, name string, jobs int) int {
	in, closeIn, err := openInput(env, name)
	if err != nil {
		fmt.Fprintf(env.Stderr, "rosette verify: %v\n", err)
		return ExitUsage
	}
	defer closeIn()
	defer lessGC(env)()
	st, err := jsonl.Run(ctx, in, env.Stdout, func(ctx context.Context, line int, doc, out []byte) ([]byte, bool) {
		// Each line gets the time bound a single verification gets.
		ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		defer cancel()
		rep := v.Verify(ctx, doc)
		b, err := json.Marshal(rep.WithoutCredentials())
		if err != nil {
			return appendLineError(out, line, err.Error()), false
		}
		return append(out, b...), rep.Valid && rep.InputError == ""
	}, jsonl.Options{Jobs: jobs, TooLong: func(line, max int, out []byte) []byte {
		b, err := json.Marshal(tooLongReport(v, max))
		if err != nil {
			return appendLineError(out, line, err.Error())
		}
		return append(out, b...)
	}})
	return jsonlStatus(env, "verify", st, err)
}

// tooLongReport is the report of a line longer than max bytes (which is not read): the
// verifier's own report of an unreadable input, with the reason.
func tooLongReport(v *verify.Verifier, max int) *verify.Report {
	rep := v.Verify(context.Background(), nil).WithoutCredentials()
	rep.InputError = fmt.Sprintf("the line is longer than %d bytes", max)
	for i := range rep.Checks {
		if rep.Checks[i].Name == "Input" {
			rep.Checks[i].Message = "This is not a badge that can be read: " + rep.InputError + "."
		}
	}
	return rep
}
