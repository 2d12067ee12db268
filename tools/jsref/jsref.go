// Package jsref runs the JavaScript reference stack in this directory (jsonld.js, rdf-canonize,
// digitalbazaar Data Integrity, offline over the embedded contexts) from Go tests: canonize.mjs,
// sign.mjs and verify.mjs each read JSON lines and write one JSON result per line.
// Tests skip where node or tools/jsref/node_modules is absent (the message names the command to
// run) and fail under ROSETTE_TEST_REQUIRE=1 when node exists but the install is missing.
// It is test support for both the standards library (openbadges/, which imports nothing from
// internal/) and the server's tests, so it lives here, beside the scripts it runs.
package jsref

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// Dir returns tools/jsref, or skips (fails under make test when node exists) if it cannot run.
func Dir(t testing.TB) string {
	t.Helper()
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node not found: the JavaScript reference checks need Node.js and `npm ci --prefix tools/jsref`")
	}
	root := repoRoot(t)
	dir := filepath.Join(root, "tools", "jsref")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "jsonld")); err != nil {
		msg := "tools/jsref/node_modules missing: run `npm ci --prefix tools/jsref` (scripts/testenv.sh ensure_jsref)"
		if os.Getenv("ROSETTE_TEST_REQUIRE") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return dir
}

func repoRoot(t testing.TB) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			t.Fatal("go.mod not found above " + wd)
		}
	}
}

// Run feeds inputs (one JSON value each) to tools/jsref/<script> and returns its results, one
// decoded JSON object per input, in order.
func Run(t testing.TB, script string, inputs []any) []map[string]any {
	t.Helper()
	dir := Dir(t)
	var in bytes.Buffer
	enc := json.NewEncoder(&in)
	enc.SetEscapeHTML(false)
	for _, v := range inputs {
		if err := enc.Encode(v); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", filepath.Join(dir, script))
	cmd.Dir = dir
	cmd.Stdin = &in
	var out, stderr bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("node %s: %v\n%s", script, err, stderr.String())
	}
	var res []map[string]any
	sc := bufio.NewScanner(&out)
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("node %s: bad output line %q: %v", script, sc.Text(), err)
		}
		res = append(res, m)
	}
	if len(res) != len(inputs) {
		t.Fatalf("node %s: %d results for %d inputs\n%s", script, len(res), len(inputs), stderr.String())
	}
	return res
}
