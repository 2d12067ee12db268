package proof

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
)

// leafPaths lists the path to every leaf (string, number, bool, null) of v.
func leafPaths(v any, path []any, out *[][]any) {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			leafPaths(e, append(append([]any{}, path...), k), out)
		}
	case []any:
		for i, e := range t {
			leafPaths(e, append(append([]any{}, path...), i), out)
		}
	default:
		*out = append(*out, path)
	}
}

// tamper changes the leaf at path.
func tamper(v any, path []any) {
	for _, step := range path[:len(path)-1] {
		switch s := step.(type) {
		case string:
			v = v.(map[string]any)[s]
		case int:
			v = v.([]any)[s]
		}
	}
	change := func(old any) any {
		switch o := old.(type) {
		case string:
			if o == "" {
				return "x"
			}
			b := []byte(o)
			b[len(b)-1] ^= 1 // a one-bit change of the last character
			return string(b)
		case float64:
			return o + 1
		case bool:
			return !o
		}
		return "x"
	}
	switch s := path[len(path)-1].(type) {
	case string:
		m := v.(map[string]any)
		m[s] = change(m[s])
	case int:
		a := v.([]any)
		a[s] = change(a[s])
	}
}

// Changing any leaf of a signed credential, including its proof, makes verification fail.
func TestTamperEveryLeaf(t *testing.T) {
	ctx := context.Background()
	c := canon(t)
	signed := vectorFile(t, readVectors(t).OB.SignedCredential)
	orig, _ := decodeObject(signed)
	var paths [][]any
	leafPaths(orig, nil, &paths)
	if len(paths) < 20 {
		t.Fatalf("only %d leaves", len(paths))
	}
	for _, p := range paths {
		t.Run(fmt.Sprint(p), func(t *testing.T) {
			m, _ := decodeObject(signed)
			tamper(m, p)
			b, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			res, err := VerifyDataIntegrity(ctx, c, obResolver(t), b, obIssuer)
			if err != nil {
				return // refused outright
			}
			for _, r := range res {
				if r.Verified {
					t.Errorf("tampered credential still verifies")
				}
			}
		})
	}
	t.Logf("%d leaves tampered", len(paths))
}
