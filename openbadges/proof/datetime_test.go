package proof

import (
	"regexp"
	"testing"
)

// xsdDateTimeRef is the lexical space of xsd:dateTime (time zone optional) as a regular
// expression: ValidDateTime must accept exactly what it matches.
var xsdDateTimeRef = regexp.MustCompile(`^-?[0-9]{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))?$|^-?[0-9]{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T24:00:00(\.0+)?(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))?$`)

var dateTimeSeeds = []string{
	"2010-01-01T19:23:24Z", "2010-01-01T19:23:24", "2010-01-01T19:23:24.123Z", "-0001-12-31T23:59:59+14:00",
	"12345-02-29T00:00:00-13:59", "2010-01-01T24:00:00Z", "2010-01-01T24:00:00.000", "2010-01-01T24:00:00.001",
	"2010-01-01T24:00:01Z", "2010-01-01T24:01:00", "2010-13-01T00:00:00Z", "2010-00-01T00:00:00Z",
	"2010-01-00T00:00:00Z", "2010-01-32T00:00:00Z", "2010-01-31T23:60:00Z", "2010-01-31T23:59:60Z",
	"2010-01-31T25:00:00Z", "201-01-01T00:00:00Z", "2010-01-01T00:00:00+14:01", "2010-01-01T00:00:00+15:00",
	"2010-01-01T00:00:00+1:00", "2010-01-01T00:00:00.Z", "2010-01-01T00:00:00z", "2010-01-01t00:00:00Z",
	"2010-01-01T00:00:00Z ", " 2010-01-01T00:00:00Z", "2010-01-01T00:00:00Z\n", "--2010-01-01T00:00:00Z",
	"2010-1-01T00:00:00Z", "2010-01-01T00:00:00+00:00", "2010-01-01T00:00:00-00:60", "", "-", "2010",
	"2010-01-01T00:00", "2010-01-01T00:00:00.5+05:30", "2010-01-01T24:00:00.0+14:00", "2010-01-01T00:00:00+14:00Z",
	"2010-01-01T0a:00:00Z", "2010-01-01T00:00:00\xff", "2010-01-01T00:00:00.１Z",
}

func TestValidDateTime(t *testing.T) {
	for _, s := range dateTimeSeeds {
		if got, want := ValidDateTime(s), xsdDateTimeRef.MatchString(s); got != want {
			t.Errorf("ValidDateTime(%q) = %v, the regular expression says %v", s, got, want)
		}
	}
}

// FuzzValidDateTime checks ValidDateTime (a parser of proof values) against the regular
// expression.
func FuzzValidDateTime(f *testing.F) {
	for _, s := range dateTimeSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := ValidDateTime(s), xsdDateTimeRef.MatchString(s); got != want {
			t.Fatalf("ValidDateTime(%q) = %v, the regular expression says %v", s, got, want)
		}
	})
}
