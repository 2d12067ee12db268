package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rosettebadges/rosette/openbadges/bake"
)

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestBakeUnbake(t *testing.T) {
	// A minimal valid PNG (1x1 grey) and SVG, so the test needs no fixtures.
	png := "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x00\x00\x00\x00:~\x9bU\x00\x00\x00\nIDATx\x9cc`\x00\x00\x00\x02\x00\x01H\xaf\xa4q\x00\x00\x00\x00IEND\xaeB`\x82"
	svg := `<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"><rect width="1" height="1"/></svg>`
	ob3 := `{"@context":["https://www.w3.org/ns/credentials/v2","https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],"id":"urn:uuid:1","type":["VerifiableCredential","OpenBadgeCredential"]}`
	ob2 := `{"@context":"https://w3id.org/openbadges/v2","type":"Assertion","id":"https://example.org/a/1"}`
	jwt := "eyJhbGciOiJSUzI1NiJ9.eyJAY29udGV4dCI6WyJodHRwczovL3d3dy53My5vcmcvbnMvY3JlZGVudGlhbHMvdjIiXX0.c2ln"
	tests := []struct {
		image, payload string
		kind           bake.Kind
	}{
		{png, ob3, bake.OB3}, {png, ob2, bake.OB2}, {png, jwt, bake.OB3},
		{svg, ob3, bake.OB3}, {svg, ob2, bake.OB2}, {svg, jwt, bake.OB3},
	}
	for _, tt := range tests {
		img := writeTemp(t, "image", tt.image)
		in := writeTemp(t, "cred", tt.payload+"\n")
		out := filepath.Join(t.TempDir(), "baked")
		code, _, stderr := run(t, "bake", "--image", img, "--in", in, "--out", out)
		if code != ExitOK || !strings.Contains(stderr, string(tt.kind)) {
			t.Fatalf("bake: exit %d, %s", code, stderr)
		}
		code, stdout, stderr := run(t, "unbake", out)
		if code != ExitOK || stdout != tt.payload+"\n" {
			t.Fatalf("unbake: exit %d, stdout %q, stderr %s", code, stdout, stderr)
		}
	}
	// To stdout.
	code, stdout, _ := run(t, "bake", "--image", writeTemp(t, "i", svg), "--in", writeTemp(t, "c", ob3))
	if code != ExitOK || !strings.Contains(stdout, "<openbadges:credential") {
		t.Fatalf("bake to stdout: %d %s", code, stdout)
	}

	img := writeTemp(t, "image", png)
	for _, tc := range []struct {
		args []string
		want int
	}{
		{[]string{"bake"}, ExitUsage},
		{[]string{"bake", "--image", img}, ExitUsage},
		{[]string{"bake", "--image", img, "--in", "/nonexistent"}, ExitUsage},
		{[]string{"bake", "--image", writeTemp(t, "t", "text"), "--in", writeTemp(t, "c", ob3)}, ExitUsage},
		{[]string{"bake", "--image", img, "--in", writeTemp(t, "c", `{"a":1}`)}, ExitUsage},
		{[]string{"bake", "--image", img, "--in", writeTemp(t, "c", `{"a":1}`), "--kind", "openbadgecredential", "--out", filepath.Join(t.TempDir(), "o")}, ExitOK},
		{[]string{"bake", "-h"}, ExitOK},
		{[]string{"unbake"}, ExitUsage},
		{[]string{"unbake", "/nonexistent"}, ExitUsage},
		{[]string{"unbake", img}, ExitFailure},
		{[]string{"unbake", writeTemp(t, "x", "not an image")}, ExitUsage},
		{[]string{"unbake", "-h"}, ExitOK},
	} {
		if code, _, stderr := run(t, tc.args...); code != tc.want {
			t.Errorf("%v: exit %d, want %d (%s)", tc.args, code, tc.want, stderr)
		}
	}
}
