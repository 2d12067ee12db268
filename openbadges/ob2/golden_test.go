package ob2

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// The 2.0 form each OB 0.5 / 1.0 / 1.1 / 2.0 sample is upgraded to, byte for byte.
func TestUpgradeGolden(t *testing.T) {
	for _, name := range []string{"0_5_assertion.json", "0_5_1_assertion.json", "1_0_basic_assertion.json", "1_0_basic_assertion_with_extra_properties.json", "1_1_basic_assertion.json", "2_0_basic_assertion.json"} {
		t.Run(name, func(t *testing.T) {
			a, err := ParseAssertion(component(t, name))
			if err != nil {
				t.Fatal(err)
			}
			b, err := json.Marshal(a)
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			json.Indent(&out, b, "", "  ")
			out.WriteByte('\n')
			p := filepath.Join("testdata", "upgraded", strings.TrimSuffix(name, ".json")+".golden.json")
			if *update {
				os.MkdirAll(filepath.Dir(p), 0o755)
				if err := os.WriteFile(p, out.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(p)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), out.String()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
