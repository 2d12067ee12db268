package bake_test

import (
	"testing"

	"github.com/rosettebadges/rosette/openbadges/bake"
)

func FuzzDetectKind(f *testing.F) {
	for _, p := range []string{testJWS, testOB3, testCLR, testOB2, testHost} {
		f.Add([]byte(p))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		k, err := bake.DetectKind(b)
		if err == nil && k != bake.OB2 && k != bake.OB3 && k != bake.CLR {
			t.Fatalf("kind %q", k)
		}
	})
}
