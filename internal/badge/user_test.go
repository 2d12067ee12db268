package badge

import (
	"errors"
	"testing"
)

func TestNormalizeEmail(t *testing.T) {
	tests := []struct {
		in, email, key string
		ok             bool
	}{
		{"ann@example.org", "ann@example.org", "ann@example.org", true},
		{"  Ann.Lee@Example.ORG\n", "Ann.Lee@example.org", "ann.lee@example.org", true},
		{"x+tag@sub.example.co.uk", "x+tag@sub.example.co.uk", "x+tag@sub.example.co.uk", true},
		{"root@localhost", "root@localhost", "root@localhost", true},
		{"", "", "", false},
		{"ann", "", "", false},
		{"@example.org", "", "", false},
		{"ann@", "", "", false},
		{"ann@example", "", "", false},
		{"Ann <ann@example.org>", "", "", false},
		{"a b@example.org", "", "", false},
		{"a@b@example.org", "", "", false},
		{"ann@example.org,bob@example.org", "", "", false},
	}
	for _, tt := range tests {
		email, key, err := NormalizeEmail(tt.in)
		if (err == nil) != tt.ok || email != tt.email || key != tt.key {
			t.Errorf("NormalizeEmail(%q) = %q, %q, %v", tt.in, email, key, err)
		}
		if err != nil && !errors.Is(err, Invalid) {
			t.Errorf("NormalizeEmail(%q) error kind %s", tt.in, KindOf(err))
		}
	}
}

func FuzzNormalizeEmail(f *testing.F) {
	f.Add("ann@example.org")
	f.Add(" A@B.C ")
	f.Fuzz(func(t *testing.T, s string) {
		email, key, err := NormalizeEmail(s)
		if err != nil {
			return
		}
		again, key2, err := NormalizeEmail(email)
		if err != nil || again != email || key2 != key {
			t.Fatalf("not idempotent: %q -> %q -> %q, %v", s, email, again, err)
		}
	})
}

func TestFakeClock(t *testing.T) {
	c := NewFakeClock(testTime)
	c.Advance(90)
	if got := c.Now(); !got.Equal(testTime.Add(90)) {
		t.Errorf("Now = %v", got)
	}
	c.Set(testTime)
	if !c.Now().Equal(testTime) {
		t.Error("Set")
	}
}

var testTime = mustTime("2026-11-23T10:00:00Z")

func TestNormalizeReportsTheField(t *testing.T) {
	if _, _, err := NormalizeEmail("nope"); FieldMessages(err)["email"] == "" {
		t.Errorf("NormalizeEmail error %v has no email field", err)
	}
	if _, err := NormalizeName("a\x01"); FieldMessages(err)["name"] == "" {
		t.Errorf("NormalizeName error %v has no name field", err)
	}
}
