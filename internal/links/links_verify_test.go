package links

import "testing"

func TestVerifyOf(t *testing.T) {
	u := URLs{Base: "https://badges.example.org"}
	got := u.VerifyOf("https://badges.example.org/awards/a b?x=1&y=2")
	want := "https://badges.example.org/verify?url=https%3A%2F%2Fbadges.example.org%2Fawards%2Fa+b%3Fx%3D1%26y%3D2"
	if got != want {
		t.Errorf("VerifyOf = %q, want %q", got, want)
	}
	if u.Verify() != "https://badges.example.org/verify" {
		t.Errorf("Verify = %q", u.Verify())
	}
}
