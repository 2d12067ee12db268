package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const sampleGo = `goos: linux
BenchmarkSignDataIntegrity/typical      	    6459	    177444 ns/op	      6470 creds/cpu-s	      5636 creds/s	   26107 B/op	     273 allocs/op
BenchmarkSignDataIntegrity/large-2      	     582	   2206570 ns/op	       473.6 creds/cpu-s	       453.2 creds/s	  408302 B/op	    4410 allocs/op
BenchmarkSignDataIntegrityJSONGold/typical	     368	   3618318 ns/op	       323.5 creds/cpu-s	       276.4 creds/s	  418907 B/op	    2915 allocs/op
BenchmarkSignJWT/RS256                  	     496	   2177166 ns/op	       515.6 ops/cpu-s	   16170 B/op	     132 allocs/op
PASS
BenchmarkSignDataIntegrity/large        	     600	   1900000 ns/op	       530.0 creds/cpu-s	       520.0 creds/s	  408302 B/op	    4410 allocs/op
BenchmarkSignDataIntegrity/large        	     500	   2500000 ns/op	       400.0 creds/cpu-s	       390.0 creds/s	  408302 B/op	    4410 allocs/op
PASS
`

const sampleJS = `{"node":"v20","n":3,"results":[{"cred":"typical","op":"sign","ops_per_sec":80,"ops_per_cpu_sec":64.7}]}`

func TestTable(t *testing.T) {
	dir := t.TempDir()
	goFile, jsFile := filepath.Join(dir, "go.txt"), filepath.Join(dir, "js.json")
	if err := os.WriteFile(goFile, []byte(sampleGo), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(jsFile, []byte(sampleJS), 0o644); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := run(&out, goFile, jsFile); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		// per CPU-second rates, the -P suffix dropped, ratios Rosette / other
		"| typical | sign | 6470 | 5636 | 177444 | 26107 | 273 | >= 4000 met | - | 324 | 65 | - | 20.0x | 100.0x |",
		"| large | sign | 474 | 453 | 2206570 | 408302 | 4410 | >= 4000 MISSED | - | - | - | - | - | - |",
		"| SignJWT/RS256 | 516 | 459 | 2177166 | 16170 | 132 |",
		// three runs of the large sign: the median's whole line, and the range
		"CPU-second: large sign 400 to 530.",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
