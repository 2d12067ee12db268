package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"github.com/rosettebadges/rosette/internal/jsonl"
)

// signJSONL runs sign --jsonl: every line of the input (FILE or standard input) through s.
func signJSONL(ctx context.Context, env Env, s *signer, name string, jobs int) int {
	in, closeIn, err := openInput(env, name)
	if err != nil {
		fmt.Fprintf(env.Stderr, "rosette sign: %v\n", err)
		return ExitUsage
	}
	defer closeIn()
	defer lessGC(env)()
	st, err := jsonl.Run(ctx, in, env.Stdout, func(ctx context.Context, line int, doc, out []byte) ([]byte, bool) {
		signed, _, err := s.sign(ctx, doc)
		if err != nil {
			return appendLineError(out, line, err.Error()), false
		}
		return append(out, signed...), true
	}, jsonl.Options{Jobs: jobs})
	return jsonlStatus(env, "sign", st, err)
}

// lineError is the JSON object written for a line that could not be handled.
type lineError struct {
	Line  int    `json:"line"`
	Error string `json:"error"`
}

func appendLineError(out []byte, line int, msg string) []byte {
	b, _ := json.Marshal(lineError{Line: line, Error: msg}) // cannot fail: an int and a string
	return append(out, b...)
}

// openInput opens FILE, or standard input for "" and "-".
func openInput(env Env, name string) (io.Reader, func(), error) {
	if name == "" || name == "-" {
		if env.Stdin == nil {
			return nil, nil, fmt.Errorf("no standard input")
		}
		return env.Stdin, func() {}, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, err
	}
	return f, func() { f.Close() }, nil
}

// jsonlStatus reports the end of a --jsonl run on standard error and returns the exit status:
// 2 when the input could not be read, 1 when a line failed (or the output could not be
// written), 0 otherwise.
func jsonlStatus(env Env, cmd string, st jsonl.Stats, err error) int {
	if err != nil {
		fmt.Fprintf(env.Stderr, "rosette %s: %v (after %d lines)\n", cmd, err, st.Lines)
		if errors.Is(err, jsonl.ErrRead) {
			return ExitUsage
		}
		return ExitFailure
	}
	if st.Failed > 0 {
		fmt.Fprintf(env.Stderr, "rosette %s: %d of %d lines failed\n", cmd, st.Failed, st.Lines)
		return ExitFailure
	}
	return ExitOK
}

// lessGC lets the heap grow to 5x the live data between collections (GOGC=400) for a bulk
// run, unless GOGC is set: the live heap of a --jsonl run is small and bounded by the window,
// and a bulk run allocates fast, so the default collects every few dozen lines. It returns
// the function restoring the previous setting.
func lessGC(env Env) func() {
	if env.Getenv("GOGC") != "" {
		return func() {}
	}
	old := debug.SetGCPercent(400)
	return func() { debug.SetGCPercent(old) }
}
