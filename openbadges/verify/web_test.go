package verify

import (
	"testing"

	"github.com/rosettebadges/rosette/openbadges/internal/fixture"
)

func readFixture(t testing.TB, elem ...string) []byte {
	t.Helper()
	return fixture.Read(t, elem...)
}
