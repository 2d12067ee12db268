// Package testenv finds the real servers that tests run against (PostgreSQL, Chromium) and
// decides what a test does when one is missing: under `make test` (ROSETTE_TEST_REQUIRE=1) it
// fails, under a plain `go test ./...` it skips with a message saying how to run it.
package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Required reports whether missing test dependencies are failures (make test) rather than skips.
func Required() bool { return os.Getenv("ROSETTE_TEST_REQUIRE") == "1" }

func missing(t testing.TB, what, how string) {
	t.Helper()
	if Required() {
		t.Fatalf("%s not available under make test: %s", what, how)
	}
	t.Skipf("%s not available (%s); `make test` provides it", what, how)
}

// PostgresURL returns the URL of the PostgreSQL server tests may use (each test creates its
// own schema or database in it), from ROSETTE_TEST_POSTGRES_URL.
func PostgresURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("ROSETTE_TEST_POSTGRES_URL")
	if u == "" {
		missing(t, "PostgreSQL", "set ROSETTE_TEST_POSTGRES_URL=postgres://...")
	}
	return u
}

// Chromium returns the path of a Chromium binary: ROSETTE_TEST_CHROMIUM, or chromium on PATH.
func Chromium(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("ROSETTE_TEST_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	missing(t, "Chromium", "install Debian's chromium or set ROSETTE_TEST_CHROMIUM")
	return ""
}

// Tool returns the path of a command-line tool on PATH that tests run (pdftotext, pdftoppm,
// zbarimg, ...); pkg is the Debian package that has it, which scripts/testenv.sh installs.
func Tool(t testing.TB, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		missing(t, name, "install Debian's "+pkg)
	}
	return p
}

// FixturePath returns the path of a file of the shared test fixtures, rel in slash form
// (such as "w3c-rdf-canon/tests/manifest.jsonld"): under $ROSETTE_FIXTURES, or
// ../shared/fixtures next to the repository. A missing fixture fails the test under make
// test and skips it otherwise, naming the file.
func FixturePath(t testing.TB, rel string) string {
	t.Helper()
	dir := os.Getenv("ROSETTE_FIXTURES")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "fixtures") // from a package two levels down
	}
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if _, err := os.Stat(p); err != nil {
		missing(t, "fixture "+p, "set ROSETTE_FIXTURES to the fixtures directory")
	}
	return p
}

// ReadFixture returns the bytes of a shared test fixture (see FixturePath).
func ReadFixture(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(FixturePath(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
